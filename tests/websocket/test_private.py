"""WsPrivate against FakeOKX: logins, private channels, orders over WebSocket, secrets."""

from __future__ import annotations

import logging
import threading
import time
from decimal import Decimal

import pytest

from okx_v5.exceptions import (
    OkxAPIException,
    OkxParamsException,
    OkxRequestException,
    OkxTimeoutException,
    OkxWebSocketException,
)
from okx_v5.testing import FakeOKX
from okx_v5.Trade import TradeAPI
from okx_v5.websocket import WsPrivate

from .conftest import FAST, wait_for

DEMO = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
ORDERS = [{"channel": "orders", "instType": "SPOT"}]
BUY = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "100"}


def frames(fake: FakeOKX, op: str, path: str = "/ws/v5/private") -> list[dict[str, object]]:
    return [f.json() for f in fake.streams.received if f.op == op and f.path == path]


def test_a_private_channel_logs_in_first_and_pushes_rest_orders_typed(
    private: WsPrivate, fake: FakeOKX
) -> None:
    private.subscribe(ORDERS)
    assert [f.op for f in fake.streams.received] == ["login", "subscribe"]
    with TradeAPI(*DEMO, False, "1", fake.url) as rest:
        placed = rest.place_order("BTC-USDT", "cash", "buy", "market", "100").data[0]
    msg = next(m for m in private.messages(timeout=5) if m["data"][0]["ordId"] == placed.ord_id)
    order = msg.data[0]
    assert (order.inst_id, order.state, order.side) == ("BTC-USDT", "filled", "buy")
    assert isinstance(order.fill_sz, Decimal)
    assert "uid" in msg.arg  # OKX adds the user ID to the arg of a private push


def test_public_channels_of_wsprivate_need_no_login(private: WsPrivate, fake: FakeOKX) -> None:
    private.subscribe([{"channel": "books5", "instId": "ETH-USDT"}])
    assert [f.op for f in fake.streams.received] == ["subscribe"]
    assert next(private.messages(timeout=5)).channel == "books5"


def test_a_reconnect_logs_in_again_and_the_private_channel_goes_on(
    private: WsPrivate, fake: FakeOKX
) -> None:
    private.subscribe(ORDERS)
    messages = private.messages(timeout=5)
    fake.streams.drop()
    assert next(m for m in messages if m.event).event == "reconnected"
    assert [f["op"] for f in frames(fake, "login")] == ["login", "login"]
    logins = [f.json()["args"][0]["timestamp"] for f in fake.streams.received if f.op == "login"]
    assert logins == sorted(logins)  # each signed afresh
    # "reconnected" says the subscriptions were sent again, not that OKX has them yet: an
    # order placed before the exchange reads them would not be pushed
    wait_for(lambda: len(frames(fake, "subscribe")) == 2)
    with TradeAPI(*DEMO, False, "1", fake.url) as rest:
        placed = rest.place_order("BTC-USDT", "cash", "buy", "market", "50").data[0]
    assert next(m for m in messages if m.data[0].ord_id == placed.ord_id)


def test_a_refused_login_raises_okx_code_without_the_secrets(fake: FakeOKX) -> None:
    with (
        WsPrivate(
            FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, "not-the-passphrase", domain=fake.url, **FAST
        ) as ws,
        pytest.raises(OkxWebSocketException) as refused,
    ):
        ws.subscribe(ORDERS)
    assert refused.value.code == "60024"
    assert refused.value.op == "login"
    assert "not-the-passphrase" not in str(refused.value) + repr(refused.value)
    assert FakeOKX.DEMO_SECRET not in str(refused.value)


def test_a_demo_key_on_production_is_refused(fake: FakeOKX) -> None:
    with (
        WsPrivate(*DEMO, flag="0", domain=fake.url, **FAST) as ws,
        pytest.raises(OkxWebSocketException) as refused,
    ):
        ws.subscribe(ORDERS)
    assert refused.value.code == "60032"


