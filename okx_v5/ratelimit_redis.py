"""Rate limits shared through Redis by every process and machine of a fleet.

Imported by ``okx_v5.ratelimit.registry_for`` only when a client is given a ``redis://`` or
``rediss://`` ``rate_limit_storage``; needs the ``redis`` extra (redis-py and pyrate-limiter).

The shared state is pyrate-limiter's GCRA (``pyrate_limiter.GCRA`` in a
``pyrate_limiter.RedisStateStore``): one "theoretical arrival time" per limit, read and
advanced by one atomic script. A limit of ``requests`` per ``seconds`` becomes one request every
``seconds * (1 + SAFETY_MARGIN) / requests``, so no stretch of ``seconds`` ever holds more than
``requests``, whatever the order in which processes reach Redis: a caller whose clock reading
is a little old is only refused, never let in early. (A sliding log kept in Redis with the
callers' timestamps, such as pyrate-limiter's ``RedisBucket``, lets one request too many in
when two processes race within the same millisecond.) The price is that a fleet's requests are
spread evenly instead of sent in bursts; the rate is the same.

Waiting is a reservation, not a retry: a refused caller asks again for the moment the script
said, which books that slot for it alone, then sleeps until then. Waiters are served in the
order they booked, each wakes once, at its own moment, and nobody polls.

Time is Redis' clock (measured per connection, as an offset to the local one), so the machines
of a fleet need not agree on the time. Keys are ``okx_v5:rl:`` + a SHA-256 of the scope key
(which may hold an API key) + ``:`` + the endpoint path; they expire when idle.

A wait longer than ``okx_v5.ratelimit.LOGGED_WAIT`` is logged at INFO, naming the limit and
the Redis URL (without its password).

When Redis does not answer (not there at start, gone mid-run, wrong password, ...) the limiter
logs one WARNING, keeps the limit in-process, and tries Redis again every
``RETRY_INTERVAL`` seconds; a call to OKX never fails because of Redis.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, cast

import redis
from pyrate_limiter import GCRA, Decision, Rate, RedisStateStore
from redis.backoff import NoBackoff
from redis.retry import Retry

from .ratelimit import SAFETY_MARGIN, KeyedLimiters, LimiterRegistry, RateLimiter, log_wait
from .settings import redact_url

__all__ = ["KEY_PREFIX", "RETRY_INTERVAL", "TIMEOUT", "RedisLimiterRegistry", "SharedLimiter"]

logger = logging.getLogger("okx_v5")

KEY_PREFIX = "okx_v5:rl:"
"""Prefix of every key okx_v5 writes to Redis."""
RETRY_INTERVAL = 1.0
"""Seconds between attempts to reach Redis again after it failed."""
TIMEOUT = 0.5
"""Seconds to connect to Redis or wait for its answer before falling back."""
HORIZON = 60.0
"""Seconds ahead a caller may book a slot; a longer queue is joined in steps of this."""
_CLOCK_SAMPLES = 3
_GCRA = GCRA()

_REDIS_DOWN = Exception
"""What sends a limiter back to in-process limits: anything, from a refused connection to an
option in the URL that the connection does not know. Sharing limits must never stop a call."""


class RedisStorage:
    """One Redis client per URL and process, and whether Redis answers.

    Args:
        url: the ``redis://`` or ``rediss://`` URL (never shown: see ``display_url``).
        retry_interval: seconds between attempts to reach Redis again after a failure.
        timeout: seconds to connect or wait for an answer.
    """

    def __init__(
        self, url: str, *, retry_interval: float = RETRY_INTERVAL, timeout: float = TIMEOUT
    ) -> None:
        self.display_url = redact_url(url)
        """The URL with its password replaced by ``***``."""
        self.client: redis.Redis = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),  # falling back beats retrying while a call waits
        )
        self.retry_interval = retry_interval
        self.generation = 0
        """Bumped at every outage: buckets load their script again, the clock is re-measured."""
        self._lock = threading.Lock()
        self._down_until: float | None = None  # time.monotonic() of the next attempt
        self._offset_ms = 0
        self._offset_generation = -1

    def usable(self) -> bool:
        """Whether to ask Redis now: it answered last time, or it is time to try again."""
        down_until = self._down_until
        return down_until is None or time.monotonic() >= down_until

    def failed(self, exc: BaseException) -> None:
        """Note that Redis did not answer; the first failure of an outage logs a WARNING."""
        with self._lock:
            first = self._down_until is None
            self._down_until = time.monotonic() + self.retry_interval
            if first:
                self.generation += 1
        if first:
            logger.warning(
                "rate-limit storage %s is unavailable (%s: %s); each process keeps to its own "
                "limits until it answers again",
                self.display_url,
                type(exc).__name__,
                exc,
            )

    def answered(self) -> None:
        """Note that Redis answered; logs once when it comes back after an outage."""
        if self._down_until is not None:
            with self._lock:
                back = self._down_until is not None
                self._down_until = None
            if back:
                logger.info("rate-limit storage %s answers again", self.display_url)

    def now_ms(self) -> int:
        """Redis' clock in milliseconds, from the local one and an offset measured once."""
        if self._offset_generation != self.generation:
            self._offset_ms = self._measure_offset_ms()
            self._offset_generation = self.generation
        return time.time_ns() // 1_000_000 + self._offset_ms

    def _measure_offset_ms(self) -> int:
        # Redis' TIME is taken to be the middle of the round trip; of a few, the shortest
        # round trip bounds the error best.
        samples: list[tuple[float, float]] = []
        for _ in range(_CLOCK_SAMPLES):
            sent = time.time()
            reply: Any = self.client.time()  # (seconds, microseconds); typed since redis 8
            seconds, micros = int(reply[0]), int(reply[1])
            received = time.time()
            samples.append((received - sent, seconds + micros / 1e6 - (sent + received) / 2))
        return round(min(samples)[1] * 1000)


