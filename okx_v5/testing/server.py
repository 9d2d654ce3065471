"""HTTP plumbing of the fake exchange: a keep-alive HTTP/1.1 server on a background thread.

The server only moves bytes; every decision about the answer is the ``Exchange``'s. A ``GET`` under
``/ws/`` is a WebSocket handshake: it goes to ``serve_upgrade``, and the connection is then served
in the handler's thread.

A request the server cannot read as HTTP (a bad request line or header, a ``Content-Length`` that
is not a number, a broken chunked body) is answered HTTP 400, a body over ``MAX_BODY`` HTTP 413,
a header block over http.server's limits HTTP 431, an unknown method HTTP 501: each in OKX's
shape, ``{"code": "<status>", "msg": "<reason>", "data": []}`` as the exchange answers an unknown
path (404), and the connection is then closed; the server goes on serving the others.
"""

from __future__ import annotations

import contextlib
import re
import socket
import ssl
import struct
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from okx_v5.testing.calls import error_reply, json_bytes
from okx_v5.testing.exchange import Exchange, Reply
from okx_v5.testing.wsserver import StreamGateway, is_stream, serve_upgrade

__all__ = ["MAX_BODY", "HTTPServerThread"]

MAX_BODY = 1 << 20
"""The largest request body served, in bytes (a batch of 20 orders is a few kilobytes); a larger
one is answered HTTP 413 without being read."""

# How often serve_forever looks for a shutdown; stop() waits up to this long (seconds).
_POLL_INTERVAL = 0.02
# SO_LINGER on, 0 seconds: close() discards unsent data and sends RST instead of FIN.
_LINGER_ZERO = struct.pack("ii", 1, 0)
# What a 103 Early Hints suggests preloading; any Link will do, clients must just skip it.
_EARLY_HINT_LINK = "</static/okx.css>; rel=preload; as=style"
# RFC 9110's token: what a method may be made of.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# A Content-Length: digits only (int() would take " 12", "+12", "1_2" and 5,000 digits).
_LENGTH = re.compile(r"[0-9]{1,19}")
# A chunk-size line, hex digits then optional extensions; and how long such a line may be.
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?\r?\n")
_CHUNK_LINE = 1024
# Trailer lines after a chunked body, at most (http.server allows 100 header lines).
_MAX_TRAILERS = 100
# RFC 9110's reason phrases for the errors the server answers (Python's change across versions).
_REASONS = {
    400: "Bad Request",
    413: "Content Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    501: "Not Implemented",
    505: "HTTP Version Not Supported",
}
# Seconds an error answer waits for the client to stop sending before the connection closes.
_LINGER = 0.2


class _BadRequest(Exception):
    """The request cannot be read: answer HTTP ``status`` and close the connection."""

    def __init__(self, status: HTTPStatus) -> None:
        super().__init__(status)
        self.status = status


