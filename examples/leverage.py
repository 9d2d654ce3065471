"""Print the leverage of a list of instruments.

    python examples/leverage.py BTC-USDT-SWAP ETH-USDT-SWAP            # OKX_* credentials
    python examples/leverage.py --sandbox BTC-USDT-SWAP ETH-USDT-SWAP  # simulated exchange

Without ``--sandbox`` the credentials and the environment come from ``OKX_API_KEY``,
``OKX_API_SECRET``, ``OKX_PASSPHRASE`` and ``OKX_FLAG`` (``1``, demo trading, when unset).
"""

from __future__ import annotations

import argparse
from contextlib import ExitStack

import okx_v5.Account as Account
from okx_v5.testing import FakeOKX


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inst_ids", nargs="+", metavar="INST_ID", help="up to 20 instrument IDs")
    parser.add_argument("--mgn-mode", default="cross", choices=["cross", "isolated"])
    parser.add_argument("--sandbox", action="store_true", help="use a local simulated exchange")
    args = parser.parse_args(argv)

    with ExitStack() as stack:
        if args.sandbox:
            okx = stack.enter_context(FakeOKX())
            okx.set_leverage(FakeOKX.DEMO_KEY, lever=25, inst_id=args.inst_ids[0])
            api = Account.AccountAPI(
                FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, domain=okx.url
            )
        else:
            api = Account.AccountAPI.from_env()
        stack.enter_context(api)
        result = api.get_leverage(mgnMode=args.mgn_mode, instId=args.inst_ids).raise_for_code()

    print(f"{'instrument':<20} {'side':<6} {'leverage':>8}")
    for item in result.data:
        print(f"{item.inst_id or item.ccy:<20} {item.pos_side or '':<6} {item.lever:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
