"""What the fake exchange's WebSocket channels push, and the thread that pushes the market.

``Pushes`` builds each channel's messages: a subscription's first push, the market's pushes (every
``interval`` seconds from a thread of its own, at once when a price moves), the order books'
snapshots and updates (with ``seqId``, ``prevSeqId`` and checksum, and the faults asked of them),
and the accounts' pushes as the venue tells their changes. It queues them on the connections
(``Session`` is what the gateway keeps of one) and sends them.

Everything here runs under the venue's lock, which guards the market, the accounts and the
sessions' subscriptions alike; nothing is written to a socket under it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from okx_v5.testing.books import DEPTHS, Book, BookView
from okx_v5.testing.channels import (
    Channel,
    balance_and_position,
    bar,
    fill_item,
    fill_trade,
    index_ticker,
    instrument_items,
    mark_type,
    order_item,
    order_matches,
    position_item,
    position_matches,
    ticker_item,
    trade_item,
)
from okx_v5.testing.exchange import SlidingWindow
from okx_v5.testing.fixtures import fmt
from okx_v5.testing.market import Instrument
from okx_v5.testing.venue import AccountEvent, Venue, balance_data
from okx_v5.testing.wsserver import WebSocketConnection

__all__ = ["Pushes", "Session", "Subscription", "text", "uid"]

_SYNTHETIC_EVERY = 5
"""A made-up trade of each subscribed instrument every so many market steps."""
_SYNTHETIC_TRADE_IDS = 500_000_000_000_000_000
"""Made-up trades count from here: apart from the fills' IDs (600...), which they leave be."""


def uid(key: str) -> str:
    """The user ID the private channels' pushes give ``key``'s account: digits derived from
    the key, the same in every run."""
    return str(int(hashlib.sha256(key.encode()).hexdigest()[:13], 16))


def text(payload: object) -> str:
    """``payload`` as compact JSON, as OKX writes it."""
    return json.dumps(payload, separators=(",", ":"))


def _wrong(checksum: int) -> int:
    """A non-zero checksum other than ``checksum`` (a few low bits flipped)."""
    wrong = checksum ^ 0x2A
    return wrong or 0x55


@dataclass
class Subscription:
    """One subscription of a connection."""

    channel: Channel
    arg: dict[str, str]
    """The subscription argument: ``channel`` and the channel's parameters given."""
    instrument: Instrument | None = None
    view: BookView | None = None
    """What an order book channel sent so far."""
    last: str = ""
    traded: dict[str, str] = field(default_factory=dict)
    """A ticker's ``lastSz`` and ``ts`` of the last trade of its instrument."""
    """The data last pushed, for channels that push when it changes."""


@dataclass
class Session:
    """What the gateway knows of one connection (guarded by the venue's lock)."""

    connection: WebSocketConnection
    demo: bool
    """Whether it was opened with ``x-simulated-trading: 1``."""
    requests: SlidingWindow
    """Its login/subscribe/unsubscribe requests, for OKX's limit."""
    key: str = ""
    """The API key logged in with, ``""`` before a login."""
    subscriptions: dict[tuple[tuple[str, str], ...], Subscription] = field(default_factory=dict)


