"""The local order book: OKX's sequence and checksum rules, full channels, threads, a model."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okx_v5.exceptions import OkxException, OkxParamsException
from okx_v5.websocket.book import BookOutOfSync, OrderBook, checksum

INST = "BTC-USDT"
Rows = Sequence[Sequence[str]]


# -- an independent checksum: OKX's documented string, and a CRC32 written out ---------------


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xEDB88320 if crc & 1 else 0)
        table.append(crc)
    return table


CRC_TABLE = _crc_table()


def reference_crc32(data: bytes) -> int:
    """CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), table-driven, without zlib."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = (crc >> 8) ^ CRC_TABLE[(crc ^ byte) & 0xFF]
    return crc ^ 0xFFFFFFFF


def signed(value: int) -> int:
    return value - 2**32 if value >= 2**31 else value


def check_string(bids: Rows, asks: Rows) -> str:
    """OKX's rule in its own words: 25 levels a side, bid then ask, the longer side's rest alone."""
    bids, asks = list(bids)[:25], list(asks)[:25]
    parts = []
    for i in range(max(len(bids), len(asks))):
        if i < len(bids):
            parts.append(f"{bids[i][0]}:{bids[i][1]}")
        if i < len(asks):
            parts.append(f"{asks[i][0]}:{asks[i][1]}")
    return ":".join(parts)


def reference_checksum(bids: Rows, asks: Rows) -> int:
    return signed(reference_crc32(check_string(bids, asks).encode()))


# -- pushes -----------------------------------------------------------------------------------


def row(price: str, size: str) -> list[str]:
    return [price, size, "0", "1"]


def push(
    action: str | None,
    bids: Rows = (),
    asks: Rows = (),
    *,
    seq: int | None = None,
    prev: int | None = None,
    checksum: int | None = None,
    channel: str = "books",
    inst: str = INST,
    ts: str = "1597026383085",
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "bids": [row(*level) for level in bids],
        "asks": [row(*level) for level in asks],
        "ts": ts,
    }
    for name, value in (("seqId", seq), ("prevSeqId", prev), ("checksum", checksum)):
        if value is not None:
            item[name] = value
    # Spread channels name the spread sprdId.
    key = "sprdId" if channel.startswith("sprd-") else "instId"
    message: dict[str, Any] = {"arg": {"channel": channel, key: inst}, "data": [item]}
    if action is not None:
        message["action"] = action
    return message


def levels(*pairs: tuple[str, str]) -> list[tuple[Decimal, Decimal]]:
    return [(Decimal(price), Decimal(size)) for price, size in pairs]


SNAP_BIDS = [("100", "1"), ("99.5", "2"), ("98", "3")]
SNAP_ASKS = [("101", "4"), ("101.5", "5"), ("103", "6")]


@pytest.fixture
def book() -> OrderBook:
    """A ``books`` book holding a snapshot with seqId 10."""
    book = OrderBook(INST, "books")
    book.apply(push("snapshot", SNAP_BIDS, SNAP_ASKS, seq=10, prev=-1))
    return book


# -- the checksum -----------------------------------------------------------------------------


def test_reference_crc32_gives_the_standard_check_value() -> None:
    assert reference_crc32(b"123456789") == 0xCBF43926


def test_checksum_is_the_crc_of_okx_s_documented_check_string() -> None:
    # OKX docs, "Calculate Checksum", case 1 (more than 25 levels, 2 shown).
    bids = [["3366.1", "7", "0", "3"], ["3366", "6", "3", "4"]]
    asks = [["3366.8", "9", "10", "3"], ["3368", "8", "3", "4"]]
    documented = "3366.1:7:3366.8:9:3366:6:3368:8"
    assert checksum(bids, asks) == signed(reference_crc32(documented.encode()))


def test_checksum_continues_the_longer_side_alone_as_documented() -> None:
    # OKX docs, "Calculate Checksum", case 2 (less than 25 levels of bid or ask).
    bids = [["3366.1", "7", "0", "3"]]
    asks = [["3366.8", "9", "10", "3"], ["3368", "8", "3", "4"], ["3372", "8", "3", "4"]]
    documented = "3366.1:7:3366.8:9:3368:8:3372:8"
    assert checksum(bids, asks) == signed(reference_crc32(documented.encode()))


