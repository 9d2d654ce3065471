"""Show the position tier a position size falls in: its maximum leverage, imr and mmr.

    python examples/position_tier.py --sandbox BTC-USDT 12000
    python examples/position_tier.py --inst-type FUTURES --td-mode isolated ETH-USD 3000

The tier of a size is the one with ``min_sz < size <= max_sz``. Position tiers are public: no
API key is needed. ``--sandbox`` asks a local simulated exchange instead of OKX.
"""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from decimal import Decimal

import okx_v5.PublicData as PublicData
from okx_v5 import PositionTier, consts
from okx_v5.testing import FakeOKX


def tier_for(tiers: list[PositionTier], size: Decimal) -> PositionTier | None:
    """Return the tier whose ``min_sz < size <= max_sz``, or ``None`` when none does."""
    return next(
        (
            tier
            for tier in tiers
            if tier.min_sz is not None
            and tier.max_sz is not None
            and tier.min_sz < size <= tier.max_sz
        ),
        None,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inst_family", help="instrument family, e.g. BTC-USDT")
    parser.add_argument("size", type=Decimal, help="position size, in contracts")
    parser.add_argument("--inst-type", default="SWAP", choices=["SWAP", "FUTURES", "OPTION"])
    parser.add_argument("--td-mode", default="cross", choices=["cross", "isolated"])
    parser.add_argument("--sandbox", action="store_true", help="use a local simulated exchange")
    args = parser.parse_args(argv)

    with ExitStack() as stack:
        domain = stack.enter_context(FakeOKX()).url if args.sandbox else consts.API_URL
        api = stack.enter_context(PublicData.PublicAPI(flag="0", domain=domain))
        result = api.get_position_tiers(
            instType=args.inst_type, tdMode=args.td_mode, instFamily=args.inst_family
        ).raise_for_code()

    tier = tier_for(result.data, args.size)
    if tier is None:
        print(f"no {args.inst_family} {args.inst_type} tier holds a position of {args.size}")
        return 1
    print(f"{args.inst_family} {args.inst_type} {args.td_mode}, size {args.size}: tier {tier.tier}")
    print(f"  size range     {tier.min_sz} < size <= {tier.max_sz}")
    print(f"  max leverage   {tier.max_lever}x")
    print(f"  initial margin {tier.imr}")
    print(f"  maintenance    {tier.mmr}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
