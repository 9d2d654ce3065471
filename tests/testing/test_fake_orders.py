"""FakeOKX's orders: placed, found, amended, canceled and filled as OKX answers them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from okx_v5.testing import FakeOKX

Api = Callable[..., tuple[int, dict[str, Any]]]
ORDER = "/api/v5/trade/order"
PENDING = "/api/v5/trade/orders-pending"
HISTORY = "/api/v5/trade/orders-history"
ARCHIVE = "/api/v5/trade/orders-history-archive"
FILLS = "/api/v5/trade/fills"
CANCEL = "/api/v5/trade/cancel-order"
AMEND = "/api/v5/trade/amend-order"
BALANCE = "/api/v5/account/balance"
KEY = FakeOKX.DEMO_KEY


def limit_buy(px: str = "60000", sz: str = "0.01", **more: str) -> dict[str, str]:
    return {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit"} | {
        "px": px,
        "sz": sz,
        **more,
    }


def place(api: Api, order: dict[str, str]) -> dict[str, Any]:
    status, body = api("POST", ORDER, order)
    assert status == 200
    return body


def placed(api: Api, order: dict[str, str]) -> str:
    body = place(api, order)
    assert (body["code"], body["data"][0]["sCode"]) == ("0", "0"), body
    ord_id: str = body["data"][0]["ordId"]
    return ord_id


def get(api: Api, ord_id: str, inst_id: str = "BTC-USDT") -> dict[str, Any]:
    status, body = api("GET", ORDER, instId=inst_id, ordId=ord_id)
    assert (status, body["code"]) == (200, "0"), body
    order: dict[str, Any] = body["data"][0]
    return order


def detail(api: Api, ccy: str) -> dict[str, str]:
    _, body = api("GET", BALANCE, ccy=ccy)
    row: dict[str, str] = body["data"][0]["details"][0]
    return row


def test_placing_answers_the_order_id_and_sCode_0(api: Api) -> None:
    body = place(api, limit_buy(clOrdId="bot1", tag="t1"))
    (item,) = body["data"]
    assert (body["code"], body["msg"]) == ("0", "")
    assert (item["clOrdId"], item["tag"], item["sCode"], item["sMsg"]) == ("bot1", "t1", "0", "")
    assert item["ordId"].isdigit()
    assert int(item["ts"]) > 0


def test_order_ids_count_up_from_a_fresh_exchange(api: Api) -> None:
    first, second = placed(api, limit_buy()), placed(api, limit_buy())
    assert int(second) == int(first) + 1


def test_a_limit_order_below_the_price_rests(api: Api) -> None:
    order = get(api, placed(api, limit_buy("60000")))
    assert (order["state"], order["accFillSz"], order["avgPx"], order["px"]) == (
        "live",
        "0",
        "",
        "60000",
    )


def test_a_resting_buy_holds_its_quote_amount(api: Api) -> None:
    placed(api, limit_buy("60000", "0.1"))
    usdt = detail(api, "USDT")
    assert (usdt["cashBal"], usdt["availBal"], usdt["frozenBal"], usdt["ordFrozen"]) == (
        "10000",
        "4000",
        "6000",
        "6000",
    )


def test_a_resting_sell_holds_its_base_amount(api: Api) -> None:
    placed(api, limit_buy("70000", "0.25") | {"side": "sell"})
    btc = detail(api, "BTC")
    assert (btc["availBal"], btc["ordFrozen"]) == ("0.75", "0.25")


def test_a_resting_order_the_price_does_not_reach_stays_live(okx: FakeOKX, api: Api) -> None:
    ord_id = placed(api, limit_buy("60000"))
    okx.set_price("BTC-USDT", "60000.1")
    assert get(api, ord_id)["state"] == "live"


def test_a_price_change_leaves_other_instruments_orders_alone(okx: FakeOKX, api: Api) -> None:
    eth = placed(api, limit_buy("3400") | {"instId": "ETH-USDT", "sz": "1"})
    okx.set_price("BTC-USDT", "3000")
    assert get(api, eth, "ETH-USDT")["state"] == "live"


def test_a_market_buy_is_sized_in_the_quote_currency_and_fills_at_the_price(api: Api) -> None:
    order = get(
        api,
        placed(
            api,
            {
                "instId": "BTC-USDT",
                "tdMode": "cash",
                "side": "buy",
                "ordType": "market",
                "sz": "650",
            },
        ),
    )
    assert (order["state"], order["tgtCcy"], order["sz"]) == ("filled", "quote_ccy", "650")
    assert (order["accFillSz"], order["avgPx"], order["fillPx"]) == ("0.01", "65000", "65000")
    assert (order["fee"], order["feeCcy"]) == ("-0.00001", "BTC")


def test_a_market_buy_moves_both_balances_and_pays_the_taker_fee(api: Api) -> None:
    order = {"instId": "ETH-USDT", "tdMode": "cash", "side": "buy", "ordType": "market"}
    placed(api, order | {"sz": "2", "tgtCcy": "base_ccy"})
    assert detail(api, "USDT")["cashBal"] == "3000"
    assert detail(api, "ETH")["cashBal"] == "11.998"  # 10 + 2 - 0.1% of 2


def test_a_market_sell_pays_its_fee_in_the_quote_currency(api: Api) -> None:
    order = {"instId": "BTC-USDT", "tdMode": "cash", "side": "sell", "ordType": "market"}
    placed(api, order | {"sz": "0.5"})
    assert detail(api, "BTC")["cashBal"] == "0.5"
    assert detail(api, "USDT")["cashBal"] == "42467.5"  # 10000 + 32500 - 32.5


def test_a_marketable_limit_order_fills_at_the_price(api: Api) -> None:
    order = get(api, placed(api, limit_buy("66000")))
    assert (order["state"], order["avgPx"], order["px"]) == ("filled", "65000", "66000")


def test_a_marketable_post_only_order_is_canceled(api: Api) -> None:
    order = get(api, placed(api, limit_buy("66000") | {"ordType": "post_only"}))
    assert (order["state"], order["accFillSz"]) == ("canceled", "0")


def test_an_ioc_order_that_cannot_fill_is_canceled(api: Api) -> None:
    order = get(api, placed(api, limit_buy("60000") | {"ordType": "ioc"}))
    assert order["state"] == "canceled"


def test_a_resting_order_fills_at_its_price_when_the_price_reaches_it(
    okx: FakeOKX, api: Api
) -> None:
    ord_id = placed(api, limit_buy("60000", "0.1"))
    okx.set_price("BTC-USDT", "59000")
    order = get(api, ord_id)
    assert (order["state"], order["avgPx"], order["accFillSz"]) == ("filled", "60000", "0.1")
    assert order["fee"] == "-0.00008"  # the maker rate, 0.08%
    assert okx.balances(KEY)["USDT"] == Decimal("4000")


def test_an_order_is_found_by_its_client_order_id(api: Api) -> None:
    ord_id = placed(api, limit_buy(clOrdId="mine"))
    _, body = api("GET", ORDER, instId="BTC-USDT", clOrdId="mine")
    assert body["data"][0]["ordId"] == ord_id


def test_an_unknown_order_is_51603(api: Api) -> None:
    status, body = api("GET", ORDER, instId="BTC-USDT", ordId="123")
    assert (status, body["code"], body["msg"], body["data"]) == (
        200,
        "51603",
        "Order does not exist.",
        [],
    )


def test_an_order_of_another_instrument_is_not_found(api: Api) -> None:
    ord_id = placed(api, limit_buy())
    _, body = api("GET", ORDER, instId="ETH-USDT", ordId=ord_id)
    assert body["code"] == "51603"


def test_canceling_releases_the_hold(api: Api) -> None:
    ord_id = placed(api, limit_buy("60000", "0.1"))
    status, body = api("POST", CANCEL, {"instId": "BTC-USDT", "ordId": ord_id})
    assert (status, body["code"], body["data"][0]["sCode"]) == (200, "0", "0")
    assert get(api, ord_id)["state"] == "canceled"
    assert detail(api, "USDT")["availBal"] == "10000"


def test_canceling_a_finished_order_is_51400(api: Api) -> None:
    ord_id = placed(api, limit_buy())
    api("POST", CANCEL, {"instId": "BTC-USDT", "ordId": ord_id})
    status, body = api("POST", CANCEL, {"instId": "BTC-USDT", "ordId": ord_id})
    (item,) = body["data"]
    assert (status, body["code"], body["msg"]) == (200, "1", "Operation failed.")
    assert (item["ordId"], item["sCode"]) == (ord_id, "51400")
    assert item["sMsg"].startswith("Order cancellation failed")


def test_amending_changes_the_price_and_size(api: Api) -> None:
    ord_id = placed(api, limit_buy("60000", "0.01"))
    body = api(
        "POST",
        AMEND,
        {"instId": "BTC-USDT", "ordId": ord_id, "newPx": "61000", "newSz": "0.02", "reqId": "r1"},
    )[1]
    assert (body["code"], body["data"][0]["reqId"], body["data"][0]["sCode"]) == ("0", "r1", "0")
    order = get(api, ord_id)
    assert (order["px"], order["sz"], order["state"]) == ("61000", "0.02", "live")


def test_amending_to_a_marketable_price_fills_the_order(api: Api) -> None:
    ord_id = placed(api, limit_buy("60000"))
    api("POST", AMEND, {"instId": "BTC-USDT", "ordId": ord_id, "newPx": "65500"})
    assert get(api, ord_id)["state"] == "filled"


def test_amending_a_filled_order_is_51503(api: Api) -> None:
    ord_id = placed(api, limit_buy("66000"))
    _, body = api("POST", AMEND, {"instId": "BTC-USDT", "ordId": ord_id, "newPx": "61000"})
    assert (body["code"], body["data"][0]["sCode"]) == ("1", "51503")


def test_amending_nothing_is_51500(api: Api) -> None:
    ord_id = placed(api, limit_buy())
    _, body = api("POST", AMEND, {"instId": "BTC-USDT", "ordId": ord_id})
    assert body["data"][0]["sCode"] == "51500"


def test_amending_beyond_the_balance_is_51502_and_cancels_with_cxlOnFail(api: Api) -> None:
    ord_id = placed(api, limit_buy("60000", "0.1"))
    amend = {"instId": "BTC-USDT", "ordId": ord_id, "newSz": "1", "cxlOnFail": True}
    _, body = api("POST", AMEND, amend)
    assert body["data"][0]["sCode"] == "51502"
    order = get(api, ord_id)
    assert (order["sz"], order["state"]) == ("0.1", "canceled")


def test_a_failed_amend_leaves_the_order_as_it_was(api: Api) -> None:
    ord_id = placed(api, limit_buy("60000", "0.1"))
    _, body = api("POST", AMEND, {"instId": "BTC-USDT", "ordId": ord_id, "newSz": "1"})
    order = get(api, ord_id)
    assert body["data"][0]["sCode"] == "51502"
    assert (order["sz"], order["state"]) == ("0.1", "live")


def test_insufficient_balance_is_51008_in_the_item(api: Api) -> None:
    status, body = api("POST", ORDER, limit_buy("60000", "1"))
    (item,) = body["data"]
    assert (status, body["code"], body["msg"]) == (200, "1", "Operation failed.")
    assert (item["ordId"], item["sCode"]) == ("", "51008")
    assert item["sMsg"] == "Order failed. Insufficient USDT balance in account"


def test_selling_more_than_held_is_51008_in_the_base_currency(okx: FakeOKX, api: Api) -> None:
    okx.set_balance(KEY, "BTC", "0.001")
    body = place(api, limit_buy("70000", "0.01") | {"side": "sell"})
    assert body["data"][0]["sMsg"] == "Order failed. Insufficient BTC balance in account"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"instId": "XRP-USDT"}, "51001"),
        ({"sz": "0.000000001"}, "51121"),
        ({"sz": "0.000001"}, "51020"),
        ({"px": ""}, "51204"),
        ({"px": "-1"}, "51000"),
        ({"px": "cheap"}, "51000"),
        ({"ordType": "mmp"}, "51000"),
        ({"instId": "BTC-USD-271231-60000-C", "tdMode": "cross"}, "50038"),
        ({"instId": "DOGE-USDT", "tdMode": "cross", "px": "0.1", "sz": "10"}, "51000"),
    ],
)
def test_orders_okx_refuses_answer_their_sCode(api: Api, change: dict[str, str], code: str) -> None:
    body = place(api, limit_buy() | change)
    assert (body["code"], body["data"][0]["sCode"]) == ("1", code)


def test_a_client_order_id_in_use_is_51016(api: Api) -> None:
    placed(api, limit_buy(clOrdId="same"))
    assert place(api, limit_buy(clOrdId="same"))["data"][0]["sCode"] == "51016"


def test_a_missing_parameter_is_50014_for_the_whole_request(api: Api) -> None:
    order = limit_buy()
    del order["side"]
    status, body = api("POST", ORDER, order)
    assert (status, body["code"], body["data"]) == (400, "50014", [])


def test_pending_orders_are_listed_newest_first(api: Api) -> None:
    first = placed(api, limit_buy("60000"))
    second = placed(api, limit_buy("59000"))
    placed(api, limit_buy("66000"))  # fills at once: not pending
    _, body = api("GET", PENDING)
    assert [row["ordId"] for row in body["data"]] == [second, first]


def test_pending_orders_filter_and_page(api: Api) -> None:
    ids = [placed(api, limit_buy(str(60000 - n))) for n in range(4)]
    placed(
        api,
        {
            "instId": "ETH-USDT",
            "tdMode": "cash",
            "side": "buy",
            "ordType": "limit",
            "px": "3000",
            "sz": "1",
        },
    )
    _, page = api("GET", PENDING, instId="BTC-USDT", after=ids[3], limit="2")
    _, spot = api("GET", PENDING, instType="SPOT", ordType="limit", state="live")
    assert [row["ordId"] for row in page["data"]] == [ids[2], ids[1]]
    assert len(spot["data"]) == 5


def test_a_list_limit_must_be_a_positive_whole_number(api: Api) -> None:
    for limit in ("0", "ten"):
        status, body = api("GET", PENDING, limit=limit)
        assert (status, body["code"], body["msg"]) == (400, "51000", "Parameter limit error")


def test_finished_orders_are_in_the_history_and_the_archive(api: Api) -> None:
    canceled = placed(api, limit_buy("60000"))
    api("POST", CANCEL, {"instId": "BTC-USDT", "ordId": canceled})
    filled = placed(api, limit_buy("66000"))
    placed(api, limit_buy("60000"))  # still pending
    for path in (HISTORY, ARCHIVE):
        _, body = api("GET", path, instType="SPOT")
        assert [(row["ordId"], row["state"]) for row in body["data"]] == [
            (filled, "filled"),
            (canceled, "canceled"),
        ]


def test_history_filters_by_state(api: Api) -> None:
    canceled = placed(api, limit_buy("60000"))
    api("POST", CANCEL, {"instId": "BTC-USDT", "ordId": canceled})
    placed(api, limit_buy("66000"))
    _, body = api("GET", HISTORY, instType="SPOT", state="canceled")
    assert [row["ordId"] for row in body["data"]] == [canceled]


def test_a_spot_pair_traded_on_margin_is_filed_as_MARGIN(api: Api) -> None:
    ord_id = placed(api, limit_buy(tdMode="cross"))
    assert get(api, ord_id)["instType"] == "MARGIN"
    _, body = api("GET", PENDING, instType="MARGIN")
    assert [row["ordId"] for row in body["data"]] == [ord_id]


def test_fills_are_listed_newest_first_with_their_fee(okx: FakeOKX, api: Api) -> None:
    first = placed(api, limit_buy("66000"))
    second = placed(api, limit_buy("60000", "0.02"))
    okx.set_price("BTC-USDT", "60000")
    _, body = api("GET", FILLS, instId="BTC-USDT")
    fills = body["data"]
    assert [(f["ordId"], f["execType"], f["feeRate"]) for f in fills] == [
        (second, "M", "-0.0008"),
        (first, "T", "-0.001"),
    ]
    assert (fills[1]["fillPx"], fills[1]["fillSz"], fills[1]["fee"]) == (
        "65000",
        "0.01",
        "-0.00001",
    )


def test_fills_filter_by_order(api: Api) -> None:
    placed(api, limit_buy("66000"))
    second = placed(api, limit_buy("66000"))
    _, body = api("GET", FILLS, ordId=second)
    assert [fill["ordId"] for fill in body["data"]] == [second]
