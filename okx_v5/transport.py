"""The HTTP transport: a requests adapter that decides once what requests decides every call.

``requests`` looks up the connection pool (proxy selection, URL parsing, pool-key building),
works out whether to send a full URL or a path (proxy selection and URL parsing again) and
copies the answer's cookies into a jar, on every call. For one client talking to one host with
fixed settings those answers never change, so :class:`Transport` keeps them per origin and
skips the cookie jar (the client never sends cookies). Sending still goes through
``HTTPAdapter.send``, so everything that hooks it (``responses``, retries) sees every call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3.connectionpool import ConnectionPool

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


class Transport(HTTPAdapter):
    """An ``HTTPAdapter`` that caches, per origin and settings, the pool and the URL form."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._pools: dict[tuple[Any, ...], ConnectionPool] = {}
        self._full_url: dict[tuple[Any, ...], bool] = {}

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
        self._pools.clear()
        super().close()
