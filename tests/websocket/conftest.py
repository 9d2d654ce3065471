"""Fixtures of the stream tests: a FakeOKX streaming fast, and clients with short timers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from okx_v5.testing import FakeOKX
from okx_v5.websocket import WsPrivate, WsPublic, limits

FAST: dict[str, Any] = {
    "ping_interval": 0.3,
    "pong_timeout": 0.2,
    "reconnect_backoff": 0.02,
    "reconnect_backoff_max": 0.2,
    "timeout": 5.0,
}
"""Timers short enough that the suite never sleeps for seconds."""


@pytest.fixture(autouse=True)
def free_connect_gate(monkeypatch: pytest.MonkeyPatch) -> limits.ConnectGate:
    """OKX's 3 connection attempts per second, per test rather than per process run; the
    test of the limit itself uses the real numbers."""
    gate = limits.ConnectGate(limits.CONNECT_LIMIT[0], 0.01)
    monkeypatch.setattr(limits, "connect_gate", gate)
    return gate


@pytest.fixture
def fake() -> Iterator[FakeOKX]:
    """A FakeOKX pushing its market every 20 ms, its connection limit per 10 ms."""
    with FakeOKX(stream_interval=0.02) as okx:
        okx.streams.connect_window = 0.01
        yield okx


@pytest.fixture
def public(fake: FakeOKX) -> Iterator[WsPublic]:
    with WsPublic(domain=fake.url, **FAST) as ws:
        yield ws


@pytest.fixture
def private(fake: FakeOKX) -> Iterator[WsPrivate]:
    with WsPrivate(
        FakeOKX.DEMO_KEY,
        FakeOKX.DEMO_SECRET,
        FakeOKX.DEMO_PASSPHRASE,
        flag="1",
        domain=fake.url,
        **FAST,
    ) as ws:
        yield ws


def wait_for(condition: Callable[[], object], timeout: float = 5.0) -> None:
    """Wait until ``condition()`` is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {condition}")
        time.sleep(0.005)


def client_threads() -> list[threading.Thread]:
    """The threads of okx_v5's stream clients still alive."""
    return [thread for thread in threading.enumerate() if thread.name.startswith("okx_v5 Ws")]
