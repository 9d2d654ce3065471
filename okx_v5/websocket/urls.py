"""Where a stream connects: from the REST ``domain`` and ``flag`` (or a given ``url``) to the
WebSocket URL of each OKX path, and the handshake headers that go with it.

OKX's own REST hosts map to OKX's documented WebSocket hosts, production or demo by the flag.
Any other domain (a local ``FakeOKX``, a proxy) maps to ``ws://``/``wss://`` on the same host
and port, and the flag travels as the ``x-simulated-trading`` handshake header, as on REST.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from .. import consts
from .._generated.channels import SITES
from ..checks import ENVIRONMENT, okx_domain, warn_redirect
from ..exceptions import OkxParamsException
from ..redaction import redact_url

__all__ = ["StreamHost", "check_url", "okx_stream_host", "redirect_url", "stream_host"]

_PATH_PREFIX = "/ws/v5"


class StreamHost:
    """The WebSocket base of a client and the headers of its handshakes."""

    __slots__ = ("base", "headers")

    def __init__(self, base: str, headers: Mapping[str, str]) -> None:
        self.base = base.rstrip("/")
        self.headers = dict(headers)

    def url(self, path: str) -> str:
        """The URL of OKX path ``path`` (``/ws/v5/public``)."""
        return self.base + path

    def __repr__(self) -> str:
        return f"StreamHost({redact_url(self.base)!r})"


def okx_stream_host(host: str, flag: str) -> str | None:
    """OKX's WebSocket base for REST host ``host`` and ``flag``, or ``None`` if not OKX's.

    Raises ``OkxParamsException`` for demo trading on a site with no documented demo host.
    """
    for site in SITES:
        if host == urlsplit(site.rest).hostname:
            demo = flag == consts.DEMO_TRADING
            base = site.demo if demo else site.live
            if base is None:
                raise OkxParamsException(
                    f"OKX documents no demo-trading WebSocket host for {site.rest}; use "
                    "flag='0', or give the host with url=",
                    param="flag",
                    value=flag,
                )
            return base
    return None


def _is_okx_stream_host(host: str) -> str | None:
    """The flag an OKX WebSocket host stands for (``"1"`` for a demo host), else ``None``."""
    for site in SITES:
        for flag, base in ((consts.LIVE_TRADING, site.live), (consts.DEMO_TRADING, site.demo)):
            if base and urlsplit(base).hostname == host:
                return flag
    return None


def stream_host(domain: str, flag: str, url: str | None = None) -> StreamHost:
    """Where a client of REST ``domain`` (checked, ``OKX_DOMAIN`` applied) with ``flag`` streams
    from; ``url`` (checked by ``check_url``) wins when given."""
    if url is not None:
        host = urlsplit(url).hostname or ""
        known = _is_okx_stream_host(host)
        return StreamHost(url, {} if known else {consts.SIMULATED_TRADING: flag})
    split = urlsplit(domain)
    okx = okx_stream_host(split.hostname or "", flag)
    if okx is not None and not split.path.strip("/"):
        return StreamHost(okx, {})
    scheme = "wss" if split.scheme == "https" else "ws"
    return StreamHost(f"{scheme}://{split.netloc}{split.path}", {consts.SIMULATED_TRADING: flag})


def check_url(url: object) -> str:
    """Return ``url`` (a ``ws://`` or ``wss://`` base URL) without a trailing slash, or raise."""
    base = url.strip().rstrip("/") if isinstance(url, str) else ""
    shown = redact_url(url) if isinstance(url, str) else url
    try:
        split = urlsplit(base)
        split.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        split = None
    good = (
        split is not None
        and split.scheme in ("ws", "wss")
        and bool(split.hostname)
        and not (split.query or split.fragment)
    )
    if good and _PATH_PREFIX in split.path:  # type: ignore[union-attr]
        raise OkxParamsException(
            f"url is {shown!r}; give the base URL without the {_PATH_PREFIX}/... path (each "
            f"channel's path is added to it): use {redact_url(base.split(_PATH_PREFIX)[0])!r}",
            param="url",
            value=shown,
            allowed="ws:// or wss:// base URL",
        )
    if not good:
        raise OkxParamsException(
            f"url is {shown!r}; a ws:// or wss:// base URL such as wss://ws.okx.com:8443 is "
            "required",
            param="url",
            value=shown,
            allowed="ws:// or wss:// base URL",
        )
    return base


def redirect_url(url: str) -> tuple[str, dict[str, str]]:
    """python-okx's full WebSocket ``url`` and its handshake headers, as okx_v5 connects.

    With ``OKX_DOMAIN`` set, a URL on one of OKX's WebSocket hosts goes to that domain's
    streams instead (same path and query), as every REST client built for OKX's host does;
    the host's environment (``wspap`` is demo) travels as ``x-simulated-trading``. A URL on any
    other host is used as given, with the flag of ``OKX_FLAG`` (demo when unset).
    """
    split = urlsplit(url)
    flag = _is_okx_stream_host(split.hostname or "")
    if flag is None:
        given = os.environ.get(ENVIRONMENT["flag"], "").strip()
        return url, {consts.SIMULATED_TRADING: given or consts.DEMO_TRADING}
    domain = okx_domain()
    if domain is None:
        return url, {}
    target = stream_host(domain, flag)
    if target.base != f"{split.scheme}://{split.netloc}":
        warn_redirect(split.netloc, target.base)
    rest = split.path + (f"?{split.query}" if split.query else "")
    return target.base + rest, target.headers
