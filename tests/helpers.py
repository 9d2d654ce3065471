"""Constants and helpers shared by the tests: credentials and the documented answers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

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
