"""OKX's WebSocket streams: synchronous, self-healing and typed, plus python-okx's classes.

- ``WsPublic`` and ``WsPrivate``: subscribe, then iterate (``for msg in ws.messages()``) or call
  back, from ordinary (non-asyncio) code; the connections ping, reconnect, log in again and
  resubscribe on their own.
- ``okx_v5.websocket.WsPublicAsync``, ``WsPrivateAsync``, ``WsUtils`` and
  ``WebSocketFactory``: python-okx 0.4.4's modules of the same names, on the same engine.

The names below are imported on first use: importing this package opens nothing and starts
no thread.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .book import BookOutOfSync, OrderBook
    from .client import WsPublic
    from .messages import WsMessage
    from .private import WsPrivate

__all__ = ["BookOutOfSync", "OrderBook", "WsMessage", "WsPrivate", "WsPublic"]

_HOMES = {
    "BookOutOfSync": ".book",
    "OrderBook": ".book",
    "WsMessage": ".messages",
    "WsPrivate": ".private",
    "WsPublic": ".client",
}


def __getattr__(name: str) -> object:
    """Import the package's names from their modules on first use."""
    if name in _HOMES:
        return getattr(import_module(_HOMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
