"""FakeOKX's market: instruments, prices, and the public data derived from them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from okx_v5.MarketData import MarketAPI
from okx_v5.testing import FakeOKX

INSTRUMENTS = "/api/v5/public/instruments"
TICKER = "/api/v5/market/ticker"
TICKERS = "/api/v5/market/tickers"
BOOKS = "/api/v5/market/books"
CANDLES = "/api/v5/market/candles"
HISTORY_CANDLES = "/api/v5/market/history-candles"
FUNDING = "/api/v5/public/funding-rate"
MARK = "/api/v5/public/mark-price"
TIERS = "/api/v5/public/position-tiers"
Api = Callable[..., tuple[int, dict[str, Any]]]
HOUR = 3_600_000
AFTER = 1_700_000_000_000  # 2023-11-14, a time both exchanges have candles for


def ids(rows: list[dict[str, str]]) -> list[str]:
    return [row["instId"] for row in rows]


def test_instruments_of_each_type_are_listed(api: Api) -> None:
    listed = {
        inst_type: ids(api("GET", INSTRUMENTS, instType=inst_type)[1]["data"])
        for inst_type in ("SPOT", "MARGIN", "SWAP", "FUTURES")
    }
    assert listed["SPOT"] == ["BTC-USDT", "ETH-USDT", "SOL-USDT", "DOGE-USDT", "ETH-BTC"]
    assert listed["MARGIN"] == ["BTC-USDT", "ETH-USDT", "SOL-USDT", "ETH-BTC"]
    assert "BTC-USDT-SWAP" in listed["SWAP"]
    assert "BTC-USD-SWAP" in listed["SWAP"]
    assert listed["FUTURES"] == [
        "BTC-USDT-271231",
        "ETH-USDT-271231",
        "BTC-USD-271231",
        "ETH-USD-271231",
    ]


def test_options_are_listed_by_family(api: Api) -> None:
    _, body = api("GET", INSTRUMENTS, instType="OPTION", instFamily="ETH-USD")
    assert ids(body["data"]) == [
        "ETH-USD-271231-3000-C",
        "ETH-USD-271231-3000-P",
        "ETH-USD-271231-4000-C",
        "ETH-USD-271231-4000-P",
    ]
    assert {row["stk"] for row in body["data"]} == {"3000", "4000"}


def test_an_instrument_answers_okx_fields_as_strings(api: Api) -> None:
    _, body = api("GET", INSTRUMENTS, instType="SWAP", instId="BTC-USDT-SWAP")
    (row,) = body["data"]
    assert row["instFamily"] == row["uly"] == "BTC-USDT"
    assert (row["ctVal"], row["ctValCcy"], row["settleCcy"], row["ctType"]) == (
        "0.01",
        "BTC",
        "USDT",
        "linear",
    )
    assert (row["tickSz"], row["lotSz"], row["minSz"], row["state"]) == (
        "0.1",
        "0.01",
        "0.01",
        "live",
    )
    assert row["futureSettlement"] is False


def test_an_inverse_swap_is_valued_in_usd_and_settled_in_the_coin(api: Api) -> None:
    _, body = api("GET", INSTRUMENTS, instType="SWAP", instId="BTC-USD-SWAP")
    row = body["data"][0]
    assert (row["ctVal"], row["ctValCcy"], row["settleCcy"], row["ctType"]) == (
        "100",
        "USD",
        "BTC",
        "inverse",
    )


def test_an_instruments_max_leverage_is_its_first_position_tier(api: Api) -> None:
    tiers = api("GET", TIERS, instType="SWAP", tdMode="cross", instFamily="DOGE-USDT")[1]
    listed = api("GET", INSTRUMENTS, instType="SWAP", instId="DOGE-USDT-SWAP")[1]
    assert listed["data"][0]["lever"] == tiers["data"][0]["maxLever"] == "75"


def test_an_unlisted_instrument_is_51001(api: Api) -> None:
    status, body = api("GET", INSTRUMENTS, instType="SPOT", instId="XRP-USDT")
    assert (status, body["code"], body["data"]) == (200, "51001", [])


def test_the_ticker_is_around_the_price(api: Api) -> None:
    _, body = api("GET", TICKER, instId="BTC-USDT")
    ticker = body["data"][0]
    assert (ticker["last"], ticker["bidPx"], ticker["askPx"]) == ("65000", "64999.9", "65000.1")
    assert Decimal(ticker["low24h"]) <= Decimal(ticker["last"]) <= Decimal(ticker["high24h"])


def test_set_price_moves_the_ticker_and_its_time(okx: FakeOKX, api: Api) -> None:
    before = api("GET", TICKER, instId="ETH-USDT")[1]["data"][0]
    okx.clock_offset = 5.0
    okx.set_price("ETH-USDT", "3600.5")
    after = api("GET", TICKER, instId="ETH-USDT")[1]["data"][0]
    assert (before["last"], after["last"]) == ("3500", "3600.5")
    assert int(after["ts"]) >= int(before["ts"]) + 5000


def test_swaps_and_futures_follow_their_pair(okx: FakeOKX) -> None:
    okx.set_price("BTC-USDT", 70000)
    assert okx.price("BTC-USDT-SWAP") == okx.price("BTC-USD-271231") == Decimal("70000")


def test_a_derivative_can_have_its_own_price(okx: FakeOKX) -> None:
    okx.set_price("BTC-USDT-SWAP", "70010.5")
    okx.set_price("BTC-USDT", "69000")
    assert (okx.price("BTC-USDT-SWAP"), okx.price("BTC-USDT-271231")) == (
        Decimal("70010.5"),
        Decimal("69000"),
    )


def test_an_option_is_worth_its_intrinsic_value_and_a_premium(okx: FakeOKX) -> None:
    okx.set_price("BTC-USDT", "80000")
    # (80000 - 60000) / 80000 + 0.005, in BTC
    assert okx.price("BTC-USD-271231-60000-C") == Decimal("0.255")
    assert okx.price("BTC-USD-271231-60000-P") == Decimal("0.005")


@pytest.mark.parametrize(
    ("inst_id", "px", "message"),
    [
        ("XRP-USDT", "1", "unknown instrument"),
        ("BTC-USDT-SWAP", "65000.01", "multiple of BTC-USDT-SWAP's tickSz 0.1"),
        ("BTC-USDT", "65000.05", "multiple of BTC-USDT's tickSz 0.1"),
        ("BTC-USDT", "0", "px must be a positive number"),
        ("BTC-USDT", "lots", "px must be a number"),
    ],
)
def test_set_price_refuses_what_the_market_cannot_quote(
    okx: FakeOKX, inst_id: str, px: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        okx.set_price(inst_id, px)


def test_tickers_list_one_type(api: Api) -> None:
    _, body = api("GET", TICKERS, instType="SWAP", instFamily="ETH-USDT")
    assert [(row["instType"], row["instId"]) for row in body["data"]] == [("SWAP", "ETH-USDT-SWAP")]


def test_the_book_is_one_tick_apart_on_each_side_of_the_price(api: Api) -> None:
    _, body = api("GET", BOOKS, instId="SOL-USDT", sz="3")
    book = body["data"][0]
    assert [level[0] for level in book["asks"]] == ["150.01", "150.02", "150.03"]
    assert [level[0] for level in book["bids"]] == ["149.99", "149.98", "149.97"]
    assert all(len(level) == 4 and level[2] == "0" for level in book["asks"] + book["bids"])


def test_the_book_depth_must_be_a_whole_number(api: Api) -> None:
    status, body = api("GET", BOOKS, instId="BTC-USDT", sz="deep")
    assert (status, body["code"], body["msg"]) == (400, "51000", "Parameter sz error")


def test_the_price_of_an_unlisted_instrument_is_an_error(okx: FakeOKX) -> None:
    with pytest.raises(ValueError, match="unknown instrument 'XRP-USDT'"):
        okx.price("XRP-USDT")


def test_the_book_has_one_level_a_side_by_default(api: Api) -> None:
    book = api("GET", BOOKS, instId="BTC-USDT")[1]["data"][0]
    assert (len(book["asks"]), len(book["bids"])) == (1, 1)


def test_the_newest_candle_closes_at_the_price_and_is_unconfirmed(okx: FakeOKX, api: Api) -> None:
    okx.set_price("BTC-USDT", "64000")
    _, body = api("GET", CANDLES, instId="BTC-USDT", bar="1H", limit="3")
    newest, *older = body["data"]
    assert len(newest) == 9
    assert all(isinstance(value, str) for value in newest)
    assert (newest[4], newest[8]) == ("64000", "0")
    assert [candle[8] for candle in older] == ["1", "1"]


def test_candles_are_newest_first_one_bar_apart(api: Api) -> None:
    _, body = api("GET", CANDLES, instId="ETH-USDT-SWAP", bar="1H", limit="5")
    times = [int(candle[0]) for candle in body["data"]]
    assert times == [times[0] - n * HOUR for n in range(5)]
    assert times[0] % HOUR == 0


def test_a_candles_open_is_the_close_before_it_and_low_and_high_bound_both(api: Api) -> None:
    candles = api("GET", CANDLES, instId="BTC-USDT", bar="15m", limit="50")[1]["data"]
    for newer, older in itertools.pairwise(candles):
        assert newer[1] == older[4]
    for _ts, opened, high, low, close, *_ in candles:
        assert Decimal(low) < min(Decimal(opened), Decimal(close))
        assert Decimal(high) > max(Decimal(opened), Decimal(close))


def test_candles_page_with_after_and_before(api: Api) -> None:
    first = api("GET", CANDLES, instId="BTC-USDT", bar="1m", limit="4")[1]["data"]
    after = api("GET", CANDLES, instId="BTC-USDT", bar="1m", limit="2", after=first[1][0])[1]
    before = api("GET", CANDLES, instId="BTC-USDT", bar="1m", before=first[2][0])[1]
    assert after["data"] == first[2:4]
    assert before["data"] == first[:2]


def test_an_inverse_swaps_candle_volume_is_in_usd_and_the_coin(api: Api) -> None:
    _, body = api("GET", CANDLES, instId="BTC-USD-SWAP", limit="1")
    _ts, _o, _h, _l, close, vol, vol_ccy, vol_quote, _confirm = body["data"][0]
    assert Decimal(vol_quote) == Decimal(vol) * 100  # contracts of 100 USD
    assert Decimal(vol_ccy) == (Decimal(vol_quote) / Decimal(close)).quantize(
        Decimal("1e-8"), "ROUND_DOWN"
    )


def test_history_candles_give_at_most_100(api: Api) -> None:
    _, body = api("GET", HISTORY_CANDLES, instId="BTC-USDT", limit="300")
    assert len(body["data"]) == 100


def test_two_exchanges_answer_the_same_candles() -> None:
    answers = []
    for _ in range(2):
        with FakeOKX() as okx, MarketAPI(domain=okx.url) as market:
            okx.set_price("BTC-USDT", "65000")
            answers.append(market.get_candlesticks("BTC-USDT", bar="1H", after=str(AFTER)))
    assert answers[0]["data"] == answers[1]["data"]
    assert len(answers[0]["data"]) == 100


@pytest.mark.parametrize(("query", "param"), [({"bar": "7m"}, "bar"), ({"limit": "0"}, "limit")])
def test_candles_refuse_a_bar_or_limit_okx_does_not_know(
    api: Api, query: dict[str, str], param: str
) -> None:
    status, body = api("GET", CANDLES, instId="BTC-USDT", **query)
    assert (status, body["code"], body["msg"]) == (400, "51000", f"Parameter {param} error")


def test_the_funding_rate_of_a_swap_is_due_at_the_next_8_hour_mark(api: Api) -> None:
    _, body = api("GET", FUNDING, instId="BTC-USDT-SWAP")
    row = body["data"][0]
    period = 8 * HOUR
    assert row["fundingRate"] == "0.0001"
    assert int(row["fundingTime"]) % period == 0
    assert 0 < int(row["fundingTime"]) - int(row["ts"]) <= period
    assert int(row["nextFundingTime"]) == int(row["fundingTime"]) + period


def test_only_swaps_have_a_funding_rate(api: Api) -> None:
    status, body = api("GET", FUNDING, instId="BTC-USDT")
    assert (status, body["code"]) == (400, "51000")


def test_the_mark_price_is_the_price(okx: FakeOKX, api: Api) -> None:
    okx.set_price("ETH-USDT", "3000")
    _, body = api("GET", MARK, instType="FUTURES", instId="ETH-USDT-271231")
    assert [(row["instId"], row["markPx"]) for row in body["data"]] == [("ETH-USDT-271231", "3000")]


def test_reset_returns_to_the_starting_prices(okx: FakeOKX) -> None:
    okx.set_price("BTC-USDT", "1000")
    okx.reset()
    assert okx.price("BTC-USDT") == Decimal("65000")
