"""The SDK against the simulated exchange: real HTTP, real signatures, OKX's answers and faults.

Faults are injected ``count=10`` times so that these tests hold whether or not the client
retries: a client that gives up after fewer attempts than that sees the same failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from okx_v5 import AccountAPI, LeverageInfo, PositionTier, PublicAPI
from okx_v5.exceptions import OkxAuthException, OkxRequestException, OkxResponseException
from okx_v5.testing import FakeOKX

from .conftest import without_sleeping
from .helpers import LEVERAGE_ANSWER

COINS = "BTC ETH SOL DOGE XRP ADA AVAX DOT LINK LTC BCH TRX ATOM NEAR FIL APT ARB OP SUI TON"
SWAPS = [f"{coin}-USDT-SWAP" for coin in COINS.split(" ")]
FAMILIES = ["BTC-USDT", "ETH-USDT", "BTC-USD", "ETH-USD", "SOL-USDT"]
FAULTS = 10


@pytest.fixture
def demo_account(fake_okx: FakeOKX) -> Iterator[AccountAPI]:
    with AccountAPI(
        FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "1", fake_okx.url
    ) as api:
        yield api


@pytest.fixture
def public(fake_okx: FakeOKX, sleeps: list[float]) -> Iterator[PublicAPI]:
    with PublicAPI(flag="0", domain=fake_okx.url) as api:
        yield without_sleeping(api, sleeps)


def test_a_signed_call_is_sent_as_python_okx_sends_it_and_accepted(
    fake_okx: FakeOKX, demo_account: AccountAPI
) -> None:
    result = demo_account.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert result == LEVERAGE_ANSWER
    assert fake_okx.requests[0].path == (
        "/api/v5/account/leverage-info?instId=BTC-USDT-SWAP&mgnMode=cross"
    )


def test_one_client_serves_eight_threads(fake_okx: FakeOKX) -> None:
    fake_okx.rate_limits = False
    ids = [f"COIN{n}-USDT-SWAP" for n in range(64)]
    with (
        AccountAPI(
            FakeOKX.DEMO_KEY,
            FakeOKX.DEMO_SECRET,
            FakeOKX.DEMO_PASSPHRASE,
            flag="1",
            domain=fake_okx.url,
            rate_limit=False,
        ) as api,
        ThreadPoolExecutor(8) as pool,
    ):
        results = list(pool.map(lambda i: api.get_leverage("cross", instId=i), ids))
    assert [result.data[0].inst_id for result in results] == ids
    assert sorted(request.path for request in fake_okx.requests) == sorted(
        f"/api/v5/account/leverage-info?instId={i}&mgnMode=cross" for i in ids
    )


def test_signed_leverage_is_accepted_for_20_instruments(
    fake_okx: FakeOKX, demo_account: AccountAPI
) -> None:
    fake_okx.set_leverage(FakeOKX.DEMO_KEY, lever=25, inst_id="ETH-USDT-SWAP", pos_side="short")
    result = demo_account.get_leverage(mgnMode="cross", instId=SWAPS).raise_for_code()
    assert len(SWAPS) == 20
    assert result.status_code == 200
    assert all(isinstance(item, LeverageInfo) for item in result.data)
    assert [(item.inst_id, item.pos_side) for item in result.data] == [
        (inst_id, side) for inst_id in SWAPS for side in ("long", "short")
    ]
    levers = {(item.inst_id, item.pos_side): item.lever for item in result.data}
    assert levers["ETH-USDT-SWAP", "short"] == Decimal("25")
    assert levers["ETH-USDT-SWAP", "long"] == Decimal(FakeOKX.DEFAULT_LEVER)
    assert {item.mgn_mode for item in result.data} == {"cross"}
    assert fake_okx.requests[-1].header("OK-ACCESS-KEY") == FakeOKX.DEMO_KEY


def test_demo_key_with_the_production_flag_is_refused_with_50101(fake_okx: FakeOKX) -> None:
    with AccountAPI(
        FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "0", fake_okx.url
    ) as api:
        result = api.get_leverage(mgnMode="cross", instId="BTC-USDT-SWAP")
    assert (result.ok, result.code, result.status_code) == (False, "50101", 401)
    with pytest.raises(OkxAuthException, match="flag='1'") as raised:
        result.raise_for_code()
    assert raised.value.code == "50101"


def test_position_tiers_of_5_families_are_typed_and_monotonic(public: PublicAPI) -> None:
    result = public.get_position_tiers("SWAP", "cross", instFamily=FAMILIES).raise_for_code()
    tiers = result.data
    assert len(tiers) >= 100
    assert all(isinstance(tier, PositionTier) for tier in tiers)
    assert {tier.inst_family for tier in tiers} == set(FAMILIES)
    for family in FAMILIES:
        ladder = [tier for tier in tiers if tier.inst_family == family]
        assert [tier.tier for tier in ladder] == list(range(1, len(ladder) + 1))
        min_sizes = [tier.min_sz for tier in ladder]
        max_sizes = [tier.max_sz for tier in ladder]
        levers = [tier.max_lever for tier in ladder]
        assert min_sizes[0] == 0
        assert min_sizes[1:] == max_sizes[:-1]  # each tier starts where the one before ends
        assert max_sizes == sorted(set(max_sizes))  # strictly increasing
        assert levers == sorted(set(levers), reverse=True)  # strictly decreasing


def test_html_502_raises_a_response_exception_with_status_and_excerpt(
    fake_okx: FakeOKX, public: PublicAPI
) -> None:
    fake_okx.inject("http_5xx", count=FAULTS, status=502)
    with pytest.raises(OkxResponseException) as raised:
        public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert raised.value.status_code == 502
    assert "502 Bad Gateway" in raised.value.body
    assert raised.value.body.startswith("<html>")


def test_dropped_connection_raises_a_request_exception(
    fake_okx: FakeOKX, public: PublicAPI
) -> None:
    fake_okx.inject("drop", count=FAULTS)
    with pytest.raises(OkxRequestException, match="request failed"):
        public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")


def test_truncated_body_raises_a_response_exception(fake_okx: FakeOKX, public: PublicAPI) -> None:
    fake_okx.inject("truncated", count=FAULTS)
    with pytest.raises(OkxResponseException, match="not JSON") as raised:
        public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert raised.value.status_code == 200
    assert raised.value.body.startswith('{"code":"0"')