def test_checksum_covers_only_the_best_25_levels_of_each_side() -> None:
    bids = [[str(1000 - i), str(i + 1)] for i in range(30)]
    asks = [[str(2000 + i), str(i + 1)] for i in range(30)]
    changed_deep = [*bids[:25], ["1", "999"], *bids[26:]]
    assert checksum(bids, asks) == reference_checksum(bids[:25], asks[:25])
    assert checksum(changed_deep, asks) == checksum(bids, asks)


def test_checksum_is_a_signed_32_bit_integer() -> None:
    values = {checksum([[str(p), "1"]], [[str(p + 1), "1"]]) for p in range(1, 200)}
    assert min(values) < 0 < max(values)
    assert all(-(2**31) <= value < 2**31 for value in values)


def test_checksum_uses_the_strings_as_sent_not_their_value() -> None:
    assert checksum([["100", "7.0"]], [["101", "1"]]) != checksum([["100", "7"]], [["101", "1"]])


def test_book_checksum_uses_okx_s_strings_after_updates(book: OrderBook) -> None:
    book.apply(push("update", [("99.50", "2.10")], [("101", "0.000")], seq=11, prev=10))
    expected = reference_checksum(
        [("100", "1"), ("99.50", "2.10"), ("98", "3")], [("101.5", "5"), ("103", "6")]
    )
    assert book.checksum() == expected


# -- snapshot and updates ---------------------------------------------------------------------


def test_snapshot_fills_both_sides_best_first_whatever_the_order_sent() -> None:
    book = OrderBook(INST)
    bids = [("98", "3"), ("100", "1"), ("99.5", "2")]
    asks = [("103", "6"), ("101", "4"), ("101.5", "5")]
    book.apply(push("snapshot", bids, asks, seq=1, prev=-1))
    assert book.bids == levels(("100", "1"), ("99.5", "2"), ("98", "3"))
    assert book.asks == levels(("101", "4"), ("101.5", "5"), ("103", "6"))


def test_snapshot_makes_the_book_ready_with_its_seq_id_and_ts(book: OrderBook) -> None:
    assert (book.ready, book.seq_id, book.ts, book.updates) == (True, 10, 1597026383085, 1)


def test_update_inserts_a_level_in_price_order(book: OrderBook) -> None:
    book.apply(push("update", [("99", "7")], [("102", "8")], seq=11, prev=10))
    assert [str(price) for price, _ in book.bids] == ["100", "99.5", "99", "98"]
    assert [str(price) for price, _ in book.asks] == ["101", "101.5", "102", "103"]


def test_update_replaces_the_size_of_an_existing_price(book: OrderBook) -> None:
    book.apply(push("update", [("99.5", "20")], [("101", "40")], seq=11, prev=10))
    assert book.bids == levels(("100", "1"), ("99.5", "20"), ("98", "3"))
    assert book.asks == levels(("101", "40"), ("101.5", "5"), ("103", "6"))


def test_update_with_size_0_deletes_the_price(book: OrderBook) -> None:
    book.apply(push("update", [("100", "0")], [("103", "0")], seq=11, prev=10))
    assert book.bids == levels(("99.5", "2"), ("98", "3"))
    assert book.asks == levels(("101", "4"), ("101.5", "5"))


def test_update_deleting_an_unknown_price_changes_nothing(book: OrderBook) -> None:
    before = book.top(10)
    book.apply(push("update", [("97", "0")], [("104", "0")], seq=11, prev=10))
    assert book.top(10) == before


def test_a_price_written_differently_is_the_same_level(book: OrderBook) -> None:
    book.apply(push("update", [("100.0", "9")], [("101.50", "0")], seq=11, prev=10))
    assert book.bids == levels(("100", "9"), ("99.5", "2"), ("98", "3"))
    assert book.asks == levels(("101", "4"), ("103", "6"))


def test_negative_and_zero_prices_sort_as_numbers() -> None:
    # Spread books quote differences: OKX's sprd-books example has bids at "0" and "-0.1".
    spread, channel = "BTC-USDT_BTC-USDT-SWAP", "sprd-books-l2-tbt"
    book = OrderBook(spread, channel)
    bids = [("-0.1", "1"), ("0.6", "0.2"), ("0", "23.49"), ("-3.9", "4.921")]
    asks = [("1.9", "1.1"), ("-0.05", "2")]
    book.apply(push("snapshot", bids, asks, seq=1, prev=-1, channel=channel, inst=spread))
    book.apply(push("update", [("-1", "5")], [], seq=2, prev=1, channel=channel, inst=spread))
    assert [str(price) for price, _ in book.bids] == ["0.6", "0", "-0.1", "-1", "-3.9"]
    assert [str(price) for price, _ in book.asks] == ["-0.05", "1.9"]


