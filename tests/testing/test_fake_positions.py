"""FakeOKX's derivative positions: opened by fills, valued at the price, closed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from okx_v5.testing import FakeOKX

Api = Callable[..., tuple[int, dict[str, Any]]]
ORDER = "/api/v5/trade/order"
POSITIONS = "/api/v5/account/positions"
CLOSE = "/api/v5/trade/close-position"
BALANCE = "/api/v5/account/balance"
KEY = FakeOKX.DEMO_KEY


def swap(side: str, sz: str, pos_side: str = "", **more: str) -> dict[str, str]:
    order = {"instId": "BTC-USDT-SWAP", "tdMode": "cross", "side": side, "ordType": "market"}
    return order | {"sz": sz, "posSide": pos_side, **more}


def trade(api: Api, order: dict[str, str]) -> dict[str, Any]:
    status, body = api("POST", ORDER, order)
    assert status == 200
    item: dict[str, Any] = body["data"][0]
    return item


def filled(api: Api, order: dict[str, str]) -> str:
    item = trade(api, order)
    assert item["sCode"] == "0", item
    ord_id: str = item["ordId"]
    return ord_id


def positions(api: Api, **query: str) -> list[dict[str, str]]:
    status, body = api("GET", POSITIONS, **query)
    assert (status, body["code"]) == (200, "0"), body
    rows: list[dict[str, str]] = body["data"]
    return rows


def usdt(api: Api) -> dict[str, str]:
    row: dict[str, str] = api("GET", BALANCE, ccy="USDT")[1]["data"][0]["details"][0]
    return row


def test_a_filled_buy_opens_a_long_position(api: Api) -> None:
    filled(api, swap("buy", "10", "long"))
    (position,) = positions(api)
    assert (position["instId"], position["instType"], position["mgnMode"]) == (
        "BTC-USDT-SWAP",
        "SWAP",
        "cross",
    )
    assert (position["posSide"], position["pos"], position["avgPx"], position["lever"]) == (
        "long",
        "10",
        "65000",
        "10",
    )
    assert (position["notionalUsd"], position["imr"], position["ccy"]) == ("6500", "650", "USDT")


def test_long_short_mode_needs_a_position_side(api: Api) -> None:
    item = trade(api, swap("buy", "1"))
    assert (item["sCode"], item["sMsg"]) == ("51000", "Parameter posSide error")


def test_the_profit_follows_the_price(okx: FakeOKX, api: Api) -> None:
    filled(api, swap("sell", "10", "short"))
    okx.set_price("BTC-USDT", "64000")
    (position,) = positions(api)
    assert (position["pos"], position["markPx"], position["upl"]) == ("10", "64000", "100")
    assert position["uplRatio"] == "0.1538461538461538461538461538"  # 100 / 650 margin


def test_adding_to_a_position_averages_its_price(okx: FakeOKX, api: Api) -> None:
    filled(api, swap("buy", "1", "long"))
    okx.set_price("BTC-USDT", "66000")
    filled(api, swap("buy", "3", "long"))
    assert positions(api)[0]["avgPx"] == "65750"


def test_closing_part_of_a_position_realises_its_profit_in_cash(okx: FakeOKX, api: Api) -> None:
    filled(api, swap("buy", "10", "long"))
    okx.set_price("BTC-USDT", "66000")
    ord_id = filled(api, swap("sell", "4", "long"))
    order = api("GET", ORDER, instId="BTC-USDT-SWAP", ordId=ord_id)[1]["data"][0]
    (position,) = positions(api)
    assert (order["pnl"], order["fee"], order["feeCcy"]) == ("40", "-1.32", "USDT")
    assert (position["pos"], position["avgPx"], position["pnl"]) == ("6", "65000", "40")
    # 10000 - 3.25 (fee to open) + 40 - 1.32 (fee to close part)
    assert usdt(api)["cashBal"] == "10035.43"


def test_close_positions_closes_it_at_the_price(okx: FakeOKX, api: Api) -> None:
    filled(api, swap("buy", "10", "long"))
    okx.set_price("BTC-USDT", "64000")
    status, body = api(
        "POST",
        CLOSE,
        {"instId": "BTC-USDT-SWAP", "mgnMode": "cross", "posSide": "long", "clOrdId": "x"},
    )
    assert (status, body["code"]) == (200, "0")
    assert body["data"] == [
        {"clOrdId": "x", "instId": "BTC-USDT-SWAP", "posSide": "long", "tag": ""}
    ]
    assert positions(api) == []
    assert okx.balances(KEY)["USDT"] == Decimal("9893.55")  # 10000 - 100 - 3.25 - 3.2


def test_closing_cancels_the_orders_that_would_close_it(api: Api) -> None:
    filled(api, swap("buy", "10", "long"))
    pending = filled(api, swap("sell", "5", "long", ordType="limit", px="70000"))
    api("POST", CLOSE, {"instId": "BTC-USDT-SWAP", "mgnMode": "cross", "posSide": "long"})
    order = api("GET", ORDER, instId="BTC-USDT-SWAP", ordId=pending)[1]["data"][0]
    assert order["state"] == "canceled"


def test_closing_without_a_position_is_51023(api: Api) -> None:
    status, body = api(
        "POST", CLOSE, {"instId": "BTC-USDT-SWAP", "mgnMode": "cross", "posSide": "long"}
    )
    assert (status, body["code"], body["msg"], body["data"]) == (
        200,
        "51023",
        "Position doesn't exist.",
        [],
    )


def test_closing_in_long_short_mode_needs_the_side(api: Api) -> None:
    status, body = api("POST", CLOSE, {"instId": "BTC-USDT-SWAP", "mgnMode": "cross"})
    assert (status, body["code"], body["msg"]) == (
        400,
        "50014",
        "Parameter posSide can not be empty.",
    )


def test_closing_more_than_the_position_is_51112(api: Api) -> None:
    filled(api, swap("buy", "2", "long"))
    assert trade(api, swap("sell", "3", "long"))["sCode"] == "51112"


def test_closing_a_side_without_a_position_is_51169(api: Api) -> None:
    assert trade(api, swap("buy", "1", "short"))["sCode"] == "51169"


def test_in_net_mode_one_position_changes_sign(okx: FakeOKX, api: Api) -> None:
    okx.set_position_mode(KEY, "net")
    filled(api, swap("buy", "2"))
    filled(api, swap("sell", "5", "net"))
    (position,) = positions(api)
    assert (position["posSide"], position["pos"], position["avgPx"]) == ("net", "-3", "65000")


def test_in_net_mode_a_reduce_only_order_on_the_same_side_is_51170(okx: FakeOKX, api: Api) -> None:
    okx.set_position_mode(KEY, "net")
    filled(api, swap("buy", "2"))
    assert trade(api, swap("buy", "1", reduceOnly="true"))["sCode"] == "51170"


def test_a_position_holds_margin_at_its_leverage(okx: FakeOKX, api: Api) -> None:
    okx.set_leverage(KEY, inst_id="BTC-USDT-SWAP", lever=50)
    filled(api, swap("buy", "10", "long"))
    balance = usdt(api)
    assert (balance["imr"], balance["frozenBal"], balance["availBal"]) == ("130", "130", "9866.75")


def test_too_little_margin_is_51008(okx: FakeOKX, api: Api) -> None:
    okx.set_balance(KEY, "USDT", "100")
    item = trade(api, swap("buy", "10", "long"))
    assert (item["sCode"], item["sMsg"]) == (
        "51008",
        "Order failed. Insufficient USDT margin in account",
    )


def test_an_isolated_position_shows_its_margin(api: Api) -> None:
    filled(api, swap("sell", "1", "short", tdMode="isolated"))
    (position,) = positions(api)
    assert (position["mgnMode"], position["margin"], position["imr"]) == ("isolated", "65", "")
    assert usdt(api)["isoEq"] == "65"


def test_an_inverse_swap_settles_in_the_coin(okx: FakeOKX, api: Api) -> None:
    filled(api, swap("buy", "100", "long", instId="BTC-USD-SWAP"))
    okx.set_price("BTC-USDT", "130000")
    (position,) = positions(api)
    # 100 contracts of 100 USD: 10000 USD, bought at 65000, worth 130000: 10000/65000 - 10000/130000
    assert (position["ccy"], position["upl"]) == ("BTC", "0.07692307692307692307692307692")


def test_positions_filter_by_type_and_instrument(api: Api) -> None:
    filled(api, swap("buy", "1", "long"))
    filled(api, swap("buy", "1", "long", instId="ETH-USDT-271231"))
    assert [p["instId"] for p in positions(api, instType="FUTURES")] == ["ETH-USDT-271231"]
    assert [p["instId"] for p in positions(api, instId="BTC-USDT-SWAP")] == ["BTC-USDT-SWAP"]


def test_positions_filter_by_position_id(api: Api) -> None:
    filled(api, swap("buy", "1", "long"))
    filled(api, swap("sell", "1", "short"))
    short = next(p for p in positions(api) if p["posSide"] == "short")
    assert positions(api, posId=short["posId"]) == [short]


@pytest.mark.parametrize("td_mode", ["cash", "spot_isolated"])
def test_a_derivative_needs_a_margin_mode(api: Api, td_mode: str) -> None:
    item = trade(api, swap("buy", "1", "long", tdMode=td_mode))
    assert (item["sCode"], item["sMsg"]) == ("51000", "Parameter tdMode error")


def test_a_resting_derivative_order_holds_its_margin(api: Api) -> None:
    filled(api, swap("buy", "10", "long", ordType="limit", px="60000"))
    # 10 contracts of 0.01 BTC at 60000, at leverage 10
    assert (usdt(api)["ordFrozen"], usdt(api)["availBal"]) == ("600", "9400")


def test_a_resting_order_that_would_close_holds_nothing(api: Api) -> None:
    filled(api, swap("buy", "10", "long"))
    filled(api, swap("sell", "10", "long", ordType="limit", px="70000"))
    assert usdt(api)["ordFrozen"] == "0"


def test_in_net_mode_a_position_side_other_than_net_is_51000(okx: FakeOKX, api: Api) -> None:
    okx.set_position_mode(KEY, "net")
    assert trade(api, swap("buy", "1", "long"))["sCode"] == "51000"
    body = api("POST", CLOSE, {"instId": "BTC-USDT-SWAP", "mgnMode": "cross", "posSide": "long"})
    assert (body[0], body[1]["code"], body[1]["msg"]) == (400, "51000", "Parameter posSide error")


def test_a_resting_reduce_only_order_without_its_position_is_canceled_when_reached(
    okx: FakeOKX, api: Api
) -> None:
    okx.set_position_mode(KEY, "net")
    filled(api, swap("buy", "2"))
    reduce = filled(api, swap("sell", "2", ordType="limit", px="70000", reduceOnly="true"))
    filled(api, swap("sell", "2"))  # the position is closed by another order
    okx.set_price("BTC-USDT", "70000")
    order = api("GET", ORDER, instId="BTC-USDT-SWAP", ordId=reduce)[1]["data"][0]
    assert (order["state"], order["accFillSz"]) == ("canceled", "0")
    assert positions(api) == []


def test_closing_with_autoCxl_cancels_every_order_of_the_instrument(api: Api) -> None:
    filled(api, swap("buy", "1", "long"))
    opening = filled(api, swap("buy", "1", "long", ordType="limit", px="60000"))
    other = filled(
        api, swap("buy", "1", "long", ordType="limit", px="3000", instId="ETH-USDT-SWAP")
    )
    api(
        "POST",
        CLOSE,
        {"instId": "BTC-USDT-SWAP", "mgnMode": "cross", "posSide": "long", "autoCxl": True},
    )
    states = {
        ord_id: api("GET", ORDER, instId=inst_id, ordId=ord_id)[1]["data"][0]["state"]
        for ord_id, inst_id in ((opening, "BTC-USDT-SWAP"), (other, "ETH-USDT-SWAP"))
    }
    assert states == {opening: "canceled", other: "live"}
