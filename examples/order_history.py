"""Page through the order history of the last 7 days, newest first, as OKX pages it.

    python examples/order_history.py --sandbox --limit 5   # simulated exchange, 12 orders
    python examples/order_history.py --inst-type SWAP      # OKX_* credentials

Each page asks ``get_orders_history`` (python-okx's call) for the orders older than the last
one seen (``after=<its ordId>``), until a page comes back short. Without ``--sandbox`` the
key comes from ``OKX_API_KEY``, ``OKX_API_SECRET`` and ``OKX_PASSPHRASE``, and ``OKX_FLAG``
picks demo trading (``1``, the default) or production (``0``); the script only reads.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import ExitStack

import okx_v5.Trade as Trade
from okx_v5.models.trade import OrdersHistory
from okx_v5.testing import FakeOKX

SANDBOX_ORDERS = 12


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inst-type", default="SPOT", help="SPOT (default), SWAP, FUTURES...")
    parser.add_argument("--limit", type=int, default=100, help="orders a page (OKX: 1 to 100)")
    parser.add_argument("--sandbox", action="store_true", help="use a local simulated exchange")
    args = parser.parse_args(argv)

    with ExitStack() as stack:
        if args.sandbox:
            okx = stack.enter_context(FakeOKX())
            apikey, secretkey = FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET
            passphrase, flag, domain = FakeOKX.DEMO_PASSPHRASE, "1", okx.url
        else:
            apikey, secretkey = os.environ["OKX_API_KEY"], os.environ["OKX_API_SECRET"]
            passphrase, flag = os.environ["OKX_PASSPHRASE"], os.environ.get("OKX_FLAG", "1")
            domain = "https://www.okx.com"
        tradeAPI = stack.enter_context(
            Trade.TradeAPI(apikey, secretkey, passphrase, False, flag, domain=domain)
        )
        if args.sandbox:
            make_history(tradeAPI, SANDBOX_ORDERS)

        pages = orders = 0
        for page in history(tradeAPI, args.inst_type, args.limit):
            pages, orders = pages + 1, orders + len(page)
            print(f"page {pages}: {len(page)} orders")
            for order in page:
                print(
                    f"  {order.ord_id}  {order.inst_id:<14} {order.side:<4} {order.ord_type:<6}"
                    f" {order.state:<8} sz {order.sz:<6} price {order.avg_px or order.px}"
                )
    print(f"{orders} orders in {pages} page{'s' if pages != 1 else ''}")
    return 0


def history(tradeAPI: Trade.TradeAPI, inst_type: str, limit: int) -> Iterator[list[OrdersHistory]]:
    """Yield the pages of finished orders (filled or canceled), newest first."""
    after = ""
    while True:
        page = tradeAPI.get_orders_history(
            instType=inst_type, after=after, limit=str(limit)
        ).raise_for_code()
        if page.data:
            yield page.data
        if len(page.data) < limit:
            return
        after = page.data[-1].ord_id or ""


def make_history(tradeAPI: Trade.TradeAPI, count: int) -> None:
    """Sandbox only: ``count`` finished orders, alternately bought at market and canceled."""
    for number in range(count):
        if number % 2:
            placed = tradeAPI.place_order(
                instId="BTC-USDT",
                tdMode="cash",
                side="buy",
                ordType="limit",
                px="30000",
                sz="0.001",
            ).raise_for_code()
            tradeAPI.cancel_order(instId="BTC-USDT", ordId=placed.data[0].ord_id).raise_for_code()
        else:
            tradeAPI.place_order(
                instId="BTC-USDT", tdMode="cash", side="buy", ordType="market", sz="100"
            ).raise_for_code()


if __name__ == "__main__":
    raise SystemExit(main())
