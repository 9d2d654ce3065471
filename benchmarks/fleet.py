"""Benchmark: a fleet of processes on one API key, and on one host, against OKX's limits.

Run by hand from the repository root (needs ``pip install -e '.[redis]'`` and a
``redis-server``: Debian's, or the one ``pip install -e '.[test]'`` brings; or ``--redis URL``):

    python benchmarks/fleet.py [--processes 8] [--seconds 10] [--redis URL] [--only key|host]
    python benchmarks/fleet.py --fault outage|restart|both [--processes 1] [--seconds 16]

A local FakeOKX (okx_v5.testing, on 127.0.0.1) enforces OKX's documented limits: leverage-info
20 / 2 s per API key, position-tiers 10 / 2 s per IP. For each scenario, N processes call the
endpoint in a loop for the same N seconds, first with the in-process limiter each process has
by default (the baseline), then with the limits shared through Redis. Clients keep their
default retries, so a refused request is retried, and a call fails only when its retries run
out. Reported per run: calls, successful calls answered within the run against the number the
rule allows in that time (20 / 2 s x 10 s = 100 on one key, 50 on one host), the rate-limit
answers (50011) the server sent, and the calls that failed.

Target with Redis: 0 rate-limit answers, 0 failed calls, at least 90% of the allowed calls.

``--fault outage|restart|both`` runs the API-key scenario through a redis-server this script
starts, and breaks it in the middle of the run: ``outage`` kills Redis at 25% of the run and
starts it again at 45% (the limits are kept in-process meanwhile); ``restart`` kills it at 70%
and starts it again at once (a restart between two calls, which loses the shared state without
any call failing); ``both`` does both.
Reported as above, plus how long Redis was down and the successful calls per second answered
meanwhile (the rule allows 10 per second). Target: 0 rate-limit answers, with one process or
several. While Redis is down each process keeps to its share of the limit, learnt from what it
booked through Redis before (``okx_v5.ratelimit_redis``): 8 processes that shared 20 / 2 s
evenly get 2 each, 16 per window, so the fleet sends a little less than the limit meanwhile.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCENARIOS = {
    # name: (what the processes share, endpoint rule: requests, seconds)
    "key": ("one API key, get_leverage", 20, 2.0),
    "host": ("one host, get_position_tiers", 10, 2.0),
}


def worker(scenario: str, domain: str, storage: str) -> None:
    """One process of the fleet: report "ready", wait for "go DEADLINE", call until then."""
    from okx_v5 import AccountAPI, PublicAPI
    from okx_v5.exceptions import OkxException
    from okx_v5.testing import FakeOKX

    options: dict[str, Any] = {"domain": domain, "rate_limit_storage": storage}
    if scenario == "key":
        credentials = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
        account = AccountAPI(*credentials, flag="1", **options)

        def call() -> Any:
            return account.get_leverage("cross", instId="BTC-USDT-SWAP")

    else:
        public = PublicAPI(flag="1", **options)

        def call() -> Any:
            return public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")

    print("ready", flush=True)
    deadline = float(sys.stdin.readline().split()[1])
    counts: dict[str, Any] = {"calls": 0, "ok": 0, "ok_in_time": 0, "failed": 0, "answered": []}
    while time.time() < deadline:
        counts["calls"] += 1
        try:
            ok = call().ok
        except OkxException:
            ok = False
        counts["ok" if ok else "failed"] += 1
        counts["ok_in_time"] += ok and time.time() < deadline
        if ok:
            counts["answered"].append(time.time())
    print(json.dumps(counts), flush=True)


FAULTS = {
    # name: (moment, as a fraction of the run; what happens to redis-server), ...
    "outage": ((0.25, "kill"), (0.45, "start")),
    "restart": ((0.70, "restart"),),
}
FAULTS["both"] = FAULTS["outage"] + FAULTS["restart"]


def break_redis(
    server: Any, faults: Any, started: float, seconds: float
) -> list[tuple[float, float]]:
    """Kill and restart ``server`` at the moments ``faults`` says, in a run that started at
    ``started`` (``time.time()``); return when it was down (from, to)."""
    down, killed = [], 0.0
    for fraction, action in faults:
        time.sleep(max(0.0, started + fraction * seconds - time.time()))
        if action in ("kill", "restart"):
            killed = time.time()
            server.stop()
        if action in ("start", "restart"):
            server.start()
            down.append((killed, time.time()))
    return down


def run(
    scenario: str,
    storage: str,
    processes: int,
    seconds: float,
    okx: Any,
    redis_server: Any = None,
    faults: Any = (),
) -> dict[str, Any]:
    """Start the fleet, let it run for ``seconds``, and add up what it saw; meanwhile kill
    and restart ``redis_server`` as ``faults`` says."""
    okx.reset()  # empty rate windows and no recorded requests
    command = [sys.executable, __file__, "--worker", scenario, okx.url, storage]
    fleet = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    for process in fleet:
        assert process.stdout is not None
        if process.stdout.readline() != "ready\n":
            raise SystemExit(f"a {scenario} worker did not start")
    deadline = time.time() + 0.2 + seconds
    for process in fleet:
        assert process.stdin is not None
        process.stdin.write(f"go {deadline}\n")
        process.stdin.flush()
    down = break_redis(redis_server, faults, deadline - seconds, seconds) if faults else []
    totals = {"calls": 0, "ok": 0, "ok_in_time": 0, "failed": 0, "ok_while_down": 0}
    for process in fleet:
        counts = json.loads(process.communicate(timeout=seconds + 60)[0])
        for name in ("calls", "ok", "ok_in_time", "failed"):
            totals[name] += counts[name]
        totals["ok_while_down"] += sum(
            any(killed <= at < started for killed, started in down) for at in counts["answered"]
        )
    return {
        **totals,
        "refused": okx.rate_limited,
        "received": len(okx.requests),
        "down": sum(started - killed for killed, started in down),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--redis", help="use this Redis instead of starting redis-server")
    parser.add_argument("--only", choices=sorted(SCENARIOS))
    parser.add_argument(
        "--fault", choices=sorted(FAULTS), help="kill and restart Redis mid-run (key scenario)"
    )
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return

    from okx_v5.testing import FakeOKX
    from tests.redisserver import running_redis

    with ExitStack() as stack:
        okx = stack.enter_context(FakeOKX())  # OKX's limits, 2-second windows
        url, server = args.redis, None
        if args.fault and url is not None:
            parser.error("--fault needs a redis-server of its own: leave out --redis")
        if url is None:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            server = stack.enter_context(contextmanager(running_redis)(directory))
            url = server.url
        if args.fault:
            fault(FAULTS[args.fault], args.processes, args.seconds, okx, url, server)
            return
        print(
            f"{args.processes} processes x {args.seconds:.0f} s against FakeOKX on {okx.url}; "
            f"Redis at {url}"
        )
        header = (
            f"{'scenario':<30} {'limits':<11} {'calls':>6} {'ok in time':>10} {'allowed':>7} "
            f"{'achieved':>8} {'50011':>6} {'failed':>6}"
        )
        print(header)
        print("-" * len(header))
        for scenario in [args.only] if args.only else list(SCENARIOS):
            title, requests, window = SCENARIOS[scenario]
            allowed = requests / window * args.seconds
            for label, storage in (("in-process", "memory://"), ("redis", url)):
                time.sleep(window * 1.1)  # let the previous run's windows empty
                result = run(scenario, storage, args.processes, args.seconds, okx)
                print(
                    f"{title:<30} {label:<11} {result['calls']:>6} {result['ok_in_time']:>10} "
                    f"{allowed:>7.0f} {result['ok_in_time'] / allowed:>8.1%} "
                    f"{result['refused']:>6} {result['failed']:>6}",
                    flush=True,
                )


def fault(faults: Any, processes: int, seconds: float, okx: Any, url: str, server: Any) -> None:
    """The API-key scenario through Redis, with Redis killed and restarted mid-run."""
    title, requests, window = SCENARIOS["key"]
    allowed = requests / window * seconds
    moments = ", ".join(f"{action} at {fraction * seconds:.1f} s" for fraction, action in faults)
    print(f"faults: {moments}")
    header = (
        f"{'scenario':<30} {'processes':>9} {'calls':>6} {'ok in time':>10} {'allowed':>7} "
        f"{'achieved':>8} {'50011':>6} {'failed':>6} {'down':>6} {'ok/s down':>9}"
    )
    print(header)
    print("-" * len(header))
    result = run("key", url, processes, seconds, okx, server, faults)
    # The rule allows requests / window per second; "-" when Redis was down for no time.
    while_down = f"{result['ok_while_down'] / result['down']:.1f}" if result["down"] >= 0.5 else "-"
    print(
        f"{title:<30} {processes:>9} {result['calls']:>6} {result['ok_in_time']:>10} "
        f"{allowed:>7.0f} {result['ok_in_time'] / allowed:>8.1%} {result['refused']:>6} "
        f"{result['failed']:>6} {result['down']:>5.1f}s {while_down:>9}",
        flush=True,
    )


if __name__ == "__main__":
    main()
