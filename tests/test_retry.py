"""Retries: transient failures of a GET are retried with backoff; nothing else is."""

from __future__ import annotations

import logging

import attrs
import pytest
import requests
import responses

from okx_v5 import AccountAPI, PublicAPI, consts
from okx_v5.endpoint import Endpoint, RateLimit
from okx_v5.exceptions import OkxRequestException, OkxResponseException
from okx_v5.models.account import LeverageInfo
from okx_v5.retry import RetryPolicy, is_transient, retry_after

from .helpers import KEY, LEVERAGE_ANSWER, LEVERAGE_URL, PASSPHRASE, SECRET, TIERS_ANSWER, TIERS_URL


def _error(code: str, msg: str = "boom") -> dict[str, object]:
    return {"code": code, "msg": msg, "data": []}


def _tiers(public: PublicAPI) -> object:
    return public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")


# -- the policy on its own ---------------------------------------------------------------


def test_backoff_is_full_jitter_doubling_up_to_the_cap() -> None:
    top = RetryPolicy(random=lambda: 0.999999, base=0.5, cap=3.0)
    assert [round(top.delay(n), 3) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    bottom = RetryPolicy(random=lambda: 0.0)
    assert bottom.delay(3) == 0.0


def test_retry_after_is_honoured_instead_of_backoff() -> None:
    assert RetryPolicy(random=lambda: 0.5).delay(1, asked=4.0) == 4.0


def test_retries_stop_after_max_retries() -> None:
    policy = RetryPolicy(max_retries=2, random=lambda: 0.0, clock=lambda: 0.0)
    assert [policy.next_delay(n, 0.0) for n in (1, 2, 3)] == [0.0, 0.0, None]
    assert RetryPolicy(max_retries=0).next_delay(1, 0.0) is None


def test_no_retry_starts_whose_wait_would_end_after_the_budget() -> None:
    policy = RetryPolicy(budget=10.0, clock=lambda: 7.0)
    assert policy.next_delay(1, 0.0, asked=3.0) == 3.0
    assert policy.next_delay(1, 0.0, asked=3.5) is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("2", 2.0), (" 1.5 ", 1.5), ("-3", 0.0), ("Thu, 01 Jan 1970 00:00:10 GMT", 5.0)],
)
def test_retry_after_reads_seconds_and_http_dates(value: str, seconds: float) -> None:
    assert retry_after({"Retry-After": value}, now=5.0) == seconds


@pytest.mark.parametrize("headers", [None, {}, {"Retry-After": ""}, {"Retry-After": "soon"}])
def test_retry_after_absent_or_unreadable_is_none(headers: dict[str, str] | None) -> None:
    assert retry_after(headers) is None


def test_retry_after_date_defaults_to_the_current_time() -> None:
    assert retry_after({"Retry-After": "Thu, 01 Jan 1970 00:00:10 GMT"}) == 0.0


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("50001", 200),
        ("50004", 200),
        ("50013", 200),
        ("50026", 503),
        ("50011", 429),
        ("50061", 200),
        ("", 429),
        ("", 500),
        ("", 502),
        ("0", 503),
    ],
)
def test_transient_answers(code: str, status: int) -> None:
    assert is_transient(code, status)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("0", 200),
        ("50014", 200),
        ("51000", 400),
        ("50113", 401),
        ("50101", 401),
        ("50102", 401),
        ("", 400),
        ("", 404),
        ("", 403),
    ],
)
def test_permanent_answers(code: str, status: int) -> None:
    assert not is_transient(code, status)


# -- the client ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (503, _error("50026", "System error")),
        (200, _error("50001")),
        (200, _error("50004")),
        (200, _error("50013", "System busy")),
        (429, _error("50011", "Too Many Requests")),
        (502, "<html>Bad Gateway</html>"),
        (500, ""),
    ],
)
def test_a_transient_answer_is_retried_and_the_success_returned(
    public: PublicAPI,
    mocked: responses.RequestsMock,
    sleeps: list[float],
    status: int,
    answer: object,
) -> None:
    if isinstance(answer, dict):
        mocked.get(TIERS_URL, json=answer, status=status)
    else:
        mocked.get(TIERS_URL, body=answer, status=status)
    mocked.get(TIERS_URL, json=TIERS_ANSWER)
    result = public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert result == TIERS_ANSWER
    assert result.attempts == 2
    assert len(sleeps) == 1
    assert 0 <= sleeps[0] <= 0.5


def test_retry_after_header_sets_the_wait(
    public: PublicAPI, mocked: responses.RequestsMock, sleeps: list[float]
) -> None:
    mocked.get(TIERS_URL, json=_error("50011"), status=429, headers={"Retry-After": "1.25"})
    mocked.get(TIERS_URL, json=TIERS_ANSWER)
    assert _tiers(public) == TIERS_ANSWER
    assert sleeps == [1.25]


def test_when_retries_run_out_the_last_answer_is_returned(
    public: PublicAPI, mocked: responses.RequestsMock, sleeps: list[float]
) -> None:
    mocked.get(TIERS_URL, json=_error("50013", "System busy"))
    result = public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert result == _error("50013", "System busy")
    assert (result.attempts, len(mocked.calls), len(sleeps)) == (4, 4, 3)
    with pytest.raises(Exception, match="after 4 attempts") as info:
        result.raise_for_code()
    assert info.value.attempts == 4  # type: ignore[attr-defined]


