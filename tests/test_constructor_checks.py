"""The constructor's checks: every argument of a client is checked when it is built, and a bad
one raises ``OkxParamsException`` naming the argument (``.param``) before anything is sent.

What a refusal must not show (secrets, passwords in URLs) is also tested in ``test_secrets.py``
and ``test_tracebacks.py``; what the accepted values do, in the file of their concern
(``test_retry.py``, ``test_ratelimit_redis.py``, ``test_wire_faults.py``, ...)."""

from __future__ import annotations

import pytest
import responses

import okx_v5.Account as Account
from okx_v5 import OkxParamsException, PublicAPI, TradeAPI, consts

from .helpers import KEY, PASSPHRASE, SECRET

PASSWORD = "n0t-in-any-log-3f9a"


def client(**options: object) -> Account.AccountAPI:
    return Account.AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", **options)  # type: ignore[arg-type]


# -- flag and domain ---------------------------------------------------------------------------


@pytest.mark.parametrize(("flag", "sent"), [("0", "0"), ("1", "1"), (0, "0"), (1, "1")])
def test_flag_accepts_strings_and_ints(
    flag: str | int, sent: str, tiers_ok: responses.RequestsMock
) -> None:
    PublicAPI(flag=flag).get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert tiers_ok.calls[0].request.headers[consts.SIMULATED_TRADING] == sent


@pytest.mark.parametrize("flag", ["2", 2, "demo", True, None, 1.0])
def test_flag_rejects_anything_else_at_construction(flag: object) -> None:
    with pytest.raises(
        OkxParamsException,
        match=r"flag is .*; allowed values are '0' \(production\) and '1' \(demo trading\)",
    ):
        PublicAPI(flag=flag)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "domain",
    [
        "www.okx.com",
        "ftp://okx.com",
        "https://",
        "",
        None,
        "https://www.okx.com/?x=1",
        "https://www.okx.com:port",
        "https://www.okx .com",
        "https://www.okx.com/\n/api",
    ],
)
def test_domain_must_be_an_http_url(domain: object) -> None:
    with pytest.raises(OkxParamsException, match="domain is"):
        PublicAPI(domain=domain)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("domain", "use"),
    [
        ("https://www.okx.com/api/v5", "https://www.okx.com"),
        ("https://www.okx.com/api/v5/", "https://www.okx.com"),
        ("http://127.0.0.1:8080/okx/api/v5", "http://127.0.0.1:8080/okx"),
    ],
)
def test_domain_with_the_api_prefix_is_refused_with_the_url_to_use(domain: str, use: str) -> None:
    with pytest.raises(OkxParamsException, match="domain is") as raised:
        PublicAPI(domain=domain)
    assert str(raised.value).endswith(f"use {use!r}")
    assert raised.value.param == "domain"


def test_domain_trailing_slash_is_tolerated(mocked: responses.RequestsMock) -> None:
    mocked.get(
        "http://127.0.0.1:8080/api/v5/public/position-tiers",
        json={"code": "0", "msg": "", "data": []},
    )
    api = PublicAPI(domain="http://127.0.0.1:8080/")
    api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert mocked.calls[0].request.url.startswith("http://127.0.0.1:8080/api/v5/")


# -- timeout, retries, budget, proxy and session -----------------------------------------------


@pytest.mark.parametrize(
    ("argument", "value", "named"),
    [
        ("timeout", 0, "timeout"),
        ("timeout", -1.5, "timeout"),
        ("timeout", "5", "timeout"),
        ("timeout", None, "timeout"),
        ("timeout", True, "timeout"),
        ("timeout", float("nan"), "timeout"),
        ("timeout", float("inf"), "timeout"),
        ("timeout", (5, 0), "timeout"),
        ("timeout", (5,), "timeout"),
        ("timeout", (1, 2, 3), "timeout"),
        ("max_retries", -1, "max_retries"),
        ("max_retries", 1.5, "max_retries"),
        ("max_retries", "3", "max_retries"),
        ("retry_budget", -1, "retry_budget"),
        ("retry_budget", 0, "retry_budget"),
        ("retry_budget", float("nan"), "retry_budget"),
        ("retry_budget", "10", "retry_budget"),
        ("retry_budget", None, "retry_budget"),
        ("proxy", "proxy:3128", "proxy"),
        ("proxy", "ftp://proxy:3128", "proxy"),
        ("proxy", 3128, "proxy"),
        ("proxy", "http://", "proxy"),
        ("session", "not a session", "session"),
        ("session", object(), "session"),
    ],
)
def test_bad_constructor_arguments_raise_at_construction(
    argument: str, value: object, named: str
) -> None:
    with pytest.raises(OkxParamsException, match=f"^{named} ") as info:
        PublicAPI(**{argument: value})
    assert info.value.param == named


