"""python-okx's ``okx.websocket.WsPrivateAsync``, on okx_v5's self-healing engine.

``from okx_v5.websocket.WsPrivateAsync import WsPrivateAsync`` replaces python-okx's import; the
script keeps working, its subscriptions wait for OKX's login answer instead of sleeping 5 seconds,
and after a drop the connection logs in again and resubscribes. Orders over WebSocket are sent once,
never again after a drop. See ``okx_v5.websocket.async_client``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from types import ModuleType
from typing import Any

from . import WsUtils
from .async_client import AsyncClient, Callback
from .WebSocketFactory import WebSocketFactory

__all__ = ["WsPrivateAsync"]

logger = logging.getLogger(__name__)
_ = (asyncio, json)  # python-okx's module names, which scripts and tests patch


class WsPrivateAsync(AsyncClient):
    """python-okx's private WebSocket client (asyncio): ``await ws.start()``, then
    ``await ws.subscribe(args, callback)`` (which logs in first) or the order methods; the
    callback gets each message as JSON text. ``useServerTime`` is deprecated, as in
    python-okx: okx_v5 signs with the clock its REST clients keep in step with OKX."""

    def __init__(
        self,
        apiKey: str,
        passphrase: str,
        secretKey: str,
        url: str,
        useServerTime: bool | None = None,
        debug: bool = False,
    ) -> None:
        self._setup(url, debug)
        self.apiKey = apiKey
        self.passphrase = passphrase
        self.secretKey = secretKey
        self.useServerTime = False
        self._logged_in = False
        if useServerTime is not None:
            warnings.warn(
                "useServerTime parameter is deprecated. Please remove it.",
                DeprecationWarning,
                stacklevel=2,
            )

    def _seams(self) -> tuple[Any, ModuleType, logging.Logger]:
        return WebSocketFactory, WsUtils, logger

    async def login(self) -> bool:
        """Log in and wait for OKX's answer (when messages are being consumed); whether OKX
        accepted it."""
        accepted = await self._log_in(self.useServerTime)
        self._logged_in = accepted
        return accepted

    async def subscribe(self, params: list[Any], callback: Callback, id: str | None = None) -> None:
        """Log in (once per client: a reconnect logs in again by itself), then subscribe to
        the channels ``params``; ``callback`` receives the messages."""
        self.callback = callback
        if self._logged_in or await self.login():
            await self._send_request("subscribe", params, id, "subscribe")

    async def place_order(
        self, args: list[Any], callback: Callback | None = None, id: str | None = None
    ) -> None:
        """Place an order (OKX's ``order`` operation); the answer goes to the callback."""
        await self.send("order", args, callback, id)

    async def batch_orders(
        self, args: list[Any], callback: Callback | None = None, id: str | None = None
    ) -> None:
        """Place up to 20 orders (``batch-orders``)."""
        await self.send("batch-orders", args, callback, id)

    async def cancel_order(
        self, args: list[Any], callback: Callback | None = None, id: str | None = None
    ) -> None:
        """Cancel an order (``cancel-order``)."""
        await self.send("cancel-order", args, callback, id)

    async def batch_cancel_orders(
        self, args: list[Any], callback: Callback | None = None, id: str | None = None
    ) -> None:
        """Cancel up to 20 orders (``batch-cancel-orders``)."""
        await self.send("batch-cancel-orders", args, callback, id)

    async def amend_order(
        self, args: list[Any], callback: Callback | None = None, id: str | None = None
    ) -> None:
        """Amend an order (``amend-order``)."""
        await self.send("amend-order", args, callback, id)

    async def batch_amend_orders(
        self, args: list[Any], callback: Callback | None = None, id: str | None = None
    ) -> None:
        """Amend up to 20 orders (``batch-amend-orders``)."""
        await self.send("batch-amend-orders", args, callback, id)

    async def mass_cancel(
        self, args: list[Any], callback: Callback | None = None, id: str | None = None
    ) -> None:
        """Cancel the MMP orders of an ``instType`` and ``instFamily`` (``mass-cancel``)."""
        await self.send("mass-cancel", args, callback, id)
