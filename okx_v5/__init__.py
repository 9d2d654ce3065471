"""okx_v5: a typed, validated, drop-in replacement for python-okx (OKX V5 REST API).

``import okx_v5.Account as Account`` and ``import okx_v5.PublicData as PublicData`` work as
python-okx's modules do; results are python-okx's dicts with typed attributes on top.
"""

from __future__ import annotations

__version__ = "0.1.0"

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
