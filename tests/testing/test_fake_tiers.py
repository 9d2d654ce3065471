"""FakeOKX serves realistic position tiers and filters them as OKX does."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
import requests

from okx_v5.testing import FakeOKX

TIERS = "/api/v5/public/position-tiers"
FIELDS = {
    "baseMaxLoan",
    "imr",
    "instFamily",
    "instId",
    "maxLever",
    "maxSz",
    "minSz",
    "mmr",
    "optMgnFactor",
    "quoteMaxLoan",
    "tier",
    "uly",
}
FIVE = "BTC-USDT,ETH-USDT,BTC-USD,ETH-USD,SOL-USDT"


def tiers(okx: FakeOKX, session: requests.Session, query: str) -> list[dict[str, Any]]:
    response = session.get(f"{okx.url}{TIERS}?{query}")
    body = response.json()
    assert (response.status_code, body["code"], body["msg"]) == (200, "0", "")
    rows: list[dict[str, Any]] = body["data"]
    return rows


def test_five_swap_families_give_more_than_100_tiers(
    okx: FakeOKX, session: requests.Session
) -> None:
    rows = tiers(okx, session, f"instType=SWAP&tdMode=cross&instFamily={FIVE}")
    assert len(rows) >= 100
    assert [r["instFamily"] for r in rows if r["tier"] == "1"] == FIVE.split(",")


def test_every_value_is_a_string_with_okx_fields(okx: FakeOKX, session: requests.Session) -> None:
    rows = tiers(okx, session, f"instType=SWAP&tdMode=isolated&instFamily={FIVE}")
    for row in rows:
        assert set(row) == FIELDS
        assert all(isinstance(value, str) for value in row.values())
        assert row["uly"] == row["instFamily"]
        assert (row["instId"], row["baseMaxLoan"], row["quoteMaxLoan"]) == ("", "", "")
        assert "e" not in row["maxSz"].lower()


@pytest.mark.parametrize(
    "query",
    [
        f"instType=SWAP&tdMode=cross&instFamily={FIVE}",
        "instType=FUTURES&tdMode=cross&instFamily=BTC-USDT,ETH-USD",
        "instType=OPTION&tdMode=cross&instFamily=BTC-USD,ETH-USD",
        "instType=MARGIN&tdMode=cross&instId=BTC-USDT,ETH-USDT",
        "instType=MARGIN&tdMode=cross&ccy=USDT",
    ],
)
def test_tiers_are_monotonic_within_a_family(
    okx: FakeOKX, session: requests.Session, query: str
) -> None:
    rows = tiers(okx, session, query)
    assert rows
    by_family: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_family.setdefault(row["instFamily"] or row["instId"], []).append(row)
    for family in by_family.values():
        assert [int(r["tier"]) for r in family] == list(range(1, len(family) + 1))
        assert family[0]["minSz"] == "0"
        for low, high in pairwise(family):
            assert high["minSz"] == low["maxSz"]
            assert Decimal(high["maxSz"]) > Decimal(high["minSz"])
            assert Decimal(high["mmr"]) > Decimal(low["mmr"])
            assert Decimal(high["imr"]) > Decimal(low["imr"])
            assert Decimal(high["maxLever"]) < Decimal(low["maxLever"])


def test_uly_is_the_legacy_name_of_the_family(okx: FakeOKX, session: requests.Session) -> None:
    by_uly = tiers(okx, session, "instType=SWAP&tdMode=cross&uly=BTC-USD,ETH-USD")
    by_family = tiers(okx, session, "instType=SWAP&tdMode=cross&instFamily=BTC-USD,ETH-USD")
    assert by_uly == by_family
    assert {r["uly"] for r in by_uly} == {"BTC-USD", "ETH-USD"}


def test_inst_family_wins_over_uly(okx: FakeOKX, session: requests.Session) -> None:
    rows = tiers(okx, session, "instType=SWAP&tdMode=cross&instFamily=ETH-USDT&uly=BTC-USDT")
    assert {r["instFamily"] for r in rows} == {"ETH-USDT"}


def test_tier_filter_returns_that_tier_per_family(okx: FakeOKX, session: requests.Session) -> None:
    rows = tiers(okx, session, "instType=FUTURES&tdMode=cross&instFamily=BTC-USDT,ETH-USDT&tier=3")
    assert [(r["instFamily"], r["tier"]) for r in rows] == [("BTC-USDT", "3"), ("ETH-USDT", "3")]


def test_inst_type_selects_the_table(okx: FakeOKX, session: requests.Session) -> None:
    swap = tiers(okx, session, "instType=SWAP&tdMode=cross&instFamily=BTC-USD")
    option = tiers(okx, session, "instType=OPTION&tdMode=cross&instFamily=BTC-USD")
    assert len(swap) != len(option)
    assert {r["optMgnFactor"] for r in swap} == {"0"}
    assert option[0]["optMgnFactor"] == "1"
    assert Decimal(option[-1]["optMgnFactor"]) > Decimal(option[0]["optMgnFactor"])


def test_margin_tiers_by_inst_id_carry_loans(okx: FakeOKX, session: requests.Session) -> None:
    rows = tiers(okx, session, "instType=MARGIN&tdMode=isolated&instId=BTC-USDT")
    assert rows[0] == {
        "baseMaxLoan": "50",
        "imr": "0.1",
        "instFamily": "",
        "instId": "BTC-USDT",
        "maxLever": "10",
        "maxSz": "50",
        "minSz": "0",
        "mmr": "0.05",
        "optMgnFactor": "0",
        "quoteMaxLoan": "500000",
        "tier": "1",
        "uly": "",
    }


def test_inst_id_wins_over_ccy_for_margin(okx: FakeOKX, session: requests.Session) -> None:
    rows = tiers(okx, session, "instType=MARGIN&tdMode=cross&instId=ETH-USDT&ccy=BTC")
    assert {r["instId"] for r in rows} == {"ETH-USDT"}


def test_margin_tiers_by_ccy_have_no_inst_id_or_loans(
    okx: FakeOKX, session: requests.Session
) -> None:
    rows = tiers(okx, session, "instType=MARGIN&tdMode=cross&ccy=BTC")
    assert rows
    assert {(r["instId"], r["baseMaxLoan"], r["quoteMaxLoan"]) for r in rows} == {("", "", "")}


def test_unknown_family_gives_no_tiers(okx: FakeOKX, session: requests.Session) -> None:
    assert tiers(okx, session, "instType=SWAP&tdMode=cross&instFamily=NOPE-USDT") == []
