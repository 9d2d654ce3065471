"""The flows trading bots run, end to end: okx_v5's clients against FakeOKX's simulated market.

Each answer is read through its typed ``.data``: the models are generated from OKX's
documented fields, so these tests fail when the sandbox answers other names or value formats.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from okx_v5.Account import AccountAPI
from okx_v5.exceptions import OkxAPIException
from okx_v5.MarketData import MarketAPI
from okx_v5.PublicData import PublicAPI
from okx_v5.testing import FakeOKX
from okx_v5.Trade import TradeAPI

KEY = FakeOKX.DEMO_KEY


@dataclass
class Bot:
    """A bot's clients, all on one sandbox."""

    okx: FakeOKX
    account: AccountAPI
    trade: TradeAPI
    market: MarketAPI
    public: PublicAPI


@pytest.fixture
def bot() -> Iterator[Bot]:
    # Rate limits off: these flows are about state, and the clients should never wait.
    options: dict[str, Any] = {"rate_limit": False, "max_retries": 0}
    with FakeOKX(rate_limits=False) as okx:
        signed = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "1")
        with (
            AccountAPI(*signed, okx.url, **options) as account,
            TradeAPI(*signed, okx.url, **options) as trade,
            MarketAPI(flag="1", domain=okx.url, **options) as market,
            PublicAPI(flag="1", domain=okx.url, **options) as public,
        ):
            yield Bot(okx, account, trade, market, public)


def test_a_limit_order_is_placed_found_amended_and_canceled(bot: Bot) -> None:
    placed = bot.trade.place_order(
        "BTC-USDT", "cash", "buy", "limit", "0.01", clOrdId="grid1", px="60000"
    ).raise_for_code()
    ord_id = placed.data[0].ord_id
    assert (placed.data[0].s_code, placed.data[0].cl_ord_id) == ("0", "grid1")

    order = bot.trade.get_order("BTC-USDT", ordId=ord_id).data[0]
    assert (order.state, order.px, order.sz, order.side) == (
        "live",
        Decimal("60000"),
        Decimal("0.01"),
        "buy",
    )
    assert [o.ord_id for o in bot.trade.get_order_list(instType="SPOT").data] == [ord_id]

    amended = bot.trade.amend_order("BTC-USDT", ordId=ord_id, newPx="61000", reqId="r1")
    assert (amended.data[0].s_code, amended.data[0].req_id) == ("0", "r1")
    assert bot.trade.get_order("BTC-USDT", clOrdId="grid1").data[0].px == Decimal("61000")

    canceled = bot.trade.cancel_order("BTC-USDT", ordId=ord_id).raise_for_code()
    assert canceled.data[0].ord_id == ord_id
    assert bot.trade.get_order_list().data == []
    history = bot.trade.get_orders_history("SPOT").data
    assert [(o.ord_id, o.state) for o in history] == [(ord_id, "canceled")]


def test_a_market_order_opens_a_position_that_close_positions_closes(bot: Bot) -> None:
    bot.trade.place_order("ETH-USDT-SWAP", "cross", "buy", "market", "5", posSide="long")
    (position,) = bot.account.get_positions(instType="SWAP").data
    assert (position.inst_id, position.pos_side, position.pos) == ("ETH-USDT-SWAP", "long", 5)
    assert (position.avg_px, position.upl) == (Decimal("3500"), 0)

    bot.okx.set_price("ETH-USDT", "3600")
    position = bot.account.get_positions(instId="ETH-USDT-SWAP").data[0]
    assert (position.mark_px, position.upl) == (
        Decimal("3600"),
        Decimal("50"),
    )  # 5 contracts of 0.1 ETH, 100 up

    closed = bot.trade.close_positions("ETH-USDT-SWAP", "cross", posSide="long").raise_for_code()
    assert (closed.data[0].inst_id, closed.data[0].pos_side) == ("ETH-USDT-SWAP", "long")
    assert bot.account.get_positions().data == []
    fills = bot.trade.get_fills(instType="SWAP").data
    assert [(f.side, f.fill_px, f.fill_pnl) for f in fills] == [
        ("sell", Decimal("3600"), Decimal("50")),
        ("buy", Decimal("3500"), Decimal("0")),
    ]
    usdt = bot.account.get_account_balance("USDT").data[0].details[0]
    # 10000 + 50 profit - fees of 0.05% on 1750 and on 1800
    assert usdt.cash_bal == Decimal("10048.225")


