"""OKX's clock as seen from here: one shared, thread-safe offset per domain.

OKX rejects a signature whose timestamp is more than 30 s away from its own clock (``50102``).
The client learns the offset from ``GET /api/v5/public/time``, taking the server's time to be
the middle of the round trip, and adds it to every timestamp it signs. Reading the offset is a
plain attribute read; only a sync takes the lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["MAX_AGE", "ClockRegistry", "ServerClock", "clock_for", "clocks"]

MAX_AGE = 30 * 60.0
"""Seconds after which a sync is stale for ``use_server_time=True``."""


class ServerClock:
    """The offset (seconds) to add to the local clock to get the server's.

    Args:
        monotonic: clock used to age the last sync (injectable for tests).
    """

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.offset = 0.0
        self.synced_at: float | None = None
        self._monotonic = monotonic
        self.lock = threading.Lock()
        """Held while syncing, so that concurrent callers sync once."""

    def stale(self, max_age: float = MAX_AGE) -> bool:
        """Whether the offset was never synced, or was synced more than ``max_age`` ago."""
        return self.synced_at is None or self._monotonic() - self.synced_at > max_age

    def record(self, server_ms: int, sent: float, received: float) -> float:
        """Store the offset from a server time ``server_ms`` (Unix ms) answered to a request
        sent at ``sent`` and answered at ``received`` (local Unix seconds); return it."""
        self.offset = server_ms / 1000.0 - (sent + received) / 2.0
        self.synced_at = self._monotonic()
        return self.offset


class ClockRegistry:
    """The shared clocks, one per domain; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_domain: dict[str, ServerClock] = {}

    def get(self, domain: str) -> ServerClock:
        """Return the clock of ``domain``, created unsynced on first use."""
        with self._lock:
            return self._by_domain.setdefault(domain, ServerClock())

    def clear(self) -> None:
        """Forget every offset."""
        with self._lock:
            self._by_domain.clear()


clocks = ClockRegistry()
"""The process-wide clocks, one per domain."""


def clock_for(domain: str) -> ServerClock:
    """Return the clock shared by every client of ``domain``."""
    return clocks.get(domain)
