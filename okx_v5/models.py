"""Typed result items: one attrs class (with slots) per OKX ``data`` item.

Attribute names are the OKX wire names in snake_case (``instId`` → ``inst_id``); the shared
converter in :mod:`okx_v5.converter` maps between the two. Numbers are :class:`~decimal.Decimal`,
never ``float``; an empty string on the wire becomes ``None``, and so does a missing field.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

__all__ = ["LeverageInfo", "PositionTier", "ServerTime"]


@attrs.define
class LeverageInfo:
    """Leverage of one instrument (or currency), margin mode and position side.

    From ``GET /api/v5/account/leverage-info``; in long/short mode each instrument has a
    ``long`` and a ``short`` item.
    """

    inst_id: str | None = None
    ccy: str | None = None
    mgn_mode: str | None = None
    pos_side: str | None = None
    lever: Decimal | None = None


@attrs.define
class PositionTier:
    """One position tier: size bounds, margin rates and maximum leverage.

    From ``GET /api/v5/public/position-tiers``. ``min_sz``/``max_sz`` are borrowing amounts when
    the ``ccy`` parameter took effect.
    """

    uly: str | None = None
    inst_family: str | None = None
    inst_id: str | None = None
    tier: int | None = None
    min_sz: Decimal | None = None
    max_sz: Decimal | None = None
    mmr: Decimal | None = None
    imr: Decimal | None = None
    max_lever: Decimal | None = None
    opt_mgn_factor: Decimal | None = None
    quote_max_loan: Decimal | None = None
    base_max_loan: Decimal | None = None


@attrs.define
class ServerTime:
    """OKX's clock, from ``GET /api/v5/public/time``: ``ts`` in Unix milliseconds."""

    ts: int | None = None
