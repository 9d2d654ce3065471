"""Clock skew: a 50102 answer re-syncs with OKX's clock; use_server_time keeps it in step."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
import responses

from okx_v5 import AccountAPI, PublicAPI, clock
from okx_v5.clock import MAX_AGE, ServerClock, clock_for
from okx_v5.exceptions import OkxResponseException, OkxServerException

from .helpers import KEY, LEVERAGE_ANSWER, LEVERAGE_URL, PASSPHRASE, SECRET

TIME_URL = "https://www.okx.com/api/v5/public/time"
EXPIRED = {"code": "50102", "msg": "Timestamp request expired", "data": []}


def _server_time(offset: float) -> dict[str, object]:
    return {"code": "0", "msg": "", "data": [{"ts": str(int((time.time() + offset) * 1000))}]}


def _stamp(request: object) -> float:
    value = request.headers["OK-ACCESS-TIMESTAMP"]  # type: ignore[attr-defined]
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def test_the_offset_is_taken_at_the_middle_of_the_round_trip() -> None:
    server = ServerClock(monotonic=lambda: 5.0)
    assert server.record(1_000_120_000, sent=1_000_000.0, received=1_000_001.0) == 119.5
    assert (server.offset, server.synced_at) == (119.5, 5.0)


def test_a_clock_is_stale_until_synced_and_again_after_30_minutes() -> None:
    now = [0.0]
    server = ServerClock(monotonic=lambda: now[0])
    assert server.stale()
    server.record(0, 0.0, 0.0)
    now[0] = MAX_AGE
    assert not server.stale()
    now[0] = MAX_AGE + 1
    assert server.stale()


def test_clocks_are_shared_per_domain() -> None:
    assert clock_for("https://www.okx.com") is clock_for("https://www.okx.com")
    assert clock_for("https://www.okx.com") is not clock_for("https://aws.okx.com")
    first = clock_for("https://www.okx.com")
    clock.clocks.clear()
    assert clock_for("https://www.okx.com") is not first


def test_a_50102_answer_syncs_the_clock_re_signs_and_succeeds(
    account: AccountAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(LEVERAGE_URL, json=EXPIRED, status=401)
    mocked.get(LEVERAGE_URL, json=LEVERAGE_ANSWER)
    mocked.get(TIME_URL, json=_server_time(120.0))
    result = account.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert result == LEVERAGE_ANSWER
    assert result.attempts == 2
    first, sync, second = (call.request for call in mocked.calls)
    assert sync.url == TIME_URL
    assert "OK-ACCESS-SIGN" not in sync.headers
    assert _stamp(second) - _stamp(first) == pytest.approx(120, abs=5)
    assert first.headers["OK-ACCESS-SIGN"] != second.headers["OK-ACCESS-SIGN"]
    assert clock_for(account.domain).offset == pytest.approx(120, abs=5)


def test_the_offset_is_used_by_every_client_of_the_domain_without_extra_calls(
    account: AccountAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(LEVERAGE_URL, json=EXPIRED, status=401)
    mocked.get(LEVERAGE_URL, json=LEVERAGE_ANSWER)
    mocked.get(TIME_URL, json=_server_time(-90.0))
    account.get_leverage("cross", instId="BTC-USDT-SWAP")
    other = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1")
    for _ in range(3):
        other.get_leverage("cross", instId="BTC-USDT-SWAP")
    urls = [call.request.url for call in mocked.calls]
    assert urls.count(TIME_URL) == 1
    assert _stamp(mocked.calls[-1].request) == pytest.approx(time.time() - 90, abs=5)


def test_a_second_50102_is_returned_not_retried_again(
    account: AccountAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(LEVERAGE_URL, json=EXPIRED, status=401)
    mocked.get(TIME_URL, json=_server_time(0.0))
    result = account.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert (result.code, result.attempts, len(mocked.calls)) == ("50102", 2, 3)


def test_when_the_sync_fails_the_50102_answer_is_returned(
    account: AccountAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(LEVERAGE_URL, json=EXPIRED, status=401)
    mocked.get(TIME_URL, json={"code": "50001", "msg": "busy", "data": []})
    result = account.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert (result.code, result.attempts) == ("50102", 1)


def test_public_calls_are_not_resynced(public: PublicAPI, mocked: responses.RequestsMock) -> None:
    mocked.get("https://www.okx.com/api/v5/public/position-tiers", json=EXPIRED)
    assert public.get_position_tiers("SWAP", "cross", instFamily="X").code == "50102"
    assert len(mocked.calls) == 1


def test_use_server_time_syncs_before_the_first_signed_call_and_every_30_minutes(
    mocked: responses.RequestsMock,
) -> None:
    mocked.get(TIME_URL, json=_server_time(300.0))
    mocked.get(LEVERAGE_URL, json=LEVERAGE_ANSWER)
    api = AccountAPI(KEY, SECRET, PASSPHRASE, True, "1")
    for _ in range(3):
        api.get_leverage("cross", instId="BTC-USDT-SWAP")
    urls = [call.request.url.split("?")[0] for call in mocked.calls]
    assert urls == [TIME_URL, LEVERAGE_URL, LEVERAGE_URL, LEVERAGE_URL]
    assert _stamp(mocked.calls[1].request) == pytest.approx(time.time() + 300, abs=5)
    api._clock.synced_at -= MAX_AGE + 1  # type: ignore[operator]
    api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert mocked.calls[4].request.url == TIME_URL


def test_without_use_server_time_no_sync_is_made_up_front(
    account: AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    account.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert len(leverage_ok.calls) == 1


def test_sync_time_returns_the_offset_and_get_system_time_the_server_clock(
    public: PublicAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(TIME_URL, json=_server_time(-30.0))
    assert public.sync_time() == pytest.approx(-30, abs=5)
    result = public.get_system_time()
    assert result.data[0].ts == int(result["data"][0]["ts"])


def test_a_time_answer_without_ts_raises(public: PublicAPI, mocked: responses.RequestsMock) -> None:
    mocked.get(TIME_URL, json={"code": "0", "msg": "", "data": []})
    with pytest.raises(OkxResponseException, match="without ts"):
        public.sync_time()


def test_a_failed_time_answer_raises_the_api_error(
    public: PublicAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(TIME_URL, json={"code": "50001", "msg": "busy", "data": []})
    with pytest.raises(OkxServerException):
        PublicAPI(rate_limit=False).sync_time()


def test_a_sync_made_while_waiting_for_the_lock_is_reused(
    mocked: responses.RequestsMock,
) -> None:
    api = PublicAPI()
    server = api._clock

    class OtherThreadSyncsFirst:
        def __enter__(self) -> None:
            server.record(int((time.time() + 42) * 1000), time.time(), time.time())

        def __exit__(self, *exc: object) -> None:
            pass

    server.lock = OtherThreadSyncsFirst()  # type: ignore[assignment]
    assert api.sync_time() == pytest.approx(42, abs=5)
    assert len(mocked.calls) == 0


@pytest.mark.parametrize(
    "ts",
    [
        "1400000000000",  # 2014: before OKX's V5 API existed
        str(int((time.time() + 2 * 86400) * 1000)),  # two days ahead
        str(int((time.time() - 2 * 86400) * 1000)),  # two days behind
        "9" * 40,  # absurd: would overflow the timestamp formatting
    ],
)
def test_a_server_time_that_cannot_be_right_raises_and_leaves_the_offset_alone(
    ts: str, mocked: responses.RequestsMock
) -> None:
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1")
    api._clock.record(int((time.time() + 5) * 1000), time.time(), time.time())
    before = api._clock.offset
    mocked.get(TIME_URL, json={"code": "0", "msg": "", "data": [{"ts": ts}]})
    with pytest.raises(OkxResponseException, match="cannot be right") as info:
        api.sync_time()
    assert info.value.status_code == 200
    assert api._clock.offset == before
    mocked.get(LEVERAGE_URL, json=LEVERAGE_ANSWER)
    assert api.get_leverage("cross", instId="BTC-USDT-SWAP").ok  # later calls still sign


def test_a_server_time_a_few_hours_off_is_believed(
    public: PublicAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(TIME_URL, json=_server_time(-5 * 3600.0))
    assert public.sync_time() == pytest.approx(-5 * 3600, abs=5)


def test_a_clock_sync_never_waits_for_a_rate_limit_past_its_budget() -> None:
    from okx_v5.exceptions import OkxRateLimitException
    from okx_v5.ratelimit import RateLimiter

    api = PublicAPI(domain="http://127.0.0.1:9", retry_budget=0.5)  # never reached
    taken = RateLimiter(1, 60.0)
    taken.reserve()
    api._limiters = lambda endpoint, payload: [(taken, 1)]  # type: ignore[method-assign]
    with pytest.raises(OkxRateLimitException) as info:
        api.sync_time()
    assert info.value.sent is False
    assert info.value.path == "/api/v5/public/time"
