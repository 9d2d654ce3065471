"""python-okx's ``okx.websocket.WsPublicAsync``, on okx_v5's self-healing engine.

``from okx_v5.websocket.WsPublicAsync import WsPublicAsync`` replaces python-okx's import; the
script keeps working, and its connection now pings OKX, reconnects after a drop and resubscribes its
channels. See ``okx_v5.websocket.async_client``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from types import ModuleType
from typing import Any

from . import WsUtils
from .async_client import AsyncClient, Callback
from .WebSocketFactory import WebSocketFactory

__all__ = ["WsPublicAsync"]

logger = logging.getLogger(__name__)
_ = (asyncio, json)  # python-okx's module names, which scripts and tests patch


class WsPublicAsync(AsyncClient):
    """python-okx's public WebSocket client (asyncio): ``await ws.start()``, then
    ``await ws.subscribe(args, callback)``; the callback gets each message as JSON text.

    ``apiKey``, ``passphrase`` and ``secretKey`` serve ``login`` on the business path.
    """

    def __init__(
        self,
        url: str,
        apiKey: str = "",
        passphrase: str = "",
        secretKey: str = "",
        debug: bool = False,
    ) -> None:
        self._setup(url, debug)
        self.apiKey = apiKey
        self.passphrase = passphrase
        self.secretKey = secretKey
        self.isLoggedIn = False

    def _seams(self) -> tuple[Any, ModuleType, logging.Logger]:
        return WebSocketFactory, WsUtils, logger

    async def login(self) -> bool:
        """Log in (for the business channels that need it) and wait for OKX's answer."""
        if not self.apiKey or not self.secretKey or not self.passphrase:
            raise ValueError("apiKey, secretKey and passphrase are required for login")
        accepted = await self._log_in(False)
        self.isLoggedIn = True
        return accepted

    async def subscribe(self, params: list[Any], callback: Callback, id: str | None = None) -> None:
        """Subscribe to the channels ``params``; ``callback`` receives the messages."""
        self.callback = callback
        await self._send_request("subscribe", params, id, "subscribe")
