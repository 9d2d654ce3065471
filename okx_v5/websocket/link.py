"""The engine of every stream: one WebSocket connection to one OKX path, kept alive.

A ``Link`` is what the synchronous clients and python-okx's async classes read and write through.
Each text message OKX sends goes to ``Link.on_message`` as bytes, on the loop's thread (or, without
one, waits for ``Link.receive``); behind it the link

- connects through the process-wide ``connect_gate`` (OKX allows 3 connection attempts per second
  per IP), with a jittered backoff growing up to a cap after each failure;
- logs in when it has been asked to (``Link.login_wanted``), with a fresh signature each time, and
  waits for OKX's answer instead of sleeping;
- after a reconnect, subscribes again to every channel still subscribed, in batches, and
  consumes OKX's acknowledgements of those requests itself;
- sends OKX's text ``ping`` after ``ping_interval`` seconds without a message, and takes the
  connection for dead when nothing comes back within ``pong_timeout``;
- on any drop (reset, close, silence) reconnects, and tells its owner through ``Link.on_lost`` and
  ``Link.on_reconnected``.

It never sends anything again on its own except logins and subscriptions: a request that was
on the wire when the connection dropped (an order) is its owner's to report, never resent.

The WebSocket protocol itself is picows' (a Cython implementation: a message costs about a
microsecond, several times less than a pure-Python one), over asyncio's own TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import random
import ssl as ssl_module
import urllib.request
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs
import orjson
from picows import WSListener, WSMsgType, WSTransport, ws_connect

from .._generated.channels import LIMITS
from ..exceptions import OkxRateLimitException
from . import limits
from .limits import ConnectGate, RequestBudget

__all__ = [
    "MAX_MESSAGE_BYTES",
    "MAX_REQUEST_BYTES",
    "Link",
    "LinkClosed",
    "LoginRefused",
    "Timers",
    "arg_key",
    "batches",
    "redact",
]

logger = logging.getLogger("okx_v5.websocket")
WIRE_LOGGER = "okx_v5.websocket.wire"
"""The logger picows writes its connection events to (it never logs a frame sent)."""

MAX_MESSAGE_BYTES = 1 << 24
"""The largest message accepted from OKX (a full instruments push is several hundred KB)."""
MAX_REQUEST_BYTES = LIMITS.subscribe_args_max_kb * 1000
"""OKX: the args of one subscribe request may not exceed 64 KB in all (read as 64 000 bytes,
the smaller of the two readings)."""

_OWN_ID_PREFIX = "okxv5"
_SUBSCRIPTION_OPS = ("subscribe", "unsubscribe", "login")
_PONG = b"pong"
_PUSH = b'{"arg"'


@attrs.frozen
class Timers:
    """The engine's timers, in seconds."""

    ping_interval: float = 25.0
    """Silence before the text ``ping`` (OKX drops a connection silent for 30 s)."""
    pong_timeout: float = 5.0
    """Wait for an answer to the ``ping`` before the connection counts as dead."""
    reconnect_backoff: float = 1.0
    """The first reconnect delay; it doubles with each failed attempt, with jitter."""
    reconnect_backoff_max: float = 30.0
    """The longest reconnect delay."""
    open_timeout: float = 10.0
    """Wait for the WebSocket handshake of one connection attempt."""
    answer_timeout: float = 10.0
    """Wait for OKX's answer to a login."""


class LinkClosed(Exception):
    """The link was closed: nothing more will be received."""


class LoginRefused(Exception):
    """OKX answered a login with an error; ``text`` is its answer, ``code`` its code."""

    def __init__(self, text: str, code: str) -> None:
        super().__init__(f"login refused with code {code}")
        self.text = text
        self.code = code


LoginFrame = Callable[[], Awaitable[str]]
"""Returns a login request freshly signed (OKX refuses a timestamp older than 30 s)."""


def arg_key(arg: Mapping[str, Any]) -> str:
    """The identity of a subscription ``arg``: its items in a canonical order."""
    return json.dumps(arg, sort_keys=True, separators=(",", ":"), default=str)


def redact(text: str) -> str:
    """``text`` for a log line: a login request (its passphrase and signature) is never shown."""
    if '"login"' in text and ("passphrase" in text or '"sign"' in text):
        return '{"op": "login", "args": ["<redacted>"]}'
    return text