def test_top_returns_the_best_levels_of_each_side(book: OrderBook) -> None:
    assert book.top(2) == (
        levels(("100", "1"), ("99.5", "2")),
        levels(("101", "4"), ("101.5", "5")),
    )


def test_top_refuses_a_negative_depth(book: OrderBook) -> None:
    with pytest.raises(OkxParamsException):
        book.top(-1)


def test_best_bid_and_ask_are_the_top_levels(book: OrderBook) -> None:
    assert (book.best_bid, book.best_ask) == (
        (Decimal("100"), Decimal("1")),
        (Decimal("101"), Decimal("4")),
    )


def test_an_empty_book_has_no_best_levels() -> None:
    book = OrderBook(INST)
    assert (book.best_bid, book.best_ask, book.bids, book.top()) == (None, None, [], ([], []))


def test_readers_get_a_fresh_list_each_call(book: OrderBook) -> None:
    bids = book.bids
    bids.clear()
    assert len(book.bids) == 3


def test_update_takes_its_seq_id_and_ts(book: OrderBook) -> None:
    book.apply(push("update", [("99", "1")], [], seq=15, prev=10, ts="1597026383999"))
    assert (book.seq_id, book.ts, book.updates) == (15, 1597026383999, 2)


def test_a_new_snapshot_replaces_the_book(book: OrderBook) -> None:
    book.apply(push("snapshot", [("50", "1")], [("51", "1")], seq=3, prev=-1))
    assert (book.bids, book.asks, book.seq_id) == (levels(("50", "1")), levels(("51", "1")), 3)


# -- sequence ---------------------------------------------------------------------------------


def test_a_gap_raises_book_out_of_sync_with_both_seq_ids(book: OrderBook) -> None:
    with pytest.raises(BookOutOfSync) as caught:
        book.apply(push("update", [("99", "1")], [], seq=13, prev=12))
    error = caught.value
    assert (error.inst_id, error.reason, error.expected, error.got) == (INST, "gap", 10, 12)
    assert isinstance(error, OkxException)


def test_a_gap_clears_the_book_and_makes_it_not_ready(book: OrderBook) -> None:
    with pytest.raises(BookOutOfSync):
        book.apply(push("update", [("99", "1")], [], seq=13, prev=12))
    assert (book.ready, book.bids, book.asks, book.seq_id) == (False, [], [], None)


def test_updates_after_a_gap_are_ignored_until_the_next_snapshot(book: OrderBook) -> None:
    with pytest.raises(BookOutOfSync):
        book.apply(push("update", [], [], seq=13, prev=12))
    book.apply(push("update", [("99", "1")], [], seq=14, prev=13))
    assert (book.ready, book.bids, book.updates) == (False, [], 1)
    book.apply(push("snapshot", [("99", "1")], [("100", "1")], seq=20, prev=-1))
    assert (book.ready, book.best_bid, book.seq_id) == (True, (Decimal(99), Decimal(1)), 20)


def test_an_update_before_any_snapshot_is_ignored() -> None:
    book = OrderBook(INST)
    book.apply(push("update", [("99", "1")], [], seq=2, prev=1))
    assert (book.ready, book.bids, book.updates) == (False, [], 0)


def test_keep_alive_is_accepted_and_changes_no_level(book: OrderBook) -> None:
    before = (book.bids, book.asks)
    book.apply(push("update", [], [], seq=10, prev=10))
    assert ((book.bids, book.asks), book.seq_id, book.updates) == (before, 10, 2)


def test_sequence_reset_follows_okx_s_documented_example() -> None:
    # OKX docs, "Sequence ID" example: snapshot 10, update 10->15, no-update 15->15,
    # reset 15->3, update 3->5.
    book = OrderBook(INST)
    book.apply(push("snapshot", [("100", "1")], [("101", "1")], seq=10, prev=-1))
    book.apply(push("update", [("99", "1")], [], seq=15, prev=10))
    book.apply(push("update", [], [], seq=15, prev=15))
    book.apply(push("update", [("98", "1")], [], seq=3, prev=15))
    book.apply(push("update", [("97", "1")], [], seq=5, prev=3))
    assert (book.seq_id, len(book.bids), book.ready) == (5, 4, True)


