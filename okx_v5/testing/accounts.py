"""One API key's trading account in the fake exchange: balances, orders, fills and positions.

Simplified on purpose:

- Balances are cash per currency (``START_BALANCES`` for a new account). What is frozen is worked
  out from the live orders and open positions whenever it is asked for: a SPOT buy holds its quote
  amount, a SPOT sell its base amount, a derivative order or position the margin of its value at the
  current leverage (an order that closes a position in long/short mode holds nothing). Isolated
  margin is frozen like cross margin, not moved out of the cash balance; there is no borrowing,
  interest, liquidation or funding fee.
- Orders fill completely or not at all, at one price; there are no partial fills.
- Profit and loss are worked out from the instrument's price (the mark price is the price).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from okx_v5.testing.fixtures import fmt
from okx_v5.testing.market import Instrument, Market

__all__ = [
    "START_BALANCES",
    "Account",
    "Fill",
    "Ids",
    "Order",
    "Position",
    "balance_row",
    "fill_row",
    "order_row",
    "position_row",
]

START_BALANCES: dict[str, Decimal] = {
    "USDT": Decimal("10000"),
    "BTC": Decimal("1"),
    "ETH": Decimal("10"),
}
"""What a new (or reset) account holds: a demo account's kind of balance."""

_ID_BASE = 600_000_000_000_000_000
_ZERO = Decimal(0)
LIVE_STATES = ("live", "partially_filled")
"""The states of an order still on the book."""


class Ids:
    """OKX-looking numeric IDs (orders, trades, bills, positions) from one counter."""

    def __init__(self) -> None:
        self._issued = 0

    def next(self) -> str:
        """Return the next ID."""
        self._issued += 1
        return str(_ID_BASE + self._issued)

    def reset(self) -> None:
        """Start again from the first ID."""
        self._issued = 0


@dataclass
class Order:
    """One order: what was asked, and what became of it."""

    ord_id: str
    instrument: Instrument
    td_mode: str
    side: str
    ord_type: str
    sz: Decimal
    """As given: contracts, the base amount, or (a SPOT market buy by default) the quote
    amount, as ``tgt_ccy`` says."""
    px: Decimal | None
    pos_side: str
    """``long``, ``short`` or ``net`` for a derivative, ``""`` for SPOT."""
    c_time: int
    cl_ord_id: str = ""
    tag: str = ""
    tgt_ccy: str = ""
    reduce_only: bool = False
    state: str = "live"
    acc_fill_sz: Decimal = _ZERO
    avg_px: Decimal | None = None
    fill_time: int | None = None
    trade_id: str = ""
    fee: Decimal = _ZERO
    fee_ccy: str = ""
    pnl: Decimal = _ZERO
    lever: str = ""
    u_time: int = 0

    @property
    def inst_type(self) -> str:
        """The instrument type OKX files the order under: MARGIN for a pair traded on margin."""
        margin = not self.instrument.derivative and self.td_mode in ("cross", "isolated")
        return "MARGIN" if margin else self.instrument.inst_type

    @property
    def live(self) -> bool:
        """Whether the order is still on the book."""
        return self.state in LIVE_STATES

    @property
    def closing(self) -> bool:
        """Whether it closes a position in long/short mode (sell long, buy short)."""
        return (self.pos_side, self.side) in (("long", "sell"), ("short", "buy"))

    @property
    def signed_sz(self) -> Decimal:
        """The contracts, positive for a buy and negative for a sell."""
        return self.sz if self.side == "buy" else -self.sz


@dataclass(frozen=True)
class Fill:
    """One trade of an order."""

    order: Order
    trade_id: str
    bill_id: str
    px: Decimal
    sz: Decimal
    fee: Decimal
    fee_rate: Decimal
    pnl: Decimal
    exec_type: str
    """``T`` (taker) or ``M`` (maker)."""
    ts: int


@dataclass
class Position:
    """An open derivative position: contracts signed (negative when short), average price."""

    pos_id: str
    instrument: Instrument
    mgn_mode: str
    pos_side: str
    c_time: int
    qty: Decimal = _ZERO
    avg_px: Decimal = _ZERO
    realized_pnl: Decimal = _ZERO
    fee: Decimal = _ZERO
    trade_id: str = ""
    u_time: int = 0

    def upl(self, px: Decimal) -> Decimal:
        """Unrealised profit at price ``px``, in the settlement currency."""
        return pnl(self.instrument, self.qty, self.avg_px, px)


