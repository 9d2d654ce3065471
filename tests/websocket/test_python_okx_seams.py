"""python-okx's WebSocket classes keep the seams python-okx's own unit tests reach: the
module's ``WebSocketFactory`` and ``WsUtils``, ``self.websocket.send``, ``self.callback``.

(``tools/python_okx_ws_tests.py`` runs python-okx's 48 tests themselves from a checkout.)
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from typing import Any
from unittest.mock import AsyncMock, MagicMock, patch

import pytest
from websockets.exceptions import ConnectionClosedError

import okx_v5.websocket.WsPrivateAsync as private_module  # noqa: N813 - python-okx's name
import okx_v5.websocket.WsPublicAsync as public_module  # noqa: N813
from okx_v5.websocket.WsPrivateAsync import WsPrivateAsync
from okx_v5.websocket.WsPublicAsync import WsPublicAsync

URL = "wss://test.example.com"
KEY, SECRET, PASSPHRASE = "the-key", "the-secret", "the-passphrase"


def sent(socket: AsyncMock) -> list[dict[str, Any]]:
    return [json.loads(call.args[0]) for call in socket.send.call_args_list]


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_both_classes_build_outside_an_event_loop_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        public = WsPublicAsync(URL)
        private = WsPrivateAsync(KEY, PASSPHRASE, SECRET, URL)
    assert (public.url, private.url) == (URL, URL)
    assert (public.apiKey, private.apiKey, private.useServerTime) == ("", KEY, False)


def test_the_factory_is_the_one_of_the_class_module_built_with_the_url() -> None:
    with patch.object(private_module, "WebSocketFactory") as factory:
        ws = WsPrivateAsync(apiKey=KEY, passphrase=PASSPHRASE, secretKey=SECRET, url=URL)
    factory.assert_called_once_with(URL)
    assert ws.factory is factory.return_value


def test_use_server_time_is_deprecated_as_in_python_okx() -> None:
    with pytest.warns(DeprecationWarning, match="useServerTime parameter is deprecated"):
        WsPrivateAsync(KEY, PASSPHRASE, SECRET, URL, useServerTime=True)


def test_subscribe_sends_okx_request_through_the_websocket_with_its_id() -> None:
    ws = WsPublicAsync(URL)
    ws.websocket = AsyncMock()
    callback = MagicMock()
    args = [{"channel": "tickers", "instId": "BTC-USDT"}]
    run(ws.subscribe(args, callback, id="sub001"))
    run(ws.unsubscribe(args, callback))
    assert sent(ws.websocket) == [
        {"op": "subscribe", "args": args, "id": "sub001"},
        {"op": "unsubscribe", "args": args},
    ]
    assert ws.callback is callback


def test_private_subscribe_logs_in_first_through_the_modules_wsutils_without_sleeping() -> None:
    ws = WsPrivateAsync(KEY, PASSPHRASE, SECRET, URL)
    ws.websocket = AsyncMock()
    with (
        patch.object(private_module, "WsUtils") as utils,
        patch.object(private_module.asyncio, "sleep", side_effect=AssertionError("slept")),
    ):
        utils.initLoginParams.return_value = '{"op": "login"}'
        run(ws.subscribe([{"channel": "account"}], MagicMock()))
        run(ws.subscribe([{"channel": "orders", "instType": "ANY"}], MagicMock()))
    utils.initLoginParams.assert_called_once_with(
        useServerTime=False, apiKey=KEY, passphrase=PASSPHRASE, secretKey=SECRET
    )
    assert [frame["op"] for frame in sent(ws.websocket)] == ["login", "subscribe", "subscribe"]


def test_public_login_needs_the_three_credentials() -> None:
    with pytest.raises(ValueError, match="apiKey, secretKey and passphrase are required"):
        run(WsPublicAsync(URL).login())


@pytest.mark.parametrize(
    ("method", "op"),
    [
        ("place_order", "order"),
        ("batch_orders", "batch-orders"),
        ("cancel_order", "cancel-order"),
        ("batch_cancel_orders", "batch-cancel-orders"),
        ("amend_order", "amend-order"),
        ("batch_amend_orders", "batch-amend-orders"),
        ("mass_cancel", "mass-cancel"),
    ],
)
def test_each_order_method_sends_its_operation(method: str, op: str) -> None:
    ws = WsPrivateAsync(KEY, PASSPHRASE, SECRET, URL)
    ws.websocket = AsyncMock()
    callback = MagicMock()
    run(getattr(ws, method)([{"instId": "BTC-USDT"}], callback=callback, id="o1"))
    assert sent(ws.websocket) == [{"op": op, "args": [{"instId": "BTC-USDT"}], "id": "o1"}]
    assert ws.callback is callback


def test_send_keeps_the_callback_unless_given_one() -> None:
    ws = WsPublicAsync(URL)
    ws.websocket = AsyncMock()
    first = MagicMock()
    ws.callback = first
    run(ws.send("custom", []))
    assert ws.callback is first


class Dropping:
    """A bare connection that yields ``messages`` then drops."""

    def __init__(self, *messages: str) -> None:
        self.messages = list(messages)

    def __aiter__(self) -> Dropping:
        return self

    async def __anext__(self) -> str:
        if self.messages:
            return self.messages.pop(0)
        raise ConnectionClosedError(None, None)


def test_a_bare_connection_that_drops_is_reported_to_the_callback_and_raised() -> None:
    ws = WsPublicAsync(URL)
    received: list[str] = []
    ws.callback = received.append
    ws.websocket = Dropping('{"data": 1}')
    with (
        patch.object(public_module.logger, "error") as logged,
        pytest.raises(ConnectionClosedError),
    ):
        run(ws.consume())
    logged.assert_called_once()
    assert received[0] == '{"data": 1}'
    assert json.loads(received[1])["code"] == "ConnClosed"


def test_start_connects_and_returns_the_consuming_task() -> None:
    async def scenario() -> None:
        ws = WsPublicAsync(URL)
        ws.connect = AsyncMock()  # type: ignore[method-assign]
        ws.consume = AsyncMock()  # type: ignore[method-assign]
        task = await ws.start()
        assert isinstance(task, asyncio.Task)
        await task
        ws.connect.assert_awaited_once()
        assert ws.loop is asyncio.get_running_loop()

    run(scenario())


def test_debug_logs_never_show_the_passphrase(caplog: pytest.LogCaptureFixture) -> None:
    ws = WsPrivateAsync(KEY, PASSPHRASE, SECRET, URL, debug=True)
    ws.websocket = AsyncMock()
    with caplog.at_level(logging.DEBUG, logger="okx_v5"):
        run(ws.login())
    assert sent(ws.websocket)[0]["args"][0]["passphrase"] == PASSPHRASE
    assert "login" in caplog.text
    assert PASSPHRASE not in caplog.text
    logging.getLogger(private_module.__name__).setLevel(logging.NOTSET)
