"""The one structuring rule: each model's generated function gives exactly what reading its
fields one by one through the scalar hooks gives."""

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


def by_hooks(value: Any, model: type[Any]) -> Any:
    """``value`` read as ``model`` the slow way: each field by its wire name (or position)
    through the converter's hook for its type, lists of models item by item."""
    fields = attrs.fields(model)
    if conv.is_row(model):
        if not isinstance(value, list):
            raise TypeError("not an array")
        values = [value[i] if i < len(value) else None for i in range(len(fields))]
    else:
        values = [value.get(conv.field_wire_name(field)) for field in fields]
    read = []
    for wire_value, field in zip(values, fields, strict=True):
        inner = conv._nested(field.type)
        if inner is not None and isinstance(wire_value, list):
            read.append([by_hooks(each, inner) for each in wire_value])
        else:
            read.append(converter.structure(wire_value, field.type))
    return model(*read)


def generic(items: list[Any], model: type[Any]) -> list[Any]:
    """The rule field by field, item by item, with structure_items' error."""
    try:
        return [by_hooks(item, model) for item in items]
    except Exception:
        raise StructureError(conv._diagnose(items, model)) from None


def outcome(fn: Any, items: list[Any], model: type[Any]) -> object:
    try:
        return repr(fn(items, model))  # repr: Decimal('NaN') is not equal to itself
    except StructureError as exc:
        return ("error", str(exc))


@given(st.lists(tier_items, max_size=4))
def test_structuring_reads_each_field_as_its_hook_does(items: list[Any]) -> None:
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
def test_structuring_reads_nested_lists_of_models_as_the_hooks_do(items: list[Any]) -> None:
    assert outcome(structure_items, items, AccountBalance) == outcome(
        generic, items, AccountBalance
    )


BOOK_LEVEL = st.lists(wire_values, max_size=5)


@given(st.lists(st.fixed_dictionaries({"asks": st.lists(BOOK_LEVEL), "ts": wire_values})))
def test_structuring_reads_nested_rows_as_the_hooks_do(items: list[Any]) -> None:
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
    tags: list[str] = attrs.Factory(list)
    seen: int = attrs.field(init=False, default=1)
    note: str | None = attrs.field(default=None, kw_only=True)


def test_fields_outside_the_scalar_rules_are_read_by_their_types_hook_with_their_defaults() -> None:
    assert structure_items([{"ts": "5", "when": ["a"], "note": "n"}, {}], Unusual) == [
        Unusual(5, ["a"], note="n"),
        Unusual(),
    ]


@attrs.frozen
class Required:
    ts: int


def test_a_field_without_a_default_must_be_there() -> None:
    assert structure_items([{"ts": "5"}], Required) == [Required(5)]
    with pytest.raises(StructureError):
        structure_items([{}], Required)


def test_the_converter_structures_a_model_through_the_same_function() -> None:
    item = {"instId": "BTC-USDT-SWAP", "lever": "10"}
    assert converter.structure(item, LeverageInfo) == structure_items([item], LeverageInfo)[0]


def test_non_attrs_models_use_the_converter() -> None:
    assert structure_items(["5", "6"], int) == [5, 6]


def test_an_item_lacking_a_field_among_full_ones_reads_it_as_none() -> None:
    full = {"ccy": "", "instId": "BTC-USDT-SWAP", "mgnMode": "cross", "posSide": "long"}
    full["lever"] = "10"
    partial = {key: value for key, value in full.items() if key != "posSide"}
    assert structure_items([full, partial, full], LeverageInfo) == [
        LeverageInfo("BTC-USDT-SWAP", None, "cross", "long", Decimal("10")),
        LeverageInfo("BTC-USDT-SWAP", None, "cross", None, Decimal("10")),
        LeverageInfo("BTC-USDT-SWAP", None, "cross", "long", Decimal("10")),
    ]


@attrs.define
class Counted:
    ts: int | None = None
    made: list[int] = attrs.field(factory=list, init=False)

    def __attrs_post_init__(self) -> None:
        self.made.append(self.ts or 0)


def test_a_model_not_written_by_the_generator_is_made_by_its_init() -> None:
    (item,) = structure_items([{"ts": "5"}], Counted)
    assert item.made == [5]
