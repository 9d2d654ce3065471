"""Rate limits shared through a real redis-server by several processes and machines."""

from __future__ import annotations

import itertools
import json
import logging
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from okx_v5 import AccountAPI, PublicAPI, checks, ratelimit, ratelimit_redis, redaction
from okx_v5.endpoints.account import GET_LEVERAGE as LEVERAGE_INFO
from okx_v5.endpoints.public_data import GET_POSITION_TIERS as POSITION_TIERS
from okx_v5.exceptions import OkxParamsException
from okx_v5.ratelimit_redis import KEY_PREFIX, RedisLimiterRegistry, SharedLimiter, redis_key
from okx_v5.testing import FakeOKX

from .helpers import KEY, PASSPHRASE, SECRET, limiter_of
from .redisserver import RedisServer, free_port, running_redis

PASSWORD = "n0t-in-any-log-3f9a"

# A process of the fleet: waits for "go" on stdin, takes 5 slots of a 5 per 0.3 s user rule
# and prints the moments (Redis' clock, ms) it booked.
WORKER = """
import json, sys
from okx_v5.ratelimit_redis import RedisLimiterRegistry, RedisStorage
clock = []
now_ms = RedisStorage.now_ms
RedisStorage.now_ms = lambda self: clock.append(now_ms(self)) or clock[-1]
limiter = RedisLimiterRegistry(sys.argv[1]).get(sys.argv[2], "/api/v5/account/leverage-info", 5, 0.3)
print("ready", flush=True)
sys.stdin.readline()
booked = [limiter.acquire() * 1000 + clock[-1] for _ in range(5)]
print(json.dumps(booked), flush=True)
"""


def shared(
    url: str,
    scope: str = "user:" + KEY,
    requests: int = 5,
    seconds: float = 0.3,
    sleep: Callable[[float], object] = time.sleep,
) -> SharedLimiter:
    """A limiter as a new process would get it: its own registry and connection."""
    registry = RedisLimiterRegistry(url, retry_interval=0.05, sleep=sleep)
    return registry.get(scope, "/p", requests, seconds)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_processes_with_one_api_key_share_its_user_rule(redis_server: RedisServer) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, redis_server.url, "user:" + KEY],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for worker in workers:
        assert worker.stdout is not None
        assert worker.stdout.readline() == "ready\n"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    admitted = sorted(
        t for worker in workers for t in json.loads(worker.communicate(timeout=20)[0])
    )
    assert len(admitted) == 15
    # one every 0.3 s x 1.05 / 5 = 63 ms: never more than 5 in any 0.3 s, and none wasted
    gaps = [later - earlier for earlier, later in itertools.pairwise(admitted)]
    assert min(gaps) >= 63
    assert admitted[-1] - admitted[0] < 14 * 63 + 100


def booked(acquire: Callable[[], float]) -> tuple[float, float]:
    """When the slot ``acquire`` booked can be (local monotonic time): its wait counts from the
    moment Redis read its clock, somewhere within the call. The waits are recorded, not slept."""
    before = time.monotonic()
    wait = acquire()
    return before + wait, time.monotonic() + wait


def apart(first: tuple[float, float], later: tuple[float, float], seconds: float) -> bool:
    """Whether two booked slots can be ``seconds`` apart (2 ms for the clocks' rounding)."""
    return later[0] - first[1] - 0.002 <= seconds <= later[1] - first[0] + 0.002


def test_refused_processes_book_the_next_slots_in_turn(redis_server: RedisServer) -> None:
    sleeps: list[float] = []
    fleet = [shared(redis_server.url, requests=3, sleep=sleeps.append) for _ in range(4)]
    slots = [booked(process.acquire) for process in fleet]
    # 0.3 s x 1.05 / 3 apart, in the order they asked
    assert all(apart(slots[0], slot, 0.105 * n) for n, slot in enumerate(slots))
    assert len(sleeps) == 3
    # Each refused process asked twice: to learn when, and to book that moment. It then sleeps
    # once, until its slot; nobody wakes for a slot that another takes.
    evalsha = redis_server.client().info("commandstats")["cmdstat_evalsha"]
    assert evalsha["calls"] - evalsha["failed_calls"] == 1 + 2 * 3  # less the first NOSCRIPT


def test_ip_rules_are_counted_per_host(redis_server: RedisServer) -> None:
    scope = "ip:{}@https://www.okx.com"
    sleeps: list[float] = []
    host_a = shared(redis_server.url, scope.format("host-a"), sleep=sleeps.append)
    first = booked(host_a.acquire)
    for _ in range(4):
        host_a.acquire()
    assert shared(redis_server.url, scope.format("host-b")).acquire() == 0.0
    same_host_elsewhere = shared(redis_server.url, scope.format("host-a"), sleep=sleeps.append)
    assert apart(first, booked(same_host_elsewhere.acquire), 5 * 0.063)


