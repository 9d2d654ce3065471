"""The connections beneath requests: ``OkxAdapter``, and the call's ``Deadline`` they keep.

A session the client makes itself (``okx_v5.transport.new_session``) mounts ``OkxAdapter``.
It sits where requests puts a transport adapter, below ``Session.send``, so that every
requests tool still sees every request; and its connection classes stay urllib3's own, so tools
that patch them still work. It differs from requests' own ``HTTPAdapter`` in what a connection
does with an answer, which no hook or setting of requests can reach:

- an informational ``1xx`` answer (``103 Early Hints``) is read past, not taken as the answer
  (at most ``MAX_INFORMATIONAL`` in a row);
- its connections keep the call's deadline (below);
- the request line and headers, which hold the passphrase and the signature, are sent as bytes
  that a traceback shows by their size only;
- what requests works out again on every call (the pool, the form of the request line) is
  kept per origin and settings.

The call's deadline (a ``Deadline``, set with ``call_deadline`` around one attempt) reaches the
connections through a context variable, so that nothing between ``Session.send`` and the
socket has to know about it: a new connection's connect timeout is capped by the time left, and
every read of the answer (status line, headers, ``1xx`` answers, body) goes through a reader
that waits at most ``min(read timeout, time left)`` for each piece and fails once the deadline
has passed. A server that trickles its answer or never ends it is cut off at the deadline, not
after each ``recv`` has had its full read timeout.

An answer okx_v5 does not read or follow raises ``Refused`` here, in ``okx_v5.body`` and in
``okx_v5.transport``, which turns it into ``OkxResponseException``.
"""

from __future__ import annotations

import contextvars
import functools
import http.client
import io
import socket
import time
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connectionpool import ConnectionPool
from urllib3.util.timeout import Timeout

if TYPE_CHECKING:
    from urllib3._base_connection import BaseHTTPConnection, BaseHTTPSConnection

__all__ = ["MAX_INFORMATIONAL", "Deadline", "OkxAdapter", "Refused", "call_deadline", "origin"]

MAX_INFORMATIONAL = 5
"""Informational (``1xx``) answers read past in a row; one more and the answer is refused."""


def _settings(proxies: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(proxies.items())) if proxies else ()


def origin(url: str) -> str:
    """Return ``scheme://host[:port]`` of ``url`` (everything before the path)."""
    start = url.find("//") + 2
    ends = [found for mark in "/?#" if (found := url.find(mark, start)) != -1]
    return url[: min(ends, default=len(url))]


class Deadline:
    """The moment a call must have its whole answer by: ``at`` on ``clock`` (seconds), the
    end of its ``budget`` (seconds from its first attempt, named when it runs out)."""

    __slots__ = ("at", "budget", "clock")

    def __init__(
        self, at: float, clock: Callable[[], float] = time.monotonic, budget: object = None
    ) -> None:
        self.at = at
        self.clock = clock
        self.budget = budget

    def left(self) -> float:
        """Seconds left before the deadline (negative once it has passed)."""
        return self.at - self.clock()

    def __repr__(self) -> str:
        return f"Deadline(left={self.left():.3f})"


_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "okx_v5_deadline", default=None
)


class call_deadline:  # noqa: N801 - used as the function it replaces: with call_deadline(d)
    """Within the block, connections of ``OkxAdapter`` connect and read against ``deadline``
    (the calling thread's, or task's, own: other calls keep theirs). A class rather than a
    generator function: it is entered on every attempt, and costs a third of one."""

    __slots__ = ("_deadline", "_token")

    def __init__(self, deadline: Deadline | None) -> None:
        self._deadline = deadline

    def __enter__(self) -> None:
        self._token = _DEADLINE.set(self._deadline)

    def __exit__(self, *exc_info: object) -> None:
        _DEADLINE.reset(self._token)


