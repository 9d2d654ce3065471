"""Every typed answer reads OKX's own documented example: the models fit what OKX sends.

For each endpoint with a model, the example answer of OKX's documentation (kept in the facts)
is read through the endpoint's model: nothing may fail, and every value the example gives is
kept, typed: a non-empty string becomes a number, a timestamp, a flag or the string itself,
never ``None``; nested lists are read into their models too.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from okx_v5.converter import field_wire_name, is_row
from okx_v5.endpoints import every
from okx_v5.response import OkxResponse

FACTS = Path(__file__).resolve().parent.parent / "okx_v5" / "facts"


def examples() -> list[Any]:
    cases = []
    declared = {(e.method, e.path, e.name): e for e in every()}
    for path in sorted(FACTS.glob("*.json")):
        facts = json.loads(path.read_text())
        if "endpoints" not in facts:  # consts.json, uncovered.json
            continue
        for entry in facts["endpoints"]:
            if entry.get("response") and entry.get("example"):
                endpoint = declared[(entry["http"], entry["path"], entry["name"])]
                cases.append(
                    pytest.param(
                        endpoint, entry["example"], id=f"{facts['module']}.{entry['name']}"
                    )
                )
    return cases


CASES = examples()


def test_most_documented_answers_have_an_example_to_check() -> None:
    assert len(CASES) > 200


def kept(value: object, wire: object) -> bool:
    """Whether a typed ``value`` keeps what the example gave on the wire."""
    if wire in ("", None, []):
        return True
    if value is None:
        return False
    if isinstance(value, Decimal):
        return value == Decimal(str(wire))
    if isinstance(value, bool):
        return value == (wire if isinstance(wire, bool) else str(wire).lower() == "true")
    if isinstance(value, int):
        return value == int(str(wire))
    if isinstance(value, list):
        return len(value) == len(wire)  # type: ignore[arg-type]
    return True


def wire_values(item: object, model: type) -> list[tuple[str, object, object]]:
    fields = attrs.fields(model)
    if is_row(model):
        sequence = list(item)  # type: ignore[call-overload]
        return [
            (f.name, getattr, sequence[i] if i < len(sequence) else None)
            for i, f in enumerate(fields)
        ]
    return [(f.name, getattr, item.get(field_wire_name(f))) for f in fields]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("endpoint", "example"), CASES)
def test_the_documented_example_reads_into_the_model(endpoint: Any, example: list[Any]) -> None:
    result = OkxResponse({"code": "0", "msg": "", "data": example}, endpoint.model_ref)
    items = result.data
    model = endpoint.model
    one = isinstance(example, dict) or (is_row(model) and not isinstance(example[0], list))
    example = [example] if one else example  # data as one object, or as one row
    assert len(items) == len(example)
    if not attrs.has(model):
        assert items == example  # list[str] answers (get_underlying)
        return
    for item, wire_item in zip(items, example, strict=True):
        for name, _, wire in wire_values(wire_item, model):
            value = getattr(item, name)
            assert kept(value, wire), f"{model.__name__}.{name}: {wire!r} read as {value!r}"


def all_models() -> list[type]:
    return list(
        dict.fromkeys(e.model for e in every() if e.model is not None and attrs.has(e.model))
    )


@pytest.mark.parametrize("model", all_models(), ids=lambda model: model.__name__)
def test_an_item_model_has_the_items_fields_not_the_answer_s(model: type) -> None:
    # OKX's answer is {"code", "msg", "data": [items], "inTime", "outTime"}; a model is one item.
    names = {field_wire_name(field) for field in attrs.fields(model)}
    assert not {"code", "msg", "data"} <= names
    assert not names & {"inTime", "outTime"}
