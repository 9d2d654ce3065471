"""The facts files follow their JSON Schemas, and the schemas catch a wrong fact.

``tools/check_facts.py`` is the check CI runs; these tests prove each file passes and that a
typo'd key, a value of the wrong type, a missing key or a dangling reference is refused.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from .helpers import tool

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "okx_v5" / "facts"


check_facts = tool("check_facts")
facts_model = tool("facts_model")

FILES = check_facts.facts_files()
TRADE = FACTS / "Trade.json"


def trade() -> Any:
    """A fresh copy of ``Trade.json``'s facts, to spoil."""
    return copy.deepcopy(json.loads(TRADE.read_text(encoding="utf-8")))


def endpoint(facts: Any, name: str) -> Any:
    return next(entry for entry in facts["endpoints"] if entry["name"] == name)


def param(entry: Any, name: str) -> Any:
    return next(param for param in entry["params"] if param["name"] == name)


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_the_facts_file_follows_its_schema(path: Path) -> None:
    assert check_facts.problems(path) == []


def test_every_facts_file_has_a_schema_that_is_a_valid_draft_2020_12_schema() -> None:
    schemas = {check_facts.schema_for(path) for path in FILES}
    assert len(schemas) == 5  # the modules', consts', uncovered's, paging's and websocket's
    for schema in schemas:
        check_facts.validator(schema)  # raises SchemaError on an invalid schema


def test_the_check_covers_the_module_files_and_the_three_others() -> None:
    names = {path.name for path in FILES}
    assert {"Account.json", "Finance.Savings.json", "consts.json", "uncovered.json"} <= names
    assert not any(name.endswith(".schema.json") for name in names)


def test_a_misspelt_endpoint_key_is_refused() -> None:
    facts = trade()
    entry = endpoint(facts, "place_order")
    entry["client_order_ids"] = entry.pop("client_order_id")
    found = check_facts.problems(TRADE, facts)
    assert any("'client_order_ids' was unexpected" in problem for problem in found)


def test_a_misspelt_parameter_fact_is_refused() -> None:
    facts = trade()
    param(endpoint(facts, "place_order"), "side")["choice"] = ["buy", "sell"]
    found = check_facts.problems(TRADE, facts)
    assert any("/params/2: Additional properties" in problem for problem in found)


def test_a_batch_limit_of_the_wrong_type_is_refused() -> None:
    facts = trade()
    endpoint(facts, "place_multiple_orders")["batch"]["max_items"] = "20"
    found = check_facts.problems(TRADE, facts)
    assert any("/batch/max_items: '20' is not of type 'integer'" in p for p in found)


def test_a_parameter_max_items_of_the_wrong_type_is_refused() -> None:
    facts = trade()
    limited = next(p for e in facts["endpoints"] for p in e["params"] if "max_items" in p)
    limited["max_items"] = 2.5
    assert check_facts.problems(TRADE, facts)


def test_a_client_order_id_without_its_source_is_refused() -> None:
    facts = trade()
    del endpoint(facts, "place_order")["client_order_id"]["source"]
    found = check_facts.problems(TRADE, facts)
    assert any("'source' is a required property" in problem for problem in found)


def test_an_endpoint_without_a_required_key_is_refused() -> None:
    facts = trade()
    del endpoint(facts, "get_order")["rate_limits"]
    found = check_facts.problems(TRADE, facts)
    assert any("'rate_limits' is a required property" in problem for problem in found)


def test_a_parameter_marked_not_required_is_refused_as_the_readme_omits_it() -> None:
    facts = trade()
    param(endpoint(facts, "get_order"), "instId")["required"] = False
    assert check_facts.problems(TRADE, facts)


def test_an_unknown_send_rule_is_refused() -> None:
    facts = trade()
    endpoint(facts, "get_order")["params"][0]["send"] = "if_given"
    assert any("/params/0/send" in problem for problem in check_facts.problems(TRADE, facts))


def test_the_common_send_rule_written_out_is_refused_as_it_is_the_default() -> None:
    facts = trade()
    endpoint(facts, "get_order")["params"][0]["send"] = "always"
    assert any("/params/0/send" in problem for problem in check_facts.problems(TRADE, facts))


def test_a_model_field_of_an_unknown_type_is_refused() -> None:
    facts = trade()
    next(iter(facts["models"].values()))["fields"][0]["type"] = "float"
    assert check_facts.problems(TRADE, facts)


def test_a_source_not_listed_in_sources_is_refused() -> None:
    facts = trade()
    number = facts["endpoints"].index(endpoint(facts, "get_order"))
    facts["endpoints"][number]["rate_limits"][0]["source"] = "okx-docs-2031"
    assert check_facts.problems(TRADE, facts) == [
        f"Trade.json: /endpoints/{number}/rate_limits/0/source: source 'okx-docs-2031' is not"
        " in sources"
    ]


def test_a_response_model_that_is_not_defined_is_refused() -> None:
    facts = trade()
    endpoint(facts, "get_order")["response"]["model"] = "Orderr"
    found = check_facts.problems(TRADE, facts)
    assert any("model 'Orderr' is not in models" in problem for problem in found)


def test_a_key_written_where_it_is_the_arguments_name_is_refused() -> None:
    facts = trade()
    entry = endpoint(facts, "get_order")
    entry["params"][0]["key"] = entry["params"][0]["name"]
    found = check_facts.problems(TRADE, facts)
    assert any("/params/0/key: 'instId' is the argument's name" in p for p in found)


