"""Self-healing against FakeOKX's faults: drops, silence, refusals, broken books; OKX's limits."""

from __future__ import annotations

import functools
import logging
import time
from itertools import islice

import pytest

from okx_v5.exceptions import OkxRateLimitException, OkxWebSocketException
from okx_v5.testing import FakeOKX
from okx_v5.websocket import WsMessage, WsPublic, limits
from okx_v5.websocket import link as link_module

from .conftest import FAST, wait_for

BOOKS5 = [
    {"channel": "books5", "instId": "BTC-USDT"},
    {"channel": "books5", "instId": "ETH-USDT"},
]
CANDLES = [{"channel": "candle1m", "instId": "BTC-USDT"}]


def subscribes(fake: FakeOKX, path: str) -> int:
    return sum(1 for f in fake.streams.received if f.path == path and f.op == "subscribe")


def test_connections_dropped_again_and_again_lose_no_subscription(
    public: WsPublic, fake: FakeOKX
) -> None:
    public.subscribe(BOOKS5)
    public.subscribe(CANDLES)
    messages = public.messages(timeout=5)
    reconnects: list[WsMessage] = []
    storm_ends = time.monotonic() + 2.0
    while time.monotonic() < storm_ends:  # a drop every 150 ms for 2 s, reading all along
        fake.streams.drop()
        deadline = time.monotonic() + 0.15
        for msg in messages:
            if msg.event == "reconnected":
                reconnects.append(msg)
            if time.monotonic() > deadline:
                break
    assert len(reconnects) >= 10
    fake.streams.clear()
    fake.set_price("BTC-USDT", "41000.1")  # a new candle close to push after the storm
    wanted = {("books5", "BTC-USDT"), ("books5", "ETH-USDT"), ("candle1m", "BTC-USDT")}
    seen: set[tuple[str, str]] = set()
    for msg in messages:
        if msg.event is None:
            seen.add((msg.channel, msg.arg["instId"]))
        if seen == wanted:
            break
    assert seen == wanted


def test_each_reconnect_is_one_message_naming_the_path_and_the_gap(
    public: WsPublic, fake: FakeOKX
) -> None:
    public.subscribe(BOOKS5[:1])
    public.subscribe(CANDLES)
    messages = public.messages(timeout=5)
    next(messages)
    fake.streams.drop()
    events = []
    for msg in messages:
        if msg.event is not None:
            events.append(msg)
        if len(events) == 2:
            break
    assert sorted(msg["path"] for msg in events) == ["/ws/v5/business", "/ws/v5/public"]
    for msg in events:
        assert set(msg) == {"event", "path", "gap"}
        assert msg["event"] == "reconnected"
        assert isinstance(msg["gap"], float)
        assert 0 < msg["gap"] < 2
    wait_for(lambda: subscribes(fake, "/ws/v5/public") == 2)  # subscribed again, in one request


def test_callbacks_hear_of_the_reconnect_of_their_connection(
    public: WsPublic, fake: FakeOKX
) -> None:
    heard: list[WsMessage] = []
    public.subscribe(BOOKS5[:1], callback=heard.append)
    wait_for(lambda: heard)
    fake.streams.drop()
    wait_for(lambda: any(msg.event == "reconnected" for msg in heard))
    after = heard.index(next(msg for msg in heard if msg.event == "reconnected"))
    wait_for(lambda: len(heard) > after + 2)  # and the data goes on


def test_a_silent_connection_is_found_dead_by_the_ping_and_replaced(
    public: WsPublic, fake: FakeOKX, caplog: pytest.LogCaptureFixture
) -> None:
    public.subscribe(BOOKS5[:1])
    messages = public.messages(timeout=5)
    next(messages)
    with caplog.at_level(logging.WARNING, logger="okx_v5"):
        silenced = time.monotonic()
        fake.streams.silence()
        wait_for(lambda: "no answer" in caplog.text, 3)
        found = time.monotonic() - silenced
        fake.streams.silence(False)
        assert next(msg for msg in messages if msg.event).event == "reconnected"
    pings = [f for f in fake.streams.received if f.text == "ping"]
    assert pings
    # found within the ping interval and the pong timeout (0.3 + 0.2 s), give or take a tick
    assert found < FAST["ping_interval"] + FAST["pong_timeout"] + 1.0
    assert next(messages).channel == "books5"


def test_a_quiet_but_alive_connection_is_kept(public: WsPublic, fake: FakeOKX) -> None:
    public.subscribe([{"channel": "instruments", "instType": "SPOT"}])  # pushes on changes only
    next(public.messages(timeout=5))
    time.sleep(1.2)  # several ping intervals without a push: the pongs keep it
    assert fake.streams.accepted == 1
    assert [f.text for f in fake.streams.received].count("ping") >= 2


def test_refused_connections_are_retried_until_they_come_back(
    public: WsPublic, fake: FakeOKX
) -> None:
    public.subscribe(BOOKS5[:1])
    messages = public.messages(timeout=5)
    fake.streams.refuse(0.5)
    fake.streams.drop()
    assert next(msg for msg in messages if msg.event).event == "reconnected"
    assert next(messages).channel == "books5"