class _Server(ThreadingHTTPServer):
    """Counts accepted connections and can cut them all when stopping."""

    daemon_threads = True
    # Benchmarks open many connections at once; the default backlog of 5 would drop SYNs.
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], exchange: Exchange, gateway: StreamGateway | None
    ) -> None:
        super().__init__(address, _Handler)
        self.exchange = exchange
        self.gateway = gateway
        self.stopping = threading.Event()
        self.connections = 0
        self._open: set[socket.socket] = set()
        self._resetting: set[socket.socket] = set()
        self._lock = threading.Lock()

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        # Answers are small and written in one go; don't let Nagle hold them back.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self.connections += 1
            self._open.add(sock)
        return sock, address

    def reset_on_close(self, sock: socket.socket) -> None:
        """Make closing ``sock`` send a TCP RST, without the FIN a shutdown would send first."""
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_ZERO)
        with self._lock:
            self._resetting.add(sock)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._open.discard(request)
            resetting = request in self._resetting
            self._resetting.discard(request)
        if resetting:
            self.close_request(request)
        else:
            super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout, retry on a new connection) is normal here, not news.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # pragma: no cover - a bug in the fake

    def cut_connections(self) -> None:
        """Shut down every open client connection, waking threads blocked reading them."""
        with self._lock:
            open_sockets = list(self._open)
        for sock in open_sockets:
            with contextlib.suppress(OSError):  # already closed by the client
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """Reads one request, asks the exchange, writes its reply (or doesn't, to drop)."""

    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "FakeOKX"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and benchmarks don't want a line on stderr per request."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer an HTTP-level error in OKX's shape (http.server's is an HTML page), then
        close the connection: what follows on it cannot be trusted to start a request."""
        if self.request_version in ("", "HTTP/0.9"):
            self.request_version = "HTTP/1.1"  # an answer with a status line and headers
        reason = _REASONS.get(code) or HTTPStatus(code).phrase
        body = json_bytes({"code": str(code), "msg": reason, "data": []})
        self.close_connection = True
        self.send_response(code, reason)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self._linger()

    def _linger(self) -> None:
        """Read, briefly, what the client still sends (a body not read, the rest of a header
        block) before the connection closes: closing with unread bytes sends a TCP RST, which
        can destroy the answer before the client reads it."""
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + _LINGER
            drained = 0
            while drained <= MAX_BODY and (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                drained += len(chunk)

    def parse_request(self) -> bool:
        """Read the request line and headers; answer HTTP 400 to what http.server lets pass but
        a careful server refuses: HTTP/0.9, a method that is not a token, a header line
        without a colon (the headers after it would be lost)."""
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9" or not _TOKEN.fullmatch(self.command):
            self.send_error(HTTPStatus.BAD_REQUEST)
            return False
        if self.headers.defects or self.headers.get_payload():
            self.send_error(HTTPStatus.BAD_REQUEST)
            return False
        return True

    def do_GET(self) -> None:
        """Answer a GET, or serve the WebSocket connection it opens."""
        if self.server.gateway is not None and is_stream(self.path):
            self.close_connection = True
            serve_upgrade(self, self.server.gateway)
            return
        self._dispatch()

    def do_POST(self) -> None:
        """Answer a POST."""
        self._dispatch()

    def do_PUT(self) -> None:
        """Answer a PUT."""
        self._dispatch()

    def do_DELETE(self) -> None:
        """Answer a DELETE."""
        self._dispatch()

    def _dispatch(self) -> None:
        try:
            body = self._body()
        except _BadRequest as bad:
            self.send_error(bad.status)
            return
        try:
            reply = self.server.exchange.handle(
                self.command, self.path, dict(self.headers.items()), body, self.client_address[0]
            )
        except Exception:  # pragma: no cover - a bug in the fake
            # Report it on stderr, but answer as OKX does when it fails instead of hanging up.
            self.server.handle_error(self.connection, self.client_address)
            reply = error_reply("50026")
        if reply.early_hints:
            self.send_response_only(103)
            self.send_header("Link", _EARLY_HINT_LINK)
            self.end_headers()
        if reply.delay and self.server.stopping.wait(reply.delay):
            reply = Reply(0, b"", drop=True)  # stopping: give up on the answer
        if reply.reset:
            self.server.reset_on_close(self.connection)
        if reply.reset or reply.drop:
            self.close_connection = True
            return
        self._send_head(reply)
        if reply.chunked:
            self._send_chunked(reply.body)
        else:
            self.wfile.write(reply.body)

    def _body(self) -> bytes:
        """The request body, by its ``Content-Length`` or chunked; ``_BadRequest`` when it cannot
        be read or is over ``MAX_BODY``."""
        encoding = self.headers.get_all("Transfer-Encoding") or []
        lengths = self.headers.get_all("Content-Length") or []
        if encoding:
            # Both, or a coding other than chunked: the body's end is ambiguous (smuggling).
            if lengths or [value.strip().lower() for value in encoding] != ["chunked"]:
                raise _BadRequest(HTTPStatus.BAD_REQUEST)
            return self._chunked_body()
        if not lengths:
            return b""
        values = {value.strip() for value in lengths}
        if len(values) != 1 or not _LENGTH.fullmatch(next(iter(values))):
            raise _BadRequest(HTTPStatus.BAD_REQUEST)
        length = int(values.pop())
        if length > MAX_BODY:
            raise _BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        body = self.rfile.read(length)
        if len(body) < length:  # the client stopped sending: nothing to answer
            raise ConnectionAbortedError("the request body ended early")
        return body

    def _chunked_body(self) -> bytes:
        body = bytearray()
        while True:
            match = _CHUNK_SIZE.fullmatch(self.rfile.readline(_CHUNK_LINE))
            if match is None:
                raise _BadRequest(HTTPStatus.BAD_REQUEST)
            size = int(match.group(1), 16)
            if len(body) + size > MAX_BODY:
                raise _BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            if size == 0:
                break
            body += self.rfile.read(size)
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise _BadRequest(HTTPStatus.BAD_REQUEST)
        for _ in range(_MAX_TRAILERS):
            if self.rfile.readline(_CHUNK_LINE) in (b"\r\n", b"\n", b""):
                return bytes(body)
        raise _BadRequest(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE)

    def _send_head(self, reply: Reply) -> None:
        self.send_response(reply.status)
        given = {name.lower() for name in reply.headers}
        if "content-type" not in given:
            self.send_header("Content-Type", "application/json")
        if reply.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif "content-length" not in given:
            self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send_chunked(self, body: bytes) -> None:
        half = len(body) // 2
        for chunk in (body[:half], body[half:]):
            if chunk:  # an empty chunk would end the body
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")


class HTTPServerThread:
    """A ``_Server`` for ``exchange`` (and its WebSocket ``gateway``) on a daemon thread."""

    def __init__(
        self,
        exchange: Exchange,
        host: str,
        port: int,
        ssl_context: ssl.SSLContext | None = None,
        gateway: StreamGateway | None = None,
    ) -> None:
        self._server = _Server((host, port), exchange, gateway)
        if ssl_context is not None:
            # Accepted connections shake hands as they are accepted; one that fails (a client
            # refusing the certificate) is an OSError that socketserver drops.
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "http" if ssl_context is None else "https"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(_POLL_INTERVAL,), name="FakeOKX", daemon=True
        )
        self._thread.start()

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the server listens on."""
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def connections(self) -> int:
        """How many TCP connections the server has accepted."""
        return self._server.connections

    def stop(self) -> None:
        """Stop serving, cut open connections and close the listening socket."""
        self._server.stopping.set()
        self._server.shutdown()
        self._server.cut_connections()
        self._server.server_close()
        self._thread.join(timeout=5)