def test_backoff_doubles_between_attempts(
    mocked: responses.RequestsMock, sleeps: list[float]
) -> None:
    api = PublicAPI()
    api.retry_policy = RetryPolicy(random=lambda: 1.0, sleep=sleeps.append)
    mocked.get(TIERS_URL, json=_error("50001"))
    _tiers(api)
    assert sleeps == [0.5, 1.0, 2.0]


def test_when_transport_errors_persist_the_last_is_raised_with_attempts(
    public: PublicAPI, mocked: responses.RequestsMock, sleeps: list[float]
) -> None:
    mocked.get(TIERS_URL, body=requests.ConnectionError("reset by peer"))
    with pytest.raises(OkxRequestException, match="after 4 attempts") as info:
        _tiers(public)
    assert info.value.attempts == 4
    assert len(mocked.calls) == 4


def test_a_connection_error_then_success(public: PublicAPI, mocked: responses.RequestsMock) -> None:
    mocked.get(TIERS_URL, body=requests.ConnectionError("reset by peer"))
    mocked.get(TIERS_URL, json=TIERS_ANSWER)
    assert _tiers(public).attempts == 2  # type: ignore[attr-defined]


def test_a_non_json_502_that_persists_raises_with_attempts(
    public: PublicAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(TIERS_URL, body="<html>Bad Gateway</html>", status=502)
    with pytest.raises(OkxResponseException) as info:
        _tiers(public)
    assert (info.value.attempts, info.value.status_code) == (4, 502)


def test_a_non_json_answer_of_a_4xx_is_not_retried(
    public: PublicAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(TIERS_URL, body="<html>Forbidden</html>", status=403)
    with pytest.raises(OkxResponseException):
        _tiers(public)
    assert len(mocked.calls) == 1


@pytest.mark.parametrize(
    ("status", "code"),
    [(200, "50014"), (400, "51000"), (401, "50113"), (401, "50101"), (400, ""), (404, "")],
)
def test_permanent_errors_are_returned_at_once(
    account: AccountAPI,
    mocked: responses.RequestsMock,
    sleeps: list[float],
    status: int,
    code: str,
) -> None:
    mocked.get(LEVERAGE_URL, json=_error(code), status=status)
    result = account.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert (result.attempts, len(mocked.calls), sleeps) == (1, 1, [])


def test_max_retries_zero_disables_retrying(mocked: responses.RequestsMock) -> None:
    mocked.get(TIERS_URL, json=_error("50001"))
    assert _tiers(PublicAPI(max_retries=0)).attempts == 1  # type: ignore[attr-defined]
    assert len(mocked.calls) == 1


def test_the_budget_stops_retries_early(mocked: responses.RequestsMock) -> None:
    api = PublicAPI(retry_budget=1.0)
    sleeps: list[float] = []
    api.retry_policy = attrs.evolve(api.retry_policy, sleep=sleeps.append)
    mocked.get(TIERS_URL, json=_error("50011"), status=429, headers={"Retry-After": "2"})
    assert _tiers(api).attempts == 1  # type: ignore[attr-defined]
    assert sleeps == []


POST_ENDPOINT: Endpoint[LeverageInfo] = Endpoint(
    name="post_something",
    method=consts.POST,
    path="/api/v5/test/post",
    signed=False,
    limits=(RateLimit(10, 2.0, "ip"),),
    model_ref="okx_v5.models.account:LeverageInfo",
)


def test_requests_other_than_get_are_never_retried(
    public: PublicAPI, mocked: responses.RequestsMock
) -> None:
    mocked.post("https://www.okx.com/api/v5/test/post", json=_error("50001"), status=503)
    assert public.request(POST_ENDPOINT, {}).attempts == 1
    mocked.post("https://www.okx.com/api/v5/test/post", body=requests.ConnectionError("x"))
    with pytest.raises(OkxRequestException):
        public.request(POST_ENDPOINT, {})
    assert len(mocked.calls) == 2


def test_retries_show_in_debug_logs(
    caplog: pytest.LogCaptureFixture, public: PublicAPI, mocked: responses.RequestsMock
) -> None:
    caplog.set_level(logging.DEBUG, logger="okx_v5")
    mocked.get(TIERS_URL, json=_error("50001", "Service temporarily unavailable"))
    _tiers(public)
    text = caplog.text
    path = "GET /api/v5/public/position-tiers?instType=SWAP&tdMode=cross&instFamily=BTC-USDT"
    assert f"{path}: attempt 1 failed (code 50001); retrying in" in text
    assert f"{path}: giving up after 4 attempts: code 50001" in text


def test_a_successful_call_reports_one_attempt(
    account: AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    result = account.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert result == LEVERAGE_ANSWER
    assert result.attempts == 1


def test_the_retry_policy_is_set_from_the_constructor() -> None:
    api = AccountAPI(KEY, SECRET, PASSPHRASE, max_retries=5, retry_budget=30)
    assert (api.retry_policy.max_retries, api.retry_policy.budget) == (5, 30.0)
    assert PublicAPI().retry_policy.max_retries == 3
