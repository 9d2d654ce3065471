"""The synchronous stream client: OKX's WebSocket channels for code that is not asyncio.

A client keeps one ``Link`` per OKX path it needs (public, business, private), all on one event loop
on the client's own thread (``LoopThread``). The user's threads call ``WsPublic.subscribe`` and read
``WsPublic.messages``; callbacks run on a second thread of the client (``Dispatcher``), so a slow
callback never delays a ping or a reconnect.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import itertools
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

import attrs
import orjson

from .. import consts
from .._generated.channels import PATHS
from ..checks import (
    DEFAULT_REGION,
    ENVIRONMENT,
    Region,
    check_domain,
    check_flag,
    check_proxy,
    check_region,
    env_region,
    redirect_domain,
)
from ..exceptions import (
    OkxException,
    OkxParamsException,
    OkxResponseException,
    OkxTimeoutException,
    OkxWebSocketException,
    excerpt,
)
from ..redaction import redact_url
from .book import BookOutOfSync, OrderBook
from .checks import check_args, check_callable, check_count, check_seconds, is_number
from .declarations import WsPath, channel_for, error_message
from .dispatch import Dispatcher
from .link import Link, LoginRefused, Timers, arg_key, batches
from .loop import LoopThread
from .messages import Inbox, MessageIterator, WsMessage
from .routes import Route, Routes, raw_arg
from .urls import check_url, stream_host

if TYPE_CHECKING:
    import ssl

    from typing_extensions import Self

__all__ = ["Callback", "ErrorCallback", "StreamOptions", "WsPublic"]

logger = logging.getLogger("okx_v5.websocket")

Callback = Callable[[WsMessage], object]
"""Receives each message of the channels it was subscribed with."""
ErrorCallback = Callable[[OkxException], object]
"""Receives each error OKX pushes (and each refused resubscription) in callback style."""

DEFAULT_QUEUE = 100_000
"""Messages that may wait for the iterator's readers before the oldest are dropped."""


class StreamOptions(TypedDict, total=False):
    """The keyword options of every stream client (see ``WsPublic``)."""

    url: str | None
    ping_interval: float
    pong_timeout: float
    reconnect_backoff: float
    reconnect_backoff_max: float
    timeout: float
    on_error: ErrorCallback | None
    ssl_context: ssl.SSLContext | None
    max_queue: int
    region: Region


@attrs.define
class _Waiter:
    """A request waiting for OKX's answers: a subscribe (one ack per arg) or an operation."""

    path: WsPath
    op: str
    future: asyncio.Future[Any]
    remaining: int = 1
    args: list[dict[str, Any]] = attrs.Factory(list)


