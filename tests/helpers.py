"""Constants and helpers shared by the tests: credentials, the documented answers, and every
python-okx method with arguments OKX accepts, built from the facts."""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
import logging
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests

from okx_v5 import AccountAPI, PublicAPI
from okx_v5.testing import FakeOKX

KEY = "a1b2c3d4-0000-1111-2222-333344445555"
SECRET = "S3CR3T-22582BD0CFF14C41EDBF1AB98506286D"
PASSPHRASE = "Pa55-phrase!"
DOMAIN = "https://www.okx.com"
LEVERAGE_URL = DOMAIN + "/api/v5/account/leverage-info"
TIERS_URL = DOMAIN + "/api/v5/public/position-tiers"

LEVERAGE_ANSWER: dict[str, Any] = {
    "code": "0",
    "msg": "",
    "data": [
        {
            "ccy": "",
            "instId": "BTC-USDT-SWAP",
            "mgnMode": "cross",
            "posSide": "long",
            "lever": "10",
        },
        {
            "ccy": "",
            "instId": "BTC-USDT-SWAP",
            "mgnMode": "cross",
            "posSide": "short",
            "lever": "10",
        },
    ],
}

TIERS_ANSWER: dict[str, Any] = {
    "code": "0",
    "msg": "",
    "data": [
        {
            "baseMaxLoan": "50",
            "imr": "0.1",
            "instId": "BTC-USDT",
            "maxLever": "10",
            "maxSz": "50",
            "minSz": "0",
            "mmr": "0.03",
            "optMgnFactor": "0",
            "quoteMaxLoan": "500000",
            "tier": "1",
            "uly": "",
            "instFamily": "",
        }
    ],
}


def independent_sign(secret: str, message: str) -> str:
    """The OKX signature computed here, without okx_v5."""
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def now_ms() -> str:
    """OKX's ``/public/time`` answer for this moment (the client refuses absurd ones)."""
    return str(int(time.time() * 1000))


class CannedAdapter(requests.adapters.BaseAdapter):
    """An adapter answering every request itself with ``body`` (OKX's clock for
    ``/public/time``), recording what it got."""

    def __init__(self, body: bytes = b'{"code":"0","msg":"","data":[]}') -> None:
        super().__init__()
        self.body = body
        self.requests: list[requests.PreparedRequest] = []
        self.options: list[dict[str, Any]] = []

    @property
    def urls(self) -> list[str]:
        """The URLs of the requests received, in order."""
        return [str(request.url) for request in self.requests]

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.requests.append(request)
        self.options.append(kwargs)
        response = requests.Response()
        response.status_code = 200
        response.request = request
        response._content = self.body
        if "/api/v5/public/time" in str(request.url):
            response._content = b'{"code":"0","msg":"","data":[{"ts":"%s"}]}' % now_ms().encode()
        return response

    def close(self) -> None:
        pass


def limiter_of(api: Any, endpoint: Any) -> Any:
    """The one limiter a call of ``endpoint`` (a single rule, no split) passes through."""
    ((limiter, _),) = api._limiters(endpoint, {})
    return limiter


def tiers(api: PublicAPI) -> Any:
    """BTC-USDT perpetual swap position tiers, in cross margin."""
    return api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")


def leverage(api: AccountAPI) -> Any:
    """The leverage of BTC-USDT-SWAP in cross margin."""
    return api.get_leverage("cross", instId="BTC-USDT-SWAP")


def account(url: str, **kwargs: Any) -> AccountAPI:
    """An ``AccountAPI`` with ``FakeOKX``'s demo key, at ``url``."""
    return AccountAPI(
        FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "1", url, **kwargs
    )


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


def python_okx_methods() -> Iterator[Any]:
    """Every python-okx method the facts describe, as ``pytest.param(facts, endpoint)``."""
    for path in sorted(FACTS.glob("*.json")):
        facts = json.loads(path.read_text())
        if "endpoints" not in facts:  # consts.json, uncovered.json
            continue
        for endpoint in facts["endpoints"]:
            if endpoint.get("python_okx") is False:  # okx_v5's own: python-okx has none
                continue
            yield pytest.param(facts, endpoint, id=f"{facts['module']}.{endpoint['name']}")


def sample(param: str, facts: dict[str, Any] | None) -> Any:
    """A value OKX accepts for ``param``, by its facts."""
    if facts and facts.get("choices"):
        return facts["choices"][0]
    if param in SAMPLES:
        return SAMPLES[param]
    return BY_TYPE.get((facts or {}).get("type", "str"), "1")


def arguments(endpoint: dict[str, Any]) -> dict[str, Any]:
    """python-okx's arguments for a call OKX's documented rules accept."""
    needed = {rule["one_of"][0] for rule in endpoint.get("requires", [])}
    given: dict[str, Any] = {}
    for param in endpoint["params"]:
        name = param["name"]
        key = param.get("key", name)
        if param.get("keyword"):
            continue  # okx_v5's own argument: python-okx has no such argument
        if isinstance(endpoint["body"], dict) and endpoint["body"]["arg"] == name:
            given[name] = BATCH
        elif "default" not in param or param.get("required") or key in needed:
            given[name] = sample(key, param if "type" in param else None)
    return given


def call(client: Any, method: str, given: dict[str, Any]) -> Any:
    """``client.method(**given)``, python-okx's or okx_v5's."""
    with warnings.catch_warnings():
        # httpx warns that python-okx posts its body as data=
        warnings.simplefilter("ignore", DeprecationWarning)
        return getattr(client, method)(**given)


def self_referencing_list() -> list[object]:
    """A list that contains itself."""
    value: list[object] = []
    value.append(value)
    return value


def self_referencing_dict() -> dict[str, object]:
    """A dict that contains itself."""
    value: dict[str, object] = {}
    value["a"] = value
    return value


def nested(depth: int) -> list[object]:
    """An empty list inside ``depth`` lists."""
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The messages of the warnings logged during the test."""
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


TOOLS = Path(__file__).resolve().parent.parent / "tools"


def tool(name: str) -> ModuleType:
    """``tools/<name>.py`` as a module: ``tools`` is no package, and its scripts import each
    other as siblings, as they do when run, so the folder goes on the path."""
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))
    return importlib.import_module(name)
