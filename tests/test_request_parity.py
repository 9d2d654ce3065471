"""Every python-okx 0.4.4 method sends the same request and returns the same dict on okx_v5.

Each method is called through python-okx and through okx_v5, with the same arguments, against
the same fake exchange (its state reset before each call): the HTTP method, the request target
byte for byte (path and query), the body byte for byte and the returned dict must be equal.
The arguments are built from the facts: every argument python-okx requires and every
parameter OKX documents as required gets a value OKX accepts, the others keep their defaults.
"""

from __future__ import annotations

import importlib
import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from okx_v5.testing import FakeOKX

FACTS = Path(__file__).resolve().parent.parent / "okx_v5" / "facts"

# Values OKX accepts for the parameters the calls must give, by OKX's name, else by type.
SAMPLES: dict[str, Any] = {
    "instId": "BTC-USDT-SWAP",
    "instFamily": "BTC-USDT",
    "uly": "BTC-USDT",
    "ccy": "BTC",
    "instType": "SWAP",
}
BY_TYPE: dict[str, Any] = {
    "str": "BTC-USDT",
    "number": "1",
    "bool": "false",
    "list[str]": ["BTC"],
    "object": {"instId": "BTC-USDT"},
    "list[object]": [{"instId": "BTC-USDT", "ordId": "1"}],
}
BATCH = [{"instId": "BTC-USDT", "ordId": "1", "algoId": "1"}]

# Where okx_v5 sends something else on purpose (see the facts' notes): what python-okx's target
# becomes on okx_v5.
DIVERGENCES = {
    # python-okx misspells uly as ugly, which OKX ignores; okx_v5 sends uly
    "Account.get_instruments": lambda target: target.replace("&ugly=", "&uly="),
}


def endpoints() -> Iterator[Any]:
    for path in sorted(FACTS.glob("*.json")):
        facts = json.loads(path.read_text())
        if "endpoints" not in facts:  # consts.json, uncovered.json
            continue
        for endpoint in facts["endpoints"]:
            yield pytest.param(facts, endpoint, id=f"{facts['module']}.{endpoint['name']}")


def sample(param: str, facts: dict[str, Any] | None) -> Any:
    if facts and facts.get("choices"):
        return facts["choices"][0]
    if param in SAMPLES:
        return SAMPLES[param]
    return BY_TYPE.get((facts or {}).get("type", "str"), "1")


def arguments(endpoint: dict[str, Any]) -> dict[str, Any]:
    """python-okx's arguments for a call OKX's documented rules accept."""
    params = endpoint["params"] or {}
    by_arg = {wire["arg"]: wire["key"] for wire in endpoint["wire"]}
    needed = {key for key, facts in params.items() if facts.get("required")} | {
        rule["one_of"][0] for rule in endpoint.get("requires", [])
    }
    given: dict[str, Any] = {}
    for arg in endpoint["args"]:
        name = arg["name"]
        key = by_arg.get(name, name)
        if isinstance(endpoint["body"], dict) and endpoint["body"]["arg"] == name:
            given[name] = BATCH
        elif "default" not in arg or key in needed:
            given[name] = sample(key, params.get(key))
    return given


# Fields that say when the exchange answered or when the account last changed.
CLOCK_FIELDS = {"ts", "uTime", "cTime", "fillTime"}


def timeless(value: Any) -> Any:
    """``value`` with the times the exchange's clock gave replaced by a placeholder."""
    if isinstance(value, dict):
        return {k: "<time>" if k in CLOCK_FIELDS else timeless(v) for k, v in value.items()}
    if isinstance(value, list):
        return [timeless(item) for item in value]
    return value


@pytest.fixture(scope="module")
def exchange() -> Iterator[FakeOKX]:
    with FakeOKX(rate_limits=False) as okx:
        yield okx


@pytest.fixture(scope="module")
def clients(exchange: FakeOKX) -> Iterator[Callable[[str, str], Any]]:
    """One client per package and class, built on first use: building python-okx's
    ``httpx.Client`` for each of the 279 methods cost a third of the module's time."""
    built: dict[tuple[str, str], Any] = {}

    def client(module: str, class_name: str) -> Any:
        if (module, class_name) not in built:
            api = getattr(importlib.import_module(module), class_name)
            credentials = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
            kwargs: dict[str, Any] = {"flag": "1", "domain": exchange.url}
            if module.startswith("okx_v5"):
                kwargs.update(rate_limit=False, max_retries=0)
            with warnings.catch_warnings():
                # python-okx warns that use_server_time is deprecated whenever it is not None
                warnings.simplefilter("ignore", DeprecationWarning)
                built[module, class_name] = api(*credentials, **kwargs)
        return built[module, class_name]

    yield client
    for each in built.values():
        each.close()  # python-okx's httpx.Client and okx_v5's client both have close()


def call(client: Any, method: str, given: dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        # httpx warns that python-okx posts its body as data=
        warnings.simplefilter("ignore", DeprecationWarning)
        return getattr(client, method)(**given)


@pytest.mark.parametrize(("facts", "endpoint"), list(endpoints()))
def test_okx_v5_sends_what_python_okx_sends_and_returns_the_same_dict(
    facts: dict[str, Any],
    endpoint: dict[str, Any],
    exchange: FakeOKX,
    clients: Callable[[str, str], Any],
) -> None:
    given = arguments(endpoint)
    results, sent = [], []
    for package in ("okx", "okx_v5"):
        exchange.reset()
        module = f"{package}.{facts['module']}"
        results.append(call(clients(module, facts["class"]), endpoint["name"], given))
        sent.append([(r.method, r.path, r.body) for r in exchange.requests])
    theirs, ours = sent
    assert len(theirs) == 1
    fixed = DIVERGENCES.get(f"{facts['module']}.{endpoint['name']}")
    if fixed:
        theirs = [(method, fixed(target), body) for method, target, body in theirs]
    assert ours == theirs
    assert (ours[0][0], ours[0][1].partition("?")[0]) == (endpoint["http"], endpoint["path"])
    # The clock moved between the two calls: compare the answers without their times.
    assert timeless(results[1]) == timeless(results[0])
