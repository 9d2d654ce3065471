"""Retries, timeouts, clock skew and rate limits over real sockets, against FakeOKX.

Each test scripts the failures it needs; retry waits are recorded instead of slept.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from okx_v5 import AccountAPI, PublicAPI
from okx_v5.exceptions import OkxRequestException, OkxTimeoutException
from okx_v5.testing import Answer, FakeOKX

from .conftest import without_sleeping
from .helpers import LEVERAGE_ANSWER

TIME = "/api/v5/public/time"
LEVERAGE = "/api/v5/account/leverage-info"


def demo_account(okx: FakeOKX, sleeps: list[float], **settings: object) -> AccountAPI:
    """A demo client of ``okx``'s demo key that does not sync its clock up front."""
    options: dict[str, object] = {"use_server_time": False, "flag": "1", **settings}
    api = AccountAPI(
        FakeOKX.DEMO_KEY,
        FakeOKX.DEMO_SECRET,
        FakeOKX.DEMO_PASSPHRASE,
        domain=okx.url,
        **options,  # type: ignore[arg-type]
    )
    return without_sleeping(api, sleeps)


@pytest.fixture
def fake_account(fake_okx: FakeOKX, sleeps: list[float]) -> Iterator[AccountAPI]:
    with demo_account(fake_okx, sleeps) as api:
        yield api


def paths(okx: FakeOKX) -> list[str]:
    return [request.path.partition("?")[0] for request in okx.requests]


def test_a_stalled_answer_raises_the_timeout_exception(fake_okx: FakeOKX) -> None:
    fake_okx.script(Answer(delay=5.0))
    with (
        PublicAPI(domain=fake_okx.url, timeout=(1.0, 0.2), max_retries=0) as api,
        pytest.raises(OkxTimeoutException, match="no answer within") as info,
    ):
        api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert isinstance(info.value, OkxRequestException)
    assert info.value.attempts == 1


def test_a_read_timeout_is_retried(fake_okx: FakeOKX, sleeps: list[float]) -> None:
    fake_okx.script(Answer(delay=5.0))
    with PublicAPI(domain=fake_okx.url, timeout=(1.0, 0.2)) as api:
        result = without_sleeping(api, sleeps).get_position_tiers(
            "SWAP", "cross", instFamily="BTC-USDT"
        )
    assert (result.ok, result.attempts, len(sleeps)) == (True, 2, 1)
    assert result.data[0].inst_family == "BTC-USDT"


def test_a_reset_connection_is_retried(fake_okx: FakeOKX, fake_account: AccountAPI) -> None:
    fake_okx.script(Answer(reset=True), Answer(reset=True))
    result = fake_account.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert (result, result.attempts) == (LEVERAGE_ANSWER, 3)


def test_resets_that_persist_raise_the_request_exception(
    fake_okx: FakeOKX, fake_account: AccountAPI
) -> None:
    fake_okx.script(*[Answer(reset=True)] * 4)
    with pytest.raises(OkxRequestException) as info:
        fake_account.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert info.value.attempts == 4
    assert not isinstance(info.value, OkxTimeoutException)


def test_a_server_error_then_success(fake_okx: FakeOKX, fake_account: AccountAPI) -> None:
    fake_okx.script(Answer(503, {"code": "50026", "msg": "System error", "data": []}))
    assert fake_account.get_leverage("cross", instId="BTC-USDT-SWAP").attempts == 2


def test_a_clock_two_minutes_off_succeeds_on_the_first_call(
    fake_okx: FakeOKX, fake_account: AccountAPI
) -> None:
    fake_okx.clock_offset = 120.0
    result = fake_account.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert result == LEVERAGE_ANSWER
    assert paths(fake_okx) == [LEVERAGE, TIME, LEVERAGE]


def test_use_server_time_avoids_the_rejection_altogether(
    fake_okx: FakeOKX, sleeps: list[float]
) -> None:
    fake_okx.clock_offset = 120.0
    with demo_account(fake_okx, sleeps, use_server_time=True) as api:
        for _ in range(3):
            assert api.get_leverage("cross", instId="BTC-USDT-SWAP").attempts == 1
    assert paths(fake_okx) == [TIME, LEVERAGE, LEVERAGE, LEVERAGE]


def test_eight_threads_stay_inside_a_server_enforced_limit(
    fake_okx: FakeOKX, sleeps: list[float]
) -> None:
    # 24 calls where 20 fit OKX's window: the last four must wait for the next, not be refused.
    clients = [demo_account(fake_okx, sleeps, max_retries=0) for _ in range(2)]
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(
                lambda n: clients[n % 2].get_leverage("cross", instId="BTC-USDT-SWAP"), range(24)
            )
        )
    assert fake_okx.rate_limited == 0
    assert all(result.ok for result in results)