def test_clients_count_ip_rules_under_their_host_and_user_rules_under_their_key(
    redis_server: RedisServer,
) -> None:
    def limiter(**kwargs: str) -> str:
        api = PublicAPI(rate_limit_storage=redis_server.url, **kwargs)
        limit = limiter_of(api, POSITION_TIERS)
        assert isinstance(limit, SharedLimiter)
        return limit.key

    assert limiter(rate_limit_host="a") == limiter(rate_limit_host="a")
    assert limiter(rate_limit_host="a") != limiter(rate_limit_host="b")
    assert limiter() == limiter(rate_limit_host=checks.check_rate_limit_host(None))
    account = AccountAPI(KEY, SECRET, PASSPHRASE, rate_limit_storage=redis_server.url)
    other_host = AccountAPI(
        KEY, SECRET, PASSPHRASE, rate_limit_storage=redis_server.url, rate_limit_host="b"
    )
    assert limiter_of(account, LEVERAGE_INFO) is limiter_of(other_host, LEVERAGE_INFO)


def test_the_api_key_never_reaches_redis_in_clear(
    redis_server: RedisServer, fake_okx: FakeOKX
) -> None:
    api = AccountAPI(
        FakeOKX.DEMO_KEY,
        FakeOKX.DEMO_SECRET,
        FakeOKX.DEMO_PASSPHRASE,
        domain=fake_okx.url,
        rate_limit_storage=redis_server.url,
    )
    for _ in range(3):
        assert api.get_leverage("cross", instId="BTC-USDT-SWAP").ok
    client = redis_server.client()
    keys = [key.decode() for key in client.keys("*")]
    (rule,) = LEVERAGE_INFO.limits
    name = ratelimit.limit_name(LEVERAGE_INFO.path, rule.requests, rule.seconds)
    assert keys == [redis_key("user:" + FakeOKX.DEMO_KEY, name)]
    assert keys[0].startswith(KEY_PREFIX)
    stored = " ".join(keys) + repr(client.hgetall(keys[0]))
    assert FakeOKX.DEMO_KEY not in stored
    assert 0 < client.pttl(keys[0]) <= 60_000 + 3 * 2100  # an idle limit leaves nothing behind