def test_an_update_that_repeats_an_old_seq_id_is_a_gap(book: OrderBook) -> None:
    book.apply(push("update", [("99", "1")], [], seq=11, prev=10))
    with pytest.raises(BookOutOfSync) as caught:
        book.apply(push("update", [("99", "2")], [], seq=11, prev=10))
    assert (caught.value.expected, caught.value.got) == (11, 10)


def test_reset_clears_the_book_until_the_next_snapshot(book: OrderBook) -> None:
    book.reset()
    assert (book.ready, book.bids, book.seq_id, book.ts) == (False, [], None, None)
    book.apply(push("update", [("99", "1")], [], seq=11, prev=10))
    assert book.bids == []


# -- checksum checks --------------------------------------------------------------------------


def after_update_bids() -> list[tuple[str, str]]:
    return [("100", "1"), ("99.5", "2"), ("99", "7"), ("98", "3")]


def test_a_correct_checksum_passes(book: OrderBook) -> None:
    good = reference_checksum(after_update_bids(), SNAP_ASKS)
    book.apply(push("update", [("99", "7")], [], seq=11, prev=10, checksum=good))
    assert (book.ready, book.seq_id) == (True, 11)


def test_a_wrong_checksum_raises_with_both_values_and_clears_the_book(book: OrderBook) -> None:
    good = reference_checksum(after_update_bids(), SNAP_ASKS)
    with pytest.raises(BookOutOfSync) as caught:
        book.apply(push("update", [("99", "7")], [], seq=11, prev=10, checksum=good + 1))
    error = caught.value
    assert (error.reason, error.expected, error.got) == ("checksum", good + 1, good)
    assert (book.ready, book.bids, book.asks) == (False, [], [])


def test_a_snapshot_with_a_wrong_checksum_raises() -> None:
    book = OrderBook(INST)
    wrong = reference_checksum(SNAP_BIDS, SNAP_ASKS) ^ 1
    with pytest.raises(BookOutOfSync, match="checksum"):
        book.apply(push("snapshot", SNAP_BIDS, SNAP_ASKS, seq=1, prev=-1, checksum=wrong))
    assert not book.ready


def test_a_checksum_of_0_is_not_checked(book: OrderBook) -> None:
    book.apply(push("update", [("99", "7")], [], seq=11, prev=10, checksum=0))
    assert (book.ready, book.seq_id) == (True, 11)


def test_a_missing_checksum_is_not_checked(book: OrderBook) -> None:
    book.apply(push("update", [("99", "7")], [], seq=11, prev=10, checksum=None))
    assert (book.ready, book.seq_id) == (True, 11)


# -- full channels ----------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["books5", "bbo-tbt", "sprd-books5", "sprd-bbo-tbt"])
def test_a_full_channel_push_replaces_the_whole_book(channel: str) -> None:
    book = OrderBook(INST, channel)
    book.apply(push(None, SNAP_BIDS, SNAP_ASKS, seq=7, channel=channel))
    book.apply(push(None, [("99", "1")], [("100", "2")], seq=9, channel=channel))
    assert (book.bids, book.asks, book.seq_id, book.ready) == (
        levels(("99", "1")),
        levels(("100", "2")),
        9,
        True,
    )


@pytest.mark.parametrize("channel", ["books5", "bbo-tbt"])
def test_a_full_channel_never_checks_prev_seq_id(channel: str) -> None:
    book = OrderBook(INST, channel)
    book.apply(push(None, SNAP_BIDS, SNAP_ASKS, seq=7, prev=3, channel=channel))
    book.apply(push(None, SNAP_BIDS, SNAP_ASKS, seq=4, prev=99, channel=channel))
    assert (book.seq_id, book.ready, book.updates) == (4, True, 2)


def test_a_full_channel_push_without_seq_id_leaves_none() -> None:
    book = OrderBook(INST, "books5")
    book.apply(push(None, SNAP_BIDS, SNAP_ASKS, channel="books5"))
    assert (book.seq_id, book.ready) == (None, True)


# -- misuse and malformed pushes --------------------------------------------------------------


def test_a_push_for_another_instrument_is_refused(book: OrderBook) -> None:
    other = push("update", [("99", "1")], [], seq=11, prev=10)
    other["arg"]["instId"] = "ETH-USDT"
    with pytest.raises(OkxParamsException, match="ETH-USDT"):
        book.apply(other)
    assert (book.seq_id, len(book.bids)) == (10, 3)