def pnl(instrument: Instrument, qty: Decimal, entry: Decimal, px: Decimal) -> Decimal:
    """The profit of ``qty`` signed contracts bought at ``entry`` and valued at ``px``."""
    if instrument.ct_type == "inverse":
        return qty * instrument.ct_val * (px - entry) / (entry * px)
    return qty * instrument.ct_val * (px - entry)


@dataclass
class Account:
    """One API key's account. Not locked on its own: the venue that owns it is."""

    pos_mode: str = "long_short"
    levers: dict[tuple[str, str, str], str] = field(default_factory=dict)
    """Leverage by (instId or ``ccy:<ccy>``, margin mode, position side)."""
    cash: dict[str, Decimal] = field(default_factory=lambda: dict(START_BALANCES))
    orders: dict[str, Order] = field(default_factory=dict)
    """Every order by ``ordId``, oldest first."""
    positions: dict[tuple[str, str, str], Position] = field(default_factory=dict)
    """Open positions by (instId, margin mode, position side)."""
    fills: list[Fill] = field(default_factory=list)
    algos: dict[str, str] = field(default_factory=dict)
    """The live algo orders: their ``algoClOrdId`` by ``algoId`` (nothing else of them is kept:
    they never trigger here)."""
    u_time: int = 0

    def lever(self, inst_id: str, mgn_mode: str, side: str, default: str) -> str:
        """The leverage of one instrument, margin mode and side (``default`` if never set)."""
        return self.levers.get((inst_id, mgn_mode, side), default)

    def live_orders(self) -> Iterator[Order]:
        """The orders still on the book, oldest first."""
        return (order for order in self.orders.values() if order.live)

    def find(self, inst_id: str, ord_id: str, cl_ord_id: str) -> Order | None:
        """The order of ``inst_id`` with ``ord_id`` (or else, the live one with
        ``cl_ord_id``, or the newest with it), or ``None``."""
        if ord_id:
            order = self.orders.get(ord_id)
            return order if order is not None and order.instrument.inst_id == inst_id else None
        named = [
            order
            for order in self.orders.values()
            if order.cl_ord_id == cl_ord_id and order.instrument.inst_id == inst_id
        ]
        live = [order for order in named if order.live]
        candidates = live or named
        return candidates[-1] if candidates else None

    def credit(self, ccy: str, amount: Decimal) -> None:
        """Add ``amount`` (negative: take it) to the cash balance of ``ccy``."""
        self.cash[ccy] = self.cash.get(ccy, _ZERO) + amount


def order_hold(order: Order, lever: Decimal, px: Decimal) -> tuple[str, Decimal]:
    """(currency, amount) a live ``order`` holds; ``px`` prices a market order."""
    instrument = order.instrument
    price = order.px if order.px is not None else px
    if not instrument.derivative:
        if order.side == "sell":
            return instrument.base_ccy, order.sz
        return instrument.quote_ccy, order.sz * price
    if order.closing:
        return instrument.settle_ccy, _ZERO
    return instrument.settle_ccy, instrument.notional(order.sz, price) / lever


def position_margin(position: Position, lever: Decimal) -> Decimal:
    """The margin ``position`` holds at ``lever``: its value at the average price / lever."""
    return position.instrument.notional(abs(position.qty), position.avg_px) / lever


@dataclass
class _Holdings:
    """What one currency of an account holds, summed over its orders and positions."""

    ord_frozen: Decimal = _ZERO
    cross_margin: Decimal = _ZERO
    iso_margin: Decimal = _ZERO
    cross_upl: Decimal = _ZERO
    iso_upl: Decimal = _ZERO
    notional_usd: Decimal = _ZERO

    @property
    def frozen(self) -> Decimal:
        return self.ord_frozen + self.cross_margin + self.iso_margin

    @property
    def upl(self) -> Decimal:
        return self.cross_upl + self.iso_upl


