"""A minimal canned-JSON OKX server for the benchmarks (stdlib only).

HTTP/1.1 with keep-alive, one ``sendall`` per answer, ``TCP_NODELAY``, a thread per connection.
It does not verify signatures. Control paths (each on its own connection):
``/__stats`` answers ``{"accepts": n, "limited": n}``; ``/__limit?n=20&s=2`` makes the leverage
path answer HTTP 429 (OKX code 50011) above ``n`` requests per ``s`` seconds (``n=0`` turns
that off). Run as ``python benchmarks/server.py``: it prints its port and serves until killed.
"""

from __future__ import annotations

import collections
import json
import socket
import threading
import time
from urllib.parse import parse_qs, urlsplit

if __package__:
    from .canned import ANSWERS, LEVERAGE_PATH, TOO_MANY
else:  # run as a script
    from canned import ANSWERS, LEVERAGE_PATH, TOO_MANY


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.accepts = 0
        self.limited = 0
        self.limit: tuple[int, float] | None = None
        self.window: collections.deque[float] = collections.deque()

    def over_limit(self) -> bool:
        with self.lock:
            if self.limit is None:
                return False
            count, seconds = self.limit
            now = time.monotonic()
            while self.window and now - self.window[0] >= seconds:
                self.window.popleft()
            if len(self.window) >= count:
                self.limited += 1
                return True
            self.window.append(now)
            return False


def _answer(status: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


def _control(state: State, target: str) -> bytes:
    parts = urlsplit(target)
    if parts.path == "/__limit":
        query = parse_qs(parts.query)
        count, seconds = int(query["n"][0]), float(query["s"][0])
        with state.lock:
            state.limit = (count, seconds) if count else None
            state.window.clear()
            state.limited = 0
    with state.lock:
        stats = {"accepts": state.accepts, "limited": state.limited}
    return _answer("200 OK", json.dumps(stats).encode())


def _precomputed() -> dict[str, bytes]:
    return {path: _answer("200 OK", body) for path, body in ANSWERS.items()}


def serve_connection(conn: socket.socket, state: State, answers: dict[str, bytes]) -> None:
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    limited = _answer("429 Too Many Requests", TOO_MANY)
    not_found = _answer("404 Not Found", b'{"code":"404","msg":"not found","data":[]}')
    buffer = b""
    with conn:
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            length = _content_length(head)
            while len(buffer) < length:  # a POST's body, read and dropped
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            buffer = buffer[length:]
            target = head.split(b"\r\n", 1)[0].split(b" ")[1].decode()
            path = target.split("?", 1)[0]
            if path.startswith("/__"):
                reply = _control(state, target)
            elif path == LEVERAGE_PATH and state.over_limit():
                reply = limited
            else:
                reply = answers.get(path, not_found)
            conn.sendall(reply)


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def main() -> None:
    state = State()
    answers = _precomputed()
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    print(listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        with state.lock:
            state.accepts += 1
        threading.Thread(target=serve_connection, args=(conn, state, answers), daemon=True).start()


if __name__ == "__main__":
    main()
