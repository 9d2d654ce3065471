"""What a stream hands out: OKX's pushed JSON as a dict with typed ``data``, and the queue
the iterator reads it from."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

import orjson

from ..converter import StructureError, structure_items
from ..endpoint import resolve
from ..exceptions import OkxResponseException, excerpt

__all__ = ["Inbox", "MessageIterator", "WsMessage"]

logger = logging.getLogger("okx_v5.websocket")


class WsMessage(dict[str, Any]):
    """One message OKX pushed, exactly as OKX sent it, with typed attributes.

    ``msg["data"][0]["last"]`` works as on the raw JSON; ``msg.data`` gives the same items as
    typed attrs objects (``Decimal`` prices, ``int`` millisecond times) where okx_v5 knows the
    channel's fields, else as they came. ``msg.channel``, ``msg.arg``, ``msg.action`` and
    ``msg.event`` read the envelope. The client's own events (``{"event": "reconnected",
    "path": ..., "gap": seconds}``) are ``WsMessage`` objects too.
    """

    # No __init__ of its own: a push becomes a WsMessage at dict's speed, the hot path of a
    # stream; the model is set after (see typed), the items on first access.
    __slots__ = ("_items", "_model")
    _items: list[Any] | None
    _model: type[Any] | str | None

    @classmethod
    def typed(cls, payload: dict[str, Any], model: type[Any] | str | None) -> WsMessage:
        """``payload`` as a message whose ``data`` items are read as ``model`` (a class, or
        ``"module:Name"``)."""
        message = cls(payload)
        message._model = model
        message._items = None
        return message

    @property
    def arg(self) -> dict[str, Any]:
        """The channel and its arguments this push belongs to (``{}`` for an event)."""
        arg = self.get("arg")
        return arg if isinstance(arg, dict) else {}

    @property
    def channel(self) -> str:
        """The channel name (``"tickers"``), or ``""`` for an event."""
        return str(self.arg.get("channel", ""))

    @property
    def action(self) -> str | None:
        """``"snapshot"`` or ``"update"`` for order book pushes, else ``None``."""
        action = self.get("action")
        return None if action is None else str(action)

    @property
    def event(self) -> str | None:
        """The event of a non-data message (``"reconnected"``, ``"notice"``), else ``None``."""
        event = self.get("event")
        return None if event is None else str(event)

    @property
    def model(self) -> type[Any] | None:
        """The class of the typed items, or ``None`` when the channel is not typed."""
        try:
            model = self._model
        except AttributeError:
            return None
        if isinstance(model, str):
            model = self._model = _model_of(model)
        return model

    @property
    def data(self) -> list[Any]:
        """The ``data`` items, typed (structured once, on first access).

        Raises ``OkxResponseException`` naming the item and field when an item does not fit its
        model.
        """
        try:
            items = self._items
        except AttributeError:  # built without typed() or the stream's reader
            items = None
        if items is not None:
            return items
        data = self.get("data", [])
        model = self.model
        try:
            if model is None:
                if not isinstance(data, list):
                    raise StructureError(f"data is {type(data).__name__}, not a list")
                items = data
            else:
                items = structure_items(data, model)
        except StructureError as bad:
            raise OkxResponseException(
                f"malformed push on {self.channel or 'a stream'}: {bad}",
                method="WS",
                path=self.channel,
            ) from None
        self._items = items
        return items

    def __repr__(self) -> str:
        return f"WsMessage({dict.__repr__(self)})"


_models: dict[str, Any] = {}


def _model_of(ref: str) -> Any:
    """The model class ``ref`` (``"module:Name"``) names, imported once."""
    model = _models.get(ref)
    if model is None:
        model = _models[ref] = resolve(ref)
    return model


_CLOSED = object()


class Inbox:
    """A thread-safe queue of messages (and exceptions to raise) for the iterator's readers.

    The loop thread puts, any number of reader threads take; each item goes to exactly one
    reader. At most ``maxsize`` items wait: beyond that the oldest is dropped, with a warning,
    so that a stream nobody reads cannot fill the memory.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.dropped = 0
        """How many messages were dropped because nobody read them in time."""
        self._items: deque[Any] = deque()
        self._ready = threading.Condition(threading.Lock())
        self._closed = False

    def put(self, item: WsMessage | BaseException) -> None:
        """Add ``item`` for the next reader (a ``BaseException`` is raised by the reader)."""
        with self._ready:
            if self._closed:
                return
            items = self._items
            items.append(item)
            if len(items) > self.maxsize:
                items.popleft()
                self._dropped(1)
            self._ready.notify()

    def put_many(self, items: list[Any]) -> None:
        """Add ``items`` in order (one wake-up for all of them)."""
        with self._ready:
            if self._closed:
                return
            self._items.extend(items)
            excess = len(self._items) - self.maxsize
            if excess > 0:
                for _ in range(excess):
                    self._items.popleft()
                self._dropped(excess)
            self._ready.notify(len(items))

    def _dropped(self, count: int) -> None:
        before = self.dropped
        self.dropped += count
        if before == 0 or before // 10_000 != self.dropped // 10_000:
            logger.warning(
                "stream readers are too slow: %d messages dropped so far (the oldest are "
                "dropped beyond %d waiting)",
                self.dropped,
                self.maxsize,
            )

    def get(self, timeout: float | None) -> Any:
        """The next item; ``_CLOSED`` once closed, ``None`` after ``timeout`` s without one."""
        with self._ready:
            if self._closed:
                return _CLOSED
            if not self._items:
                deadline = None if timeout is None else time.monotonic() + timeout
                while not self._items and not self._closed:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        return None
                    self._ready.wait(left)
                if self._closed:
                    return _CLOSED
            return self._items.popleft()

    def take(self, into: deque[Any], most: int, timeout: float | None) -> Any:
        """Like ``get``, and move up to ``most - 1`` more waiting items to ``into`` (the readers'
        shared buffer): an item already there is handed out first, so that no reader gets a newer
        one while an older waits."""
        with self._ready:
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                if self._closed:
                    return _CLOSED
                if into:
                    return into.popleft()
                items = self._items
                if items:
                    item = items.popleft()
                    for _ in range(min(most - 1, len(items))):
                        into.append(items.popleft())
                    return item
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self._ready.wait(left)

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called."""
        return self._closed

    def close(self) -> None:
        """Wake every reader; nothing more is handed out."""
        with self._ready:
            self._closed = True
            self._items.clear()
            self._ready.notify_all()

    def __len__(self) -> int:
        return len(self._items)


class MessageIterator(Iterator[WsMessage]):
    """Iterates over a client's messages; safe to share between threads (each message goes to
    one of them). Ends after ``timeout`` seconds without a message (never, for ``None``) or when
    the client is closed; an error OKX pushed is raised from ``next()``."""

    _BATCH = 64
    """Messages taken from the inbox at once (one lock for all of them)."""

    def __init__(self, inbox: Inbox, timeout: float | None) -> None:
        self._inbox = inbox
        self._timeout = timeout
        self._taken: deque[Any] = deque()

    def __iter__(self) -> MessageIterator:
        return self

    def __next__(self) -> WsMessage:
        try:
            item = self._taken.popleft()  # atomic: readers on several threads share the deque
        except IndexError:
            item = self._inbox.take(self._taken, self._BATCH, self._timeout)
        else:
            if self._inbox.closed:
                self._taken.clear()
                item = _CLOSED
        if item.__class__ is tuple:  # a push as it came (bytes, model): read it here
            return _read(*item)
        if item is None or item is _CLOSED:
            raise StopIteration
        if isinstance(item, BaseException):
            raise item
        return item  # type: ignore[no-any-return]


def _read(payload: bytes, model: type[Any] | None) -> WsMessage:
    """A push's JSON (UTF-8 bytes) as a message typed by ``model``."""
    try:
        message = WsMessage(orjson.loads(payload))
    except (orjson.JSONDecodeError, TypeError, ValueError):
        raise OkxResponseException(
            f"OKX pushed a message that is not a JSON object: {excerpt(payload)!r}",
            body=excerpt(payload),
            method="WS",
        ) from None
    message._model = model
    message._items = None
    return message