def holdings(account: Account, market: Market, default_lever: str) -> dict[str, _Holdings]:
    """What each currency holds in orders and positions, and their unrealised profit."""
    held: dict[str, _Holdings] = {}
    for order in account.live_orders():
        lever = Decimal(order.lever or default_lever)
        ccy, amount = order_hold(order, lever, market.price(order.instrument))
        held.setdefault(ccy, _Holdings()).ord_frozen += amount
    for position in account.positions.values():
        lever = Decimal(position_lever(account, position, default_lever))
        px = market.price(position.instrument)
        into = held.setdefault(position.instrument.settle_ccy, _Holdings())
        margin, upl = position_margin(position, lever), position.upl(px)
        if position.mgn_mode == "isolated":
            into.iso_margin += margin
            into.iso_upl += upl
        else:
            into.cross_margin += margin
            into.cross_upl += upl
        into.notional_usd += _notional_usd(position, px, market)
    return held


def available(account: Account, market: Market, ccy: str, default_lever: str) -> Decimal:
    """The cash of ``ccy`` not held by orders or positions."""
    held = holdings(account, market, default_lever).get(ccy, _Holdings())
    return account.cash.get(ccy, _ZERO) - held.frozen


def position_lever(account: Account, position: Position, default: str) -> str:
    """The leverage a position is held at: its instrument's current leverage."""
    return account.lever(position.instrument.inst_id, position.mgn_mode, position.pos_side, default)


def _notional_usd(position: Position, px: Decimal, market: Market) -> Decimal:
    value = position.instrument.notional(abs(position.qty), px)
    return value * market.usd(position.instrument.settle_ccy)


# -- rows, with OKX's field names ---------------------------------------------------------------


def _num(value: Decimal | None) -> str:
    return "" if value is None else fmt(value)


def order_row(order: Order) -> dict[str, object]:
    """``order`` as ``/trade/order`` describes it."""
    instrument = order.instrument
    return {
        "instType": order.inst_type,
        "instId": instrument.inst_id,
        "tgtCcy": order.tgt_ccy,
        "ordId": order.ord_id,
        "clOrdId": order.cl_ord_id,
        "tag": order.tag,
        "px": _num(order.px),
        "sz": fmt(order.sz),
        "pnl": fmt(order.pnl),
        "ordType": order.ord_type,
        "side": order.side,
        "posSide": order.pos_side or "net",
        "tdMode": order.td_mode,
        "accFillSz": fmt(order.acc_fill_sz),
        "fillPx": _num(order.avg_px),
        "tradeId": order.trade_id,
        "fillSz": fmt(order.acc_fill_sz),
        "fillTime": "" if order.fill_time is None else str(order.fill_time),
        "avgPx": _num(order.avg_px),
        "state": order.state,
        "lever": order.lever,
        "feeCcy": order.fee_ccy,
        "fee": fmt(order.fee),
        "rebateCcy": instrument.settle_ccy,
        "rebate": "0",
        "category": "normal",
        "reduceOnly": "true" if order.reduce_only else "false",
        "isTpLimit": "false",
        "uTime": str(order.u_time),
        "cTime": str(order.c_time),
    }


def fill_row(fill: Fill) -> dict[str, object]:
    """``fill`` as ``/trade/fills`` describes it."""
    order = fill.order
    return {
        "instType": order.inst_type,
        "instId": order.instrument.inst_id,
        "tradeId": fill.trade_id,
        "ordId": order.ord_id,
        "clOrdId": order.cl_ord_id,
        "billId": fill.bill_id,
        "subType": "1" if order.side == "buy" else "2",
        "tag": order.tag,
        "fillPx": fmt(fill.px),
        "fillSz": fmt(fill.sz),
        "fillPnl": fmt(fill.pnl),
        "side": order.side,
        "posSide": order.pos_side or "net",
        "execType": fill.exec_type,
        "feeCcy": order.fee_ccy,
        "fee": fmt(fill.fee),
        "feeRate": fmt(-fill.fee_rate),
        "fillTime": str(fill.ts),
        "ts": str(fill.ts),
    }


