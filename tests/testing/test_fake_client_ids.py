"""FakeOKX refuses client order IDs as OKX does: one of a live order again (51016, 51065 for
algo orders), or one not of OKX's form, "a combination of case-sensitive alphanumerics, all
numbers, or all letters of up to 32 characters" (51000)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Api = Callable[..., tuple[int, dict[str, Any]]]
Opener = Callable[..., Any]
"""The ``stream`` fixture: opens a client connection to the test's FakeOKX."""

ORDER = "/api/v5/trade/order"
BATCH_ORDERS = "/api/v5/trade/batch-orders"
CANCEL = "/api/v5/trade/cancel-order"
ALGO = "/api/v5/trade/order-algo"
CANCEL_ALGOS = "/api/v5/trade/cancel-algos"
ILL_FORMED = ["a-1", "order_1", "a" * 33, "ordre\u00e9", " a1"]
WELL_FORMED = ["a", "A1b2", "123", "x" * 32]


def resting(**more: str) -> dict[str, str]:
    """A limit buy far under the price: it stays live."""
    order = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit"}
    return order | {"px": "1000", "sz": "0.01", **more}


def market(**more: str) -> dict[str, str]:
    """A market buy: filled at once."""
    order = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market"}
    return order | {"sz": "100", **more}


def algo(**more: str) -> dict[str, str]:
    order = {"instId": "BTC-USDT", "tdMode": "cash", "side": "sell", "ordType": "conditional"}
    return order | {"sz": "0.001", "slTriggerPx": "50000", "slOrdPx": "-1", **more}