class Pushes:
    """The pushes of one fake exchange's streams. ``sessions`` lists the open connections."""

    def __init__(self, venue: Venue, sessions: Callable[[], list[Session]]) -> None:
        self._venue = venue
        self._sessions = sessions
        self._interval = 0.1
        self.zero_checksums = False
        """Send ``checksum`` 0 in book messages ("not given", as OKX now may)."""
        # Guarded by the venue's lock:
        self._books: dict[str, Book] = {}
        self._outbox: list[tuple[WebSocketConnection, str]] = []
        self._trade_ids = itertools.count(1)
        self._ticks = 0
        self._corrupt = 0
        self._skip = 0
        # The pump:
        self._next_tick = 0.0
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._pump: threading.Thread | None = None
        venue.watch(self._account_changed)
        venue.watch_market(self._wake.set)

    # -- the pump ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start pushing the market, from a thread of its own."""
        self._stopping.clear()
        self._pump = threading.Thread(target=self._run, name="FakeOKX streams", daemon=True)
        self._pump.start()

    def stop(self) -> None:
        """Stop pushing; wait for the thread."""
        self._stopping.set()
        self._wake.set()
        if self._pump is not None:
            self._pump.join(timeout=2)
            self._pump = None

    @property
    def interval(self) -> float:
        """Seconds between market pushes."""
        return self._interval

    @interval.setter
    def interval(self, seconds: float) -> None:
        self._interval = seconds
        self._next_tick = time.monotonic() + seconds
        self._wake.set()

    # -- faults of the order books -------------------------------------------------------------

    def corrupt_checksum(self, count: int) -> None:
        """Give the next ``count`` book updates a wrong checksum."""
        with self._venue.lock:
            self._corrupt += count

    def skip_sequence(self, count: int) -> None:
        """Give the next ``count`` book updates a ``prevSeqId`` that is not the last
        ``seqId``."""
        with self._venue.lock:
            self._skip += count

    def reset(self) -> None:
        """Forget the faults asked of the books."""
        with self._venue.lock:
            self._corrupt = self._skip = 0

    def _take_corrupt(self) -> bool:
        taken, self._corrupt = self._corrupt > 0, max(self._corrupt - 1, 0)
        return taken

    def _take_skip(self) -> bool:
        taken, self._skip = self._skip > 0, max(self._skip - 1, 0)
        return taken

    # -- subscriptions -------------------------------------------------------------------------

    def subscription(self, channel: Channel, arg: dict[str, str]) -> Subscription:
        """A new subscription to ``channel`` with ``arg``."""
        instrument = self._venue.market.instrument(arg.get("instId", ""))
        subscription = Subscription(channel, arg, instrument)
        if channel.name in DEPTHS:
            subscription.view = BookView(channel.name)
        return subscription

    def first_push(self, session: Session, subscription: Subscription) -> None:
        """Queue the push that follows a new subscription, if the channel has one (under the
        venue's lock)."""
        if subscription.channel.private:
            push = self._private_snapshot(session, subscription)
        elif subscription.view is not None:
            push = self._book_message(subscription, first=True)
        else:
            push = self._market_message(subscription)
        if push:
            session.connection.enqueue(push)

    # -- market pushes -------------------------------------------------------------------------

    def _book(self, instrument: Instrument) -> Book:
        book = self._books.get(instrument.inst_id)
        if book is None:
            book = self._books[instrument.inst_id] = Book(instrument, self._venue.market)
        book.follow(self._venue.market)
        return book

    def _book_message(self, subscription: Subscription, *, first: bool) -> str | None:
        view, instrument = subscription.view, subscription.instrument
        assert view is not None
        assert instrument is not None
        book = self._book(instrument)
        if first:
            asks, bids = view.snapshot(book)
        else:
            changed = view.update(book)
            if changed is None:
                return None
            asks, bids = changed if view.incremental else view.levels()
        data: dict[str, object] = {"asks": asks, "bids": bids}
        if subscription.channel.name == "books5":
            data["instId"] = instrument.inst_id
        data["ts"] = str(self._venue.now_ms())
        payload: dict[str, object] = {"arg": subscription.arg}
        if view.incremental:
            payload["action"] = "snapshot" if first else "update"
            data |= self._sequence(view, book, first)
        else:
            data["seqId"] = view.seq_id
        payload["data"] = [data]
        return text(payload)

    def _sequence(self, view: BookView, book: Book, first: bool) -> dict[str, int]:
        """checksum, prevSeqId and seqId of a message of an incremental book channel."""
        prev = view.prev_seq_id
        if not first and self._take_skip():
            prev += 1  # as if a message had been lost
            view.seq_id = book.seq_id = max(book.seq_id, view.seq_id, prev + 1)
        checksum = 0 if self.zero_checksums else view.checksum()
        if not first and self._take_corrupt():
            checksum = _wrong(view.checksum())
        return {"checksum": checksum, "prevSeqId": -1 if first else prev, "seqId": view.seq_id}

    def _market_message(self, subscription: Subscription) -> str | None:
        """The next push of a channel that pushes what changed (``None`` if nothing did)."""
        instrument, name = subscription.instrument, subscription.channel.name
        market = self._venue.market
        if name == "instruments":  # the whole list of the type, pushed when it changes
            return self._changed(
                subscription, instrument_items(market, subscription.arg["instType"])
            )
        if instrument is None or name in ("trades", "trades-all"):
            return None
        item: object
        if name == "tickers":
            item = ticker_item(market, instrument) | subscription.traded
        elif name == "mark-price":
            item = market.mark(instrument, mark_type(market, instrument) or "")
        elif name == "funding-rate":
            item = market.funding(instrument)
        elif name == "index-tickers":
            item = index_ticker(market, instrument)
        else:
            item = market.candles(instrument, bar(subscription.channel), 1)[0]
        return self._changed(subscription, [item])

    @staticmethod
    def _changed(subscription: Subscription, items: list[object]) -> str | None:
        """The push of ``items``, or ``None`` when they are what was pushed last."""
        data = text(items)
        if data == subscription.last:
            return None
        subscription.last = data
        return text({"arg": subscription.arg, "data": items})

    def _run(self) -> None:
        """The pump: market pushes every ``interval`` seconds, and whatever waits, at once."""
        self._next_tick = time.monotonic() + self._interval
        while not self._stopping.is_set():
            self._wake.wait(max(self._next_tick - time.monotonic(), 0))
            self._wake.clear()
            if self._stopping.is_set():
                return
            now = time.monotonic()
            tick = now >= self._next_tick
            if tick:
                self._next_tick = now + self._interval
            with self._venue.lock:
                self._deliver(tick)
            for session in self._sessions():
                session.connection.flush()

    def _deliver(self, tick: bool) -> None:
        """Queue the waiting pushes and those of the market (moved a step if ``tick``)."""
        outbox, self._outbox = self._outbox, []
        for connection, waiting in outbox:
            connection.enqueue(waiting)
        sessions = self._sessions()
        if tick:
            self._ticks += 1
            self._step(sessions)
        for session in sessions:
            for subscription in session.subscriptions.values():
                if subscription.channel.private:
                    continue
                if subscription.view is not None:
                    push = self._book_message(subscription, first=False)
                else:
                    push = self._market_message(subscription)
                if push:
                    session.connection.enqueue(push)

    def _step(self, sessions: list[Session]) -> None:
        """Move the subscribed books a step; every few steps, a made-up trade."""
        subscribed = {
            sub.instrument.inst_id: (sub.instrument, sub.view is not None)
            for session in sessions
            for sub in session.subscriptions.values()
            if sub.instrument is not None and not sub.channel.private
        }
        for instrument, booked in subscribed.values():
            if booked:
                self._book(instrument).step()
        if self._ticks % _SYNTHETIC_EVERY:
            return
        market, now = self._venue.market, self._venue.now_ms()
        for instrument, _ in subscribed.values():
            trade_id = str(_SYNTHETIC_TRADE_IDS + next(self._trade_ids))
            sz = (instrument.lot_sz if instrument.derivative else instrument.min_sz) * (
                self._ticks % 9 + 1
            )
            side = "buy" if self._ticks % 2 else "sell"
            made = (instrument.inst_id, trade_id, fmt(market.price(instrument)), fmt(sz), side, now)
            self._public_trade(sessions, made, direct=True)

    def _public_trade(
        self, sessions: list[Session], made: tuple[str, str, str, str, str, int], *, direct: bool
    ) -> None:
        for session in sessions:
            for sub in session.subscriptions.values():
                name = sub.channel.name
                if sub.arg.get("instId") != made[0]:
                    continue
                if name in ("trades", "trades-all"):
                    item = trade_item(*made, count=name == "trades")
                elif name == "tickers" and sub.instrument is not None:
                    # A trade moves the ticker as on OKX: its last size and time.
                    sub.traded = {"lastSz": made[3], "ts": str(made[5])}
                    item = ticker_item(self._venue.market, sub.instrument) | sub.traded
                    sub.last = text([item])
                else:
                    continue
                push = text({"arg": sub.arg, "data": [item]})
                if direct:
                    session.connection.enqueue(push)
                else:
                    self._outbox.append((session.connection, push))

    # -- account pushes ------------------------------------------------------------------------

    def _account_changed(self, event: AccountEvent) -> None:
        """The venue's watcher: queue the pushes of an account's change (under its lock)."""
        sessions = self._sessions()
        for fill in event.changes.fills:
            self._public_trade(sessions, fill_trade(fill), direct=False)
        for session in sessions:
            if session.key != event.key:
                continue
            for subscription in session.subscriptions.values():
                if subscription.channel.private:
                    push = self._private_update(event, subscription)
                    if push:
                        self._outbox.append((session.connection, push))
        if self._outbox:
            self._wake.set()

    def _private_arg(self, key: str, subscription: Subscription) -> dict[str, str]:
        return {**subscription.arg, "uid": uid(key)}

    def _private_snapshot(self, session: Session, subscription: Subscription) -> str | None:
        venue, name = self._venue, subscription.channel.name
        account, market, lever = venue.account(session.key), venue.market, venue.default_lever
        arg, now = self._private_arg(session.key, subscription), venue.now_ms()
        page: dict[str, object] = {"eventType": "snapshot", "curPage": 1, "lastPage": True}
        data: list[object]
        if name == "positions":
            data = [
                position_item(account, position, market, lever)
                for position in account.positions.values()
                if position_matches(subscription.arg, position)
            ]
        elif name == "account":
            ccy = subscription.arg.get("ccy")
            data = [balance_data(account, market, lever, [ccy] if ccy else None, now)]
        elif name == "balance_and_position":
            held = [ccy for ccy, cash in account.cash.items() if cash]
            positions = account.positions.values()
            data = [balance_and_position(account, positions, held, (), "snapshot", now)]
            page = {}
        else:
            return None
        return text({"arg": arg, **page, "data": data})

    def _private_update(self, event: AccountEvent, subscription: Subscription) -> str | None:
        venue, name, changes = self._venue, subscription.channel.name, event.changes
        account, market, lever = event.account, venue.market, venue.default_lever
        arg, now = self._private_arg(event.key, subscription), venue.now_ms()
        filled = {fill.order.ord_id: fill for fill in changes.fills}
        extra: dict[str, object] = {}
        data: list[object]
        if name == "orders":
            data = [
                order_item(order, filled.get(order.ord_id))
                for order in changes.orders.values()
                if order_matches(subscription.arg, order)
            ]
        elif name == "positions":
            extra = {"eventType": "event_update"}
            data = [
                position_item(account, position, market, lever)
                for position in changes.positions.values()
                if position_matches(subscription.arg, position)
            ]
        elif name == "account":
            wanted = subscription.arg.get("ccy")
            ccys = sorted(ccy for ccy in changes.ccys if wanted in (None, ccy))
            extra = {"eventType": "event_update"}
            data = [balance_data(account, market, lever, ccys, now)] if ccys else []
        elif name == "balance_and_position":
            data = self._balance_and_position(event, now)
        else:  # fills
            data = [
                fill_item(fill)
                for fill in changes.fills
                if subscription.arg.get("instId", fill.order.instrument.inst_id)
                == fill.order.instrument.inst_id
            ]
        if not data:
            return None
        return text({"arg": arg, **extra, "data": data})

    def _balance_and_position(self, event: AccountEvent, now: int) -> list[object]:
        changes = event.changes
        if event.reason == "balance":
            kind, positions, fills = "transferred", [], []
        elif changes.fills:
            kind, positions, fills = "filled", list(changes.positions.values()), changes.fills
        else:
            return []  # orders placed or canceled move no cash
        ccys = sorted(changes.ccys)
        return [balance_and_position(event.account, positions, ccys, fills, kind, now)]
