"""Measure what okx_v5 adds on top of the network, next to the floor and python-okx.

Run by hand: ``python benchmarks/run.py [--json FILE] [--rounds N] [--calls N] [--rate-limit]``.
A canned-JSON server (``benchmarks/server.py``) runs in its own process on 127.0.0.1, so the
client under test has a core to itself. Every per-call benchmark runs in the same rounds, in a
rotating order, and the medians of all their calls are compared with the floor's.
"""

from __future__ import annotations

import argparse
import base64
import gc
import hashlib
import hmac
import http.client
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from canned import (
    BALANCE_PATH,
    FAMILIES,
    INST_IDS,
    KEY,
    LEVERAGE_PATH,
    LEVERAGE_QUERY,
    ORDER,
    ORDER_PATH,
    ORDER_PX,
    PASSPHRASE,
    SECRET,
    TIERS_PATH,
    TIERS_QUERY,
    many_tiers,
)

HERE = Path(__file__).resolve().parent
# Never let a proxy from the environment sit between the clients and the local server.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

FAMILY_IDS = ",".join(FAMILIES)
# What python-okx posts for place_order(*ORDER.values(), px=ORDER_PX): every argument, in order.
ORDER_BODY = json.dumps(
    {
        **ORDER,
        **dict.fromkeys(("ccy", "clOrdId", "tag", "posSide"), ""),
        "px": ORDER_PX,
        **dict.fromkeys(("reduceOnly", "tgtCcy", "stpMode", "pxUsd", "pxVol", "banAmend"), ""),
        "attachAlgoOrds": None,
    }
)
INST_ID_LIST = ",".join(INST_IDS)
BASE_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "x-simulated-trading": "0",
}


# -- the server ------------------------------------------------------------------------------


def pin(cpu: int) -> None:
    """Keep this process on one CPU: client and server on fixed, separate cores vary far less
    than when the scheduler moves them around (or puts both on one core)."""
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {cpu})


@contextmanager
def local_server() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "server.py")],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: pin(1),
    )
    pin(0)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait()


def control(base: str, target: str) -> dict[str, int]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port))
    try:
        conn.request("GET", target)
        return dict(json.loads(conn.getresponse().read()))
    finally:
        conn.close()


def accepts(base: str) -> int:
    return control(base, "/__stats")["accepts"]


# -- what is measured ------------------------------------------------------------------------


def signed_headers(path: str, method: str = "GET", body: str = "") -> dict[str, str]:
    """OKX's signature headers, computed here without any SDK (as the floor does)."""
    now = datetime.now(timezone.utc)
    ts = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    message = (ts + method + path + body).encode()
    digest = hmac.new(SECRET.encode(), message, hashlib.sha256).digest()
    return {
        **BASE_HEADERS,
        "OK-ACCESS-KEY": KEY,
        "OK-ACCESS-SIGN": base64.b64encode(digest).decode(),
        "OK-ACCESS-TIMESTAMP": ts,
        "OK-ACCESS-PASSPHRASE": PASSPHRASE,
    }


Call = Callable[[], object]