class _Listener(WSListener):
    """picows' side of one connection: frames in, the drop out, to the link."""

    def __init__(self, link: Link) -> None:
        self.link = link
        self.transport: WSTransport | None = None
        self._parts: list[bytes] = []

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport

    def on_ws_frame(self, transport: WSTransport, frame: Any) -> None:
        link = self.link
        link._frames += 1  # what the watchdog counts: any frame means the connection lives
        kind = frame.msg_type
        if kind is WSMsgType.TEXT or kind is WSMsgType.BINARY:
            if not frame.fin:
                self._parts = [frame.get_payload_as_bytes()]
                return
            payload = frame.get_payload_as_bytes()
            deliver = link.on_message
            # The hot path: a push, on a set-up connection, to an owner that takes it.
            if deliver is not None and link._setting_up is None and payload.startswith(_PUSH):
                deliver(payload)
            else:
                link._frame(self, payload)
        elif kind is WSMsgType.CONTINUATION:
            self._parts.append(frame.get_payload_as_bytes())
            if frame.fin:
                parts, self._parts = self._parts, []
                self.link._frame(self, b"".join(parts))
        elif kind is WSMsgType.CLOSE:
            transport.send_close(frame.get_close_code())
            transport.disconnect()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        self.link._lose(self)


class Link:
    """One self-healing WebSocket connection to ``url`` (an OKX path such as
    ``wss://ws.okx.com:8443/ws/v5/public``).

    Args:
        url: the WebSocket URL.
        path: the OKX path it serves, for messages and logs (``/ws/v5/public``).
        headers: extra handshake headers (``x-simulated-trading`` for a non-OKX host).
        timers: ping, backoff and timeout settings.
        proxy: a proxy URL, ``None`` for a direct connection, ``True`` for the environment's.
        ssl: the TLS context of a ``wss://`` URL (``None``: the default one).
        login: builds a signed login request; needed for ``login_wanted``.
        gate: where connection attempts are booked (default: the process-wide ``connect_gate``).
        quiet: log reconnects at INFO instead of WARNING (python-okx's classes).
    """

    def __init__(
        self,
        url: str,
        *,
        path: str,
        headers: Mapping[str, str] | None = None,
        timers: Timers | None = None,
        proxy: str | bool | None = True,
        ssl: ssl_module.SSLContext | None = None,
        login: LoginFrame | None = None,
        gate: ConnectGate | None = None,
        quiet: bool = False,
    ) -> None:
        self.url = url
        self.path = path
        self.timers = timers or Timers()
        self.subscriptions: dict[str, dict[str, Any]] = {}
        """Every channel subscribed and not unsubscribed, by ``arg_key``, in order."""
        self.login = login
        """Builds each connection's login request (see ``login_wanted``)."""
        self.login_wanted = False
        """Whether each connection logs in first (set by sending a login through the link)."""
        self.on_message: Callable[[bytes], None] | None = None
        """Receives each message OKX sends (UTF-8 bytes), on the loop's thread; without it messages
        wait for ``receive``."""
        self.on_lost: Callable[[], None] | None = None
        """Called when an established connection is lost (before reconnecting)."""
        self.on_reconnected: Callable[[float], None] | None = None
        """Called with the seconds without a connection, once a lost one is back."""
        self.on_login_refused: Callable[[LoginRefused], Awaitable[bool]] | None = None
        """Called when OKX refuses a login; ``True`` means "try again now" (clock re-synced)."""
        self.failure: BaseException | None = None
        """Why the last attempt failed, or why the link gave up (a refused first login)."""
        self.task: asyncio.Task[None] | None = None
        """The task keeping the link connected (started by ``start``)."""
        self._headers = {"User-Agent": _user_agent(), **(headers or {})}
        self._proxy = proxy
        self._ssl = ssl
        self._gate = gate if gate is not None else limits.connect_gate
        self._quiet = quiet
        self._listener: _Listener | None = None
        self._transport: WSTransport | None = None
        self._ready: asyncio.Event | None = None
        self._lost: asyncio.Event | None = None
        self._closing: asyncio.Event | None = None
        self._closed = False
        self._setting_up: deque[bytes] | None = None
        self._setup_wake: asyncio.Future[None] | None = None
        self._inbox: deque[bytes] = deque()
        self._reader: asyncio.Future[None] | None = None
        self._own: dict[str, list[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._budget = RequestBudget()
        self._frames = 0
        self._lost_at: float | None = None
        self._connected_once = False
        self._failures = 0
        self._watchdog: asyncio.Task[None] | None = None
        self._login_waiters: list[asyncio.Future[bool]] = []

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open" if self.connected else "connecting"
        return f"<Link {self.path} {state} subscriptions={len(self.subscriptions)}>"

    # -- state -------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether a connection is up (logged in and resubscribed)."""
        return self._transport is not None and self.ready.is_set()

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called, or the link gave up."""
        return self._closed

    @property
    def ready(self) -> asyncio.Event:
        """Set while a connection is up, logged in and resubscribed."""
        if self._ready is None:
            self._ready = asyncio.Event()
        return self._ready

    @property
    def budget_left(self) -> int:
        """How many subscribe/unsubscribe/login requests this connection may still send."""
        return self._budget.left()

    def _event(self, name: str) -> asyncio.Event:
        event = getattr(self, name)
        if event is None:
            event = asyncio.Event()
            setattr(self, name, event)
        return event  # type: ignore[no-any-return]

    # -- connecting --------------------------------------------------------------------------

    def start(self) -> None:
        """Start keeping the link connected, on the running loop (once)."""
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._supervise())

    async def connect_first(self) -> None:
        """Connect now, trying again with backoff for up to ``open_timeout`` seconds, and raise
        what made the last attempt fail; once connected, the link keeps itself connected."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timers.open_timeout
        while True:
            await self._sleep(self._gate.reserve(self.path))
            try:
                await self._set_up(await self._open())
            except LoginRefused:
                raise
            except Exception as exc:
                self._failures += 1
                delay = self._backoff()
                if loop.time() + delay >= deadline:
                    raise
                logger.info("%s: connection attempt failed (%s); retrying", self.path, _reason(exc))
                await self._sleep(delay)
                continue
            self.start()
            return

    async def _supervise(self) -> None:
        """Connect, and after each drop connect again, until closed or refused for good."""
        try:
            while not self._closed:
                if self._transport is None:
                    await self._establish()
                await self._event("_lost").wait()
        except LinkClosed:
            pass
        except LoginRefused as refused:
            self.failure = refused
            self._closed = True
        finally:
            self._wake_reader()

    async def _establish(self) -> None:
        """Connect, log in and resubscribe, retrying with backoff until it works or the link is
        closed (``LinkClosed``) or gives up (``LoginRefused`` on a first login)."""
        while not self._closed:
            if self._failures or self._connected_once:
                await self._sleep(self._backoff())
            await self._sleep(self._gate.reserve(self.path))
            if self._closed:
                break
            try:
                listener = await self._open()
            except Exception as exc:
                self._failures += 1
                self.failure = exc
                logger.log(
                    logging.DEBUG if self._failures == 1 else logging.INFO,
                    "%s: connection attempt %d failed: %s",
                    self.path,
                    self._failures,
                    _reason(exc),
                )
                continue
            try:
                await self._set_up(listener)
            except LoginRefused as refused:
                await _abort(listener)
                if not self._connected_once:
                    raise
                self._failures += 1
                self._deliver(refused.text.encode())  # its owner should know
                continue
            except Exception as exc:
                await _abort(listener)
                self._failures += 1
                self.failure = exc
                logger.info("%s: connection lost while setting up: %s", self.path, _reason(exc))
                continue
            return
        raise LinkClosed

    def _backoff(self) -> float:
        timers = self.timers
        ceiling = min(
            timers.reconnect_backoff_max,
            timers.reconnect_backoff * 2.0 ** min(self._failures, 30),
        )
        return float(ceiling * random.uniform(0.5, 1.0))

    async def _open(self) -> _Listener:
        secure = self.url.startswith("wss:")
        proxy = _proxy_for(self.url) if self._proxy is True else self._proxy or None
        _, listener = await ws_connect(
            lambda: _Listener(self),
            self.url,
            ssl_context=(self._ssl or _default_ssl()) if secure else None,
            websocket_handshake_timeout=self.timers.open_timeout,
            extra_headers=self._headers,
            proxy=proxy,
            max_frame_size=MAX_MESSAGE_BYTES,
            enable_auto_ping=False,  # OKX's own text ping is sent instead
            logger_name=WIRE_LOGGER,
            use_aiofastnet=False,  # asyncio's own TLS
        )
        assert isinstance(listener, _Listener)
        return listener

    async def _set_up(self, listener: _Listener) -> None:
        loop = asyncio.get_running_loop()
        self._budget = RequestBudget()  # OKX counts requests per connection
        self._setting_up = deque()
        self._listener = listener
        try:
            if self.login_wanted:
                await self._log_in(listener)
        finally:
            early, self._setting_up = self._setting_up, None
        if listener.transport is None or listener.transport.is_disconnected:
            raise ConnectionError("the connection dropped while logging in")
        self._transport = listener.transport
        self._event("_lost").clear()
        self._watchdog = loop.create_task(self._watch(listener))
        self._resubscribe(listener.transport)
        gap = None if self._lost_at is None else loop.time() - self._lost_at
        self._lost_at = None
        self._failures = 0
        self.failure = None
        self.ready.set()
        if self._connected_once and gap is not None:
            logger.log(
                logging.INFO if self._quiet else logging.WARNING,
                "%s: reconnected after %.2f s; %d subscriptions restored",
                self.path,
                gap,
                len(self.subscriptions),
            )
            if self.on_reconnected is not None:
                self.on_reconnected(gap)
        self._connected_once = True
        for payload in early:  # what came with the login answer
            self._frame(listener, payload)

    async def _log_in(self, listener: _Listener) -> None:
        if self.login is None:
            raise RuntimeError("this link has no way to log in")
        for attempt in (1, 2):
            transport = listener.transport
            if transport is None or transport.is_disconnected:
                raise ConnectionError("the connection dropped before the login")
            transport.send(WSMsgType.TEXT, (await self.login()).encode())
            self._budget.spend()
            try:
                await self._login_answer(listener)
                return
            except LoginRefused as refused:
                retry = self.on_login_refused is not None and await self.on_login_refused(refused)
                if attempt == 2 or not retry:
                    raise

    async def _login_answer(self, listener: _Listener) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timers.answer_timeout
        early = self._setting_up
        assert early is not None
        while True:
            while early:
                payload = early.popleft()
                event = _event_of(payload)
                if event is not None and event.get("event") == "login":
                    return
                if event is not None and event.get("event") == "error":
                    raise LoginRefused(payload.decode("utf-8", "replace"), str(event.get("code")))
                self._deliver(payload)
            transport = listener.transport
            if transport is None or transport.is_disconnected:
                raise ConnectionError("the connection dropped while logging in")
            self._setup_wake = loop.create_future()
            try:
                await asyncio.wait_for(self._setup_wake, max(0.0, deadline - loop.time()))
            finally:
                self._setup_wake = None

    def _resubscribe(self, transport: WSTransport) -> None:
        self._own.clear()
        for batch in batches(list(self.subscriptions.values())):
            request_id = f"{_OWN_ID_PREFIX}{next(self._ids)}"
            self._own[request_id] = batch
            frame = json.dumps(
                {"id": request_id, "op": "subscribe", "args": batch}, allow_nan=False
            )
            transport.send(WSMsgType.TEXT, frame.encode())
            self._budget.spend()

    # -- receiving ---------------------------------------------------------------------------

    def _frame(self, listener: _Listener, payload: bytes) -> None:
        """One message of ``listener``'s connection (``pong`` and the link's own answers end
        here; the rest goes to the owner)."""
        if self._setting_up is not None and listener is self._listener:
            self._setting_up.append(payload)
            wake = self._setup_wake
            if wake is not None and not wake.done():
                wake.set_result(None)
            return
        if payload == _PONG:
            return
        if not payload.startswith(_PUSH):
            if self._own and self._is_own_answer(payload):
                return
            if self._login_waiters:
                self._settle_login(payload)
        self._deliver(payload)

    def _deliver(self, payload: bytes) -> None:
        if self.on_message is not None:
            self.on_message(payload)
            return
        self._inbox.append(payload)
        self._wake_reader()

    def _wake_reader(self) -> None:
        reader = self._reader
        if reader is not None and not reader.done():
            reader.set_result(None)

    async def receive(self) -> str:
        """OKX's next message as text, for an owner without ``on_message``; raises ``LinkClosed``
        once the link is closed, ``LoginRefused`` when it gave up."""
        while True:
            if self._inbox:
                return self._inbox.popleft().decode("utf-8", "replace")
            if self._closed:
                if isinstance(self.failure, LoginRefused):
                    raise self.failure
                raise LinkClosed
            self.start()
            self._reader = asyncio.get_running_loop().create_future()
            try:
                await self._reader
            finally:
                self._reader = None

    def __aiter__(self) -> Link:
        return self

    async def __anext__(self) -> str:
        try:
            return await self.receive()
        except LinkClosed:
            raise StopAsyncIteration from None

    def _is_own_answer(self, payload: bytes) -> bool:
        event = _event_of(payload)
        request_id = event.get("id") if event is not None else None
        if event is None or request_id not in self._own:
            return False
        if event.get("event") == "error":
            arg = event.get("arg")
            if isinstance(arg, Mapping):
                self.subscriptions.pop(arg_key(arg), None)  # OKX refused it: stop asking
            return False
        return True

    def expect_login(self) -> asyncio.Future[bool]:
        """A future of OKX's answer to the next login its owner sends: ``True`` when
        accepted, ``False`` when refused (the answer is still handed on)."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._login_waiters.append(future)
        return future

    def _settle_login(self, payload: bytes) -> None:
        event = _event_of(payload)
        kind = event.get("event") if event is not None else None
        if kind not in ("login", "error"):
            return
        waiters, self._login_waiters = self._login_waiters, []
        for future in waiters:
            if not future.done():
                future.set_result(kind == "login")

    def _lose(self, listener: _Listener) -> None:
        """``listener``'s connection is gone (dropped, closed, or aborted as dead)."""
        wake = self._setup_wake
        if listener is self._listener and wake is not None and not wake.done():
            wake.set_result(None)  # a login waiting on it sees the drop
        if listener.transport is None or listener.transport is not self._transport:
            return
        self._transport = None
        self.ready.clear()
        self._lost_at = asyncio.get_running_loop().time()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        self._event("_lost").set()
        if self._closed:
            return
        logger.log(
            logging.INFO if self._quiet else logging.WARNING,
            "%s: connection lost (%s); reconnecting",
            self.path,
            _close_reason(listener.transport),
        )
        if self.on_lost is not None:
            self.on_lost()

    async def _watch(self, listener: _Listener) -> None:
        """Ping after ``ping_interval`` s without a frame; drop the connection if nothing answers.

        Frames are counted, not timed (a clock read per message would cost more than the rest
        of its way in): the count is looked at ten times per interval, so the ping goes out
        between 1 and 1.1 intervals after the last frame.
        """
        loop = asyncio.get_running_loop()
        timers = self.timers
        transport = listener.transport
        assert transport is not None
        step = timers.ping_interval / 10
        seen, quiet_since = self._frames, loop.time()
        while True:
            await asyncio.sleep(step)
            if self._frames != seen:
                seen, quiet_since = self._frames, loop.time()
                continue
            if loop.time() - quiet_since < timers.ping_interval:
                continue
            transport.send(WSMsgType.TEXT, b"ping")
            await asyncio.sleep(timers.pong_timeout)
            if self._frames == seen:
                logger.log(
                    logging.INFO if self._quiet else logging.WARNING,
                    "%s: no answer %.1f s after ping; the connection is dead",
                    self.path,
                    timers.pong_timeout,
                )
                transport.disconnect(graceful=False)
                return
            seen, quiet_since = self._frames, loop.time()

    # -- sending -----------------------------------------------------------------------------

    async def send(self, text: str) -> bool:
        """Send ``text`` now; return whether it went out.

        A subscribe, unsubscribe or login request is remembered: when the connection is down
        it is not sent now (``False``) but done when the link reconnects. Any other request
        raises ``ConnectionError`` when there is no connection (it is never queued). A
        subscription request beyond OKX's 480 per hour per connection raises
        ``OkxRateLimitException`` instead of being sent.
        """
        op, args = _request_of(text)
        transport = self._transport
        if op in _SUBSCRIPTION_OPS:
            if transport is not None and self._budget.left() <= 0:
                raise OkxRateLimitException(
                    f"{self.path}: {op} refused before sending: OKX allows "
                    f"{self._budget.limit} subscribe/unsubscribe/login requests per connection "
                    "per hour, and this connection has used them",
                    method="WS",
                    path=self.path,
                )
            self.remember(op, args)
            if transport is None:
                return False
        elif transport is None:
            raise ConnectionError(f"{self.path}: not connected")
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s > %s", self.path, redact(text))
        transport.send(WSMsgType.TEXT, text.encode())
        if op in _SUBSCRIPTION_OPS:
            self._budget.spend()
        return True

    def remember(self, op: str, args: list[dict[str, Any]]) -> None:
        """Record a ``subscribe``, ``unsubscribe`` or ``login`` as if it were sent: what the
        link does again on each new connection."""
        if op == "login":
            self.login_wanted = True
            return
        for arg in args:
            key = arg_key(arg)
            if op == "subscribe":
                self.subscriptions[key] = arg
            else:
                self.subscriptions.pop(key, None)

    # -- closing -----------------------------------------------------------------------------

    async def close(self) -> None:
        """Close the connection and stop reconnecting; ``receive`` raises ``LinkClosed``."""
        self._closed = True
        self._event("_closing").set()
        self._event("_lost").set()
        if self._ready is not None:
            self._ready.clear()
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        listener, self._listener = self._listener, None
        self._transport = None
        if listener is not None:
            await _abort(listener, graceful=True)
        task = self.task
        if task is not None and task is not asyncio.current_task():
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 0.5)
        self._wake_reader()

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up at once when the link is closed."""
        if seconds <= 0 or self._closed:
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._event("_closing").wait(), seconds)


def batches(args: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """``args`` split into subscribe requests within OKX's 64 KB per request."""
    out: list[list[dict[str, Any]]] = []
    size = 0
    for arg in args:
        length = len(json.dumps(arg)) + 2
        if out and size + length <= MAX_REQUEST_BYTES - 64:
            out[-1].append(arg)
            size += length
        else:
            out.append([arg])
            size = length
    return out


def _event_of(payload: bytes) -> dict[str, Any] | None:
    """The JSON object ``payload`` holds if it is one, else ``None``."""
    if not payload.startswith(b"{"):
        return None
    try:
        message = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    return message if isinstance(message, dict) else None


def _request_of(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The ``op`` of a request and its ``args`` (``("", [])`` for anything else)."""
    if '"op"' not in text:
        return "", []
    try:
        request = json.loads(text)
    except ValueError:
        return "", []
    if not isinstance(request, dict):
        return "", []
    args = request.get("args")
    items = [arg for arg in args if isinstance(arg, dict)] if isinstance(args, list) else []
    return str(request.get("op", "")), items


def _reason(exc: BaseException | None) -> str:
    if exc is None:
        return "closed"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text


def _close_reason(transport: WSTransport) -> str:
    try:
        received = transport.close_handshake.recv
    except Exception:  # not every picows version keeps it
        received = None
    if received is None:
        return "no close frame: the connection was cut"
    return f"closed by OKX with code {received.code.value} {received.reason}".rstrip()


async def _abort(listener: _Listener, graceful: bool = False) -> None:
    transport = listener.transport
    if transport is None:
        return
    with contextlib.suppress(Exception):
        if graceful and not transport.is_close_frame_sent:
            transport.send_close()
        transport.disconnect(graceful=graceful)
    with contextlib.suppress(Exception):
        await asyncio.wait_for(transport.wait_disconnected(), 0.5)
    if not transport.is_disconnected:
        with contextlib.suppress(Exception):
            transport.disconnect(graceful=False)


def _proxy_for(url: str) -> str | None:
    """The environment's proxy for ``url`` (``HTTPS_PROXY`` for wss, honouring ``NO_PROXY``),
    as requests and websockets read it."""
    split = urlsplit(url)
    host = split.hostname or ""
    proxies = urllib.request.getproxies()
    if not proxies or urllib.request.proxy_bypass(host):
        return None
    scheme = "https" if split.scheme == "wss" else "http"
    return proxies.get(scheme) or proxies.get("all")


_ssl_context: ssl_module.SSLContext | None = None


def _default_ssl() -> ssl_module.SSLContext:
    """The TLS context of ``wss://``: certifi's CAs, as requests uses for REST."""
    global _ssl_context
    if _ssl_context is None:
        try:
            import certifi
        except ImportError:  # pragma: no cover - requests brings certifi
            _ssl_context = ssl_module.create_default_context()
        else:
            _ssl_context = ssl_module.create_default_context(cafile=certifi.where())
    return _ssl_context


def _user_agent() -> str:
    from .. import __version__

    return f"okx-v5/{__version__}"
