"""python-okx's WebSocket classes, import changed, against FakeOKX: the flows of python-okx's
own WebSocket examples, and what the engine adds under them (reconnects, re-login)."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest

from okx_v5.testing import FakeOKX
from okx_v5.websocket import link as link_module
from okx_v5.websocket.WsPrivateAsync import WsPrivateAsync
from okx_v5.websocket.WsPublicAsync import WsPublicAsync

from .conftest import wait_for

PUBLIC_URL = "wss://wspap.okx.com:8443/ws/v5/public?brokerId=9999"
PRIVATE_URL = "wss://wspap.okx.com:8443/ws/v5/private?brokerId=9999"
DEMO = {
    "apiKey": FakeOKX.DEMO_KEY,
    "passphrase": FakeOKX.DEMO_PASSPHRASE,
    "secretKey": FakeOKX.DEMO_SECRET,
}


@pytest.fixture
def offline(fake: FakeOKX, monkeypatch: pytest.MonkeyPatch) -> FakeOKX:
    """python-okx's OKX URLs go to the test's FakeOKX, as OKX_DOMAIN sends them."""
    for name, value in fake.environment().items():
        monkeypatch.setenv(name, value)
    return fake


class Received:
    """A python-okx callback: records each message (JSON text), wakes on a condition."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.changed = asyncio.Event()

    def __call__(self, message: str) -> None:
        assert isinstance(message, str)
        self.texts.append(message)
        self.changed.set()

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [json.loads(text) for text in self.texts]

    async def until(
        self, condition: Callable[[dict[str, Any]], bool], timeout: float = 5
    ) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        seen = 0
        while True:
            for message in self.messages[seen:]:
                if condition(message):
                    return message
            seen = len(self.texts)
            self.changed.clear()
            left = deadline - asyncio.get_running_loop().time()
            await asyncio.wait_for(self.changed.wait(), max(left, 0))


def test_the_public_example_subscribes_unsubscribes_and_stops(offline: FakeOKX) -> None:
    async def main() -> Received:
        received = Received()
        ws = WsPublicAsync(url=PUBLIC_URL)
        await ws.start()
        args = [
            {"channel": "instruments", "instType": "SPOT"},
            {"channel": "tickers", "instId": "BTC-USDT-SWAP"},
            {"channel": "tickers", "instId": "ETH-USDT"},
        ]
        await ws.subscribe(args, received, id="sub001")
        await received.until(
            lambda m: m.get("arg", {}).get("channel") == "instruments" and "data" in m
        )
        await ws.unsubscribe(args[2:], received, id="unsub001")
        await received.until(lambda m: m.get("event") == "unsubscribe")
        await ws.stop()
        return received

    received = asyncio.run(main())
    acks = [m for m in received.messages if m.get("event") == "subscribe"]
    assert [m["id"] for m in acks] == ["sub001"] * 3  # OKX's answers reach the callback
    assert offline.streams.received[0].path == "/ws/v5/public"
    wait_for(lambda: offline.streams.connections == 0, 1)


def test_the_private_example_logs_in_without_sleeping_and_gets_its_pushes(
    offline: FakeOKX,
) -> None:
    async def main() -> tuple[Received, float]:
        received = Received()
        ws = WsPrivateAsync(url=PRIVATE_URL, **DEMO)
        await ws.start()
        started = time.monotonic()
        await ws.subscribe([{"channel": "account", "ccy": "BTC"}], callback=received)
        took = time.monotonic() - started
        await received.until(lambda m: m.get("arg", {}).get("channel") == "account" and "data" in m)
        await ws.stop()
        return received, took

    received, took = asyncio.run(main())
    assert took < 2  # python-okx sleeps 5 s after every login
    events = [m.get("event") for m in received.messages]
    assert events[:2] == ["login", "subscribe"]


def test_the_order_examples_get_okx_answers_through_the_callback(offline: FakeOKX) -> None:
    async def main() -> Received:
        received = Received()
        ws = WsPrivateAsync(url=PRIVATE_URL, **DEMO)
        await ws.start()
        await ws.login()
        order = {"instId": "BTC-USDT", "tdMode": "cash", "clOrdId": "clientorder001",
                 "side": "buy", "ordType": "limit", "sz": "0.001", "px": "30000"}  # fmt: skip
        await ws.place_order([order], callback=received, id="order001")
        await received.until(lambda m: m.get("id") == "order001")
        await ws.cancel_order(
            [{"instId": "BTC-USDT", "clOrdId": "clientorder001"}],
            callback=received,
            id="cancel001",
        )
        await received.until(lambda m: m.get("id") == "cancel001")
        await ws.send("order", [order | {"clOrdId": "send001"}], callback=received, id="send001")
        await received.until(lambda m: m.get("id") == "send001")
        await ws.stop()
        return received

    received = asyncio.run(main())
    answers = {m["id"]: m for m in received.messages if "id" in m and "op" in m}
    assert answers["order001"]["data"][0]["sCode"] == "0"
    assert answers["cancel001"]["op"] == "cancel-order"
    assert answers["send001"]["code"] == "0"