class Refused(Exception):
    """An answer okx_v5 does not read or follow (a redirect, too many ``1xx``, too large).

    Not an ``OSError``: urllib3 and requests let it through untouched (closing the connection
    on the way), and ``failure`` turns it into ``OkxResponseException``.
    """

    def __init__(
        self,
        message: str,
        status: int,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers
        self.body = body


class _DeadlineReader(io.RawIOBase):
    """A socket's reads, each waiting at most ``min(read timeout, time left)``; once the
    deadline has passed, the next read fails as a socket timeout does.

    It holds the socket through ``makefile`` as ``http.client`` does, so a connection closed
    while its answer is being read (``Connection: close``) keeps the socket until the answer
    is done.
    """

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)
        self._deadline = deadline
        self._timeout = sock.gettimeout()  # urllib3 set the read timeout before the answer
        self._waiting = self._timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._deadline.left()
        if left <= 0:
            raise TimeoutError("the call's deadline passed while reading the answer")
        wait = left if self._timeout is None else min(self._timeout, left)
        if wait != self._waiting:  # settimeout is a system call: only when it changes
            self._sock.settimeout(wait)
            self._waiting = wait
        return self._raw.readinto(buffer)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _DeadlineSocket:
    """What ``http.client.HTTPResponse`` asks of its socket (``makefile``), reading through a
    ``_DeadlineReader``."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str = "rb") -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


class _FinalResponse(http.client.HTTPResponse):
    """An ``http.client`` response that reads past informational (``1xx``) answers, and reads
    against the call's deadline when one is set.

    ``http.client`` skips ``100 Continue`` only: any other ``1xx`` is returned as the answer,
    with no body, and the real answer stays on the connection for the next request to read.
    More than ``MAX_INFORMATIONAL`` in a row is refused: a server that sends nothing else must
    not keep the call.
    """

    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        deadline = _DEADLINE.get()
        if deadline is not None:
            sock = _DeadlineSocket(sock, deadline)
        super().__init__(sock, *args, **kwargs)

    def begin(self) -> None:
        super().begin()
        informational = 0
        # 101 Switching Protocols is final (the connection changes protocol); 100 never gets here.
        while 100 <= self.status < 200 and self.status != 101:
            informational += 1
            if informational > MAX_INFORMATIONAL:
                raise Refused(
                    f"more than {MAX_INFORMATIONAL} informational answers in a row "
                    f"(HTTP {self.status})",
                    self.status,
                )
            # begin() returns at once while headers are set; clearing them reads the next answer.
            self.headers = self.msg = None  # type: ignore[assignment]
            super().begin()


C = TypeVar("C", bound="BaseHTTPConnection")


def _final_answers(conn: C) -> C:
    conn.response_class = _FinalResponse  # type: ignore[attr-defined]
    return conn


class _HeaderBlock(bytes):
    """The request line and headers as sent, shown by ``repr()`` as their size only: the
    block holds the passphrase and the signature, and a traceback formatted with locals
    (Sentry, ``rich``, ``pytest -l``) shows the frames that send it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<request header block, {len(self)} bytes>"

    __str__ = __repr__


def _send_header_block(
    connection: weakref.ref[Any],
    send_output: Callable[..., None],
    message_body: Any = None,
    encode_chunked: bool = False,
) -> None:
    # http.client's _send_output joins the headers into plain bytes and sends them; urllib3
    # sends the body itself, so only the header block comes here (anything else goes on to
    # http.client's own). A weak reference: the connection holds this function.
    conn: Any = connection()  # alive: it is the one sending
    if message_body is not None or encode_chunked:
        send_output(conn, message_body, encode_chunked)
        return
    block = _HeaderBlock(b"\r\n".join([*conn._buffer, b"", b""]))
    del conn._buffer[:]
    conn.send(block)


def _hidden_header_block(conn: C) -> C:
    """Send ``conn``'s header block as a ``_HeaderBlock``, where the connection is urllib3's
    own and sends through http.client's ``_send_output`` (a tool's replacement connection, a
    vcrpy cassette's say, is left as it is)."""
    if not type(conn).__module__.startswith("urllib3."):
        return conn
    for cls in type(conn).__mro__:
        if "_send_output" in vars(cls):
            if cls.__module__ == "http.client":
                send_output = vars(cls)["_send_output"]
                conn._send_output = functools.partial(  # type: ignore[attr-defined]
                    _send_header_block, weakref.ref(conn), send_output
                )
            break
    return conn


