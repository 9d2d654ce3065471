"""The HTTP transport: a requests adapter with a direct ``http.client`` path for plain cases.

``requests`` looks up the connection pool (proxy selection, URL parsing, pool-key building),
works out whether to send a full URL or a path (proxy selection and URL parsing again) and
copies the answer's cookies into a jar, on every call; urllib3 then adds its own per-request
work. For one client talking to one host with fixed settings those answers never change, so
:class:`Transport` keeps them per origin and skips the cookie jar (the client never sends
cookies).

In the common case — no proxy, no client certificate, certificates verified, nothing patched
over ``HTTPAdapter.send`` — a request goes out on a kept-alive ``http.client`` connection of
this adapter's own small pool, and the answer comes back as a real ``requests.Response``.
Everything else (proxies, client certificates, ``verify=False``, streaming, a mock such as
``responses`` patched over ``HTTPAdapter.send``) goes through ``HTTPAdapter.send`` and urllib3
as before. Errors are requests' own (``ConnectTimeout``, ``ReadTimeout``, ``ConnectionError``,
``SSLError``), so callers cannot tell the two paths apart except by speed.
"""

from __future__ import annotations

import http.client
import os
import ssl
import threading
import weakref
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from requests import PreparedRequest, Response
from requests.adapters import DEFAULT_POOLSIZE, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import DEFAULT_CA_BUNDLE_PATH, get_encoding_from_headers, select_proxy
from urllib3.connectionpool import ConnectionPool
from urllib3.util.wait import wait_for_read

__all__ = ["Transport", "origin"]


def origin(url: str) -> str:
    """Return ``scheme://host[:port]`` of ``url`` (everything before the path)."""
    start = url.find("//") + 2
    end = len(url)
    for mark in "/?#":
        found = url.find(mark, start)
        if found != -1:
            end = min(end, found)
    return url[:end]


def _settings_key(proxies: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(proxies.items())) if proxies else ()


def _is_requests_own(send: object) -> bool:
    """Whether ``send`` is requests' own ``HTTPAdapter.send``, not a mock patched over it."""
    code = getattr(send, "__code__", None)
    return (
        code is not None
        and code.co_name == "send"
        and os.path.normcase(code.co_filename) == _ADAPTERS_SOURCE
    )


_ADAPTERS_SOURCE = os.path.normcase(getattr(requests.adapters, "__file__", "") or "")
# Anything else at HTTPAdapter.send (``responses``, a test's redirect) must see every request,
# so the direct path steps aside; checked by identity first, by origin when that fails, so a
# mock that was already in place when okx_v5 was imported is recognised too.
_REQUESTS_SEND = HTTPAdapter.send if _is_requests_own(HTTPAdapter.send) else None
# Re-sent once on a fresh connection when a kept-alive one turns out closed before answering.
_RESENDABLE = frozenset({"GET", "HEAD", "OPTIONS"})
_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)
# Content-Encoding values the direct path decodes; a request accepting others goes via urllib3.
_DECODED = frozenset({"gzip", "deflate", "identity"})


class _Origin:
    """One origin's direct-path settings and its idle kept-alive connections."""

    __slots__ = ("context", "host", "idle", "lock", "port", "scheme")

    def __init__(self, scheme: str, host: str, port: int, context: ssl.SSLContext | None):
        self.scheme = scheme
        self.host = host
        self.port = port
        self.context = context
        self.idle: list[http.client.HTTPConnection] = []
        self.lock = threading.Lock()

    def connect(self, connect_timeout: float | None) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection
        if self.context is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=connect_timeout)
        else:
            conn = http.client.HTTPSConnection(
                self.host, self.port, timeout=connect_timeout, context=self.context
            )
        try:
            conn.connect()
        except ssl.SSLError as exc:
            conn.close()
            raise requests.exceptions.SSLError(exc) from exc
        except TimeoutError as exc:
            conn.close()
            raise requests.ConnectTimeout(exc) from exc
        except OSError as exc:
            conn.close()
            raise requests.ConnectionError(exc) from exc
        return conn

    def checkout(self) -> http.client.HTTPConnection | None:
        while True:
            with self.lock:
                if not self.idle:
                    return None
                conn = self.idle.pop()
            # Readable while idle means the server closed it (or sent junk): not reusable.
            if conn.sock is not None and not wait_for_read(conn.sock, timeout=0.0):
                return conn
            conn.close()

    def checkin(self, conn: http.client.HTTPConnection, keep: int) -> None:
        with self.lock:
            if len(self.idle) < keep:
                self.idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for conn in idle:
            conn.close()


