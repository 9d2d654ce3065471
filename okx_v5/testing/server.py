"""HTTP plumbing of the fake exchange: a keep-alive HTTP/1.1 server on a background thread.

The server only moves bytes; every decision about the answer is the ``Exchange``'s. A ``GET`` under
``/ws/`` is a WebSocket handshake: it goes to ``serve_upgrade``, and the connection is then served
in the handler's thread.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from okx_v5.testing.exchange import Exchange, Reply
from okx_v5.testing.wsserver import StreamGateway, is_stream, serve_upgrade

__all__ = ["HTTPServerThread"]

# How often serve_forever looks for a shutdown; stop() waits up to this long (seconds).
_POLL_INTERVAL = 0.02
# SO_LINGER on, 0 seconds: close() discards unsent data and sends RST instead of FIN.
_LINGER_ZERO = struct.pack("ii", 1, 0)
# What a 103 Early Hints suggests preloading; any Link will do, clients must just skip it.
_EARLY_HINT_LINK = "</static/okx.css>; rel=preload; as=style"


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
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        reply = self.server.exchange.handle(
            self.command, self.path, dict(self.headers.items()), body, self.client_address[0]
        )
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
