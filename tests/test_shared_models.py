"""Shared models: one class per answer shape, whichever endpoint returns it.

The facts name the shared model in each endpoint's ``response.model``; the per-endpoint names
the shape had before (``OrderList``, ``OrdersHistory``...) stay importable as other names of
the one class, so users' imports keep working.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from okx_v5.endpoints import trade as declarations
from okx_v5.models import trade as models
from okx_v5.models.trade import Order
from okx_v5.testing import FakeOKX
from okx_v5.Trade import TradeAPI

ORDER_FAMILY = ["get_order", "get_order_list", "get_orders_history", "get_orders_history_archive"]


@pytest.fixture
def trade() -> Iterator[TradeAPI]:
    """A demo-signed TradeAPI on a FakeOKX of the test's own, its limits off."""
    with FakeOKX(rate_limits=False) as okx:
        signed = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "1")
        with TradeAPI(*signed, okx.url, rate_limit=False, max_retries=0) as api:
            yield api


def describe(order: Order) -> str:
    """What a typed user writes: a function of "an order"."""
    return f"{order.side} {order.sz} {order.inst_id} @ {order.px}"


def test_the_order_family_declares_one_shared_model() -> None:
    refs = {getattr(declarations, name.upper()).model_ref for name in ORDER_FAMILY}
    assert refs == {"okx_v5._generated.models.trade:Order"}


@pytest.mark.parametrize("alias", ["OrderList", "OrdersHistory", "OrdersHistoryArchive"])
def test_the_per_method_name_is_the_shared_class(alias: str) -> None:
    assert getattr(models, alias) is Order


def test_a_nested_per_method_name_is_the_shared_nested_class() -> None:
    assert models.OrderListAttachAlgoOrds is models.OrderAttachAlgoOrds


def test_the_per_method_names_are_exported() -> None:
    assert {"Order", "OrderList", "OrdersHistory", "OrdersHistoryArchive"} <= set(models.__all__)


def test_an_item_of_get_order_list_is_an_order(trade: TradeAPI) -> None:
    trade.place_order("BTC-USDT", "cash", "buy", "limit", "0.01", px="60000").raise_for_code()
    items = trade.get_order_list(instType="SPOT").data
    assert [type(item) for item in items] == [Order]
    assert describe(items[0]) == "buy 0.01 BTC-USDT @ 60000"


def test_an_item_of_get_orders_history_is_an_order(trade: TradeAPI) -> None:
    placed = trade.place_order("BTC-USDT", "cash", "buy", "limit", "0.01", px="60000")
    trade.cancel_order("BTC-USDT", ordId=placed.data[0].ord_id).raise_for_code()
    items = trade.get_orders_history("SPOT").data
    assert [type(item) for item in items] == [Order]