def test_a_push_from_another_channel_is_refused(book: OrderBook) -> None:
    with pytest.raises(OkxParamsException, match="books5"):
        book.apply(push(None, SNAP_BIDS, SNAP_ASKS, channel="books5"))


def test_a_malformed_level_raises_out_of_sync_and_clears_the_book(book: OrderBook) -> None:
    with pytest.raises(BookOutOfSync) as caught:
        book.apply(push("update", [("99", "lots")], [], seq=11, prev=10))
    assert caught.value.reason == "malformed"
    assert caught.value.__cause__ is not None
    assert (book.ready, book.bids) == (False, [])


def test_an_unknown_action_raises_out_of_sync(book: OrderBook) -> None:
    with pytest.raises(BookOutOfSync, match="malformed"):
        book.apply(push("partial", [("99", "1")], [], seq=11, prev=10))


# -- hooks, repr ------------------------------------------------------------------------------


def test_on_update_is_called_after_each_applied_push(book: OrderBook) -> None:
    seen: list[tuple[int | None, int]] = []
    book.on_update = lambda b: seen.append((b.seq_id, len(b.bids)))
    book.apply(push("update", [("99", "1")], [], seq=11, prev=10))
    book.apply(push("update", [], [], seq=11, prev=11))
    assert seen == [(11, 4), (11, 4)]


def test_on_update_is_not_called_for_an_ignored_update() -> None:
    book = OrderBook(INST)
    seen: list[OrderBook] = []
    book.on_update = seen.append
    book.apply(push("update", [("99", "1")], [], seq=2, prev=1))
    assert seen == []


def test_repr_shows_the_instrument_channel_best_levels_and_depth(book: OrderBook) -> None:
    assert repr(book) == (
        "OrderBook('BTC-USDT', 'books', bid=100 x 1, ask=101 x 4, depth=3/3, seq_id=10)"
    )


def test_repr_stays_short_for_a_deep_book() -> None:
    book = OrderBook(INST)
    bids = [(str(10_000 - i), "1.2345") for i in range(400)]
    asks = [(str(10_001 + i), "1.2345") for i in range(400)]
    book.apply(push("snapshot", bids, asks, seq=1, prev=-1))
    assert len(repr(book)) < 120


def test_repr_of_a_book_without_snapshot_says_not_ready() -> None:
    assert repr(OrderBook(INST, "bbo-tbt")) == "OrderBook('BTC-USDT', 'bbo-tbt', not ready)"


def test_book_out_of_sync_pickles_with_its_fields() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(BookOutOfSync(INST, "checksum", 5, 6)))
    assert (error.inst_id, error.reason, error.expected, error.got) == (INST, "checksum", 5, 6)


# -- threads ----------------------------------------------------------------------------------


def test_wait_returns_true_after_a_snapshot_applied_from_another_thread() -> None:
    book = OrderBook(INST)
    waiting = threading.Event()

    def feed() -> None:
        waiting.wait(5)
        book.apply(push("snapshot", SNAP_BIDS, SNAP_ASKS, seq=1, prev=-1))

    thread = threading.Thread(target=feed)
    thread.start()
    waiting.set()
    try:
        assert book.wait(timeout=10) is True
    finally:
        thread.join()
    assert book.best_bid == (Decimal("100"), Decimal("1"))


def test_wait_returns_false_on_timeout() -> None:
    assert OrderBook(INST).wait(timeout=0.01) is False


def test_wait_returns_at_once_when_already_ready(book: OrderBook) -> None:
    assert book.wait(timeout=0) is True


