"""A local order book kept from the pushes of OKX's order book channels.

The WebSocket engine calls ``OrderBook.apply`` with each decoded push, on its own thread; any other
thread reads the book (``top()``, ``bids``, ``best_bid``...) and always sees it as it was between
two pushes. No networking here.

OKX's rules, from its docs ("WS / Order book channel": *Sequence ID* and *Checksum*; the same
text is in the Spread Trading "Order book channel" section):

- Incremental channels (``books``, ``books-l2-tbt``, ``books50-l2-tbt``, ``sprd-books-l2-tbt``)
  push a snapshot (``action: "snapshot"``, ``prevSeqId`` -1), then updates (``"update"``). In an
  update a level of size 0 deletes its price; any other level replaces or inserts it. Each
  update's ``prevSeqId`` is the previous push's ``seqId``: a keep-alive repeats the last
  ``seqId`` with empty sides, a sequence reset brings a ``seqId`` below ``prevSeqId``, and
  anything else is a gap.
- Full channels (``books5``, ``bbo-tbt``, ``sprd-books5``, ``sprd-bbo-tbt``) carry no
  ``action``: every push is the whole book.
- The checksum is the CRC32 (as a signed 32-bit integer) of the best 25 bids and asks
  interleaved, ``bid1px:bid1sz:ask1px:ask1sz:...``, written exactly as OKX sent them. OKX is
  retiring it: a checksum of 0 (or none) means "not given" and is not checked.

Store: per side, a dict from price to level and a sorted list of prices kept with ``bisect``;
an update costs O(log n) comparisons plus a short ``memmove`` per changed level, and the top
of the book is a slice. Each level keeps OKX's own ``"price:size"`` text, so a checksum joins
50 ready strings and never formats a Decimal.
"""

from __future__ import annotations

import threading
import zlib
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from okx_v5.exceptions import OkxException, OkxParamsException

__all__ = [
    "CHECKSUM_DEPTH",
    "FULL_CHANNELS",
    "INCREMENTAL_CHANNELS",
    "BookOutOfSync",
    "Level",
    "OrderBook",
    "checksum",
]

Level = tuple[Decimal, Decimal]
"""A price level as readers get it: ``(price, size)``."""

# OKX docs, "WS / Order book channel" and Spread Trading "Order book channel".
INCREMENTAL_CHANNELS = frozenset({"books", "books-l2-tbt", "books50-l2-tbt", "sprd-books-l2-tbt"})
"""Channels that push a snapshot, then updates checked by ``prevSeqId`` and checksum."""
FULL_CHANNELS = frozenset({"books5", "bbo-tbt", "sprd-books5", "sprd-bbo-tbt"})
"""Channels whose every push is the whole book (no ``action``, no ``prevSeqId``)."""

CHECKSUM_DEPTH = 25
"""Levels of each side that OKX's checksum covers."""

_SIGN_BIT = 0x8000_0000
_WRAP = 0x1_0000_0000


class BookOutOfSync(OkxException):
    """The local book no longer follows OKX's: it has been cleared and waits for a snapshot.

    ``reason`` is ``"gap"`` (``expected`` is the last ``seqId``, ``got`` the push's
    ``prevSeqId``), ``"checksum"`` (``expected`` is OKX's checksum, ``got`` the local book's) or
    ``"malformed"`` (a push the book could not read; the cause is chained).
    """

    def __init__(
        self, inst_id: str, reason: str, expected: int | None = None, got: int | None = None
    ) -> None:
        self.inst_id = inst_id
        self.reason = reason
        self.expected = expected
        self.got = got
        super().__init__(self._message())

    def _message(self) -> str:
        if self.reason == "gap":
            return (
                f"{self.inst_id}: sequence gap, prevSeqId {self.got} does not follow"
                f" seqId {self.expected}"
            )
        if self.reason == "checksum":
            return (
                f"{self.inst_id}: checksum mismatch, OKX sent {self.expected},"
                f" the local book gives {self.got}"
            )
        return f"{self.inst_id}: {self.reason} order book push"

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.inst_id, self.reason, self.expected, self.got)


