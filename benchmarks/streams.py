"""Measure okx_v5's streams on one local feed, next to python-okx's ``WsPublicAsync``.

Run by hand: ``python benchmarks/streams.py [--messages N] [--rounds N] [--json FILE]``.

A feed (this file run with ``--feed``, in its own process so that the client under test has a
core to itself) answers every subscribe on ``/ws/v5/public`` with OKX's acknowledgement, then
pushes the messages it was started for as fast as the connection takes them: ticker pushes
(``tickers``), or a 400-level order book snapshot followed by incremental updates with
consistent ``seqId``/``prevSeqId`` and checksums (``books``). Every client reads the same
feed:

- python-okx 0.4.4's ``WsPublicAsync``: its callback receives each message as raw text;
- okx_v5's ``WsPublic`` iterator, messages as dicts (``msg["data"][0]["last"]``);
- the same iterator with the typed items read (``msg.data[0].last``);
- okx_v5's order book kept from the ``books`` feed: CPU time of the client process (all its
  threads: the loop decoding and applying, the sequence and checksum checks) per 10 000
  updates;
- memory: a long iterator run of typed messages at a steady rate (``--rate``, 20 000 a second),
  the traced memory sampled every 20 000 messages.

Rates are messages per second of wall time from the first message to the last, medians over
the rounds (the order of the clients rotates each round).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
# The feed's certificate: made once by the benchmark, trusted by every client through
# OpenSSL's SSL_CERT_FILE (python-okx builds its own TLS context from the default paths).
CERT = Path(os.environ.get("OKX_V5_FEED_CERT", "/nonexistent"))
KEY = CERT.with_suffix(".key")

INST_ID = "BTC-USDT"


# -- the feed (its own process) ------------------------------------------------------------------


def ticker(n: int) -> str:
    last = f"{43000 + n % 1000}.{n % 10}"
    return json.dumps(
        {
            "arg": {"channel": "tickers", "instId": INST_ID},
            "data": [
                {
                    "instType": "SPOT",
                    "instId": INST_ID,
                    "last": last,
                    "lastSz": "0.1",
                    "askPx": last,
                    "askSz": "3.2",
                    "bidPx": "42999.9",
                    "bidSz": "1.5",
                    "open24h": "42000",
                    "high24h": "44000",
                    "low24h": "41000",
                    "volCcy24h": "123456789.12",
                    "vol24h": "2871.5",
                    "sodUtc0": "42100",
                    "sodUtc8": "42200",
                    "ts": str(1700000000000 + n),
                }
            ],
        }
    )


def checksum(bids: list[list[str]], asks: list[list[str]]) -> int:
    parts: list[str] = []
    for i in range(max(min(len(bids), 25), min(len(asks), 25))):
        if i < len(bids) and i < 25:
            parts += bids[i][:2]
        if i < len(asks) and i < 25:
            parts += asks[i][:2]
    value = zlib.crc32(":".join(parts).encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def book_messages(updates: int) -> list[str]:
    """A 400-level snapshot, then ``updates`` incremental updates, as OKX sends them."""
    bids = {f"{42000 - i * 0.5:.1f}": f"{1 + i % 7}.{i % 10}" for i in range(400)}
    asks = {f"{42000.5 + i * 0.5:.1f}": f"{1 + i % 5}.{i % 10}" for i in range(400)}

    def side(levels: dict[str, str], best_first_high: bool) -> list[list[str]]:
        prices = sorted(levels, key=float, reverse=best_first_high)
        return [[px, levels[px], "0", "1"] for px in prices]

    def message(action: str, seq: int, prev: int, b: list[list[str]], a: list[list[str]]) -> str:
        full_b, full_a = side(bids, True), side(asks, False)
        data = {
            "asks": a,
            "bids": b,
            "ts": str(1700000000000 + seq),
            "checksum": checksum(full_b, full_a),
            "seqId": seq,
            "prevSeqId": prev,
        }
        return json.dumps(
            {"arg": {"channel": "books", "instId": INST_ID}, "action": action, "data": [data]}
        )

    out = [message("snapshot", 1000, -1, side(bids, True), side(asks, False))]
    seq = 1000
    for n in range(updates):
        changed_b, changed_a = [], []
        for k in range(3):
            px = f"{42000 - ((n * 7 + k * 13) % 400) * 0.5:.1f}"
            size = "0" if (n + k) % 11 == 0 else f"{1 + (n + k) % 9}.{k}"
            if size == "0":
                bids.pop(px, None)
            else:
                bids[px] = size
            changed_b.append([px, size, "0", "1"])
            apx = f"{42000.5 + ((n * 5 + k * 17) % 400) * 0.5:.1f}"
            asize = f"{1 + (n + 2 * k) % 8}.{k}"
            asks[apx] = asize
            changed_a.append([apx, asize, "0", "1"])
        out.append(message("update", seq + 1, seq, changed_b, changed_a))
        seq += 1
    return out


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (python-okx only connects over wss://)."""
    cert, key = folder / "feed.pem", folder / "feed.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def run_feed(port_file: str, kind: str, count: int, rate: float = 0.0) -> None:
    """Serve the feed: the WebSocket frames are built once per connection with the
    ``websockets`` sans-I/O protocol and written in large chunks, so that the feed outpaces
    every client (a client, not the feed, sets the rate); or, with ``rate``, at that many
    messages per second."""
    import socket
    import ssl
    import threading

    from websockets.frames import Frame
    from websockets.server import ServerProtocol

    messages = book_messages(count) if kind == "books" else [ticker(n) for n in range(count)]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(CERT, KEY)

    def flush(conn: ssl.SSLSocket, protocol: ServerProtocol) -> None:
        data = b"".join(protocol.data_to_send())
        if data:
            conn.sendall(data)

    def answer(conn: ssl.SSLSocket, protocol: ServerProtocol, frame: Frame) -> None:
        text = frame.data.decode()
        if text == "ping":
            protocol.send_text(b"pong")
            flush(conn, protocol)
            return
        request = json.loads(text)
        for arg in request.get("args", []):
            ack = {"event": request["op"], "arg": arg, "connId": "bench"}
            if "id" in request:
                ack = {"id": request["id"], **ack}
            protocol.send_text(json.dumps(ack).encode())
        flush(conn, protocol)
        if request.get("op") != "subscribe":
            return
        batch = 200 if rate else 2000
        started = time.monotonic()
        for start in range(0, len(messages), batch):
            for message in messages[start : start + batch]:
                protocol.send_text(message.encode())
            flush(conn, protocol)
            if rate:
                time.sleep(max(0.0, started + (start + batch) / rate - time.monotonic()))

    def serve(raw: socket.socket) -> None:
        with raw, context.wrap_socket(raw, server_side=True) as conn:
            protocol = ServerProtocol(max_size=None)
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                protocol.receive_data(data)
                for event in protocol.events_received():
                    if isinstance(event, Frame):
                        if event.opcode.name == "TEXT":
                            answer(conn, protocol, event)
                    else:  # the handshake request
                        protocol.send_response(protocol.accept(event))
                flush(conn, protocol)
                if protocol.close_expected():
                    return

    listener = socket.create_server(("127.0.0.1", 0))
    Path(port_file).write_text(str(listener.getsockname()[1]))
    while True:
        raw, _ = listener.accept()
        threading.Thread(target=serve, args=(raw,), daemon=True).start()


