"""How the fake exchange trades: orders placed, amended, canceled and filled; positions closed.

Simplified on purpose (see also ``okx_v5.testing.accounts`` and ``okx_v5.testing.market``):

- Liquidity is endless at the instrument's price. A ``market`` (or ``optimal_limit_ioc``)
  order fills at once, in full, at the price. A limit order that is marketable (a buy at or
  above the price, a sell at or below it) fills at once at the price; ``post_only`` is then
  canceled instead, and ``fok`` / ``ioc`` that are not marketable are canceled. Any other
  limit order rests until the price reaches it (``FakeOKX.set_price``) and then fills at its
  own price, as a maker.
- Fees are OKX's regular-user rates (``FEES``): charged in the currency received for SPOT, in the
  settlement currency for derivatives.
- Orders on a SPOT pair with ``tdMode`` ``cross`` or ``isolated`` (MARGIN) trade as cash: no
  borrowing. OPTIONs are listed and priced but not traded: their orders answer ``50038``.
- ``mmp`` and ``elp`` order types are not simulated (``51000``); attached TP/SL orders are
  ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, InvalidOperation, localcontext
from typing import Any

from okx_v5.testing.accounts import Account, Fill, Ids, Order, Position, available, pnl
from okx_v5.testing.calls import error_message
from okx_v5.testing.market import Instrument, Market

__all__ = ["CLIENT_ID", "FEES", "MARKET_TYPES", "Changes", "Desk", "Rejected", "client_id"]

FEES: Mapping[bool, tuple[Decimal, Decimal]] = {
    False: (Decimal("0.0008"), Decimal("0.001")),
    True: (Decimal("0.0002"), Decimal("0.0005")),
}
"""(maker, taker) fee rates: ``False`` for SPOT, ``True`` for derivatives."""

MARKET_TYPES = ("market", "optimal_limit_ioc")
"""Order types that take the price, whatever their ``px``."""
_LIMIT_TYPES = ("limit", "post_only", "fok", "ioc")
_ZERO = Decimal(0)
CLIENT_ID = re.compile(r"[A-Za-z0-9]{1,32}")
"""A client-supplied order ID as OKX documents it (``clOrdId``, ``algoClOrdId``)."""
# The fake's bounds on a size or price (OKX documents none; it refuses absurd ones with 51000):
# below 10**18, with at most 18 decimals, so that the arithmetic below stays exact.
_MAX_NUMBER = Decimal(10) ** 18
_MAX_DECIMALS = 18
# Digits for the arithmetic on such numbers (a quote size over a tiny price, to the lot size):
# Decimal's default 28 would make quantize raise InvalidOperation.
_PRECISION = 80


class Rejected(Exception):
    """What OKX refuses of one order: ``code`` (``sCode``) and its message (``sMsg``)."""

    def __init__(self, code: str, *args: str) -> None:
        self.code = code.partition("_")[0]
        self.about = args
        """What the message is filled with (the parameter's name for 51000)."""
        self.msg = error_message(code, *args)
        super().__init__(self.code, self.msg)


def _number(params: Mapping[str, Any], name: str) -> Decimal | None:
    """The positive number ``name``, ``None`` if not given; 51000 if it is not one."""
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Rejected("51000", name) from None
    if not number.is_finite() or not 0 < number < _MAX_NUMBER or _decimals(number) > _MAX_DECIMALS:
        raise Rejected("51000", name)
    return number


def _decimals(number: Decimal) -> int:
    """How many decimal places ``number`` is written with, trailing zeros aside."""
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def client_id(params: Mapping[str, Any], name: str) -> str:
    """The client-supplied ID ``name`` (``clOrdId``, ``algoClOrdId``), ``""`` if not given;
    51000 unless it is as OKX documents it: "a combination of case-sensitive alphanumerics,
    all numbers, or all letters of up to 32 characters"."""
    value = params.get(name)
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not CLIENT_ID.fullmatch(value):
        raise Rejected("51000", name)
    return value


def _flag(params: Mapping[str, Any], name: str) -> bool:
    return str(params.get(name, "")).lower() == "true"


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return "" if value is None else str(value)


def marketable(side: str, limit: Decimal, px: Decimal) -> bool:
    """Whether a limit order to ``side`` at ``limit`` would trade at once at price ``px``."""
    return limit >= px if side == "buy" else limit <= px


@dataclass
class Changes:
    """What a desk changed in its account: what the private WebSocket channels push."""

    orders: dict[str, Order] = field(default_factory=dict)
    """The orders placed, amended, filled or canceled, by ``ordId``, in order of change."""
    fills: list[Fill] = field(default_factory=list)
    positions: dict[tuple[str, str, str], Position] = field(default_factory=dict)
    """The positions traded (closed ones with ``qty`` 0), by (instId, margin mode, side)."""
    ccys: set[str] = field(default_factory=set)
    """The currencies whose balance, or what orders and positions hold of it, changed."""

    def __bool__(self) -> bool:
        return bool(self.orders or self.ccys)

    def order(self, order: Order) -> None:
        """Note a change of ``order`` (and of the currencies it holds or trades)."""
        self.orders[order.ord_id] = order
        instrument = order.instrument
        if instrument.derivative:
            self.ccys.add(instrument.settle_ccy)
        else:
            self.ccys.update((instrument.base_ccy, instrument.quote_ccy))


@dataclass
class Desk:
    """One account's trading at one moment (``now``, epoch milliseconds); what it changes is
    noted in ``changes``."""

    account: Account
    market: Market
    ids: Ids
    now: int
    default_lever: str
    changes: Changes = field(default_factory=Changes)

    # -- placing -------------------------------------------------------------------------------

    def instrument(self, params: Mapping[str, Any]) -> Instrument:
        """The instrument ``instId`` names; 51001 if none is listed."""
        instrument = self.market.instrument(_text(params, "instId"))
        if instrument is None:
            raise Rejected("51001")
        return instrument

    def place(self, params: Mapping[str, Any]) -> Order:
        """Place the order ``params`` describes (``/trade/order``'s fields) and trade it."""
        order = self._order(params)
        self._check_size(order, self.market.price(order.instrument))
        self._check_client_id(order)
        self._check_reduce(order)
        self._check_funds(order)
        order.ord_id = self.ids.next()
        self.account.orders[order.ord_id] = order
        self.changes.order(order)
        self._execute(order)
        return order

    def _order(self, params: Mapping[str, Any]) -> Order:
        """The order ``params`` ask for, not yet placed (its ``ord_id`` is given on placing)."""
        instrument = self.instrument(params)
        if instrument.inst_type == "OPTION":
            raise Rejected("50038")
        td_mode = _text(params, "tdMode")
        pos_side = self._pos_side(instrument, td_mode, params)
        ord_type, side = _text(params, "ordType"), _text(params, "side")
        if ord_type not in (*MARKET_TYPES, *_LIMIT_TYPES):
            raise Rejected("51000", "ordType")
        px = None if ord_type in MARKET_TYPES else _number(params, "px")
        if px is None and ord_type not in MARKET_TYPES:
            raise Rejected("51204")
        lever = ""
        if instrument.derivative:
            lever = self.account.lever(instrument.inst_id, td_mode, pos_side, self.default_lever)
        return Order(
            "",
            instrument,
            td_mode,
            side,
            ord_type,
            _number(params, "sz") or _ZERO,
            px,
            pos_side,
            self.now,
            cl_ord_id=client_id(params, "clOrdId"),
            tag=_text(params, "tag"),
            tgt_ccy=_tgt_ccy(instrument, ord_type, side, _text(params, "tgtCcy")),
            reduce_only=_flag(params, "reduceOnly"),
            lever=lever,
            u_time=self.now,
        )

    def _pos_side(self, instrument: Instrument, td_mode: str, params: Mapping[str, Any]) -> str:
        given = _text(params, "posSide")
        if not instrument.derivative:
            if td_mode in ("cross", "isolated") and not instrument.max_lever:
                raise Rejected("51000", "tdMode")
            return ""
        if td_mode not in ("cross", "isolated"):
            raise Rejected("51000", "tdMode")
        if self.account.pos_mode == "long_short":
            if given not in ("long", "short"):
                raise Rejected("51000", "posSide")
            return given
        if given not in ("", "net"):
            raise Rejected("51000", "posSide")
        return "net"

    def base_qty(self, order: Order, px: Decimal) -> Decimal:
        """The size in contracts, or in the base currency for SPOT (a quote amount is
        converted at ``px``, rounded down to the lot size)."""
        instrument = order.instrument
        if instrument.derivative or order.tgt_ccy != "quote_ccy":
            return order.sz
        with localcontext() as context:
            context.prec = _PRECISION
            return (order.sz / px).quantize(instrument.lot_sz, ROUND_DOWN)

    def _check_size(self, order: Order, px: Decimal) -> None:
        instrument = order.instrument
        qty = self.base_qty(order, px)
        if order.tgt_ccy != "quote_ccy" and qty % instrument.lot_sz:
            raise Rejected("51121")
        if qty < instrument.min_sz:
            raise Rejected("51020")

    def _check_client_id(self, order: Order) -> None:
        if order.cl_ord_id and any(
            live.cl_ord_id == order.cl_ord_id for live in self.account.live_orders()
        ):
            raise Rejected("51016")

    def _check_reduce(self, order: Order) -> None:
        """A closing or reduce-only order needs a position, on the other side, large enough."""
        if not order.instrument.derivative or not (order.closing or order.reduce_only):
            return
        position = self.account.positions.get(_key(order))
        if position is None:
            raise Rejected("51169")
        if (order.signed_sz > 0) == (position.qty > 0):
            raise Rejected("51170")
        if order.sz > abs(position.qty) - self._closing_sz(order):
            raise Rejected("51112")

    def _closing_sz(self, order: Order) -> Decimal:
        """The contracts other live orders already close of ``order``'s position."""
        return sum(
            (
                other.sz
                for other in self.account.live_orders()
                if other is not order
                and _key(other) == _key(order)
                and (other.closing or other.reduce_only)
            ),
            _ZERO,
        )

    def _check_funds(self, order: Order) -> None:
        ccy, need = self._need(order, self.market.price(order.instrument))
        if need > available(self.account, self.market, ccy, self.default_lever):
            raise Rejected("51008_1001" if order.instrument.derivative else "51008", ccy)

    def _need(self, order: Order, px: Decimal) -> tuple[str, Decimal]:
        """(currency, amount) the order needs: what it pays or holds, with a derivative's fee."""
        instrument, price = order.instrument, order.px or px
        if not instrument.derivative:
            qty = self.base_qty(order, px)
            if order.side == "sell":
                return instrument.base_ccy, qty
            return instrument.quote_ccy, qty * price
        value = instrument.notional(self._opening_sz(order), price)
        return instrument.settle_ccy, value / Decimal(order.lever) + value * FEES[True][1]

    def _opening_sz(self, order: Order) -> Decimal:
        """The contracts of ``order`` that open (or add to) a position."""
        if order.closing or order.reduce_only:
            return _ZERO
        position = self.account.positions.get(_key(order))
        if position is None or (order.signed_sz > 0) == (position.qty > 0):
            return order.sz
        return max(order.sz - abs(position.qty), _ZERO)

    # -- trading -------------------------------------------------------------------------------

    def _execute(self, order: Order) -> None:
        """Trade a new or amended order as far as the price allows (see the module)."""
        px = self.market.price(order.instrument)
        if order.ord_type in MARKET_TYPES or order.px is None:
            self._fill(order, px, "T")
        elif marketable(order.side, order.px, px):
            if order.ord_type == "post_only":
                self._finish(order, "canceled")
            else:
                self._fill(order, px, "T")
        elif order.ord_type in ("fok", "ioc"):
            self._finish(order, "canceled")

    def _finish(self, order: Order, state: str) -> None:
        order.state = state
        order.u_time = self.account.u_time = self.now
        self.changes.order(order)

    def _fill(self, order: Order, px: Decimal, exec_type: str) -> None:
        instrument = order.instrument
        qty = self.base_qty(order, px)
        maker, taker = FEES[instrument.derivative]
        rate = maker if exec_type == "M" else taker
        order.trade_id = self.ids.next()
        if instrument.derivative:
            fee, realized = self._fill_contracts(order, qty, px, rate)
        else:
            fee, realized = self._fill_spot(order, qty, px, rate), _ZERO
        order.acc_fill_sz, order.avg_px, order.fill_time = qty, px, self.now
        order.fee += fee
        order.pnl += realized
        bill_id, now = self.ids.next(), self.now
        fill = Fill(order, order.trade_id, bill_id, px, qty, fee, rate, realized, exec_type, now)
        self.account.fills.append(fill)
        self.changes.fills.append(fill)
        self._finish(order, "filled")

    def _fill_spot(self, order: Order, qty: Decimal, px: Decimal, rate: Decimal) -> Decimal:
        instrument, account = order.instrument, self.account
        base, quote = instrument.base_ccy, instrument.quote_ccy
        if order.side == "buy":
            fee = -qty * rate
            account.credit(quote, -qty * px)
            account.credit(base, qty + fee)
            order.fee_ccy = base
        else:
            fee = -qty * px * rate
            account.credit(base, -qty)
            account.credit(quote, qty * px + fee)
            order.fee_ccy = quote
        return fee

    def _fill_contracts(
        self, order: Order, qty: Decimal, px: Decimal, rate: Decimal
    ) -> tuple[Decimal, Decimal]:
        instrument, key = order.instrument, _key(order)
        position = self.account.positions.get(key) or Position(
            self.ids.next(), instrument, order.td_mode, order.pos_side, self.now
        )
        realized = _trade(position, qty if order.side == "buy" else -qty, px)
        fee = -instrument.notional(qty, px) * rate
        self.account.credit(instrument.settle_ccy, realized + fee)
        position.realized_pnl += realized
        position.fee += fee
        position.trade_id = order.trade_id
        position.u_time = self.now
        self.changes.positions[key] = position
        if position.qty:
            self.account.positions[key] = position
        else:
            self.account.positions.pop(key, None)
        order.fee_ccy = instrument.settle_ccy
        return fee, realized

    def match(self, moved: Iterable[Instrument]) -> None:
        """Fill the resting orders the new prices of ``moved`` reach, at their own price."""
        moved_ids = {instrument.inst_id for instrument in moved}
        for order in list(self.account.live_orders()):
            instrument = order.instrument
            if instrument.inst_id not in moved_ids or order.px is None:
                continue
            if not marketable(order.side, order.px, self.market.price(instrument)):
                continue
            try:
                self._check_reduce_at_fill(order)
            except Rejected:
                self._finish(order, "canceled")
                continue
            self._fill(order, order.px, "M")

    def _check_reduce_at_fill(self, order: Order) -> None:
        """A resting closing order whose position has gone (or shrunk) is canceled."""
        if not order.instrument.derivative or not (order.closing or order.reduce_only):
            return
        position = self.account.positions.get(_key(order))
        if position is None or (order.signed_sz > 0) == (position.qty > 0):
            raise Rejected("51169")
        if order.sz > abs(position.qty):
            raise Rejected("51112")

    # -- changing and closing ------------------------------------------------------------------

    def find_live(self, params: Mapping[str, Any], code: str) -> Order:
        """The live order ``params`` name (``instId`` and ``ordId`` or ``clOrdId``); else
        ``code``."""
        order = self.account.find(
            _text(params, "instId"), _text(params, "ordId"), _text(params, "clOrdId")
        )
        if order is None or not order.live:
            raise Rejected(code)
        return order

    def cancel(self, params: Mapping[str, Any]) -> Order:
        """Cancel a live order; 51400 when it is not (filled, canceled or unknown)."""
        order = self.find_live(params, "51400")
        self._finish(order, "canceled")
        return order

    def amend(self, params: Mapping[str, Any]) -> Order:
        """Change a live order's size or price, then trade it as far as the price allows."""
        order = self.find_live(params, "51503")
        new_sz, new_px = _number(params, "newSz"), _number(params, "newPx")
        if new_sz is None and new_px is None:
            raise Rejected("51500")
        before = (order.sz, order.px)
        order.sz, order.px = new_sz or order.sz, new_px or order.px
        try:
            self._check_size(order, self.market.price(order.instrument))
            self._check_reduce(order)
            self._check_amended_funds(order)
        except Rejected:
            order.sz, order.px = before
            if _flag(params, "cxlOnFail"):
                self._finish(order, "canceled")
            raise
        order.u_time = self.now
        self.changes.order(order)
        self._execute(order)
        return order

    def _check_amended_funds(self, order: Order) -> None:
        ccy = self._need(order, self.market.price(order.instrument))[0]
        if available(self.account, self.market, ccy, self.default_lever) < 0:
            raise Rejected("51502")

    def mass_cancel(self, inst_type: str, family: str) -> list[Order]:
        """Cancel every live order of ``inst_type`` in instrument family ``family``."""
        canceled = [
            order
            for order in self.account.live_orders()
            if order.inst_type == inst_type and order.instrument.family == family
        ]
        for order in canceled:
            self._finish(order, "canceled")
        return canceled

    def cancel_tagged(self, tag: str) -> list[Order]:
        """Cancel every live order (those placed with ``tag`` only, when it is not ``""``): what
        cancel-all-after does when its countdown ends."""
        canceled = [order for order in self.account.live_orders() if not tag or order.tag == tag]
        for order in canceled:
            self._finish(order, "canceled")
        return canceled

    def close(self, params: Mapping[str, Any], pos_side: str) -> Order:
        """Close the whole position of ``instId``, ``mgnMode`` and ``pos_side`` at the price.

        Pending orders that close it are canceled (with ``autoCxl``, every pending order of
        the instrument). 51023 when there is no such position.
        """
        instrument = self.instrument(params)
        cl_ord_id = client_id(params, "clOrdId")
        key = (instrument.inst_id, _text(params, "mgnMode"), pos_side)
        position = self.account.positions.get(key)
        if position is None:
            raise Rejected("51023")
        every = _flag(params, "autoCxl")
        for order in list(self.account.live_orders()):
            closes = _key(order) == key and (order.closing or order.reduce_only)
            if closes or (every and order.instrument == instrument):
                self._finish(order, "canceled")
        order = Order(
            self.ids.next(),
            instrument,
            key[1],
            "sell" if position.qty > 0 else "buy",
            "market",
            abs(position.qty),
            None,
            pos_side,
            self.now,
            cl_ord_id=cl_ord_id,
            tag=_text(params, "tag"),
            reduce_only=True,
            lever=self.account.lever(instrument.inst_id, key[1], pos_side, self.default_lever),
            u_time=self.now,
        )
        self.account.orders[order.ord_id] = order
        self.changes.order(order)
        self._fill(order, self.market.price(instrument), "T")
        return order


def _key(order: Order) -> tuple[str, str, str]:
    """Where ``order``'s position is filed: (instId, margin mode, position side)."""
    return order.instrument.inst_id, order.td_mode, order.pos_side


def _tgt_ccy(instrument: Instrument, ord_type: str, side: str, given: str) -> str:
    """A SPOT market buy is sized in the quote currency unless ``tgtCcy`` says otherwise."""
    if instrument.derivative or ord_type not in MARKET_TYPES:
        return ""
    if given:
        return given
    return "quote_ccy" if side == "buy" else ""


def _trade(position: Position, signed: Decimal, px: Decimal) -> Decimal:
    """Add ``signed`` contracts at ``px`` to ``position``; return the profit realised."""
    held = position.qty
    if not held or (held > 0) == (signed > 0):
        total = abs(held) + abs(signed)
        position.avg_px = (position.avg_px * abs(held) + px * abs(signed)) / total
        position.qty = held + signed
        return _ZERO
    closed = min(abs(signed), abs(held)) * (1 if held > 0 else -1)
    realized = pnl(position.instrument, closed, position.avg_px, px)
    position.qty = held + signed
    if position.qty and (position.qty > 0) != (held > 0):
        position.avg_px = px
    return realized