def _signed_crc32(text: str) -> int:
    value = zlib.crc32(text.encode())
    return value - _WRAP if value & _SIGN_BIT else value


def _checksum_of(bids: list[str], asks: list[str]) -> int:
    """The checksum of two sides given as ``"price:size"`` strings, best first, 25 at most."""
    common = min(len(bids), len(asks))
    parts = [""] * (2 * common)
    parts[0::2] = bids[:common]
    parts[1::2] = asks[:common]
    # Past the shorter side, the longer one's levels follow alone (one of these is empty).
    parts += bids[common:]
    parts += asks[common:]
    return _signed_crc32(":".join(parts))


def checksum(bids: Iterable[Sequence[str]], asks: Iterable[Sequence[str]]) -> int:
    """Return OKX's checksum of a book: a signed 32-bit CRC32 of its best 25 levels a side.

    ``bids`` and ``asks`` are levels as OKX sends them (``[price, size, ...]`` strings), best
    first; only the first 25 of each count, and extra fields are ignored.
    """
    return _checksum_of(_texts(bids), _texts(asks))


def _texts(levels: Iterable[Sequence[str]]) -> list[str]:
    texts: list[str] = []
    for level in levels:
        if len(texts) == CHECKSUM_DEPTH:
            break
        texts.append(f"{level[0]}:{level[1]}")
    return texts


class _Side:
    """One side of the book: levels by sort key, and the sort keys in order, best first.

    A bid's sort key is its negated price, so both sides keep their best level first in an
    ascending list. Each entry is ``((price, size), "price:size")`` with OKX's own strings.
    """

    __slots__ = ("bid", "keys", "levels")

    def __init__(self, *, bid: bool) -> None:
        self.bid = bid
        self.levels: dict[Decimal, tuple[Level, str]] = {}
        self.keys: list[Decimal] = []

    def replace(self, rows: Iterable[Sequence[str]]) -> None:
        levels: dict[Decimal, tuple[Level, str]] = {}
        bid = self.bid
        for row in rows:
            px, sz = row[0], row[1]
            size = Decimal(sz)
            if size:
                price = Decimal(px)
                # copy_negate is exact; unary minus would round to the context's precision.
                levels[price.copy_negate() if bid else price] = ((price, size), f"{px}:{sz}")
        self.levels = levels
        self.keys = sorted(levels)

    def update(self, rows: Iterable[Sequence[str]]) -> None:
        levels = self.levels
        keys = self.keys
        bid = self.bid
        for row in rows:
            px, sz = row[0], row[1]
            price = Decimal(px)
            size = Decimal(sz)
            key = price.copy_negate() if bid else price
            if size:
                if key not in levels:
                    insort(keys, key)
                levels[key] = ((price, size), f"{px}:{sz}")
            elif levels.pop(key, None) is not None:
                del keys[bisect_left(keys, key)]

    def clear(self) -> None:
        self.levels = {}
        self.keys = []

    def top(self, depth: int) -> list[Level]:
        levels = self.levels
        return [levels[key][0] for key in self.keys[:depth]]

    def all(self) -> list[Level]:
        levels = self.levels
        return [levels[key][0] for key in self.keys]

    def best(self) -> Level | None:
        keys = self.keys
        return self.levels[keys[0]][0] if keys else None

    def texts(self) -> list[str]:
        levels = self.levels
        return [levels[key][1] for key in self.keys[:CHECKSUM_DEPTH]]


