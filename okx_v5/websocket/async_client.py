"""The body python-okx's ``WsPublicAsync`` and ``WsPrivateAsync`` share, on okx_v5's engine.

python-okx's classes are asyncio clients: ``await ws.start()`` connects and starts the task that
hands every message, as JSON text, to the callback of the last ``subscribe``. Here the connection is
an okx_v5 ``Link`` made by ``WebSocketFactory``, so the same script gets OKX's ping, reconnects, a
login again and its channels back after a drop (logged at INFO, nothing injected into the callback),
and a login answered instead of a 5-second sleep.

python-okx's seams stay where its tests reach them: each class looks ``WebSocketFactory``,
``WsUtils`` and ``logger`` up in its own module (so ``patch("...WsPublicAsync.WsUtils")``
works), keeps ``self.factory``, ``self.websocket`` and ``self.callback``, and sends every frame
through ``self.websocket.send``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from types import ModuleType
from typing import Any

from websockets.exceptions import ConnectionClosedError

from ..exceptions import OkxParamsException
from .link import Link, redact

__all__ = ["AsyncClient"]

Callback = Callable[[str], Any]


class AsyncClient:
    """What python-okx's two WebSocket classes do alike; see their modules."""

    url: str
    callback: Callback | None
    websocket: Any
    factory: Any
    debug: bool
    apiKey: str
    passphrase: str
    secretKey: str
    useServerTime: bool

    def _seams(self) -> tuple[Any, ModuleType, logging.Logger]:
        """``WebSocketFactory``, ``WsUtils`` and ``logger`` of the class's own module."""
        raise NotImplementedError

    def _setup(self, url: str, debug: bool) -> None:
        factory_class, _, log = self._seams()
        self.url = url
        self.subscriptions: set[str] = set()
        self.callback = None
        self.factory = factory_class(url)
        self.websocket = None
        self.debug = debug
        self._loop: asyncio.AbstractEventLoop | None = None
        self._consuming = False
        if debug:
            log.setLevel(logging.DEBUG)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop the client started on (python-okx's ``self.loop``), looked up when
        first asked for rather than at construction."""
        if self._loop is None:
            try:
                self._loop = asyncio.get_running_loop()
            except RuntimeError:
                self._loop = asyncio.new_event_loop()
                asyncio.set_event_loop(self._loop)
        return self._loop

    @loop.setter
    def loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    # -- the connection ----------------------------------------------------------------------

    async def connect(self) -> None:
        """Connect (through ``self.factory``); ``self.websocket`` is ``None`` if it failed."""
        self.websocket = await self.factory.connect()

    async def start(self) -> asyncio.Task[None]:
        """Connect, then start handing messages to the callback; return that task."""
        log = self._seams()[2]
        log.log(logging.DEBUG if self.debug else logging.INFO, "Connecting to WebSocket...")
        self._loop = asyncio.get_running_loop()
        await self.connect()
        return self._loop.create_task(self.consume())

    async def consume(self) -> None:
        """Hand each message, as OKX's JSON text, to ``self.callback`` until the connection
        is closed by ``stop()``. A bare ``websockets`` connection that drops is reported to the
        callback (``{"event": "error", "code": "ConnClosed"}``) and raised, as python-okx does;
        okx_v5's connection reconnects instead."""
        log = self._seams()[2]
        self._consuming = True
        try:
            async for message in self.websocket:
                if self.debug:
                    log.debug("Received message: {%s}", redact(message))
                if self.callback:
                    self.callback(message)
        except ConnectionClosedError as exc:
            log.error("WebSocket connection closed: %s", exc)
            if self.callback:
                self.callback(json.dumps({"event": "error", "code": "ConnClosed", "msg": str(exc)}))
            raise
        finally:
            self._consuming = False

    async def stop(self) -> None:
        """Close the connection; ``consume()`` ends."""
        await self.factory.close()

    def stop_sync(self) -> None:
        """``stop()`` from synchronous code."""
        loop = self.loop
        if not loop.is_running():
            loop.run_until_complete(self.stop())
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:  # called from the loop itself: it cannot wait for itself
            loop.create_task(self.stop())
            return
        asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout=10)

    # -- requests ------------------------------------------------------------------------------

    async def _send_request(self, op: str, args: list[Any], id: str | None, what: str) -> None:
        payload: dict[str, Any] = {"op": op, "args": args}
        if id is not None:
            payload["id"] = id
        try:
            text = json.dumps(payload, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:  # NaN, a set, a circle, ...
            raise OkxParamsException(
                f"{op}: the args cannot be sent as JSON ({type(exc).__name__}: {exc})",
                method=op,
                param="args",
            ) from None
        log = self._seams()[2]
        if self.debug:
            log.debug("%s: %s", what, text)
        elif op == "unsubscribe":
            log.info("%s: %s", what, text)
        await self.websocket.send(text)

    async def unsubscribe(
        self, params: list[Any], callback: Callback, id: str | None = None
    ) -> None:
        """Unsubscribe from the channels ``params``; ``callback`` receives what follows."""
        self.callback = callback
        await self._send_request("unsubscribe", params, id, "unsubscribe")

    async def send(
        self, op: str, args: list[Any], callback: Callback | None = None, id: str | None = None
    ) -> None:
        """Send any operation ``op`` with ``args`` (and ``id``); ``callback``, if given,
        receives the messages from now on."""
        if callback:
            self.callback = callback
        await self._send_request(op, args, id, "send")

    # -- logging in ----------------------------------------------------------------------------

    async def _log_in(self, use_server_time: bool) -> bool:
        """Send a login; wait for OKX's answer when messages are being consumed. Whether OKX
        accepted it (``True`` when nobody reads the answer, as python-okx assumes)."""
        _, utils, log = self._seams()

        def login_request() -> str:
            return str(
                utils.initLoginParams(
                    useServerTime=use_server_time,
                    apiKey=self.apiKey,
                    passphrase=self.passphrase,
                    secretKey=self.secretKey,
                )
            )

        payload = login_request()
        if self.debug:
            log.debug("login: %s", redact(payload))
        link = self.websocket if isinstance(self.websocket, Link) else None
        answered = None
        if link is not None:

            async def fresh() -> str:
                return login_request()

            link.login = fresh  # a reconnect logs in again, with a new timestamp
            if self._consuming:
                answered = link.expect_login()
        await self.websocket.send(payload)
        if answered is None or link is None:
            return True
        try:
            return await asyncio.wait_for(answered, link.timers.answer_timeout)
        except asyncio.TimeoutError:
            log.warning("no answer from OKX to the login within %g s", link.timers.answer_timeout)
            return False