class _DeadlineTimeouts(HTTPConnectionPool):
    """A pool whose connect timeout is capped by the time left before the call's deadline."""

    def _get_timeout(self, timeout: Any) -> Timeout:
        chosen = super()._get_timeout(timeout)
        deadline = _DEADLINE.get()
        if deadline is None:
            return chosen
        # A timeout of 0 would make the socket non-blocking: a millisecond is "no time left".
        left = max(deadline.left(), 0.001)
        connect = Timeout.resolve_default_timeout(chosen.connect_timeout)
        if connect is not None and connect <= left:
            return chosen
        return Timeout(connect=left, read=chosen.read_timeout)


class _HTTPPool(_DeadlineTimeouts):
    def _new_conn(self) -> BaseHTTPConnection:
        return _hidden_header_block(_final_answers(super()._new_conn()))

    def _validate_conn(self, conn: BaseHTTPConnection) -> None:
        # Connect before the header block exists, as urllib3 does for https: http.client
        # connects from inside send(), with the block (passphrase and signature) in the
        # frames a failed connect's traceback shows.
        super()._validate_conn(conn)
        if conn.is_closed:
            conn.connect()


class _HTTPSPool(_DeadlineTimeouts, HTTPSConnectionPool):
    def _new_conn(self) -> BaseHTTPSConnection:
        return _hidden_header_block(_final_answers(super()._new_conn()))


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class OkxAdapter(HTTPAdapter):
    """requests' ``HTTPAdapter`` whose connections skip informational ``1xx`` answers.

    The connection classes stay urllib3's own (so tools that patch them still work); each new
    connection is only told to read its answers with a response class that reads past ``1xx``.
    What requests works out again on every call and the client asks about one origin again
    and again is kept per origin and settings: the connection pool, and whether the request
    line carries the full URL (through an HTTP proxy) or the path. Answers fill the session's
    cookie jar as always (``Session.send`` does that), not a second jar on each response.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pools: dict[tuple[Any, ...], ConnectionPool] = {}
        self._full_url: dict[tuple[Any, ...], bool] = {}
        super().__init__(*args, **kwargs)

    def get_connection_with_tls_context(
        self,
        request: requests.PreparedRequest,
        verify: bool | str | None,
        proxies: Mapping[str, str] | None = None,
        cert: tuple[str, str] | str | None = None,
    ) -> ConnectionPool:
        key = (origin(str(request.url)), verify, cert, _settings(proxies))
        pool = self._pools.get(key)
        if pool is None or getattr(pool, "pool", None) is None:  # evicted or closed: ask again
            pool = super().get_connection_with_tls_context(request, verify, proxies, cert)
            self._pools[key] = pool
        return pool

    def request_url(
        self, request: requests.PreparedRequest, proxies: Mapping[str, str] | None
    ) -> str:
        url = str(request.url)
        key = (origin(url), _settings(proxies))
        full = self._full_url.get(key)
        if full is None:
            full = self._full_url[key] = super().request_url(request, proxies) == url
        return url if full else request.path_url

    def build_response(self, req: requests.PreparedRequest, resp: Any) -> requests.Response:
        # requests' own build_response, less copying the cookies into response.cookies.
        response = requests.Response()
        response.status_code = getattr(resp, "status", None)  # type: ignore[assignment]
        response.headers = CaseInsensitiveDict(getattr(resp, "headers", {}))
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = resp
        response.reason = resp.reason
        response.url = str(req.url)
        response.request = req
        response.connection = self
        return response

    def close(self) -> None:
        self._pools.clear()
        super().close()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS managers bring their own pools
            manager.pool_classes_by_scheme = _POOLS
        return manager
