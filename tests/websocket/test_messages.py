"""What a stream hands out: OKX's dicts with typed data, through a queue readers share."""

from __future__ import annotations

import logging
import threading
from decimal import Decimal

import pytest

from okx_v5.exceptions import OkxResponseException, OkxWebSocketException
from okx_v5.websocket.link import batches, redact
from okx_v5.websocket.messages import Inbox, MessageIterator, WsMessage

TICKER = {
    "arg": {"channel": "tickers", "instId": "BTC-USDT"},
    "data": [{"instId": "BTC-USDT", "last": "9999.99", "ts": "1597026383085", "askPx": ""}],
}


def test_a_push_reads_as_okx_sent_it_and_as_typed_items() -> None:
    msg = WsMessage.typed(TICKER, "okx_v5.models.market_data:Ticker")
    assert msg["data"][0]["last"] == "9999.99"
    item = msg.data[0]
    assert item.last == Decimal("9999.99")
    assert item.ts == 1597026383085
    assert item.ask_px is None
    assert (msg.channel, msg.arg["instId"], msg.action, msg.event) == (
        "tickers",
        "BTC-USDT",
        None,
        None,
    )


def test_a_push_of_an_untyped_channel_keeps_its_items() -> None:
    assert WsMessage(TICKER).data == TICKER["data"]


def test_a_malformed_push_raises_an_okx_exception_naming_the_channel() -> None:
    bad = {"arg": {"channel": "tickers"}, "data": [{"last": "not a number"}]}
    with pytest.raises(OkxResponseException, match="tickers"):
        WsMessage.typed(bad, "okx_v5.models.market_data:Ticker").data  # noqa: B018


def test_each_message_goes_to_exactly_one_of_eight_readers() -> None:
    inbox = Inbox(100_000)
    shared = MessageIterator(inbox, timeout=0.5)
    seen: list[list[int]] = [[] for _ in range(8)]

    def read(mine: list[int]) -> None:
        mine.extend(int(msg["n"]) for msg in shared)

    readers = [threading.Thread(target=read, args=(mine,)) for mine in seen]
    for reader in readers:
        reader.start()
    for n in range(20_000):
        inbox.put(WsMessage({"n": n}))
    for reader in readers:
        reader.join()
    got = sorted(n for mine in seen for n in mine)
    assert got == list(range(20_000))
    assert all(mine == sorted(mine) for mine in seen)


def test_closing_ends_waiting_readers_without_handing_out_what_is_left() -> None:
    inbox = Inbox(10)
    inbox.put(WsMessage({"n": 1}))
    ended = threading.Event()
    iterator = MessageIterator(inbox, timeout=None)
    assert next(iterator)["n"] == 1

    def read() -> None:
        for _ in iterator:
            pass
        ended.set()

    reader = threading.Thread(target=read)
    reader.start()
    inbox.put(WsMessage({"n": 2}))
    inbox.close()
    reader.join(2)
    assert ended.is_set()
    assert list(MessageIterator(inbox, timeout=None)) == []


def test_an_iteration_ends_after_its_timeout_without_a_message() -> None:
    assert list(MessageIterator(Inbox(10), timeout=0.01)) == []


def test_an_error_put_in_the_queue_is_raised_by_the_reader() -> None:
    inbox = Inbox(10)
    inbox.put(OkxWebSocketException(code="60018", msg="Wrong URL"))
    with pytest.raises(OkxWebSocketException, match="60018"):
        next(MessageIterator(inbox, timeout=0))


def test_beyond_maxsize_the_oldest_are_dropped_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inbox = Inbox(3)
    with caplog.at_level(logging.WARNING, logger="okx_v5"):
        for n in range(5):
            inbox.put(WsMessage({"n": n}))
    assert [msg["n"] for msg in MessageIterator(inbox, timeout=0)] == [2, 3, 4]
    assert inbox.dropped == 2
    assert len([r for r in caplog.records if "too slow" in r.getMessage()]) == 1


def test_a_login_request_is_never_shown_in_a_log_line() -> None:
    login = '{"op": "login", "args": [{"apiKey": "k", "passphrase": "pw", "sign": "s="}]}'
    assert "pw" not in redact(login)
    assert redact('{"op": "subscribe"}') == '{"op": "subscribe"}'


def test_subscriptions_are_batched_within_64_kb_per_request() -> None:
    args = [{"channel": "tickers", "instId": f"COIN{n:05d}-USDT"} for n in range(3000)]
    requests = batches(args)
    assert [arg for batch in requests for arg in batch] == args
    assert len(requests) > 1
    assert all(len(str(batch)) < 64 * 1024 for batch in requests)
