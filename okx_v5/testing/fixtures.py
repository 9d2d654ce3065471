"""Fixture data of the fake exchange: position tiers shaped like OKX's answers.

Every value is a string, exactly as OKX sends it. Within one family the tiers are monotonic:
``minSz`` of tier n+1 is ``maxSz`` of tier n, ``imr`` and ``mmr`` rise, ``maxLever`` falls.
The tables are built by ``build_tiers`` when a fake exchange is created, not on import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "DERIVATIVE_TYPES",
    "INST_TYPES",
    "TD_MODES",
    "TierKey",
    "build_tiers",
    "fmt",
]

INST_TYPES = ("MARGIN", "SWAP", "FUTURES", "OPTION")
"""The ``instType`` values the position-tiers endpoint accepts."""

DERIVATIVE_TYPES = ("SWAP", "FUTURES", "OPTION")
"""Instrument types whose tiers are looked up by instrument family."""

TD_MODES = ("cross", "isolated")
"""The ``tdMode`` values the position-tiers endpoint accepts."""

# Leverage steps OKX uses on its ladders, highest first; a family takes those under its cap.
_LEVER_LADDER = (125, 100, 75, 50, 40, 30, 25, 20, 18, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5)
_LEVER_TAIL = (4, 3, 2, 1)


@dataclass(frozen=True)
class _Family:
    """How one ladder is generated: its cap, its number of tiers and its size unit."""

    name: str
    max_lever: int
    tiers: int
    first_size: int


@dataclass(frozen=True)
class TierKey:
    """Where a list of tiers is filed: instrument type and family, instId or ccy."""

    inst_type: str
    family: str = ""
    inst_id: str = ""
    ccy: str = ""


_SWAP = (
    _Family("BTC-USDT", 125, 25, 500),
    _Family("ETH-USDT", 100, 25, 1000),
    _Family("BTC-USD", 125, 25, 200),
    _Family("ETH-USD", 100, 25, 400),
    _Family("SOL-USDT", 50, 22, 2000),
    _Family("DOGE-USDT", 75, 23, 5000),
)
_FUTURES = (
    _Family("BTC-USDT", 125, 20, 500),
    _Family("ETH-USDT", 100, 20, 1000),
    _Family("BTC-USD", 125, 20, 200),
    _Family("ETH-USD", 100, 20, 400),
)
_OPTION = (
    _Family("BTC-USD", 10, 8, 1000),
    _Family("ETH-USD", 10, 8, 2000),
)
# MARGIN pairs: (instId, max lever, first base amount, rough price of the base currency).
_MARGIN_PAIRS = (
    ("BTC-USDT", 10, 50, 10_000),
    ("ETH-USDT", 10, 500, 1_000),
    ("SOL-USDT", 5, 5_000, 100),
    ("ETH-BTC", 5, 200, 0.05),
)
# MARGIN currencies: (ccy, max lever, first borrowing amount).
_MARGIN_CCYS = (
    ("BTC", 10, 20),
    ("ETH", 10, 200),
    ("USDT", 10, 500_000),
    ("SOL", 5, 2_000),
)


def fmt(value: Decimal | float | int) -> str:
    """Return ``value`` as OKX writes numbers: plain digits, no exponent, no trailing zeros."""
    return format(Decimal(str(value)).normalize(), "f")


def _levers(max_lever: int, count: int) -> list[int]:
    """Return ``count`` strictly decreasing leverages starting at the ladder step ``max_lever``."""
    ladder = [step for step in _LEVER_LADDER if step <= max_lever]
    while len(ladder) + len(_LEVER_TAIL) > count and len(ladder) > 1:
        ladder.pop()
    return (ladder + list(_LEVER_TAIL))[:count]


def _rates(lever: int) -> tuple[Decimal, Decimal]:
    """Return (imr, mmr) for a tier of maximum leverage ``lever``: imr = 1/lever, mmr = imr/2."""
    imr = (Decimal(1) / Decimal(lever)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return imr, imr / 2


def _sizes(first: int, count: int) -> list[tuple[int, int]]:
    """Return (minSz, maxSz) per tier; each bracket is wider than the one before."""
    bounds: list[tuple[int, int]] = []
    low = 0
    for n in range(1, count + 1):
        high = low + first * n
        bounds.append((low, high))
        low = high
    return bounds


def _row(
    *,
    tier: int,
    lever: int,
    bounds: tuple[int, int],
    uly: str = "",
    inst_id: str = "",
    opt_mgn_factor: str = "0",
    base_max_loan: str = "",
    quote_max_loan: str = "",
) -> dict[str, str]:
    imr, mmr = _rates(lever)
    return {
        "baseMaxLoan": base_max_loan,
        "imr": fmt(imr),
        "instFamily": uly,
        "instId": inst_id,
        "maxLever": fmt(lever),
        "maxSz": fmt(bounds[1]),
        "minSz": fmt(bounds[0]),
        "mmr": fmt(mmr),
        "optMgnFactor": opt_mgn_factor,
        "quoteMaxLoan": quote_max_loan,
        "tier": str(tier),
        "uly": uly,
    }


def _family_rows(family: _Family, *, option: bool) -> list[dict[str, str]]:
    levers = _levers(family.max_lever, family.tiers)
    sizes = _sizes(family.first_size, len(levers))
    return [
        _row(
            tier=n,
            lever=lever,
            bounds=bounds,
            uly=family.name,
            # Options carry a margin coefficient that grows with the position.
            opt_mgn_factor=fmt(Decimal(1) + Decimal("0.1") * (n - 1)) if option else "0",
        )
        for n, (lever, bounds) in enumerate(zip(levers, sizes, strict=True), start=1)
    ]


def _margin_rows(inst_id: str, max_lever: int, first: int, price: float) -> list[dict[str, str]]:
    levers = _levers(max_lever, 6)
    sizes = _sizes(first, len(levers))
    return [
        _row(
            tier=n,
            lever=lever,
            bounds=bounds,
            inst_id=inst_id,
            base_max_loan=fmt(bounds[1]),
            quote_max_loan=fmt(Decimal(str(price)) * bounds[1]),
        )
        for n, (lever, bounds) in enumerate(zip(levers, sizes, strict=True), start=1)
    ]


def _ccy_rows(max_lever: int, first: int) -> list[dict[str, str]]:
    levers = _levers(max_lever, 6)
    sizes = _sizes(first, len(levers))
    return [
        _row(tier=n, lever=lever, bounds=bounds)
        for n, (lever, bounds) in enumerate(zip(levers, sizes, strict=True), start=1)
    ]


def _by_family(inst_type: str, families: Sequence[_Family]) -> dict[TierKey, list[dict[str, str]]]:
    return {
        TierKey(inst_type, family=family.name): _family_rows(family, option=inst_type == "OPTION")
        for family in families
    }


def build_tiers() -> dict[TierKey, list[dict[str, str]]]:
    """Return the fake exchange's tier tables, keyed by where each list is looked up."""
    tables: dict[TierKey, list[dict[str, str]]] = {}
    tables.update(_by_family("SWAP", _SWAP))
    tables.update(_by_family("FUTURES", _FUTURES))
    tables.update(_by_family("OPTION", _OPTION))
    for inst_id, lever, first, price in _MARGIN_PAIRS:
        tables[TierKey("MARGIN", inst_id=inst_id)] = _margin_rows(inst_id, lever, first, price)
    for ccy, lever, first in _MARGIN_CCYS:
        tables[TierKey("MARGIN", ccy=ccy)] = _ccy_rows(lever, first)
    return tables