def position_row(
    account: Account, position: Position, market: Market, default_lever: str
) -> dict[str, object]:
    """``position`` as ``/account/positions`` describes it."""
    instrument = position.instrument
    px = market.price(instrument)
    lever = position_lever(account, position, default_lever)
    margin = position_margin(position, Decimal(lever))
    upl = position.upl(px)
    isolated = position.mgn_mode == "isolated"
    qty = position.qty if position.pos_side == "net" else abs(position.qty)
    return {
        "instType": instrument.inst_type,
        "mgnMode": position.mgn_mode,
        "posId": position.pos_id,
        "posSide": position.pos_side,
        "pos": fmt(qty),
        "posCcy": "",
        "availPos": fmt(abs(qty)),
        "avgPx": fmt(position.avg_px),
        "markPx": fmt(px),
        "upl": fmt(upl),
        "uplRatio": fmt(_ratio(upl, margin)),
        "uplLastPx": fmt(upl),
        "uplRatioLastPx": fmt(_ratio(upl, margin)),
        "instId": instrument.inst_id,
        "lever": lever,
        "imr": "" if isolated else fmt(margin),
        "margin": fmt(margin) if isolated else "",
        "mmr": fmt(margin / 2),
        "notionalUsd": fmt(_notional_usd(position, px, market)),
        "ccy": instrument.settle_ccy,
        "last": fmt(px),
        "idxPx": fmt(px),
        "usdPx": fmt(market.usd(instrument.base_ccy)),
        "realizedPnl": fmt(position.realized_pnl + position.fee),
        "pnl": fmt(position.realized_pnl),
        "fee": fmt(position.fee),
        "fundingFee": "0",
        "interest": "0",
        "tradeId": position.trade_id,
        "cTime": str(position.c_time),
        "uTime": str(position.u_time),
    }


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole if whole else _ZERO


def balance_row(
    account: Account, market: Market, default_lever: str, ccys: Iterable[str], now: int
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The balance ``/account/balance`` answers: the totals (in USD), and the ``details`` of
    each currency of ``ccys``, with OKX's field names."""
    held = holdings(account, market, default_lever)
    details = [_detail(account, ccy, held.get(ccy, _Holdings()), market, now) for ccy in ccys]

    def usd(amount: Callable[[str, _Holdings], Decimal]) -> Decimal:
        every = set(account.cash) | set(held)
        return sum((amount(c, held.get(c, _Holdings())) * market.usd(c) for c in every), _ZERO)

    total = usd(lambda ccy, h: account.cash.get(ccy, _ZERO) + h.upl)
    imr = usd(lambda _, h: h.cross_margin + h.iso_margin)
    totals: dict[str, object] = {
        "uTime": str(now),
        "totalEq": fmt(total),
        "isoEq": fmt(usd(lambda _, h: h.iso_margin + h.iso_upl)),
        "adjEq": fmt(total),
        "ordFroz": fmt(usd(lambda _, h: h.ord_frozen)),
        "imr": fmt(imr),
        "mmr": fmt(imr / 2),
        "borrowFroz": "0",
        "notionalUsd": fmt(sum((h.notional_usd for h in held.values()), _ZERO)),
        "upl": fmt(usd(lambda _, h: h.upl)),
    }
    return totals, details


def _detail(
    account: Account, ccy: str, held: _Holdings, market: Market, now: int
) -> dict[str, object]:
    cash = account.cash.get(ccy, _ZERO)
    eq = cash + held.upl
    eq_usd = eq * market.usd(ccy)
    return {
        "ccy": ccy,
        "eq": fmt(eq),
        "cashBal": fmt(cash),
        "uTime": str(account.u_time or now),
        "isoEq": fmt(held.iso_margin + held.iso_upl),
        "availEq": fmt(eq - held.frozen),
        "disEq": fmt(eq_usd),
        "fixedBal": "0",
        "availBal": fmt(cash - held.frozen),
        "frozenBal": fmt(held.frozen),
        "ordFrozen": fmt(held.ord_frozen),
        "liab": "0",
        "upl": fmt(held.upl),
        "uplLiab": "0",
        "crossLiab": "0",
        "isoLiab": "0",
        "isoUpl": fmt(held.iso_upl),
        "interest": "0",
        "twap": "0",
        "eqUsd": fmt(eq_usd),
        "stgyEq": "0",
        "imr": fmt(held.cross_margin),
        "mmr": fmt(held.cross_margin / 2),
        "rewardBal": "0",
        "spotIsoBal": "0",
        "smtSyncEq": "0",
        "spotCopyTradingEq": "0",
    }
