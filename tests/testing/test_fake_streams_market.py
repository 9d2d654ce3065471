"""FakeOKX's public and business WebSocket channels: order books, tickers, trades, candles."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from okx_v5.MarketData import MarketAPI
from okx_v5.PublicData import PublicAPI
from okx_v5.testing import FakeOKX
from okx_v5.testing.books import checksum
from okx_v5.Trade import TradeAPI

Opener = Callable[..., Any]
"""The ``stream`` fixture: opens a client connection to the test's FakeOKX."""

BOOKS = {"channel": "books", "instId": "BTC-USDT"}
DEMO = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)


@pytest.fixture(autouse=True)
def fast(okx: FakeOKX) -> None:
    """Market pushes every 20 ms: a test sees many in a fraction of a second."""
    okx.streams.interval = 0.02


LocalBookType = Callable[[dict[str, Any]], Any]
"""The ``local_book`` fixture: an order book kept by OKX's rules, from a snapshot."""


def books(stream: Opener, arg: dict[str, str] = BOOKS) -> tuple[Any, dict[str, Any]]:
    """A stream subscribed to ``arg``, and its first push."""
    ws = stream()
    (ack,) = ws.subscribe(arg)
    assert ack["event"] == "subscribe"
    return ws, ws.push(arg["channel"])


# -- order books -------------------------------------------------------------------------------


def test_the_checksum_is_the_signed_crc32_of_okx_s_documented_example() -> None:
    bids = [["3366.1", "7", "0", "3"], ["3366", "6", "3", "4"]]
    asks = [["3366.8", "9", "10", "3"], ["3368", "8", "3", "4"]]
    crc = zlib.crc32(b"3366.1:7:3366.8:9:3366:6:3368:8")
    assert checksum(bids, asks) == (crc - 2**32 if crc >= 2**31 else crc)


def test_the_checksum_skips_the_missing_levels_of_a_shorter_side() -> None:
    bids = [["3366.1", "7", "0", "3"]]
    asks = [["3366.8", "9", "10", "3"], ["3368", "8", "3", "4"], ["3372", "8", "3", "4"]]
    crc = zlib.crc32(b"3366.1:7:3366.8:9:3368:8:3372:8")
    assert checksum(bids, asks) == (crc - 2**32 if crc >= 2**31 else crc)


def test_books_begin_with_a_snapshot_of_400_levels_and_prev_seq_id_minus_1(
    stream: Opener, local_book: LocalBookType
) -> None:
    _, snapshot = books(stream)
    data = snapshot["data"][0]
    assert (snapshot["arg"], snapshot["action"]) == (BOOKS, "snapshot")
    assert (len(data["asks"]), len(data["bids"]), data["prevSeqId"]) == (400, 400, -1)
    assert Decimal(data["bids"][0][0]) < Decimal("65000") < Decimal(data["asks"][0][0])
    assert data["checksum"] == local_book(data).checksum()


def test_book_updates_chain_each_prev_seq_id_to_the_last_seq_id(stream: Opener) -> None:
    ws, snapshot = books(stream)
    last = snapshot["data"][0]["seqId"]
    for _ in range(5):
        update = ws.push("books")
        data = update["data"][0]
        assert update["action"] == "update"
        assert data["prevSeqId"] == last < data["seqId"]
        last = data["seqId"]


def test_book_checksums_match_the_book_merged_from_the_updates(
    stream: Opener, local_book: LocalBookType
) -> None:
    ws, snapshot = books(stream)
    local = local_book(snapshot["data"][0])
    for _ in range(10):
        data = ws.push("books")["data"][0]
        local.apply(data)
        assert data["checksum"] == local.checksum()


def test_book_updates_change_levels_and_sometimes_remove_one(stream: Opener) -> None:
    ws, _ = books(stream)
    updates = [ws.push("books")["data"][0] for _ in range(10)]
    assert all(data["asks"] and data["bids"] for data in updates)
    removed = [
        level for data in updates for level in data["asks"] + data["bids"] if level[1] == "0"
    ]
    assert removed


def test_a_price_move_moves_the_book_around_the_new_price(
    okx: FakeOKX, stream: Opener, local_book: LocalBookType
) -> None:
    ws, snapshot = books(stream)
    local = local_book(snapshot["data"][0])
    okx.set_price("BTC-USDT", "70000")
    while not Decimal(local.side("bids")[0][0]) > Decimal("69000"):
        data = ws.push("books")["data"][0]
        local.apply(data)
        assert data["checksum"] == local.checksum()
    assert Decimal(local.side("bids")[0][0]) < Decimal("70000") < Decimal(local.side("asks")[0][0])
    assert (len(local.sides["asks"]), len(local.sides["bids"])) == (400, 400)


def test_books5_pushes_its_five_levels_whole_without_action(stream: Opener) -> None:
    arg = {"channel": "books5", "instId": "ETH-USDT"}
    ws, first = books(stream, arg)
    second = ws.push("books5")
    for push in (first, second):
        data = push["data"][0]
        assert "action" not in push
        assert (len(data["asks"]), len(data["bids"]), data["instId"]) == (5, 5, "ETH-USDT")
        assert {"ts", "seqId"} <= data.keys()
    assert second["data"][0]["seqId"] > first["data"][0]["seqId"]


