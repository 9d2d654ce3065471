"""The fake exchange's trading state, and the signed endpoints that read and change it.

A ``Venue`` holds the ``Market`` and one ``Account`` per API key, behind one lock (the server is
threaded). ``Venue.handlers`` gives the behaviour of the endpoints bots use: balance, positions,
leverage, position mode, orders and fills, closing positions, cancel-all-after (a countdown
that cancels the account's live orders when it ends, seen at the account's next request) and
mass-cancel, and (through ``Quotes``) the public market data. Answers have the fields of OKX's
documented examples, with OKX's string values; what is simplified is said in
``okx_v5.testing.market``, ``okx_v5.testing.accounts`` and ``okx_v5.testing.trading``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from okx_v5.endpoint import Endpoint
from okx_v5.endpoints import account as acc
from okx_v5.endpoints import trade
from okx_v5.testing.accounts import (
    Account,
    Ids,
    Order,
    balance_row,
    fill_row,
    holdings,
    order_row,
    position_row,
)
from okx_v5.testing.calls import (
    CCY,
    INST_ID,
    Call,
    Handler,
    ParamError,
    Reply,
    check,
    choice,
    error_message,
    error_reply,
    ids,
    ok,
)
from okx_v5.testing.examples import blank, example, shaped, template
from okx_v5.testing.fixtures import TD_MODES, TierKey, fmt
from okx_v5.testing.market import Market, build_instruments
from okx_v5.testing.quotes import Quotes, listed, whole_number
from okx_v5.testing.trading import Changes, Desk, Rejected, client_id

__all__ = ["POS_MODES", "AccountEvent", "Operation", "Venue", "Watcher", "balance_data"]

POS_MODES = {
    "long_short": "long_short",
    "long_short_mode": "long_short",
    "net": "net",
    "net_mode": "net",
}
"""Accepted spellings of the position mode (ours and OKX's ``posMode``) → the stored one."""

_MAX_LEVERAGE_IDS = 20
_MAX_BATCH = 20
# cancel-all-after's countdown, in seconds: 0 (off) or 10 to 120, as OKX documents timeOut.
_CAA_MIN, _CAA_MAX = 10, 120
# OKX mass-cancels OPTION orders only; the fake trades no options, so it mass-cancels the
# orders of any derivative family (as its WebSocket mass-cancel does).
_MASS_CANCEL_TYPES = ("SWAP", "FUTURES", "OPTION")
_MAX_PAGE = 100
_FINISHED = ("filled", "canceled")

Operation = Callable[[Desk, Mapping[str, Any]], Order]
"""One order operation of a ``Desk`` (place, cancel, amend)."""


@dataclass(frozen=True)
class AccountEvent:
    """A change of one account, told to the venue's watchers while its lock is held."""

    key: str
    """The API key of the account."""
    account: Account
    changes: Changes
    reason: str
    """``"trade"`` (orders placed, changed or filled) or ``"balance"`` (set by a test)."""


Watcher = Callable[[AccountEvent], None]
"""What the venue calls with each ``AccountEvent`` (the WebSocket gateway)."""


def balance_data(
    account: Account, market: Market, default_lever: str, ccys: Iterable[str] | None, now: int
) -> dict[str, Any]:
    """The account's balance as ``/account/balance`` answers it: its currencies ``ccys``, or
    (``None``) those it holds or has orders and positions in."""
    held = holdings(account, market, default_lever)
    if ccys is None:
        ccys = sorted(ccy for ccy in {*account.cash, *held} if account.cash.get(ccy) or ccy in held)
    totals, details = balance_row(account, market, default_lever, ccys, now)
    method, path = acc.GET_ACCOUNT_BALANCE.method, acc.GET_ACCOUNT_BALANCE.path
    detail = blank(example(method, path)[0]["details"][0])
    totals["details"] = [shaped(detail, item) for item in details]
    return shaped(template(method, path), totals)


def _inst_type(inst_id: str) -> str:
    """Guess an instrument's type from the shape of its ID, as OKX names them."""
    parts = inst_id.split("-")
    if parts[-1] == "SWAP":
        return "SWAP"
    if len(parts) == 3 and parts[-1].isdigit():
        return "FUTURES"
    if len(parts) == 5:
        return "OPTION"
    return "MARGIN"


def _page(rows: Sequence[tuple[str, Any]], params: Mapping[str, Any]) -> list[Any]:
    """Rows (ID, row), newest first: older than ID ``after``, newer than ID ``before``, at
    most ``limit`` (100 by default and at most): OKX's pagination."""
    after = whole_number(params, "after", None)
    before = whole_number(params, "before", None)
    limit = whole_number(params, "limit", _MAX_PAGE)
    if not limit:
        raise ParamError("51000", "limit")
    kept = [
        row
        for number, row in rows
        if (after is None or int(number) < after) and (before is None or int(number) > before)
    ]
    return kept[: min(limit, _MAX_PAGE)]


def _between(params: Mapping[str, Any], ts: int) -> bool:
    """Whether ``ts`` is within ``begin`` and ``end`` (epoch milliseconds), if given."""
    begin = whole_number(params, "begin", None)
    end = whole_number(params, "end", None)
    return (begin is None or ts >= begin) and (end is None or ts <= end)


def _order_filter(params: Mapping[str, Any]) -> Callable[[Order], bool]:
    """Whether an order matches the filters of an order list: instType, instId, family,
    ordType and state."""
    wanted = {
        "instType": params.get("instType"),
        "instId": params.get("instId"),
        "instFamily": params.get("instFamily") or params.get("uly"),
        "ordType": params.get("ordType"),
        "state": params.get("state"),
    }

    def matches(order: Order) -> bool:
        actual = {
            "instType": order.inst_type,
            "instId": order.instrument.inst_id,
            "instFamily": order.instrument.family,
            "ordType": order.ord_type,
            "state": order.state,
        }
        return all(not value or actual[name] == value for name, value in wanted.items())

    return matches


def _answers(rows: Sequence[Mapping[str, Any]]) -> Reply:
    """The answer to order operations: code 0, 1 (all failed) or 2 (some failed)."""
    failed = sum(row["sCode"] != "0" for row in rows)
    if not failed:
        return ok(rows)
    code = "1" if failed == len(rows) else "2"
    return ok(rows, code, error_message(code))


def _outcome(desk: Desk, item: Mapping[str, Any], operation: Operation) -> dict[str, object]:
    """One item of an order operation's answer: ``sCode`` 0, or what OKX refused."""
    row: dict[str, object] = {
        "clOrdId": str(item.get("clOrdId") or ""),
        "ordId": str(item.get("ordId") or ""),
        "tag": str(item.get("tag") or ""),
        "reqId": str(item.get("reqId") or ""),
        "ts": str(desk.now),
    }
    try:
        order = operation(desk, item)
    except Rejected as refused:
        return {**row, "sCode": refused.code, "sMsg": refused.msg}
    return {**row, "ordId": order.ord_id, "clOrdId": order.cl_ord_id, "sCode": "0", "sMsg": ""}


class Venue:
    """Trading state of the fake exchange: a market, and an account per API key. Thread-safe.

    ``now`` is the exchange's clock (epoch seconds); ``default_lever`` the leverage of an
    instrument whose leverage was never set; ``tiers`` the position tiers the instruments'
    maximum leverage comes from.
    """

    def __init__(
        self,
        now: Callable[[], float],
        default_lever: str,
        tiers: Mapping[TierKey, Sequence[Mapping[str, str]]],
    ) -> None:
        self._now = now
        self.default_lever = default_lever
        self._lock = threading.RLock()
        self._accounts: dict[str, Account] = {}
        self._countdowns: dict[tuple[str, str], int] = {}
        """cancel-all-after's deadlines (epoch ms) by API key and order tag ("": every order)."""
        self._ids = Ids()
        self._watchers: list[Watcher] = []
        self._market_watchers: list[Callable[[], None]] = []
        self.market = Market(build_instruments(tiers), self._ms())

    def _ms(self) -> int:
        return int(self._now() * 1000)

    @property
    def lock(self) -> threading.RLock:
        """The lock guarding the market and the accounts (and what their watchers keep)."""
        return self._lock

    def now_ms(self) -> int:
        """The exchange's clock in epoch milliseconds."""
        return self._ms()

    def watch(self, watcher: Watcher) -> None:
        """Call ``watcher`` with every change of an account, under ``lock``."""
        with self._lock:
            self._watchers.append(watcher)

    def watch_market(self, watcher: Callable[[], None]) -> None:
        """Call ``watcher`` after the prices change (``set_price``, ``reset``), under ``lock``."""
        with self._lock:
            self._market_watchers.append(watcher)

    def _moved(self) -> None:
        for watcher in self._market_watchers:
            watcher()

    def _publish(self, key: str, changes: Changes, reason: str = "trade") -> None:
        if changes:
            event = AccountEvent(key, self._accounts[key], changes, reason)
            for watcher in self._watchers:
                watcher(event)

    def account(self, key: str) -> Account:
        """``key``'s account; ``ValueError`` for a key without one. Read it under ``lock``."""
        with self._lock:
            return self._account(key)

    # -- state the tests control -------------------------------------------------------------

    def open(self, key: str) -> None:
        """Give API key ``key`` an account, unless it has one."""
        with self._lock:
            self._accounts.setdefault(key, Account())

    def _account(self, key: str) -> Account:
        try:
            return self._accounts[key]
        except KeyError:
            raise ValueError("unknown API key; register it with add_key() first") from None

    def reset(self) -> None:
        """Fresh accounts for every key, the starting prices, IDs from the start."""
        with self._lock:
            for key in self._accounts:
                self._accounts[key] = Account()
            self.market.reset()
            self._ids.reset()
            self._moved()

    def set_position_mode(self, key: str, mode: str) -> None:
        """Set the account's position mode: ``"long_short"`` (default) or ``"net"``."""
        if mode not in POS_MODES:
            raise ValueError(f"mode must be one of {sorted(POS_MODES)}, not {mode!r}")
        with self._lock:
            self._account(key).pos_mode = POS_MODES[mode]

    def set_leverage(
        self, key: str, name: str, mgn_mode: str, sides: Iterable[str], lever: str
    ) -> None:
        """Set the leverage of ``name`` (an instId or ``ccy:<ccy>``) for ``sides``."""
        with self._lock:
            account = self._account(key)
            for side in sides:
                account.levers[(name, mgn_mode, side)] = lever

    def set_balance(self, key: str, ccy: str, amount: Decimal) -> None:
        """Set the cash balance of ``ccy`` in ``key``'s account."""
        with self._lock:
            account = self._account(key)
            account.cash[ccy] = amount
            account.u_time = self._ms()
            self._publish(key, Changes(ccys={ccy}), "balance")

    def balances(self, key: str) -> dict[str, Decimal]:
        """The cash balances of ``key``'s account, by currency."""
        with self._lock:
            return dict(self._account(key).cash)

    def price(self, inst_id: str) -> Decimal:
        """The price of ``inst_id``; ``ValueError`` if it is not listed."""
        with self._lock:
            instrument = self.market.instrument(inst_id)
            if instrument is None:
                raise ValueError(f"unknown instrument {inst_id!r}")
            return self.market.price(instrument)

    def set_price(self, inst_id: str, px: Decimal) -> None:
        """Move ``inst_id``'s price (and that of the derivatives following it), then fill
        the resting orders the new prices reach."""
        with self._lock:
            moved = self.market.set_price(inst_id, px, self._ms())
            self._moved()
            for key, account in self._accounts.items():
                desk = self._desk(account)
                desk.match(moved)
                self._publish(key, desk.changes)

    def _desk(self, account: Account) -> Desk:
        return Desk(account, self.market, self._ids, self._ms(), self.default_lever)

    def trade(
        self, key: str, operation: Operation, items: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, object]]:
        """Do ``operation`` on each of ``items`` in ``key``'s account; return the outcome of
        each (``clOrdId``, ``ordId``, ``tag``, ``reqId``, ``ts``, ``sCode``, ``sMsg``)."""
        with self._lock:
            desk = self._desk(self._accounts[key])
            rows = [_outcome(desk, item, operation) for item in items]
            self._publish(key, desk.changes)
        return rows

    def cancel_all_after(self, key: str, seconds: int, tag: str = "") -> int:
        """Start (or, with ``0``, stop) ``key``'s countdown: when it ends, every live order of
        the account (only those placed with ``tag``, when given) is canceled. Checked at the
        account's next request to a trading endpoint, or ``countdowns``. Returns the deadline
        in epoch milliseconds, ``0`` when stopped."""
        with self._lock:
            if not seconds:
                self._countdowns.pop((key, tag), None)
                return 0
            deadline = self._ms() + seconds * 1000
            self._countdowns[(key, tag)] = deadline
        return deadline

    def countdowns(self) -> int:
        """Cancel the orders of every countdown that has ended; return how many were
        canceled."""
        canceled = 0
        with self._lock:
            now = self._ms()
            for (key, tag), deadline in list(self._countdowns.items()):
                if now >= deadline and key in self._accounts:
                    del self._countdowns[(key, tag)]
                    desk = self._desk(self._accounts[key])
                    canceled += len(desk.cancel_tagged(tag))
                    self._publish(key, desk.changes)
        return canceled

    def mass_cancel(self, key: str, inst_type: str, family: str) -> int:
        """Cancel every live order of ``inst_type`` and ``family`` in ``key``'s account; return
        how many were canceled."""
        with self._lock:
            desk = self._desk(self._accounts[key])
            canceled = desk.mass_cancel(inst_type, family)
            self._publish(key, desk.changes)
        return len(canceled)

    # -- endpoints -----------------------------------------------------------------------------

    def handlers(self) -> dict[tuple[str, str], Handler]:
        """The endpoints with behaviour of their own, by (HTTP method, path)."""
        own: dict[Endpoint[Any], Handler] = {
            acc.GET_ACCOUNT_BALANCE: self._balance,
            acc.GET_POSITIONS: self._positions,
            acc.GET_LEVERAGE: self._leverage_info,
            acc.SET_LEVERAGE: self._set_leverage,
            acc.SET_POSITION_MODE: self._set_position_mode,
            acc.GET_ACCOUNT_CONFIG: self._config,
            trade.PLACE_ORDER: self._orders(trade.PLACE_ORDER, Desk.place),
            trade.PLACE_MULTIPLE_ORDERS: self._orders(trade.PLACE_ORDER, Desk.place, "51111"),
            trade.CANCEL_ORDER: self._orders(trade.CANCEL_ORDER, Desk.cancel),
            trade.CANCEL_MULTIPLE_ORDERS: self._orders(trade.CANCEL_ORDER, Desk.cancel, "51406"),
            trade.AMEND_ORDER: self._orders(trade.AMEND_ORDER, Desk.amend),
            trade.AMEND_MULTIPLE_ORDERS: self._orders(trade.AMEND_ORDER, Desk.amend, "51501"),
            trade.CLOSE_POSITIONS: self._close,
            trade.PLACE_ALGO_ORDER: self._place_algo,
            trade.CANCEL_ALGO_ORDER: self._cancel_algos,
            trade.GET_ORDER: self._order,
            trade.GET_ORDER_LIST: self._pending,
            trade.GET_ORDERS_HISTORY: self._history,
            trade.GET_ORDERS_HISTORY_ARCHIVE: self._history,
            trade.GET_FILLS: self._fills,
            trade.GET_FILLS_HISTORY: self._fills,
            trade.CANCEL_ALL_AFTER: self._cancel_all_after,
            trade.MASS_CANCEL: self._mass_cancel,
            **Quotes(self.market, self._lock).handlers(),
        }
        return {
            (endpoint.method, endpoint.path): self._counted(handler)
            for endpoint, handler in own.items()
        }

    def _counted(self, handler: Handler) -> Handler:
        """``handler``, after the cancel-all-after countdowns that ended have canceled their
        orders: the account is seen as it is at the exchange's clock."""

        def handle(call: Call) -> Reply:
            self.countdowns()
            return handler(call)

        return handle

    def _cancel_all_after(self, call: Call) -> Reply:
        """Start or stop the countdown (``timeOut`` 0, or 10 to 120 seconds), per ``tag``."""
        text = str(call.params["timeOut"])
        seconds = int(text) if text.isdigit() else -1
        if seconds != 0 and not _CAA_MIN <= seconds <= _CAA_MAX:
            raise ParamError("51000", "timeOut")
        tag = str(call.params.get("tag") or "")
        deadline = self.cancel_all_after(call.key, seconds, tag)
        row = {"triggerTime": str(deadline), "tag": tag, "ts": str(self._ms())}
        return ok([shaped(template(call.endpoint.method, call.endpoint.path), row)])

    def _mass_cancel(self, call: Call) -> Reply:
        """Cancel every live order of ``instType`` and ``instFamily`` in the account."""
        params = call.params
        if params["instType"] not in _MASS_CANCEL_TYPES:
            raise ParamError("51000", "instType")
        self.mass_cancel(call.key, str(params["instType"]), str(params["instFamily"]))
        return ok([{"result": True}])

    # -- account -------------------------------------------------------------------------------

    def _balance(self, call: Call) -> Reply:
        wanted = ids(call.params, "ccy", 20, CCY) if call.params.get("ccy") else None
        with self._lock:
            account = self._accounts[call.key]
            data = balance_data(account, self.market, self.default_lever, wanted, self._ms())
        return ok([data])

    def _positions(self, call: Call) -> Reply:
        params = call.params
        inst_ids = ids(params, "instId", 10, INST_ID) if params.get("instId") else []
        pos_ids = str(params["posId"]).split(",") if params.get("posId") else []
        inst_type = params.get("instType")
        fields = template(call.endpoint.method, call.endpoint.path)
        with self._lock:
            account = self._accounts[call.key]
            rows = [
                shaped(fields, position_row(account, position, self.market, self.default_lever))
                for position in account.positions.values()
                if inst_type in (None, position.instrument.inst_type)
                and (not inst_ids or position.instrument.inst_id in inst_ids)
                and (not pos_ids or position.pos_id in pos_ids)
            ]
        return ok(rows)

    def _leverage_info(self, call: Call) -> Reply:
        params, key = call.params, call.key
        mgn_mode = choice(params, "mgnMode", TD_MODES)
        if not params.get("instId") and not params.get("ccy"):
            raise ParamError("50014", "instId")
        inst_ids = ids(params, "instId", _MAX_LEVERAGE_IDS, INST_ID) if "instId" in params else []
        ccys = ids(params, "ccy", _MAX_LEVERAGE_IDS, CCY) if "ccy" in params else []
        if ccys and mgn_mode != "cross":
            # Currency-level leverage exists only for cross MARGIN.
            raise ParamError("51000", "ccy")
        with self._lock:
            account = self._accounts[key]
            rows = [
                self._lever_row(account, inst_id, "", mgn_mode, side)
                for inst_id in inst_ids
                for side in self._sides(account, inst_id)
            ]
            rows += [self._lever_row(account, "", ccy, mgn_mode, "net") for ccy in ccys]
        return ok(rows)

    def _sides(self, account: Account, inst_id: str) -> tuple[str, ...]:
        hedged = account.pos_mode == "long_short" and _inst_type(inst_id) in ("SWAP", "FUTURES")
        return ("long", "short") if hedged else ("net",)

    def _lever_row(
        self, account: Account, inst_id: str, ccy: str, mgn_mode: str, side: str
    ) -> dict[str, str]:
        lever = account.lever(inst_id or f"ccy:{ccy}", mgn_mode, side, self.default_lever)
        return {"ccy": ccy, "instId": inst_id, "mgnMode": mgn_mode, "posSide": side, "lever": lever}

    def _set_leverage(self, call: Call) -> Reply:
        params = call.params
        mgn_mode, lever = str(params["mgnMode"]), _lever(params)
        pos_side = str(params.get("posSide") or "")
        if params.get("instId"):
            name, sides = self._lever_sides(call.key, params, mgn_mode, lever, pos_side)
        elif params.get("ccy"):
            if mgn_mode != "cross":
                raise ParamError("51000", "ccy")
            name, sides = f"ccy:{params['ccy']}", ("net",)
        else:
            raise ParamError("50014", "instId")
        self.set_leverage(call.key, name, mgn_mode, sides, fmt(lever))
        row = {"lever": fmt(lever), "mgnMode": mgn_mode, "instId": params.get("instId") or ""}
        fields = template(call.endpoint.method, call.endpoint.path)
        return ok([shaped(fields, {**row, "posSide": pos_side})])

    def _lever_sides(
        self, key: str, params: Mapping[str, Any], mgn_mode: str, lever: Decimal, pos_side: str
    ) -> tuple[str, tuple[str, ...]]:
        """(instId, the position sides to set) for an instrument's leverage."""
        instrument = listed(self.market, params)
        if not instrument.max_lever:
            raise ParamError("51000", "instId")
        if lever > Decimal(instrument.max_lever):
            raise ParamError("59102", "lever")
        with self._lock:
            hedged = self._accounts[key].pos_mode == "long_short"
        if instrument.derivative and hedged and mgn_mode == "isolated":
            if pos_side not in ("long", "short"):
                raise ParamError("51000" if pos_side else "50014", "posSide")
            return instrument.inst_id, (pos_side,)
        return instrument.inst_id, ("long", "short", "net")

    def _set_position_mode(self, call: Call) -> Reply:
        mode = str(call.params["posMode"])
        with self._lock:
            account = self._accounts[call.key]
            busy = account.positions or any(
                order.instrument.derivative for order in account.live_orders()
            )
            if busy and POS_MODES[mode] != account.pos_mode:
                return error_reply("59000")
            account.pos_mode = POS_MODES[mode]
        return ok([{"posMode": mode}])

    def _config(self, call: Call) -> Reply:
        with self._lock:
            mode = self._accounts[call.key].pos_mode
        row = example(call.endpoint.method, call.endpoint.path)[0]
        return ok([{**row, "posMode": f"{mode}_mode"}])

    # -- orders --------------------------------------------------------------------------------

    def _orders(self, single: Endpoint[Any], operation: Operation, too_many: str = "") -> Handler:
        """A handler doing ``operation`` on one order, or on each item of a batch
        (``too_many``: the code refusing more than 20 items). Each item is checked as
        ``single`` checks its parameters; one item missing one refuses the whole batch."""

        def handle(call: Call) -> Reply:
            items = call.items if too_many else [call.params]
            if too_many and len(items) > _MAX_BATCH:
                return error_reply(too_many, str(_MAX_BATCH))
            for item in items:
                check(single, item)
            fields = template(call.endpoint.method, call.endpoint.path)
            rows = self.trade(call.key, operation, items)
            return _answers([shaped(fields, row) for row in rows])

        return handle

    def _close(self, call: Call) -> Reply:
        params = call.params
        with self._lock:
            account = self._accounts[call.key]
            pos_side = str(params.get("posSide") or "")
            if account.pos_mode == "long_short" and pos_side not in ("long", "short"):
                raise ParamError("51000" if pos_side else "50014", "posSide")
            if account.pos_mode == "net" and pos_side not in ("", "net"):
                raise ParamError("51000", "posSide")
            desk = self._desk(account)
            try:
                order = desk.close(params, pos_side or "net")
            except Rejected as refused:
                return error_reply(refused.code, *refused.about)
            self._publish(call.key, desk.changes)
        row = {"instId": order.instrument.inst_id, "posSide": order.pos_side}
        row |= {"clOrdId": order.cl_ord_id, "tag": order.tag}
        return ok([shaped(template(call.endpoint.method, call.endpoint.path), row)])

    def _place_algo(self, call: Call) -> Reply:
        """Take an algo order: answered as OKX's example, refused (``sCode``) when its
        ``algoClOrdId`` is ill-formed or that of a live algo order (51065)."""
        params = call.params
        row = {"clOrdId": str(params.get("clOrdId") or ""), "tag": str(params.get("tag") or "")}
        with self._lock:
            account = self._accounts[call.key]
            try:
                algo_cl_ord_id = client_id(params, "algoClOrdId")
                if algo_cl_ord_id and algo_cl_ord_id in account.algos.values():
                    raise Rejected("51065")
            except Rejected as refused:
                row |= {"algoClOrdId": str(params.get("algoClOrdId") or "")}
                row |= {"sCode": refused.code, "sMsg": refused.msg}
            else:
                algo_id = self._ids.next()
                account.algos[algo_id] = algo_cl_ord_id
                row |= {"algoId": algo_id, "algoClOrdId": algo_cl_ord_id, "sCode": "0"}
        fields = template(call.endpoint.method, call.endpoint.path)
        return _answers([shaped(fields, row)])

    def _cancel_algos(self, call: Call) -> Reply:
        """Cancel algo orders by ``algoId``: each stops being live (its ``algoClOrdId`` free
        again); answered as OKX's example, for each item."""
        items = call.items or [call.params]
        fields = template(call.endpoint.method, call.endpoint.path)
        with self._lock:
            algos = self._accounts[call.key].algos
            for item in items:
                algos.pop(str(item.get("algoId") or ""), None)
        rows = [
            shaped(fields, {"algoId": str(item.get("algoId") or ""), "sCode": "0"})
            for item in items
        ]
        return ok(rows)

    def _order(self, call: Call) -> Reply:
        params = call.params
        with self._lock:
            account = self._accounts[call.key]
            order = account.find(
                str(params["instId"]),
                str(params.get("ordId") or ""),
                str(params.get("clOrdId") or ""),
            )
            if order is None:
                return error_reply("51603")
            row = order_row(order)
        return ok([shaped(template(call.endpoint.method, call.endpoint.path), row)])

    def _listing(self, call: Call, finished: bool) -> Reply:
        params = call.params
        matches = _order_filter(params)
        fields = template(call.endpoint.method, call.endpoint.path)
        with self._lock:
            orders = reversed(self._accounts[call.key].orders.values())
            rows = [
                (order.ord_id, shaped(fields, order_row(order)))
                for order in orders
                if (order.state in _FINISHED) == finished
                and matches(order)
                and _between(params, order.c_time)
            ]
        return ok(_page(rows, params))

    def _pending(self, call: Call) -> Reply:
        return self._listing(call, finished=False)

    def _history(self, call: Call) -> Reply:
        return self._listing(call, finished=True)

    def _fills(self, call: Call) -> Reply:
        params = call.params
        inst_type, ord_id = params.get("instType"), params.get("ordId")
        inst_id, family = params.get("instId"), params.get("instFamily") or params.get("uly")
        fields = template(call.endpoint.method, call.endpoint.path)
        with self._lock:
            rows = [
                (fill.bill_id, shaped(fields, fill_row(fill)))
                for fill in reversed(self._accounts[call.key].fills)
                if inst_type in (None, fill.order.inst_type)
                and inst_id in (None, fill.order.instrument.inst_id)
                and family in (None, fill.order.instrument.family)
                and ord_id in (None, fill.order.ord_id)
                and _between(params, fill.ts)
            ]
        return ok(_page(rows, params))


def _lever(params: Mapping[str, Any]) -> Decimal:
    """The leverage asked for: a number of at least 1, else 51000."""
    try:
        lever = Decimal(str(params["lever"]))
    except InvalidOperation:
        raise ParamError("51000", "lever") from None
    if not lever.is_finite() or lever < 1:
        raise ParamError("51000", "lever")
    return lever
