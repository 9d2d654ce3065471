"""Rate limits shared through Redis by every process and machine of a fleet.

Imported by :func:`okx_v5.ratelimit.registry_for` only when a client is given a ``redis://``
or ``rediss://`` ``rate_limit_storage``; needs the ``redis`` extra (redis-py and
pyrate-limiter).

The window itself is pyrate-limiter's :class:`~pyrate_limiter.RedisBucket`: a sliding log in a
Redis sorted set, checked and appended in one atomic script, which answers a refusal with the
milliseconds until the request fits. What okx_v5 adds is how to wait for that moment:

- one thread per process and limit asks Redis; the others queue behind it in the process;
- a process that is refused joins a queue of waiting processes in Redis (a sorted set by
  arrival) and sleeps until the slot matching its place in that queue opens: the first waiter
  until the next request leaves the window, the second until the one after, and so on. So
  when a window opens the waiters come one by one, each at its own moment, instead of all at
  once for one slot, and nobody polls.

Time is Redis' clock (measured once per connection, as an offset to the local one), so the
machines of a fleet need not agree on the time. Keys are ``okx_v5:rl:`` + a SHA-256 of the
scope key (which may hold an API key) + ``:`` + the endpoint path; they expire when idle.

When Redis does not answer (not there at start, gone mid-run, wrong password, ...) the limiter
logs one WARNING, keeps the limit in-process, and tries Redis again every
:data:`RETRY_INTERVAL` seconds; a call to OKX never fails because of Redis.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import cast

import redis
from pyrate_limiter import Rate, RateItem, RedisBucket
from redis.backoff import NoBackoff
from redis.exceptions import NoScriptError
from redis.retry import Retry

from .ratelimit import SAFETY_MARGIN, LimiterRegistry, RateLimiter
from .settings import redact_url

__all__ = ["KEY_PREFIX", "RETRY_INTERVAL", "TIMEOUT", "RedisLimiterRegistry", "SharedLimiter"]

logger = logging.getLogger("okx_v5")

KEY_PREFIX = "okx_v5:rl:"
"""Prefix of every key okx_v5 writes to Redis."""
RETRY_INTERVAL = 1.0
"""Seconds between attempts to reach Redis again after it failed."""
TIMEOUT = 0.5
"""Seconds to connect to Redis or wait for its answer before falling back."""
_QUEUE_STALE_WINDOWS = 4
"""A queued process not seen for this many windows (at least 5 s) is taken to have gone."""

_REDIS_DOWN = (redis.RedisError, OSError)


class RedisStorage:
    """One Redis client per URL and process, and whether Redis answers.

    Args:
        url: the ``redis://`` or ``rediss://`` URL (never shown: see :attr:`display_url`).
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
            sent = time.time()
            seconds, micros = cast(tuple[int, int], self.client.time())
            received = time.time()
            self._offset_ms = round((seconds + micros / 1e6 - (sent + received) / 2) * 1000)
            self._offset_generation = self.generation
        return time.time_ns() // 1_000_000 + self._offset_ms