def test_bbo_tbt_pushes_the_best_bid_and_ask(stream: Opener) -> None:
    _, push = books(stream, {"channel": "bbo-tbt", "instId": "BTC-USDT"})
    data = push["data"][0]
    assert (data["asks"][0][0], data["bids"][0][0]) == ("65000.1", "64999.9")
    assert (len(data["asks"]), len(data["bids"])) == (1, 1)


def test_books_l2_tbt_needs_a_login(stream: Opener) -> None:
    ws = stream()
    (answer,) = ws.subscribe({"channel": "books-l2-tbt", "instId": "BTC-USDT"})
    assert answer["code"] == "60011"


def test_books50_l2_tbt_streams_50_levels_after_a_login(stream: Opener) -> None:
    ws = stream()
    ws.login()
    ws.subscribe({"channel": "books50-l2-tbt", "instId": "BTC-USDT"})
    data = ws.push("books50-l2-tbt")["data"][0]
    assert (len(data["asks"]), len(data["bids"]), data["prevSeqId"]) == (50, 50, -1)


def test_books_and_books_l2_tbt_of_one_instrument_are_refused_together(stream: Opener) -> None:
    ws = stream()
    ws.login()
    ws.subscribe(BOOKS)
    (answer,) = ws.subscribe({"channel": "books-l2-tbt", "instId": "BTC-USDT"})
    assert answer["code"] == "64004"
    assert answer["msg"].startswith("Subscribe to both books and books-l2-tbt for BTC-USDT")


def test_zero_checksums_sends_checksum_0(okx: FakeOKX, stream: Opener) -> None:
    okx.streams.zero_checksums = True
    ws, snapshot = books(stream)
    assert snapshot["data"][0]["checksum"] == 0
    assert ws.push("books")["data"][0]["checksum"] == 0


def test_sequence_ids_are_per_instrument_and_shared_by_connections(stream: Opener) -> None:
    _, first = books(stream)
    _, second = books(stream)
    assert second["data"][0]["seqId"] >= first["data"][0]["seqId"]


# -- tickers, mark price, funding rate, index ----------------------------------------------------