class Feed:
    """The feed in its own process, pinned to the last core when the machine has two."""

    def __init__(self, kind: str, count: int, rate: float = 0.0) -> None:
        self.port_file = Path(os.environ.get("TMPDIR", "/tmp"), f"okx_v5_feed_{os.getpid()}")
        self.port_file.unlink(missing_ok=True)
        command = [sys.executable, __file__, "--feed", kind, str(count), str(self.port_file)]
        command += [str(rate)]
        if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
            command = ["taskset", "-c", str((os.cpu_count() or 2) - 1), *command]
        self.process = subprocess.Popen(command)
        for _ in range(500):
            if self.port_file.exists() and self.port_file.read_text():
                break
            time.sleep(0.01)
        self.port = int(self.port_file.read_text())

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(5)
        self.port_file.unlink(missing_ok=True)


# -- the clients ---------------------------------------------------------------------------------


def client_tls() -> Any:
    import ssl

    return ssl.create_default_context(cafile=str(CERT))


SUBSCRIBE = [{"channel": "tickers", "instId": INST_ID}]


def python_okx(port: int, count: int) -> float:
    """Messages per second python-okx's callback receives (raw text)."""
    from okx.websocket.WsPublicAsync import WsPublicAsync

    async def main() -> float:
        done = asyncio.Event()
        seen = 0
        first = 0.0

        def callback(message: str) -> None:
            nonlocal seen, first
            if '"data"' not in message:
                return
            seen += 1
            if seen == 1:
                first = time.perf_counter()
            if seen == count:
                done.set()

        ws = WsPublicAsync(url=f"wss://127.0.0.1:{port}/ws/v5/public")
        await ws.start()
        await ws.subscribe(SUBSCRIBE, callback)
        await done.wait()
        elapsed = time.perf_counter() - first
        await ws.stop()
        return (count - 1) / elapsed

    return asyncio.run(main())


