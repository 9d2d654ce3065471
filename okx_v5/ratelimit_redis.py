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
``RETRY_INTERVAL`` seconds; a call to OKX never fails because of Redis. When it answers again it
logs one INFO.

Failover keeps the limit, within what one process can know:

- While Redis answers, every slot this process books through it is also counted by the
  in-process fallback limiter. When Redis is lost, the fallback continues from the same window:
  it grants only what those slots leave free, never a fresh burst right after a full window.
- When Redis answers again after an outage, or after a restart that lost the state, the first
  window of each limit (counted from now, or from the last slot the fallback reserved if that
  is later) is counted as full in Redis: nothing is booked through Redis before it ends, so the
  requests sent in-process meanwhile (by any process of the fleet) and those booked through
  Redis never share a window. The price is one window without requests per limit, once.
- A restart is detected by Redis' ``run_id`` (``INFO server``), read once on every new
  connection: a restart always drops the connections, so every process reconnects and sees it,
  with no extra round trip per request; it also catches a restart that reloaded an old snapshot
  (bookings made since it was taken are lost though the keys exist). A marker key could not: it
  survives such a reload, and checking it would cost a round trip per booking. Not detected:
  ``FLUSHALL``/``FLUSHDB`` and keys evicted under ``maxmemory`` (use ``noeviction``).
- During an outage each process keeps to its share of each limit, so that a fleet keeps the
  limit too. While Redis answers, a process notes the slots it books in the shared schedule
  (the GCRA's: one slot every ``seconds * (1 + SAFETY_MARGIN) / requests``). Between two of
  its bookings the schedule advanced by the slots everyone booked, its own included, plus any
  time nobody used; so its share is the slots its requests took among all the slots of the
  schedule in the last ``SHARE_WINDOWS`` windows before it noticed the outage, learnt from
  the bookings it already makes (no extra round trip). When it falls back, the fallback
  allows ``floor(share * requests)`` per window, at least 1, until Redis answers; the share
  is learnt again from the bookings made after that, and kept (for the next outage) until
  then. A process alone at the limit has a share of 1 and keeps the whole limit; N processes
  that shared the schedule evenly get ``floor(requests / N)`` each.

  What this guarantees, and what not:

  - The shares of a fleet add up to at most 1 when its processes measure them over the same
    stretch of the schedule: every process notices the outage at its next call, and these
    moments differ by at most the time between two calls. Time nobody used counts in
    everyone's share as unused, never as anyone's, and shares are rounded down: a fleet in
    an outage sends at most the limit, and usually less (8 processes that share 20 requests
    evenly send 16 per window). A share that shifted within the last windows (a process
    that just stopped or started calling) is measured as its average over them.
  - The share is a process's recent use, not what it may want: a process below the limit
    during the outage keeps its own recent rate even if the rest of the fleet is idle (it
    cannot know that it is alone), and a limit it did not use in the last windows allows 1
    request per window (so does one booking with nothing known of the schedule after it).
    Shares that shift during the outage are not followed.
  - The minimum of 1 request per window per process means that more processes than the
    limit allows per window can exceed it; so can a batch of more requests than a share,
    which waits for a window without this process's requests and then goes at once.
  - A process that Redis never answered (it started, or joined the fleet, during the outage)
    has no share to go by and keeps the whole limit to itself, as without Redis: N such
    processes on one API key may send up to N times a "user" limit until Redis answers.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from itertools import pairwise
from typing import Any, cast

import redis
from pyrate_limiter import GCRA, Decision, Rate, RedisStateStore
from redis.backoff import NoBackoff
from redis.retry import Retry

from .exceptions import OkxRateLimitException
from .ratelimit import (
    SAFETY_MARGIN,
    KeyedLimiters,
    LimiterRegistry,
    RateLimiter,
    log_wait,
    past_deadline,
)
from .redaction import redact_url

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
SHARE_WINDOWS = 3
"""Windows of the shared schedule over which a process measures its share of a limit."""
_CLOCK_SAMPLES = 3
_GCRA = GCRA()

# pyrate-limiter's GCRA keeps the next free moment of a limit (Redis time, integer
# microseconds) in the hash field tat1; a booking is admitted from that moment on.
_FULL_WINDOW_LUA = """
local stored = tonumber(redis.call('HGET', KEYS[1], 'tat1') or '0') or 0
local floor = tonumber(ARGV[1])
if floor > stored then
    redis.call('HSET', KEYS[1], 'tat1', string.format('%.0f', floor))
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0
"""

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
            # Through a weak reference: a cycle storage -> client -> connection -> storage
            # would leave the sockets for the garbage collector to find, unclosed.
            redis_connect_func=_connect_hook(weakref.WeakMethod(self._connected)),
        )
        self.retry_interval = retry_interval
        self.generation = 0
        """Bumped at every outage and restart: buckets load their script again, the clock is
        re-measured, and each limit counts its next window as full."""
        self.run_id: str | None = None
        """The ``run_id`` of the Redis server last connected to (``None``: not known)."""
        self.full_window = self.client.register_script(_FULL_WINDOW_LUA)
        self.ever_answered = False
        """Whether Redis has answered this process at least once."""
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
                "rate-limit storage %s is unavailable (%s: %s); each process keeps to its "
                "share of the limits until it answers again",
                self.display_url,
                type(exc).__name__,
                exc,
            )

    def _connected(self, connection: Any) -> None:
        # redis-py's hook for a new connection: do what it would do (AUTH, SELECT, ...), then
        # learn which server run this is. A restart drops every connection, so each process
        # sees a new run_id on its next command.
        connection.on_connect()
        connection.send_command("INFO", "server")
        try:
            info = connection.read_response()
        except redis.ResponseError:  # INFO renamed away: restarts go unseen
            return
        text = info.decode() if isinstance(info, bytes) else str(info)
        run_id = next(
            (line[7:].strip() for line in text.splitlines() if line.startswith("run_id:")), None
        )
        if run_id is not None:
            self._seen(run_id)

    def _seen(self, run_id: str) -> None:
        """Note the server's ``run_id``; a new one means a restart and lost limits."""
        with self._lock:
            restarted = self.run_id is not None and run_id != self.run_id
            self.run_id = run_id
            if restarted:
                self.generation += 1
            silent = restarted and self._down_until is None
        if silent:  # after an outage, its WARNING and INFO say enough
            logger.warning(
                "rate-limit storage %s restarted and lost the shared limits; each limit counts "
                "its next window as full",
                self.display_url,
            )

    def answered(self) -> None:
        """Note that Redis answered; logs once when it comes back after an outage."""
        self.ever_answered = True
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

    def last_known_ms(self) -> int:
        """Redis' clock in milliseconds by the last offset measured, without asking Redis
        (it may not answer)."""
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


