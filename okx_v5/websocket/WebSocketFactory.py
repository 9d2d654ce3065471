"""python-okx's ``okx.websocket.WebSocketFactory``: opens the connection of its classes.

The connection is an okx_v5 ``Link``: it reads and sends like the ``websockets`` connection
python-okx gets (``async for message in ws``, ``await ws.send(text)``), and on top pings OKX,
reconnects after a drop, logs in again and resubscribes, logging each reconnect at INFO.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from ..checks import is_plain_loopback_http
from .link import Link
from .urls import redirect_url

__all__ = ["WebSocketFactory"]

logger = logging.getLogger(__name__)


class WebSocketFactory:
    """Connects to ``url`` (a full OKX WebSocket URL such as
    ``wss://wspap.okx.com:8443/ws/v5/public``); ``OKX_DOMAIN`` redirects OKX's hosts as for
    every okx_v5 client."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.websocket: Link | None = None

    async def connect(self) -> Link | None:
        """Connect (trying again for a few seconds if it fails); return the connection, or
        ``None`` (logged) when no attempt worked."""
        target, headers = redirect_url(self.url)
        split = urlsplit(target)
        loopback = is_plain_loopback_http(f"http://{split.netloc}")
        link = Link(
            target,
            path=split.path or "/",
            headers=headers,
            proxy=None if loopback else True,
            quiet=True,
        )
        try:
            await link.connect_first()
        except Exception as exc:
            logger.error("Error connecting to WebSocket: %s", exc)
            return None
        logger.info("WebSocket connection established.")
        self.websocket = link
        return link

    async def close(self) -> None:
        """Close the connection (it is not reopened)."""
        if self.websocket is not None:
            await self.websocket.close()
            self.websocket = None
