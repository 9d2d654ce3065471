"""Fixtures for the FakeOKX tests: a session, WebSocket streams, and signing done independently
of okx_v5.utils."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import time
import zlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from websockets.sync.client import ClientConnection, connect

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


# -- WebSocket streams ----------------------------------------------------------------------------

Message = Any
"""One message received on a stream: OKX's JSON, or the text ``pong``."""


def login_arg(
    *,
    key: str = FakeOKX.DEMO_KEY,
    secret: str = FakeOKX.DEMO_SECRET,
    passphrase: str = FakeOKX.DEMO_PASSPHRASE,
    timestamp: str | int | None = None,
) -> dict[str, Any]:
    """OKX's login argument, signed here as the docs say (not with okx_v5's code)."""
    ts = str(int(time.time())) if timestamp is None else timestamp
    return {
        "apiKey": key,
        "passphrase": passphrase,
        "timestamp": ts,
        "sign": hmac_sign(secret, f"{ts}GET/users/self/verify"),
    }


class Stream:
    """A ``websockets`` sync client connection to FakeOKX, with OKX-shaped helpers."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    def send(self, payload: Any) -> None:
        """Send ``payload``: text as it is, anything else as JSON."""
        self.connection.send(payload if isinstance(payload, str) else json.dumps(payload))

    def recv(self, timeout: float = 2.0) -> Message:
        """The next message (JSON decoded, ``pong`` as text)."""
        text = self.connection.recv(timeout=timeout)
        assert isinstance(text, str)
        return text if text == "pong" else json.loads(text)

    def until(self, matches: Callable[[Message], bool], timeout: float = 2.0) -> Message:
        """The next message that ``matches``, skipping others (pushes of other channels)."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.recv(timeout=max(deadline - time.monotonic(), 0.01))
            if matches(message):
                return message

    def answer(self, timeout: float = 2.0) -> Message:
        """The next answer to a request (an ``event`` or an ``op`` message), skipping pushes."""
        return self.until(lambda m: isinstance(m, dict) and ("event" in m or "op" in m), timeout)

    def push(self, channel: str, timeout: float = 2.0) -> Message:
        """The next push of ``channel``."""
        return self.until(
            lambda m: (
                isinstance(m, dict)
                and "data" in m
                and m.get("arg", {}).get("channel") == channel
                and "op" not in m
            ),
            timeout,
        )

    def login(self, **arg: Any) -> Message:
        """Log in (with the demo key unless told otherwise); return the answer."""
        self.send({"op": "login", "args": [login_arg(**arg)]})
        return self.answer()

    def subscribe(self, *args: dict[str, str], op: str = "subscribe") -> list[Message]:
        """Subscribe to ``args``; return the answer to each."""
        self.send({"op": op, "args": list(args)})
        return [self.answer() for _ in args]


Opener = Callable[..., Stream]


@pytest.fixture
def stream(okx: FakeOKX) -> Iterator[Opener]:
    """Return ``open(path="public", demo=True, headers=None)``: a :class:`Stream` to
    ``/ws/v5/<path>`` of ``okx`` (with ``x-simulated-trading: 1`` if ``demo``), closed after
    the test."""
    with contextlib.ExitStack() as opened:

        def open_stream(
            path: str = "public", *, demo: bool = True, headers: dict[str, str] | None = None
        ) -> Stream:
            sent = {"x-simulated-trading": "1"} if demo else {}
            connection = connect(
                f"{okx.ws_url}/ws/v5/{path}",
                additional_headers={**sent, **(headers or {})},
                open_timeout=5,
                close_timeout=0.2,  # a silenced server never answers the close frame
            )
            return Stream(opened.enter_context(connection))

        yield open_stream


@pytest.fixture
def login() -> Callable[..., dict[str, Any]]:
    """Return :func:`login_arg`: OKX's login argument, signed independently of okx_v5."""
    return login_arg


class LocalBook:
    """An order book kept from a channel's messages by OKX's merge rules, written here."""

    def __init__(self, snapshot: dict[str, Any]) -> None:
        self.sides: dict[str, dict[str, list[str]]] = {"asks": {}, "bids": {}}
        self.apply(snapshot)

    def apply(self, data: dict[str, Any]) -> None:
        for side, levels in self.sides.items():
            for level in data[side]:
                if level[1] == "0":
                    levels.pop(level[0], None)
                else:
                    levels[level[0]] = level

    def side(self, name: str) -> list[list[str]]:
        return sorted(
            self.sides[name].values(), key=lambda level: Decimal(level[0]), reverse=name == "bids"
        )

    def checksum(self) -> int:
        bids, asks = self.side("bids")[:25], self.side("asks")[:25]
        parts = []
        for n in range(25):
            parts += [f"{bid[0]}:{bid[1]}" for bid in bids[n : n + 1]]
            parts += [f"{ask[0]}:{ask[1]}" for ask in asks[n : n + 1]]
        crc = zlib.crc32(":".join(parts).encode())
        return crc - 2**32 if crc >= 2**31 else crc


@pytest.fixture
def local_book() -> type[LocalBook]:
    """Return :class:`LocalBook`: a client's order book, kept from a channel's messages."""
    return LocalBook