def test_the_first_tickers_push_is_the_rest_ticker_row(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    ws.subscribe({"channel": "tickers", "instId": "BTC-USDT-SWAP"})
    push = ws.push("tickers")
    with MarketAPI(domain=okx.url) as market:
        rest = market.get_ticker("BTC-USDT-SWAP")["data"]
    assert push["data"] == rest


def test_tickers_push_again_after_set_price(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    ws.subscribe({"channel": "tickers", "instId": "ETH-USDT"})
    ws.push("tickers")
    okx.set_price("ETH-USDT", "3600")
    assert ws.push("tickers")["data"][0]["last"] == "3600"


def test_mark_price_pushes_a_swap_s_price(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    ws.subscribe({"channel": "mark-price", "instId": "BTC-USDT-SWAP"})
    item = ws.push("mark-price")["data"][0]
    assert (item["instType"], item["instId"], item["markPx"]) == ("SWAP", "BTC-USDT-SWAP", "65000")
    okx.set_price("BTC-USDT", "64000")
    assert ws.push("mark-price")["data"][0]["markPx"] == "64000"


def test_funding_rate_pushes_a_swap_s_rate(stream: Opener) -> None:
    ws = stream()
    ws.subscribe({"channel": "funding-rate", "instId": "ETH-USDT-SWAP"})
    item = ws.push("funding-rate")["data"][0]
    assert (item["instId"], item["fundingRate"]) == ("ETH-USDT-SWAP", "0.0001")


def test_funding_rate_of_a_spot_pair_is_refused_with_60018(stream: Opener) -> None:
    ws = stream()
    (answer,) = ws.subscribe({"channel": "funding-rate", "instId": "ETH-USDT"})
    assert answer["code"] == "60018"


def test_index_tickers_push_the_pair_s_price(stream: Opener) -> None:
    ws = stream()
    ws.subscribe({"channel": "index-tickers", "instId": "SOL-USDT"})
    item = ws.push("index-tickers")["data"][0]
    assert (item["instId"], item["idxPx"]) == ("SOL-USDT", "150")


# -- candlesticks --------------------------------------------------------------------------------


@pytest.mark.parametrize("bar", ["1m", "1H", "1Dutc"])
def test_candles_on_business_push_the_newest_rest_candlestick(
    okx: FakeOKX, stream: Opener, bar: str
) -> None:
    ws = stream("business")
    (ack,) = ws.subscribe({"channel": f"candle{bar}", "instId": "BTC-USDT"})
    assert ack["event"] == "subscribe"
    push = ws.push(f"candle{bar}")
    with MarketAPI(domain=okx.url) as market:
        rest = market.get_candlesticks("BTC-USDT", bar=bar, limit="1")["data"]
    assert push["data"] == rest


def test_candles_push_again_when_the_price_moves(okx: FakeOKX, stream: Opener) -> None:
    ws = stream("business")
    ws.subscribe({"channel": "candle1m", "instId": "BTC-USDT"})
    ws.push("candle1m")
    okx.set_price("BTC-USDT", "65100")
    assert ws.push("candle1m")["data"][0][4] == "65100"


def test_candles_on_public_are_refused_with_60018(stream: Opener) -> None:
    ws = stream()
    (answer,) = ws.subscribe({"channel": "candle1m", "instId": "BTC-USDT"})
    assert answer["code"] == "60018"


def test_tickers_on_business_are_refused_with_60018(stream: Opener) -> None:
    ws = stream("business")
    (answer,) = ws.subscribe({"channel": "tickers", "instId": "BTC-USDT"})
    assert answer["code"] == "60018"


def test_a_bar_rest_does_not_know_is_refused_with_60018(stream: Opener) -> None:
    ws = stream("business")
    (answer,) = ws.subscribe({"channel": "candle7m", "instId": "BTC-USDT"})
    assert answer["code"] == "60018"


# -- trades --------------------------------------------------------------------------------------


def test_trades_push_the_fill_of_a_rest_order(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    ws.subscribe({"channel": "trades", "instId": "ETH-USDT"})
    with TradeAPI(*DEMO, False, "1", okx.url) as api:
        order = api.place_order("ETH-USDT", "cash", "sell", "market", "0.5")["data"][0]
        trade_id = api.get_order("ETH-USDT", ordId=order["ordId"])["data"][0]["tradeId"]
    item = ws.until(lambda m: m.get("data", [{}])[0].get("tradeId") == trade_id)["data"][0]
    assert item == {
        "instId": "ETH-USDT",
        "tradeId": trade_id,
        "px": "3500",
        "sz": "0.5",
        "side": "sell",
        "ts": item["ts"],
        "count": "1",
    }


def test_trades_all_on_business_push_fills_without_count(okx: FakeOKX, stream: Opener) -> None:
    ws = stream("business")
    ws.subscribe({"channel": "trades-all", "instId": "ETH-USDT"})
    with TradeAPI(*DEMO, False, "1", okx.url) as api:
        api.place_order("ETH-USDT", "cash", "buy", "market", "0.5", tgtCcy="base_ccy")
    item = ws.until(
        lambda m: m.get("data", [{}])[0].get("side") == "buy" and m["data"][0]["sz"] == "0.5"
    )
    assert "count" not in item["data"][0]


def test_trades_also_bring_made_up_trades_at_the_price(stream: Opener) -> None:
    ws = stream()
    ws.subscribe({"channel": "trades", "instId": "SOL-USDT"})
    item = ws.push("trades")["data"][0]
    assert (item["instId"], item["px"], item["count"]) == ("SOL-USDT", "150", "1")


def test_instruments_push_the_rest_rows_of_their_type(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    ws.subscribe({"channel": "instruments", "instType": "SWAP"})
    push = ws.push("instruments")
    with PublicAPI(domain=okx.url) as public:
        rest = public.get_instruments("SWAP")["data"]
    assert push["data"] == rest


def test_instruments_of_an_unknown_type_are_refused_with_60018(stream: Opener) -> None:
    ws = stream()
    (answer,) = ws.subscribe({"channel": "instruments", "instType": "BONDS"})
    assert answer["code"] == "60018"


def test_a_trade_pushes_its_instruments_ticker_with_its_size_and_time(
    okx: FakeOKX, stream: Opener
) -> None:
    ws = stream()
    ws.subscribe({"channel": "tickers", "instId": "ETH-USDT"})
    first = ws.push("tickers")["data"][0]
    with TradeAPI(*DEMO, False, "1", okx.url) as api:
        api.place_order("ETH-USDT", "cash", "buy", "market", "0.25", tgtCcy="base_ccy")
    item = ws.until(lambda m: m.get("data", [{}])[0].get("lastSz") == "0.25")["data"][0]
    assert int(item["ts"]) >= int(first["ts"])
    assert item["last"] == "3500"


# -- the push interval ---------------------------------------------------------------------------


def test_stream_interval_is_a_constructor_option_and_a_setting() -> None:
    okx = FakeOKX(stream_interval=0.5)
    assert okx.streams.interval == 0.5
    okx.streams.interval = 0.05
    assert okx.streams.interval == 0.05


@pytest.mark.parametrize("seconds", [0, -1, float("nan")])
def test_the_stream_interval_must_be_positive(okx: FakeOKX, seconds: float) -> None:
    with pytest.raises(ValueError, match="interval"):
        okx.streams.interval = seconds


def test_a_price_move_is_pushed_without_waiting_for_the_interval(
    okx: FakeOKX, stream: Opener
) -> None:
    okx.streams.interval = 60
    ws = stream()
    ws.subscribe({"channel": "tickers", "instId": "DOGE-USDT"})
    ws.push("tickers")
    okx.set_price("DOGE-USDT", "0.16")
    assert ws.push("tickers")["data"][0]["last"] == "0.16"