def test_a_dropped_connection_comes_back_logged_in_and_subscribed_with_nothing_injected(
    offline: FakeOKX, caplog: pytest.LogCaptureFixture
) -> None:
    async def main() -> Received:
        received = Received()
        ws = WsPrivateAsync(url=PRIVATE_URL, **DEMO)
        await ws.start()
        await ws.subscribe([{"channel": "orders", "instType": "ANY"}], callback=received)
        await ws.subscribe([{"channel": "account"}], callback=received)
        await received.until(lambda m: m.get("arg", {}).get("channel") == "account")
        received.texts.clear()
        offline.streams.drop()
        from okx_v5.Trade import TradeAPI

        def trade() -> None:
            with TradeAPI.from_env() as rest:
                rest.place_order("BTC-USDT", "cash", "buy", "market", "10")

        while len([f for f in offline.streams.received if f.op == "subscribe"]) < 3:
            await asyncio.sleep(0.01)  # until the engine logged in again and resubscribed
        await asyncio.get_running_loop().run_in_executor(None, trade)
        await received.until(lambda m: m.get("arg", {}).get("channel") == "orders")
        await ws.stop()
        return received

    with caplog.at_level(logging.INFO, logger="okx_v5"):
        received = asyncio.run(main())
    assert all(m.get("event") not in ("reconnected", "error") for m in received.messages)
    assert "reconnected" in caplog.text
    assert [r.levelname for r in caplog.records if "reconnected" in r.getMessage()] == ["INFO"]
    logins = [f for f in offline.streams.received if f.op == "login"]
    assert len(logins) == 2  # once by the script, once by the engine after the drop


def test_a_url_outside_okx_is_used_as_given(fake: FakeOKX) -> None:
    async def main() -> Received:
        received = Received()
        ws = WsPublicAsync(url=fake.ws_url + "/ws/v5/public")
        await ws.start()
        await ws.subscribe([{"channel": "books5", "instId": "ETH-USDT"}], received)
        await received.until(lambda m: "data" in m)
        await ws.stop()
        return received

    assert asyncio.run(main()).messages[-1]["arg"]["channel"] == "books5"


def test_a_refused_first_connection_is_tried_again(offline: FakeOKX) -> None:
    offline.streams.refuse(0.3)

    async def main() -> bool:
        ws = WsPublicAsync(url=PUBLIC_URL)
        await ws.connect()
        connected = ws.websocket is not None
        await ws.stop()
        return connected

    assert asyncio.run(main())


def test_connecting_to_nothing_logs_the_error_and_leaves_websocket_none(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        link_module, "Timers", functools.partial(link_module.Timers, open_timeout=0.3)
    )

    async def main() -> object:
        ws = WsPublicAsync(url="ws://127.0.0.1:9/ws/v5/public")
        await ws.connect()
        return ws.websocket

    with caplog.at_level(logging.ERROR, logger="okx_v5"):
        assert asyncio.run(main()) is None
    assert "Error connecting to WebSocket" in caplog.text


def test_stop_sync_stops_a_client_from_plain_code(offline: FakeOKX) -> None:
    ws = WsPublicAsync(url=PUBLIC_URL)
    loop = asyncio.new_event_loop()
    try:
        ws.loop = loop
        loop.run_until_complete(ws.connect())
        assert offline.streams.connections == 1
        ws.stop_sync()
        assert ws.factory.websocket is None
    finally:
        loop.close()


def test_args_that_cannot_be_json_are_refused_before_anything_is_sent(offline: FakeOKX) -> None:
    from okx_v5.exceptions import OkxParamsException

    async def main() -> None:
        ws = WsPublicAsync(url=PUBLIC_URL)
        await ws.start()
        try:
            with pytest.raises(OkxParamsException, match="cannot be sent as JSON"):
                await ws.subscribe([{"channel": "tickers", "instId": float("nan")}], print)
        finally:
            await ws.stop()

    asyncio.run(main())
    assert not any("NaN" in frame for frame in offline.streams.received)
