"""FakeOKX's accounts: balances, leverage and position mode, per API key."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from okx_v5.testing import FakeOKX

Api = Callable[..., tuple[int, dict[str, Any]]]
BALANCE = "/api/v5/account/balance"
CONFIG = "/api/v5/account/config"
LEVERAGE = "/api/v5/account/leverage-info"
SET_LEVERAGE = "/api/v5/account/set-leverage"
POSITION_MODE = "/api/v5/account/set-position-mode"
ORDER = "/api/v5/trade/order"
KEY = FakeOKX.DEMO_KEY
BUY_BTC_SWAP = {
    "instId": "BTC-USDT-SWAP",
    "tdMode": "cross",
    "side": "buy",
    "posSide": "long",
    "ordType": "market",
    "sz": "1",
}


def balance(api: Api, **query: str) -> dict[str, Any]:
    status, body = api("GET", BALANCE, **query)
    assert (status, body["code"]) == (200, "0"), body
    row: dict[str, Any] = body["data"][0]
    return row


def levers(api: Api, query: dict[str, str]) -> list[tuple[str, str]]:
    _, body = api("GET", LEVERAGE, **query)
    return [(row["posSide"], row["lever"]) for row in body["data"]]


def test_a_new_account_holds_usdt_btc_and_eth(api: Api) -> None:
    row = balance(api)
    assert [(d["ccy"], d["cashBal"], d["availBal"]) for d in row["details"]] == [
        ("BTC", "1", "1"),
        ("ETH", "10", "10"),
        ("USDT", "10000", "10000"),
    ]
    # 65000 + 10 * 3500 + 10000 USD
    assert (row["totalEq"], row["adjEq"], row["imr"], row["upl"]) == ("110000", "110000", "0", "0")


def test_a_balance_has_okx_documented_fields(api: Api) -> None:
    row = balance(api, ccy="USDT")
    detail = row["details"][0]
    assert {"totalEq", "isoEq", "notionalUsd", "details", "uTime"} <= set(row)
    assert {"eq", "cashBal", "availEq", "frozenBal", "ordFrozen", "eqUsd", "upl"} <= set(detail)
    assert detail["collateralEnabled"] is False


def test_the_balance_answers_the_currencies_asked_for(api: Api) -> None:
    details = balance(api, ccy="USDT,SOL")["details"]
    assert [(d["ccy"], d["cashBal"]) for d in details] == [("USDT", "10000"), ("SOL", "0")]


def test_set_balance_sets_one_currency(okx: FakeOKX, api: Api) -> None:
    okx.set_balance(KEY, "SOL", "25.5")
    okx.set_balance(KEY, "BTC", 0)
    assert [d["ccy"] for d in balance(api)["details"]] == ["ETH", "SOL", "USDT"]
    assert okx.balances(KEY) == {
        "USDT": Decimal("10000"),
        "BTC": Decimal("0"),
        "ETH": Decimal("10"),
        "SOL": Decimal("25.5"),
    }


@pytest.mark.parametrize(
    ("ccy", "amount", "message"),
    [
        ("usdt", "1", "ccy must be a currency"),
        ("USDT", "-1", "non-negative"),
        ("USDT", "x", "number"),
    ],
)
def test_set_balance_refuses_nonsense(okx: FakeOKX, ccy: str, amount: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        okx.set_balance(KEY, ccy, amount)


def test_balances_belong_to_one_account(okx: FakeOKX) -> None:
    okx.add_key("other", "other-secret", "other-pass")
    okx.set_balance("other", "USDT", "5")
    assert okx.balances(KEY)["USDT"] == Decimal("10000")
    with pytest.raises(ValueError, match="unknown API key"):
        okx.balances("nobody")


def test_set_leverage_changes_what_get_leverage_answers(api: Api) -> None:
    status, body = api(
        "POST", SET_LEVERAGE, {"lever": "25", "mgnMode": "cross", "instId": "ETH-USDT-SWAP"}
    )
    assert (status, body["code"]) == (200, "0")
    assert body["data"] == [
        {"lever": "25", "mgnMode": "cross", "instId": "ETH-USDT-SWAP", "posSide": ""}
    ]
    query = {"instId": "ETH-USDT-SWAP", "mgnMode": "cross"}
    assert levers(api, query) == [("long", "25"), ("short", "25")]


def test_isolated_leverage_in_long_short_mode_is_per_side(api: Api) -> None:
    change = {"lever": "3", "mgnMode": "isolated", "instId": "BTC-USDT-SWAP", "posSide": "short"}
    api("POST", SET_LEVERAGE, change)
    query = {"instId": "BTC-USDT-SWAP", "mgnMode": "isolated"}
    assert levers(api, query) == [("long", "10"), ("short", "3")]


def test_isolated_leverage_in_long_short_mode_needs_the_side(api: Api) -> None:
    change = {"lever": "3", "mgnMode": "isolated", "instId": "BTC-USDT-SWAP"}
    status, body = api("POST", SET_LEVERAGE, change)
    assert (status, body["code"], body["msg"]) == (
        400,
        "50014",
        "Parameter posSide can not be empty.",
    )


def test_currency_leverage_is_set_for_cross_margin(api: Api) -> None:
    api("POST", SET_LEVERAGE, {"lever": "4", "mgnMode": "cross", "ccy": "BTC"})
    assert levers(api, {"ccy": "BTC", "mgnMode": "cross"}) == [("net", "4")]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"lever": "126", "instId": "BTC-USDT-SWAP"}, (200, "59102")),
        ({"lever": "0.5", "instId": "BTC-USDT-SWAP"}, (400, "51000")),
        ({"lever": "ten", "instId": "BTC-USDT-SWAP"}, (400, "51000")),
        ({"lever": "5", "instId": "XRP-USDT-SWAP"}, (200, "51001")),
        ({"lever": "5", "instId": "DOGE-USDT"}, (400, "51000")),
        ({"lever": "5", "ccy": "BTC", "mgnMode": "isolated"}, (400, "51000")),
        ({"lever": "5"}, (400, "50014")),
    ],
)
def test_set_leverage_refuses_what_okx_refuses(
    api: Api, change: dict[str, str], expected: tuple[int, str]
) -> None:
    status, body = api("POST", SET_LEVERAGE, {"mgnMode": "cross"} | change)
    assert (status, body["code"]) == expected


def test_set_position_mode_changes_the_leverage_rows_and_the_config(api: Api) -> None:
    status, body = api("POST", POSITION_MODE, {"posMode": "net_mode"})
    assert (status, body["data"]) == (200, [{"posMode": "net_mode"}])
    assert levers(api, {"instId": "BTC-USDT-SWAP", "mgnMode": "cross"}) == [("net", "10")]
    assert api("GET", CONFIG)[1]["data"][0]["posMode"] == "net_mode"


def test_the_position_mode_cannot_change_with_a_position_open(api: Api) -> None:
    api("POST", ORDER, BUY_BTC_SWAP)
    status, body = api("POST", POSITION_MODE, {"posMode": "net_mode"})
    assert (status, body["code"], body["msg"]) == (
        200,
        "59000",
        "Settings failed. Close any open positions or orders before modifying settings.",
    )


def test_reset_forgets_balances_orders_positions_and_leverage(okx: FakeOKX, api: Api) -> None:
    okx.set_balance(KEY, "USDT", "50000")
    api("POST", ORDER, BUY_BTC_SWAP)
    api("POST", SET_LEVERAGE, {"lever": "20", "mgnMode": "cross", "instId": "BTC-USDT-SWAP"})
    okx.reset()
    assert okx.balances(KEY)["USDT"] == Decimal("10000")
    assert api("GET", "/api/v5/account/positions")[1]["data"] == []
    assert api("GET", "/api/v5/trade/orders-history", instType="SWAP")[1]["data"] == []
    assert levers(api, {"instId": "BTC-USDT-SWAP", "mgnMode": "cross"}) == [
        ("long", "10"),
        ("short", "10"),
    ]
