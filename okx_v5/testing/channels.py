"""The WebSocket channels of the fake exchange: where each is served, what it needs, what it pushes.

``CHANNELS`` is OKX's table of the channels the fake exchange streams, as data: the URL path, the
subscription parameters, whether a login is needed and whether a first push follows the
subscription. The functions below build each channel's ``data`` items from the market and the
accounts, with the fields of OKX's push examples (the private channels' items are the REST rows of
the same objects: ``get_order``, ``get_positions``, ``get_account_balance``).

Sources: OKX API v5 docs (docs-v5/en), the sections "WS / Tickers channel", "WS / Trades
channel", "WS / All trades channel", "WS / Order book channel", "WS / Candlesticks channel",
"Mark price channel", "Funding rate channel", "Index tickers channel" (Public Data),
"WS / Order channel", "WS / Fills channel" (Order Book Trading > Trade), "Account channel",
"Positions channel" and "Balance and position channel" (Trading Account > WebSocket).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from okx_v5.endpoints import account as acc
from okx_v5.endpoints import market_data, public_data, trade
from okx_v5.testing.accounts import Account, Fill, Order, Position, order_row, position_row
from okx_v5.testing.examples import shaped, template
from okx_v5.testing.fixtures import fmt
from okx_v5.testing.market import BARS, Instrument, Market

__all__ = [
    "BUSINESS",
    "CHANNELS",
    "INSTRUMENT_TYPES",
    "PRIVATE",
    "PUBLIC",
    "Channel",
    "balance_and_position",
    "channel",
    "fill_item",
    "index_ticker",
    "instrument_items",
    "order_item",
    "position_item",
    "trade_item",
]

PUBLIC = "/ws/v5/public"
BUSINESS = "/ws/v5/business"
PRIVATE = "/ws/v5/private"
PATHS = (PUBLIC, BUSINESS, PRIVATE)
"""OKX's three WebSocket URL paths (a query such as ``?brokerId=9999`` may follow)."""

INSTRUMENT_TYPES = ("SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION")
"""The ``instType`` values of the instruments channel."""
ORDER_INST_TYPES = ("SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION", "ANY")
"""The ``instType`` values of the orders channel."""
POSITION_INST_TYPES = ("MARGIN", "SWAP", "FUTURES", "OPTION", "ANY")
"""The ``instType`` values of the positions channel."""


@dataclass(frozen=True)
class Channel:
    """One WebSocket channel, as OKX documents its subscription."""

    name: str
    path: str
    """The URL path serving it."""
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    login: bool = False
    """Whether subscribing needs a login first."""
    first_push: bool = True
    """Whether data is pushed as soon as the subscription is made (else only on events)."""

    @property
    def private(self) -> bool:
        """Whether it streams an account's data (its pushes name the account's ``uid``)."""
        return self.path == PRIVATE

    @property
    def params(self) -> tuple[str, ...]:
        """Every subscription parameter besides ``channel``."""
        return self.required + self.optional


_INST = ("instId",)
CHANNELS: Mapping[str, Channel] = {
    channel.name: channel
    for channel in (
        Channel("tickers", PUBLIC, _INST),
        Channel("instruments", PUBLIC, ("instType",)),
        Channel("trades", PUBLIC, _INST, first_push=False),
        Channel("books", PUBLIC, _INST),
        Channel("books5", PUBLIC, _INST),
        Channel("bbo-tbt", PUBLIC, _INST),
        # Only for VIP4 / VIP5 fee tiers, after a login; every fake account qualifies.
        Channel("books50-l2-tbt", PUBLIC, _INST, login=True),
        Channel("books-l2-tbt", PUBLIC, _INST, login=True),
        Channel("mark-price", PUBLIC, _INST),
        Channel("funding-rate", PUBLIC, _INST),
        Channel("index-tickers", PUBLIC, _INST),
        Channel("trades-all", BUSINESS, _INST, first_push=False),
        *(Channel(f"candle{bar}", BUSINESS, _INST) for bar in BARS),
        Channel("orders", PRIVATE, ("instType",), ("instFamily", "instId"), True, False),
        Channel("positions", PRIVATE, ("instType",), ("instFamily", "instId"), True),
        Channel("account", PRIVATE, (), ("ccy",), True),
        Channel("balance_and_position", PRIVATE, (), (), True),
        # Only for the VIP5 fee tier (60029 for others); every fake account qualifies.
        Channel("fills", PRIVATE, (), ("instId",), True, False),
    )
}
"""Every channel the fake exchange streams, by name."""

