"""FakeOKX answers an endpoint without behaviour of its own in the shape OKX documents: a list
of items, or the object some endpoints answer (support-coin, index-components)."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest
import requests

from okx_v5.okxclient import OkxClient
from okx_v5.testing import FakeOKX

Api = Callable[..., tuple[int, dict[str, Any]]]

# The endpoints whose documented ``data`` is an object, and the query each needs.
OBJECT_SHAPED = {
    ("GET", "/api/v5/market/index-components"): {"index": "BTC-USDT"},
    ("GET", "/api/v5/rubik/stat/trading-data/support-coin"): {},
    ("GET", "/api/v5/users/partner/if-rebate"): {"apiKey": "1"},
}


def documented_examples() -> dict[tuple[str, str], Any]:
    """Each endpoint's documented example ``data``, read from the facts (not from the fake)."""
    found: dict[tuple[str, str], Any] = {}
    for entry in resources.files("okx_v5").joinpath("facts").iterdir():
        if entry.name.endswith(".json"):
            for endpoint in json.loads(entry.read_text(encoding="utf-8")).get("endpoints", ()):
                if endpoint.get("example") is not None:
                    found.setdefault((endpoint["http"], endpoint["path"]), endpoint["example"])
    return found


def shape(value: Any) -> Any:
    """The JSON shape of ``value``: objects by key, lists by their first item, else the type."""
    if isinstance(value, dict):
        return {name: shape(item) for name, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def test_the_object_shaped_endpoints_are_those_okx_documents_so() -> None:
    shaped = {where for where, data in documented_examples().items() if isinstance(data, dict)}
    assert shaped == set(OBJECT_SHAPED)


@pytest.mark.parametrize("where", OBJECT_SHAPED, ids=[path for _, path in OBJECT_SHAPED])
def test_an_object_shaped_answer_has_the_shape_of_okx_s_example(
    okx: FakeOKX, where: tuple[str, str]
) -> None:
    method, path = where
    signed = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "1")
    with OkxClient(*signed, okx.url, rate_limit=False, max_retries=0) as client:
        answer = client.request(method, path, OBJECT_SHAPED[where])  # signed: it has a key
    assert (answer["code"], shape(answer["data"])) == ("0", shape(documented_examples()[where]))


def test_a_list_shaped_answer_keeps_its_items(okx: FakeOKX) -> None:
    path = "/api/v5/public/underlying"
    with requests.Session() as session:
        answer = session.get(okx.url + path, params={"instType": "SWAP"}).json()
    assert shape(answer["data"]) == shape(documented_examples()[("GET", path)])
