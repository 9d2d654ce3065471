"""A raw-socket HTTP server on a free 127.0.0.1 port, for faults no real server makes on
purpose: each request is answered by a script that writes whatever bytes it likes, as slowly
as it likes (a trickle, an endless body, ``1xx`` answers without end).

The server notices when the client closes a connection (a read sees the end, or a write
fails), so a test can tell that a call it cut off also closed its connection.
"""

from __future__ import annotations

import select
import socket
import threading
from collections.abc import Callable
from types import TracebackType

__all__ = ["ClientGone", "Peer", "RawServer"]

_POLL = 0.02
"""Seconds between looks at the stop flag while a script waits."""


class ClientGone(Exception):
    """The client closed the connection (or the server is stopping)."""


class Peer:
    """One accepted connection, as a script sees it."""

    def __init__(self, sock: socket.socket, stopping: threading.Event) -> None:
        self._sock = sock
        self._stopping = stopping
        self._buffer = b""

    def read_request(self) -> bytes:
        """Return the next request's head (and read past its body); raise ``ClientGone`` when
        the client closed the connection instead."""
        while b"\r\n\r\n" not in self._buffer:
            self._buffer += self._recv()
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(self._buffer) < length:
            self._buffer += self._recv()
        self._buffer = self._buffer[length:]
        return head

    def send(self, data: bytes) -> None:
        """Write ``data``; raise ``ClientGone`` when the client has closed the connection."""
        if self._stopping.is_set():
            raise ClientGone
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise ClientGone from exc

    def pause(self, seconds: float) -> None:
        """Wait ``seconds``, or raise ``ClientGone`` as soon as the client closes."""
        waited = 0.0
        while waited < seconds:
            step = min(_POLL, seconds - waited)
            if self._stopping.is_set():
                raise ClientGone
            readable, _, _ = select.select([self._sock], [], [], step)
            if readable:
                self._buffer += self._recv()  # the client sends nothing more while it waits
            waited += step

    def hang(self) -> None:
        """Wait until the client closes the connection."""
        while True:
            self.pause(1.0)

    def _recv(self) -> bytes:
        while not select.select([self._sock], [], [], _POLL)[0]:
            if self._stopping.is_set():  # a connection the client keeps open ends with the server
                raise ClientGone
        try:
            data = self._sock.recv(65536)
        except OSError as exc:
            raise ClientGone from exc
        if not data:
            raise ClientGone
        return data


Script = Callable[[Peer, bytes], None]
"""Answers one request (its head given) on ``Peer``; returns to read the next request."""


class RawServer:
    """Serves every request of every connection with ``script`` until stopped.

    ``requests`` holds the request heads in arrival order; ``closed`` is set once the client
    closed a connection, and ``closures`` counts them.
    """

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[bytes] = []
        self.closed = threading.Event()
        self.closures = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._acceptor = threading.Thread(target=self._accept, name="rawserver-accept")

    def __enter__(self) -> RawServer:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._acceptor.join()
        self._listener.close()
        for thread in self._threads:
            thread.join()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            readable, _, _ = select.select([self._listener], [], [], _POLL)
            if not readable:
                continue
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(sock,), name="rawserver-conn")
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        with sock:
            peer = Peer(sock, self._stopping)
            try:
                while True:
                    head = peer.read_request()
                    with self._lock:
                        self.requests.append(head)
                    self.script(peer, head)
            except ClientGone:
                if not self._stopping.is_set():
                    with self._lock:
                        self.closures += 1
                    self.closed.set()
