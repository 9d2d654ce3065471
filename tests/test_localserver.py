"""Behaviour over real sockets, against the local OKX stand-in on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import attrs
import pytest

from okx_v5 import AccountAPI, PublicAPI
from okx_v5.exceptions import OkxRequestException, OkxTimeoutException

from .helpers import KEY, LEVERAGE_ANSWER, PASSPHRASE, SECRET, TIERS_ANSWER
from .localserver import LocalOKX, Reply, running


def _account(server: LocalOKX, **kwargs: object) -> AccountAPI:
    settings: dict[str, object] = {"use_server_time": False, "flag": "1", **kwargs}
    api = AccountAPI(KEY, SECRET, PASSPHRASE, domain=server.url, **settings)  # type: ignore[arg-type]
    api.retry_policy = attrs.evolve(api.retry_policy, sleep=lambda _: None)
    return api


def test_a_signed_call_against_the_local_server_succeeds(server: LocalOKX) -> None:
    with _account(server) as api:
        result = api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert result == LEVERAGE_ANSWER
    assert server.seen[0].path == "/api/v5/account/leverage-info?instId=BTC-USDT-SWAP&mgnMode=cross"


def test_a_stalled_answer_raises_the_timeout_exception(server: LocalOKX) -> None:
    server.script.append(Reply(body=TIERS_ANSWER, delay=1.0))
    with (
        PublicAPI(domain=server.url, timeout=(1.0, 0.2), max_retries=0) as api,
        pytest.raises(OkxTimeoutException, match="no answer within") as info,
    ):
        api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert isinstance(info.value, OkxRequestException)
    assert info.value.attempts == 1


def test_a_read_timeout_is_retried(server: LocalOKX) -> None:
    server.script.append(Reply(body=TIERS_ANSWER, delay=1.0))
    with PublicAPI(domain=server.url, timeout=(1.0, 0.2)) as api:
        api.retry_policy = attrs.evolve(api.retry_policy, sleep=lambda _: None)
        result = api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert (result, result.attempts) == (TIERS_ANSWER, 2)


def test_a_reset_connection_is_retried(server: LocalOKX) -> None:
    server.script.extend([Reply(reset=True), Reply(reset=True)])
    with _account(server) as api:
        result = api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert (result, result.attempts) == (LEVERAGE_ANSWER, 3)


def test_resets_that_persist_raise_the_request_exception(server: LocalOKX) -> None:
    server.script.extend([Reply(reset=True)] * 4)
    with _account(server) as api, pytest.raises(OkxRequestException) as info:
        api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert info.value.attempts == 4
    assert not isinstance(info.value, OkxTimeoutException)


def test_a_server_error_then_success(server: LocalOKX) -> None:
    server.script.append(Reply(503, {"code": "50026", "msg": "System error", "data": []}))
    with _account(server) as api:
        assert api.get_leverage("cross", instId="BTC-USDT-SWAP").attempts == 2


@pytest.fixture
def skewed() -> Iterator[LocalOKX]:
    yield from running(clock_offset=120.0)


def test_a_clock_two_minutes_off_succeeds_on_the_first_call(skewed: LocalOKX) -> None:
    with _account(skewed) as api:
        result = api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert result == LEVERAGE_ANSWER
    assert [seen.path.split("?")[0] for seen in skewed.seen] == [
        "/api/v5/account/leverage-info",
        "/api/v5/public/time",
        "/api/v5/account/leverage-info",
    ]


def test_use_server_time_avoids_the_rejection_altogether(skewed: LocalOKX) -> None:
    with _account(skewed, use_server_time=True) as api:
        for _ in range(3):
            assert api.get_leverage("cross", instId="BTC-USDT-SWAP").attempts == 1
    assert [seen.path.split("?")[0] for seen in skewed.seen].count("/api/v5/public/time") == 1


def test_one_client_serves_eight_threads(server: LocalOKX) -> None:
    with _account(server, rate_limit=False) as api, ThreadPoolExecutor(8) as pool:
        ids = [f"COIN{n}-USDT-SWAP" for n in range(64)]
        results = list(pool.map(lambda i: api.get_leverage("cross", instId=i), ids))
    assert all(result == LEVERAGE_ANSWER for result in results)
    assert sorted(seen.path for seen in server.seen) == sorted(
        f"/api/v5/account/leverage-info?instId={i}&mgnMode=cross" for i in ids
    )


@pytest.fixture
def strict() -> Iterator[LocalOKX]:
    yield from running(limit=(20, 2.0))


def test_eight_threads_stay_inside_a_server_enforced_limit(strict: LocalOKX) -> None:
    # 24 calls where 20 fit a window: the last four must wait for the next one, not be refused.
    clients = [_account(strict, max_retries=0) for _ in range(2)]
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(
                lambda n: clients[n % 2].get_leverage("cross", instId="BTC-USDT-SWAP"), range(24)
            )
        )
    assert strict.rejected == 0
    assert all(result.ok for result in results)