class OrderBook:
    """The order book of one instrument on one channel, kept from OKX's pushes.

    ``apply()`` is meant for one thread (the WebSocket engine's); readers may be on any
    thread. One lock guards the book: ``apply()`` holds it while it changes a few levels and
    checks the push, and a reader holds it only while it copies what it returns. Both are
    cheap (an uncontended lock costs well under a microsecond), whereas publishing an
    immutable copy after every push would cost every push a copy of the whole book, whether
    anybody reads it or not.

    Args:
        inst_id: the instrument (``instId``), or the spread (``sprdId``) on ``sprd-*`` channels.
        channel: the channel the pushes come from: one of ``INCREMENTAL_CHANNELS`` or
            ``FULL_CHANNELS``; on another channel a push with an ``action`` is read as
            incremental and one without as the whole book.
    """

    def __init__(self, inst_id: str, channel: str = "books") -> None:
        self.inst_id = inst_id
        self.channel = channel
        self.on_update: Callable[[OrderBook], None] | None = None
        """Called with the book after each push applied, on the thread that applied it and
        outside the lock (it may read the book); what it raises reaches ``apply()``'s caller."""
        self.updates = 0
        """Pushes applied (snapshots, updates and keep-alives)."""
        self._full = channel in FULL_CHANNELS
        self._bids = _Side(bid=True)
        self._asks = _Side(bid=False)
        self._seq_id: int | None = None
        self._ts: int | None = None
        self._ready = False
        self._closed = False
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)

    # -- the engine's side ------------------------------------------------------------------

    def apply(self, push: Mapping[str, Any]) -> None:
        """Apply one decoded push (the whole message: ``arg``, ``action``, ``data``).

        Updates that arrive while the book is not ready (before the first snapshot, or after
        a gap while the engine resubscribes) are ignored.

        Raises:
            BookOutOfSync: a sequence gap, a checksum mismatch or a push that cannot be read
                (a bad number, an unknown ``action``); the book is then cleared and not ready
                until the next snapshot.
            OkxParamsException: the push belongs to another instrument or channel.
        """
        arg = push.get("arg")
        if arg:
            self._check_arg(arg)
        with self._lock:
            was_ready = self._ready
            try:
                applied = self._apply(push)
            except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
                # A push that cannot be read may have been half applied: start again from
                # a snapshot rather than keep a book that OKX no longer has.
                self._clear()
                raise BookOutOfSync(self.inst_id, "malformed") from exc
            if not applied:
                return
            self.updates += 1
            if not was_ready and self._ready:
                self._changed.notify_all()
        callback = self.on_update
        if callback is not None:
            callback(self)

    def reset(self) -> None:
        """Empty the book; it is not ready until the next snapshot (call before resubscribing)."""
        with self._lock:
            self._clear()

    def close(self) -> None:
        """Mark the book closed (its stream ended): ``wait()`` returns at once from now on."""
        with self._lock:
            self._closed = True
            self._changed.notify_all()

    # -- the readers' side ------------------------------------------------------------------

    @property
    def bids(self) -> list[Level]:
        """All bids, ``(price, size)``, best (highest) first: a fresh list."""
        with self._lock:
            return self._bids.all()

    @property
    def asks(self) -> list[Level]:
        """All asks, ``(price, size)``, best (lowest) first: a fresh list."""
        with self._lock:
            return self._asks.all()

    def top(self, depth: int = 5) -> tuple[list[Level], list[Level]]:
        """The best ``depth`` bids and asks, taken together: ``(bids, asks)``, best first."""
        if depth < 0:
            raise OkxParamsException(
                f"depth must be 0 or more, not {depth}",
                method="OrderBook.top",
                param="depth",
                value=depth,
                allowed=">= 0",
            )
        with self._lock:
            return self._bids.top(depth), self._asks.top(depth)

    @property
    def best_bid(self) -> Level | None:
        """The highest bid ``(price, size)``, or ``None`` when there is none."""
        with self._lock:
            return self._bids.best()

    @property
    def best_ask(self) -> Level | None:
        """The lowest ask ``(price, size)``, or ``None`` when there is none."""
        with self._lock:
            return self._asks.best()

    @property
    def seq_id(self) -> int | None:
        """The ``seqId`` of the last push applied, or ``None``."""
        return self._seq_id

    @property
    def ts(self) -> int | None:
        """OKX's time of the last push applied (Unix ms), or ``None``."""
        return self._ts

    @property
    def ready(self) -> bool:
        """Whether the book holds a snapshot and follows OKX's since."""
        return self._ready

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the book is ready (``True``), or until ``timeout`` or ``close()``.

        Returns ``False`` when the book is still not ready then.
        """
        with self._changed:
            self._changed.wait_for(lambda: self._ready or self._closed, timeout)
            return self._ready

    def checksum(self) -> int:
        """Return OKX's checksum of the book as it stands, as OKX would compute it."""
        with self._lock:
            return _checksum_of(self._bids.texts(), self._asks.texts())

    def __repr__(self) -> str:
        with self._lock:
            if not self._ready:
                state = "not ready"
            else:
                state = (
                    f"bid={_show(self._bids.best())}, ask={_show(self._asks.best())},"
                    f" depth={len(self._bids.keys)}/{len(self._asks.keys)},"
                    f" seq_id={self._seq_id}"
                )
        return f"OrderBook({self.inst_id!r}, {self.channel!r}, {state})"

    # -- inside apply() -------------------------------------------------------------------

    def _check_arg(self, arg: Mapping[str, Any]) -> None:
        inst_id = arg.get("instId") or arg.get("sprdId")
        channel = arg.get("channel")
        if (inst_id is not None and inst_id != self.inst_id) or (
            channel is not None and channel != self.channel
        ):
            raise OkxParamsException(
                f"a push for {channel} {inst_id} was given to the {self.channel} book of"
                f" {self.inst_id}",
                method="OrderBook.apply",
                param="arg",
                value=dict(arg),
                allowed=f"channel {self.channel}, instrument {self.inst_id}",
            )

    def _apply(self, push: Mapping[str, Any]) -> bool:
        """Apply the push's items; return whether it was applied (not ignored)."""
        action = push.get("action")
        incremental = action is not None and not self._full
        for item in push.get("data") or ():
            if not incremental:
                self._replace(item)
            elif action == "update":
                if not self._ready:
                    return False
                self._update(item)
            elif action == "snapshot":
                self._replace(item)
                self._verify(item)
            else:
                raise ValueError(f"unknown action {action!r}")
        return True

    def _replace(self, item: Mapping[str, Any]) -> None:
        self._bids.replace(item.get("bids") or ())
        self._asks.replace(item.get("asks") or ())
        self._seq_id = item.get("seqId")
        ts = item.get("ts")
        self._ts = int(ts) if ts is not None else None
        self._ready = True

    def _update(self, item: Mapping[str, Any]) -> None:
        prev = item.get("prevSeqId")
        last = self._seq_id
        if prev is not None and last is not None and prev != last:
            self._clear()
            raise BookOutOfSync(self.inst_id, "gap", expected=last, got=prev)
        bids = item.get("bids")
        asks = item.get("asks")
        if bids:
            self._bids.update(bids)
        if asks:
            self._asks.update(asks)
        seq_id = item.get("seqId")
        if seq_id is not None:
            self._seq_id = seq_id
        ts = item.get("ts")
        if ts is not None:
            self._ts = int(ts)
        self._verify(item)

    def _verify(self, item: Mapping[str, Any]) -> None:
        given = item.get("checksum")
        if not given:  # 0 or absent: OKX gives no checksum
            return
        given = int(given)
        got = _checksum_of(self._bids.texts(), self._asks.texts())
        if got != given:
            self._clear()
            raise BookOutOfSync(self.inst_id, "checksum", expected=given, got=got)

    def _clear(self) -> None:
        self._bids.clear()
        self._asks.clear()
        self._seq_id = None
        self._ts = None
        self._ready = False


def _show(level: Level | None) -> str:
    return "-" if level is None else f"{level[0]} x {level[1]}"
