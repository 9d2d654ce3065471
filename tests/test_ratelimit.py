"""Client-side rate limiting: each endpoint's documented limit, shared per API key or domain."""

from __future__ import annotations

import logging
import threading
from typing import Any

import attrs
import pytest
import responses

from okx_v5 import AccountAPI, PublicAPI, TradeAPI, ratelimit
from okx_v5.endpoint import Endpoint, RateLimit
from okx_v5.exceptions import OkxParamsException, OkxRateLimitException
from okx_v5.ratelimit import LimiterRegistry, RateLimiter

from .helpers import DOMAIN, KEY, PASSPHRASE, SECRET


class FakeTime:
    """A clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def test_requests_inside_the_limit_do_not_wait(fake: FakeTime) -> None:
    limiter = RateLimiter(3, 2.0, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    assert [limiter.acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert fake.slept == []


def test_the_next_request_waits_until_the_oldest_leaves_the_window(fake: FakeTime) -> None:
    limiter = RateLimiter(2, 2.0, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    fake.now += 0.5
    limiter.acquire()
    fake.now += 0.5
    assert limiter.acquire() == pytest.approx(1.0)  # the first left at 102.0; now is 101.0
    assert limiter.acquire() == pytest.approx(1.5)  # the second leaves at 102.5
    assert fake.slept == pytest.approx([1.0, 1.5])


def test_waiting_callers_are_spread_one_window_apart(fake: FakeTime) -> None:
    limiter = RateLimiter(2, 1.0, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    waits = [limiter.reserve() for _ in range(6)]
    assert waits == pytest.approx([0, 0, 1, 1, 2, 2])


def test_the_window_is_widened_by_the_safety_margin(fake: FakeTime) -> None:
    limiter = RateLimiter(1, 2.0, clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    assert limiter.acquire() == pytest.approx(2.0 * (1 + ratelimit.SAFETY_MARGIN))


def test_old_requests_leave_the_window(fake: FakeTime) -> None:
    limiter = RateLimiter(1, 1.0, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    fake.now += 5
    assert limiter.acquire() == 0.0


@pytest.mark.parametrize(("requests", "seconds"), [(0, 1.0), (1, 0.0)])
def test_a_limit_that_allows_nothing_is_refused(requests: int, seconds: float) -> None:
    with pytest.raises(ValueError, match="allows nothing"):
        RateLimiter(requests, seconds)


def test_reservations_from_many_threads_never_exceed_the_limit(fake: FakeTime) -> None:
    limiter = RateLimiter(5, 1.0, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    slots: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            at = fake.clock() + limiter.reserve()
            with lock:
                slots.append(at)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    slots.sort()
    assert len(slots) == 200
    # every 6th slot is at least one window after the first of them: at most 5 per window
    assert all(later - earlier >= 1.0 for earlier, later in zip(slots, slots[5:], strict=False))
    assert slots[-1] == pytest.approx(100.0 + 39)  # and no slot is wasted


def test_the_registry_shares_one_limiter_per_key_and_path() -> None:
    registry = LimiterRegistry()
    first = registry.get("user:k", "/a", 20, 2.0)
    assert registry.get("user:k", "/a", 20, 2.0) is first
    assert registry.get("user:other", "/a", 20, 2.0) is not first
    assert registry.get("user:k", "/b", 20, 2.0) is not first
    registry.clear()
    assert registry.get("user:k", "/a", 20, 2.0) is not first


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch, fake: FakeTime) -> LimiterRegistry:
    registry = LimiterRegistry(clock=fake.clock, sleep=fake.sleep)
    monkeypatch.setattr(ratelimit, "registry", registry)
    return registry


def test_get_leverage_waits_after_20_calls_in_2_seconds(
    fake_registry: LimiterRegistry, fake: FakeTime, leverage_ok: responses.RequestsMock
) -> None:
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1")
    for _ in range(20):
        api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert fake.slept == []
    api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert fake.slept == pytest.approx([2.0 * (1 + ratelimit.SAFETY_MARGIN)])
    assert len(leverage_ok.calls) == 21


def infos(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]


def test_a_wait_of_more_than_a_second_is_logged_at_info_with_the_endpoint_and_limit(
    fake_registry: LimiterRegistry,
    fake: FakeTime,
    leverage_ok: responses.RequestsMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="okx_v5")
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1")
    for _ in range(21):
        api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert infos(caplog) == [
        "/api/v5/account/leverage-info 20/2s: waiting 2.10 s for the in-process limit"
    ]
    assert KEY not in caplog.text


def test_a_wait_of_a_second_or_less_is_logged_only_at_debug(
    fake: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="okx_v5")
    limiter = RateLimiter(2, 1.0, margin=0.0, clock=fake.clock, sleep=fake.sleep, name="/p 2/1s")
    for _ in range(3):
        limiter.acquire()
    assert fake.slept == [1.0]
    assert infos(caplog) == []
    assert [r.getMessage() for r in caplog.records] == [
        "/p 2/1s: waiting 1.00 s for the in-process limit"
    ]


def test_clients_with_the_same_api_key_share_the_limit(
    fake_registry: LimiterRegistry, fake: FakeTime, leverage_ok: responses.RequestsMock
) -> None:
    one = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1")
    two = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1")
    other = AccountAPI("another-key-0000", SECRET, PASSPHRASE, False, "1")
    for _ in range(10):
        one.get_leverage("cross", instId="BTC-USDT-SWAP")
        two.get_leverage("cross", instId="BTC-USDT-SWAP")
    other.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert fake.slept == []
    two.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert len(fake.slept) == 1


def test_public_limits_are_shared_per_domain(
    fake_registry: LimiterRegistry, fake: FakeTime, tiers_ok: responses.RequestsMock
) -> None:
    clients = [PublicAPI(), PublicAPI(flag="0")]
    for number in range(10):
        clients[number % 2].get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert fake.slept == []
    clients[0].get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert fake.slept == pytest.approx([2.0 * (1 + ratelimit.SAFETY_MARGIN)])
    assert fake_registry.get("ip:https://www.okx.com", "/api/v5/public/position-tiers", 10, 2)


def test_rate_limit_false_never_waits(
    fake_registry: LimiterRegistry, fake: FakeTime, tiers_ok: responses.RequestsMock
) -> None:
    api = PublicAPI(rate_limit=False)
    for _ in range(30):
        api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert fake.slept == []
    assert len(tiers_ok.calls) == 30


def test_several_requests_at_once_take_several_slots(fake: FakeTime) -> None:
    limiter = RateLimiter(3, 1.0, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    assert limiter.acquire(2) == 0.0
    fake.now += 0.5
    assert limiter.acquire(2) == pytest.approx(0.5)  # both wait for the first two to leave
    assert limiter.reserve(1) == pytest.approx(0.5)  # at 101.0 two slots are taken, one free
    with pytest.raises(ValueError, match="never fit"):
        limiter.reserve(4)


def test_clients_without_a_storage_use_the_in_process_registry() -> None:
    assert ratelimit.registry_for(None) is ratelimit.registry


def test_a_limit_reads_as_okx_states_it() -> None:
    assert RateLimit(20, 2.0, "user", per=("instId",)).describe() == (
        "20 requests / 2 s per user ID and instId"
    )
    assert RateLimit(300, 2.0, "user", count="item").describe() == "300 items / 2 s per user ID"
    assert RateLimit(1, 2.0, "ip").describe() == "1 request / 2 s per IP"


def test_calls_with_a_query_in_the_path_count_against_the_one_limit_of_the_endpoint(
    fake_registry: LimiterRegistry, fake: FakeTime, leverage_ok: responses.RequestsMock
) -> None:
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1")
    for n in range(21):  # python-okx's seam, as a script may call it: each with its own query
        path = f"/api/v5/account/leverage-info?mgnMode=cross&instId=COIN{n}-USDT-SWAP"
        api._request_with_params("GET", path, {})
    assert fake.slept == pytest.approx([2.0 * (1 + ratelimit.SAFETY_MARGIN)])


def test_a_wait_past_the_deadline_is_refused_at_once_and_reserves_nothing(
    fake: FakeTime,
) -> None:
    limiter = RateLimiter(1, 2.0, margin=0.0, clock=fake.clock, sleep=fake.sleep, name="/p 1/2s")
    limiter.acquire()
    with pytest.raises(OkxRateLimitException, match=r"^/p 1/2s: .* 2\.00 s, .* 1\.50 s") as e:
        limiter.acquire(deadline=fake.now + 1.5)
    assert e.value.sent is False
    assert fake.slept == []
    assert limiter.acquire() == pytest.approx(2.0)  # not 4.0: the refused call took no slot


def test_a_wait_that_ends_by_the_deadline_is_taken(fake: FakeTime) -> None:
    limiter = RateLimiter(1, 2.0, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    limiter.acquire()
    assert limiter.acquire(deadline=fake.now + 2.0) == pytest.approx(2.0)


def test_slots_booked_elsewhere_fill_the_window(fake: FakeTime) -> None:
    limiter = RateLimiter(3, 1.0, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    limiter.record(3, after=0.5)  # three requests a shared limit lets go at 100.5
    assert limiter.busy_for() == pytest.approx(0.5)
    assert limiter.acquire() == pytest.approx(1.5)  # the window they open is full


def test_a_call_whose_limit_wait_would_pass_its_budget_is_refused_unsent(
    fake_registry: LimiterRegistry, fake: FakeTime, leverage_ok: responses.RequestsMock
) -> None:
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", retry_budget=1.0)
    api.retry_policy = attrs.evolve(api.retry_policy, clock=fake.clock)
    for _ in range(20):
        api.get_leverage("cross", instId="BTC-USDT-SWAP")
    with pytest.raises(OkxRateLimitException, match="leverage-info") as refused:
        api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert (refused.value.sent, refused.value.method, refused.value.attempts) == (False, "GET", 1)
    assert refused.value.path.startswith("/api/v5/account/leverage-info?")
    assert fake.slept == []
    assert len(leverage_ok.calls) == 20


BATCH = Endpoint[Any](
    name="place_batch",
    method="POST",
    path="/api/v5/test/batch",
    signed=True,
    limits=(RateLimit(5, 2.0, "user", count="item"),),
    body="list",
)


def test_a_batch_no_window_admits_is_refused_before_anything_is_queued(
    fake_registry: LimiterRegistry, fake: FakeTime, mocked: responses.RequestsMock
) -> None:
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", validate=False)
    with pytest.raises(OkxParamsException, match=r"POST /api/v5/test/batch: 6 items .* 5 items"):
        api.request(BATCH, [{"n": n} for n in range(6)])
    assert len(mocked.calls) == 0


def test_an_order_batch_over_its_rate_limit_is_an_okx_exception_even_unvalidated(
    mocked: responses.RequestsMock,
) -> None:
    api = TradeAPI(KEY, SECRET, PASSPHRASE, False, "1")
    order = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "1"}
    with pytest.raises(OkxParamsException):
        api.place_multiple_orders([order] * 301, validate=False)
    assert len(mocked.calls) == 0


def test_with_rate_limit_false_a_batch_over_the_limit_is_left_to_okx(
    mocked: responses.RequestsMock,
) -> None:
    mocked.post(DOMAIN + BATCH.path, json={"code": "0", "msg": "", "data": []})
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", rate_limit=False)
    assert api.request(BATCH, [{"n": n} for n in range(6)]).code == "0"
    assert len(mocked.calls) == 1
