"""The order books the fake exchange streams: OKX's ladder, kept moving, with seqId and checksum.

A ``Book`` is one instrument's book as the WebSocket channels show it. It starts as the ladder of
``Market.levels`` (one tick apart around the price) and moves: each ``Book.step`` changes the size
of a few levels near the top (always one of the first five on each side), and every fourth step
takes one level out for two steps. When the price moves the ladder is rebuilt around the new price.
Each change takes the next ``seqId`` (OKX numbers an instrument's book once, for every channel and
connection).

A ``BookView`` is what one subscription was sent: ``books`` (400 levels), ``books-l2-tbt`` (400) and
``books50-l2-tbt`` (50) get a ``snapshot`` and then ``update`` messages with only the changed levels
(size ``"0"`` for a level gone), each with ``prevSeqId`` (-1 in a snapshot) and the ``checksum`` of
the book the client then holds; ``books5`` and ``bbo-tbt`` get their few levels whole whenever they
change.

Source: OKX API v5 docs, "Order Book Trading > Market Data > WS / Order book channel"
(depths, ``action``, ``seqId``/``prevSeqId``, the merge rules and the checksum).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from okx_v5.testing.fixtures import fmt
from okx_v5.testing.market import Instrument, Market

__all__ = ["DEPTHS", "INCREMENTAL", "Book", "BookView", "checksum"]

DEPTHS = {"books": 400, "books-l2-tbt": 400, "books50-l2-tbt": 50, "books5": 5, "bbo-tbt": 1}
"""The order book channels and how many levels a side each shows."""
INCREMENTAL = frozenset({"books", "books-l2-tbt", "books50-l2-tbt"})
"""The channels that send a snapshot, then only the changed levels."""

_CHECKSUM_LEVELS = 25
_REMOVE_EVERY = 4
_GONE_FOR = 2
_MAX_DEPTH = 400

Level = list[str]
"""One level as OKX sends it: price, size, ``"0"`` (deprecated), number of orders."""
Side = dict[Decimal, Level]


def checksum(bids: Sequence[Sequence[str]], asks: Sequence[Sequence[str]]) -> int:
    """OKX's checksum of a book: CRC32, as a signed 32-bit integer, of the first 25 bids and
    asks interleaved as ``bidPx:bidSz:askPx:askSz:...`` (a shorter side is just skipped)."""
    parts: list[str] = []
    for n in range(_CHECKSUM_LEVELS):
        for side in (bids, asks):
            if n < len(side):
                parts += [side[n][0], side[n][1]]
    value = zlib.crc32(":".join(parts).encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def _top(side: Side, depth: int, descending: bool) -> list[Level]:
    return [side[px] for px in sorted(side, reverse=descending)[:depth]]


@dataclass
class _Gone:
    """A level taken out of the book, and how many steps until it comes back."""

    asks: bool
    px: Decimal
    level: Level
    steps: int


class Book:
    """One instrument's streamed order book. Not locked on its own: the venue's lock guards
    it, as it guards the market it follows."""

    def __init__(self, instrument: Instrument, market: Market) -> None:
        self.instrument = instrument
        # Seeded by the instrument: two runs stream the same books.
        self._random = random.Random(instrument.inst_id)
        self.seq_id = self._random.randrange(1_000, 100_000)
        """The sequence ID of the book's latest change."""
        self._steps = 0
        self._gone: list[_Gone] = []
        self.asks: Side = {}
        self.bids: Side = {}
        self._px = Decimal(0)
        self._unit = Decimal(0)
        self._rebuild(market)

    def _rebuild(self, market: Market) -> None:
        asks, bids = market.levels(self.instrument, _MAX_DEPTH)
        self.asks = {Decimal(level[0]): level for level in asks}
        self.bids = {Decimal(level[0]): level for level in bids}
        self._px = market.price(self.instrument)
        self._unit = min(Decimal(level[1]) for level in (*asks, *bids))
        self._gone.clear()

    def follow(self, market: Market) -> None:
        """Rebuild the ladder around the market's price, if it moved (a new ``seqId``)."""
        if market.price(self.instrument) != self._px:
            self._rebuild(market)
            self.seq_id += 1

    def step(self) -> None:
        """Move the book a little (see the module), under a new ``seqId``."""
        self._steps += 1
        for gone in list(self._gone):
            gone.steps -= 1
            if gone.steps <= 0:
                (self.asks if gone.asks else self.bids)[gone.px] = gone.level
                self._gone.remove(gone)
        for asks in (True, False):
            side = self.asks if asks else self.bids
            ranked = sorted(side, reverse=not asks)
            for reach in (5, 25):
                if ranked:
                    self._resize(side, ranked[self._random.randrange(min(reach, len(ranked)))])
        if self._steps % _REMOVE_EVERY == 0:
            self._take_out()
        self.seq_id += 1

    def _resize(self, side: Side, px: Decimal) -> None:
        size = self._unit * self._random.randint(1, 9)
        if fmt(size) == side[px][1]:
            size += self._unit
        side[px] = [side[px][0], fmt(size), "0", str(self._random.randint(1, 6))]

    def _take_out(self) -> None:
        asks = self._random.random() < 0.5
        side = self.asks if asks else self.bids
        ranked = sorted(side, reverse=not asks)[:10]
        if len(ranked) > 1:
            px = ranked[self._random.randrange(len(ranked))]
            self._gone.append(_Gone(asks, px, side.pop(px), _GONE_FOR))

    def top(self, depth: int) -> tuple[list[Level], list[Level]]:
        """(asks, bids): the first ``depth`` levels of each side, best first."""
        return _top(self.asks, depth, False), _top(self.bids, depth, True)


