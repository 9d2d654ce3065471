"""okx_v5: a typed, validated, drop-in replacement for python-okx (OKX V5 REST API).

``import okx_v5.Trade as Trade`` works as ``import okx.Trade as Trade`` does, for every module
of python-okx's REST API; results are python-okx's dicts with typed attributes on top. The
names below are imported on first use, so importing one module loads only what it needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .Account import AccountAPI
    from .exceptions import (
        OkxAPIException,
        OkxException,
        OkxParamsException,
        OkxRequestException,
    )
    from .models import LeverageInfo, PositionTier
    from .PublicData import PublicAPI
    from .response import OkxResponse

__all__ = [
    "AccountAPI",
    "LeverageInfo",
    "OkxAPIException",
    "OkxException",
    "OkxParamsException",
    "OkxRequestException",
    "OkxResponse",
    "PositionTier",
    "PublicAPI",
    "__version__",
]

_HOMES = {
    "AccountAPI": ".Account",
    "PublicAPI": ".PublicData",
    "LeverageInfo": ".models",
    "PositionTier": ".models",
    "OkxResponse": ".response",
    "OkxAPIException": ".exceptions",
    "OkxException": ".exceptions",
    "OkxParamsException": ".exceptions",
    "OkxRequestException": ".exceptions",
}


def __getattr__(name: str) -> object:
    """Import the package's top-level names from their modules on first use."""
    if name in _HOMES:
        return getattr(import_module(_HOMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