class SharedLimiter:
    """A limit that every process using the same Redis key shares.

    Args:
        storage: the Redis connection.
        key: the Redis key of the limit (already free of secrets).
        requests: requests allowed per window.
        seconds: window length (widened by ``SAFETY_MARGIN``).
        fallback: the in-process limiter used while Redis does not answer.
        sleep: sleep function (injectable for tests).
        name: the limit's name in the log line of a wait; default ``key``.
    """

    def __init__(
        self,
        storage: RedisStorage,
        key: str,
        requests: int,
        seconds: float,
        fallback: RateLimiter,
        *,
        sleep: Callable[[float], object] = time.sleep,
        name: str = "",
    ) -> None:
        self.name = name or key
        self.requests = requests
        self.interval_ms = max(1, round(seconds * (1.0 + SAFETY_MARGIN) * 1000))
        self.spacing_ms = self.interval_ms / requests
        """Milliseconds between two requests of the fleet."""
        self.key = key
        self._storage = storage
        self._fallback = fallback
        self._sleep = sleep
        self._horizon_ms = round(HORIZON * 1000)
        self._store: RedisStateStore | None = None
        self._store_generation = -1

    def acquire(self, n: int = 1) -> float:
        """Wait until ``n`` more requests fit the shared limit; return the seconds waited."""
        if not 1 <= n <= self.requests:
            raise ValueError(f"{n} requests never fit a limit of {self.requests}")
        storage = self._storage
        waited = 0.0
        while storage.usable():
            try:
                booked, wait = self._book(n)
            except _REDIS_DOWN as exc:
                storage.failed(exc)
                break
            storage.answered()
            if wait > 0:
                log_wait(self.name, wait, f"the limit shared through {storage.display_url}")
                self._sleep(wait)
                waited += wait
            if booked:
                return waited
        return waited + self._fallback.acquire(n)

    def _book(self, n: int) -> tuple[bool, float]:
        """Book the first free slot for ``n`` requests within ``HORIZON``.

        Returns whether a slot was booked and the seconds to sleep: until the slot, or, when
        the queue reaches beyond the horizon, until it is time to ask again.
        """
        # n requests sent together take the middle of 2n - 1 consecutive slots: any stretch
        # of one window that holds them then holds n of those slots as well.
        weight = 2 * n - 1
        rate = Rate(self.requests, self.interval_ms, burst=weight)
        check = cast(Callable[..., Decision], self._store_for_now().check)
        now = self._storage.now_ms()
        at = now
        while True:
            decision = check(_GCRA, [rate], at, weight)
            if decision.allowed:
                return True, (at - now + (n - 1) * self.spacing_ms) / 1000
            at += max(1, decision.retry_after_ms or 0)
            if at - now > self._horizon_ms:
                return False, (at - now - self._horizon_ms) / 1000

    def _store_for_now(self) -> RedisStateStore:
        store = self._store
        if store is None or self._store_generation != self._storage.generation:
            # The key outlives the furthest booking by two windows, then goes.
            ttl_ms = self._horizon_ms + 3 * self.interval_ms
            store = RedisStateStore(self._storage.client, self.key, ttl_ms=ttl_ms)
            self._store = store
            self._store_generation = self._storage.generation
        return store

    def __repr__(self) -> str:
        return f"SharedLimiter({self.key!r}, {self.requests} per {self.interval_ms} ms)"


class RedisLimiterRegistry(KeyedLimiters[SharedLimiter]):
    """The limiters shared through one Redis; one per scope key and endpoint path.

    Args:
        url: ``redis://`` or ``rediss://`` URL, as checked by
            ``check_rate_limit_storage``.
        retry_interval: seconds between attempts to reach Redis again after a failure.
        timeout: seconds to connect to Redis or wait for its answer.
        sleep: sleep function given to new limiters.
    """

    def __init__(
        self,
        url: str,
        *,
        retry_interval: float = RETRY_INTERVAL,
        timeout: float = TIMEOUT,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        super().__init__()
        self.storage = RedisStorage(url, retry_interval=retry_interval, timeout=timeout)
        self._sleep = sleep
        self._fallback = LimiterRegistry(
            sleep=sleep, note=f"{self.storage.display_url} does not answer"
        )

    def _make(self, scope_key: str, path: str, requests: int, seconds: float) -> SharedLimiter:
        return SharedLimiter(
            self.storage,
            redis_key(scope_key, path),
            requests,
            seconds,
            self._fallback.get(scope_key, path, requests, seconds),
            sleep=self._sleep,
            name=path,
        )

    def __repr__(self) -> str:
        return f"RedisLimiterRegistry({self.storage.display_url!r})"


def redis_key(scope_key: str, path: str) -> str:
    """The Redis key of a limit: the scope key (it may hold an API key) only as a hash."""
    digest = hashlib.sha256(scope_key.encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}{digest}:{path}"
