"""OKX's words in the SDK: each parameter and each response field OKX documents carries OKX's
description (the facts' ``doc``), and ``help()``, the models' docstrings, the declarations and
the CLI's ``--help`` show it."""

from __future__ import annotations

import json
import pydoc
import re
from pathlib import Path
from typing import Any

import pytest

from okx_v5 import cli
from okx_v5.endpoint import Endpoint
from okx_v5.endpoints import groups
from okx_v5.models.trade import Order
from okx_v5.Trade import TradeAPI

FACTS = Path(__file__).resolve().parent.parent / "okx_v5" / "facts"

# Fields OKX's tables list with an empty description: each is a list of items whose own fields
# OKX does describe (their models' fields carry those descriptions).
UNDESCRIBED_FIELDS = {
    ("PublicData", "MarketDataHistory", "details"),
    ("PublicData", "MarketDataHistoryDetails", "groupDetails"),
    ("SpreadTrading", "Spreads", "legs"),
}


def module_facts() -> list[dict[str, Any]]:
    found = []
    for path in sorted(FACTS.glob("*.json")):
        facts = json.loads(path.read_text(encoding="utf-8"))
        if "endpoints" in facts:  # not consts.json, uncovered.json, websocket.json
            found.append(facts)
    return found


MODULES = module_facts()


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_parameter_okx_documents_has_its_description() -> None:
    missing = [
        f"{facts['module']}.{entry['name']}({param['name']})"
        for facts in MODULES
        for entry in facts["endpoints"]
        for param in entry["params"]
        if "type" in param and not param.get("doc")
    ]
    assert missing == []


def test_every_model_field_has_its_description_but_the_empty_ones_okx_leaves() -> None:
    undescribed = {
        (facts["module"], name, field["name"])
        for facts in MODULES
        for name, model in facts["models"].items()
        for field in model["fields"]
        if not field.get("doc")
    }
    assert undescribed == UNDESCRIBED_FIELDS


def test_every_described_parameter_is_declared_with_its_description() -> None:
    by_module = {group.MODULE: group for group in groups()}
    for facts in MODULES:
        for entry in facts["endpoints"]:
            endpoint = getattr(by_module[facts["module"]], entry["name"].upper())
            assert isinstance(endpoint, Endpoint)
            declared = {param.key: param.doc for param in endpoint.params}
            for param in entry["params"]:
                if param.get("doc") and param.get("send") != "never":
                    first = param["doc"].splitlines()[0]
                    assert first in declared[param.get("key", param["name"])], entry["name"]


def test_help_of_place_order_gives_the_meaning_of_each_of_its_21_parameters() -> None:
    text = flat(pydoc.render_doc(TradeAPI.place_order, renderer=pydoc.plaintext))
    (entry,) = [
        entry
        for facts in MODULES
        if facts["module"] == "Trade"
        for entry in facts["endpoints"]
        if entry["name"] == "place_order"
    ]
    assert len(entry["params"]) == 21
    for param in entry["params"]:
        first = flat(param["doc"].splitlines()[0]).rstrip(".")
        assert re.search(rf"\b{param['name']}: [^:]*{re.escape(first)}", text), param["name"]


def test_a_model_docstring_gives_each_field_okx_s_name_and_description() -> None:
    doc = flat(Order.__doc__ or "")
    assert "acc_fill_sz: ``accFillSz``: Accumulated fill quantity." in doc
    assert "u_time: ``uTime``: Update time, Unix timestamp format in milliseconds" in doc


def test_an_enumeration_s_values_are_explained_in_the_docstring() -> None:
    doc = TradeAPI.place_order.__doc__ or ""
    assert "``post_only``: Post-only order." in doc
    assert "``fok``: Fill-or-kill order." in doc


def test_cli_help_shows_okx_s_description_of_an_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["trade", "place-order", "--help"]) == 0
    out = flat(capsys.readouterr().out)
    assert "--px PX Order price. Only applicable to" in out
    assert "where 1 represents 100%." in out  # a percent sign in a description is no format