@dataclass
class BookView:
    """What one subscription to a book channel was last sent."""

    channel: str
    asks: Side = field(default_factory=dict)
    bids: Side = field(default_factory=dict)
    seq_id: int = -1
    """The ``seqId`` of the last message sent; -1 before the snapshot."""
    prev_seq_id: int = -1
    """The ``seqId`` of the message before it (-1 for a snapshot)."""

    @property
    def depth(self) -> int:
        """How many levels a side the channel shows."""
        return DEPTHS[self.channel]

    @property
    def incremental(self) -> bool:
        """Whether the channel sends updates (rather than its levels whole each time)."""
        return self.channel in INCREMENTAL

    def snapshot(self, book: Book) -> tuple[list[Level], list[Level]]:
        """(asks, bids) of the book now, remembered as sent."""
        asks, bids = book.top(self.depth)
        self._remember(asks, bids, book.seq_id)
        self.prev_seq_id = -1
        return asks, bids

    def update(self, book: Book) -> tuple[list[Level], list[Level]] | None:
        """(asks, bids) that changed since the last message (size ``"0"`` for levels gone),
        remembered as sent; ``None`` when nothing the channel shows changed."""
        if book.seq_id == self.seq_id:
            return None
        asks, bids = book.top(self.depth)
        changed_asks = _changes(self.asks, asks, False)
        changed_bids = _changes(self.bids, bids, True)
        if not changed_asks and not changed_bids:
            return None
        self._remember(asks, bids, book.seq_id)
        return changed_asks, changed_bids

    def _remember(self, asks: list[Level], bids: list[Level], seq_id: int) -> None:
        self.asks = {Decimal(level[0]): level for level in asks}
        self.bids = {Decimal(level[0]): level for level in bids}
        self.prev_seq_id, self.seq_id = self.seq_id, seq_id

    def levels(self) -> tuple[list[Level], list[Level]]:
        """(asks, bids) as the client holds them after the last message, best first."""
        return _top(self.asks, self.depth, False), _top(self.bids, self.depth, True)

    def checksum(self) -> int:
        """The ``checksum`` of the book as the client holds it after the last message."""
        asks, bids = self.levels()
        return checksum(bids[:_CHECKSUM_LEVELS], asks[:_CHECKSUM_LEVELS])


def _changes(sent: Side, now: list[Level], descending: bool) -> list[Level]:
    """The levels of ``now`` that differ from ``sent``, and those of ``sent`` now gone (size
    ``"0"``), best first."""
    current = {Decimal(level[0]): level for level in now}
    changed = {px: level for px, level in current.items() if sent.get(px) != level}
    for px, level in sent.items():
        if px not in current:
            changed[px] = [level[0], "0", "0", "0"]
    return _top(changed, len(changed), descending)
