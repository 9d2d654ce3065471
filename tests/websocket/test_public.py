"""WsPublic against FakeOKX's WebSocket server: subscribing, iterating, calling back, closing."""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
import time
from decimal import Decimal
from itertools import islice, pairwise
from pathlib import Path

import pytest

from okx_v5.exceptions import OkxParamsException, OkxTimeoutException, OkxWebSocketException
from okx_v5.testing import FakeOKX
from okx_v5.websocket import WsMessage, WsPublic

from .conftest import FAST, client_threads, wait_for

TICKERS = [{"channel": "tickers", "instId": "BTC-USDT"}]
BOOKS5 = [{"channel": "books5", "instId": "BTC-USDT"}]
"""FakeOKX pushes a ticker when the price moves, and 5 levels of each book every tick."""


def ops(fake: FakeOKX, op: str) -> list[dict[str, object]]:
    return [frame.json() for frame in fake.streams.received if frame.op == op]


def test_a_ticker_push_is_okx_dict_with_items_typed_like_get_ticker(public: WsPublic) -> None:
    public.subscribe(TICKERS)
    msg = next(public.messages(timeout=5))
    assert isinstance(msg, WsMessage)
    assert msg["arg"] == TICKERS[0]
    assert msg.channel == "tickers"
    item = msg.data[0]
    assert item.inst_id == "BTC-USDT"
    assert item.last == Decimal(msg["data"][0]["last"])
    assert isinstance(item.ts, int)


def test_subscribe_returns_after_okx_acknowledged_and_the_ack_is_never_handed_out(
    public: WsPublic, fake: FakeOKX
) -> None:
    public.subscribe(BOOKS5)
    assert len(ops(fake, "subscribe")) == 1
    first = list(islice(public.messages(timeout=5), 5))
    assert [msg.channel for msg in first] == ["books5"] * 5


def test_a_ticker_follows_the_price(public: WsPublic, fake: FakeOKX) -> None:
    public.subscribe(TICKERS)
    messages = public.messages(timeout=5)
    next(messages)
    fake.set_price("BTC-USDT", "43210.5")
    assert next(messages).data[0].last == Decimal("43210.5")


def test_many_channels_go_in_one_request(public: WsPublic, fake: FakeOKX) -> None:
    args = [{"channel": "tickers", "instId": i} for i in ("BTC-USDT", "ETH-USDT", "BTC-USDT-SWAP")]
    public.subscribe(args)
    (request,) = ops(fake, "subscribe")
    assert request["args"] == args


def test_each_channel_goes_to_the_path_okx_documents_for_it(
    public: WsPublic, fake: FakeOKX
) -> None:
    public.subscribe([*TICKERS, {"channel": "candle1m", "instId": "BTC-USDT"}])
    paths = {frame.path: frame.json()["args"] for frame in fake.streams.received if frame.op}
    assert paths == {
        "/ws/v5/public": TICKERS,
        "/ws/v5/business": [{"channel": "candle1m", "instId": "BTC-USDT"}],
    }
    seen = {msg.channel for msg in islice(public.messages(timeout=5), 2)}
    assert seen == {"tickers", "candle1m"}  # the first push of each


def test_a_candle_push_is_typed_by_position(public: WsPublic) -> None:
    public.subscribe([{"channel": "candle1H", "instId": "ETH-USDT"}])
    candle = next(public.messages(timeout=5)).data[0]
    assert isinstance(candle.c, Decimal)
    assert isinstance(candle.ts, int)


def test_a_missing_required_argument_is_refused_before_sending(
    public: WsPublic, fake: FakeOKX
) -> None:
    with pytest.raises(OkxParamsException, match="'tickers' needs instId") as refused:
        public.subscribe([{"channel": "tickers"}])
    assert refused.value.param == "instId"
    assert fake.streams.received == []


