"""TradeAPI's own rules: a batch is a list of orders, python-okx's old argument name of
``cancel_algo_order``, and order types asked for several at once (comma-joined).

Elsewhere for TradeAPI: client order IDs in ``test_client_order_id.py``, OKX's batch maximums
(20 orders, 10 algo orders, 5 currencies to convert) in ``test_batches_and_encoding.py``, every
method's bytes against python-okx's in ``test_request_parity.py``."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

import okx_v5.Trade as Trade
from okx_v5 import OkxParamsException
from okx_v5.testing import FakeOKX
from okx_v5.Trade import TradeAPI

from .helpers import warnings_of

DEMO = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
ORDER = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "1"}


@pytest.fixture
def okx() -> Iterator[FakeOKX]:
    with FakeOKX(rate_limits=False) as server:
        yield server


# -- batches -----------------------------------------------------------------------------------


def test_a_batch_body_is_the_list_given(okx: FakeOKX, trade: Trade.TradeAPI) -> None:
    trade.place_multiple_orders([ORDER, {**ORDER, "instId": "ETH-USDT"}])
    assert json.loads(okx.requests[0].body) == [ORDER, {**ORDER, "instId": "ETH-USDT"}]


@pytest.mark.parametrize("bad", [None, [], {"instId": "BTC-USDT"}, ["order"]])
def test_a_batch_that_is_not_a_list_of_orders_is_refused_unsent(
    bad: object, okx: FakeOKX, trade: Trade.TradeAPI
) -> None:
    with pytest.raises(OkxParamsException, match=r"orders_data is .*a list of objects"):
        trade.place_multiple_orders(bad)  # type: ignore[arg-type]
    assert okx.requests == []


# -- python-okx's quirks -----------------------------------------------------------------------


def test_cancel_algo_order_takes_its_old_argument_name_too(
    okx: FakeOKX, trade: Trade.TradeAPI
) -> None:
    orders = [{"instId": "BTC-USDT", "algoId": "1"}]
    trade.cancel_algo_order(params=orders)
    trade.cancel_algo_order(orders)
    assert [json.loads(r.body) for r in okx.requests] == [orders, orders]
    with pytest.raises(OkxParamsException, match="orders_data is required"):
        trade.cancel_algo_order()


# -- several values comma-joined ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "given", "sent"),
    [
        pytest.param("order_algos_list", "Conditional,OCO", "conditional,oco", id="algo-orders"),
        # OKX's own request example: GET /api/v5/trade/orders-pending?ordType=post_only,fok,ioc
        pytest.param("get_order_list", "limit,market", "limit,market", id="orders"),
    ],
)
def test_orders_of_several_types_are_asked_for_at_once(
    method: str, given: str, sent: str, okx: FakeOKX, caplog: pytest.LogCaptureFixture
) -> None:
    demo = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "1", okx.url)
    with TradeAPI(*demo) as api, caplog.at_level(logging.WARNING, logger="okx_v5"):
        answer = getattr(api, method)(ordType=given)
    assert f"ordType={sent}" in okx.requests[-1].path
    assert answer.ok
    assert warnings_of(caplog) == []
