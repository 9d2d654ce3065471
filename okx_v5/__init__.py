"""okx_v5: a typed, validated, drop-in replacement for python-okx (OKX V5 REST API)."""

from __future__ import annotations

__version__ = "0.1.0"
