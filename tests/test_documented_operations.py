"""Every REST operation OKX documents has a method, unless the facts say why not.

OKX's documented operations are those of the openxapi snapshot the facts come from, and those
only the coincise conversion of OKX's newer pages has (each counted under its source): the ones
a method calls (python-okx's, or okx_v5's own) cite that snapshot as their source, and
``okx_v5/facts/uncovered.json``, which ``tools/draft_facts.py`` writes from the same
snapshots, counts them by source and lists every other one, each with its source and the
reason it has no method.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from okx_v5.endpoints import every, find

FACTS = Path(__file__).resolve().parent.parent / "okx_v5" / "facts"
UNCOVERED = json.loads((FACTS / "uncovered.json").read_text(encoding="utf-8"))
WITHOUT = UNCOVERED["operations"]
SOURCES = ("openxapi", "coincise")


def entries() -> list[dict[str, Any]]:
    """Every endpoint entry of the module files."""
    found = []
    for path in sorted(FACTS.glob("*.json")):
        facts = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(facts.get("endpoints"), list):
            found += facts["endpoints"]
    return found


def called(source: str, python_okx: bool) -> set[tuple[str, str]]:
    """The operations ``source`` documents that python-okx's methods (or okx_v5's own) call."""
    return {
        (entry["http"], entry["path"])
        for entry in entries()
        if entry["source"] == source and entry.get("python_okx", True) is python_okx
    }


@pytest.mark.parametrize("source", SOURCES)
def test_each_documented_operation_has_a_method_or_is_listed_without_one(source: str) -> None:
    theirs, ours = called(source, True), called(source, False) - called(source, True)
    listed = {(op["http"], op["path"]) for op in WITHOUT if op["source"] == source}
    assert not listed & (theirs | ours)
    assert (len(theirs), len(ours)) == (UNCOVERED["called"][source], UNCOVERED["added"][source])
    assert len(theirs) + len(ours) + len(listed) == UNCOVERED["documented"][source]


def test_the_operations_are_counted_under_the_two_snapshots_openxapi_s_and_coincise_s() -> None:
    assert set(UNCOVERED["documented"]) == set(SOURCES)
    assert set(UNCOVERED["sources"]) >= set(SOURCES)
    assert {op["source"] for op in WITHOUT} <= set(SOURCES)


def test_an_operation_is_listed_without_a_method_once_under_one_source() -> None:
    listed = [(op["http"], op["path"].lower()) for op in WITHOUT]
    assert len(set(listed)) == len(listed)


def test_an_operation_without_a_method_is_left_out_for_a_stated_reason() -> None:
    unexplained = [op["path"] for op in WITHOUT if not op["reason"]]
    assert not unexplained, "give each a method (draft_facts.py --operations) or a reason"
    assert [op["path"] for op in WITHOUT if find(op["http"], op["path"])] == []


def test_okx_v5_s_own_methods_are_declared_as_none_of_python_okx_s() -> None:
    own = [endpoint for endpoint in every() if not endpoint.python_okx]
    assert {(endpoint.method, endpoint.path) for endpoint in own} == set().union(
        *(called(source, False) for source in SOURCES)
    )
    assert sum(endpoint.python_okx for endpoint in every()) == 279
