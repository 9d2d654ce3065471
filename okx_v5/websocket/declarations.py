"""What OKX's WebSocket declarations are: hosts, limits, operations and channels.

The declarations themselves are in ``okx_v5._generated.channels``, generated from the facts in
``okx_v5/facts/websocket.json``; this module is the shape they share and the look-ups the
clients use: which channel a subscription argument names (``channel_for``), which operation an
``op`` is (``operation_for``), which site a REST domain belongs to (``site_for``), and what an
error code or close code means (``error_message``, ``close_reason``).
"""

from __future__ import annotations

import functools
from typing import Any, Literal

import attrs

from okx_v5.endpoint import DOCS_URL, RateLimit, resolve

__all__ = [
    "Book",
    "Channel",
    "ChannelArg",
    "Operation",
    "Site",
    "WsLimits",
    "WsPath",
    "channel_for",
    "close_reason",
    "error_message",
    "operation_for",
    "site_for",
]

WsPath = Literal["public", "private", "business"]
"""The three WebSocket services: ``/ws/v5/public``, ``/ws/v5/private``, ``/ws/v5/business``
(``okx_v5._generated.channels.PATHS`` maps each to its path)."""

Book = Literal["incremental", "full"]
"""How an order-book channel pushes: a snapshot then updates checked by ``seqId``/``prevSeqId``
and ``checksum`` (``"incremental"``), or whole books each time (``"full"``)."""


@attrs.frozen
class ChannelArg:
    """A subscription argument of a channel besides ``channel`` (``instId``, ``instType``...),
    with the values OKX lists for it, if it lists them."""

    name: str
    required: bool = False
    values: tuple[str, ...] = ()


@attrs.frozen
class Channel:
    """Declaration of one OKX WebSocket channel, or of a family of them (``candle``: one channel
    per bar, ``candle1H``, ``candle1Dutc``...).

    ``model_ref`` is where the typed model of the pushed ``data`` items is (``"module:Name"``,
    a REST model whose fields cover the push's; ``extra_fields`` are the pushed fields it lacks),
    or ``None`` when no REST model is close. ``one_of`` names arguments of which OKX requires
    at least one. ``vip`` is the lowest trading fee tier OKX allows, where it limits the channel.
    """

    name: str
    path: WsPath
    login: bool
    args: tuple[ChannelArg, ...] = ()
    model_ref: str | None = None
    conn_limited: bool = False
    book: Book | None = None
    family: bool = False
    docs: str = ""
    bars: tuple[str, ...] = ()
    one_of: tuple[str, ...] = ()
    vip: int | None = None
    extra_fields: tuple[str, ...] = ()

    @property
    def model(self) -> type[Any] | None:
        """The model class of the pushed ``data`` items, or ``None`` when they stay dicts."""
        return resolve(self.model_ref) if self.model_ref else None

    @property
    def docs_url(self) -> str:
        """The channel's section in OKX's documentation, or ``""``."""
        return DOCS_URL + self.docs if self.docs else ""

    def names(self) -> tuple[str, ...]:
        """The channel names this declaration covers: its own, or one per bar of a family."""
        if self.family:
            return tuple(self.name + bar for bar in self.bars)
        return (self.name,)


@attrs.frozen
class Operation:
    """Declaration of one ``op`` a client sends: the services it goes to, whether the connection
    must be logged in, the most items a batch takes (``None``: one), the model of the answer's
    ``data`` items, OKX's rate limits, whether OKX honours ``expTime`` on it, and (for
    ``login``) the method and path its signature is made of."""

    op: str
    paths: tuple[WsPath, ...]
    login: bool
    max_items: int | None = None
    docs: str = ""
    model_ref: str | None = None
    limits: tuple[RateLimit, ...] = ()
    exp_time: bool = False
    sign: tuple[str, str] | None = None

    @property
    def docs_url(self) -> str:
        """The operation's section in OKX's documentation, or ``""``."""
        return DOCS_URL + self.docs if self.docs else ""