def _connect_hook(
    connected: weakref.WeakMethod[Callable[[Any], None]],
) -> Callable[[Any], None]:
    def hook(connection: Any) -> None:
        method = connected()
        if method is None:
            connection.on_connect()
        else:
            method(connection)

    return hook


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
        self._ttl_ms = self._horizon_ms + 3 * self.interval_ms
        self._store: RedisStateStore | None = None
        self._store_generation = -1
        # The storage's generation when this limit last booked through Redis; None after it
        # fell back. Any other value means the next window must first be counted as full.
        self._generation: int | None = storage.generation
        self._lock = threading.Lock()
        # This process's bookings since it last fell back, as (slot, requests, weight): the
        # slot in Redis ms, the weight in slots of the shared schedule. Only the last
        # SHARE_WINDOWS windows are kept; _pruned says that older ones were dropped.
        self._booked: deque[tuple[int, int, int]] = deque()
        self._pruned = False
        self.share: float | None = None
        """This process's share of the limit, learnt from its bookings when it last fell back
        (``None``: never learnt; see the module's docstring)."""

    def acquire(self, n: int = 1, deadline: float | None = None) -> float:
        """Wait until ``n`` more requests fit the shared limit; return the seconds waited.

        ``deadline`` is a ``time.monotonic()`` instant: when the wait would end after it,
        nothing is booked and ``OkxRateLimitException`` (``sent=False``) is raised at once.
        """
        if not 1 <= n <= self.requests:
            # Callers check first (OkxClient refuses such a batch with OkxParamsException).
            raise ValueError(f"{n} requests never fit a limit of {self.requests}")
        storage = self._storage
        waited = 0.0
        while storage.usable():
            try:
                booked, wait = self._book(n, deadline)
            except OkxRateLimitException:
                storage.answered()
                raise
            except _REDIS_DOWN as exc:
                storage.failed(exc)
                self._generation = None
                break
            storage.answered()
            if booked:
                self._fallback.record(n, wait)
            if wait > 0:
                log_wait(self.name, wait, f"the limit shared through {storage.display_url}")
                self._sleep(wait)
                waited += wait
            if booked:
                return waited
        self._generation = None
        self._fall_back()
        return waited + self._fallback.acquire(n, deadline)

    def _fall_back(self) -> None:
        """Let the fallback allow only this process's share of the limit: learnt from the
        bookings made since it last fell back, if any (see the module's docstring)."""
        with self._lock:
            if self._booked:
                self.share = self._measure_share(self._storage.last_known_ms())
                self._booked.clear()
                self._pruned = False
            elif self.share is None and self._storage.ever_answered:
                self.share = 0.0  # part of a fleet, and none of its recent use was this limit's
            else:
                return
            allowed = math.floor(self.share * self.requests + 1e-9)
        self._fallback.allow(allowed)

    def _measure_share(self, now_ms: int) -> float:
        """The fraction of the shared schedule's slots in the last ``SHARE_WINDOWS`` windows
        (up to ``now_ms``, Redis ms) that this process's requests took."""
        spacing = self.spacing_ms
        start = now_ms - SHARE_WINDOWS * self.interval_ms
        recent = [booking for booking in self._booked if booking[0] > start]
        if not recent:
            return 0.0
        # Between two of its bookings the schedule advanced by the slots everyone booked (its
        # own included) and any idle time, never less: a share measured so errs low.
        sent = 0
        slots = (recent[0][0] - start) // spacing if self._pruned else 0
        for (at, n, weight), (later, _, _) in pairwise(recent):
            sent += n
            slots += max(weight, (later - at) // spacing)
        at, n, weight = recent[-1]
        if now_ms >= at + weight * spacing:  # else the schedule after it is not known yet
            sent += n
            slots += (now_ms - at) // spacing
        return min(sent / slots, 1.0) if slots else 0.0  # one booking, nothing after it

    def _note_booking(self, at: int, n: int, weight: int) -> None:
        with self._lock:
            booked = self._booked
            booked.append((at, n, weight))
            start = at - (SHARE_WINDOWS + 1) * self.interval_ms
            while booked[0][0] < start:
                booked.popleft()
                self._pruned = True

    def _book(self, n: int, deadline: float | None) -> tuple[bool, float]:
        """Book the first free slot for ``n`` requests within ``HORIZON``, after counting the
        window as full if Redis was lost or restarted since the last booking.

        Returns whether a slot was booked and the seconds to sleep: until the slot, or, when
        the queue reaches beyond the horizon, until it is time to ask again.
        """
        storage = self._storage
        while True:
            generation = storage.generation
            if generation != self._generation:
                self._count_window_full()
                if storage.generation != generation:
                    continue  # it reconnected and met a restarted Redis: count from now
            result = self._book_slot(n, deadline)
            if storage.generation == generation:  # no restart seen meanwhile
                self._generation = generation
                return result
            # A new connection met a restarted Redis while booking: that slot was booked on
            # lost state. It stays booked (harmless); count the window as full and book again.

    def _book_slot(self, n: int, deadline: float | None) -> tuple[bool, float]:
        # n requests sent together take the middle of 2n - 1 consecutive slots: any stretch
        # of one window that holds them then holds n of those slots as well.
        weight = 2 * n - 1
        rate = Rate(self.requests, self.interval_ms, burst=weight)
        check = cast(Callable[..., Decision], self._store_for_now().check)
        now = self._storage.now_ms()
        started = time.monotonic()
        at = now
        while True:
            send = (at - now + (n - 1) * self.spacing_ms) / 1000
            if deadline is not None and started + send > deadline:
                shared = f"the limit shared through {self._storage.display_url}"
                raise past_deadline(self.name, send, shared, deadline - started)
            decision = check(_GCRA, [rate], at, weight)
            if decision.allowed:
                self._note_booking(at, n, weight)
                return True, send
            at += max(1, decision.retry_after_ms or 0)
            if at - now > self._horizon_ms:
                return False, (at - now - self._horizon_ms) / 1000

    def _count_window_full(self) -> None:
        """Count the limit's next window as full in Redis: from now, or from the last slot the
        fallback reserved if that is later (see the module's docstring)."""
        storage = self._storage
        floor_ms = storage.now_ms() + self._fallback.busy_for() * 1000 + self.interval_ms
        storage.full_window(keys=[self.key], args=[round(floor_ms * 1000), self._ttl_ms])

    def _store_for_now(self) -> RedisStateStore:
        store = self._store
        if store is None or self._store_generation != self._storage.generation:
            # The key outlives the furthest booking by two windows, then goes.
            store = RedisStateStore(self._storage.client, self.key, ttl_ms=self._ttl_ms)
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