def test_close_wakes_a_waiter_that_gets_false() -> None:
    book = OrderBook(INST)
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(book.wait(timeout=10)))
    thread.start()
    book.close()
    thread.join()
    assert (result, book.closed) == ([False], True)


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """Let the interpreter switch threads every microsecond, so that a reader would land in
    the middle of an apply if nothing kept it out."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def moving_feed(pushes: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A book of 10 levels a side at whole prices whose spread moves one tick a push.

    Moving up, the new best bid sits at the old best ask's price: bids are applied before
    asks, so a reader let in between would see a crossed book. Each size starts with its
    price ("100.3" at 100), so a level read with another price's size is torn.
    """
    version = 0

    def size(price: int) -> str:
        return f"{price}.{version % 1000 + 1}"

    bid, ask = 100, 101
    snapshot = push(
        "snapshot",
        [(str(p), size(p)) for p in range(bid, bid - 10, -1)],
        [(str(p), size(p)) for p in range(ask, ask + 10)],
        seq=1,
        prev=-1,
    )
    updates = []
    for n in range(pushes):
        version += 1
        if (n // 50) % 2 == 0:  # up: bid at the old ask, the old ask gone
            bids = [(str(ask), size(ask)), (str(bid - 9), "0"), (str(bid), size(bid))]
            asks = [(str(ask), "0"), (str(ask + 10), size(ask + 10))]
            bid, ask = bid + 1, ask + 1
        else:  # down: the best bid gone, an ask at its price
            bids = [(str(bid), "0"), (str(bid - 10), size(bid - 10))]
            asks = [(str(bid), size(bid)), (str(ask + 9), "0"), (str(ask), size(ask))]
            bid, ask = bid - 1, ask - 1
        updates.append(push("update", bids, asks, seq=n + 2, prev=n + 1))
    return snapshot, updates


def check_side(side: list[tuple[Decimal, Decimal]], descending: bool) -> None:
    prices = [price for price, _ in side]
    assert prices == sorted(prices, reverse=descending)
    assert len(set(prices)) == len(prices)
    for price, size in side:
        assert int(size) == price, f"torn level {price} x {size}"


@pytest.mark.usefixtures("frequent_thread_switches")
def test_readers_on_other_threads_never_see_a_crossed_or_torn_book() -> None:
    snapshot, updates = moving_feed(2000)
    book = OrderBook(INST)
    book.apply(snapshot)
    done = threading.Event()
    failures: list[BaseException] = []
    reads = [0]

    def read() -> None:
        try:
            while not done.is_set():
                bids, asks = book.top(10)
                check_side(bids, descending=True)
                check_side(asks, descending=False)
                assert bids[0][0] < asks[0][0], f"crossed: {bids[0]} / {asks[0]}"
                check_side(book.bids, descending=True)
                check_side(book.asks, descending=False)
                reads[0] += 1
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for update in updates:
            book.apply(update)
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert failures == []
    assert reads[0] > 0
    assert book.seq_id == 2001


# -- the book against a naive model -----------------------------------------------------------

# Prices: quarters from 0.25 to 15, each written one way only, so the model can key by string.
PRICES = [str(Decimal(n) / 4) for n in range(1, 61)]
sizes = st.decimals(min_value=Decimal("0.00000001"), max_value=Decimal(500), places=8).map(str)
level = st.tuples(st.sampled_from(PRICES), st.one_of(st.just("0"), sizes))
side_update = st.lists(level, max_size=8, unique_by=lambda lv: lv[0])
snapshot_side = st.dictionaries(st.sampled_from(PRICES), sizes, max_size=40)
# The next seqId: usually larger, sometimes the same (keep-alive) or smaller (a reset).
seq_step = st.integers(min_value=-5, max_value=5)


def model_rows(side: dict[str, str], descending: bool) -> list[tuple[str, str]]:
    return sorted(side.items(), key=lambda item: Decimal(item[0]), reverse=descending)


@settings(max_examples=150)
@given(
    snap_bids=snapshot_side,
    snap_asks=snapshot_side,
    steps=st.lists(st.tuples(side_update, side_update, seq_step), max_size=25),
)
def test_random_updates_keep_the_book_equal_to_a_naive_model(
    snap_bids: dict[str, str],
    snap_asks: dict[str, str],
    steps: list[tuple[list[tuple[str, str]], list[tuple[str, str]], int]],
) -> None:
    model = {"bids": dict(snap_bids), "asks": dict(snap_asks)}
    book = OrderBook(INST)
    seq = 1000
    first = reference_checksum(model_rows(model["bids"], True), model_rows(model["asks"], False))
    book.apply(
        push(
            "snapshot",
            list(snap_bids.items()),
            list(snap_asks.items()),
            seq=seq,
            prev=-1,
            checksum=first,
        )
    )
    for bids, asks, step in steps:
        for name, changes in (("bids", bids), ("asks", asks)):
            for price, size in changes:
                if size == "0":
                    model[name].pop(price, None)
                else:
                    model[name][price] = size
        want_bids = model_rows(model["bids"], True)
        want_asks = model_rows(model["asks"], False)
        expected = reference_checksum(want_bids, want_asks)
        book.apply(push("update", bids, asks, seq=seq + step, prev=seq, checksum=expected))
        seq += step
        assert book.bids == levels(*want_bids)
        assert book.asks == levels(*want_asks)
        assert book.checksum() == expected
    assert (book.seq_id, book.updates) == (seq, len(steps) + 1)
