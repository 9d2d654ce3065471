"""FakeOKX's batch order endpoints answer each item as the single endpoint would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Api = Callable[..., tuple[int, dict[str, Any]]]
BATCH_ORDERS = "/api/v5/trade/batch-orders"
CANCEL_BATCH = "/api/v5/trade/cancel-batch-orders"
AMEND_BATCH = "/api/v5/trade/amend-batch-orders"
PENDING = "/api/v5/trade/orders-pending"


def eth(px: str, sz: str = "1", **more: str) -> dict[str, str]:
    order = {"instId": "ETH-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit"}
    return order | {"px": px, "sz": sz, **more}


def codes(body: dict[str, Any]) -> list[str]:
    return [item["sCode"] for item in body["data"]]


def test_a_batch_places_every_order(api: Api) -> None:
    status, body = api("POST", BATCH_ORDERS, [eth("3000", clOrdId="a"), eth("3100", clOrdId="b")])
    assert (status, body["code"], body["msg"], codes(body)) == (200, "0", "", ["0", "0"])
    assert [item["clOrdId"] for item in body["data"]] == ["a", "b"]
    assert len(api("GET", PENDING)[1]["data"]) == 2


def test_a_partly_failed_batch_is_code_2(api: Api) -> None:
    # The first order holds 9000 USDT, so the second cannot have its 3000.
    status, body = api("POST", BATCH_ORDERS, [eth("3000", "3"), eth("3000", "1")])
    assert (status, body["code"], body["msg"]) == (200, "2", "Bulk operation partially succeeded.")
    assert codes(body) == ["0", "51008"]


def test_an_entirely_failed_batch_is_code_1(api: Api) -> None:
    _, body = api("POST", BATCH_ORDERS, [eth("3000", "4"), eth("3000", "0.0000001")])
    assert (body["code"], codes(body)) == ("1", ["51008", "51121"])


@pytest.mark.parametrize(
    ("path", "code", "status"),
    [(BATCH_ORDERS, "51111", 200), (CANCEL_BATCH, "51406", 400), (AMEND_BATCH, "51501", 400)],
)
def test_a_batch_takes_at_most_20_orders(api: Api, path: str, code: str, status: int) -> None:
    answer = api("POST", path, [eth("3000", "0.01", ordId="1") for _ in range(21)])
    assert (answer[0], answer[1]["code"], answer[1]["data"]) == (status, code, [])
    assert "20" in answer[1]["msg"]


def test_an_item_missing_a_parameter_refuses_the_batch(api: Api) -> None:
    incomplete = {"instId": "ETH-USDT", "tdMode": "cash", "ordType": "limit", "sz": "1"}
    status, body = api("POST", BATCH_ORDERS, [eth("3000"), incomplete])
    assert (status, body["code"], body["msg"]) == (400, "50014", "Parameter side can not be empty.")
    assert api("GET", PENDING)[1]["data"] == []


def test_a_batch_cancels_each_order(api: Api) -> None:
    placed = api("POST", BATCH_ORDERS, [eth("3000"), eth("3100")])[1]["data"]
    cancels = [{"instId": "ETH-USDT", "ordId": item["ordId"]} for item in placed]
    cancels.append({"instId": "ETH-USDT", "ordId": "42"})
    _, body = api("POST", CANCEL_BATCH, cancels)
    assert (body["code"], codes(body)) == ("2", ["0", "0", "51400"])
    assert api("GET", PENDING)[1]["data"] == []


def test_a_batch_amends_each_order(api: Api) -> None:
    placed = api("POST", BATCH_ORDERS, [eth("3000", clOrdId="a"), eth("3100", clOrdId="b")])[1]
    amends = [
        {"instId": "ETH-USDT", "clOrdId": "a", "newPx": "2900", "reqId": "1"},
        {"instId": "ETH-USDT", "ordId": placed["data"][1]["ordId"], "newSz": "2", "reqId": "2"},
    ]
    _, body = api("POST", AMEND_BATCH, amends)
    assert (body["code"], codes(body)) == ("0", ["0", "0"])
    assert [item["reqId"] for item in body["data"]] == ["1", "2"]
    pending = api("GET", PENDING)[1]["data"]
    assert [(row["clOrdId"], row["px"], row["sz"]) for row in pending] == [
        ("b", "3100", "2"),
        ("a", "2900", "1"),
    ]