_CANDLE = re.compile(r"candle(.+)")


def channel(name: str) -> Channel | None:
    """The channel called ``name``, or ``None``."""
    return CHANNELS.get(name)


def bar(channel: Channel) -> str:
    """The bar size of a candlestick channel (``1m`` of ``candle1m``); ``""`` for others."""
    match = _CANDLE.fullmatch(channel.name)
    return match.group(1) if match else ""


def instrument_for(market: Market, channel: Channel, inst_id: str) -> Instrument | None:
    """The instrument ``inst_id`` names for ``channel``, or ``None`` when the channel has no
    such instrument (funding rates are for SWAPs; index tickers and mark prices for what has
    an index or a mark price)."""
    instrument = market.instrument(inst_id)
    if instrument is None:
        return None
    if channel.name == "funding-rate" and instrument.inst_type != "SWAP":
        return None
    if channel.name == "index-tickers" and instrument.inst_type != "SPOT":
        return None
    if channel.name == "mark-price" and mark_type(market, instrument) is None:
        return None
    return instrument


def mark_type(market: Market, instrument: Instrument) -> str | None:
    """The ``instType`` a mark price is given for: a derivative's own, ``MARGIN`` for a pair
    traded on margin, ``None`` for a pair that is not."""
    if instrument.inst_type != "SPOT":
        return instrument.inst_type
    return "MARGIN" if market.listed("MARGIN", inst_id=instrument.inst_id) else None


# -- public data --------------------------------------------------------------------------------


def instrument_items(market: Market, inst_type: str) -> list[object]:
    """An ``instruments`` push's items: the rows of ``/public/instruments`` of ``inst_type``."""
    endpoint = public_data.GET_INSTRUMENTS
    fields = template(endpoint.method, endpoint.path)
    return [shaped(fields, instrument.row()) for instrument in market.listed(inst_type)]


def ticker_item(market: Market, instrument: Instrument) -> dict[str, Any]:
    """A ``tickers`` item: the row of ``/market/ticker``."""
    endpoint = market_data.GET_TICKER
    return shaped(template(endpoint.method, endpoint.path), market.ticker(instrument))


def index_ticker(market: Market, instrument: Instrument) -> dict[str, object]:
    """An ``index-tickers`` item: the pair's price is its index (the last 24 hours of its
    ticker)."""
    ticker = market.ticker(instrument)
    return {
        "instId": instrument.inst_id,
        "idxPx": ticker["last"],
        "high24h": ticker["high24h"],
        "low24h": ticker["low24h"],
        "open24h": ticker["open24h"],
        "sodUtc0": ticker["sodUtc0"],
        "sodUtc8": ticker["sodUtc8"],
        "ts": ticker["ts"],
    }


def trade_item(
    inst_id: str, trade_id: str, px: str, sz: str, side: str, ts: int, *, count: bool
) -> dict[str, object]:
    """A ``trades`` item (``count`` of aggregated matches: always 1 here) or, without
    ``count``, a ``trades-all`` item."""
    item: dict[str, object] = {
        "instId": inst_id,
        "tradeId": trade_id,
        "px": px,
        "sz": sz,
        "side": side,
        "ts": str(ts),
    }
    if count:
        item["count"] = "1"
    return item


def fill_trade(fill: Fill) -> tuple[str, str, str, str, str, int]:
    """(instId, tradeId, px, sz, side, ts) of the public trade a fill makes: the side is the
    taker's (the other side of a maker fill)."""
    order = fill.order
    side = order.side
    if fill.exec_type == "M":
        side = "sell" if side == "buy" else "buy"
    return order.instrument.inst_id, fill.trade_id, fmt(fill.px), fmt(fill.sz), side, fill.ts


# -- private data -------------------------------------------------------------------------------


