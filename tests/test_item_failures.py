"""When OKX refuses, the reason reaches the user: the items' sCode and sMsg of a code 1 or 2
answer, in raise_for_code(), .failures and the command line."""

from __future__ import annotations

from typing import Any

import pytest

from okx_v5.cli import EXIT_FAILURE, main
from okx_v5.exceptions import OkxAPIException, OkxRateLimitException
from okx_v5.response import OkxResponse
from okx_v5.testing import FakeOKX
from okx_v5.Trade import TradeAPI

MODEL = "okx_v5.models.trade:PlaceMultipleOrders"
DEMO = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "1")


def item(s_code: str, s_msg: str = "", **ids: str) -> dict[str, Any]:
    return {"clOrdId": "", "ordId": "", "tag": "", "ts": "1", "sCode": s_code, "sMsg": s_msg, **ids}


def answer(code: str, *items: dict[str, Any]) -> OkxResponse[Any]:
    msg = {"1": "Operation failed.", "2": "Bulk operation partially succeeded."}[code]
    return OkxResponse({"code": code, "msg": msg, "data": list(items)}, MODEL, method="POST",
                       path="/api/v5/trade/batch-orders")  # fmt: skip


def test_a_failed_order_raises_its_items_code_and_message() -> None:
    failed = answer("1", item("51008", "Insufficient USDT balance", clOrdId="b1"))
    with pytest.raises(OkxAPIException) as refused:
        failed.raise_for_code()
    assert (refused.value.code, refused.value.msg) == ("51008", "Insufficient USDT balance")
    assert str(refused.value).startswith(
        "OKX error 51008: Insufficient USDT balance (item 1 of 1, clOrdId b1)"
    )
    assert refused.value.response is failed  # OKX's "1" is still there


def test_a_partly_failed_batch_names_every_failure_and_what_went_through() -> None:
    partly = answer(
        "2",
        item("0", ordId="11"),
        item("51000", "Parameter px error", clOrdId="a"),
        item("0", ordId="13"),
        item("51008", "Insufficient USDT balance", clOrdId="c"),
    )
    with pytest.raises(OkxAPIException) as refused:
        partly.raise_for_code()
    message = str(refused.value)
    assert "51000: Parameter px error (item 2 of 4, clOrdId a)" in message
    assert "51008: Insufficient USDT balance (item 4 of 4, clOrdId c)" in message
    assert "items 1, 3 went through" in message
    assert refused.value.code == "51000"  # the first failure's


def test_failures_are_the_typed_items_okx_refused() -> None:
    partly = answer("2", item("0", ordId="11"), item("51000", "Parameter px error", clOrdId="a"))
    (failure,) = partly.failures
    assert (failure.cl_ord_id, failure.s_code) == ("a", "51000")
    assert answer("1", item("0")).failures == []


def test_an_items_code_picks_the_exception_class_as_a_top_level_code_does() -> None:
    limited = answer("1", item("50011", "Rate limit reached"))
    with pytest.raises(OkxRateLimitException):
        limited.raise_for_code()


def test_an_error_without_item_codes_keeps_okx_top_level_code() -> None:
    plain = OkxResponse({"code": "51001", "msg": "Instrument ID does not exist", "data": []}, MODEL)
    with pytest.raises(OkxAPIException) as refused:
        plain.raise_for_code()
    assert refused.value.code == "51001"


def test_a_refused_order_on_the_sandbox_raises_okx_reason(okx: FakeOKX) -> None:
    with TradeAPI(*DEMO, okx.url) as api:
        result = api.place_order("BTC-USDT", "cash", "buy", "market", "99999999", clOrdId="big")
    assert result["code"] == "1"  # python-okx's dict, as OKX answered
    with pytest.raises(OkxAPIException, match=r"51008: .*balance.* \(item 1 of 1, clOrdId big\)"):
        result.raise_for_code()


def test_the_command_line_says_why_an_order_failed(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--sandbox", "--yes", "trade", "place-order", "--inst-id", "BTC-USDT",
            "--td-mode", "cash", "--side", "buy", "--ord-type", "market", "--sz", "99999999"]  # fmt: skip
    assert main(argv) == EXIT_FAILURE
    err = capsys.readouterr().err.strip()
    assert (
        err == "error: OKX 51008: Order failed. Insufficient USDT balance in account (item 1 of 1)"
    )
