"""One HTTP exchange with OKX through ``requests``: ``Transport``.

A client holds one ``Transport`` and keeps the policy (signing, rate limits, retries, decoding);
the transport sends one signed request and brings back its whole answer, or one okx_v5
exception (``failure``). It owns everything between the two: the prepared request, the
environment's proxies and CA bundle, ``Session.send``, the adapter, the body read.

Every request goes through the client's ``Session.send``, so everything requests promises about
a Session holds: its adapters, hooks, auth, headers, cookies, proxies and TLS settings as they
are at call time, and mocks that patch ``Session.send``, ``Session.get_adapter`` or
``HTTPAdapter.send`` (``responses``, ``requests-mock``, ``vcrpy``, ``requests-cache``) see every
request. What requests would work out again on every call from the environment (proxy and CA
bundle variables) is read once, when the transport is built.

This is the one module of okx_v5 that imports requests; the client imports it when the first
client is built, so that importing an API module stays light. A session the transport creates
itself gets ``OkxAdapter``, which differs from requests' own ``HTTPAdapter`` in two respects:
an informational ``1xx`` answer (``103 Early Hints``) is read past, not taken as the answer (at
most ``MAX_INFORMATIONAL`` in a row), and its connections keep the call's deadline.

The call's deadline (a ``Deadline``, set with ``call_deadline`` around one attempt) reaches the
connections through a context variable, so that nothing between ``Session.send`` and the
socket has to know about it: a new connection's connect timeout is capped by the time left, and
every read of the answer (status line, headers, ``1xx`` answers, body) goes through a reader
that waits at most ``min(read timeout, time left)`` for each piece and fails once the deadline
has passed. A server that trickles its answer or never ends it is cut off at the deadline, not
after each ``recv`` has had its full read timeout.

Whatever the session, an answer is refused (``Refused``, which ``failure`` turns into
``OkxResponseException``) when it redirects (okx_v5 never follows one: a signed request must go
to the host it was signed for) or when its decoded body grows past the client's cap.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import http.client
import io
import os
import socket
import time
import weakref
import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import default_user_agent, get_encoding_from_headers, get_environ_proxies
from urllib3 import BaseHTTPResponse, HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connectionpool import ConnectionPool
from urllib3.util.timeout import Timeout

from . import __version__
from .exceptions import (
    OkxException,
    OkxRequestException,
    OkxResponseException,
    OkxTimeoutException,
    excerpt,
)

if TYPE_CHECKING:
    from urllib3._base_connection import BaseHTTPConnection, BaseHTTPSConnection

__all__ = [
    "MAX_INFORMATIONAL",
    "REDIRECTS",
    "USER_AGENT",
    "Deadline",
    "Exchange",
    "OkxAdapter",
    "Refused",
    "Transport",
    "call_deadline",
    "failure",
    "new_session",
    "origin",
    "read_body",
]

USER_AGENT = f"okx_v5/{__version__} python-requests/{requests.__version__}"
"""Sent unless the session was given a User-Agent of its own."""

_REQUESTS_USER_AGENT = default_user_agent()

MAX_INFORMATIONAL = 5
"""Informational (``1xx``) answers read past in a row; one more and the answer is refused."""
REDIRECTS = frozenset({301, 302, 303, 307, 308})
"""The statuses of a redirect: refused, never followed."""
_PIECE = 2**20
"""Bytes of decoded body read at a time when the body's size is not known up front."""


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


