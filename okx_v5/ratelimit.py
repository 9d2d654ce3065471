"""Client-side rate limiting: wait just long enough to stay inside OKX's documented limits.

Each endpoint declares its limit (:class:`~okx_v5.endpoints.RateLimit`). OKX counts requests
per API key ("user" rules) or per IP ("ip" rules); every client in the process that shares the
rule's key (the same API key, or the same domain) shares one :class:`RateLimiter` from the
process-wide :data:`registry`, so several clients and threads together stay inside the limit.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["LONGEST_WAIT", "LimiterRegistry", "RateLimiter", "registry"]

LONGEST_WAIT = 60.0
"""Rules with a longer window (OKX's daily and monthly quotas) are not enforced here: waiting
hours for a slot helps no caller, so OKX's own refusal (``50011``) says it instead."""

SAFETY_MARGIN = 0.05
"""Each window is widened by this fraction, so that network jitter between our clock and the
moment OKX counts the request cannot push a request into the previous window."""


class RateLimiter:
    """A thread-safe sliding-window limiter: at most ``requests`` per ``seconds``.

    :meth:`acquire` reserves the earliest moment at which one more request stays inside the
    window and sleeps until then; reservations are made under a lock, sleeping is not, so
    waiting threads do not block each other.

    Args:
        requests: requests allowed per window.
        seconds: window length.
        margin: fraction by which the window is widened (see :data:`SAFETY_MARGIN`).
        clock: monotonic clock in seconds (injectable for tests).
        sleep: sleep function (injectable for tests).
    """

    def __init__(
        self,
        requests: int,
        seconds: float,
        *,
        margin: float = SAFETY_MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        if requests < 1 or seconds <= 0:
            raise ValueError(f"a limit of {requests} per {seconds} s allows nothing")
        self.requests = requests
        self.window = seconds * (1.0 + margin)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._reserved: deque[float] = deque()  # reserved send times, ascending

    def reserve(self) -> float:
        """Reserve a slot and return how many seconds the caller must wait for it."""
        with self._lock:
            now = self._clock()
            reserved = self._reserved
            while reserved and reserved[0] <= now - self.window:
                reserved.popleft()
            at = now
            if len(reserved) >= self.requests:
                at = max(now, reserved[-self.requests] + self.window)
            reserved.append(at)
        return at - now

    def acquire(self, count: int = 1) -> float:
        """Wait (sleep) until ``count`` more requests fit the limit; return the seconds waited."""
        wait = max(self.reserve() for _ in range(count))
        if wait > 0:
            self._sleep(wait)
        return wait


class LimiterRegistry:
    """The shared limiters, one per (scope key, endpoint path); thread-safe.

    Args:
        clock: clock given to new limiters.
        sleep: sleep function given to new limiters.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._limiters: dict[tuple[str, str], RateLimiter] = {}

    def get(self, scope_key: str, path: str, requests: int, seconds: float) -> RateLimiter:
        """Return the limiter shared by every caller with this ``scope_key`` and ``path``."""
        key = (scope_key, path)
        limiter = self._limiters.get(key)
        if limiter is None:
            with self._lock:
                limiter = self._limiters.get(key)
                if limiter is None:
                    limiter = RateLimiter(requests, seconds, clock=self._clock, sleep=self._sleep)
                    self._limiters[key] = limiter
        return limiter

    def clear(self) -> None:
        """Forget every limiter (new ones start with an empty window)."""
        with self._lock:
            self._limiters.clear()


registry = LimiterRegistry()
"""The process-wide registry every client uses."""
