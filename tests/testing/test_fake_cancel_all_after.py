"""FakeOKX's cancel-all-after and mass-cancel (okx_v5's own TradeAPI methods) act on the
sandbox's orders: the countdown cancels the account's live orders (those of its tag, when given)
once it ends, and mass-cancel cancels an instrument family's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from okx_v5.testing import FakeOKX
from okx_v5.Trade import TradeAPI

DEMO = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "1")


@pytest.fixture
def okx() -> Iterator[FakeOKX]:
    with FakeOKX(rate_limits=False) as fake:
        yield fake


@pytest.fixture
def api(okx: FakeOKX) -> Iterator[TradeAPI]:
    with TradeAPI(*DEMO, okx.url, rate_limit=False, max_retries=0) as client:
        yield client


def buy(api: TradeAPI, tag: str = "") -> str:
    """A live limit order's ID (far from the market, so that it rests)."""
    answer = api.place_order("BTC-USDT", "cash", "buy", "limit", "0.01", px="1000", tag=tag)
    assert answer["data"][0]["sCode"] == "0", answer
    ord_id: str = answer["data"][0]["ordId"]
    return ord_id


def state(api: TradeAPI, ord_id: str, inst_id: str = "BTC-USDT") -> str:
    found: str = api.get_order(inst_id, ordId=ord_id)["data"][0]["state"]
    return found


def test_the_countdown_answers_its_trigger_time_and_leaves_orders_live(api: TradeAPI) -> None:
    ord_id = buy(api)
    row = api.cancel_all_after("10").data[0]
    assert row.trigger_time - row.ts == 10_000
    assert state(api, ord_id) == "live"


def test_the_ended_countdown_cancels_the_account_s_live_orders(okx: FakeOKX, api: TradeAPI) -> None:
    first, second = buy(api), buy(api)
    api.cancel_all_after("10")
    okx.clock_offset += 11
    assert [state(api, first), state(api, second)] == ["canceled", "canceled"]


def test_a_heartbeat_before_the_end_restarts_the_countdown(okx: FakeOKX, api: TradeAPI) -> None:
    ord_id = buy(api)
    api.cancel_all_after("10")
    okx.clock_offset += 8
    api.cancel_all_after("10")
    okx.clock_offset += 8
    assert state(api, ord_id) == "live"


def test_a_time_out_of_0_stops_the_countdown(okx: FakeOKX, api: TradeAPI) -> None:
    ord_id = buy(api)
    api.cancel_all_after("10")
    assert api.cancel_all_after("0").data[0].trigger_time == 0
    okx.clock_offset += 11
    assert state(api, ord_id) == "live"


def test_a_tagged_countdown_cancels_only_the_orders_of_its_tag(okx: FakeOKX, api: TradeAPI) -> None:
    tagged, other = buy(api, tag="bot1"), buy(api)
    api.cancel_all_after("10", tag="bot1")
    okx.clock_offset += 11
    assert [state(api, tagged), state(api, other)] == ["canceled", "live"]


def test_a_time_out_outside_10_to_120_seconds_is_refused(api: TradeAPI) -> None:
    answer = api.cancel_all_after("5", validate=False)
    assert (answer["code"], answer["data"]) == ("51000", [])


def test_mass_cancel_cancels_the_live_orders_of_the_family_only(api: TradeAPI) -> None:
    # OKX mass-cancels OPTION orders; the fake trades no options, so a SWAP family stands in.
    answer = api.place_order(
        "BTC-USDT-SWAP", "cross", "buy", "limit", "1", px="1000", posSide="long"
    )
    assert answer["data"][0]["sCode"] == "0", answer
    swap, spot = answer["data"][0]["ordId"], buy(api)
    assert api.mass_cancel("SWAP", "BTC-USDT", validate=False).data[0].result is True
    assert [state(api, swap, "BTC-USDT-SWAP"), state(api, spot)] == ["canceled", "live"]


def test_mass_cancel_of_a_spot_family_is_refused(api: TradeAPI) -> None:
    answer = api.mass_cancel("SPOT", "BTC-USDT", validate=False)
    assert (answer["code"], answer["data"]) == ("51000", [])
