"""Sending one request through ``requests``: the prepared request, the adapter, the body.

Every request goes through the client's ``Session.send``, so everything requests promises about
a Session holds: its adapters, hooks, auth, headers, cookies, proxies and TLS settings as they
are at call time, and mocks that patch ``Session.send``, ``Session.get_adapter`` or
``HTTPAdapter.send`` (``responses``, ``requests-mock``, ``vcrpy``, ``requests-cache``) see every
request. What requests would work out again on every call from the environment (proxy and CA
bundle variables) is read once, when the client is built.

This is the one module of okx_v5 that imports requests; the client imports it when the first
client is built, so that importing an API module stays light. A session the client creates
itself gets ``OkxAdapter``, which differs from requests' own
``HTTPAdapter`` in one respect: an informational ``1xx`` answer (``103 Early Hints``) is read
past, not taken as the answer.
"""

from __future__ import annotations

import functools
import http.client
import os
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import default_user_agent, get_encoding_from_headers, get_environ_proxies
from urllib3 import BaseHTTPResponse, HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connectionpool import ConnectionPool

from . import __version__
from .exceptions import OkxException, OkxRequestException, OkxTimeoutException

if TYPE_CHECKING:
    from urllib3._base_connection import BaseHTTPConnection, BaseHTTPSConnection

__all__ = [
    "USER_AGENT",
    "EnvironmentSettings",
    "OkxAdapter",
    "build_request",
    "failure",
    "new_session",
    "origin",
    "read_body",
]

USER_AGENT = f"okx_v5/{__version__} python-requests/{requests.__version__}"
"""Sent unless the session was given a User-Agent of its own."""

_REQUESTS_USER_AGENT = default_user_agent()


def _settings(proxies: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(proxies.items())) if proxies else ()


def origin(url: str) -> str:
    """Return ``scheme://host[:port]`` of ``url`` (everything before the path)."""
    start = url.find("//") + 2
    ends = [found for mark in "/?#" if (found := url.find(mark, start)) != -1]
    return url[: min(ends, default=len(url))]


class _FinalResponse(http.client.HTTPResponse):
    """An ``http.client`` response that reads past informational (``1xx``) answers.

    ``http.client`` skips ``100 Continue`` only: any other ``1xx`` is returned as the answer,
    with no body, and the real answer stays on the connection for the next request to read.
    """

    def begin(self) -> None:
        super().begin()
        # 101 Switching Protocols is final (the connection changes protocol); 100 never gets here.
        while 100 <= self.status < 200 and self.status != 101:
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


class _HTTPPool(HTTPConnectionPool):
    def _new_conn(self) -> BaseHTTPConnection:
        return _hidden_header_block(_final_answers(super()._new_conn()))

    def _validate_conn(self, conn: BaseHTTPConnection) -> None:
        # Connect before the header block exists, as urllib3 does for https: http.client
        # connects from inside send(), with the block (passphrase and signature) in the
        # frames a failed connect's traceback shows.
        super()._validate_conn(conn)
        if conn.is_closed:
            conn.connect()


class _HTTPSPool(HTTPSConnectionPool):
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


class EnvironmentSettings:
    """What requests reads from the environment for a URL: proxies and the CA bundle.

    ``Session.request`` reads these on every call, and so does ``Session.send`` for proxies
    when none are passed; both scan the whole environment each time, which costs more than
    the rest of a call. They are read here once, for the client's domain.
    """

    __slots__ = ("ca_bundle", "proxies")

    def __init__(self, session: requests.Session, domain: str, proxy: str | None) -> None:
        # As Session.request: the explicit proxy first, then the environment's, then (at call
        # time) the session's own proxies beneath both.
        proxies: dict[str, str] = {"http": proxy, "https": proxy} if proxy else {}
        self.ca_bundle: str | None = None
        if session.trust_env:
            for scheme, url in get_environ_proxies(domain).items():
                proxies.setdefault(scheme, url)
            self.ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get(
                "CURL_CA_BUNDLE"
            )
        self.proxies = proxies


def build_request(
    session: requests.Session,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    user_agent: str,
) -> requests.PreparedRequest:
    """Return the request to send: ``url`` exactly as given (it was signed), the session's
    headers beneath ``headers``, and the session's auth, cookies and hooks as they are now.

    ``user_agent`` replaces requests' default one, not one the session was given.
    """
    prepared = requests.PreparedRequest()
    prepared.method = method
    prepared.url = url
    merged: CaseInsensitiveDict[str] = CaseInsensitiveDict(session.headers)  # type: ignore[arg-type]
    if merged.get("User-Agent", _REQUESTS_USER_AGENT) == _REQUESTS_USER_AGENT:
        merged["User-Agent"] = user_agent
    merged.update(headers)
    prepared.headers = merged
    prepared.body = body
    if body is not None:
        merged["Content-Length"] = str(len(body))
    prepared.hooks = {event: list(hooks) for event, hooks in session.hooks.items()}
    if session.cookies:
        prepared.prepare_cookies(session.cookies)
    if session.auth is not None:
        prepared.prepare_auth(session.auth)
    return prepared


def read_body(response: requests.Response) -> bytes:
    """Return the whole body of a streamed ``response`` and give its connection back.

    A urllib3 answer is read in one piece: requests' ``.content`` joins 10 kB chunks, which
    holds a large body twice in memory. A body already read (by a hook or a cache) is returned
    as it is; an answer made by an adapter of its own is read the way requests reads it.
    """
    if not isinstance(response.raw, BaseHTTPResponse):
        return response.content or b""
    try:
        return b"".join(response.iter_content(chunk_size=None))
    finally:
        response.close()


def new_session() -> requests.Session:
    """A session of the client's own: requests' defaults, with ``OkxAdapter`` mounted."""
    session = requests.Session()
    adapter = OkxAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def failure(exc: Exception, method: str, path: str, timeout: object) -> OkxException:
    """The okx_v5 exception for what went wrong while sending or reading."""
    if isinstance(exc, OkxException):
        return exc
    if isinstance(exc, requests.Timeout) or _caused_by(exc, urllib3.exceptions.ReadTimeoutError):
        return OkxTimeoutException(
            f"no answer within {timeout} s: {exc}",
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