def test_a_client_keeps_trading_when_redis_is_not_there_at_start(
    fake_okx: FakeOKX, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"redis://:{PASSWORD}@127.0.0.1:{free_port()}/0"
    api = AccountAPI(
        FakeOKX.DEMO_KEY,
        FakeOKX.DEMO_SECRET,
        FakeOKX.DEMO_PASSPHRASE,
        domain=fake_okx.url,
        rate_limit_storage=url,
    )
    assert all(api.get_leverage("cross", instId="BTC-USDT-SWAP").ok for _ in range(3))
    assert len(warnings_of(caplog)) == 1
    assert "unavailable" in caplog.text
    assert ":***@127.0.0.1" in caplog.text
    assert PASSWORD not in caplog.text + repr(api) + repr(ratelimit.registry_for(url))


def test_redis_killed_mid_run_and_restarted(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="okx_v5")
    limiter = shared(redis_server.url, sleep=[].append)
    # two slots in a row of the shared schedule: this process's share is the whole limit
    assert [limiter.acquire() for _ in range(2)] == [0.0, pytest.approx(0.063, abs=0.005)]
    assert redis_server.client().exists(limiter.key)
    redis_server.stop()
    assert [limiter.acquire() for _ in range(3)] == [0.0] * 3  # in-process meanwhile
    assert len(warnings_of(caplog)) == 1
    redis_server.start()
    time.sleep(0.06)  # the retry interval
    # shared again, after one window counted as full (0.3 s x 1.05)
    assert limiter.acquire() == pytest.approx(0.315, abs=0.03)
    assert redis_server.client().exists(limiter.key)
    assert "answers again" in caplog.text
    assert len(warnings_of(caplog)) == 1


def test_a_restarted_redis_that_forgot_the_script_is_used_without_a_warning(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    sleeps: list[float] = []
    limiter = shared(redis_server.url, sleep=sleeps.append)
    first = booked(limiter.acquire)
    redis_server.client().script_flush()
    assert apart(first, booked(limiter.acquire), 0.063)
    assert warnings_of(caplog) == []


def test_an_option_the_connection_does_not_know_falls_back_instead_of_failing_calls(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = shared(redis_server.url + "?no_such_option=1")
    assert limiter.acquire() == 0.0
    assert len(warnings_of(caplog)) == 1
    assert "no_such_option" in caplog.text


def test_a_password_in_the_url_is_used_and_never_shown(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for server in running_redis(tmp_path, password=PASSWORD):
        assert shared(server.url).acquire() == 0.0
        assert warnings_of(caplog) == []
        wrong = server.url.replace(PASSWORD, "wrong-password")
        assert shared(wrong).acquire() == 0.0
        assert len(warnings_of(caplog)) == 1
        assert PASSWORD not in caplog.text
        assert "wrong-password" not in caplog.text


def infos(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]


def test_a_shared_wait_of_more_than_a_second_is_logged_at_info_naming_redis(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="okx_v5")
    for server in running_redis(tmp_path, password=PASSWORD):
        limiter = shared(server.url, requests=1, seconds=2.0, sleep=[].append)
        assert limiter.acquire() == 0.0
        assert limiter.acquire() == pytest.approx(2.1, abs=0.05)
        [line] = infos(caplog)
        shown = server.url.replace(PASSWORD, "***")
        assert re.fullmatch(
            rf"/p: waiting [12]\.\d\d s for the limit shared through {re.escape(shown)}", line
        )
        assert PASSWORD not in caplog.text


def test_a_shared_wait_of_a_second_or_less_is_not_logged_at_info(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="okx_v5")
    limiter = shared(redis_server.url, sleep=[].append)  # one request every 63 ms
    assert sum(limiter.acquire() for _ in range(6)) > 0
    assert infos(caplog) == []


def test_a_wait_while_redis_does_not_answer_names_the_in_process_limit(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="okx_v5")
    url = f"redis://:{PASSWORD}@127.0.0.1:{free_port()}/0"
    limiter = shared(url, requests=1, seconds=2.0, sleep=[].append)
    limiter.acquire()
    assert limiter.acquire() > 1.0
    [line] = infos(caplog)
    assert line.startswith("/p: waiting 2.")
    assert line.endswith(
        f"s for the in-process limit (redis://:***@{url.rsplit('@')[1]} does not answer)"
    )
    assert PASSWORD not in caplog.text


def test_rediss_urls_connect_with_tls_and_hide_their_password() -> None:
    registry = RedisLimiterRegistry(f"rediss://user:{PASSWORD}@127.0.0.1:6380/2")
    pool = registry.storage.client.connection_pool
    assert pool.connection_class is redis.SSLConnection
    assert repr(registry) == "RedisLimiterRegistry('rediss://user:***@127.0.0.1:6380/2')"
    limiter = registry.get("user:" + KEY, "/p", 5, 2.0)
    assert repr(limiter) == f"SharedLimiter({limiter.key!r}, 5 per 2100 ms)"
    assert KEY not in repr(limiter)


def test_several_requests_at_once_take_the_middle_of_twice_as_many_slots(
    redis_server: RedisServer,
) -> None:
    limiter = shared(redis_server.url, sleep=[].append)
    before = time.monotonic()
    wait = limiter.acquire(3)
    three = (before + wait, time.monotonic() + wait)
    assert wait == pytest.approx(2 * 0.063, abs=0.01)  # slots 0-4 from now, sent at 2
    assert apart(three, booked(lambda: limiter.acquire(2)), 4 * 0.063)  # slots 5-7, sent at 6
    assert apart(three, booked(limiter.acquire), 6 * 0.063)  # slot 8
    with pytest.raises(ValueError, match="never fit"):
        limiter.acquire(6)


def test_a_queue_longer_than_the_horizon_is_joined_in_steps(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit_redis, "HORIZON", 0.15)
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        time.sleep(seconds)

    first = shared(redis_server.url, sleep=[].append)
    started = time.monotonic()
    for _ in range(3):  # books 0, 63 and 126 ms from now
        first.acquire()
    second = shared(redis_server.url, sleep=sleep)
    # the next free slot, 189 ms away, is 39 beyond the horizon: wait that, then book it
    second.acquire()
    assert len(sleeps) == 2
    # not before that slot (however long the machine took to get here: no upper bound)
    assert time.monotonic() - started >= 0.189 - 0.01


def test_the_storage_comes_from_the_environment_unless_given(
    redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKX_RATE_LIMIT_STORAGE", redis_server.url)
    assert isinstance(limiter_of(PublicAPI(), POSITION_TIERS), SharedLimiter)
    in_process = limiter_of(PublicAPI(rate_limit_storage="memory://"), POSITION_TIERS)
    assert isinstance(in_process, ratelimit.RateLimiter)
    monkeypatch.setenv("OKX_RATE_LIMIT_STORAGE", "redis://")
    with pytest.raises(OkxParamsException, match="OKX_RATE_LIMIT_STORAGE"):
        PublicAPI()


def test_a_storage_url_without_the_redis_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(checks, "find_spec", lambda name: None)
    with pytest.raises(OkxParamsException, match=r"pip install '/path/to/okx_v5\[redis\]'"):
        PublicAPI(rate_limit_storage=f"redis://:{PASSWORD}@127.0.0.1:6379/0")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:pw@h:1/0", "redis://:***@h:1/0"),
        ("rediss://me:p%40ss@h/0", "rediss://me:***@h/0"),
        ("redis://h:1/0", "redis://h:1/0"),
        ("redis://h:x/0", "redis://h:x/0"),
        ("redis://:pw@[::1/0", "redis://:***@[::1/0"),
    ],
)
def test_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert redaction.redact_url(url) == shown


def test_importing_okx_v5_imports_neither_redis_nor_pyrate_limiter() -> None:
    code = "import sys, okx_v5, okx_v5.Account; print(sorted(m for m in sys.modules if m.split('.')[0] in ('redis', 'pyrate_limiter') or m == 'okx_v5.ratelimit_redis'))"
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        == "[]\n"
    )