def test_set_leverage_is_what_get_leverage_answers(bot: Bot) -> None:
    result = bot.account.set_leverage("20", "cross", instId="BTC-USDT-SWAP").raise_for_code()
    assert (result.data[0].lever, result.data[0].inst_id) == (Decimal("20"), "BTC-USDT-SWAP")
    rows = bot.account.get_leverage("cross", instId="BTC-USDT-SWAP").data
    assert [(row.pos_side, row.lever) for row in rows] == [("long", 20), ("short", 20)]


def test_a_position_is_held_at_the_leverage_set(bot: Bot) -> None:
    bot.account.set_leverage("50", "isolated", instId="BTC-USDT-SWAP", posSide="short")
    bot.trade.place_order("BTC-USDT-SWAP", "isolated", "sell", "market", "10", posSide="short")
    position = bot.account.get_positions().data[0]
    assert (position.lever, position.margin) == (Decimal("50"), Decimal("130"))


def test_insufficient_balance_is_51008(bot: Bot) -> None:
    bot.okx.set_balance(KEY, "USDT", "100")
    result = bot.trade.place_order("BTC-USDT", "cash", "buy", "limit", "0.01", px="60000")
    assert (result.status_code, result.code, result.ok) == (200, "1", False)
    assert (result.data[0].s_code, result.data[0].s_msg) == (
        "51008",
        "Order failed. Insufficient USDT balance in account",
    )
    with pytest.raises(OkxAPIException) as raised:
        result.raise_for_code()
    assert raised.value.code == "51008"  # the item's reason; OKX's "1" stays in the answer
    assert raised.value.response.code == "1"


def test_batch_orders_are_placed_amended_and_canceled_item_by_item(bot: Bot) -> None:
    orders = [
        {"instId": "SOL-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": px,
         "sz": "1", "clOrdId": f"sol{n}"}
        for n, px in enumerate(("140", "141", "142"))
    ]  # fmt: skip
    placed = bot.trade.place_multiple_orders(orders).raise_for_code()
    assert [item.cl_ord_id for item in placed.data] == ["sol0", "sol1", "sol2"]

    amends = [{"instId": "SOL-USDT", "clOrdId": "sol0", "newPx": "139"}]
    amends.append({"instId": "SOL-USDT", "ordId": "1", "newPx": "139"})
    amended = bot.trade.amend_multiple_orders(amends)
    assert (amended.code, [item.s_code for item in amended.data]) == ("2", ["0", "51503"])

    cancels = [{"instId": "SOL-USDT", "clOrdId": f"sol{n}"} for n in range(3)]
    canceled = bot.trade.cancel_multiple_orders(cancels).raise_for_code()
    assert [item.s_code for item in canceled.data] == ["0", "0", "0"]
    assert bot.trade.get_order_list(instId="SOL-USDT").data == []


def test_a_resting_order_fills_when_the_price_comes_to_it(bot: Bot) -> None:
    ord_id = bot.trade.place_order("ETH-USDT", "cash", "sell", "limit", "2", px="3700").data[0]
    bot.okx.set_price("ETH-USDT", "3650")
    assert bot.trade.get_order("ETH-USDT", ordId=ord_id.ord_id).data[0].state == "live"
    bot.okx.set_price("ETH-USDT", "3701")
    order = bot.trade.get_order("ETH-USDT", ordId=ord_id.ord_id).data[0]
    assert (order.state, order.avg_px, order.fee_ccy) == ("filled", Decimal("3700"), "USDT")
    assert bot.okx.balances(KEY)["ETH"] == Decimal("8")


def test_the_market_data_a_bot_reads_is_consistent(bot: Bot) -> None:
    bot.okx.set_price("BTC-USDT", "64000")
    ticker = bot.market.get_ticker("BTC-USDT-SWAP").data[0]
    book = bot.market.get_orderbook("BTC-USDT-SWAP", sz="5").data[0]
    candle = bot.market.get_candlesticks("BTC-USDT-SWAP", bar="5m", limit="1").data[0]
    instrument = bot.public.get_instruments("SWAP", instId="BTC-USDT-SWAP").data[0]
    assert ticker.last == candle.c == Decimal("64000")
    assert (ticker.ask_px, ticker.bid_px) == (book.asks[0].px, book.bids[0].px)
    assert book.asks[0].px - book.bids[0].px == 2 * instrument.tick_sz
    assert candle.ts == ticker.ts // 300_000 * 300_000
    funding = bot.public.get_funding_rate("BTC-USDT-SWAP").data[0]
    assert (funding.funding_rate, funding.inst_type) == (Decimal("0.0001"), "SWAP")


