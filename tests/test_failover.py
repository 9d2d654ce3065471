"""Failover of the shared rate limits: a real redis-server killed or restarted mid-run.

Waits are recorded, not slept: each request's moment is when its limiter said it may go, and
those moments are counted against OKX's sliding window (FakeOKX's own ``SlidingWindow``), as
OKX would count the requests sent then.
"""

from __future__ import annotations

import logging
import time

import pytest

from okx_v5.exceptions import OkxRateLimitException
from okx_v5.ratelimit_redis import RedisLimiterRegistry, SharedLimiter
from okx_v5.testing.exchange import SlidingWindow

from .helpers import KEY
from .redisserver import RedisServer, free_port

REQUESTS, SECONDS = 5, 0.5


def shared(
    url: str, requests: int = REQUESTS, seconds: float = SECONDS, timeout: float = 0.5
) -> SharedLimiter:
    """A limiter as a new process would get it: its own registry and connection; its waits
    are recorded, not slept."""
    registry = RedisLimiterRegistry(url, retry_interval=0.05, timeout=timeout, sleep=[].append)
    return registry.get("user:" + KEY, "/p", requests, seconds)


class Sent:
    """The moments at which a limiter lets requests go (local monotonic time)."""

    def __init__(self, limiter: SharedLimiter) -> None:
        self.limiter = limiter
        self.moments: list[float] = []

    def take(self, count: int) -> None:
        """Ask the limiter for ``count`` requests, one at a time."""
        for _ in range(count):
            before = time.monotonic()
            wait = self.limiter.acquire()
            self.moments.append((before + time.monotonic()) / 2 + wait)

    def refused(self) -> int:
        """How many of the requests OKX would refuse (50011): more than ``REQUESTS`` in a
        window of ``SECONDS``."""
        window = SlidingWindow(REQUESTS, SECONDS)
        return sum(not window.allow(KEY, at) for at in sorted(self.moments))


def logged(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == level]


def test_the_fallback_continues_the_window_booked_through_redis(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    sent = Sent(shared(redis_server.url))
    sent.take(REQUESTS)  # a full window, booked through Redis
    redis_server.stop()
    sent.take(3 * REQUESTS)  # in-process from here on
    assert len(logged(caplog, logging.WARNING)) == 1
    assert sent.refused() == 0


def test_after_an_outage_the_first_window_through_redis_is_counted_as_full(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="okx_v5")
    sent = Sent(shared(redis_server.url))
    sent.take(REQUESTS)
    redis_server.stop()
    sent.take(2 * REQUESTS)  # in-process: Redis knows nothing of these
    redis_server.start()  # empty, as a restart without persistence leaves it
    time.sleep(0.06)  # the retry interval
    sent.take(2 * REQUESTS)
    assert redis_server.client().exists(sent.limiter.key)  # shared again
    assert sent.refused() == 0
    assert len(logged(caplog, logging.WARNING)) == 1
    assert [line for line in logged(caplog, logging.INFO) if "answers again" in line] != []


def test_an_outage_without_a_restart_also_counts_the_first_window_as_full(
    redis_server: RedisServer,
) -> None:
    # Redis keeps its state but does not answer for a while: it never sees what is sent
    # in-process meanwhile.
    sent = Sent(shared(redis_server.url, timeout=0.05))
    sent.take(REQUESTS)
    redis_server.client().client_pause(300)
    sent.take(REQUESTS)  # the first ask times out; in-process from there
    time.sleep(0.35)  # the pause is over
    sent.take(2 * REQUESTS)
    assert sent.refused() == 0


def test_a_restart_between_two_calls_counts_the_first_window_as_full(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="okx_v5")
    sent = Sent(shared(redis_server.url))
    sent.take(REQUESTS)
    redis_server.stop()
    redis_server.start()  # no call failed: only the run_id says the state is gone
    sent.take(2 * REQUESTS)
    assert sent.refused() == 0
    [warning] = logged(caplog, logging.WARNING)
    assert "restarted" in warning
    assert not [line for line in logged(caplog, logging.INFO) if "answers again" in line]


def test_a_shared_wait_past_the_deadline_books_nothing(redis_server: RedisServer) -> None:
    limiter = shared(redis_server.url, requests=1, seconds=2.0)
    assert limiter.acquire() == 0.0
    with pytest.raises(OkxRateLimitException, match=r"2\.\d\d s") as refused:
        limiter.acquire(deadline=time.monotonic() + 0.5)
    assert refused.value.sent is False
    assert "/p" in str(refused.value)
    assert redis_server.url in str(refused.value)  # no password here to hide
    # the next caller waits for the slot after the first, not after a refused one
    assert limiter.acquire() == pytest.approx(2.1, abs=0.05)


def test_a_wait_past_the_deadline_while_redis_does_not_answer_is_refused_too() -> None:
    limiter = shared(f"redis://127.0.0.1:{free_port()}/0", requests=1, seconds=2.0)
    assert limiter.acquire() == 0.0
    with pytest.raises(OkxRateLimitException, match="in-process limit") as refused:
        limiter.acquire(deadline=time.monotonic() + 0.5)
    assert refused.value.sent is False
    assert limiter.acquire() == pytest.approx(2.1, abs=0.05)