def _timeouts(timeout: object) -> tuple[float | None, float | None] | None:
    """``(connect, read)`` from requests' timeout forms; ``None`` for forms left to urllib3."""
    if timeout is None or isinstance(timeout, (int, float)):
        return timeout, timeout
    if isinstance(timeout, tuple) and len(timeout) == 2:
        return timeout[0], timeout[1]
    return None


def _decoded(body: bytes, encoding: str | None) -> bytes:
    if not body or encoding is None:
        return body
    encoding = encoding.strip().lower()
    try:
        if encoding == "gzip":
            return zlib.decompress(body, 16 + zlib.MAX_WBITS)
        if encoding == "deflate":
            try:  # zlib-wrapped, as the RFC says; some servers send raw deflate
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)
    except zlib.error as exc:
        raise requests.exceptions.ContentDecodingError(
            f"received Content-Encoding {encoding} that did not decode: {exc}"
        ) from exc
    return body


class Transport(HTTPAdapter):
    """An ``HTTPAdapter`` that caches, per origin and settings, the pool and the URL form."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pools: dict[tuple[Any, ...], ConnectionPool] = {}
        self._full_url: dict[tuple[Any, ...], bool] = {}
        self._origins: dict[tuple[Any, ...], _Origin | None] = {}
        self._contexts: dict[bool | str, ssl.SSLContext] = {}
        self._accepts: dict[str, bool] = {}
        # Idle direct connections kept per origin, as many as urllib3 would keep.
        self._keep: int = kwargs.get("pool_maxsize", DEFAULT_POOLSIZE)
        # As urllib3 does for its pools: an adapter dropped without close() closes its sockets.
        weakref.finalize(self, _close_origins, self._origins)

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> Response:
        """Send ``request`` on a kept-alive ``http.client`` connection, or via urllib3."""
        direct = None
        timeouts = _timeouts(timeout)
        if (
            (HTTPAdapter.send is _REQUESTS_SEND or _is_requests_own(HTTPAdapter.send))
            and not stream
            and cert is None
            and timeouts is not None
            and (request.body is None or isinstance(request.body, bytes))
            and self._accepted(request.headers.get("Accept-Encoding"))
        ):
            direct = self._origin(str(request.url), verify, proxies)
        if direct is None:
            return super().send(
                request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
            )
        assert timeouts is not None
        return self._send_direct(direct, request, timeouts)

    def _accepted(self, accept_encoding: str | None) -> bool:
        if accept_encoding is None:
            return True
        known = self._accepts.get(accept_encoding)
        if known is None:
            codings = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")}
            known = self._accepts[accept_encoding] = codings <= _DECODED
        return known

    def _origin(
        self, url: str, verify: bool | str, proxies: Mapping[str, str] | None
    ) -> _Origin | None:
        """The direct-path origin for ``url`` with these settings, or ``None`` for urllib3."""
        key = (origin(url), verify, _settings_key(proxies))
        try:
            return self._origins[key]
        except KeyError:
            pass
        found = None
        split = urlsplit(url)
        scheme, host = split.scheme.lower(), split.hostname
        if host and not select_proxy(url, dict(proxies or {})) and self.max_retries.total == 0:
            if scheme == "http":
                found = _Origin(scheme, host, split.port or 80, None)
            elif scheme == "https" and verify is not False:
                context = self._context(verify)
                if context is not None:
                    found = _Origin(scheme, host, split.port or 443, context)
        self._origins[key] = found
        return found

    def _context(self, verify: bool | str) -> ssl.SSLContext | None:
        """Certificate checks as requests makes them: its CA bundle, or the given file/dir."""
        location = DEFAULT_CA_BUNDLE_PATH if verify is True else str(verify)
        if not os.path.exists(location):
            return None  # urllib3's path raises requests' own error for this
        context = self._contexts.get(verify)
        if context is None:
            if os.path.isdir(location):
                context = ssl.create_default_context(capath=location)
            else:
                context = ssl.create_default_context(cafile=location)
            self._contexts[verify] = context
        return context

    def _send_direct(
        self,
        target: _Origin,
        request: PreparedRequest,
        timeouts: tuple[float | None, float | None],
    ) -> Response:
        url = str(request.url)
        path = url[len(origin(url)) :].partition("#")[0]
        if not path.startswith("/"):
            path = "/" + path
        method = str(request.method)
        body = request.body
        headers = dict(request.headers)
        conn = target.checkout()
        reused = conn is not None
        while True:
            if conn is None:
                conn = target.connect(timeouts[0])
            sock = conn.sock
            assert sock is not None
            try:
                sock.settimeout(timeouts[1])
                conn.request(method, path, body, headers)
                answer = conn.getresponse()
            except _STALE as exc:
                conn.close()
                conn = None
                if reused and method in _RESENDABLE:
                    reused = False
                    continue
                raise requests.ConnectionError(exc, request=request) from exc
            except Exception as exc:
                conn.close()
                raise _mapped(exc, request) from exc
            break
        try:
            content = answer.read()
        except Exception as exc:
            conn.close()
            raise _mapped(exc, request) from exc
        if answer.will_close or conn.sock is None:
            conn.close()
        else:
            target.checkin(conn, self._keep)
        headers_in: CaseInsensitiveDict[str] = CaseInsensitiveDict()
        for name, value in answer.msg.items():
            previous = headers_in.get(name)
            headers_in[name] = value if previous is None else previous + ", " + value
        response = Response()
        response.status_code = answer.status
        response.headers = headers_in
        response.encoding = get_encoding_from_headers(headers_in)
        response.reason = answer.reason
        response.url = url
        response.request = request
        response.connection = self
        response.raw = answer
        response._content = _decoded(content, headers_in.get("Content-Encoding"))
        response._content_consumed = True  # type: ignore[attr-defined]
        return response

    def get_connection_with_tls_context(
        self,
        request: PreparedRequest,
        verify: bool | str | None,
        proxies: Mapping[str, str] | None = None,
        cert: tuple[str, str] | str | None = None,
    ) -> ConnectionPool:
        key = (origin(str(request.url)), verify, cert, _settings_key(proxies))
        pool = self._pools.get(key)
        # A pool the pool manager evicted or closed is closed: ask again.
        if pool is None or getattr(pool, "pool", None) is None:
            pool = super().get_connection_with_tls_context(request, verify, proxies, cert)
            self._pools[key] = pool
        return pool

    def request_url(self, request: PreparedRequest, proxies: Mapping[str, str] | None) -> str:
        url = str(request.url)
        key = (origin(url), _settings_key(proxies))
        full = self._full_url.get(key)
        if full is None:
            full = self._full_url[key] = super().request_url(request, proxies) == url
        return url if full else request.path_url

    def build_response(self, req: PreparedRequest, resp: Any) -> Response:
        # requests' own build_response, less the cookie jar.
        response = Response()
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
        """Close every kept connection, direct or pooled by urllib3."""
        _close_origins(self._origins)
        self._pools.clear()
        super().close()


def _close_origins(origins: Mapping[Any, _Origin | None]) -> None:
    for target in list(origins.values()):
        if target is not None:
            target.close()


def _mapped(exc: Exception, request: PreparedRequest) -> requests.RequestException:
    """requests' exception for what went wrong on the direct path after connecting."""
    if isinstance(exc, TimeoutError):
        return requests.ReadTimeout(exc, request=request)
    if isinstance(exc, ssl.SSLError):
        return requests.exceptions.SSLError(exc, request=request)
    # OSError and http.client's protocol errors; anything else would be a bug here, and is
    # still reported the way requests reports a failed request.
    return requests.ConnectionError(exc, request=request)