def test_reconnects_stay_within_three_attempts_per_second(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(limits, "connect_gate", limits.ConnectGate())  # OKX's own numbers
    with FakeOKX(stream_interval=0.02) as fake:  # refuses a 4th handshake in a second (429)
        clients = [WsPublic(domain=fake.url, **FAST) for _ in range(2)]
        with caplog.at_level(logging.DEBUG, logger="okx_v5"):
            started = time.monotonic()
            for ws in clients:  # four connections: the fourth waits for the next second
                ws.subscribe(BOOKS5[:1])
                ws.subscribe(CANDLES)
            assert time.monotonic() - started >= 0.9
            fake.streams.drop()  # four reconnects at once: three now, one a second later
            gaps = []
            for ws in clients:
                events = islice((m for m in ws.messages(timeout=5) if m.event), 2)
                gaps += [m["gap"] for m in events]
        assert len(gaps) == 4
        assert max(gaps) >= 0.5  # the fourth waited for its turn
        for ws in clients:
            ws.close()
        assert "attempt" not in caplog.text  # no attempt failed: FakeOKX refused none
        assert fake.streams.accepted == 8


def test_requests_beyond_okx_hourly_budget_are_refused_before_sending(
    public: WsPublic, fake: FakeOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(link_module, "RequestBudget", functools.partial(limits.RequestBudget, 2))
    public.subscribe(BOOKS5[:1])
    public.subscribe(BOOKS5[1:])
    with pytest.raises(OkxRateLimitException, match="per connection per hour"):
        public.subscribe(CANDLES[:0] or [{"channel": "tickers", "instId": "BTC-USDT"}])
    assert subscribes(fake, "/ws/v5/public") == 2


class TestOrderBook:
    def test_the_book_is_kept_from_snapshot_and_updates(self, public: WsPublic) -> None:
        book = public.order_book("BTC-USDT")
        assert book.wait(5)
        wait_for(lambda: book.updates > 5)
        bids, asks = book.bids, book.asks
        assert bids == sorted(bids, reverse=True)
        assert asks == sorted(asks)
        assert bids[0][0] < asks[0][0]
        assert public.order_book("BTC-USDT") is book

    @pytest.mark.parametrize("fault", ["corrupt_checksum", "skip_sequence"])
    def test_a_broken_update_rebuilds_the_book_by_subscribing_again(
        self, public: WsPublic, fake: FakeOKX, fault: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        book = public.order_book("BTC-USDT")
        assert book.wait(5)
        fake.streams.clear()
        with caplog.at_level(logging.WARNING, logger="okx_v5"):
            getattr(fake.streams, fault)()
            wait_for(lambda: "rebuild the book" in caplog.text)
        assert book.wait(5)
        ops = [f.op for f in fake.streams.received if f.op]
        assert ops[:2] == ["unsubscribe", "subscribe"]
        seq = book.seq_id
        wait_for(lambda: book.seq_id != seq)  # updates apply again

    def test_zero_checksums_are_not_checked(
        self, public: WsPublic, fake: FakeOKX, caplog: pytest.LogCaptureFixture
    ) -> None:
        fake.streams.zero_checksums = True
        with caplog.at_level(logging.WARNING, logger="okx_v5"):
            book = public.order_book("ETH-USDT")
            assert book.wait(5)
            wait_for(lambda: book.updates > 10)
        assert "rebuild" not in caplog.text

    def test_the_book_is_rebuilt_after_a_reconnect(self, public: WsPublic, fake: FakeOKX) -> None:
        book = public.order_book("BTC-USDT")
        assert book.wait(5)
        fake.streams.drop()
        wait_for(lambda: fake.streams.accepted == 2)
        assert book.wait(5)
        updates = book.updates
        wait_for(lambda: book.updates > updates)

    def test_books5_is_a_book_too(self, public: WsPublic) -> None:
        book = public.order_book("BTC-USDT", channel="books5")
        assert book.wait(5)
        assert len(book.bids) == 5

    def test_only_order_book_channels_make_books(self, public: WsPublic) -> None:
        from okx_v5.exceptions import OkxParamsException

        with pytest.raises(OkxParamsException, match="order book channel"):
            public.order_book("BTC-USDT", channel="tickers")


def test_a_refused_resubscription_goes_to_on_error(fake: FakeOKX) -> None:
    errors: list[Exception] = []
    with WsPublic(domain=fake.url, on_error=errors.append, **FAST) as ws:
        ws.subscribe(BOOKS5[:1], callback=lambda msg: None)
        fake.streams.fail_next("subscribe", code="60012")
        fake.streams.drop()
        wait_for(lambda: errors)
    (error,) = errors
    assert isinstance(error, OkxWebSocketException)
    assert error.code == "60012"


def test_a_refused_resubscription_is_raised_by_the_iterator(
    public: WsPublic, fake: FakeOKX
) -> None:
    public.subscribe(BOOKS5[:1])
    messages = public.messages(timeout=5)
    fake.streams.fail_next("subscribe", code="60012")
    fake.streams.drop()
    with pytest.raises(OkxWebSocketException, match="60012"):
        for _ in messages:
            pass


def test_a_server_restart_brings_the_subscriptions_back() -> None:
    first = FakeOKX(stream_interval=0.02).start()
    port = first.port
    try:
        with WsPublic(domain=first.url, **FAST) as ws:
            ws.subscribe(BOOKS5)
            messages = ws.messages(timeout=5)
            next(messages)
            first.stop()  # the exchange goes away; the client keeps trying
            time.sleep(0.3)
            with FakeOKX(port=port, stream_interval=0.02) as second:
                assert next(m for m in messages if m.event).event == "reconnected"
                seen = {m.arg["instId"] for m in islice(messages, 10)}
                assert seen == {"BTC-USDT", "ETH-USDT"}
                assert [f.op for f in second.streams.received if f.op] == ["subscribe"]
    finally:
        first.stop()
