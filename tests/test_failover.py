"""Failover of the shared rate limits: a real redis-server killed or restarted mid-run.

Waits are recorded, not slept: each request's moment is when its limiter said it may go, and
those moments are counted against OKX's sliding window, as OKX would count the requests sent
then. A moment is known only to within the time the limiter's answer took (a Redis round trip,
a time-out), which a loaded machine stretches: a window counts as crowded only when it is so
wherever in those spans the moments lie, and a test that wants one crowded asks only that it
may be (``surely=False``).
"""

from __future__ import annotations

import logging
import time

import pytest

from okx_v5.exceptions import OkxRateLimitException
from okx_v5.ratelimit_redis import RedisLimiterRegistry, SharedLimiter

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


Span = tuple[float, float]
"""The earliest and the latest a request may have been let go (local monotonic time)."""


class Sent:
    """The moments at which a limiter lets requests go, each as its ``Span``."""

    def __init__(self, limiter: SharedLimiter) -> None:
        self.limiter = limiter
        self.moments: list[Span] = []

    def take(self, count: int) -> None:
        """Ask the limiter for ``count`` requests, one at a time."""
        for _ in range(count):
            before = time.monotonic()
            wait = self.limiter.acquire()
            self.moments.append((before + wait, time.monotonic() + wait))

    def refused(self, requests: int = REQUESTS, since: int = 0, *, surely: bool = True) -> int:
        """How many windows of the requests (from the ``since``-th on) hold more than
        ``requests`` per ``SECONDS``: what OKX would refuse (50011)."""
        return refused(self.moments[since:], requests, surely=surely)


def refused(moments: list[Span], requests: int = REQUESTS, *, surely: bool = True) -> int:
    """How many runs of ``requests + 1`` consecutive requests fall within ``SECONDS``: surely
    (wherever in their spans the moments lie), or possibly (``surely=False``)."""
    spans = sorted(moments, key=sum)
    crowded = 0
    for first, last in zip(spans, spans[requests:], strict=False):
        apart = last[1] - first[0] if surely else last[0] - first[1]
        crowded += apart < SECONDS
    return crowded


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


def book_in_turns(fleet: list[Sent], turns: list[int], rounds: int) -> None:
    """Book through Redis in rounds: in each, the i-th process takes ``turns[i]`` slots."""
    for _ in range(rounds):
        for sent, count in zip(fleet, turns, strict=True):
            sent.take(count)


def test_while_redis_is_down_a_fleet_keeps_the_limit_each_process_to_its_share(
    redis_server: RedisServer,
) -> None:
    # 8 per window, taken 3 : 1 through Redis: shares of 6 and 2 while it is down
    fleet = [Sent(shared(redis_server.url, requests=8)) for _ in range(2)]
    book_in_turns(fleet, [3, 1], rounds=6)
    redis_server.stop()
    outage = [len(sent.moments) for sent in fleet]
    a, b = fleet
    a.take(18)  # in-process from here on
    b.take(6)
    assert refused(a.moments + b.moments, 8) == 0
    # each within its share, and given all of it: one request fewer and some are refused
    assert a.refused(6, since=outage[0]) == 0 < a.refused(5, since=outage[0], surely=False)
    assert b.refused(2, since=outage[1]) == 0 < b.refused(1, since=outage[1], surely=False)


def test_shares_are_learnt_again_after_redis_answers_again(redis_server: RedisServer) -> None:
    fleet = [Sent(shared(redis_server.url, requests=8)) for _ in range(2)]
    a, b = fleet
    book_in_turns(fleet, [3, 1], rounds=6)
    redis_server.stop()
    a.take(1)
    b.take(1)
    redis_server.start()
    time.sleep(0.06)  # the retry interval
    book_in_turns(fleet, [1, 3], rounds=6)  # the other way round now
    redis_server.stop()
    outage = [len(sent.moments) for sent in fleet]
    a.take(6)
    b.take(18)
    assert refused(a.moments + b.moments, 8) == 0
    # A is held to its new, smaller share; B gets more than its old one (2)
    assert a.refused(2, since=outage[0]) == 0
    assert b.refused(6, since=outage[1]) == 0 < b.refused(2, since=outage[1], surely=False)


def test_a_lone_process_keeps_the_whole_limit_while_redis_is_down(
    redis_server: RedisServer,
) -> None:
    sent = Sent(shared(redis_server.url))
    sent.take(3 * REQUESTS)
    redis_server.stop()
    outage = len(sent.moments)
    sent.take(3 * REQUESTS)
    assert sent.refused() == 0
    assert sent.refused(REQUESTS - 1, since=outage, surely=False) > 0


def test_a_limit_the_process_did_not_use_through_redis_allows_one_request_per_window(
    redis_server: RedisServer,
) -> None:
    registry = RedisLimiterRegistry(redis_server.url, retry_interval=0.05, sleep=[].append)
    Sent(registry.get("user:" + KEY, "/other", REQUESTS, SECONDS)).take(2)  # Redis answered
    redis_server.stop()
    sent = Sent(registry.get("user:" + KEY, "/p", REQUESTS, SECONDS))
    sent.take(3)
    assert (sent.refused(1), sent.refused(REQUESTS - 1)) == (0, 0)
    assert sent.limiter.share == 0.0


def test_a_process_redis_never_answered_keeps_the_whole_limit() -> None:
    sent = Sent(shared(f"redis://127.0.0.1:{free_port()}/0"))
    sent.take(REQUESTS)
    assert (sent.refused(), sent.refused(REQUESTS - 1)) == (0, 1)
