"""Switch between demo trading and production with OKX_FLAG, without touching the code.

    OKX_FLAG=1 python examples/environments.py             # demo trading (the default)
    OKX_FLAG=0 python examples/environments.py             # production: a production key
    OKX_FLAG=0 python examples/environments.py --sandbox   # simulated exchange, either flag

``AccountAPI.from_env()`` reads ``OKX_FLAG`` with the credentials (``OKX_API_KEY``,
``OKX_API_SECRET``, ``OKX_PASSPHRASE``). A key works in its own environment only; with the
other flag OKX answers 50101, and the message says what to change.
"""

from __future__ import annotations

import argparse
import os
from contextlib import ExitStack

import okx_v5.Account as Account
from okx_v5.exceptions import OkxAuthException
from okx_v5.testing import FakeOKX

ENVIRONMENTS = {"0": "production", "1": "demo trading"}
# The simulated exchange knows a demo key; the sandbox registers this production key beside it.
LIVE_KEY = ("sandbox-live-key", "sandbox-live-secret", "sandbox-live-passphrase")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inst-id", default="BTC-USDT-SWAP")
    parser.add_argument("--sandbox", action="store_true", help="use a local simulated exchange")
    args = parser.parse_args(argv)

    with ExitStack() as stack:
        if args.sandbox:
            okx = stack.enter_context(FakeOKX())
            okx.add_key(*LIVE_KEY, demo=False)
            demo_key = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
            key = demo_key if os.environ.get("OKX_FLAG", "1") == "1" else LIVE_KEY
            api = Account.AccountAPI.from_env(
                api_key=key[0], api_secret_key=key[1], passphrase=key[2], domain=okx.url
            )
        else:
            api = Account.AccountAPI.from_env()
        stack.enter_context(api)
        print(f"OKX_FLAG={api.flag}: {ENVIRONMENTS[api.flag]}")
        result = api.get_leverage(mgnMode="cross", instId=args.inst_id)

    try:
        result.raise_for_code()
    except OkxAuthException as error:
        print(error.message)
        return 1
    for item in result.data:
        print(f"{item.inst_id} {item.pos_side}: {item.lever}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