def outcome(body: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """(code, [(sCode, sMsg) of each item])."""
    return body["code"], [(item["sCode"], item["sMsg"]) for item in body["data"]]


DUPLICATE = ("51016", "Client order ID already exists.")


def test_placing_the_client_order_id_of_a_live_order_is_51016(api: Api) -> None:
    api("POST", ORDER, resting(clOrdId="bot1"))
    assert outcome(api("POST", ORDER, resting(clOrdId="bot1"))[1]) == ("1", [DUPLICATE])


def test_client_order_ids_are_case_sensitive(api: Api) -> None:
    api("POST", ORDER, resting(clOrdId="bot1"))
    assert outcome(api("POST", ORDER, resting(clOrdId="BOT1"))[1]) == ("0", [("0", "")])


def test_the_client_order_id_of_a_filled_order_can_be_used_again(api: Api) -> None:
    assert outcome(api("POST", ORDER, market(clOrdId="bot1"))[1]) == ("0", [("0", "")])
    assert outcome(api("POST", ORDER, resting(clOrdId="bot1"))[1]) == ("0", [("0", "")])


def test_the_client_order_id_of_a_canceled_order_can_be_used_again(api: Api) -> None:
    api("POST", ORDER, resting(clOrdId="bot1"))
    api("POST", CANCEL, {"instId": "BTC-USDT", "clOrdId": "bot1"})
    assert outcome(api("POST", ORDER, resting(clOrdId="bot1"))[1]) == ("0", [("0", "")])


def test_in_a_batch_only_the_duplicate_item_fails(api: Api) -> None:
    api("POST", ORDER, resting(clOrdId="bot1"))
    batch = [resting(clOrdId="bot2"), resting(clOrdId="bot1"), resting(clOrdId="bot3")]
    code, items = outcome(api("POST", BATCH_ORDERS, batch)[1])
    assert (code, items) == ("2", [("0", ""), DUPLICATE, ("0", "")])


def test_a_batch_repeating_a_client_order_id_fails_the_second(api: Api) -> None:
    batch = [resting(clOrdId="bot1"), resting(clOrdId="bot1")]
    assert outcome(api("POST", BATCH_ORDERS, batch)[1]) == ("2", [("0", ""), DUPLICATE])


def test_the_websocket_order_operation_refuses_a_duplicate_with_51016(
    api: Api, stream: Opener
) -> None:
    api("POST", ORDER, resting(clOrdId="bot1"))
    ws = stream("private")
    assert ws.login()["code"] == "0"
    ws.send({"id": "o1", "op": "order", "args": [resting(clOrdId="bot1")]})
    answer = ws.answer()
    assert (answer["code"], answer["data"][0]["sCode"], answer["data"][0]["sMsg"]) == (
        "1",
        *DUPLICATE,
    )


@pytest.mark.parametrize("cl_ord_id", ILL_FORMED)
def test_an_ill_formed_client_order_id_is_51000(api: Api, cl_ord_id: str) -> None:
    _, body = api("POST", ORDER, resting(clOrdId=cl_ord_id))
    assert outcome(body) == ("1", [("51000", "Parameter clOrdId error")])


@pytest.mark.parametrize("cl_ord_id", WELL_FORMED)
def test_a_client_order_id_of_okx_s_form_is_taken(api: Api, cl_ord_id: str) -> None:
    _, body = api("POST", ORDER, resting(clOrdId=cl_ord_id))
    assert (outcome(body), body["data"][0]["clOrdId"]) == (("0", [("0", "")]), cl_ord_id)


def test_a_client_order_id_that_is_not_a_string_is_51000(api: Api) -> None:
    order: dict[str, object] = {**resting(), "clOrdId": 12}
    _, body = api("POST", ORDER, order)
    assert outcome(body) == ("1", [("51000", "Parameter clOrdId error")])


def test_an_ill_formed_client_order_id_in_a_batch_fails_that_item(api: Api) -> None:
    batch = [resting(clOrdId="ok1"), resting(clOrdId="not-ok")]
    code, items = outcome(api("POST", BATCH_ORDERS, batch)[1])
    assert (code, items) == ("2", [("0", ""), ("51000", "Parameter clOrdId error")])


def test_the_websocket_order_operation_refuses_an_ill_formed_client_order_id(
    stream: Opener,
) -> None:
    ws = stream("private")
    assert ws.login()["code"] == "0"
    ws.send({"id": "o1", "op": "order", "args": [resting(clOrdId="a-1")]})
    item = ws.answer()["data"][0]
    assert (item["sCode"], item["sMsg"]) == ("51000", "Parameter clOrdId error")


# -- algo orders -----------------------------------------------------------------------------

ALGO_DUPLICATE = ("51065", "algoClOrdId already exists.")


def test_an_algo_order_is_answered_with_its_algo_id_and_algo_client_order_id(api: Api) -> None:
    status, body = api("POST", ALGO, algo(algoClOrdId="stop1"))
    item = body["data"][0]
    assert (status, body["code"], item["sCode"], item["algoClOrdId"]) == (200, "0", "0", "stop1")
    assert item["algoId"].isdecimal()


def test_the_algo_client_order_id_of_a_live_algo_order_is_51065(api: Api) -> None:
    api("POST", ALGO, algo(algoClOrdId="stop1"))
    assert outcome(api("POST", ALGO, algo(algoClOrdId="stop1"))[1]) == ("1", [ALGO_DUPLICATE])


def test_a_canceled_algo_order_frees_its_algo_client_order_id(api: Api) -> None:
    algo_id = api("POST", ALGO, algo(algoClOrdId="stop1"))[1]["data"][0]["algoId"]
    canceled = api("POST", CANCEL_ALGOS, [{"instId": "BTC-USDT", "algoId": algo_id}])[1]
    assert (canceled["code"], canceled["data"][0]["algoId"]) == ("0", algo_id)
    assert outcome(api("POST", ALGO, algo(algoClOrdId="stop1"))[1]) == ("0", [("0", "")])


def test_algo_orders_without_an_algo_client_order_id_are_never_duplicates(api: Api) -> None:
    api("POST", ALGO, algo())
    assert outcome(api("POST", ALGO, algo())[1]) == ("0", [("0", "")])


@pytest.mark.parametrize("algo_cl_ord_id", ILL_FORMED)
def test_an_ill_formed_algo_client_order_id_is_51000(api: Api, algo_cl_ord_id: str) -> None:
    _, body = api("POST", ALGO, algo(algoClOrdId=algo_cl_ord_id))
    assert outcome(body) == ("1", [("51000", "Parameter algoClOrdId error")])
