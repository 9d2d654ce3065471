"""Place, amend and cancel a limit order, then buy at market and read the fills.

    python examples/orders.py --sandbox                 # simulated exchange, no account needed
    python examples/orders.py                           # OKX demo trading: OKX_* credentials
    python examples/orders.py --inst-id ETH-USDT --spend 20 --sandbox

The calls are python-okx's (``Trade.TradeAPI(apikey, secretkey, passphrase, False, flag)``,
``place_order``, ``amend_order``, ``cancel_order``, ``get_order``, ``get_fills``); only the
imports change. Without ``--sandbox`` the key comes from ``OKX_API_KEY``, ``OKX_API_SECRET``
and ``OKX_PASSPHRASE``, and must be a demo-trading key: this script trades, so it always sends
``flag="1"`` (demo trading), never production.
"""

from __future__ import annotations

import argparse
import os
import time
from contextlib import ExitStack
from decimal import ROUND_DOWN, Decimal

import okx_v5.MarketData as MarketData
import okx_v5.PublicData as PublicData
import okx_v5.Trade as Trade
from okx_v5.models.trade import Order
from okx_v5.testing import FakeOKX

FLAG = "1"  # demo trading, always: the script places orders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inst-id", default="BTC-USDT", help="a SPOT pair (default BTC-USDT)")
    parser.add_argument("--spend", default="10", help="quote currency to buy with at market")
    parser.add_argument("--sandbox", action="store_true", help="use a local simulated exchange")
    args = parser.parse_args(argv)

    with ExitStack() as stack:
        if args.sandbox:
            okx = stack.enter_context(FakeOKX())
            apikey, secretkey = FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET
            passphrase, domain = FakeOKX.DEMO_PASSPHRASE, okx.url
        else:
            apikey, secretkey = os.environ["OKX_API_KEY"], os.environ["OKX_API_SECRET"]
            passphrase, domain = os.environ["OKX_PASSPHRASE"], "https://www.okx.com"
        tradeAPI = stack.enter_context(
            Trade.TradeAPI(apikey, secretkey, passphrase, False, FLAG, domain=domain)
        )
        marketAPI = stack.enter_context(MarketData.MarketAPI(flag=FLAG, domain=domain))
        publicAPI = stack.enter_context(PublicData.PublicAPI(flag=FLAG, domain=domain))
        trade(tradeAPI, marketAPI, publicAPI, args.inst_id, args.spend)
    return 0


def trade(
    tradeAPI: Trade.TradeAPI,
    marketAPI: MarketData.MarketAPI,
    publicAPI: PublicData.PublicAPI,
    inst_id: str,
    spend: str,
) -> None:
    """The order's life, printed a line a step; an OKX error raises (``raise_for_code``)."""
    spot = publicAPI.get_instruments(instType="SPOT", instId=inst_id).raise_for_code().data[0]
    last = marketAPI.get_ticker(instId=inst_id).raise_for_code().data[0].last
    print(f"{inst_id} last {last} (tick {spot.tick_sz}, minimum size {spot.min_sz})")

    # A limit buy at half the price rests on the book: there is time to amend and cancel it.
    px = (last / 2).quantize(spot.tick_sz, ROUND_DOWN)
    placed = tradeAPI.place_order(
        instId=inst_id, tdMode="cash", side="buy", ordType="limit", px=str(px), sz=str(spot.min_sz)
    ).raise_for_code()
    ord_id = placed.data[0].ord_id
    order = tradeAPI.get_order(instId=inst_id, ordId=ord_id).raise_for_code().data[0]
    print(f"placed   limit buy {order.sz} at {order.px}: ordId {ord_id}, {order.state}")

    new_px = (last * Decimal("0.4")).quantize(spot.tick_sz, ROUND_DOWN)
    tradeAPI.amend_order(instId=inst_id, ordId=ord_id, newPx=str(new_px)).raise_for_code()
    old_px = order.px
    order = tradeAPI.get_order(instId=inst_id, ordId=ord_id).raise_for_code().data[0]
    print(f"amended  price {old_px} -> {order.px}: {order.state}")

    tradeAPI.cancel_order(instId=inst_id, ordId=ord_id).raise_for_code()
    order = tradeAPI.get_order(instId=inst_id, ordId=ord_id).raise_for_code().data[0]
    print(f"canceled ordId {ord_id}: {order.state}")

    # A market buy's sz is in the quote currency (tgtCcy quote_ccy, OKX's default for it).
    bought = tradeAPI.place_order(
        instId=inst_id, tdMode="cash", side="buy", ordType="market", sz=spend
    ).raise_for_code()
    ord_id = bought.data[0].ord_id
    order = wait_until_filled(tradeAPI, inst_id, ord_id)
    print(f"bought   {spend} {spot.quote_ccy} at market: ordId {ord_id}, {order.state}")

    fills = tradeAPI.get_fills(instType="SPOT", instId=inst_id, ordId=ord_id).raise_for_code()
    for fill in fills.data:
        role = {"T": "taker", "M": "maker"}.get(fill.exec_type or "", fill.exec_type)
        print(
            f"fill     {fill.fill_sz} {spot.base_ccy} at {fill.fill_px}, "
            f"fee {fill.fee:f} {fill.fee_ccy} ({role}), tradeId {fill.trade_id}"
        )


def wait_until_filled(
    tradeAPI: Trade.TradeAPI, inst_id: str, ord_id: str | None, tries: int = 20
) -> Order:
    """The order once OKX reports it filled (at once in the sandbox; OKX may take a moment)."""
    for _ in range(tries):
        order = tradeAPI.get_order(instId=inst_id, ordId=ord_id).raise_for_code().data[0]
        if order.state == "filled":
            break
        time.sleep(0.25)
    return order


if __name__ == "__main__":
    raise SystemExit(main())