def test_concurrent_orders_all_count(bot: Bot) -> None:
    # Eight threads, five market buys of 0.05 ETH each: every fill reaches the balance once.
    codes: list[str] = []

    def buy_five() -> None:
        for _ in range(5):
            order = bot.trade.place_order(
                "ETH-USDT", "cash", "buy", "market", "0.05", tgtCcy="base_ccy"
            )
            codes.append(order.data[0].s_code)

    threads = [threading.Thread(target=buy_five) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    balances = bot.okx.balances(KEY)
    assert codes == ["0"] * 40
    assert balances["USDT"] == Decimal("10000") - 40 * Decimal("175")
    assert balances["ETH"] == Decimal("10") + 40 * Decimal("0.04995")  # less the 0.1% fee
    assert len(bot.trade.get_fills(instId="ETH-USDT").data) == 40


# Every answer with state, read through its typed model: (call, a field of its first item, the
# type that field must have).
TYPED: list[tuple[str, Callable[[Bot], Any], Callable[[Any], object], type]] = [
    (
        "balance",
        lambda b: b.account.get_account_balance(),
        lambda r: r.details[0].cash_bal,
        Decimal,
    ),
    ("positions", lambda b: b.account.get_positions(), lambda r: r.pos, Decimal),
    ("config", lambda b: b.account.get_account_config(), lambda r: r.auto_loan, bool),
    (
        "leverage",
        lambda b: b.account.get_leverage("cross", instId="ETH-USDT"),
        lambda r: r.lever,
        Decimal,
    ),
    (
        "set leverage",
        lambda b: b.account.set_leverage("3", "cross", instId="ETH-USDT"),
        lambda r: r.lever,
        Decimal,
    ),
    (
        "position mode",
        lambda b: b.account.set_position_mode("long_short_mode"),
        lambda r: r.pos_mode,
        str,
    ),
    (
        "account instruments",
        lambda b: b.account.get_instruments("SPOT"),
        lambda r: r.lot_sz,
        Decimal,
    ),
    (
        "order",
        lambda b: b.trade.get_order("BTC-USDT-SWAP", ordId=ORD_ID),
        lambda r: r.fill_time,
        int,
    ),
    ("pending", lambda b: b.trade.get_order_list(), lambda r: r.px, Decimal),
    ("history", lambda b: b.trade.get_orders_history("SWAP"), lambda r: r.avg_px, Decimal),
    ("archive", lambda b: b.trade.get_orders_history_archive("SWAP"), lambda r: r.c_time, int),
    ("fills", lambda b: b.trade.get_fills(), lambda r: r.fee, Decimal),
    ("fills history", lambda b: b.trade.get_fills_history("SWAP"), lambda r: r.ts, int),
    ("tickers", lambda b: b.market.get_tickers("SPOT"), lambda r: r.vol24h, Decimal),
    ("ticker", lambda b: b.market.get_ticker("ETH-BTC"), lambda r: r.last, Decimal),
    (
        "book",
        lambda b: b.market.get_orderbook("ETH-USDT", sz="2"),
        lambda r: r.bids[1].ord_cnt,
        int,
    ),
    ("candles", lambda b: b.market.get_candlesticks("SOL-USDT"), lambda r: r.vol_ccy, Decimal),
    (
        "history candles",
        lambda b: b.market.get_history_candlesticks("SOL-USDT"),
        lambda r: r.ts,
        int,
    ),
    ("instruments", lambda b: b.public.get_instruments("FUTURES"), lambda r: r.ct_val, Decimal),
    ("funding", lambda b: b.public.get_funding_rate("ETH-USD-SWAP"), lambda r: r.funding_time, int),
    ("mark price", lambda b: b.public.get_mark_price("SWAP"), lambda r: r.mark_px, Decimal),
]
ORD_ID = "600000000000000002"  # the second ID of a fresh exchange: the swap order below


@pytest.mark.parametrize(("name", "call", "field", "kind"), TYPED, ids=[t[0] for t in TYPED])
def test_every_stateful_answer_reads_as_its_typed_model(
    bot: Bot, name: str, call: Callable[[Bot], Any], field: Callable[[Any], object], kind: type
) -> None:
    bot.trade.place_order("BTC-USDT", "cash", "buy", "limit", "0.001", px="60000")
    swap = bot.trade.place_order("BTC-USDT-SWAP", "cross", "buy", "market", "1", posSide="long")
    assert swap.data[0].ord_id == ORD_ID
    result = call(bot).raise_for_code()
    assert isinstance(field(result.data[0]), kind)
