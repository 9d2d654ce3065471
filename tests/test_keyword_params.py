"""okx_v5's keyword-only arguments for the keys OKX documents that python-okx's signatures lack
(``"keyword": true`` in the facts): sent when given, absent when not, on FakeOKX's wire."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest

from okx_v5 import OkxParamsException
from okx_v5.Account import AccountAPI
from okx_v5.CopyTrading import CopyTradingAPI
from okx_v5.testing import FakeOKX
from okx_v5.Trade import TradeAPI

DEMO = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)


@pytest.fixture(scope="module")
def exchange() -> Iterator[FakeOKX]:
    with FakeOKX(rate_limits=False) as okx:
        yield okx


def sent_query(exchange: FakeOKX) -> dict[str, str]:
    """The query of the last request ``exchange`` received, by key."""
    return dict(parse_qsl(urlsplit(exchange.requests[-1].path).query))


def test_a_keyword_argument_given_is_sent_after_python_okx_s_keys(exchange: FakeOKX) -> None:
    with TradeAPI(*DEMO, False, "1", exchange.url, rate_limit=False) as api:
        api.get_fills_history("SPOT", begin="1597026383085", end="1597026383999")
    target = exchange.requests[-1].path
    assert target.endswith("?instType=SPOT&begin=1597026383085&end=1597026383999")


def test_a_keyword_argument_not_given_is_not_sent(exchange: FakeOKX) -> None:
    with TradeAPI(*DEMO, False, "1", exchange.url, rate_limit=False) as api:
        api.get_fills_history("SPOT")
    assert sent_query(exchange) == {"instType": "SPOT"}


def test_account_bills_take_the_instrument_okx_documents(exchange: FakeOKX) -> None:
    with AccountAPI(*DEMO, False, "1", exchange.url, rate_limit=False) as api:
        api.get_account_bills(instType="SPOT", begin="1", end="2", instId="BTC-USDT")
    assert sent_query(exchange) == {
        "instType": "SPOT",
        "begin": "1",
        "end": "2",
        "instId": "BTC-USDT",
    }


def test_a_keyword_argument_of_a_post_goes_into_the_json_body(exchange: FakeOKX) -> None:
    with TradeAPI(*DEMO, False, "1", exchange.url, rate_limit=False) as api:
        api.amend_order("BTC-USD-250328-80000-C", ordId="1", newPxUsd="100")
    body = json.loads(exchange.requests[-1].body)
    assert body["newPxUsd"] == "100"
    assert "newPxVol" not in body


def test_an_endpoint_python_okx_calls_without_parameters_sends_a_given_keyword_argument(
    exchange: FakeOKX,
) -> None:
    with CopyTradingAPI(*DEMO, False, "1", exchange.url, rate_limit=False) as api:
        api.get_total_profit_sharing(instType="SPOT")
        assert sent_query(exchange) == {"instType": "SPOT"}
        api.get_total_profit_sharing()
    assert urlsplit(exchange.requests[-1].path).query == ""


def test_a_keyword_argument_is_checked_against_the_values_okx_lists(exchange: FakeOKX) -> None:
    with (
        TradeAPI(*DEMO, False, "1", exchange.url, rate_limit=False) as api,
        pytest.raises(OkxParamsException, match="category"),
    ):
        api.get_orders_history("SPOT", category="no-such-category", validate="strict")


def test_keyword_arguments_cannot_be_given_by_position(exchange: FakeOKX) -> None:
    parameters = inspect.signature(TradeAPI.get_fills_history).parameters.values()
    positional = [p for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD][1:]  # not self
    with TradeAPI(*DEMO, False, "1", exchange.url, rate_limit=False) as api:
        method = api.get_fills_history
        with pytest.raises(TypeError):
            method(*[""] * len(positional), "1597026383085")
