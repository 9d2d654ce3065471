"""Where each push of a stream goes: the subscriptions of a client and their destinations.

A ``Route`` is one subscription: its ``arg``, and whether its pushes go to a callback, to a local
order book or to the iterator. ``Routes`` finds the route of a push by its ``arg``: the same dict as
subscribed, or one OKX added fields to (the ``uid`` of a private channel). What it found is
remembered, by the ``arg`` and by the raw text OKX writes it as, so that the next push of a
subscription is routed without reading its JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .declarations import WsPath, channel_for

if TYPE_CHECKING:
    from .book import OrderBook
    from .messages import WsMessage

__all__ = ["Route", "Routes", "raw_arg"]

_PUSH = b'{"arg":'


def raw_arg(payload: bytes) -> bytes | None:
    """The ``arg`` of a push as OKX wrote it (``{"channel":...}``), or ``None`` when
    ``payload`` does not begin with it."""
    if not payload.startswith(_PUSH):
        return None
    return payload[7 : payload.find(b"}", 7) + 1]


@attrs.define
class Route:
    """Where the pushes of one subscription go: a callback, a book, or the iterator."""

    path: WsPath
    arg: dict[str, Any]
    callback: Callable[[WsMessage], object] | None = None
    book: OrderBook | None = None
    model: type[Any] | None = None
    """The class of the pushes' typed items (from the channel's declaration)."""
    resyncing: bool = False
    """Whether the book waits for a new snapshot (updates until then are dropped)."""

    @classmethod
    def to(
        cls,
        path: WsPath,
        arg: dict[str, Any],
        callback: Callable[[WsMessage], object] | None = None,
        book: OrderBook | None = None,
    ) -> Route:
        """The route of ``arg``, its model that of the channel OKX documents."""
        declared = channel_for(str(arg.get("channel", "")))
        return cls(path, arg, callback, book, declared.model if declared is not None else None)

    @property
    def iterated(self) -> bool:
        """Whether the pushes go to the iterator (not to a callback or a book)."""
        return self.callback is None and self.book is None

    def matches(self, arg: Mapping[str, Any]) -> bool:
        """Whether a push with ``arg`` belongs here (OKX may add fields, such as ``uid``)."""
        return all(arg.get(name) == value for name, value in self.arg.items())


class Routes:
    """A client's routes, by channel; used on the client's loop thread only."""

    def __init__(self) -> None:
        self._by_channel: dict[str, list[Route]] = {}
        self._found: dict[tuple[tuple[str, Any], ...], Route | None] = {}
        self._raw: dict[bytes, Route] = {}

    def add(self, route: Route) -> None:
        """Add ``route``, in place of the one of the same ``arg`` if any."""
        self.remove(route.arg)
        self._by_channel.setdefault(str(route.arg["channel"]), []).append(route)

    def remove(self, arg: Mapping[str, Any]) -> None:
        """Forget the route of ``arg`` (nothing if there is none)."""
        routes = self._by_channel.get(str(arg.get("channel")))
        if routes:
            routes[:] = [route for route in routes if route.arg != arg]
        self._found.clear()
        self._raw.clear()

    def of(self, arg: Mapping[str, Any], raw: bytes | None = None) -> Route | None:
        """The route of a push whose ``arg`` is this (written ``raw`` by OKX, if known)."""
        key = tuple(arg.items())
        try:
            found = self._found[key]
        except KeyError:
            found = self._find(arg)
            self._found[key] = found
        except TypeError:  # an unhashable value: look it up the long way, every time
            found = self._find(arg)
        if raw is not None and found is not None and found.iterated:
            self._raw[raw] = found
        return found

    def _find(self, arg: Mapping[str, Any]) -> Route | None:
        routes = self._by_channel.get(str(arg.get("channel")), ())
        return next((route for route in routes if route.matches(arg)), None)

    def iterated(self, raw: bytes) -> Route | None:
        """The iterator's route of a push whose ``arg`` OKX wrote ``raw``, if seen before."""
        return self._raw.get(raw)

    def on(self, path: WsPath) -> list[Route]:
        """The routes of the channels of ``path``."""
        return [route for route in self if route.path == path]

    def held(self, channel: str, path: WsPath) -> bool:
        """Whether a route of ``channel`` on ``path`` remains."""
        return any(route.path == path for route in self._by_channel.get(channel, ()))

    def __iter__(self) -> Iterator[Route]:
        for routes in self._by_channel.values():
            yield from routes
