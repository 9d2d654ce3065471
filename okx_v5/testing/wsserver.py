"""WebSocket plumbing of the fake exchange: the upgrade of an HTTP request, and the connection.

The HTTP server hands a ``GET /ws/...`` it has parsed to ``serve_upgrade``, which answers the
handshake with the ``websockets`` package's sans-I/O ``ServerProtocol`` and then serves the
connection in the same thread: it reads frames, gives each text message to the ``StreamGateway``,
and writes what the gateway queued. Other threads queue messages too
(``WebSocketConnection.enqueue``) and send them with ``WebSocketConnection.flush``. Only bytes move
here; every decision about them is the gateway's.
"""

from __future__ import annotations

import contextlib
import io
import logging
import secrets
import select
import socket
import ssl
import threading
import time
from collections import deque
from collections.abc import Iterable, MutableMapping
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol

from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State
from websockets.server import ServerProtocol

from okx_v5.testing.exchange import origin_form
from okx_v5.websocket.link import redact

__all__ = ["StreamGateway", "WebSocketConnection", "is_stream", "serve_upgrade"]

STREAM_PREFIX = "/ws/"
"""Requests to paths under it are WebSocket handshakes, not REST calls."""

# OKX: "the total length of multiple channels cannot exceed 64 KB"; a longer message is
# closed with 1009, as OKX's close frames do.
_MAX_MESSAGE = 64 * 1024
_READ_SIZE = 65536
# A peer that reads nothing for this long while the server writes to it is cut off.
_SEND_TIMEOUT = 5.0
# How long a close frame waits for the peer's before the connection is cut.
_CLOSE_WAIT = 1.0
# The longest a reading thread sleeps before it looks at its deadlines again.
_LOOK_AGAIN = 0.5
_DATA = (Opcode.TEXT, Opcode.BINARY, Opcode.CONT)


class StreamGateway(Protocol):
    """What the plumbing asks of the gateway that gives connections their behaviour."""

    @property
    def idle_timeout(self) -> float:
        """Seconds without a frame either way after which ``idle`` is called (0: never)."""

    def admit(self, path: str, client: str) -> tuple[int, str] | None:
        """``None`` to accept a handshake to ``path`` from IP ``client``, else the HTTP status
        and reason to refuse it with."""

    def opened(self, connection: WebSocketConnection) -> bool:
        """Take a new connection; ``False`` to close it at once (the server is stopping)."""

    def receive(self, connection: WebSocketConnection, text: str) -> None:
        """Answer one text message (answers are queued on ``connection``)."""

    def idle(self, connection: WebSocketConnection) -> None:
        """The connection saw nothing for ``idle_timeout`` seconds."""

    def closed(self, connection: WebSocketConnection) -> None:
        """Forget a connection that has ended."""


def is_stream(target: str) -> bool:
    """Whether a request target is for the WebSocket side (a path under ``/ws/``)."""
    return origin_form(target).startswith(STREAM_PREFIX)


