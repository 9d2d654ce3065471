"""The request path of the whole surface: POST bodies, retries, signing, limits, untyped answers
and python-okx's own ways of calling an endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import okx_v5.Account as Account
import okx_v5.Finance.Okusd as Okusd
import okx_v5.Trade as Trade
from okx_v5 import OkxParamsException
from okx_v5.endpoints import find
from okx_v5.endpoints.trade import PLACE_MULTIPLE_ORDERS, PLACE_ORDER
from okx_v5.exceptions import OkxRequestException
from okx_v5.testing import Answer, FakeOKX

from .helpers import independent_sign

DEMO = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
ORDER = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "1"}


@pytest.fixture
def okx() -> Iterator[FakeOKX]:
    with FakeOKX(rate_limits=False) as server:
        yield server


# -- POST ------------------------------------------------------------------------------------


def test_a_post_body_is_python_okx_json_and_its_signature_covers_it(
    okx: FakeOKX, trade: Trade.TradeAPI
) -> None:
    trade.place_order("BTC-USDT", "cash", "buy", "limit", 0.01, px=Decimal("65000.5"))
    (sent,) = okx.requests
    body = json.loads(sent.body)
    assert list(body)[:5] == ["instId", "tdMode", "side", "ordType", "sz"]
    assert (body["sz"], body["px"], body["ccy"], body["attachAlgoOrds"]) == (
        0.01,
        "65000.5",
        "",
        None,
    )
    stamp = sent.header("OK-ACCESS-TIMESTAMP") or ""
    expected = independent_sign(FakeOKX.DEMO_SECRET, stamp + "POST" + sent.path + sent.body)
    assert sent.header("OK-ACCESS-SIGN") == expected


def test_a_post_that_may_have_arrived_is_never_sent_again(
    okx: FakeOKX, trade: Trade.TradeAPI, sleeps: list[float]
) -> None:
    okx.inject("drop", count=5)
    with pytest.raises(OkxRequestException) as info:
        trade.place_order(*ORDER.values())
    assert (len(okx.requests), info.value.sent, sleeps) == (1, True, [])


def test_a_post_that_never_left_is_sent_again(
    trade: Trade.TradeAPI, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    import urllib3.util.connection

    refusals = iter([ConnectionRefusedError("refused")])
    connect = urllib3.util.connection.create_connection

    def refuse_once(*args: Any, **kwargs: Any) -> Any:
        error = next(refusals, None)
        if error is not None:
            raise error
        return connect(*args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", refuse_once)
    assert trade.place_order(*ORDER.values()).ok
    assert len(sleeps) == 1


def test_a_failed_order_answer_is_not_retried(okx: FakeOKX, trade: Trade.TradeAPI) -> None:
    okx.script(Answer(503, {"code": "50001", "msg": "busy", "data": []}))
    assert trade.place_order(*ORDER.values()).code == "50001"
    assert len(okx.requests) == 1


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.one_of(
        st.decimals(min_value=0, max_value=10**6, allow_nan=False, places=8),
        st.floats(min_value=0, max_value=10**6, allow_nan=False),
        st.integers(0, 10**9),
        st.text(alphabet="0123456789.", min_size=1, max_size=12),
    ),
    tag=st.text(max_size=16),
)
def test_any_accepted_order_body_reaches_the_exchange_as_json_python_okx_would_write(
    okx: FakeOKX, size: Decimal | float | int | str, tag: str
) -> None:
    api = Trade.TradeAPI(*DEMO, False, "1", okx.url, rate_limit=False)
    okx.clear_requests()
    result = api.place_order("BTC-USDT", "cash", "buy", "market", size, tag=tag)
    assert result.code not in ("50113", "50002")  # signature and JSON accepted
    body = json.loads(okx.requests[0].body)
    expected = format(size, "f") if isinstance(size, Decimal) else size  # Decimal as OKX's text
    assert (body["sz"], body["tag"]) == (expected, tag)
    api.close()


# -- signing ---------------------------------------------------------------------------------


def test_an_undocumented_endpoint_is_signed_when_the_client_has_a_key(okx: FakeOKX) -> None:
    with (
        Okusd.OkusdAPI(*DEMO, False, "1", okx.url) as keyed,
        Okusd.OkusdAPI(domain=okx.url) as bare,
    ):
        assert keyed.get_account().ok
        assert bare.get_account().ok
    signed, unsigned = okx.requests
    assert signed.header("OK-ACCESS-SIGN")
    assert unsigned.header("OK-ACCESS-SIGN") is None


def test_a_private_endpoint_without_a_key_is_refused_unsent(okx: FakeOKX) -> None:
    with (
        Trade.TradeAPI(domain=okx.url) as api,
        pytest.raises(OkxParamsException, match="place_order: this endpoint needs an API key"),
    ):
        api.place_order(*ORDER.values())
    assert okx.requests == []


# -- rate limits -----------------------------------------------------------------------------


def test_order_limits_are_counted_per_instrument(okx: FakeOKX) -> None:
    with Trade.TradeAPI(*DEMO, False, "1", okx.url) as api:
        ((btc, _),) = api._limiters(PLACE_ORDER, {"instId": "BTC-USDT"})
        ((eth, _),) = api._limiters(PLACE_ORDER, {"instId": "ETH-USDT"})
        ((again, _),) = api._limiters(PLACE_ORDER, {"instId": "BTC-USDT"})
    assert btc is again
    assert btc is not eth


def test_a_batch_counts_each_order_against_its_instrument(okx: FakeOKX) -> None:
    batch = [{"instId": "BTC-USDT"}, {"instId": "ETH-USDT"}, {"instId": "BTC-USDT"}]
    with Trade.TradeAPI(*DEMO, False, "1", okx.url) as api:
        counts = sorted(count for _, count in api._limiters(PLACE_MULTIPLE_ORDERS, batch))
    assert counts == [1, 2]


def test_daily_quotas_are_left_to_okx(okx: FakeOKX) -> None:
    import okx_v5.BlockTrading as BlockTrading
    from okx_v5.endpoints.block_trading import CREATE_RFQ

    assert any(rule.seconds > 3600 for rule in CREATE_RFQ.limits)
    with BlockTrading.BlockTradingAPI(*DEMO, False, "1", okx.url) as api:
        waited = {rule.seconds for rule in CREATE_RFQ.limits} - {
            float(limiter.window) / 1.05 for limiter, _ in api._limiters(CREATE_RFQ, {})
        }
    assert all(seconds > 3600 for seconds in waited)


# -- python-okx's own calls ------------------------------------------------------------------


def test_request_with_params_of_a_declared_endpoint_is_signed_and_typed(okx: FakeOKX) -> None:
    with Account.AccountAPI(*DEMO, False, "1", okx.url) as api:
        result = api._request_with_params(
            "GET", "/api/v5/account/leverage-info", {"instId": "BTC-USDT-SWAP", "mgnMode": "cross"}
        )
    assert result.data[0].inst_id == "BTC-USDT-SWAP"
    assert (
        okx.requests[0].path == "/api/v5/account/leverage-info?instId=BTC-USDT-SWAP&mgnMode=cross"
    )


def test_request_with_params_of_an_unknown_path_is_sent_as_given(okx: FakeOKX) -> None:
    okx.script(Answer(body={"code": "0", "msg": "", "data": [{"anything": "1"}]}))
    with Account.AccountAPI(*DEMO, False, "1", okx.url) as api:
        result = api._request("POST", "/api/v5/account/new-thing", {"a": 1, "b": ""})
    assert result.data == [{"anything": "1"}]
    assert result.to_records() == [{"anything": "1"}]
    (sent,) = okx.requests
    assert (sent.method, sent.path, sent.body) == (
        "POST",
        "/api/v5/account/new-thing",
        '{"a": 1, "b": ""}',
    )
    assert sent.header("OK-ACCESS-SIGN")


def test_request_without_params_and_a_path_with_a_query(okx: FakeOKX) -> None:
    with Account.AccountAPI(*DEMO, False, "1", okx.url) as api:
        assert api._request_without_params("GET", "/api/v5/account/config").ok
        api._request_with_params("GET", "/api/v5/account/bills?type=1", {"ccy": "BTC"})
    assert okx.requests[1].path == "/api/v5/account/bills?type=1&ccy=BTC"
    assert find("GET", "/api/v5/account/bills") is not None


# -- untyped answers -------------------------------------------------------------------------


@responses.activate
def test_an_untyped_answer_keeps_its_items_and_shows_them_as_a_table() -> None:
    responses.get(
        "https://www.okx.com/api/v5/finance/okusd/account",
        json={"code": "0", "msg": "", "data": [{"amt": "5", "ccy": "OKUSD"}]},
    )
    with Okusd.OkusdAPI(*DEMO, False, "1") as api:
        result = api.get_account()
    assert result.model is None
    assert result.data == [{"amt": "5", "ccy": "OKUSD"}]
    html = result._repr_html_()
    assert "<b>data</b>" in html
    assert "<th" in html
    assert "OKUSD" in html


def test_models_are_attrs_classes_whose_fields_are_okx_names_in_snake_case() -> None:
    from okx_v5.models.account import AccountBalance

    names = [field.name for field in attrs.fields(AccountBalance)]
    assert {"adj_eq", "details", "u_time", "total_eq"} <= set(names)
