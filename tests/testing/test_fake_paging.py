"""FakeOKX pages the order history and the fills as OKX documents ``after``, ``before`` and
``limit``: records older than ``after``'s ID, newer than ``before``'s, both left out, newest
first, at most ``limit``."""

from __future__ import annotations

import pytest

from okx_v5 import TradeAPI

BUY = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "5"}


@pytest.fixture
def orders(trade: TradeAPI) -> list[str]:
    """Five filled orders, newest first."""
    trade.place_multiple_orders([BUY] * 5).raise_for_code()
    return [order.ord_id for order in trade.get_orders_history("SPOT").data]


def test_order_history_between_after_and_before_leaves_both_out(
    trade: TradeAPI, orders: list[str]
) -> None:
    page = trade.get_orders_history("SPOT", after=orders[0], before=orders[4])
    assert [order.ord_id for order in page.data] == orders[1:4]


def test_fills_page_by_bill_id(trade: TradeAPI, orders: list[str]) -> None:
    bills = [fill.bill_id for fill in trade.get_fills().data]
    page = trade.get_fills(after=bills[1], limit="2")
    window = trade.get_fills(after=bills[0], before=bills[3])
    assert len(bills) >= len(orders) >= 5
    assert [fill.bill_id for fill in page.data] == bills[2:4]
    assert [fill.bill_id for fill in window.data] == bills[1:3]