def test_a_machine_whose_clock_is_off_still_logs_in() -> None:
    with FakeOKX(clock_offset=-300) as fake, WsPrivate(*DEMO, domain=fake.url, **FAST) as ws:
        ws.subscribe(ORDERS)
        codes = [f.op for f in fake.streams.received]
        assert codes == ["login", "login", "subscribe"]  # refused for its time, then synced
        assert len([r for r in fake.requests if r.path == "/api/v5/public/time"]) == 1


def test_use_server_time_syncs_before_the_first_login() -> None:
    with FakeOKX(clock_offset=-300) as fake:
        with WsPrivate(*DEMO, use_server_time=True, domain=fake.url, **FAST) as ws:
            ws.subscribe(ORDERS)
        assert [f.op for f in fake.streams.received] == ["login", "subscribe"]


def test_private_channels_need_a_key(fake: FakeOKX) -> None:
    with WsPrivate(domain=fake.url, **FAST) as ws:
        with pytest.raises(OkxParamsException, match="needs an API key"):
            ws.subscribe(ORDERS)
        with pytest.raises(OkxParamsException, match="needs an API key"):
            ws.place_order([BUY])
    assert fake.streams.received == []


class TestOrders:
    def test_place_order_returns_okx_answer_typed_like_rest(
        self, private: WsPrivate, fake: FakeOKX
    ) -> None:
        answer = private.place_order([{**BUY, "clOrdId": "ws1"}])
        assert answer.ok
        item = answer.data[0]
        assert (item.s_code, item.cl_ord_id) == ("0", "ws1")
        assert answer["op"] == "order"
        with TradeAPI(*DEMO, False, "1", fake.url) as rest:
            assert rest.get_order("BTC-USDT", clOrdId="ws1").data[0].state == "filled"

    def test_each_operation_is_answered(self, private: WsPrivate) -> None:
        limit = {**BUY, "ordType": "limit", "px": "1000", "sz": "0.01", "clOrdId": "rest1"}
        assert private.batch_orders([limit, {**limit, "clOrdId": "rest2"}]).code == "0"
        amend = private.amend_order([{"instId": "BTC-USDT", "clOrdId": "rest1", "newPx": "1001"}])
        assert amend.data[0].s_code == "0"
        batch = private.batch_amend_orders(
            [{"instId": "BTC-USDT", "clOrdId": "rest2", "newSz": "0.02"}]
        )
        assert batch.data[0].s_code == "0"
        assert private.cancel_order([{"instId": "BTC-USDT", "clOrdId": "rest1"}]).ok
        assert private.batch_cancel_orders([{"instId": "BTC-USDT", "clOrdId": "rest2"}]).ok

    def test_an_order_okx_refuses_comes_back_with_its_scode(self, private: WsPrivate) -> None:
        answer = private.place_order([{**BUY, "sz": "99999999", "clOrdId": "big"}])
        assert not answer.ok
        assert answer.failures[0].s_code == "51008"
        with pytest.raises(OkxAPIException, match=r"51008: .*clOrdId big"):
            answer.raise_for_code()

    def test_mass_cancel_goes_to_the_private_path(self, private: WsPrivate, fake: FakeOKX) -> None:
        answer = private.mass_cancel([{"instType": "SWAP", "instFamily": "BTC-USDT"}])
        assert answer.code == "0"
        assert frames(fake, "mass-cancel")

    def test_too_many_items_are_refused_before_sending(
        self, private: WsPrivate, fake: FakeOKX
    ) -> None:
        with pytest.raises(OkxParamsException, match="at most 20"):
            private.batch_orders([BUY] * 21)
        with pytest.raises(OkxParamsException, match="at most 1"):
            private.place_order([BUY, BUY])
        with pytest.raises(OkxParamsException, match="list of order dicts"):
            private.cancel_order("BTC-USDT")  # type: ignore[arg-type]
        with pytest.raises(OkxParamsException, match="JSON"):
            private.place_order([{**BUY, "sz": float("nan")}])
        assert fake.streams.received == []

    def test_an_order_cut_off_by_a_drop_says_it_may_have_been_placed_and_is_never_resent(
        self, private: WsPrivate, fake: FakeOKX
    ) -> None:
        private.subscribe(ORDERS)  # the connection is up and logged in
        fake.streams.silence()  # the order arrives, its answer does not
        failure: list[BaseException] = []

        def place() -> None:
            try:
                private.place_order([{**BUY, "clOrdId": "cut1"}], timeout=5)
            except BaseException as exc:
                failure.append(exc)

        placing = threading.Thread(target=place)
        placing.start()
        wait_for(lambda: frames(fake, "order"))
        fake.streams.silence(False)
        fake.streams.drop()
        placing.join(5)
        (exc,) = failure
        assert isinstance(exc, OkxRequestException)
        assert exc.sent is True
        assert "may have been" in str(exc)
        assert next(m for m in private.messages(timeout=5) if m.event).event == "reconnected"
        time.sleep(0.2)
        assert len(frames(fake, "order")) == 1  # never sent again
        with TradeAPI(*DEMO, False, "1", fake.url) as rest:  # and it was placed: look it up
            assert rest.get_order("BTC-USDT", clOrdId="cut1").data[0].state == "filled"

    def test_no_answer_in_time_raises_a_timeout_that_says_it_may_have_been_placed(
        self, private: WsPrivate, fake: FakeOKX
    ) -> None:
        private.subscribe(ORDERS)
        fake.streams.silence()
        with pytest.raises(OkxTimeoutException, match="may have been done") as late:
            private.place_order([BUY], timeout=0.2)
        assert late.value.sent is True