class WsPublic:
    """OKX's public WebSocket channels, synchronously: subscribe, then iterate or call back.

    ::

        with WsPublic() as ws:
            ws.subscribe([{"channel": "tickers", "instId": "BTC-USDT"}])
            for msg in ws.messages(timeout=30):
                print(msg["data"][0]["last"], msg.data[0].last)

    The connections heal themselves: OKX's text ``ping`` after ``ping_interval`` seconds of
    silence, a reconnect with jittered backoff after any drop (within OKX's 3 attempts per
    second), every channel subscribed again, and one ``{"event": "reconnected", "path": ...,
    "gap": seconds}`` message in the stream (and to the callbacks) per reconnect, so that a bot
    knows to reconcile over REST.

    Args:
        flag: ``'0'`` production, ``'1'`` demo trading.
        domain: the REST base URL the streams belong to: OKX's hosts map to OKX's WebSocket
            hosts (production or demo by ``flag``); any other host (a local ``FakeOKX``, a
            proxy) to ``ws://``/``wss://`` on the same host and port. ``region`` and
            ``OKX_DOMAIN`` apply as for the REST clients.
        debug: log every request sent and every connection event on the ``okx_v5`` logger
            (logins redacted).
        proxy: a proxy URL for the connections (``http://``, ``socks5://``); the
            environment's (``HTTPS_PROXY``, ``NO_PROXY``) when not given.
        url: the WebSocket base (``wss://host:port``) instead of the one ``domain`` gives.
        ping_interval: seconds of silence before the text ``ping`` (default 25).
        pong_timeout: seconds to wait for an answer to it before the connection counts as
            dead (default 5).
        reconnect_backoff: the first reconnect delay in seconds; it doubles after each failed
            attempt, with jitter, up to ``reconnect_backoff_max`` (default 30).
        timeout: seconds ``subscribe()``, ``unsubscribe()`` and the order methods wait for
            OKX's answer (and for a connection) before raising ``OkxTimeoutException``.
        on_error: called on the callback thread with each error OKX pushes outside an answer
            to a call (an ``OkxException``); without it such errors are raised by the iterator.
        ssl_context: the TLS context of ``wss://`` connections (default: certifi's CAs).
        max_queue: messages that may wait for the iterator before the oldest are dropped.
        region: the OKX site the API key was created on, as for the REST clients:
            ``"global"`` (default), ``"eea"`` or ``"us"``; its WebSocket hosts, production or
            demo by ``flag``, are used. A ``domain`` or ``url`` given wins.

    Raises:
        OkxParamsException: an argument cannot be right.
    """

    _has_key = False

    def __init__(
        self,
        flag: str | int = "1",
        domain: str = consts.API_URL,
        debug: bool = False,
        proxy: str | None = None,
        *,
        url: str | None = None,
        ping_interval: float = 25.0,
        pong_timeout: float = 5.0,
        reconnect_backoff: float = 1.0,
        reconnect_backoff_max: float = 30.0,
        timeout: float = 10.0,
        on_error: ErrorCallback | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_queue: int = DEFAULT_QUEUE,
        region: Region = DEFAULT_REGION,
    ) -> None:
        self.flag = check_flag(flag)
        self.region: Region = check_region(region)
        self.domain = redirect_domain(check_domain(domain), self.region)
        self.proxy = check_proxy(proxy)
        self.debug = debug
        self.url = None if url is None else check_url(url)
        self.timers = Timers(
            ping_interval=check_seconds("ping_interval", ping_interval),
            pong_timeout=check_seconds("pong_timeout", pong_timeout),
            reconnect_backoff=check_seconds("reconnect_backoff", reconnect_backoff),
            reconnect_backoff_max=check_seconds("reconnect_backoff_max", reconnect_backoff_max),
            open_timeout=check_seconds("timeout", timeout),
            answer_timeout=check_seconds("timeout", timeout),
        )
        self.timeout = self.timers.answer_timeout
        self.on_error = check_callable("on_error", on_error)
        self._host = stream_host(self.domain, self.flag, self.url)
        self._ssl = ssl_context
        name = f"okx_v5 {type(self).__name__}"
        self._loop = LoopThread(name)
        self._dispatcher = Dispatcher(name + " callbacks")
        self._inbox = Inbox(check_count("max_queue", max_queue))
        self._links: dict[WsPath, Link] = {}
        self._to_inbox: list[Any] = []
        self._to_callbacks: list[tuple[Callable[[Any], object], object]] = []
        self._loop_now: asyncio.AbstractEventLoop = None  # type: ignore[assignment]  # set on start
        self._routes = Routes()
        self._waiting: dict[str, _Waiter] = {}
        self._books: dict[tuple[str, str], OrderBook] = {}
        self._ids = itertools.count(1)
        self._closed = False
        if debug:
            from ..okxclient import _ensure_debug_output

            _ensure_debug_output()

    @classmethod
    def from_env(cls, **kwargs: Any) -> Self:
        """Return a client configured from ``OKX_FLAG`` (demo when unset), ``OKX_REGION``
        (``global`` when unset) and ``OKX_DOMAIN`` (and, for ``WsPrivate``, ``OKX_API_KEY``,
        ``OKX_API_SECRET``, ``OKX_PASSPHRASE``); ``kwargs`` override them."""
        settings: dict[str, Any] = {
            arg: os.environ.get(variable) or (consts.DEMO_TRADING if arg == "flag" else "-1")
            for arg, variable in ENVIRONMENT.items()
            if arg not in ("domain", "region") and (cls._has_key or arg == "flag")
        }
        region = env_region()
        if region is not None:
            settings["region"] = region
        settings.update(kwargs)
        return cls(**settings)

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close every connection and end the client's threads (within a second); an
        iteration in progress ends without yielding more. Closing twice does nothing."""
        if self._closed:
            return
        self._closed = True
        self._inbox.close()
        self._dispatcher.stop(0.2)
        for book in list(self._books.values()):
            book.reset()
        self._loop.stop(self._close_links(), timeout=0.7)

    async def _close_links(self) -> None:
        links = list(self._links.values())
        await asyncio.gather(*(link.close() for link in links), return_exceptions=True)
        for waiter in self._waiting.values():
            if not waiter.future.done():
                waiter.future.set_exception(self._closed_error())
        self._waiting.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if getattr(self, "_closed", True) else "open"
        return f"{type(self).__name__}({', '.join([*self._repr_fields(), state])})"

    def _repr_fields(self) -> list[str]:
        # getattr throughout: a client whose constructor raised is shown too
        host = getattr(self, "_host", None)
        base = None if host is None else redact_url(host.base)
        return [repr(base), f"flag={getattr(self, 'flag', None)!r}"]

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called."""
        return self._closed

    # -- the user's calls --------------------------------------------------------------------

    def subscribe(
        self,
        args: Sequence[Mapping[str, Any]] | Mapping[str, Any],
        callback: Callback | None = None,
        *,
        timeout: float | None = None,
    ) -> None:
        """Subscribe to the channels ``args`` (OKX's list, e.g. ``[{"channel": "tickers",
        "instId": "BTC-USDT"}]``) and return once OKX acknowledged each of them.

        Their messages go to ``callback`` (run on the client's callback thread) when given, else to
        ``messages``. Each channel goes to the path OKX documents for it, as few requests as OKX's
        64 KB limit allows. Subscribing to a channel again replaces where its messages go.

        Raises:
            OkxParamsException: ``args`` are not channel dicts, or lack an argument OKX
                requires for the channel; nothing was sent.
            OkxWebSocketException: OKX refused a subscription (its code and message).
            OkxTimeoutException: no connection or answer within ``timeout`` seconds (default:
                the client's); the subscription stays registered and is made when the
                connection comes back.
        """
        items = self._checked_args(args, "subscribe")
        self._run(self._subscribe(items, check_callable("callback", callback), None, timeout))

    def unsubscribe(
        self, args: Sequence[Mapping[str, Any]] | Mapping[str, Any], *, timeout: float | None = None
    ) -> None:
        """Unsubscribe from the channels ``args``; no more of their messages are handed out."""
        items = self._checked_args(args, "unsubscribe")
        self._run(self._unsubscribe(items, timeout))

    def messages(self, timeout: float | None = 30.0) -> MessageIterator:
        """Iterate over the messages of the channels subscribed without a callback.

        The iteration ends when ``timeout`` seconds pass without a message (``None``: never)
        or when the client is closed. Several threads may share one iterator; each message
        goes to one of them. An error OKX pushes (or a refused resubscription) is raised
        here as an ``OkxWebSocketException``.
        """
        if timeout is not None and not (is_number(timeout) and timeout >= 0):
            raise OkxParamsException(
                f"timeout is {timeout!r}; a number of seconds >= 0, or None, is required",
                param="timeout",
                value=timeout,
                allowed="seconds >= 0, or None",
            )
        return MessageIterator(self._inbox, timeout)

    def order_book(
        self, inst_id: str, channel: str = "books", *, timeout: float | None = None
    ) -> OrderBook:
        """Return a local order book of ``inst_id`` kept current from ``channel`` (``books``,
        ``books5``, ``bbo-tbt``, ``books-l2-tbt``, ``books50-l2-tbt``).

        The book is checked on every update (``seqId``/``prevSeqId``, and OKX's checksum when
        it is not 0); on a gap or a mismatch the client resubscribes and rebuilds it, and logs
        a warning. ``book.wait(timeout)`` blocks until the first snapshot. Asking again for the
        same book returns the same object.
        """
        if not isinstance(inst_id, str) or not inst_id.strip():
            raise OkxParamsException(
                f"order_book: inst_id is {inst_id!r}; an instrument ID such as 'BTC-USDT' is "
                "required",
                method="order_book",
                param="instId",
                value=inst_id,
            )
        declared = channel_for(channel) if isinstance(channel, str) else None
        if declared is None or declared.book is None:
            raise OkxParamsException(
                f"order_book: channel is {channel!r}; an order book channel is required",
                method="order_book",
                param="channel",
                value=channel,
                allowed="books, books5, bbo-tbt, books-l2-tbt, books50-l2-tbt",
            )
        key = (channel, inst_id)
        book = self._books.get(key)
        if book is None:
            book = self._books[key] = OrderBook(inst_id, channel)
        arg = {"channel": channel, "instId": inst_id}
        self._run(self._subscribe([arg], None, book, timeout))
        return book

    # -- on the loop -------------------------------------------------------------------------

    def _checked_args(
        self, args: Sequence[Mapping[str, Any]] | Mapping[str, Any], op: str
    ) -> list[dict[str, Any]]:
        if self._closed:
            raise OkxParamsException(f"{op}: the client is closed", method=op)
        return check_args(args, op, logged_in=self._has_key)

    def _run(self, coro: Any) -> Any:
        """Run ``coro`` on the client's loop and return its result in the calling thread."""
        if self._loop.in_loop():
            coro.close()
            raise RuntimeError(
                "a stream client's blocking calls cannot be made from its own callbacks; "
                "call them from another thread"
            )
        future = self._loop.submit(coro)
        try:
            return future.result()
        except concurrent.futures.CancelledError:
            raise self._closed_error() from None
        except BaseException:
            future.cancel()
            raise

    def _closed_error(self) -> OkxException:
        return OkxParamsException("the stream client was closed", method="close")

    def _path_of(self, arg: Mapping[str, Any]) -> WsPath:
        declared = channel_for(str(arg["channel"]))
        return declared.path if declared is not None else "public"

    def _link(self, path: WsPath) -> Link:
        link = self._links.get(path)
        if link is not None and not link.closed:
            return link
        self._loop_now = asyncio.get_running_loop()
        link = self._new_link(path)
        link.on_message = functools.partial(self._on_message, path)
        link.on_lost = functools.partial(self._on_lost, path)
        link.on_reconnected = functools.partial(self._on_reconnected, path)
        self._links[path] = link
        link.start()
        return link

    def _new_link(self, path: WsPath) -> Link:
        return Link(
            self._host.url(PATHS[path]),
            path=PATHS[path],
            headers=self._host.headers,
            timers=self.timers,
            proxy=self._proxy_for(),
            ssl=self._ssl,
        )

    def _proxy_for(self) -> str | bool | None:
        if self.proxy:
            return self.proxy
        from ..checks import is_plain_loopback_http

        # A local server (FakeOKX) is never reached through the environment's proxy.
        http_base = self._host.base.replace("ws", "http", 1)
        return None if is_plain_loopback_http(http_base.replace("https", "http", 1)) else True

    async def _ready(self, link: Link, path: WsPath, deadline: float) -> None:
        """Wait until ``link`` is connected, or raise why it is not."""
        if link.connected:
            return
        loop = asyncio.get_running_loop()
        waiting = loop.create_task(link.ready.wait())
        watched: set[asyncio.Future[Any]] = {waiting}
        if link.task is not None:
            watched.add(link.task)
        try:
            await asyncio.wait(
                watched, timeout=max(0.0, deadline - loop.time()), return_when="FIRST_COMPLETED"
            )
        finally:
            waiting.cancel()
        if link.connected:
            return
        if isinstance(link.failure, LoginRefused):
            raise self._error(path, _load(link.failure.text.encode()) or {}, "login")
        reason = f": {link.failure}" if link.failure is not None else ""
        raise OkxTimeoutException(
            f"no connection to {redact_url(link.url)} within {self.timeout:g} s{reason}; it is "
            "retried in the background",
            method="WS",
            path=link.path,
            sent=False,
        )

    async def _subscribe(
        self,
        items: list[dict[str, Any]],
        callback: Callback | None,
        book: OrderBook | None,
        timeout: float | None,
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout if timeout is None else timeout)
        groups: dict[WsPath, list[dict[str, Any]]] = {}
        for arg in items:
            groups.setdefault(self._path_of(arg), []).append(arg)
        waiters: list[tuple[str, _Waiter]] = []
        for path, args in groups.items():
            link = self._link(path)
            for arg in args:
                self._routes.add(Route.to(path, arg, callback, book))
            try:
                await self._ready(link, path, deadline)
            except OkxTimeoutException:
                link.remember("subscribe", args)  # made when the connection comes
                raise
            for batch in batches(args):
                waiters.extend(await self._request(link, path, "subscribe", batch))
        await self._answers(waiters, deadline)

    async def _unsubscribe(self, items: list[dict[str, Any]], timeout: float | None) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout if timeout is None else timeout)
        waiters: list[tuple[str, _Waiter]] = []
        for arg in items:
            self._routes.remove(arg)
        for path in {self._path_of(arg) for arg in items}:
            link = self._links.get(path)
            if link is None or link.closed:
                continue
            args = [arg for arg in items if self._path_of(arg) == path]
            for batch in batches(args):
                waiters.extend(await self._request(link, path, "unsubscribe", batch))
        await self._answers(waiters, deadline)

    async def _request(
        self, link: Link, path: WsPath, op: str, args: list[dict[str, Any]]
    ) -> list[tuple[str, _Waiter]]:
        """Send one subscribe/unsubscribe request; the waiter of its acks, if it went out now."""
        request_id = self._next_id()
        future = asyncio.get_running_loop().create_future()
        waiter = _Waiter(path, op, future, remaining=len(args), args=args)
        self._waiting[request_id] = waiter
        frame = json.dumps({"id": request_id, "op": op, "args": args}, allow_nan=False)
        try:
            sent = await link.send(frame)
        except BaseException:
            self._waiting.pop(request_id, None)
            raise
        if not sent:  # the connection dropped: the link makes it when it is back
            self._waiting.pop(request_id, None)
            return []
        return [(request_id, waiter)]

    async def _answers(self, waiters: list[tuple[str, _Waiter]], deadline: float) -> None:
        loop = asyncio.get_running_loop()
        try:
            for _, waiter in waiters:
                try:
                    await asyncio.wait_for(
                        asyncio.shield(waiter.future), max(0.0, deadline - loop.time())
                    )
                except asyncio.TimeoutError:
                    raise OkxTimeoutException(
                        f"no answer from OKX to {waiter.op} within {self.timeout:g} s",
                        method="WS",
                        path=PATHS[waiter.path],
                    ) from None
                except OkxWebSocketException:
                    if waiter.op == "subscribe":
                        for arg in waiter.args:  # refused: neither resubscribed nor routed
                            self._routes.remove(arg)
                            link = self._links.get(waiter.path)
                            if link is not None:
                                link.subscriptions.pop(arg_key(arg), None)
                    raise
        finally:
            for request_id, _ in waiters:
                self._waiting.pop(request_id, None)

    def _next_id(self) -> str:
        return f"c{next(self._ids)}"

    # -- what the connections receive ----------------------------------------------------------

    def _on_message(self, path: WsPath, payload: bytes) -> None:
        """One message OKX sent on ``path``: a push, an answer or an event.

        A push for the iterator is handed on as it came, its JSON read by the reader that takes
        it (the hot path: the loop thread only finds where it goes, by the ``arg`` OKX writes
        first). Everything else is read here.
        """
        raw = raw_arg(payload)
        if raw is not None:
            route = self._routes.iterated(raw)
            if route is not None:
                if not self._to_inbox:
                    self._loop_now.call_soon(self._flush_inbox)
                self._to_inbox.append((payload, route.model))
                return
        self._on_read(path, payload)

    def _on_read(self, path: WsPath, payload: bytes) -> None:
        message = _load(payload)
        if message is not None and "data" in message:
            arg = message.get("arg")
            if type(arg) is dict:
                route = self._routes.of(arg, raw_arg(payload))  # next time, found by the raw arg
                if route is not None and route.iterated:
                    self._read(WsMessage.typed(message, route.model))
                else:
                    self._on_push(path, message, route)
                return
        if message is None:
            text = payload.decode("utf-8", "replace")
            self._deliver_error(
                path,
                OkxResponseException(
                    f"{PATHS[path]}: OKX pushed a message that is not a JSON object: "
                    f"{excerpt(text)!r}",
                    body=excerpt(text),
                    method="WS",
                    path=PATHS[path],
                ),
            )
            return
        event = message.get("event")
        if event is not None:
            self._on_event(path, message, str(event))
        elif "op" in message and "id" in message:
            waiter = self._waiting.pop(str(message["id"]), None)
            if waiter is not None and not waiter.future.done():
                waiter.future.set_result(message)
        else:
            self._to_readers(path, WsMessage(message))

    def _on_push(self, path: WsPath, message: dict[str, Any], route: Route | None) -> None:
        if route is None:
            logger.debug("%s: a push for %s, which nothing subscribes to", PATHS[path], message)
            return
        if route.book is not None:
            self._apply(route, message)
        elif route.callback is not None:
            self._call(route.callback, WsMessage.typed(message, route.model))
        else:
            self._read(WsMessage.typed(message, route.model))

    def _read(self, item: Any) -> None:
        """Hand ``item`` to the iterator's readers (in a batch, once per loop turn)."""
        if not self._to_inbox:
            self._loop_now.call_soon(self._flush_inbox)
        self._to_inbox.append(item)

    def _flush_inbox(self) -> None:
        items, self._to_inbox = self._to_inbox, []
        self._inbox.put_many(items)

    def _call(self, callback: Callable[[Any], object], item: object) -> None:
        """Have the callback thread call ``callback(item)`` (in a batch, once per loop turn)."""
        if not self._to_callbacks:
            self._loop_now.call_soon(self._flush_callbacks)
        self._to_callbacks.append((callback, item))

    def _flush_callbacks(self) -> None:
        calls, self._to_callbacks = self._to_callbacks, []
        self._dispatcher.put_many(calls)

    def _apply(self, route: Route, message: dict[str, Any]) -> None:
        book = route.book
        assert book is not None
        if route.resyncing:
            if message.get("action") != "snapshot":
                return  # updates of the broken sequence, until the new snapshot
            route.resyncing = False
        try:
            book.apply(message)
        except BookOutOfSync as broken:
            logger.warning(
                "%s %s: %s; subscribing again to rebuild the book",
                book.channel,
                book.inst_id,
                broken,
            )
            route.resyncing = True
            asyncio.get_running_loop().create_task(self._resubscribe(route))

    async def _resubscribe(self, route: Route) -> None:
        link = self._links.get(route.path)
        if link is None or link.closed:
            return
        for op in ("unsubscribe", "subscribe"):
            request_id = self._next_id()
            with _Suppressed():
                await link.send(
                    json.dumps({"id": request_id, "op": op, "args": [route.arg]}, allow_nan=False)
                )

    def _on_event(self, path: WsPath, message: dict[str, Any], event: str) -> None:
        if event in ("subscribe", "unsubscribe"):
            self._acknowledged(path, event, message.get("id"))
        elif event == "error":
            waiter = self._waiter_for(path, None, message.get("id"))
            error = self._error(path, message, waiter.op if waiter else "")
            if waiter is not None and not waiter.future.done():
                waiter.future.set_exception(error)
            else:
                self._deliver_error(path, error)
        elif event == "channel-conn-count-error":
            self._terminated(path, message)
        elif event in ("login", "channel-conn-count"):
            logger.debug("%s: %s", PATHS[path], message)
        else:
            if event == "notice":
                logger.warning("%s: OKX notice: %s", PATHS[path], message.get("msg"))
            self._to_readers(path, WsMessage(message))

    def _acknowledged(self, path: WsPath, event: str, request_id: object) -> None:
        waiter = self._waiter_for(path, event, request_id)
        if waiter is not None:
            waiter.remaining -= 1
            if waiter.remaining <= 0 and not waiter.future.done():
                waiter.future.set_result(None)

    def _terminated(self, path: WsPath, message: dict[str, Any]) -> None:
        """OKX ended a subscription (too many connections on a channel): stop expecting it."""
        arg = message.get("arg")
        if isinstance(arg, dict):
            self._routes.remove(arg)
            link = self._links.get(path)
            if link is not None:
                link.subscriptions.pop(arg_key(arg), None)
        self._deliver_error(path, self._error(path, message, "subscribe"))

    def _waiter_for(self, path: WsPath, op: str | None, request_id: object) -> _Waiter | None:
        if request_id is not None:
            return self._waiting.get(str(request_id))
        # An answer without the id: it can only be for a request alone on its path.
        candidates = [
            w for w in self._waiting.values() if w.path == path and (op is None or w.op == op)
        ]
        return candidates[0] if len(candidates) == 1 else None

    def _error(self, path: WsPath, message: Mapping[str, Any], op: str) -> OkxWebSocketException:
        code = str(message.get("code", ""))
        msg = str(message.get("msg", "")) or error_message(code)
        arg = message.get("arg")
        return OkxWebSocketException(
            code=code,
            msg=msg,
            path=PATHS[path],
            op=op,
            arg=arg if isinstance(arg, Mapping) else None,
            body=excerpt(json.dumps(message, default=str)),
        )

    def _deliver_error(self, path: WsPath, error: OkxException) -> None:
        logger.warning("%s: %s", PATHS[path], error)
        if self.on_error is not None:
            self._call(self.on_error, error)
        else:
            self._read(error)

    def _to_readers(self, path: WsPath, message: WsMessage) -> None:
        """Hand a message that belongs to no channel to the path's callbacks and iterator."""
        routes = self._routes.on(path)
        callbacks = {id(r.callback): r.callback for r in routes if r.callback is not None}
        for callback in callbacks.values():
            self._call(callback, message)
        if not callbacks or any(r.callback is None and r.book is None for r in routes):
            self._read(message)

    def _on_lost(self, path: WsPath) -> None:
        for waiter in list(self._waiting.values()):
            if waiter.path != path or waiter.future.done():
                continue
            if waiter.op in ("subscribe", "unsubscribe"):
                waiter.future.set_result(None)  # the link makes it again when it is back
            else:
                waiter.future.set_exception(self._lost_error(path, waiter.op))
        for route in self._routes.on(path):
            if route.book is not None:
                route.book.reset()

    def _lost_error(self, path: WsPath, op: str) -> OkxException:
        from ..exceptions import OkxRequestException

        return OkxRequestException(
            f"the connection to {PATHS[path]} dropped before OKX answered {op}: it may have "
            "been done; check (e.g. get_order with your clOrdId) before sending it again",
            method="WS",
            path=PATHS[path],
            sent=True,
        )

    def _on_reconnected(self, path: WsPath, gap: float) -> None:
        self._to_readers(
            path, WsMessage({"event": "reconnected", "path": PATHS[path], "gap": round(gap, 3)})
        )


class _Suppressed:
    """Ignore a failed send of a best-effort request (the link resubscribes on reconnect)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> bool:
        return kind is not None and issubclass(kind, (ConnectionError, OkxException))


def _load(payload: bytes) -> dict[str, Any] | None:
    try:
        message = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    return message if isinstance(message, dict) else None
