"""Benchmark: 8 threads call get_leverage for 10 s against a server enforcing 20 / 2 s per key.

Run by hand from the repository root:

    python benchmarks/ratelimit.py [--threads 8] [--seconds 10]

The server is okx_v5.testing.FakeOKX on 127.0.0.1, which enforces OKX's documented limit for
leverage-info (20 / 2 s per API key) with HTTP 429 / 50011.
Retries are off, so every refusal is counted. Prints calls made, refusals seen and the achieved
share of the allowed throughput: successful calls answered within the run, against the rate
the server allows times the run's length (20 / 2 s x 10 s = 100).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from okx_v5 import AccountAPI
from okx_v5.endpoints.account import GET_LEVERAGE
from okx_v5.testing import FakeOKX

(RULE,) = GET_LEVERAGE.limits
LIMIT, WINDOW = RULE.requests, RULE.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    server = FakeOKX().start()
    api = AccountAPI(
        FakeOKX.DEMO_KEY,
        FakeOKX.DEMO_SECRET,
        FakeOKX.DEMO_PASSPHRASE,
        False,
        "1",
        domain=server.url,
        max_retries=0,
    )
    counts = {"ok": 0, "refused": 0, "other": 0, "in_time": 0}
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + args.seconds

    def worker() -> None:
        while time.monotonic() < deadline:
            result = api.get_leverage("cross", instId="BTC-USDT-SWAP")
            kind = "ok" if result.ok else "refused" if result.code == "50011" else "other"
            answered = time.monotonic()
            with lock:
                counts[kind] += 1
                counts["in_time"] += kind == "ok" and answered < deadline

    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    server.stop()

    allowed = LIMIT / WINDOW * args.seconds
    calls = counts["ok"] + counts["refused"] + counts["other"]
    print(f"threads={args.threads} run={args.seconds:.0f}s (last answer at {elapsed:.2f}s)")
    print(
        f"calls made: {calls}  ok: {counts['ok']}  50011/429: {counts['refused']}  "
        f"other: {counts['other']}  (server-side refusals: {server.rate_limited})"
    )
    print(
        f"ok within {args.seconds:.0f}s: {counts['in_time']}  allowed: {allowed:.0f}  "
        f"achieved/allowed: {counts['in_time'] / allowed:.1%}"
    )


if __name__ == "__main__":
    main()
