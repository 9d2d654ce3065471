"""A small OKX stand-in on 127.0.0.1 for tests where sockets and timing matter.

It answers the leverage, position-tier and time endpoints, checks the signature and the
timestamp window as OKX does (``50113`` / ``50102``), can run its clock ahead of ours, can
enforce a sliding-window rate limit per API key (HTTP 429 with ``50011``), and can be scripted
to answer the next requests with anything: a status and body, a stall, or a reset connection.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs

from .helpers import LEVERAGE_ANSWER, SECRET, TIERS_ANSWER, independent_sign


@attrs.define
class Reply:
    """A scripted answer: ``status`` and ``body`` (a dict is sent as JSON, bytes as they are),
    after ``delay`` seconds; ``reset`` closes the connection without answering; ``chunked``
    sends the body in two chunks."""

    status: int = 200
    body: Any = attrs.Factory(dict)
    headers: dict[str, str] = attrs.Factory(dict)
    delay: float = 0.0
    reset: bool = False
    chunked: bool = False


@attrs.define
class Seen:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    at: float


class LocalOKX:
    """The server's state; ``url`` is its base URL once started."""

    def __init__(self, *, clock_offset: float = 0.0, limit: tuple[int, float] | None = None):
        self.clock_offset = clock_offset
        self.limit = limit
        self.script: deque[Reply] = deque()
        self.seen: list[Seen] = []
        self.rejected = 0
        self.connections = 0
        self._lock = threading.Lock()
        self._windows: dict[str, deque[float]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> LocalOKX:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def now(self) -> float:
        return time.time() + self.clock_offset

    def answer(self, target: str, headers: dict[str, str]) -> Reply:
        """Decide the answer to one request (the server's whole logic).

        ``target`` is the request target as received: a path, or a full URL from a proxy client.
        """
        # "http://host/api/...?q" (through a proxy) is routed and signed as "/api/...?q".
        path = "/" + target.split("://", 1)[1].partition("/")[2] if "://" in target else target
        with self._lock:
            self.seen.append(Seen(target, headers, time.monotonic()))
            if self.script:
                return self.script.popleft()
            if path.startswith("/api/v5/public/time"):
                return Reply(body={"code": "0", "msg": "", "data": [{"ts": _ms(self.now())}]})
            key = headers.get("OK-ACCESS-KEY")
            if key is not None:
                problem = self._auth_problem(path, headers)
                if problem:
                    return problem
            if self.limit is not None and self._over_limit(key or "ip"):
                self.rejected += 1
                return Reply(429, {"code": "50011", "msg": "Too Many Requests", "data": []})
        if path.startswith("/api/v5/account/leverage-info"):
            return Reply(body=LEVERAGE_ANSWER)
        if path.startswith("/api/v5/public/position-tiers"):
            return Reply(body=TIERS_ANSWER)
        return Reply(404, "<html>not found</html>")

    def _auth_problem(self, path: str, headers: dict[str, str]) -> Reply | None:
        stamp = headers.get("OK-ACCESS-TIMESTAMP", "")
        try:
            sent = datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return Reply(401, {"code": "50112", "msg": "Invalid OK-ACCESS-TIMESTAMP", "data": []})
        if abs(self.now() - sent) > 30:
            return Reply(401, {"code": "50102", "msg": "Timestamp request expired", "data": []})
        if headers.get("OK-ACCESS-SIGN") != independent_sign(SECRET, stamp + "GET" + path):
            return Reply(401, {"code": "50113", "msg": "Invalid Sign", "data": []})
        return None

    def _over_limit(self, key: str) -> bool:
        assert self.limit is not None
        requests, seconds = self.limit
        now = time.monotonic()
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - seconds:
            window.popleft()
        if len(window) >= requests:
            return True
        window.append(now)
        return False


def _ms(seconds: float) -> str:
    return str(int(seconds * 1000))


def _handler(state: LocalOKX) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            with state._lock:
                state.connections += 1
            super().setup()

        def do_GET(self) -> None:
            reply = state.answer(self.path, dict(self.headers.items()))
            if reply.delay:
                time.sleep(reply.delay)
            if reply.reset:
                # SO_LINGER 0: close with RST, as a crashed proxy would.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                return
            body = reply.body
            if isinstance(body, bytes):
                data = body
            else:
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            if reply.chunked:
                self.send_header("Transfer-Encoding", "chunked")
                half = len(data) // 2
                data = b"".join(
                    b"%x\r\n%s\r\n" % (len(part), part) for part in (data[:half], data[half:])
                )
                data += b"0\r\n\r\n"
            else:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout test)
                self.close_connection = True

        do_POST = do_GET  # noqa: N815 - http.server's naming

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def running(**kwargs: Any) -> Iterator[LocalOKX]:
    """Start a :class:`LocalOKX`, yield it, stop it."""
    server = LocalOKX(**kwargs).start()
    try:
        yield server
    finally:
        server.stop()
