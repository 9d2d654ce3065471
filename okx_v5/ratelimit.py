"""Client-side rate limiting: wait just long enough to stay inside OKX's documented limits.

Each endpoint declares its limit (``RateLimit``). OKX counts requests per API key ("user" rules) or
per IP ("ip" rules); every client in the process that shares the rule's scope key (the same API key,
or the same host and domain) shares one limiter, so several clients and threads together stay inside
the limit.

Clients get their limiters from ``registry_for``: the process-wide ``registry`` by default, or, for
a ``redis://`` storage URL, a registry whose limiters every process and machine using that Redis
shares (``okx_v5.ratelimit_redis``, imported only then).

A wait longer than ``LOGGED_WAIT`` is logged at INFO on the ``okx_v5`` logger before the limiter
sleeps, naming the limit and what keeps it; shorter waits are logged at DEBUG.

A caller may give ``acquire`` a deadline (``OkxClient.request`` gives the end of the call's
``retry_budget``): when the wait for a slot would end after it, nothing is reserved and
``OkxRateLimitException`` with ``sent=False`` is raised at once, so callers queued behind it are
not delayed by a request that never goes.
"""

from __future__ import annotations

import bisect
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from importlib import import_module
from typing import Generic, Protocol, TypeVar

from .exceptions import OkxRateLimitException

__all__ = [
    "LOGGED_WAIT",
    "LONGEST_WAIT",
    "KeyedLimiters",
    "Limiter",
    "LimiterRegistry",
    "RateLimiter",
    "Registry",
    "limit_name",
    "log_wait",
    "past_deadline",
    "registry",
    "registry_for",
]

logger = logging.getLogger("okx_v5")

_L = TypeVar("_L")


def limit_name(path: str, requests: int, seconds: float) -> str:
    """The name a limit is kept under: the endpoint's path and the rule (it may have several)."""
    return f"{path} {requests}/{seconds:g}s"


LONGEST_WAIT = 60.0
"""Rules with a longer window (OKX's daily and monthly quotas) are not enforced here: waiting
hours for a slot helps no caller, so OKX's own refusal (``50011``) says it instead."""

LOGGED_WAIT = 1.0
"""Seconds: a longer wait for a limit is logged at INFO (a call that stalls that long should
say why), a shorter one at DEBUG."""


def log_wait(name: str, seconds: float, limit: str, log: logging.Logger = logger) -> None:
    """Log that ``name`` waits ``seconds`` for ``limit`` (what keeps it, in words): at INFO
    when longer than ``LOGGED_WAIT``, else at DEBUG."""
    level = logging.INFO if seconds > LOGGED_WAIT else logging.DEBUG
    if log.isEnabledFor(level):
        log.log(level, "%s: waiting %.2f s for %s", name, seconds, limit, stacklevel=2)


def past_deadline(name: str, wait: float, limit: str, left: float) -> OkxRateLimitException:
    """The refusal of a request whose wait of ``wait`` s for ``limit`` (what keeps it, in
    words) would end ``left`` s from now, after its deadline; nothing was sent."""
    return OkxRateLimitException(
        f"{name}: the wait for {limit} would be {wait:.2f} s, longer than the "
        f"{max(left, 0.0):.2f} s left before the call's deadline; not sent",
        sent=False,
    )


SAFETY_MARGIN = 0.05
"""Each window is widened by this fraction, so that network jitter between our clock and the
moment OKX counts the request cannot push a request into the previous window."""


class Limiter(Protocol):
    """What a client needs of a limiter."""

    def acquire(self, n: int = 1, deadline: float | None = None) -> float:
        """Wait until ``n`` more requests fit the limit; return the seconds waited.

        ``deadline`` is a ``time.monotonic()`` instant: when the wait would end after it,
        nothing is reserved and ``OkxRateLimitException`` (``sent=False``) is raised at once.
        """
        ...  # pragma: no cover - a protocol


class Registry(Protocol):
    """Where a client gets its limiters: one per scope key and endpoint path."""

    def get(self, scope_key: str, path: str, requests: int, seconds: float) -> Limiter:
        """Return the limiter shared by every caller with this ``scope_key`` and ``path``."""
        ...  # pragma: no cover - a protocol