@pytest.mark.parametrize("args", [[], "tickers", [["tickers"]], [{"instId": "BTC-USDT"}], None])
def test_args_that_are_not_channel_dicts_are_refused(public: WsPublic, args: object) -> None:
    with pytest.raises(OkxParamsException, match="subscribe"):
        public.subscribe(args)  # type: ignore[arg-type]


def test_a_private_channel_needs_wsprivate(public: WsPublic, fake: FakeOKX) -> None:
    with pytest.raises(OkxParamsException, match="use WsPrivate"):
        public.subscribe([{"channel": "orders", "instType": "ANY"}])
    assert fake.streams.received == []


def test_an_unknown_channel_is_sent_with_one_warning_and_okx_refusal_raised(
    public: WsPublic, fake: FakeOKX, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="okx_v5"):
        for _ in range(2):
            with pytest.raises(OkxWebSocketException) as refused:
                public.subscribe([{"channel": "tickers-of-tomorrow", "instId": "BTC-USDT"}])
    assert refused.value.code == "60018"
    assert refused.value.path == "/ws/v5/public"
    assert len([r for r in caplog.records if "tickers-of-tomorrow" in r.getMessage()]) == 1
    assert len(ops(fake, "subscribe")) == 2


def test_okx_refusing_a_subscription_raises_its_code_and_message(
    public: WsPublic, fake: FakeOKX
) -> None:
    fake.streams.fail_next("subscribe", code="60012")
    with pytest.raises(OkxWebSocketException, match="60012") as refused:
        public.subscribe(TICKERS)
    assert refused.value.code == "60012"
    assert refused.value.msg
    public.subscribe(TICKERS)  # refused ones are not kept: subscribing again works
    assert next(public.messages(timeout=5)).channel == "tickers"


def test_unsubscribe_stops_the_channel(public: WsPublic, fake: FakeOKX) -> None:
    eth = [{"channel": "books5", "instId": "ETH-USDT"}]
    public.subscribe([*BOOKS5, *eth])
    public.unsubscribe(BOOKS5)
    assert ops(fake, "unsubscribe")[0]["args"] == BOOKS5
    # What was on its way when unsubscribed aside (more of it on a busy machine), BTC-USDT
    # stops: ten ETH-USDT in a row come, where both channels alternated.
    streak = 0
    for msg in islice(public.messages(timeout=5), 200):
        streak = 0 if msg.arg["instId"] == "BTC-USDT" else streak + 1
        if streak == 10:
            break
    assert streak == 10


def test_a_callback_gets_its_channels_in_order_on_the_clients_own_thread(
    public: WsPublic,
) -> None:
    got: list[tuple[str, int]] = []
    done = threading.Event()

    def on_book(msg: WsMessage) -> None:
        got.append((threading.current_thread().name, int(msg["data"][0]["ts"])))
        if len(got) == 5:
            done.set()

    public.subscribe(BOOKS5, callback=on_book)
    assert done.wait(5)
    names = {name for name, _ in got}
    assert names == {"okx_v5 WsPublic callbacks"}
    times = [ts for _, ts in got]
    assert times == sorted(times)


