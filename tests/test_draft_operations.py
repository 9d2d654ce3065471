"""okx_v5's own methods, drafted by ``tools/draft_facts.py --operations``: an operation OKX
documents that python-okx has no method for gets a method named in python-okx's style, whose
signature takes what OKX requires positionally and the rest keyword-only.

Each test gives the drafter a small documented operation of its own; none needs a repository.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
sys.path.insert(0, str(TOOLS))  # the tools import each other as scripts do

import draft_facts  # noqa: E402
from facts_sources import DocField, DocOp, DocParam, DraftError  # noqa: E402


def load_tool(name: str) -> ModuleType:
    """``tools/<name>.py`` as a module (``tools`` is no package)."""
    spec = importlib.util.spec_from_file_location(name, TOOLS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_facts = load_tool("check_facts")
MASS_CANCEL = {"http": "POST", "path": "/api/v5/trade/mass-cancel", "module": "Trade"}
MASS = ("POST", "/api/v5/trade/mass-cancel")
OPENXAPI_SOURCE = {"repository": "openxapi/openxapi", "commit": "0" * 40, "path": "specs"}


def mass_cancel_docs() -> tuple[DocOp, DocOp]:
    """The spec (its body's keys sorted, as openxapi writes them) and OKX's page (its order)."""
    spec = DocOp(
        source="openxapi",
        title="Mass cancel order",
        signed=True,
        limit_lines=["Rate Limit: 5 requests per 2 seconds", "Rate limit rule: User ID"],
        params={
            "instFamily": DocParam("instFamily", "string", True, "Instrument family"),
            "instType": DocParam("instType", "string", True, "Instrument type\n`OPTION`"),
            "lockInterval": DocParam("lockInterval", "string", False, "Lock interval (ms)"),
        },
        fields=[DocField("result", "boolean", "Result of the request `true`, `false`")],
        example=[{"result": True}],
    )
    page = DocOp(source="okx-docs", anchor="order-book-trading-trade-post-mass-cancel-order")
    page.params = {name: spec.params[name] for name in ("instType", "instFamily", "lockInterval")}
    return spec, page


def drafted_mass_cancel() -> draft_facts.Draft:
    spec, page = mass_cancel_docs()
    key = (MASS_CANCEL["http"], MASS_CANCEL["path"])
    docs = draft_facts.Docs({key: spec}, {key: page}, {}, {}, "2025-11-30")
    method = draft_facts.own_method("Trade", MASS_CANCEL, spec, page)
    return draft_facts.own_entry(draft_facts.draft_endpoint(method, docs))


def module_facts(entry: dict[str, Any], models: dict[str, Any], own: bool = False) -> Any:
    sources: dict[str, Any] = {"openxapi": OPENXAPI_SOURCE, "okx-docs": OPENXAPI_SOURCE}
    if not own:
        sources["python-okx"] = {"package": "python-okx", "version": "0.4.4", "path": "okx/"}
    return {
        "module": "SignalBot" if own else "Trade",
        "class": "SignalBotAPI" if own else "TradeAPI",
        "sources": sources,
        "endpoints": [entry],
        "models": models,
    }


@pytest.mark.parametrize(
    ("http", "path", "name"),
    [
        ("GET", "/api/v5/market/history-mark-price-candles", "get_history_mark_price_candlesticks"),
        ("GET", "/api/v5/public/economic-calendar", "get_economic_calendar"),
        ("POST", "/api/v5/trade/cancel-all-after", "cancel_all_after"),
        ("POST", "/api/v5/account/set-riskOffset-amt", "set_risk_offset_amt"),
        ("POST", "/api/v5/tradingBot/signal/amendTPSL", "signal_amend_tpsl"),
        ("GET", "/api/v5/tradingBot/grid/grid-quantity", "grid_quantity"),
        ("GET", "/api/v5/fiat/deposit-order-history", "get_fiat_deposit_order_history"),
        ("POST", "/api/v5/fiat/cancel-withdrawal", "cancel_fiat_withdrawal"),
    ],
)
def test_an_operation_is_named_in_python_okx_s_style(http: str, path: str, name: str) -> None:
    assert draft_facts.operation_name(http, path) == name


def test_a_name_corrected_by_hand_says_why_in_the_notes() -> None:
    op = {"http": "GET", "path": "/api/v5/market/books-full"}
    method = draft_facts.own_method("MarketData", op, DocOp(source="openxapi"), None)
    assert method.name == "get_full_orderbook"
    assert method.notes[0].startswith("name: as python-okx's get_orderbook")


def test_a_python_keyword_key_is_an_argument_with_a_trailing_underscore() -> None:
    assert (draft_facts.argument_name("from"), draft_facts.argument_name("ccy")) == ("from_", "ccy")


def test_required_parameters_are_positional_in_okx_s_order_the_others_keyword_only() -> None:
    spec, page = mass_cancel_docs()
    method = draft_facts.own_method("Trade", MASS_CANCEL, spec, page)
    assert method.args == [
        {"name": "instType"},
        {"name": "instFamily"},
        {"name": "lockInterval", "default": None},
    ]
    assert [wire["send"] for wire in method.wire] == ["always", "always", {"unless": None}]


def test_an_own_entry_has_no_constant_and_marks_its_optional_arguments_keyword() -> None:
    entry = drafted_mass_cancel().entry
    assert (entry["const"], entry["python_okx"], entry["name"]) == (None, False, "mass_cancel")
    assert list(entry)[:6] == ["name", "summary", "http", "path", "const", "python_okx"]
    assert entry["params"][2] == {
        "name": "lockInterval",
        "default": None,
        "keyword": True,
        "send": {"unless": None},
        "type": "str",
        "source": "openxapi",
        "doc": "Lock interval (ms)",
    }
    assert (entry["signed"], entry["response"]) == (
        True,
        {"model": "MassCancel", "source": "openxapi"},
    )


def test_a_drafted_own_entry_follows_the_schema_and_the_checks() -> None:
    draft = drafted_mass_cancel()
    facts = module_facts(draft.entry, draft.models)
    assert check_facts.problems(Path("Trade.json"), facts) == []


def test_a_module_of_okx_v5_s_own_needs_no_python_okx_source() -> None:
    draft = drafted_mass_cancel()
    facts = module_facts(draft.entry, draft.models, own=True)
    assert check_facts.problems(Path("SignalBot.json"), facts) == []


def test_python_okx_s_methods_without_the_python_okx_source_are_refused() -> None:
    draft = drafted_mass_cancel()
    entry = {k: v for k, v in draft.entry.items() if k != "python_okx"} | {"const": "X"}
    found = check_facts.problems(Path("SignalBot.json"), module_facts(entry, draft.models, True))
    assert any("without the python-okx source" in problem for problem in found)


def test_an_own_entry_with_a_python_okx_constant_is_refused() -> None:
    draft = drafted_mass_cancel()
    facts = module_facts(draft.entry | {"const": "MASS_CANCEL"}, draft.models)
    assert any(
        "null exactly for okx_v5's own" in p for p in check_facts.problems(Path("T.json"), facts)
    )


def test_an_optional_argument_of_an_own_method_taken_positionally_is_refused() -> None:
    draft = drafted_mass_cancel()
    draft.entry["params"][2].pop("keyword")
    found = check_facts.problems(Path("Trade.json"), module_facts(draft.entry, draft.models))
    assert any("takes positionally only what OKX requires" in problem for problem in found)


def test_a_keyword_argument_of_an_own_method_with_another_default_is_refused() -> None:
    draft = drafted_mass_cancel()
    draft.entry["params"][2]["default"] = ""
    found = check_facts.problems(Path("Trade.json"), module_facts(draft.entry, draft.models))
    assert any("None by default, sent unless None" in problem for problem in found)


def test_a_model_of_a_shape_the_module_has_is_shared() -> None:
    draft = drafted_mass_cancel()
    existing = {"CancelAllOrders": draft.models["MassCancel"]}
    shared = draft_facts.shared_models(draft, existing)
    assert shared.entry["response"]["model"] == "CancelAllOrders"
    assert shared.models == {}


def test_another_model_of_the_same_name_stops_the_drafter() -> None:
    draft = drafted_mass_cancel()
    other = {"source": "openxapi", "row": False, "fields": [{"name": "x", "type": "str"}]}
    with pytest.raises(DraftError, match="MassCancel exists"):
        draft_facts.shared_models(draft, {"MassCancel": other})


def test_a_redraft_of_python_okx_s_methods_keeps_okx_v5_s_own_entries() -> None:
    draft = drafted_mass_cancel()
    existing = {"endpoints": [draft.entry], "models": draft.models}
    entries: list[Any] = []
    models: dict[str, Any] = {}
    draft_facts.keep_own(entries, models, existing)
    assert (entries, models) == ([draft.entry], draft.models)


def test_uncovered_lists_only_operations_without_a_method_with_their_reasons(
    tmp_path: Path,
) -> None:
    spec, _ = mass_cancel_docs()
    own = drafted_mass_cancel().entry
    theirs = {"name": "place_order", "http": "POST", "path": "/api/v5/trade/order"}
    facts = {"module": "Trade", "endpoints": [theirs, own]}
    (tmp_path / "Trade.json").write_text(json.dumps(facts), encoding="utf-8")
    openxapi = {
        ("POST", "/api/v5/trade/order"): DocOp(source="openxapi", tag="Trade"),
        ("POST", "/api/v5/trade/mass-cancel"): spec,
        ("POST", "/api/v5/trade/order-precheck"): DocOp(source="openxapi", tag="Trade"),
    }
    reasons = {("POST", "/api/v5/trade/order-precheck"): "left out on purpose"}
    found = draft_facts.uncovered_file(openxapi, {}, tmp_path, reasons)
    counts = [found[key]["openxapi"] for key in ("documented", "called", "added")]
    assert counts == [3, 1, 1]
    assert [(op["path"], op["module"], op["reason"]) for op in found["operations"]] == [
        ("/api/v5/trade/order-precheck", "Trade", "left out on purpose")
    ]


def coincise_facts(tmp_path: Path) -> tuple[dict[Any, DocOp], dict[Any, DocOp]]:
    """openxapi's place_order, which python-okx calls, with its docs anchor, in a facts folder."""
    theirs = {"name": "place_order", "http": "POST", "path": "/api/v5/trade/order"}
    facts = {"module": "Trade", "endpoints": [theirs]}
    (tmp_path / "Trade.json").write_text(json.dumps(facts), encoding="utf-8")
    order = ("POST", "/api/v5/trade/order")
    page = DocOp(source="okx-docs", anchor="order-book-trading-trade-post-place-order")
    return {order: DocOp(source="openxapi", tag="Trade")}, {order: page}


def test_an_operation_only_coincise_documents_is_counted_and_listed_under_coincise(
    tmp_path: Path,
) -> None:
    openxapi, okx_docs = coincise_facts(tmp_path)
    anchor = "order-book-trading-trade-post-mass-cancel-order"
    coincise = {
        ("POST", "/api/v5/trade/order"): DocOp(source="coincise"),
        MASS: DocOp(source="coincise", title="Mass cancel order", anchor=anchor),
    }
    found = draft_facts.uncovered_file(openxapi, okx_docs, tmp_path, None, coincise)
    assert found["documented"] == {"openxapi": 1, "coincise": 1}
    assert found["called"] == {"openxapi": 1, "coincise": 0}
    (op,) = found["operations"]
    assert (op["source"], op["path"], op["tag"], op["module"], op["docs"]) == (
        "coincise",
        MASS[1],
        "Trade",
        "Trade",
        anchor,
    )


def test_a_path_coincise_writes_in_another_case_than_openxapi_is_not_another_operation(
    tmp_path: Path,
) -> None:
    openxapi, okx_docs = coincise_facts(tmp_path)
    coincise = {("POST", "/api/v5/trade/Order"): DocOp(source="coincise")}
    found = draft_facts.uncovered_file(openxapi, okx_docs, tmp_path, None, coincise)
    assert found["documented"] == {"openxapi": 1, "coincise": 0}
    assert found["operations"] == []


def test_a_shared_nested_model_is_named_where_its_parent_refers_to_it() -> None:
    draft = drafted_mass_cancel()
    nested = {"source": "openxapi", "row": False, "fields": [{"name": "x", "type": "str"}]}
    draft.models["MassCancelItems"] = nested
    draft.models["MassCancel"]["fields"].append({"name": "items", "type": "list[MassCancelItems]"})
    shared = draft_facts.shared_models(draft, {"Items": nested})
    assert shared.models["MassCancel"]["fields"][-1]["type"] == "list[Items]"
    assert "MassCancelItems" not in shared.models


def test_a_value_okx_lists_twice_is_one_choice_with_a_note() -> None:
    draft = drafted_mass_cancel()
    draft.entry["params"][0]["choices"] = ["OPTION", "SWAP", "OPTION"]
    entry = draft_facts.own_entry(draft).entry
    assert entry["params"][0]["choices"] == ["OPTION", "SWAP"]
    assert "OKX lists some of instType's values twice" in entry["notes"][-1]
