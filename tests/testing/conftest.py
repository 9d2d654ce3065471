"""Fixtures for the FakeOKX tests: a session, and signing done independently of okx_v5.utils."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from okx_v5.testing import FakeOKX

Signer = Callable[..., dict[str, str]]
Api = Callable[..., tuple[int, dict[str, Any]]]


def okx_timestamp(offset: float = 0.0) -> str:
    """Return now (+ offset seconds) as OKX wants it: 2024-01-02T03:04:05.678Z."""
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=offset)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def hmac_sign(secret: str, message: str) -> str:
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# ``okx``, a FakeOKX of the test's own, comes from tests/conftest.py.


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s


@pytest.fixture
def signed() -> Signer:
    """Return a function building the four OKX auth headers (and the demo flag) for a path."""

    def build(
        path: str,
        *,
        key: str = FakeOKX.DEMO_KEY,
        secret: str = FakeOKX.DEMO_SECRET,
        passphrase: str = FakeOKX.DEMO_PASSPHRASE,
        timestamp: str | None = None,
        demo: bool = True,
        method: str = "GET",
        body: str = "",
    ) -> dict[str, str]:
        ts = timestamp if timestamp is not None else okx_timestamp()
        headers = {
            "OK-ACCESS-KEY": key,
            "OK-ACCESS-SIGN": hmac_sign(secret, ts + method + path + body),
            "OK-ACCESS-TIMESTAMP": ts,
            "OK-ACCESS-PASSPHRASE": passphrase,
        }
        if demo:
            headers["x-simulated-trading"] = "1"
        return headers

    return build


@pytest.fixture
def stamp() -> Callable[[float], str]:
    """Return the timestamp formatter (offset in seconds from now)."""
    return okx_timestamp


@pytest.fixture
def api(okx: FakeOKX, session: requests.Session, signed: Signer) -> Api:
    """Return ``send(method, path, body=None, **query)``: one request signed with the demo key
    (rate limits off: these tests are about behaviour), answered as (HTTP status, JSON)."""
    okx.rate_limits = False

    def send(method: str, path: str, body: Any = None, **query: str) -> tuple[int, dict[str, Any]]:
        target = f"{path}?{urlencode(query)}" if query else path
        text = "" if body is None else json.dumps(body)
        headers = signed(target, method=method, body=text)
        if text:
            headers["Content-Type"] = "application/json"
        response = session.request(method, okx.url + target, headers=headers, data=text or None)
        answer: dict[str, Any] = response.json()
        return response.status_code, answer

    return send
