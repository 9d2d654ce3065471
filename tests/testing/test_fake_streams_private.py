"""FakeOKX's private WebSocket channels and order operations: pushed as the accounts change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from okx_v5.testing import FakeOKX
from okx_v5.Trade import TradeAPI

Opener = Callable[..., Any]
"""The ``stream`` fixture: opens a client connection to the test's FakeOKX."""

DEMO = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
ORDERS = {"channel": "orders", "instType": "ANY"}
BUY_ETH = {"instId": "ETH-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "100"}
REST_ORDER = ("ETH-USDT", "cash", "buy", "limit", "0.1")


def private(stream: Opener, *args: dict[str, str]) -> Any:
    """A logged-in /private stream, subscribed to ``args``."""
    ws = stream("private")
    assert ws.login()["code"] == "0"
    assert all(ack["event"] == "subscribe" for ack in ws.subscribe(*args))
    return ws


def rest_order(okx: FakeOKX, *args: str, **kwargs: str) -> dict[str, Any]:
    """Place an order through okx_v5's TradeAPI on ``okx``; return its answer item."""
    with TradeAPI(*DEMO, False, "1", okx.url) as api:
        answer = api.place_order(*args, **kwargs)
    item: dict[str, Any] = answer["data"][0]
    return item


def operate(ws: Any, op: str, *args: dict[str, Any], ident: str = "1") -> Any:
    """Send order operation ``op`` with ``args``; return its answer."""
    ws.send({"id": ident, "op": op, "args": list(args)})
    return ws.until(lambda m: m.get("op") == op)


# -- the orders channel ------------------------------------------------------------------------


def test_orders_push_a_rest_order_of_okx_v5_s_trade_api(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, ORDERS)
    placed = rest_order(okx, *REST_ORDER, px="3000")
    push = ws.push("orders")
    item = push["data"][0]
    assert (item["ordId"], item["state"], item["px"], item["sz"]) == (
        placed["ordId"],
        "live",
        "3000",
        "0.1",
    )
    assert (item["fillSz"], item["code"]) == ("0", "0")


def test_orders_items_have_the_fields_of_the_rest_order_row(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, ORDERS)
    placed = rest_order(okx, *REST_ORDER, px="3000")
    item = ws.push("orders")["data"][0]
    with TradeAPI(*DEMO, False, "1", okx.url) as api:
        row = api.get_order("ETH-USDT", ordId=placed["ordId"])["data"][0]
    assert row.keys() <= item.keys()
    assert {name: item[name] for name in ("state", "px", "sz", "side", "cTime")} == {
        name: row[name] for name in ("state", "px", "sz", "side", "cTime")
    }


def test_orders_push_a_fill_with_this_update_s_fill_fields(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, ORDERS)
    rest_order(okx, "ETH-USDT", "cash", "sell", "market", "0.5")
    item = ws.push("orders")["data"][0]
    assert (item["state"], item["fillSz"], item["fillPx"], item["execType"]) == (
        "filled",
        "0.5",
        "3500",
        "T",
    )
    assert item["tradeId"]
    assert item["fillFee"] != "0"


def test_orders_push_a_cancel(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, ORDERS)
    placed = rest_order(okx, *REST_ORDER, px="3000")
    ws.push("orders")
    with TradeAPI(*DEMO, False, "1", okx.url) as api:
        api.cancel_order("ETH-USDT", ordId=placed["ordId"])
    assert ws.push("orders")["data"][0]["state"] == "canceled"


def test_orders_push_a_resting_order_filled_by_a_price_move(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, ORDERS)
    rest_order(okx, *REST_ORDER, px="3400")
    ws.push("orders")
    okx.set_price("ETH-USDT", "3400")
    item = ws.push("orders")["data"][0]
    assert (item["state"], item["execType"], item["fillPx"]) == ("filled", "M", "3400")


def test_the_push_arg_of_a_private_channel_carries_the_uid(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, ORDERS)
    rest_order(okx, *REST_ORDER, px="3000")
    arg = ws.push("orders")["arg"]
    assert arg.keys() == {"channel", "instType", "uid"}
    assert arg["uid"].isdecimal()


def test_orders_are_pushed_only_to_the_account_s_connections(okx: FakeOKX, stream: Opener) -> None:
    okx.add_key("other-key", "other-secret", "other-pass")
    other = stream("private")
    other.login(key="other-key", secret="other-secret", passphrase="other-pass")
    other.subscribe(ORDERS)
    mine = private(stream, ORDERS)
    rest_order(okx, *REST_ORDER, px="3000")
    mine.push("orders")  # pushed: what other gets was queued before its pong
    other.send("ping")
    assert other.recv() == "pong"


def test_orders_are_pushed_only_to_subscriptions_that_match(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, {"channel": "orders", "instType": "SWAP"}, ORDERS)
    rest_order(okx, *REST_ORDER, px="3000")
    push = ws.push("orders")
    ws.send("ping")
    assert (push["arg"]["instType"], ws.recv()) == ("ANY", "pong")


def test_orders_filtered_by_inst_id(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, {"channel": "orders", "instType": "SPOT", "instId": "BTC-USDT"}, ORDERS)
    rest_order(okx, *REST_ORDER, px="3000")
    rest_order(okx, "BTC-USDT", "cash", "buy", "limit", "0.001", px="60000")
    pushes = [ws.push("orders") for _ in range(3)]
    by_arg = [(p["arg"].get("instId"), p["data"][0]["instId"]) for p in pushes]
    assert sorted(by_arg, key=str) == sorted(
        [(None, "ETH-USDT"), (None, "BTC-USDT"), ("BTC-USDT", "BTC-USDT")], key=str
    )


def test_the_orders_channel_pushes_nothing_on_subscribing(stream: Opener) -> None:
    ws = private(stream, ORDERS)
    ws.send("ping")
    assert ws.recv() == "pong"


# -- positions, account, balance and position, fills ----------------------------------------------


def test_positions_begin_with_a_snapshot(stream: Opener) -> None:
    ws = private(stream, {"channel": "positions", "instType": "ANY"})
    push = ws.push("positions")
    assert (push["eventType"], push["curPage"], push["lastPage"], push["data"]) == (
        "snapshot",
        1,
        True,
        [],
    )


def test_positions_push_a_position_opened_and_closed(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, {"channel": "positions", "instType": "SWAP"})
    ws.push("positions")
    rest_order(okx, "BTC-USDT-SWAP", "cross", "buy", "market", "2", posSide="long")
    opened = ws.push("positions")
    item = opened["data"][0]
    assert (opened["eventType"], item["instId"], item["pos"], item["posSide"]) == (
        "event_update",
        "BTC-USDT-SWAP",
        "2",
        "long",
    )
    with TradeAPI(*DEMO, False, "1", okx.url) as api:
        api.close_positions("BTC-USDT-SWAP", "cross", posSide="long")
    assert ws.push("positions")["data"][0]["pos"] == "0"


def test_account_begins_with_a_snapshot_of_the_rest_balance(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, {"channel": "account"})
    push = ws.push("account")
    assert (push["eventType"], push["arg"]["channel"]) == ("snapshot", "account")
    details = {detail["ccy"]: detail["cashBal"] for detail in push["data"][0]["details"]}
    assert details == {"BTC": "1", "ETH": "10", "USDT": "10000"}


def test_account_pushes_the_currencies_an_order_changed(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, {"channel": "account"})
    ws.push("account")
    rest_order(okx, "ETH-USDT", "cash", "sell", "market", "1")
    push = ws.push("account")
    details = {detail["ccy"]: detail["cashBal"] for detail in push["data"][0]["details"]}
    assert push["eventType"] == "event_update"
    assert details == {"ETH": "9", "USDT": "13496.5"}


def test_account_of_one_currency_pushes_only_it(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, {"channel": "account", "ccy": "USDT"})
    assert [d["ccy"] for d in ws.push("account")["data"][0]["details"]] == ["USDT"]
    okx.set_balance(FakeOKX.DEMO_KEY, "BTC", "2")
    okx.set_balance(FakeOKX.DEMO_KEY, "USDT", "500")
    assert [d["cashBal"] for d in ws.push("account")["data"][0]["details"]] == ["500"]


def test_balance_and_position_pushes_a_fill(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, {"channel": "balance_and_position"})
    snapshot = ws.push("balance_and_position")["data"][0]
    assert snapshot["eventType"] == "snapshot"
    placed = rest_order(okx, "ETH-USDT", "cash", "sell", "market", "1")
    data = ws.push("balance_and_position")["data"][0]
    assert data["eventType"] == "filled"
    assert {bal["ccy"]: bal["cashBal"] for bal in data["balData"]} == {
        "ETH": "9",
        "USDT": "13496.5",
    }
    with TradeAPI(*DEMO, False, "1", okx.url) as api:
        trade_id = api.get_order("ETH-USDT", ordId=placed["ordId"])["data"][0]["tradeId"]
    assert data["trades"] == [{"instId": "ETH-USDT", "tradeId": trade_id}]


def test_balance_and_position_pushes_a_balance_set_by_the_test(
    okx: FakeOKX, stream: Opener
) -> None:
    ws = private(stream, {"channel": "balance_and_position"})
    ws.push("balance_and_position")
    okx.set_balance(FakeOKX.DEMO_KEY, "SOL", "5")
    data = ws.push("balance_and_position")["data"][0]
    assert (data["eventType"], data["balData"][0]["ccy"], data["balData"][0]["cashBal"]) == (
        "transferred",
        "SOL",
        "5",
    )


def test_fills_push_a_fill(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, {"channel": "fills"})
    placed = rest_order(okx, "ETH-USDT", "cash", "sell", "market", "1", clOrdId="abc")
    item = ws.push("fills")["data"][0]
    assert (item["ordId"], item["fillSz"], item["side"], item["clOrdId"]) == (
        placed["ordId"],
        "1",
        "sell",
        "0",  # OKX gives clOrdId here only when it is a positive int64
    )


# -- order operations --------------------------------------------------------------------------


def test_an_order_op_is_answered_in_okx_s_form(stream: Opener) -> None:
    ws = private(stream)
    answer = operate(ws, "order", {**BUY_ETH, "clOrdId": "c1", "tag": "t1"}, ident="1512")
    assert (answer["id"], answer["op"], answer["code"], answer["msg"]) == ("1512", "order", "0", "")
    item = answer["data"][0]
    assert item.keys() == {"clOrdId", "ordId", "tag", "ts", "sCode", "sMsg"}
    assert (item["clOrdId"], item["tag"], item["sCode"]) == ("c1", "t1", "0")
    assert len(answer["inTime"]) == len(answer["outTime"]) == 16


def test_an_order_op_trades_on_the_rest_venue(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream)
    ordid = operate(ws, "order", BUY_ETH)["data"][0]["ordId"]
    with TradeAPI(*DEMO, False, "1", okx.url) as api:
        assert api.get_order("ETH-USDT", ordId=ordid)["data"][0]["state"] == "filled"


def test_an_order_op_is_pushed_on_the_orders_channel(stream: Opener) -> None:
    ws = private(stream, ORDERS)
    ordid = operate(ws, "order", BUY_ETH)["data"][0]["ordId"]
    assert ws.push("orders")["data"][0]["ordId"] == ordid


def test_an_order_op_refused_has_code_1_and_the_item_s_scode(stream: Opener) -> None:
    ws = private(stream)
    answer = operate(ws, "order", {**BUY_ETH, "sz": "100000"})
    assert (answer["code"], answer["data"][0]["sCode"]) == ("1", "51008")
    assert answer["data"][0]["sMsg"] == "Order failed. Insufficient USDT balance in account"


def test_batch_orders_partly_refused_have_code_2(stream: Opener) -> None:
    ws = private(stream)
    answer = operate(ws, "batch-orders", BUY_ETH, {**BUY_ETH, "instId": "NOPE-USDT"})
    assert answer["code"] == "2"
    assert [item["sCode"] for item in answer["data"]] == ["0", "51001"]


def test_batch_orders_of_more_than_20_are_refused(stream: Opener) -> None:
    ws = private(stream)
    assert operate(ws, "batch-orders", *[BUY_ETH] * 21)["code"] == "51111"


def test_a_bad_value_is_the_item_s_scode_51000(stream: Opener) -> None:
    ws = private(stream)
    answer = operate(ws, "order", {**BUY_ETH, "side": "up"})
    assert (answer["code"], answer["data"][0]["sCode"]) == ("1", "51000")


def test_an_order_missing_a_parameter_is_answered_with_60013(stream: Opener) -> None:
    ws = private(stream)
    answer = operate(ws, "order", {"instId": "ETH-USDT", "side": "buy"})
    assert (answer["code"], answer["msg"], answer["data"]) == ("60013", "Invalid args", [])


def test_cancel_order_op_cancels(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, ORDERS)
    placed = rest_order(okx, *REST_ORDER, px="3000")
    answer = operate(ws, "cancel-order", {"instId": "ETH-USDT", "ordId": placed["ordId"]})
    assert answer["data"][0].keys() == {"clOrdId", "ordId", "ts", "sCode", "sMsg"}
    assert (answer["code"], answer["data"][0]["ordId"]) == ("0", placed["ordId"])
    assert ws.until(lambda m: m.get("data", [{}])[0].get("state") == "canceled")


def test_batch_cancel_orders_op_answers_each(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream)
    placed = rest_order(okx, *REST_ORDER, px="3000")
    answer = operate(
        ws,
        "batch-cancel-orders",
        {"instId": "ETH-USDT", "ordId": placed["ordId"]},
        {"instId": "ETH-USDT", "ordId": "1"},
    )
    assert (answer["code"], [i["sCode"] for i in answer["data"]]) == ("2", ["0", "51400"])


def test_amend_order_op_amends(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream, ORDERS)
    placed = rest_order(okx, *REST_ORDER, px="3000")
    ws.push("orders")
    amend = {"instId": "ETH-USDT", "ordId": placed["ordId"], "newPx": "3100", "reqId": "r1"}
    answer = operate(ws, "amend-order", amend)
    assert answer["data"][0].keys() == {"clOrdId", "ordId", "ts", "reqId", "sCode", "sMsg"}
    assert (answer["code"], answer["data"][0]["reqId"]) == ("0", "r1")
    assert ws.push("orders")["data"][0]["px"] == "3100"


def test_batch_amend_orders_op_answers_each(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream)
    placed = rest_order(okx, *REST_ORDER, px="3000")
    answer = operate(
        ws, "batch-amend-orders", {"instId": "ETH-USDT", "ordId": placed["ordId"], "newSz": "0.2"}
    )
    assert (answer["code"], answer["data"][0]["sCode"]) == ("0", "0")


def test_an_order_op_needs_a_login(stream: Opener) -> None:
    ws = stream("private")
    answer = operate(ws, "order", BUY_ETH)
    assert (answer["code"], answer["data"]) == ("60011", [])


@pytest.mark.parametrize("path", ["public", "business"])
def test_an_order_op_off_the_private_path_is_refused_with_60028(stream: Opener, path: str) -> None:
    ws = stream(path)
    ws.login()
    assert operate(ws, "order", BUY_ETH)["code"] == "60028"


def test_order_ops_share_the_rest_rate_limit(okx: FakeOKX, stream: Opener) -> None:
    ws = private(stream)
    cancel = {"instId": "ETH-USDT", "ordId": "1"}
    answers = [operate(ws, "cancel-order", cancel, ident=str(n)) for n in range(61)]
    assert [a["code"] for a in answers[-2:]] == ["1", "50011"]


@pytest.mark.parametrize("path", ["business", "private"])
def test_mass_cancel_cancels_the_live_orders_of_a_family(
    okx: FakeOKX, stream: Opener, path: str
) -> None:
    swap = ("BTC-USDT-SWAP", "cross", "buy", "limit", "1")
    first = rest_order(okx, *swap, px="60000", posSide="long")
    spot = rest_order(okx, *REST_ORDER, px="3000")
    ws = stream(path)
    ws.login()
    answer = operate(ws, "mass-cancel", {"instType": "SWAP", "instFamily": "BTC-USDT"})
    assert (answer["code"], answer["data"]) == ("0", [{"result": True}])
    with TradeAPI(*DEMO, False, "1", okx.url) as api:
        states = [
            api.get_order(inst, ordId=placed["ordId"])["data"][0]["state"]
            for inst, placed in (("BTC-USDT-SWAP", first), ("ETH-USDT", spot))
        ]
    assert states == ["canceled", "live"]


def test_mass_cancel_without_its_family_is_answered_with_60013(stream: Opener) -> None:
    ws = private(stream)
    assert operate(ws, "mass-cancel", {"instType": "SWAP"})["code"] == "60013"