class WebSocketConnection:
    """One accepted WebSocket connection: a socket, its protocol state, messages to send.

    Thread-safe: any thread may ``enqueue`` and ``flush``; one thread (the handler's) reads, in
    ``serve``.
    """

    def __init__(
        self,
        sock: socket.socket,
        protocol: ServerProtocol,
        target: str,
        headers: Iterable[tuple[str, str]],
        client: str,
    ) -> None:
        self.conn_id = secrets.token_hex(4)
        """OKX's ``connId``: 8 hex digits."""
        self.target = target
        """The request target of the handshake, query included."""
        self.path = target.partition("?")[0]
        self.headers = {name.lower(): value for name, value in headers}
        """The handshake's headers, names lower-cased."""
        self.client = client
        """The peer's IP address."""
        self.muted = False
        """While set, nothing is written: messages and control frames are dropped."""
        self.last_activity = time.monotonic()
        self._sock = sock
        self._protocol = protocol
        self._send_lock = threading.Lock()
        self._queue: deque[str] = deque()
        self._queue_lock = threading.Lock()
        self._closing_until: float | None = None

    def __repr__(self) -> str:
        return f"<WebSocketConnection {self.conn_id} {self.path} from {self.client}>"

    # -- writing -------------------------------------------------------------------------------

    def accept(self) -> None:
        """Send the handshake's answer, muted or not: the connection opens, then is silent."""
        with self._send_lock:
            for chunk in self._protocol.data_to_send():
                self._sock.sendall(chunk)

    def enqueue(self, text: str) -> None:
        """Queue a text message; ``flush`` sends it."""
        with self._queue_lock:
            self._queue.append(text)

    def flush(self) -> None:
        """Send the queued messages, in order (or drop them if muted or closing)."""
        with self._send_lock:
            with self._queue_lock:
                texts = list(self._queue)
                self._queue.clear()
            if not texts or self._protocol.state is not State.OPEN:
                return
            for text in texts:
                self._protocol.send_text(text.encode())
            self._write()

    def _write(self) -> None:
        """Write what the protocol has to send; the caller holds the send lock."""
        chunks = self._protocol.data_to_send()
        if self.muted or not chunks:
            return
        try:
            for chunk in chunks:
                if chunk:
                    self._sock.sendall(chunk)
                else:  # the protocol's end of data: half-close
                    self._sock.shutdown(socket.SHUT_WR)
        except OSError:  # the peer is gone, or reads nothing: cut it off
            self.cut()
            return
        self.last_activity = time.monotonic()

    def close(self, code: int, reason: str) -> None:
        """Start the closing handshake with ``code`` and ``reason`` (cut off if muted)."""
        with self._send_lock:
            if self._protocol.state is State.OPEN:
                self._protocol.send_close(code, reason)
                self._write()
                self._closing_until = time.monotonic() + _CLOSE_WAIT
        if self.muted:
            self.cut()

    def cut(self) -> None:
        """Cut the TCP connection now, without a close frame (the reading thread then ends)."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    # -- reading -------------------------------------------------------------------------------

    def serve(self, gateway: StreamGateway, early: bytes = b"") -> None:
        """Read and answer messages until the connection ends. ``early``: bytes already read
        from the socket after the handshake."""
        parts: list[bytes] = []
        data = early
        while True:
            if data and not self._take(data, gateway, parts):
                return
            data = b""
            wait = self._wait(gateway.idle_timeout)
            if wait <= 0:
                if self._closing_until is not None:
                    return  # the peer never answered our close frame
                gateway.idle(self)
                if self._closing_until is None:  # let be: look again a timeout later
                    self.last_activity = time.monotonic()
                continue
            if not self._readable(min(wait, _LOOK_AGAIN)):
                continue
            try:
                data = self._receive()
            except (TimeoutError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                continue
            except OSError:
                data = b""
            if not data:
                with self._send_lock:
                    self._protocol.receive_eof()
                    self._protocol.data_to_send()
                return

    def _receive(self) -> bytes:
        """One read. A TLS socket is read under the send lock and without blocking: an
        ``ssl`` socket must not read in one thread while another writes to it."""
        if not isinstance(self._sock, ssl.SSLSocket):
            return self._sock.recv(_READ_SIZE)
        with self._send_lock:
            timeout = self._sock.gettimeout()
            self._sock.setblocking(False)
            try:
                return self._sock.recv(_READ_SIZE)
            finally:
                self._sock.settimeout(timeout)

    def _wait(self, idle_timeout: float) -> float:
        """Seconds until the closing handshake or the idle timeout is due."""
        now = time.monotonic()
        if self._closing_until is not None:
            return self._closing_until - now
        if idle_timeout > 0:
            return self.last_activity + idle_timeout - now
        return _LOOK_AGAIN

    def _readable(self, timeout: float) -> bool:
        if isinstance(self._sock, ssl.SSLSocket) and self._sock.pending():
            return True
        try:
            readable, _, _ = select.select([self._sock], [], [], timeout)
        except (OSError, ValueError):  # closed under us
            return True
        return bool(readable)

    def _take(self, data: bytes, gateway: StreamGateway, parts: list[bytes]) -> bool:
        """Feed received bytes to the protocol and the messages to the gateway; ``False``
        once the connection is closed."""
        with self._send_lock:
            self._protocol.receive_data(data)
            events = self._protocol.events_received()
            self._write()
        self.last_activity = time.monotonic()
        for event in events:
            if isinstance(event, Frame) and event.opcode in _DATA:
                parts.append(bytes(event.data))
                if event.fin:
                    gateway.receive(self, b"".join(parts).decode("utf-8", "replace"))
                    parts.clear()
        self.flush()
        return self._protocol.state is not State.CLOSED


class _RedactingLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """``websockets``' logger minus login frames: its debug log shows every frame received,
    and a login holds a passphrase and a signature."""

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        """Log as ``websockets`` asked, any login frame among ``args`` replaced."""
        super().log(level, msg, *map(_redacted, args), **kwargs)

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, Any]:
        """Leave the message as it is."""
        return msg, kwargs


def _redacted(value: object) -> object:
    data = getattr(value, "data", None)  # a websockets Frame
    if isinstance(data, (bytes, bytearray)):
        text = bytes(data).decode("utf-8", "replace")
        return value if redact(text) == text else "TEXT <login request, redacted>"
    return value


_FRAME_LOGGER = _RedactingLogger(logging.getLogger("websockets.server"), {})


def serve_upgrade(handler: BaseHTTPRequestHandler, gateway: StreamGateway) -> None:
    """Answer the WebSocket handshake ``handler`` has read, then serve the connection until it
    ends. The caller closes the socket after."""
    sock: socket.socket = handler.connection
    target = origin_form(handler.path)
    client = str(handler.client_address[0])
    protocol = ServerProtocol(max_size=_MAX_MESSAGE, logger=_FRAME_LOGGER)
    # The protocol parses the handshake itself: give it the request http.server has read.
    head = b"".join(
        f"{name}: {value}\r\n".encode("latin-1") for name, value in handler.headers.items()
    )
    protocol.receive_data(handler.requestline.encode("latin-1") + b"\r\n" + head + b"\r\n")
    request = next((e for e in protocol.events_received() if isinstance(e, Request)), None)
    if request is not None:
        refusal = gateway.admit(target.partition("?")[0], client)
        response = protocol.accept(request) if refusal is None else protocol.reject(*refusal)
        protocol.send_response(response)
    if protocol.state is not State.OPEN:  # refused, or not a handshake: answer, hang up
        with contextlib.suppress(OSError):
            for chunk in protocol.data_to_send():
                sock.sendall(chunk)
        return
    early = _buffered(handler)
    sock.settimeout(_SEND_TIMEOUT)
    connection = WebSocketConnection(sock, protocol, target, handler.headers.items(), client)
    # Taken before the client hears of it: once its connect() returns, it is counted.
    if not gateway.opened(connection):
        return
    try:
        connection.accept()
        connection.serve(gateway, early)
    except OSError:
        pass  # the client left during the handshake
    finally:
        gateway.closed(connection)


def _buffered(handler: BaseHTTPRequestHandler) -> bytes:
    """Bytes the handler's buffered reader took from the socket past the handshake (a client
    that did not wait for the answer), without waiting for more."""
    sock: socket.socket = handler.connection
    reader = handler.rfile
    if not isinstance(reader, io.BufferedReader):
        return b""
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        return reader.peek(_READ_SIZE)
    except (OSError, ValueError):
        return b""
    finally:
        sock.settimeout(timeout)
