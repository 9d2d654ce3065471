"""The values OKX lists for a parameter reach the generated declarations, in OKX's spelling.

For every parameter whose facts list ``choices``, the declaration generated from them (found in
``okx_v5.endpoints`` by its module and method name) must take each listed value and send it as
OKX writes it. The values and marks added from OKX's newer documentation are checked by name.
Every documented parameter's declaration carries the type the facts give it (``Param.kind``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from okx_v5.endpoint import Endpoint
from okx_v5.endpoints import groups
from okx_v5.params import Choice, Param

FACTS = Path(__file__).resolve().parent.parent / "okx_v5" / "facts"

# Values OKX documents beyond the openxapi snapshot, by (module, method, parameter).
ADDED = {
    ("Trade", "place_order", "ordType"): ["elp"],
}
# Parameters OKX lets take several of their values, comma-joined.
MULTIPLE = [
    ("Trade", "order_algos_list", "ordType"),
    ("Trade", "order_algos_history", "ordType"),
    ("Trade", "get_order_list", "ordType"),
    ("Trade", "get_orders_history", "ordType"),
    ("Trade", "get_orders_history_archive", "ordType"),
    ("SubAccount", "reset_subaccount_apikey", "perm"),
]


def facts_params() -> dict[tuple[str, str, str], dict[str, Any]]:
    """Each documented parameter's facts, by (module, method, wire key)."""
    found = {}
    for path in sorted(FACTS.glob("*.json")):
        facts = json.loads(path.read_text(encoding="utf-8"))
        if "endpoints" not in facts:  # consts.json, uncovered.json
            continue
        for entry in facts["endpoints"]:
            for param in entry["params"]:
                if "type" in param:  # what OKX documents of the key it sends
                    key = param.get("key", param["name"])
                    found[(facts["module"], entry["name"], key)] = param
    return found


PARAMS = facts_params()
WITH_CHOICES = [
    pytest.param(where, param["choices"], id=".".join(where))
    for where, param in PARAMS.items()
    if param.get("choices")
]


def declared(module: str, method: str, key: str) -> Param:
    """The generated declaration's parameter ``key`` of ``module``'s method ``method``."""
    group = {group.MODULE: group for group in groups()}[module]
    endpoint = getattr(group, method.upper())
    assert isinstance(endpoint, Endpoint)
    (param,) = [p for p in endpoint.params if p.key == key]
    return param


def test_the_facts_list_values_for_well_over_a_hundred_parameters() -> None:
    assert len(WITH_CHOICES) > 130


@pytest.mark.parametrize(("where", "values"), WITH_CHOICES)
def test_every_listed_value_is_accepted_as_okx_spells_it(
    where: tuple[str, str, str], values: list[str]
) -> None:
    rule = declared(*where).rule
    assert isinstance(rule, Choice)
    assert [rule(value) for value in values] == values


@pytest.mark.parametrize(("where", "values"), WITH_CHOICES)
def test_a_listed_value_in_another_case_is_sent_as_okx_spells_it(
    where: tuple[str, str, str], values: list[str]
) -> None:
    rule = declared(*where).rule
    assert isinstance(rule, Choice)
    assert [rule(value.swapcase()) for value in values] == values


@pytest.mark.parametrize(
    ("where", "values"), [pytest.param(w, v, id=".".join(w)) for w, v in ADDED.items()]
)
def test_the_values_okx_documented_later_are_listed(
    where: tuple[str, str, str], values: list[str]
) -> None:
    assert set(values) <= set(PARAMS[where]["choices"])
    rule = declared(*where).rule
    assert isinstance(rule, Choice)
    assert set(values) <= set(rule.values)


@pytest.mark.parametrize("where", [pytest.param(w, id=".".join(w)) for w in MULTIPLE])
def test_a_parameter_okx_takes_comma_joined_is_marked_multiple(
    where: tuple[str, str, str],
) -> None:
    assert PARAMS[where].get("multiple") is True


def test_only_parameters_with_listed_values_are_marked_multiple() -> None:
    marked = [where for where, param in PARAMS.items() if "multiple" in param]
    assert marked
    assert all(PARAMS[where].get("choices") for where in marked)


def test_every_documented_parameter_is_declared_with_the_type_okx_documents() -> None:
    kinds = {where: declared(*where).kind for where in PARAMS}
    assert kinds == {where: param["type"] for where, param in PARAMS.items()}


def test_a_parameter_okx_documents_nothing_of_is_declared_of_any_kind() -> None:
    # place_order's instIdCode is python-okx's argument; no OKX snapshot documents it.
    assert ("Trade", "place_order", "instIdCode") not in PARAMS
    assert declared("Trade", "place_order", "instIdCode").kind == "any"


def test_a_declaration_gives_the_values_okx_lists_and_none_where_it_lists_none() -> None:
    assert declared("Trade", "place_order", "side").values == ("buy", "sell")
    assert declared("Trade", "place_order", "instId").values == ()
