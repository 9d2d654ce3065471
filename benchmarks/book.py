"""Benchmark: okx_v5's local order book applying 10 000 realistic ``books`` updates.

Run by hand from the repository root:

    python benchmarks/book.py [--updates 10000] [--levels 400] [--runs 7] [--seed 1]

The feed is made here, from a reference book of its own: a snapshot of ``--levels`` levels a
side around 41 000 (tick 0.1, prices and sizes written as OKX writes them), then updates of
1 to 6 levels each, mostly near the top: size changes, deletes and inserts, the best bid and
ask moving both ways, the depth held near ``--levels``. Each update carries a valid
``prevSeqId``/``seqId`` (steps of 1 to 3) and the checksum of the reference book, computed
here with ``zlib`` from the strings sent. Generating the feed is not timed.

Printed: CPU time (``time.process_time``) of the updates, snapshot excluded, median of
``--runs`` runs, with the sequence and checksum checks, and again with every checksum 0 (the
sequence check alone); the peak memory traced while a fresh book takes the snapshot and the
updates (``tracemalloc``, in a separate run, since tracing slows Python down); and the cost of
the readers' calls on the final book. Target: under 0.5 s for 10 000 updates.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import timeit
import tracemalloc
import zlib
from bisect import bisect_left, insort
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from okx_v5.websocket.book import OrderBook

INST_ID = "BTC-USDT"
ARG = {"channel": "books", "instId": INST_ID}
MID = 410_000  # in ticks of 0.1: 41 000.0


def price_text(tick: int) -> str:
    """A price as OKX writes it: no trailing zeros ("41000", "41000.1")."""
    whole, tenth = divmod(tick, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


def size_text(rng: random.Random) -> str:
    """A size as OKX writes it: up to 8 decimals, no trailing zeros ("0.60038921", "2.5")."""
    text = f"{rng.lognormvariate(-1.0, 1.5):.8f}".rstrip("0").rstrip(".")
    return text if text not in ("0", "") else "0.00000001"


def signed_crc32(text: str) -> int:
    value = zlib.crc32(text.encode("ascii"))
    return value - (1 << 32) if value >= 1 << 31 else value


class Feed:
    """The reference book and the pushes that take it from state to state."""

    def __init__(self, rng: random.Random, levels: int) -> None:
        self.rng = rng
        self.levels = levels
        # Ticks kept ascending on both sides; the best bid is the last one, the best ask the first.
        # About 2 ticks in 5 empty, so that inserts behind the best price find room.
        self.bid_ticks = sorted(self.sparse(MID - 1, -1))
        self.ask_ticks = self.sparse(MID + 1, 1)
        self.sizes = {tick: size_text(rng) for tick in self.bid_ticks + self.ask_ticks}
        self.seq_id = rng.randrange(10**9, 10**10)
        self.ts = 1_700_000_000_000

    def sparse(self, start: int, step: int) -> list[int]:
        ticks: list[int] = []
        tick = start
        while len(ticks) < self.levels:
            if self.rng.random() < 0.6:
                ticks.append(tick)
            tick += step
        return ticks

    def row(self, tick: int, size: str) -> list[str]:
        return [price_text(tick), size, "0", str(self.rng.randint(1, 30))]

    def book_checksum(self) -> int:
        bids = [f"{price_text(t)}:{self.sizes[t]}" for t in reversed(self.bid_ticks[-25:])]
        asks = [f"{price_text(t)}:{self.sizes[t]}" for t in self.ask_ticks[:25]]
        parts: list[str] = []
        for i in range(max(len(bids), len(asks))):
            if i < len(bids):
                parts.append(bids[i])
            if i < len(asks):
                parts.append(asks[i])
        return signed_crc32(":".join(parts))

    def snapshot(self) -> dict[str, Any]:
        data = {
            "asks": [self.row(t, self.sizes[t]) for t in self.ask_ticks],
            "bids": [self.row(t, self.sizes[t]) for t in reversed(self.bid_ticks)],
            "ts": str(self.ts),
            "checksum": self.book_checksum(),
            "prevSeqId": -1,
            "seqId": self.seq_id,
        }
        return {"arg": ARG, "action": "snapshot", "data": [data]}

    def near_top(self, count: int) -> int:
        """An index from the best level, mostly small: most activity is near the top."""
        return min(int(self.rng.expovariate(1 / 8)), count - 1)

    def change(self, bid: bool, bids: dict[int, str], asks: dict[int, str]) -> None:
        """One changed level on one side, recorded in ``bids``/``asks`` (tick -> size sent)."""
        rng = self.rng
        ticks, sent = (self.bid_ticks, bids) if bid else (self.ask_ticks, asks)
        roll = rng.random()
        depth = len(ticks)
        if depth > self.levels + 10:
            roll = 0.97  # delete, deep in the book
        elif depth < self.levels - 10:
            roll = 0.7  # insert
        if roll < 0.6 and depth:
            i = self.near_top(depth)
            tick = ticks[-1 - i] if bid else ticks[i]
            self.sizes[tick] = sent[tick] = size_text(rng)
        elif roll < 0.8:
            # Insert: inside the spread now and then (the best price moves), else behind it.
            best_bid, best_ask = self.bid_ticks[-1], self.ask_ticks[0]
            if best_ask - best_bid > 1 and rng.random() < 0.3:
                tick = best_bid + 1 if bid else best_ask - 1
            else:
                # The first free tick at or behind a random distance from the best price.
                step = self.near_top(self.levels) + 1
                tick = best_bid - step if bid else best_ask + step
                while tick in self.sizes:
                    tick += -1 if bid else 1
            if tick not in self.sizes:
                insort(ticks, tick)
            self.sizes[tick] = sent[tick] = size_text(rng)
        elif depth > 1:
            i = self.near_top(depth) if roll < 0.95 else depth - 1 - rng.randrange(10)
            tick = ticks[-1 - i] if bid else ticks[i]
            del ticks[bisect_left(ticks, tick)]
            del self.sizes[tick]
            sent[tick] = "0"

    def update(self) -> dict[str, Any]:
        bids: dict[int, str] = {}
        asks: dict[int, str] = {}
        for _ in range(self.rng.randint(1, 6)):
            self.change(self.rng.random() < 0.5, bids, asks)
        prev = self.seq_id
        self.seq_id += self.rng.randint(1, 3)
        self.ts += self.rng.randint(1, 100)
        data = {
            "asks": [self.row(t, s) for t, s in sorted(asks.items())],
            "bids": [self.row(t, s) for t, s in sorted(bids.items(), reverse=True)],
            "ts": str(self.ts),
            "checksum": self.book_checksum(),
            "prevSeqId": prev,
            "seqId": self.seq_id,
        }
        return {"arg": ARG, "action": "update", "data": [data]}


def without_checksums(pushes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**p, "data": [{**item, "checksum": 0} for item in p["data"]]} for p in pushes]


def cpu_seconds(snapshot: dict[str, Any], updates: list[dict[str, Any]]) -> tuple[float, OrderBook]:
    book = OrderBook(INST_ID, "books")
    book.apply(snapshot)
    apply = book.apply
    started = time.process_time()
    for push in updates:
        apply(push)
    return time.process_time() - started, book


def peak_memory(snapshot: dict[str, Any], updates: list[dict[str, Any]]) -> tuple[int, int]:
    """Bytes traced: the peak while a fresh book applies everything, and what it holds after."""
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    book = OrderBook(INST_ID, "books")
    book.apply(snapshot)
    for push in updates:
        book.apply(push)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del book
    return peak - baseline, current - baseline


def per_call_ns(call: Any, number: int = 20_000) -> float:
    return min(timeit.repeat(call, number=number, repeat=5)) / number * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--levels", type=int, default=400)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    feed = Feed(random.Random(args.seed), args.levels)
    snapshot = feed.snapshot()
    updates = [feed.update() for _ in range(args.updates)]
    changed = sum(len(p["data"][0]["bids"]) + len(p["data"][0]["asks"]) for p in updates)
    deletes = sum(
        row[1] == "0" for p in updates for side in ("bids", "asks") for row in p["data"][0][side]
    )
    print(
        f"Feed: snapshot of {args.levels} levels a side, {args.updates} updates changing"
        f" {changed} levels ({deletes} deletes), seed {args.seed}"
    )

    started = time.process_time()
    OrderBook(INST_ID, "books").apply(snapshot)
    print(f"Snapshot apply: {(time.process_time() - started) * 1000:.2f} ms CPU")

    checked: list[float] = []
    sequence_only: list[float] = []
    light = without_checksums(updates)
    book = None
    for _ in range(args.runs):
        seconds, book = cpu_seconds(snapshot, updates)
        checked.append(seconds)
        sequence_only.append(cpu_seconds(snapshot, light)[0])
    assert book is not None
    expected = {price_text(t): s for t, s in feed.sizes.items()}
    final = {str(p): str(s) for p, s in book.bids + book.asks}
    if final != expected or book.seq_id != feed.seq_id:
        raise SystemExit("the book does not match the feed's reference book")

    median = statistics.median(checked)
    print(
        f"{args.updates} updates, sequence + checksum checks: {median:.3f} s CPU"
        f" (median of {args.runs}; min {min(checked):.3f}, max {max(checked):.3f});"
        f" {median / args.updates * 1e6:.1f} µs per update"
    )
    light_median = statistics.median(sequence_only)
    print(
        f"{args.updates} updates, sequence check only (checksum 0): {light_median:.3f} s CPU"
        f" (median of {args.runs}); {light_median / args.updates * 1e6:.1f} µs per update"
    )
    peak, held = peak_memory(snapshot, updates)
    print(
        f"Memory (tracemalloc): peak {peak / 1024:.0f} KiB while applying,"
        f" {held / 1024:.0f} KiB held by the book after"
    )
    print(
        f"Readers on the final book ({len(book.bids)}/{len(book.asks)} levels):"
        f" top(5) {per_call_ns(book.top):.0f} ns,"
        f" best_bid {per_call_ns(lambda: book.best_bid):.0f} ns,"
        f" bids (whole side) {per_call_ns(lambda: book.bids, 2_000) / 1000:.1f} µs"
    )
    verdict = "met" if median < 0.5 else "MISSED"
    print(f"Target < 0.5 s for 10 000 updates: {verdict}")


if __name__ == "__main__":
    main()