class SharedLimiter:
    """A sliding-window limit that every process using the same Redis key shares.

    Args:
        storage: the Redis connection.
        key: the Redis key of the window (already free of secrets).
        requests: requests allowed per window.
        seconds: window length (widened by :data:`~okx_v5.ratelimit.SAFETY_MARGIN`).
        fallback: the in-process limiter used while Redis does not answer.
        sleep: sleep function (injectable for tests).
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
    ) -> None:
        self.requests = requests
        self.interval_ms = max(1, round(seconds * (1.0 + SAFETY_MARGIN) * 1000))
        self.key = key
        self._queue_key = key + ":queue"
        self._stale_ms = max(5000, _QUEUE_STALE_WINDOWS * self.interval_ms)
        self._member = uuid.uuid4().hex  # this process's place in the queue
        self._storage = storage
        self._fallback = fallback
        self._sleep = sleep
        self._turn = threading.Lock()  # one thread per process asks Redis at a time
        self._bucket: RedisBucket | None = None
        self._bucket_generation = -1
        self._queued = False
        self._refreshed_at: int | None = None

    def acquire(self, n: int = 1) -> float:
        """Wait until ``n`` more requests fit the shared window; return the seconds waited."""
        if not 1 <= n <= self.requests:
            raise ValueError(f"{n} requests never fit a limit of {self.requests}")
        waited = 0.0
        storage = self._storage
        with self._turn:
            reloaded = False
            while storage.usable():
                try:
                    wait = self._try(n)
                except _REDIS_DOWN as exc:
                    if isinstance(exc, NoScriptError) and not reloaded:
                        # Redis restarted between two calls and forgot the script: load it.
                        reloaded = True
                        self._bucket = None
                        continue
                    storage.failed(exc)
                    break
                storage.answered()
                if not wait:
                    return waited
                self._sleep(wait)
                waited += wait
        return waited + self._fallback.acquire(n)

    def _try(self, n: int) -> float:
        """Ask for ``n`` slots now: 0 if they were taken, else the seconds to wait."""
        bucket = self._bucket_for_now()
        now = self._storage.now_ms()
        item = RateItem("okx_v5", now, weight=n)
        if bucket.put(item):
            self._admitted(bucket, now)
            return 0.0
        rank = self._enqueue(now)
        if rank == 0:
            wait_ms = cast(int, bucket.waiting(item))
        else:
            # The entry whose departure leaves room for us and for everyone ahead of us
            # (counted from the newest; the oldest one if the queue is longer than the limit).
            entry = cast("RateItem | None", bucket.peek(max(0, self.requests - n - rank)))
            wait_ms = 0 if entry is None else entry.timestamp + self.interval_ms - now + 1
        return max(wait_ms, 1) / 1000

    def _bucket_for_now(self) -> RedisBucket:
        bucket = self._bucket
        if bucket is None or self._bucket_generation != self._storage.generation:
            rate = Rate(self.requests, self.interval_ms)
            bucket = cast(RedisBucket, RedisBucket.init([rate], self._storage.client, self.key))
            self._bucket = bucket
            self._bucket_generation = self._storage.generation
        return bucket

    def _enqueue(self, now: int) -> int:
        """Join (or stay in) the queue of waiting processes; return how many are ahead."""
        pipe = self._storage.client.pipeline(transaction=True)
        pipe.zremrangebyscore(self._queue_key, "-inf", now - self._stale_ms)
        pipe.zadd(self._queue_key, {self._member: now}, nx=True)
        pipe.zrank(self._queue_key, self._member)
        pipe.pexpire(self._queue_key, self._stale_ms)
        rank = pipe.execute()[2]
        self._queued = True
        return int(rank)

    def _admitted(self, bucket: RedisBucket, now: int) -> None:
        if self._queued:
            self._storage.client.zrem(self._queue_key, self._member)
            self._queued = False
        # Once a window: drop entries that left it and keep the key alive for two windows
        # more, so that an idle limit leaves nothing behind.
        if self._refreshed_at is None or now - self._refreshed_at >= self.interval_ms:
            bucket.leak(now)
            self._storage.client.pexpire(self.key, 2 * self.interval_ms)
            self._refreshed_at = now

    def __repr__(self) -> str:
        return f"SharedLimiter({self.key!r}, {self.requests} per {self.interval_ms} ms)"


class RedisLimiterRegistry:
    """The limiters shared through one Redis; one per scope key and endpoint path.

    Args:
        url: ``redis://`` or ``rediss://`` URL, as checked by
            :func:`~okx_v5.settings.check_rate_limit_storage`.
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
        self.storage = RedisStorage(url, retry_interval=retry_interval, timeout=timeout)
        self._sleep = sleep
        self._fallback = LimiterRegistry(sleep=sleep)
        self._lock = threading.Lock()
        self._limiters: dict[tuple[str, str], SharedLimiter] = {}

    def get(self, scope_key: str, path: str, requests: int, seconds: float) -> SharedLimiter:
        """Return the limiter shared by every caller with this ``scope_key`` and ``path``."""
        key = (scope_key, path)
        limiter = self._limiters.get(key)
        if limiter is None:
            with self._lock:
                limiter = self._limiters.get(key)
                if limiter is None:
                    limiter = SharedLimiter(
                        self.storage,
                        redis_key(scope_key, path),
                        requests,
                        seconds,
                        self._fallback.get(scope_key, path, requests, seconds),
                        sleep=self._sleep,
                    )
                    self._limiters[key] = limiter
        return limiter

    def __repr__(self) -> str:
        return f"RedisLimiterRegistry({self.storage.display_url!r})"


def redis_key(scope_key: str, path: str) -> str:
    """The Redis key of a limit: the scope key (it may hold an API key) only as a hash."""
    digest = hashlib.sha256(scope_key.encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}{digest}:{path}"