class RateLimiter:
    """A thread-safe sliding-window limiter: at most ``requests`` per ``seconds``.

    ``acquire`` reserves the earliest moment at which one more request stays inside the window and
    sleeps until then; reservations are made under a lock, sleeping is not, so waiting threads do
    not block each other.

    Args:
        requests: requests allowed per window.
        seconds: window length.
        margin: fraction by which the window is widened (see ``SAFETY_MARGIN``).
        clock: monotonic clock in seconds (injectable for tests).
        sleep: sleep function (injectable for tests).
        name: the limit's name in the log line of a wait (see
            ``limit_name``); default ``"<requests>/<seconds>s"``.
        note: said after "the in-process limit" in that line, in parentheses.
    """

    def __init__(
        self,
        requests: int,
        seconds: float,
        *,
        margin: float = SAFETY_MARGIN,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        name: str = "",
        note: str = "",
    ) -> None:
        if requests < 1 or seconds <= 0:
            raise ValueError(f"a limit of {requests} per {seconds} s allows nothing")
        self.name = name or f"{requests}/{seconds:g}s"
        self.described = "the in-process limit" + (f" ({note})" if note else "")
        self.requests = requests
        self.allowed = requests
        """Requests allowed per window now: the whole limit, or this process's share of a
        limit it shares with others (see ``allow``)."""
        self.window = seconds * (1.0 + margin)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._reserved: deque[float] = deque()  # reserved send times, ascending

    def reserve(self, n: int = 1, deadline: float | None = None) -> float:
        """Reserve ``n`` slots and return how many seconds the caller must wait for them.

        ``deadline`` is an instant of the limiter's clock: when the wait would end after it,
        nothing is reserved and ``OkxRateLimitException`` (``sent=False``) is raised.
        """
        if not 1 <= n <= self.requests:
            # Callers check first (OkxClient refuses such a batch with OkxParamsException).
            raise ValueError(f"{n} requests never fit a limit of {self.requests}")
        with self._lock:
            now = self._clock()
            reserved = self._forget_before(now)
            at = now
            # Reservations that may share a window with these n; a batch larger than the
            # share waits for an empty window.
            keep = max(self.allowed - n, 0)
            if len(reserved) > keep:
                at = max(now, reserved[-keep - 1] + self.window)
            if deadline is not None and at > deadline:
                raise past_deadline(self.name, at - now, self.described, deadline - now)
            for _ in range(n):
                # Slots recorded from elsewhere (``record``) may lie beyond this one.
                bisect.insort(reserved, at)
        return at - now

    def allow(self, requests: int) -> None:
        """From now on allow ``requests`` per window (at least 1, at most the limit): this
        process's share of a limit it shares with others."""
        self.allowed = min(max(requests, 1), self.requests)

    def record(self, n: int = 1, after: float = 0.0) -> None:
        """Count ``n`` requests sent ``after`` seconds from now that were booked elsewhere
        (a shared limit), so that the window they fall in stays full here too."""
        with self._lock:
            now = self._clock()
            reserved = self._forget_before(now)
            for _ in range(n):
                bisect.insort(reserved, now + after)

    def busy_for(self) -> float:
        """Seconds from now until the latest slot reserved or recorded (0 if none is ahead)."""
        with self._lock:
            now = self._clock()
            reserved = self._forget_before(now)
            return max(0.0, reserved[-1] - now) if reserved else 0.0

    def _forget_before(self, now: float) -> deque[float]:
        reserved = self._reserved
        while reserved and reserved[0] <= now - self.window:
            reserved.popleft()
        return reserved

    def acquire(self, n: int = 1, deadline: float | None = None) -> float:
        """Wait (sleep) until ``n`` more requests fit the limit; return the seconds waited.

        ``deadline`` is an instant of the limiter's clock (``time.monotonic()`` unless one was
        injected): when the wait would end after it, nothing is reserved and
        ``OkxRateLimitException`` (``sent=False``) is raised at once.
        """
        wait = self.reserve(n, deadline)
        if wait > 0:
            log_wait(self.name, wait, self.described)
            self._sleep(wait)
        return wait


class KeyedLimiters(Generic[_L]):
    """Limiters made on first use, one per (scope key, endpoint path), shared by every caller
    with that key and path; thread-safe. Subclasses say how a limiter is made (``_make``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._limiters: dict[tuple[str, str], _L] = {}

    def get(self, scope_key: str, path: str, requests: int, seconds: float) -> _L:
        """Return the limiter shared by every caller with this ``scope_key`` and ``path``."""
        key = (scope_key, path)
        limiter = self._limiters.get(key)
        if limiter is None:
            with self._lock:
                limiter = self._limiters.get(key)
                if limiter is None:
                    limiter = self._limiters[key] = self._make(scope_key, path, requests, seconds)
        return limiter

    def clear(self) -> None:
        """Forget every limiter (new ones start with an empty window)."""
        with self._lock:
            self._limiters.clear()

    def _make(self, scope_key: str, path: str, requests: int, seconds: float) -> _L:
        raise NotImplementedError


class LimiterRegistry(KeyedLimiters[RateLimiter]):
    """The in-process limiters, one per (scope key, endpoint path); thread-safe.

    Args:
        clock: clock given to new limiters.
        sleep: sleep function given to new limiters.
        note: given to new limiters, for the log line of a wait.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        note: str = "",
    ) -> None:
        super().__init__()
        self._clock = clock
        self._sleep = sleep
        self._note = note

    def _make(self, scope_key: str, path: str, requests: int, seconds: float) -> RateLimiter:
        # The scope key (it may hold an API key) stays out of the name: it is logged.
        return RateLimiter(
            requests, seconds, clock=self._clock, sleep=self._sleep, name=path, note=self._note
        )


registry = LimiterRegistry()
"""The process-wide registry of in-process limiters."""

_shared: dict[str, Registry] = {}
_shared_lock = threading.Lock()


def registry_for(storage: str | None) -> Registry:
    """Return the registry for a client's ``rate_limit_storage``.

    ``None`` is the in-process ``registry``; a ``redis://`` or ``rediss://`` URL (already checked by
    ``okx_v5.checks.check_rate_limit_storage``) gets one ``RedisLimiterRegistry`` per URL and
    process.
    """
    if storage is None:
        return registry
    shared = _shared.get(storage)
    if shared is None:
        with _shared_lock:
            shared = _shared.get(storage)
            if shared is None:
                # Imported here: redis and pyrate-limiter are an optional extra, and a client
                # without a storage URL should not pay for importing them.
                module = import_module("okx_v5.ratelimit_redis")
                shared = _shared[storage] = module.RedisLimiterRegistry(storage)
    return shared