def test_a_callback_that_raises_is_logged_and_the_stream_goes_on(
    public: WsPublic, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def broken(msg: WsMessage) -> None:
        calls.append(1)
        raise RuntimeError("a bug in the bot")

    with caplog.at_level(logging.ERROR, logger="okx_v5"):
        public.subscribe(BOOKS5, callback=broken)
        wait_for(lambda: len(calls) >= 3)
    assert "a bug in the bot" in caplog.text


def test_a_slow_callback_does_not_hold_up_the_connection(public: WsPublic) -> None:
    release = threading.Event()
    public.subscribe(BOOKS5, callback=lambda msg: release.wait(5))
    eth = [{"channel": "tickers", "instId": "ETH-USDT"}]
    public.subscribe(eth)  # answered while the callback thread is stuck
    assert next(public.messages(timeout=5)).arg == eth[0]
    release.set()


def test_eight_threads_reading_one_iterator_never_see_a_message_twice_or_miss_one(
    public: WsPublic, fake: FakeOKX
) -> None:
    fake.streams.interval = 0.002
    public.subscribe([{"channel": "books", "instId": "BTC-USDT"}])
    shared = public.messages(timeout=1)
    seen: list[list[tuple[int, int]]] = [[] for _ in range(8)]

    def read(mine: list[tuple[int, int]]) -> None:
        for msg in shared:
            data = msg["data"][0]
            mine.append((data["prevSeqId"], data["seqId"]))
            if len(mine) >= 25:
                return

    readers = [threading.Thread(target=read, args=(mine,)) for mine in seen]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(10)
    links = sorted((pair for mine in seen for pair in mine), key=lambda pair: pair[1])
    assert len(links) >= 8 * 25 - 8
    assert len({seq for _, seq in links}) == len(links)  # no message went to two readers
    for (_, before), (prev, _) in pairwise(links):
        assert prev == before  # each update follows the one before: none was lost


def test_close_ends_threads_and_connections_within_a_second(fake: FakeOKX) -> None:
    ws = WsPublic(domain=fake.url, **FAST)
    ws.subscribe(TICKERS, callback=lambda msg: None)
    ws.subscribe([{"channel": "tickers", "instId": "ETH-USDT"}])
    iterator = ws.messages(timeout=None)
    reading = threading.Thread(target=lambda: [None for _ in iterator])
    reading.start()
    assert client_threads()
    started = time.monotonic()
    ws.close()
    reading.join(1)
    assert time.monotonic() - started < 1.0
    assert not reading.is_alive()
    wait_for(lambda: not client_threads(), 1.0)
    wait_for(lambda: fake.streams.connections == 0, 1.0)
    assert list(ws.messages(timeout=0)) == []
    with pytest.raises(OkxParamsException, match="closed"):
        ws.subscribe(TICKERS)
    ws.close()  # twice: nothing


def test_a_client_that_never_connected_starts_no_thread() -> None:
    with WsPublic() as ws:
        assert "wspap.okx.com" in repr(ws)
    assert not client_threads()


def test_no_connection_within_the_timeout_raises_and_keeps_trying(fake: FakeOKX) -> None:
    fake.streams.refuse(0.3)
    with WsPublic(domain=fake.url, **{**FAST, "timeout": 0.1}) as ws:
        with pytest.raises(OkxTimeoutException, match="no connection") as failed:
            ws.subscribe(TICKERS)
        assert failed.value.sent is False
        assert next(ws.messages(timeout=5)).channel == "tickers"  # made when it came back


def test_streams_go_over_wss_when_the_domain_is_https(certificate: Path) -> None:
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(certificate)
    trusted = ssl.create_default_context(cafile=str(certificate))
    with FakeOKX(ssl_context=server_context) as fake:
        assert fake.url.startswith("https://")
        with WsPublic(domain=fake.url, ssl_context=trusted, **FAST) as ws:
            ws.subscribe(BOOKS5)
            assert next(ws.messages(timeout=5)).channel == "books5"


def test_a_server_certificate_not_trusted_is_refused(certificate: Path) -> None:
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(certificate)
    with FakeOKX(ssl_context=server_context) as fake:
        with (
            WsPublic(domain=fake.url, **{**FAST, "timeout": 0.5}) as ws,
            pytest.raises(OkxTimeoutException, match="CERTIFICATE_VERIFY_FAILED"),
        ):
            ws.subscribe(BOOKS5)
        assert fake.streams.accepted == 0


def test_the_client_works_where_an_event_loop_already_runs(fake: FakeOKX) -> None:
    """As in Jupyter: the calls block on the client's own loop, not on the caller's."""

    async def notebook_cell() -> str:
        with WsPublic(domain=fake.url, **FAST) as ws:
            ws.subscribe(BOOKS5)
            return next(ws.messages(timeout=5)).channel

    assert asyncio.run(notebook_cell()) == "books5"