@pytest.mark.parametrize(
    ("timeout", "kept"), [(3, 3.0), (0.5, 0.5), ((1, 2), (1.0, 2.0)), ((0.1, 30.0), (0.1, 30.0))]
)
def test_good_timeouts_are_kept_as_seconds(timeout: object, kept: object) -> None:
    assert PublicAPI(timeout=timeout).timeout == kept  # type: ignore[arg-type]


@pytest.mark.parametrize("budget", [0.001, 2, 30.5])
def test_a_retry_budget_of_more_than_zero_seconds_is_accepted(budget: float) -> None:
    assert PublicAPI(retry_budget=budget).retry_policy.budget == budget


@pytest.mark.parametrize("proxy", [None, "", "http://proxy:3128", "socks5h://user:pw@proxy:1080"])
def test_no_proxy_or_a_proxy_url_is_accepted(proxy: str | None) -> None:
    assert PublicAPI(proxy=proxy).proxy == (proxy or None)


def test_a_bad_proxy_url_is_named_without_its_password() -> None:
    with pytest.raises(OkxParamsException, match="proxy is") as info:
        PublicAPI(proxy="http://user:hunter2@proxy:port")
    assert "hunter2" not in str(info.value)
    assert "user:***@proxy:port" in str(info.value)
    assert info.value.value is None


@pytest.mark.parametrize("value", [-1, 1.5, "3", True, None])
def test_max_retries_must_be_a_whole_number(value: object) -> None:
    with pytest.raises(OkxParamsException, match="max_retries"):
        PublicAPI(max_retries=value)  # type: ignore[arg-type]


# -- validate, auto_client_order_id, max_answer_bytes ------------------------------------------


@pytest.mark.parametrize("level", ["on", 1, None, "STRICT"])
def test_a_client_level_that_is_not_one_of_the_three_is_refused(level: object) -> None:
    with pytest.raises(OkxParamsException, match="allowed values are True") as refused:
        client(validate=level)
    assert refused.value.param == "validate"


def test_auto_client_order_id_must_be_true_or_false() -> None:
    with pytest.raises(OkxParamsException, match="auto_client_order_id is 1") as info:
        TradeAPI(auto_client_order_id=1)  # type: ignore[arg-type]
    assert info.value.param == "auto_client_order_id"


@pytest.mark.parametrize("cap", [0, 1023, -1, 1.5, "65536", True, None])
def test_a_max_answer_bytes_below_1024_or_not_a_whole_number_is_refused(cap: object) -> None:
    with pytest.raises(OkxParamsException, match=r"^max_answer_bytes is ") as info:
        PublicAPI(max_answer_bytes=cap)  # type: ignore[arg-type]
    assert info.value.param == "max_answer_bytes"


# -- the shared rate limits: rate_limit_storage and rate_limit_host ----------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1:6379/0", "scheme"),
        ("redis://", "no host"),
        (f"redis://:{PASSWORD}@127.0.0.1:port/0", "valid port"),
        (f"redis://:{PASSWORD}@127.0.0.1:6379/zero", "database"),
        (6379, "not a string"),
        (f"redis://:{PASSWORD}@127.0.0.1:6379/0?socket_timeout=soon", "socket_timeout"),
    ],
)
def test_a_bad_storage_url_is_refused_at_construction(url: object, problem: str) -> None:
    with pytest.raises(OkxParamsException, match=problem) as caught:
        PublicAPI(rate_limit_storage=url)  # type: ignore[arg-type]
    assert caught.value.param == "rate_limit_storage"
    assert PASSWORD not in str(caught.value) + repr(caught.value.value)


def test_a_rate_limit_host_must_be_a_name() -> None:
    with pytest.raises(OkxParamsException, match="rate_limit_host"):
        PublicAPI(rate_limit_host=" ")