@contextlib.contextmanager
def call_deadline(deadline: Deadline | None) -> Iterator[None]:
    """Within the block, connections of ``OkxAdapter`` connect and read against ``deadline``
    (the calling thread's, or task's, own: other calls keep theirs)."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


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


class Exchange(NamedTuple):
    """One answer, read whole: its HTTP status, its headers and its decoded body."""

    status: int
    headers: Mapping[str, str]
    content: bytes


class Transport:
    """One client's exchanges with its OKX host (``domain``) through ``session``.

    ``exchange`` sends one request and returns its whole answer (an ``Exchange``) or raises one
    okx_v5 exception; what to send, how often and what the answer means is the client's. The
    environment's proxies and CA bundle are read once, here: ``Session.request`` reads them on
    every call (and ``Session.send`` the proxies, when none are passed), scanning the whole
    environment each time, which costs more than the rest of a call. The session's own
    settings are read at each call, so that what is set on it later applies.
    """

    __slots__ = ("_ca_bundle", "_proxies", "domain", "owns_session", "session")

    def __init__(
        self, domain: str, proxy: str | None = None, session: requests.Session | None = None
    ) -> None:
        self.domain = domain
        """The ``scheme://host[:port]`` every path is sent to."""
        self.owns_session = session is None
        """Whether the session is the transport's own (``close`` closes it)."""
        self.session: requests.Session = new_session() if session is None else session
        # As Session.request: the explicit proxy first, then the environment's, then (at call
        # time) the session's own proxies beneath both.
        proxies: dict[str, str] = {"http": proxy, "https": proxy} if proxy else {}
        self._ca_bundle: str | None = None
        if self.session.trust_env:
            for scheme, url in get_environ_proxies(domain).items():
                proxies.setdefault(scheme, url)
            self._ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get(
                "CURL_CA_BUNDLE"
            )
        self._proxies = proxies

    def exchange(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes | None,
        *,
        timeout: float | tuple[float, float],
        deadline: Deadline | None = None,
        max_answer_bytes: int = 64 * 2**20,
        direct: bool = False,
    ) -> Exchange:
        """Send ``method`` ``path`` (signed: sent byte for byte as given) with ``headers`` and
        ``body`` once, and return the whole answer.

        ``timeout`` is requests' (seconds, or ``(connect, read)``); the answer must be complete
        by ``deadline`` and no larger than ``max_answer_bytes`` decoded. ``direct`` sends past
        any proxy. Raises what ``failure`` gives: ``OkxTimeoutException`` (``sent=False``
        when the deadline passed before sending), ``OkxRequestException``, or
        ``OkxResponseException`` for an answer refused (a redirect, too large).
        """
        if deadline is not None and deadline.left() <= 0:
            raise OkxTimeoutException(
                f"the call's retry_budget of {deadline.budget} s ran out before this attempt "
                "was sent",
                method=method,
                path=path,
                sent=False,
            )
        prepared = self.prepare(method, self.domain + path, headers, body)
        try:
            with call_deadline(deadline):
                response = self.session.send(
                    prepared,
                    stream=True,
                    timeout=timeout,
                    verify=self.verify(),
                    cert=self.session.cert,
                    proxies={} if direct else self.proxies(),
                    allow_redirects=False,
                )
                content = read_body(response, max_answer_bytes, deadline)
        except Exception as exc:  # whatever the session raised, in one hierarchy
            raise failure(exc, method, path, timeout, deadline) from exc
        return Exchange(response.status_code, response.headers, content)

    def prepare(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> requests.PreparedRequest:
        """Return the request to send, prepared as ``Session.prepare_request`` prepares it
        (the session's headers beneath ``headers``, its cookies, auth and hooks as they are
        now), but with ``url`` kept exactly as given and without re-checking the headers.

        ``prepare_url`` would re-encode a URL that was signed as it is (``%2c`` becomes
        ``%2C``, ``/a/../b`` becomes ``/b``, a trailing ``?`` goes), and OKX would refuse the
        signature; ``prepare_headers`` checks each header again, which costs more than the rest
        together and which ``http.client`` does once more when it sends them. Requests'
        default User-Agent is replaced by okx_v5's, not one the session was given. After the
        session's own response hooks, ``refuse_redirect`` refuses a redirect.
        """
        prepared = requests.PreparedRequest()
        prepared.prepare_method(method)
        prepared.url = url
        merged: CaseInsensitiveDict[str] = CaseInsensitiveDict(self.session.headers)  # type: ignore[arg-type]
        if merged.get("User-Agent", _REQUESTS_USER_AGENT) == _REQUESTS_USER_AGENT:
            merged["User-Agent"] = USER_AGENT
        merged.update(headers)
        prepared.headers = merged
        # An empty cookie jar or no auth leaves the request as it is: skipped, as they cost.
        if self.session.cookies:
            prepared.prepare_cookies(self.session.cookies)
        prepared.prepare_body(body, None)
        if self.session.auth is not None:
            prepared.prepare_auth(self.session.auth)
        hooks = {event: list(hooks) for event, hooks in self.session.hooks.items()}
        hooks.setdefault("response", []).append(refuse_redirect)
        prepared.prepare_hooks(hooks)
        return prepared

    def proxies(self) -> dict[str, str]:
        """The proxies of a call now: the explicit and environment proxies over the
        session's own, read at each call so that proxies set on the session later apply."""
        proxies = dict(self.session.proxies)
        proxies.update(self._proxies)
        return proxies

    def verify(self) -> bool | str:
        """requests' ``verify`` of a call now: the session's, or the environment's CA
        bundle where the session verifies with requests' default."""
        verify = self.session.verify
        if verify is True and self._ca_bundle:
            return self._ca_bundle
        return True if verify is None else verify

    def close(self) -> None:
        """Close the session if it is the transport's own: every idle connection now, and
        the connection of each exchange still in flight as soon as it has its answer."""
        if self.owns_session:
            self.session.close()


def refuse_redirect(response: requests.Response, **kwargs: Any) -> None:
    """A response hook: raise ``Refused`` for a redirect (its connection closed, its body
    unread) before requests reads the body to work out where it leads."""
    if response.status_code in REDIRECTS:
        response.close()
        raise _redirect(response)


def _redirect(response: requests.Response) -> Refused:
    location = response.headers.get("Location") or ""
    try:
        host = urlsplit(location).hostname or ""
    except ValueError:
        host = "an unparsable location"
    # The Location itself may carry a user and password, or a token in its query: only its
    # host is shown, and the header is left out of the exception's headers.
    headers = {
        name: value for name, value in response.headers.items() if name.lower() != "location"
    }
    where = f"a redirect to {host}" if host else "a redirect on the same host"
    return Refused(
        f"OKX answered HTTP {response.status_code}, {where}; okx_v5 does not follow redirects",
        response.status_code,
        headers,
    )


def read_body(
    response: requests.Response, limit: int = 64 * 2**20, deadline: Deadline | None = None
) -> bytes:
    """Return the whole body of a streamed ``response`` and give its connection back.

    A body whose decoded size passes ``limit`` bytes is refused (``Refused``) as soon as it
    does, unread beyond that, and its connection closed; a plain body whose ``Content-Length``
    says so is refused before it is read. A urllib3 answer of known length is read in one
    piece (requests' ``.content`` joins 10 kB chunks, which holds a large body twice in
    memory); any other in pieces of at most 1 MiB decoded, with ``deadline`` checked between
    them, so a compressed bomb costs a few times the cap at most (gzip and deflate are decoded
    here, see ``_inflated``; urllib3 >= 2.6 decodes the others no further than it is asked).
    A body already read (by a hook or a cache) is returned as it is; an answer made by an
    adapter of its own is read the way requests reads it.
    """
    if not isinstance(response.raw, BaseHTTPResponse):
        content = response.content or b""
        if len(content) > limit:
            raise _too_large(response, content, limit)
        return content
    try:
        encoding = response.raw.headers.get("Content-Encoding", "identity").strip().lower()
        length = response.raw.length_remaining if encoding == "identity" else None
        if length is not None and length > limit:
            raise _too_large(response, next(response.iter_content(256), b""), limit)
        if length is not None:
            return b"".join(response.iter_content(chunk_size=None))
        piece_size = min(_PIECE, limit + 1)
        if encoding in _INFLATE:
            stream = _inflated(response.raw, encoding, piece_size)
        else:
            stream = response.iter_content(chunk_size=piece_size)
        pieces: list[bytes] = []
        size = 0
        for piece in stream:
            size += len(piece)
            if size > limit:
                raise _too_large(response, pieces[0] if pieces else piece, limit)
            pieces.append(piece)
            if deadline is not None and deadline.left() <= 0:
                # Reached only on a session of the caller's own, whose reads do not know the
                # deadline: its body is cut off between pieces.
                raise requests.ReadTimeout("the call's deadline passed while reading the answer")
        return b"".join(pieces)
    finally:
        response.close()


_INFLATE = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
"""The encodings ``_inflated`` decodes, with zlib's ``wbits`` for each."""
_RAW_PIECE = 64 * 1024


def _inflated(raw: BaseHTTPResponse, encoding: str, size: int) -> Iterator[bytes]:
    """The decoded body of a gzip or deflate answer, at most ``size`` bytes at a time.

    urllib3 decodes these itself, in bounded pieces too, but its gzip decoder (2.8) appends its
    pending input to itself whenever a gzip member ends exactly where a read stops: a body of
    many small members doubles that copy on every read until memory runs out. As urllib3
    does: gzip members are read one after the other and garbage after the first is ignored; a
    deflate body may be zlib-wrapped or raw.
    """
    try:
        yield from _inflate(raw.stream(_RAW_PIECE, decode_content=False), encoding, size)
    except zlib.error as exc:
        raise requests.exceptions.ContentDecodingError(
            f"failed to decode the {encoding} body: {exc}"
        ) from exc
    except urllib3.exceptions.ProtocolError as exc:  # as requests' iter_content tells them
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    except urllib3.exceptions.SSLError as exc:
        raise requests.exceptions.SSLError(exc) from exc


def _inflate(chunks: Iterator[bytes], encoding: str, size: int) -> Iterator[bytes]:
    wbits = _INFLATE[encoding]
    decoder = zlib.decompressobj(wbits)
    first, later_member = True, False
    for chunk in chunks:
        data = chunk
        while data:
            try:
                decoded = decoder.decompress(data, size)
            except zlib.error:
                if first and encoding == "deflate":  # raw deflate, as some servers send it
                    decoder, first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                if later_member:
                    return
                raise
            first = False
            if decoded:
                yield decoded
            data = decoder.unconsumed_tail
            if decoder.eof:
                if encoding == "deflate" or not decoder.unused_data:
                    break
                data, later_member = decoder.unused_data, True
                decoder = zlib.decompressobj(wbits)
    yield decoder.flush()


def _too_large(response: requests.Response, start: bytes, limit: int) -> Refused:
    return Refused(
        f"OKX answered HTTP {response.status_code} with a body larger than {limit} bytes "
        f"(max_answer_bytes), refused unread: {excerpt(start)!r}",
        response.status_code,
        response.headers,
        start[:1024],
    )


def new_session() -> requests.Session:
    """A session of the client's own: requests' defaults, with ``OkxAdapter`` mounted."""
    session = requests.Session()
    adapter = OkxAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def failure(
    exc: Exception, method: str, path: str, timeout: object, deadline: Deadline | None = None
) -> OkxException:
    """The okx_v5 exception for what went wrong while sending or reading; a timeout once
    ``deadline`` has passed is told as the call's budget running out."""
    if isinstance(exc, OkxException):
        return exc
    if isinstance(exc, Refused):
        return OkxResponseException(
            exc.message,
            status_code=exc.status,
            headers=exc.headers,
            body=excerpt(exc.body),
            method=method,
            path=path,
        )
    if isinstance(exc, requests.Timeout) or _caused_by(exc, urllib3.exceptions.ReadTimeoutError):
        if deadline is not None and deadline.left() <= 0:
            what = f"no complete answer within the call's retry_budget of {deadline.budget} s"
        else:
            what = f"no answer within {timeout} s"
        return OkxTimeoutException(
            f"{what}: {exc}",
            method=method,
            path=path,
            sent=not isinstance(exc, requests.ConnectTimeout),
        )
    if isinstance(exc, requests.RequestException):
        never_sent = _caused_by(exc, urllib3.exceptions.NewConnectionError)
        return OkxRequestException(
            f"request failed: {exc}", method=method, path=path, sent=not never_sent
        )
    # A hook, an adapter or a mock of the session's raised something of its own.
    return OkxRequestException(
        f"request failed: {type(exc).__name__}: {exc}", method=method, path=path
    )


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``kind`` is among the errors ``exc`` wraps (requests and urllib3 nest them)."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        current = todo.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        todo.extend((current.__cause__, current.__context__, getattr(current, "reason", None)))
        todo.extend(current.args)
    return False