@attrs.frozen
class Site:
    """One of OKX's sites: its REST domain and its WebSocket hosts, live and demo (``None``
    where no source names a demo host)."""

    name: str
    rest: str
    live: str
    demo: str | None = None
    deprecated: bool = False

    def url(self, path: WsPath, *, demo: bool = False) -> str:
        """The URL of one of the site's WebSocket services (``wss://ws.okx.com:8443/ws/v5/public``).

        Raises:
            ValueError: ``demo`` is asked of a site without a demo host.
        """
        from okx_v5._generated.channels import PATHS  # generated from the facts; it imports us

        host = self.demo if demo else self.live
        if host is None:
            raise ValueError(f"no source names a demo WebSocket host for OKX's {self.name} site")
        return host + PATHS[path]


@attrs.frozen
class WsLimits:
    """OKX's limits on WebSocket connections (``okx_v5._generated.channels.LIMITS``).

    ``connections_per_second`` are new connections per IP; ``requests_per_hour`` counts the
    ``subscribe``, ``unsubscribe`` and ``login`` requests of one connection; a subscribe
    request's ``args`` may be ``subscribe_args_max_kb`` KB long in all; a sub-account may have
    ``connections_per_channel`` connections to each channel marked ``conn_limited``; OKX closes
    a connection that receives nothing for ``idle_seconds`` (the client sends ``ping``, OKX
    answers ``pong``); a login's timestamp expires after ``login_expiry_seconds``; a ``notice``
    comes ``notice_seconds`` before a service upgrade closes the connection; and
    ``sub_account_orders`` is the sub-account's budget of new and amended orders, shared with
    REST.
    """

    connections_per_second: int
    requests_per_hour: int
    subscribe_args_max_kb: int
    connections_per_channel: int
    idle_seconds: int
    login_expiry_seconds: int
    notice_seconds: int
    sub_account_orders: RateLimit
    ping: str = "ping"
    pong: str = "pong"


def channel_for(name: str) -> Channel | None:
    """Return the declaration of the channel ``name`` names, or ``None`` if OKX documents none.

    A plain name is looked up as it is (``tickers``); otherwise the longest family prefix whose
    documented bars include the rest wins (``mark-price-candle1m`` is ``mark-price-candle``, not
    ``candle``; ``candle7m`` is no channel).
    """
    plain, families = _channel_index()
    found = plain.get(name)
    if found is not None:
        return found
    for family in families:
        if name.startswith(family.name) and name[len(family.name) :] in family.bars:
            return family
    return None


def operation_for(op: str) -> Operation | None:
    """Return the declaration of the operation ``op`` (``batch-orders``), or ``None``."""
    from okx_v5._generated.channels import OPERATIONS  # generated from the facts; it imports us

    return next((operation for operation in OPERATIONS if operation.op == op), None)


def site_for(domain: str) -> Site | None:
    """Return the site whose REST domain is ``domain`` (python-okx's ``domain`` argument,
    ``https://www.okx.com``; a trailing ``/`` is ignored), or ``None``."""
    from okx_v5._generated.channels import SITES  # generated from the facts; it imports us

    wanted = domain.rstrip("/").lower()
    return next((site for site in SITES if site.rest == wanted), None)


def error_message(code: str | int) -> str:
    """Return OKX's message for a WebSocket error code (``60012`` → ``"Invalid request"``), or
    ``""`` for a code OKX does not document as a WebSocket error."""
    from okx_v5._generated.channels import ERRORS  # generated from the facts; it imports us

    return ERRORS.get(str(code), "")


def close_reason(code: int) -> str:
    """Return OKX's reason for a close frame's status code (``4004`` → ``"No data received in
    30s"``), or ``""`` for a code OKX does not document."""
    from okx_v5._generated.channels import CLOSE_CODES  # generated from the facts; it imports us

    return CLOSE_CODES.get(code, "")


@functools.cache
def _channel_index() -> tuple[dict[str, Channel], tuple[Channel, ...]]:
    """The plain channels by name, and the families longest prefix first."""
    from okx_v5._generated.channels import CHANNELS  # generated from the facts; it imports us

    plain = {channel.name: channel for channel in CHANNELS if not channel.family}
    families = sorted(
        (channel for channel in CHANNELS if channel.family), key=lambda channel: -len(channel.name)
    )
    return plain, tuple(families)