def okx_v5(port: int, count: int, typed: bool) -> float:
    """Messages per second an okx_v5 ``WsPublic`` iterator hands out."""
    from okx_v5.websocket import WsPublic

    with WsPublic(domain=f"https://127.0.0.1:{port}", ssl_context=client_tls()) as ws:
        ws.subscribe(SUBSCRIBE)
        first = 0.0
        for seen, msg in enumerate(ws.messages(timeout=30), start=1):
            last = msg.data[0].last if typed else msg["data"][0]["last"]
            assert last
            if seen == 1:
                first = time.perf_counter()
            if seen == count:
                break
        return (count - 1) / (time.perf_counter() - first)


def book_cpu(port: int, updates: int) -> tuple[float, float]:
    """CPU seconds of the client process per 10 000 book updates, and the wall seconds."""
    from okx_v5.websocket import WsPublic

    with WsPublic(domain=f"https://127.0.0.1:{port}", ssl_context=client_tls()) as ws:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        book = ws.order_book(INST_ID, "books")
        book.wait(30)
        while book.updates < updates + 1:
            time.sleep(0.001)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        assert book.seq_id == 1000 + updates, book.seq_id
        return cpu * 10_000 / updates, wall


def memory(port: int, count: int) -> list[float]:
    """Traced memory (KiB) every 20 000 messages of one long iterator run."""
    from okx_v5.websocket import WsPublic

    samples: list[float] = []
    tracemalloc.start()
    with WsPublic(domain=f"https://127.0.0.1:{port}", ssl_context=client_tls()) as ws:
        ws.subscribe(SUBSCRIBE)
        for seen, msg in enumerate(ws.messages(timeout=30), start=1):
            assert msg.data[0].last
            if seen % 20_000 == 0:
                samples.append(tracemalloc.get_traced_memory()[0] / 1024)
            if seen == count:
                break
    tracemalloc.stop()
    return samples


# -- the report ----------------------------------------------------------------------------------


def measure(name: str, run: Callable[[], float], results: dict[str, list[float]]) -> None:
    results.setdefault(name, []).append(run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--long", type=int, default=200_000, help="messages of the memory run")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--rate", type=float, default=20_000.0, help="messages/s of that run")
    parser.add_argument("--feed", nargs=4, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.feed:
        kind, count, port_file, rate = options.feed
        run_feed(port_file, kind, int(count), float(rate))
        return 0

    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {0})  # the clients on the first core, the feed on the last
    folder = Path(os.environ.get("TMPDIR", "/tmp"), f"okx_v5_feed_tls_{os.getpid()}")
    folder.mkdir(exist_ok=True)
    cert, _ = certificate(folder)
    os.environ["OKX_V5_FEED_CERT"] = os.environ["SSL_CERT_FILE"] = str(cert)
    global CERT, KEY
    CERT, KEY = cert, cert.with_suffix(".key")
    rates: dict[str, list[float]] = {}
    clients: list[tuple[str, Callable[[int], float]]] = [
        ("python-okx WsPublicAsync, raw text", lambda p: python_okx(p, options.messages)),
        ("okx_v5 WsPublic, dicts", lambda p: okx_v5(p, options.messages, False)),
        ("okx_v5 WsPublic, typed .data", lambda p: okx_v5(p, options.messages, True)),
    ]
    for round_ in range(options.rounds):
        order = clients[round_ % 3 :] + clients[: round_ % 3]
        for name, client in order:
            feed = Feed("tickers", options.messages)
            try:
                measure(name, lambda c=client, f=feed: c(f.port), rates)  # type: ignore[misc]
            finally:
                feed.close()
    books: list[tuple[float, float]] = []
    for _ in range(options.rounds):
        feed = Feed("books", options.updates)
        try:
            books.append(book_cpu(feed.port, options.updates))
        finally:
            feed.close()
    feed = Feed("tickers", options.long, options.rate)
    try:
        samples = memory(feed.port, options.long)
    finally:
        feed.close()

    base = statistics.median(rates["python-okx WsPublicAsync, raw text"])
    report: dict[str, Any] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "websockets": metadata.version("websockets"),
        "messages": options.messages,
        "rounds": options.rounds,
        "rates": {name: statistics.median(values) for name, values in rates.items()},
        "book_cpu_per_10k": statistics.median(cpu for cpu, _ in books),
        "book_wall": statistics.median(wall for _, wall in books),
        "memory_kib": samples,
    }
    print(f"{'client':<40} {'msg/s (median)':>15} {'x python-okx':>13}")
    for name, rate in report["rates"].items():
        print(f"{name:<40} {rate:>15,.0f} {rate / base:>13.2f}")
    print(
        f"order book: {report['book_cpu_per_10k']:.3f} s CPU per 10 000 updates "
        f"(median of {options.rounds}; wall {report['book_wall']:.2f} s for {options.updates})"
    )
    print("memory, KiB every 20 000 messages: " + ", ".join(f"{s:.0f}" for s in samples))
    if options.json:
        options.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
