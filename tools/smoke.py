"""Smoke test of an installed okx_v5, offline on the simulated exchange.

``.ci/run`` runs it in a virtualenv holding the lowest versions ``setup.cfg`` allows, so that a
floor that no longer works (a dependency API okx_v5 has come to need) fails CI instead of a
user's first call. It touches each dependency once: requests and urllib3 (a public and a signed
REST call), attrs and cattrs (typed results), picows, orjson and websockets (a stream), and,
when the ``redis`` extra is installed, redis-py and pyrate-limiter (a shared limit whose Redis
does not answer, so the in-process fallback takes over).

Usage: ``python tools/smoke.py``; exits non-zero on the first failure.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
import sys
from unittest import mock

from okx_v5 import AccountAPI, MarketAPI
from okx_v5.testing import FakeOKX
from okx_v5.websocket import WsPublic


def _closed_port() -> int:
    """A loopback port nothing listens on (Redis "gone")."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    """Run each check; an ``AssertionError`` or any exception fails the run."""
    logging.basicConfig(level=logging.WARNING)
    with FakeOKX() as okx, mock.patch.dict(os.environ, okx.environment()):
        ticker = MarketAPI(flag="1").get_ticker(instId="BTC-USDT").raise_for_code()
        assert ticker.data[0].inst_id == "BTC-USDT", ticker.data
        print("public REST call:", ticker.data[0].last)

        account = AccountAPI.from_env()
        leverage = account.get_leverage(mgnMode="cross", instId="BTC-USDT-SWAP")
        assert leverage.raise_for_code().data[0].lever == 10, leverage.data
        print("signed REST call: leverage", leverage.data[0].lever)

        with WsPublic() as ws:
            ws.subscribe([{"channel": "tickers", "instId": "BTC-USDT"}])
            message = next(iter(ws.messages(timeout=10)))
            assert message.data[0].inst_id == "BTC-USDT", message
        print("stream: one ticker")

        if importlib.util.find_spec("redis") is not None:
            shared = AccountAPI.from_env(rate_limit_storage=f"redis://127.0.0.1:{_closed_port()}/0")
            assert shared.get_leverage(mgnMode="cross", instId="BTC-USDT-SWAP").ok
            print("shared limit without Redis: in-process fallback")
    print("smoke test passed")


if __name__ == "__main__":
    main()
    sys.exit(0)
