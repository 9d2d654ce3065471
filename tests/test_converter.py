"""The generated structuring path gives exactly what the converter's generic rule gives."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from okx_v5 import converter as conv
from okx_v5.converter import StructureError, converter, structure_items
from okx_v5.models.account import AccountBalance, AccountBalanceDetails, LeverageInfo
from okx_v5.models.market_data import Orderbook
from okx_v5.models.public_data import PositionTier

wire_values = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=6),
    st.sampled_from(["0", "10", " 7 ", "0.0125", "1e3", "NaN", "abc", "²", "-1"]),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False),
    st.booleans(),
)
TIER_NAMES = [conv.wire_name(f.name) for f in attrs.fields(PositionTier)]
tier_items = st.dictionaries(st.sampled_from(TIER_NAMES), wire_values)


def generic(items: list[Any], model: type[Any]) -> list[Any]:
    """The converter's generic attrs rule, item by item, with structure_items' error."""
    try:
        return [converter.structure(item, model) for item in items]
    except Exception:
        raise StructureError(conv._diagnose(items, model)) from None


def outcome(fn: Any, items: list[Any], model: type[Any]) -> object:
    try:
        return repr(fn(items, model))  # repr: Decimal('NaN') is not equal to itself
    except StructureError as exc:
        return ("error", str(exc))


@given(st.lists(tier_items, max_size=4))
def test_generated_path_matches_the_generic_rule_for_any_item(items: list[Any]) -> None:
    assert outcome(structure_items, items, PositionTier) == outcome(generic, items, PositionTier)


DETAIL_NAMES = [conv.field_wire_name(f) for f in attrs.fields(AccountBalanceDetails)]
balance_items = st.fixed_dictionaries(
    {},
    optional={
        "totalEq": wire_values,
        "uTime": wire_values,
        "details": st.one_of(
            wire_values, st.lists(st.dictionaries(st.sampled_from(DETAIL_NAMES), wire_values))
        ),
    },
)


@given(st.lists(balance_items, max_size=3))
def test_generated_path_matches_the_generic_rule_for_nested_lists(items: list[Any]) -> None:
    assert outcome(structure_items, items, AccountBalance) == outcome(
        generic, items, AccountBalance
    )


BOOK_LEVEL = st.lists(wire_values, max_size=5)


@given(st.lists(st.fixed_dictionaries({"asks": st.lists(BOOK_LEVEL), "ts": wire_values})))
def test_generated_path_matches_the_generic_rule_for_nested_rows(items: list[Any]) -> None:
    assert outcome(structure_items, items, Orderbook) == outcome(generic, items, Orderbook)


def test_numbers_read_through_the_cache_are_equal_to_parsed_ones() -> None:
    item = {"instId": "BTC-USDT-SWAP", "lever": "10", "posSide": "long", "ccy": ""}
    first, second = structure_items([item, dict(item)], LeverageInfo)
    assert first == second == LeverageInfo("BTC-USDT-SWAP", None, None, "long", Decimal("10"))


def test_the_number_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conv, "_DECIMALS_MAX", 3)
    conv._decimals.clear()
    conv._decimals[""] = None
    for lever in ("1", "2", "3", "4"):
        structure_items([{"lever": lever}], LeverageInfo)
        assert len(conv._decimals) <= 3
    # Full at "3" ("" is always kept): cleared, then "3" and "4" remembered.
    assert conv._decimals == {"": None, "3": Decimal("3"), "4": Decimal("4")}


@attrs.frozen
class Unusual:
    ts: int = 0
    when: list[str] | None = None


def test_models_outside_the_scalar_rules_use_the_converter() -> None:
    assert structure_items([{"ts": "5", "when": ["a"]}, {}], Unusual) == [
        Unusual(5, ["a"]),
        Unusual(),
    ]


def test_non_attrs_models_use_the_converter() -> None:
    assert structure_items(["5", "6"], int) == [5, 6]