def floor_calls(base: str) -> dict[str, Call]:
    """http.client on one kept-alive connection, decoded with json.loads."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port))
    tiers, leverage = TIERS_PATH + TIERS_QUERY, LEVERAGE_PATH + LEVERAGE_QUERY

    def get_tiers() -> object:
        conn.request("GET", tiers, headers=BASE_HEADERS)
        return json.loads(conn.getresponse().read())

    def get_leverage() -> object:
        conn.request("GET", leverage, headers=signed_headers(leverage))
        return json.loads(conn.getresponse().read())

    def place_order() -> object:
        body = ORDER_BODY
        conn.request("POST", ORDER_PATH, body, headers=signed_headers(ORDER_PATH, "POST", body))
        return json.loads(conn.getresponse().read())

    def get_balance() -> object:
        conn.request("GET", BALANCE_PATH, headers=signed_headers(BALANCE_PATH))
        return json.loads(conn.getresponse().read())

    return {
        "tiers": get_tiers,
        "leverage": get_leverage,
        "order": place_order,
        "balance": get_balance,
    }


def requests_calls(base: str) -> dict[str, Call]:
    import requests

    session = requests.Session()
    tiers, leverage = TIERS_PATH + TIERS_QUERY, LEVERAGE_PATH + LEVERAGE_QUERY
    return {
        "tiers": lambda: session.get(base + tiers, headers=BASE_HEADERS).json(),
        "leverage": lambda: session.get(base + leverage, headers=signed_headers(leverage)).json(),
        "order": lambda: session.post(
            base + ORDER_PATH,
            data=ORDER_BODY,
            headers=signed_headers(ORDER_PATH, "POST", ORDER_BODY),
        ).json(),
        "balance": lambda: session.get(
            base + BALANCE_PATH, headers=signed_headers(BALANCE_PATH)
        ).json(),
    }


def httpx_calls(base: str) -> dict[str, Call]:
    import httpx

    client = httpx.Client()
    tiers, leverage = TIERS_PATH + TIERS_QUERY, LEVERAGE_PATH + LEVERAGE_QUERY
    return {
        "tiers": lambda: client.get(base + tiers, headers=BASE_HEADERS).json(),
        "leverage": lambda: client.get(base + leverage, headers=signed_headers(leverage)).json(),
        "order": lambda: client.post(
            base + ORDER_PATH,
            content=ORDER_BODY,
            headers=signed_headers(ORDER_PATH, "POST", ORDER_BODY),
        ).json(),
        "balance": lambda: client.get(
            base + BALANCE_PATH, headers=signed_headers(BALANCE_PATH)
        ).json(),
    }


def okx_v5_clients(base: str, *, rate_limit: bool = False) -> tuple[Any, Any, Any]:
    import okx_v5.Account as Account
    import okx_v5.PublicData as PublicData
    import okx_v5.Trade as Trade

    # The per-call rounds send far more than OKX's 10-60 requests / 2 s: with the client-side
    # limiter on they would measure its waits, not the SDK's cost.
    public = PublicData.PublicAPI(flag="0", domain=base, rate_limit=rate_limit)
    credentials = (KEY, SECRET, PASSPHRASE, False, "0")
    account = Account.AccountAPI(*credentials, domain=base, rate_limit=rate_limit)
    trade = Trade.TradeAPI(*credentials, domain=base, rate_limit=rate_limit)
    return public, account, trade


def okx_v5_calls(base: str) -> dict[str, Call]:
    public, account, trade = okx_v5_clients(base)
    return {
        "tiers": lambda: public.get_position_tiers("SWAP", "cross", instFamily=FAMILY_IDS),
        "leverage": lambda: account.get_leverage("cross", instId=INST_ID_LIST),
        "order": lambda: trade.place_order(*ORDER.values(), px=ORDER_PX),
        "balance": lambda: account.get_account_balance(),
        "tiers .data": lambda: (
            public.get_position_tiers("SWAP", "cross", instFamily=FAMILY_IDS).data
        ),
        "leverage .data": lambda: account.get_leverage("cross", instId=INST_ID_LIST).data,
        "order .data": lambda: trade.place_order(*ORDER.values(), px=ORDER_PX).data,
        "balance .data": lambda: account.get_account_balance().data,
    }


def python_okx_installed() -> bool:
    return importlib.util.find_spec("okx") is not None


def python_okx_calls(base: str) -> dict[str, Call]:
    import okx.Account
    import okx.PublicData
    import okx.Trade

    public = okx.PublicData.PublicAPI(flag="0", domain=base)
    account = okx.Account.AccountAPI(KEY, SECRET, PASSPHRASE, False, "0", domain=base)
    trade = okx.Trade.TradeAPI(KEY, SECRET, PASSPHRASE, False, "0", domain=base)
    return {
        "tiers": lambda: public.get_position_tiers("SWAP", "cross", instFamily=FAMILY_IDS),
        "leverage": lambda: account.get_leverage("cross", instId=INST_ID_LIST),
        "order": lambda: trade.place_order(*ORDER.values(), px=ORDER_PX),
        "balance": lambda: account.get_account_balance(),
    }


def check(name: str, result: object) -> None:
    """Every contender must get the real answer, or its time means nothing."""
    if isinstance(result, list):  # typed .data
        ok = len(result) in (1, 40, 126)
    else:
        ok = isinstance(result, dict) and result.get("code") == "0" and len(result["data"]) >= 1
    if not ok:
        raise SystemExit(f"{name}: unexpected answer {str(result)[:200]}")


# -- per-call medians, interleaved -----------------------------------------------------------


def per_call(base: str, rounds: int, calls: int, only: str | None = None) -> dict[str, Any]:
    """Per-call medians of every contender's calls, or of one endpoint's (``only="tiers"``)."""
    contenders: dict[str, dict[str, Call]] = {
        "floor (http.client + json.loads)": floor_calls(base),
        "requests.Session": requests_calls(base),
        "httpx.Client": httpx_calls(base),
        "okx_v5": okx_v5_calls(base),
    }
    if python_okx_installed():
        contenders["python-okx"] = python_okx_calls(base)
    else:
        print("python-okx is not installed (pip install python-okx): its rows are skipped")
    benches = [(who, what, fn) for who, calls_ in contenders.items() for what, fn in calls_.items()]
    if only is not None:
        benches = [bench for bench in benches if bench[1].split(" ")[0] == only]
    times: dict[tuple[str, str], list[int]] = {(who, what): [] for who, what, _ in benches}
    for who, what, fn in benches:  # warm up: connections, caches, generated code
        for _ in range(20):
            check(f"{who} {what}", fn())
    clock = time.perf_counter_ns
    for round_ in range(rounds):
        shift = round_ % len(benches)
        for who, what, fn in benches[shift:] + benches[:shift]:
            bucket = times[(who, what)]
            for _ in range(calls):
                started = clock()
                fn()
                bucket.append(clock() - started)
    medians = {key: statistics.median(values) / 1000 for key, values in times.items()}
    floor = "floor (http.client + json.loads)"
    rows = []
    for (who, what), median in medians.items():
        endpoint = what.split(" ")[0]
        rows.append(
            {
                "client": who,
                "call": what,
                "median_us": round(median, 1),
                "ratio": round(median / medians[(floor, endpoint)], 2),
            }
        )
    return {"rounds": rounds, "calls_per_round": calls, "rows": rows}


def print_per_call(result: dict[str, Any]) -> None:
    print(
        f"\nPer-call medians ({result['rounds']} interleaved rounds x "
        f"{result['calls_per_round']} calls each)"
    )
    print(f"{'client':34} {'call':16} {'median µs':>10} {'x floor':>8}")
    for endpoint in ("tiers", "leverage", "order", "balance"):
        for row in result["rows"]:
            if row["call"].split(" ")[0] == endpoint:
                print(
                    f"{row['client']:34} {row['call']:16} {row['median_us']:>10.1f} "
                    f"{row['ratio']:>8.2f}"
                )


# -- structuring throughput ------------------------------------------------------------------


def structuring(count: int = 10_000, repeats: int = 15) -> dict[str, Any]:
    from okx_v5.converter import structure_items
    from okx_v5.models.public_data import PositionTier

    result: dict[str, Any] = {"items": count}
    for case, distinct in (("repeating", False), ("distinct", True)):
        body = many_tiers(count, distinct=distinct)
        items = json.loads(body)["data"]
        structure_items(items[:10], PositionTier)  # first use builds the structuring code
        decode, build = [], []
        for _ in range(repeats):
            gc.collect()
            started = time.perf_counter()
            json.loads(body)
            decode.append(time.perf_counter() - started)
            items = json.loads(body)["data"]  # fresh strings, as after a real answer
            started = time.perf_counter()
            structure_items(items, PositionTier)
            build.append(time.perf_counter() - started)
        t_decode, t_build = statistics.median(decode), statistics.median(build)
        result[case] = {
            "json_loads_us_per_item": round(t_decode / count * 1e6, 3),
            "structure_us_per_item": round(t_build / count * 1e6, 3),
            "structure_items_per_s": round(count / t_build),
            "ratio_to_json_loads": round(t_build / t_decode, 2),
        }
        r = result[case]
        print(
            f"\nStructuring {count} tiers ({case} values): {r['structure_us_per_item']} µs/tier "
            f"({r['structure_items_per_s']:,} items/s); json.loads "
            f"{r['json_loads_us_per_item']} µs/tier; ratio {r['ratio_to_json_loads']}"
        )
    return result


# -- time to first result, import time -------------------------------------------------------

FIRST_RESULT = {
    "okx_v5": (
        "import okx_v5.PublicData as P\n"
        "api = P.PublicAPI(flag='0', domain={base!r})\n"
        "r = api.get_position_tiers('SWAP', 'cross', instFamily={fam!r})\n"
    ),
    "okx_v5 .data": (
        "import okx_v5.PublicData as P\n"
        "api = P.PublicAPI(flag='0', domain={base!r})\n"
        "r = api.get_position_tiers('SWAP', 'cross', instFamily={fam!r}).data\n"
    ),
    "python-okx": (
        "import okx.PublicData as P\n"
        "api = P.PublicAPI(flag='0', domain={base!r})\n"
        "r = api.get_position_tiers('SWAP', 'cross', instFamily={fam!r})\n"
    ),
}


def first_result(base: str, runs: int = 10) -> dict[str, Any]:
    wrapper = "import time\nt0 = time.perf_counter()\n{body}print(time.perf_counter() - t0)\n"
    who = [w for w in FIRST_RESULT if python_okx_installed() or not w.startswith("python-okx")]
    wall: dict[str, list[float]] = {w: [] for w in who}
    inner: dict[str, list[float]] = {w: [] for w in who}
    for _ in range(runs):
        for w in who:
            code = wrapper.format(body=FIRST_RESULT[w].format(base=base, fam=FAMILY_IDS))
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            )
            wall[w].append(time.perf_counter() - started)
            inner[w].append(float(out.stdout.strip().splitlines()[-1]))
    result = {
        w: {
            "process_ms": round(statistics.median(wall[w]) * 1000, 1),
            "import_and_call_ms": round(statistics.median(inner[w]) * 1000, 1),
        }
        for w in who
    }
    print(f"\nTime to first result (fresh process, median of {runs})")
    print(f"{'':14} {'whole process ms':>17} {'import+client+call ms':>22}")
    for w, r in result.items():
        print(f"{w:14} {r['process_ms']:>17.1f} {r['import_and_call_ms']:>22.1f}")
    return result


def import_time(module: str, top: int = 8) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    )
    entries = []
    for line in out.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            self_us, cumulative, indent, name = match.groups()
            entries.append((name, len(indent), int(self_us), int(cumulative)))
    total = sum(self_us for _, _, self_us, _ in entries)
    # The heaviest top-level packages (each one's cumulative time includes what it imports).
    root = module.split(".")[0]
    heaviest = [
        {"module": name, "cumulative_ms": round(cum / 1000, 1)}
        for name, _, _, cum in sorted(entries, key=lambda entry: -entry[3])
        if "." not in name and name not in (root, "site") and not name.startswith("__")
    ][:top]
    print(f"\n-X importtime {module}: {total / 1000:.1f} ms in all; heaviest:")
    print("  " + ", ".join(f"{h['module']} {h['cumulative_ms']}" for h in heaviest))
    return {"module": module, "total_ms": round(total / 1000, 1), "heaviest": heaviest}


# -- memory, connections, rate limit ---------------------------------------------------------


def peak_memory(base: str, calls: int = 1000) -> dict[str, Any]:
    contenders = {
        "floor": floor_calls(base)["tiers"],
        "requests.Session": requests_calls(base)["tiers"],
    }
    okx_v5 = okx_v5_calls(base)
    contenders["okx_v5"] = okx_v5["tiers"]
    contenders["okx_v5 .data"] = okx_v5["tiers .data"]
    if python_okx_installed():
        contenders["python-okx"] = python_okx_calls(base)["tiers"]
    result = {}
    for who, fn in contenders.items():
        fn()
        gc.collect()
        tracemalloc.start()
        baseline = tracemalloc.get_traced_memory()[0]
        for _ in range(calls):
            fn()
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result[who] = {
            "peak_kib": round((peak - baseline) / 1024, 1),
            "retained_kib": round((current - baseline) / 1024, 1),
        }
    print(f"\nPeak memory above baseline over {calls} position-tier calls (tracemalloc)")
    for who, r in result.items():
        print(f"{who:18} peak {r['peak_kib']:>8.1f} KiB   retained {r['retained_kib']:>7.1f} KiB")
    return result


def connections(base: str, calls: int = 100) -> dict[str, int]:
    makers: dict[str, Callable[[str], dict[str, Call]]] = {"okx_v5": okx_v5_calls}
    if python_okx_installed():
        makers["python-okx"] = python_okx_calls
    makers["requests.Session"] = requests_calls
    result = {}
    for who, make in makers.items():
        fn = make(base)["tiers"]
        before = accepts(base)
        for _ in range(calls):
            fn()
        result[who] = accepts(base) - before - 1  # the second /__stats is one accept too
    print(f"\nTCP connections opened for {calls} sequential calls (server accepts)")
    print("  " + ", ".join(f"{who}: {n}" for who, n in result.items()))
    return result


def rate_limit(base: str, threads: int = 8, seconds: float = 10.0) -> dict[str, Any]:
    from okx_v5.exceptions import OkxException

    _, account, _ = okx_v5_clients(base, rate_limit=True)
    control(base, "/__limit?n=20&s=2")
    made, failed = [0] * threads, [0] * threads
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        while time.monotonic() < deadline:
            try:
                if account.get_leverage("cross", instId=INST_ID_LIST).get("code") == "0":
                    made[index] += 1
                else:
                    failed[index] += 1
            except OkxException:
                failed[index] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    limited = control(base, "/__stats")["limited"]
    control(base, "/__limit?n=0&s=1")
    result = {
        "threads": threads,
        "seconds": seconds,
        "calls_made": sum(made),
        "calls_failed": sum(failed),
        "http_429_seen": limited,
        "ideal": int(20 / 2 * seconds) + 20,
    }
    print(
        f"\nRate limit 20 / 2 s, {threads} threads for {seconds:.0f} s: "
        f"{result['calls_made']} calls made (at most {result['ideal']}), "
        f"{limited} HTTP 429 from the server, {result['calls_failed']} failed"
    )
    return result


# -- the machine -----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    versions = {}
    for dist in ("okx_v5", "requests", "urllib3", "attrs", "cattrs", "httpx", "python-okx"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    cpu = ""
    try:
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        cpu = next(line for line in cpu.splitlines() if "Model name" in line).split(":")[1].strip()
    except (OSError, StopIteration):
        cpu = platform.processor()
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "versions": versions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--rounds", type=int, default=30, help="interleaved rounds (30)")
    parser.add_argument("--calls", type=int, default=50, help="calls per bench per round (50)")
    parser.add_argument("--rate-limit", action="store_true", help="also run the 10 s rate test")
    parser.add_argument(
        "--only",
        choices=["per-call", "tiers", "structuring"],
        help="run just one part (tiers: the per-call rounds of get_position_tiers alone)",
    )
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine()}
    m = results["machine"]
    print(f"Python {m['python']} on {m['cpu']} ({m['nproc']} CPUs); " + json.dumps(m["versions"]))
    with local_server() as base:
        if args.only in (None, "per-call", "tiers"):
            only = "tiers" if args.only == "tiers" else None
            results["per_call"] = per_call(base, args.rounds, args.calls, only)
            print_per_call(results["per_call"])
        if args.only in (None, "structuring"):
            results["structuring"] = structuring()
        if args.only is None:
            results["first_result"] = first_result(base)
            results["import_time"] = [import_time("okx_v5.PublicData")]
            if python_okx_installed():
                results["import_time"].append(import_time("okx.PublicData"))
            results["peak_memory"] = peak_memory(base)
            results["connections"] = connections(base)
        if args.rate_limit:
            results["rate_limit"] = rate_limit(base)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nresults written to {args.json}")


if __name__ == "__main__":
    main()