def test_an_argument_named_twice_is_refused() -> None:
    facts = trade()
    entry = endpoint(facts, "get_order")
    entry["params"].append(copy.deepcopy(entry["params"][0]))
    found = check_facts.problems(TRADE, facts)
    assert any("argument 'instId' is named twice" in problem for problem in found)


def test_two_arguments_sending_one_key_are_refused() -> None:
    facts = trade()
    entry = endpoint(facts, "get_order")
    entry["params"][1]["key"] = entry["params"][0]["name"]
    found = check_facts.problems(TRADE, facts)
    assert any("a key is sent twice" in problem for problem in found)


def test_an_order_that_is_not_the_sent_arguments_is_refused() -> None:
    facts = trade()
    entry = endpoint(facts, "get_order")
    entry["order"] = [entry["params"][0]["name"], "nothing"]
    found = check_facts.problems(TRADE, facts)
    assert any("/order: not the sent arguments" in problem for problem in found)


def test_an_order_that_is_the_signatures_is_refused_as_it_is_the_default() -> None:
    facts = trade()
    entry = endpoint(facts, "get_order")
    entry["order"] = [param["name"] for param in entry["params"]]
    found = check_facts.problems(TRADE, facts)
    assert any("/order: the signature's order: leave it out" in p for p in found)


def test_an_argument_never_sent_outside_a_batch_body_or_a_quirk_is_refused() -> None:
    facts = trade()
    endpoint(facts, "get_order")["params"][0]["send"] = "never"
    found = check_facts.problems(TRADE, facts)
    assert any("only the body's argument or a quirk's is never sent" in p for p in found)


def test_a_python_okx_argument_after_okx_v5s_keyword_only_ones_is_refused() -> None:
    facts = trade()
    entry = endpoint(facts, "get_order")
    entry["params"][0]["keyword"] = True
    found = check_facts.problems(TRADE, facts)
    assert any("python-okx's argument after okx_v5's keyword-only ones" in p for p in found)


def test_okx_v5s_keyword_only_arguments_last_are_accepted() -> None:
    facts = trade()
    entry = endpoint(facts, "get_order")
    entry["params"][-1]["keyword"] = True
    assert check_facts.problems(TRADE, facts) == []


def test_a_requires_rule_about_a_key_the_endpoint_does_not_send_is_refused() -> None:
    facts = trade()
    entry = next(entry for entry in facts["endpoints"] if entry["requires"])
    entry["requires"][0]["one_of"][0] = "instID"
    found = check_facts.problems(TRADE, facts)
    assert any("'instID' is not a key the endpoint sends" in problem for problem in found)


def test_the_typed_loader_refuses_a_misspelt_fact_naming_its_place(tmp_path: Path) -> None:
    facts = trade()
    param(endpoint(facts, "place_order"), "side")["choice"] = ["buy", "sell"]
    spoiled = tmp_path / "Trade.json"
    spoiled.write_text(json.dumps(facts), encoding="utf-8")
    number = facts["endpoints"].index(endpoint(facts, "place_order"))
    with pytest.raises(SystemExit, match=rf"unknown keys \['choice'\] @ \$\.endpoints\[{number}\]"):
        facts_model.load_module(spoiled)


def test_the_typed_loader_fills_in_what_the_facts_leave_out() -> None:
    module = facts_model.load_module(FACTS / "Funding.json")
    transfer = next(entry for entry in module.endpoints if entry.name == "funds_transfer")
    sent = {param.name: param for param in transfer.wire}
    assert (sent["from_"].key, sent["ccy"].key, sent["ccy"].send) == ("from", "ccy", "always")
    assert sent["ccy"].positional
    assert not next(p for p in transfer.params if p.name == "type").positional


def test_the_typed_loader_sends_in_the_order_the_facts_give() -> None:
    module = facts_model.load_module(TRADE)
    place = next(entry for entry in module.endpoints if entry.name == "place_order")
    assert place.order[-1] == "attachAlgoOrds"
    assert [param.name for param in place.wire] == list(place.order)
    assert [param.name for param in place.params].index("attachAlgoOrds") < len(place.order) - 1


def test_a_misspelt_key_in_consts_json_is_refused() -> None:
    path = FACTS / "consts.json"
    facts = json.loads(path.read_text(encoding="utf-8"))
    facts["consts"][0]["valeu"] = facts["consts"][0].pop("value")
    assert check_facts.problems(path, facts)


def test_the_command_line_names_the_file_and_the_place_of_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = trade()
    endpoint(facts, "get_order")["http"] = "get"
    spoilt = tmp_path / "Trade.json"
    spoilt.write_text(json.dumps(facts), encoding="utf-8")
    assert check_facts.main([str(spoilt)]) == 1
    assert "Trade.json: /endpoints/" in capsys.readouterr().err


def test_the_command_line_passes_a_file_that_follows_its_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert check_facts.main([str(TRADE)]) == 0
    assert "1 facts files follow their schemas" in capsys.readouterr().out


def test_an_alias_that_names_a_model_is_refused() -> None:
    facts = trade()
    facts["models"]["Order"]["aliases"].append("Fills")
    found = check_facts.problems(TRADE, facts)
    assert any("/models/Order/aliases: 'Fills' already names a model" in p for p in found)