def order_item(order: Order, fill: Fill | None) -> dict[str, Any]:
    """An ``orders`` item: the order's ``/trade/order`` row, whose fill fields tell of this
    update only (``fill``, if the update is one), as the channel's do."""
    endpoint = trade.GET_ORDER
    item = shaped(template(endpoint.method, endpoint.path), order_row(order))
    item.update(amendResult="", reqId="", code="0", msg="")
    if fill is None:
        item.update(fillPx="", fillSz="0", fillTime="", tradeId="", fillPnl="0", fillFee="0")
        item.update(fillFeeCcy="", execType="")
        return item
    item.update(
        fillPx=fmt(fill.px),
        fillSz=fmt(fill.sz),
        fillTime=str(fill.ts),
        tradeId=fill.trade_id,
        fillPnl=fmt(fill.pnl),
        fillFee=fmt(fill.fee),
        fillFeeCcy=order.fee_ccy,
        execType=fill.exec_type,
    )
    return item


def order_matches(arg: Mapping[str, str], order: Order) -> bool:
    """Whether an ``orders`` subscription ``arg`` covers ``order``."""
    inst_type = arg.get("instType", "ANY")
    return (
        inst_type in ("ANY", order.inst_type)
        and arg.get("instFamily", order.instrument.family) == order.instrument.family
        and arg.get("instId", order.instrument.inst_id) == order.instrument.inst_id
    )


def position_item(
    account: Account, position: Position, market: Market, default_lever: str
) -> dict[str, Any]:
    """A ``positions`` item: the position's ``/account/positions`` row (``pos`` 0 once
    closed)."""
    endpoint = acc.GET_POSITIONS
    row = position_row(account, position, market, default_lever)
    return shaped(template(endpoint.method, endpoint.path), row)


def position_matches(arg: Mapping[str, str], position: Position) -> bool:
    """Whether a ``positions`` subscription ``arg`` covers ``position`` (``instId`` wins over
    ``instFamily`` when both are given)."""
    instrument = position.instrument
    if arg.get("instType", "ANY") not in ("ANY", instrument.inst_type):
        return False
    if "instId" in arg:
        return arg["instId"] == instrument.inst_id
    return arg.get("instFamily", instrument.family) == instrument.family


def balance_and_position(
    account: Account,
    positions: Iterable[Position],
    ccys: Iterable[str],
    fills: Iterable[Fill],
    event_type: str,
    now: int,
) -> dict[str, object]:
    """A ``balance_and_position`` item: the cash of ``ccys``, ``positions`` and the trades
    of ``fills``, for an event of ``event_type`` (``snapshot``, ``filled``, ``transferred``)."""
    return {
        "pTime": str(now),
        "eventType": event_type,
        "balData": [
            {"ccy": ccy, "cashBal": fmt(account.cash.get(ccy, 0)), "uTime": str(now)}
            for ccy in ccys
        ],
        "posData": [_position_data(position, now) for position in positions],
        "trades": [
            {"instId": fill.order.instrument.inst_id, "tradeId": fill.trade_id} for fill in fills
        ],
    }


def _position_data(position: Position, now: int) -> dict[str, object]:
    instrument = position.instrument
    qty = position.qty if position.pos_side == "net" else abs(position.qty)
    return {
        "posId": position.pos_id,
        "tradeId": position.trade_id,
        "instId": instrument.inst_id,
        "instType": instrument.inst_type,
        "mgnMode": position.mgn_mode,
        "posSide": position.pos_side,
        "pos": fmt(qty),
        "ccy": instrument.settle_ccy,
        "posCcy": "",
        "avgPx": fmt(position.avg_px),
        "nonSettleAvgPx": "",
        "settledPnl": "",
        "uTime": str(position.u_time or now),
    }


_INT64_MAX = 2**63 - 1


def fill_item(fill: Fill) -> dict[str, object]:
    """A ``fills`` item. Its ``clOrdId`` is the order's only when that is a positive signed
    64-bit integer, else ``"0"``, as OKX documents."""
    order = fill.order
    cl_ord_id = order.cl_ord_id
    if not (cl_ord_id.isascii() and cl_ord_id.isdecimal() and 0 < int(cl_ord_id) <= _INT64_MAX):
        cl_ord_id = "0"
    return {
        "instId": order.instrument.inst_id,
        "fillSz": fmt(fill.sz),
        "fillPx": fmt(fill.px),
        "side": order.side,
        "ts": str(fill.ts),
        "ordId": order.ord_id,
        "clOrdId": cl_ord_id,
        "tradeId": fill.trade_id,
        "execType": fill.exec_type,
        "count": "1",
    }