def test_no_secret_in_any_log_line_repr_or_error_with_debug_on(
    fake: FakeOKX, caplog: pytest.LogCaptureFixture
) -> None:
    secrets = (FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
    with caplog.at_level(logging.DEBUG):  # the root logger, websockets' and picows' included
        with WsPrivate(*DEMO, domain=fake.url, debug=True, **FAST) as ws:
            ws.subscribe(ORDERS)
            fake.streams.drop()
            next(m for m in ws.messages(timeout=5) if m.event)
            shown = repr(ws)
        with (
            WsPrivate(
                FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, "wrong-passphrase", domain=fake.url, **FAST
            ) as bad,
            pytest.raises(OkxWebSocketException) as refused,
        ):
            bad.subscribe(ORDERS)
    signatures = [f.json()["args"][0]["sign"] for f in fake.streams.received if f.op == "login"]
    assert signatures
    everything = caplog.text + shown + str(refused.value) + repr(refused.value)
    for secret in (*secrets, "wrong-passphrase", *signatures):
        assert secret not in everything
    for signature in signatures:
        assert signature[-10:] not in everything  # not even its end (a log line may elide)
    assert "login" in caplog.text  # the login was logged, redacted


def test_okx_cap_of_connections_per_channel_is_kept_before_sending(
    fake: FakeOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okx_v5.exceptions import OkxRateLimitException
    from okx_v5.websocket import limits

    monkeypatch.setattr(limits, "channel_connections", limits.ChannelConnections(limit=2))
    clients = [WsPrivate(*DEMO, domain=fake.url, **FAST) for _ in range(3)]
    try:
        clients[0].subscribe(ORDERS)
        clients[1].subscribe([{"channel": "orders", "instType": "ANY"}])
        clients[1].subscribe([{"channel": "orders", "instType": "SWAP"}])  # the same connection
        fake.streams.clear()
        with pytest.raises(OkxRateLimitException, match="2 connections per sub-account on orders"):
            clients[2].subscribe(ORDERS)
        assert fake.streams.received == []
        clients[2].subscribe([{"channel": "account"}])  # another channel: its own count
        clients[0].close()
        clients[2].subscribe(ORDERS)  # one was given back
    finally:
        for ws in clients:
            ws.close()
