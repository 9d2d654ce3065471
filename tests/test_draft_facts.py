"""The drafter's readers, on small pieces of python-okx's code and of OKX's documentation.

``tools/draft_facts.py`` drafts ``okx_v5/facts`` from python-okx and documentation snapshots
(``tools/facts_sources.py`` reads them, ``tools/facts_rules.py`` reads OKX's descriptions).
Each test gives one reader a few lines of the kind it reads; none needs a repository or the
network. A drafted entry follows the facts' schema.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
sys.path.insert(0, str(TOOLS))  # the tools import each other as scripts do

import draft_facts  # noqa: E402
import facts_rules  # noqa: E402
import facts_sources  # noqa: E402
from facts_sources import DocField, DocParam, DraftError, Method  # noqa: E402

from .helpers import tool  # noqa: E402


def python_okx_module(tmp_path: Path, body: str) -> list[Method]:
    """The methods the drafter reads from a python-okx-like module of one class."""
    source = "class TradeAPI(OkxClient):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    path = tmp_path / "Trade.py"
    path.write_text(source, encoding="utf-8")
    _, methods = facts_sources.read_methods("Trade", path, {"ORDER": "/api/v5/trade/order"})
    return methods


# -- python-okx's code -------------------------------------------------------------------------


def test_a_payload_dict_gives_the_wire_keys_in_order_sent_always(tmp_path: Path) -> None:
    (method,) = python_okx_module(
        tmp_path,
        """
        def get_order(self, instId, ordId='', clOrdId=''):
            params = {'instId': instId, 'ordId': ordId, 'clOrdId': clOrdId}
            return self._request_with_params(GET, ORDER, params)
        """,
    )
    assert (method.http, method.const, method.path) == ("GET", "ORDER", "/api/v5/trade/order")
    assert method.args == [
        {"name": "instId"},
        {"name": "ordId", "default": ""},
        {"name": "clOrdId", "default": ""},
    ]
    assert method.body == "object"
    assert [(w["key"], w["send"]) for w in method.wire] == [
        ("instId", "always"),
        ("ordId", "always"),
        ("clOrdId", "always"),
    ]


def test_the_conditions_of_python_okx_become_send_rules(tmp_path: Path) -> None:
    (method,) = python_okx_module(
        tmp_path,
        """
        def place_order(self, instId, tag='', px=None, sz=''):
            params = {'instId': instId}
            if tag:
                params['tag'] = tag
            if px is not None:
                params['px'] = px
            if sz != '':
                params['sz'] = sz
            return self._request_with_params(POST, ORDER, params)
        """,
    )
    assert [w["send"] for w in method.wire] == [
        "always",
        "truthy",
        {"unless": None},
        {"unless": ""},
    ]


def test_an_argument_sent_as_the_payload_is_the_body(tmp_path: Path) -> None:
    (method,) = python_okx_module(
        tmp_path,
        """
        def place_multiple_orders(self, orders_data):
            return self._request_with_params(POST, ORDER, orders_data)
        """,
    )
    assert (method.body, method.wire) == ({"arg": "orders_data"}, [])


def test_a_method_body_the_drafter_does_not_understand_stops_it(tmp_path: Path) -> None:
    with pytest.raises(DraftError, match="expected params\\['key'\\] = argument"):
        python_okx_module(
            tmp_path,
            """
            def get_order(self, instId):
                params = {'instId': instId}
                params['instId'] = instId.upper()
                return self._request_with_params(GET, ORDER, params)
            """,
        )


# -- openxapi's OpenAPI spec ---------------------------------------------------------------------

OPENXAPI_OP = {
    "summary": "POST / Set leverage",
    "tags": ["Trading Account"],
    "security": [{"APIKey": []}],
    "description": "Set leverage.\n\n#### Rate Limit: 20 requests per 2 seconds\n\n"
    "#### Rate limit rule: User ID\n",
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["lever"],
                    "properties": {
                        "lever": {"type": "string", "description": "Leverage"},
                        "mgnMode": {
                            "type": "string",
                            "description": "Margin mode\n\n`isolated`\n\n`cross`",
                        },
                    },
                }
            }
        }
    },
    "responses": {
        "200": {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "data": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {"lever": {"type": "string"}},
                                },
                            }
                        },
                        "example": '{"code": "0", "data": [{"lever": "5"}]}',
                    }
                }
            }
        }
    },
}


def test_an_openxapi_operation_gives_title_signing_limits_params_fields_and_example() -> None:
    doc = facts_sources.openxapi_op(OPENXAPI_OP, {})
    assert (doc.title, doc.tag, doc.signed) == ("Set leverage", "Trading Account", True)
    assert doc.limit_lines == ["Rate Limit: 20 requests per 2 seconds", "Rate limit rule: User ID"]
    assert {name: (p.kind, p.required) for name, p in doc.params.items()} == {
        "lever": ("string", True),
        "mgnMode": ("string", False),
    }
    assert doc.params["mgnMode"].text == "Margin mode\n`isolated`\n`cross`"
    assert [f.name for f in doc.fields or []] == ["lever"]
    assert doc.example == [{"lever": "5"}]


# -- OKX's docs pages (HTML) ---------------------------------------------------------------------

DOCS_PAGE = """
<h2 id='trading-account-rest-api-get-leverage'>Get leverage</h2>
<p><code>GET /api/v5/account/leverage-info</code></p>
<h4 id='rate-limit'>Rate Limit: 20 requests per 2 seconds</h4>
<h4 id='rate-limit-rule'>Rate limit rule: User ID</h4>
<h4 id='request-parameters'>Request Parameters</h4>
<table><thead><tr><th>Parameter</th></tr></thead><tbody>
<tr><td>instId</td><td>String</td><td>Yes</td><td>Instrument ID<br>Up to 20, separated with comma</td></tr>
<tr><td>mgnMode</td><td>String</td><td>Yes</td><td>Margin mode<br><code>cross</code></td></tr>
</tbody></table>
<h4 id='response-parameters'>Response Parameters</h4>
<table><thead><tr><th>Parameter</th></tr></thead><tbody>
<tr><td>lever</td><td>String</td><td>Leverage</td></tr>
<tr><td>details</td><td>Array of objects</td><td>Details</td></tr>
<tr><td>&gt; ccy</td><td>String</td><td>Currency</td></tr>
</tbody></table>
<h2 id='next'>Next</h2>
"""


def test_a_docs_page_section_is_found_by_its_request_line() -> None:
    ((key, doc),) = list(facts_sources.docs_sections(DOCS_PAGE))
    assert key == ("GET", "/api/v5/account/leverage-info")
    assert (doc.anchor, doc.title) == ("trading-account-rest-api-get-leverage", "Get leverage")
    assert doc.limit_lines == [
        "Rate Limit: 20 requests per 2 seconds",
        "Rate limit rule: User ID",
    ]
    assert doc.params["instId"].text == "Instrument ID\nUp to 20, separated with comma"
    assert doc.params["mgnMode"].text == "Margin mode\n`cross`"


def test_a_docs_response_table_nests_the_rows_marked_with_a_quote_sign() -> None:
    ((_, doc),) = list(facts_sources.docs_sections(DOCS_PAGE))
    fields = doc.fields or []
    assert [(f.name, f.kind) for f in fields] == [("lever", "string"), ("details", "array:object")]
    assert [child.name for child in fields[1].children] == ["ccy"]


# -- coincise's markdown -------------------------------------------------------------------------


def test_a_markdown_table_rewrapped_as_prose_still_gives_its_rows() -> None:
    section = (
        "| Parameter | Type | Required | Description |\n|---|---|---|---|\n"
        "| instId | String | Yes | Instrument ID,\ne.g. `BTC-USDT` |\n"
        "| sz | String | No | Quantity |\n"
    )
    rows = list(facts_sources.markdown_rows(section, columns=4))
    assert rows == [
        ["instId", "String", "Yes", "Instrument ID, e.g. `BTC-USDT`"],
        ["sz", "String", "No", "Quantity"],
    ]


def test_a_coincise_page_gives_its_anchor_signing_and_parameters() -> None:
    page = textwrap.dedent(
        """\
        ### Get leverage
        [docs](https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-leverage)
        `GET /api/v5/account/leverage-info`
        #### Rate Limit: 20 requests per 2 seconds
        #### Request Parameters
        | Parameter | Type | Required | Description |
        |---|---|---|---|
        | instId | String | Yes | Instrument ID |
        """
    )
    doc = facts_sources.coincise_op("docs/okx/endpoints/private/leverage.md", page)
    assert (doc.anchor, doc.title, doc.signed) == (
        "trading-account-rest-api-get-leverage",
        "Get leverage",
        True,
    )
    assert doc.limit_lines == ["Rate Limit: 20 requests per 2 seconds"]
    assert [(p.name, p.required) for p in doc.params.values()] == [("instId", True)]


def test_a_coincise_table_nests_rows_whose_quote_signs_are_escaped() -> None:
    page = textwrap.dedent(
        """\
        ### Move positions
        `POST /api/v5/account/move-positions`
        #### Request parameters
        | Parameter | Type | Required | Description |
        |---|---|---|---|
        | legs | Array of Objects | Yes | Positions to move |
        | &gt;from | Object | yes | Source leg |
        | &gt;&gt;posId | String | Yes | Position ID |
        | gridNum | int | Yes | Grid quantity |
        #### Response parameters
        | Parameter | Type | Description |
        |---|---|---|
        | legs | Array | Moved positions |
        | &gt;from | Object | Source leg |
        | &gt;&gt;posId | String | Position ID |
        """
    )
    doc = facts_sources.coincise_op("docs/okx/trading_account.md", page)
    assert [(p.name, p.kind, p.text) for p in doc.params.values()] == [
        ("legs", "array:object", "Positions to move"),
        ("gridNum", "integer", "Grid quantity"),
    ]
    (legs,) = doc.fields or []
    assert [(f.name, [c.name for c in f.children]) for f in legs.children] == [("from", ["posId"])]


def test_a_quoted_line_after_a_coincise_table_is_no_part_of_its_last_cell() -> None:
    page = textwrap.dedent(
        """\
        ### Query the API Key of a sub-account
        `GET /api/v5/users/subaccount/apikey`
        #### Request Parameters
        | Parameter | Type | Required | Description |
        |---|---|---|---|
        | apiKey | String | No | API public key |

        > Returned results

        #### Response parameters
        """
    )
    doc = facts_sources.coincise_op("docs/okx/sub_account.md", page)
    assert doc.params["apiKey"].text == "API public key"


# -- ccxt ------------------------------------------------------------------------------------------


def test_ccxt_costs_are_read_per_method_and_path(tmp_path: Path) -> None:
    table = tmp_path / "okx.ts"
    table.write_text(
        "'api': {\n 'private': {\n  'get': {\n   'account/balance': 2,\n"
        "   'asset/bills': 5 / 3, // comment\n  },\n },\n},\n'fees': {\n",
        encoding="utf-8",
    )
    assert facts_sources.read_ccxt(table) == {
        ("GET", "/api/v5/account/balance"): ("private", 2.0),
        ("GET", "/api/v5/asset/bills"): ("private", 5 / 3),
    }


def test_a_ccxt_cost_becomes_requests_per_two_seconds() -> None:
    assert draft_facts.ccxt_limit("private", 4) == {
        "requests": 5,
        "seconds": 2,
        "scope": "user",
        "source": "ccxt",
    }


# -- OKX's descriptions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Margin mode\n`cross`: Cross\n`isolated`: Isolated", ["cross", "isolated"]),
        ("Order side, `buy` `sell`", ["buy", "sell"]),
        ("Bar size, e.g. `1m` `5m`", None),  # an open set: e.g.
        ("Only `cross`", None),  # one value is no choice
    ],
)
def test_choices_are_only_the_closed_sets_okx_lists(text: str, values: list[str] | None) -> None:
    assert facts_rules.choices_of(text, set()) == values


def test_ids_are_the_count_okx_allows_comma_separated() -> None:
    text = "Instrument ID\nSingle or multiple, no more than 20, separated with comma"
    assert facts_rules.ids_of(text) == 20
    assert facts_rules.ids_of("Instrument ID, no more than 20") is None


@pytest.mark.parametrize(
    ("name", "kind", "text", "type_"),
    [
        ("px", "string", "Order price", "number"),
        ("after", "string", "Pagination", "number"),
        ("instId", "string", "Instrument ID", "str"),
        ("reduceOnly", "boolean", "", "bool"),
        ("ccy", "array:string", "", "list[str]"),
        ("attachAlgoOrds", "array:object", "", "list[object]"),
    ],
)
def test_a_parameter_type_comes_from_its_kind_and_name(
    name: str, kind: str, text: str, type_: str
) -> None:
    assert facts_rules.param_type(name, kind, text) == type_


def test_a_rate_limit_and_its_rule_become_one_limit() -> None:
    lines = ["Rate Limit: 60 requests per 2 seconds", "Rate limit rule: User ID + Instrument ID"]
    limits, notes = facts_rules.rate_limits_of(lines, batch=False, source="openxapi")
    assert limits == [
        {"requests": 60, "seconds": 2, "scope": "user", "per": ["instId"], "source": "openxapi"}
    ]
    assert notes == []


def test_a_batch_limit_in_orders_counts_items() -> None:
    lines = ["Rate Limit: 300 orders per 2 seconds", "Rate limit rule: User ID"]
    limits, _ = facts_rules.rate_limits_of(lines, batch=True, source="openxapi")
    assert limits[0]["count"] == "item"


def test_a_rate_limit_rule_the_drafter_does_not_know_stops_it() -> None:
    with pytest.raises(DraftError, match="not understood"):
        facts_rules.parse_rule("User ID + Moon phase")


def test_either_of_two_parameters_required_is_a_requires_rule() -> None:
    params = {
        "instId": DocParam("instId", "string", False, "Either `instId` or `ccy` is required."),
        "ccy": DocParam("ccy", "string", False, "Currency"),
    }
    rules, notes = facts_rules.requires_of(params, ["instId", "ccy"], {}, "openxapi")
    assert rules == [{"one_of": ["instId", "ccy"], "source": "openxapi"}]
    assert notes == []


# -- models and entries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "values", "type_"),
    [
        ("uTime", "Update time, Unix timestamp format in milliseconds", ["1597026383085"], "int"),
        ("availBal", "Available balance", ["10.5"], "decimal"),
        ("ccy", "Currency", ["BTC"], "str"),
        ("state", "State\n`live`: live", ["live"], "str"),
    ],
)
def test_a_response_field_type_comes_from_its_name_text_and_example(
    name: str, text: str, values: list[str], type_: str
) -> None:
    assert draft_facts.scalar_type(name, text, list(values)) == type_


def test_an_array_of_objects_in_the_answer_becomes_a_nested_model() -> None:
    builder = draft_facts.ModelBuilder("openxapi", "/api/v5/account/balance")
    fields = [
        DocField("totalEq", "string", "Total equity"),
        DocField("details", "array:object", "", [DocField("ccy", "string", "Currency")]),
    ]
    builder.add("AccountBalance", fields, [{"totalEq": "1.5", "details": [{"ccy": "BTC"}]}])
    assert builder.models == {
        "AccountBalance": {
            "source": "openxapi",
            "row": False,
            "fields": [
                {"name": "totalEq", "type": "decimal"},
                {"name": "details", "type": "list[AccountBalanceDetails]"},
            ],
        },
        "AccountBalanceDetails": {
            "source": "openxapi",
            "row": False,
            "fields": [{"name": "ccy", "type": "str"}],
        },
    }


def drafted_leverage() -> draft_facts.Draft:
    method = Method(
        module="Account",
        name="get_leverage",
        comment=None,
        http="GET",
        const="GET_LEVERAGE",
        path="/api/v5/account/leverage-info",
        args=[{"name": "instId"}, {"name": "mgnMode"}],
        body="object",
        wire=[facts_sources.wire("instId", "instId"), facts_sources.wire("mgnMode", "mgnMode")],
    )
    ((_, page),) = list(facts_sources.docs_sections(DOCS_PAGE))
    docs = draft_facts.Docs({}, {(method.http, method.path): page}, {}, {}, "2025-11-30")
    return draft_facts.draft_endpoint(method, docs)


def test_an_endpoint_okx_limits_per_user_id_is_drafted_signed_with_its_documented_facts() -> None:
    entry = drafted_leverage().entry
    assert (entry["signed"], entry["source"], entry["docs"]) == (
        True,
        "okx-docs",
        "trading-account-rest-api-get-leverage",
    )
    assert entry["params"][0] == {
        "name": "instId",
        "type": "str",
        "required": True,
        "ids": 20,
        "source": "okx-docs",
        "doc": "Instrument ID\nUp to 20, separated with comma",
    }
    assert entry["rate_limits"] == [
        {"requests": 20, "seconds": 2, "scope": "user", "source": "okx-docs"}
    ]
    assert entry["response"] == {"model": "LeverageInfo", "source": "okx-docs"}


def test_arguments_are_written_once_with_only_what_differs_from_the_common_case() -> None:
    method = Method(
        module="Funding",
        name="funds_transfer",
        comment=None,
        http="POST",
        const="FUNDS_TRANSFER",
        path="/api/v5/asset/transfer",
        args=[{"name": "ccy"}, {"name": "from_"}, {"name": "to", "default": None}],
        body="object",
        wire=[
            facts_sources.wire("to", "to", {"unless": None}),
            facts_sources.wire("ccy", "ccy"),
            facts_sources.wire("from", "from_"),
        ],
    )
    written = draft_facts.written_params(method, {"ccy": {"type": "str", "source": "openxapi"}})
    assert written == {
        "params": [
            {"name": "ccy", "type": "str", "source": "openxapi"},
            {"name": "from_", "key": "from"},
            {"name": "to", "default": None, "send": {"unless": None}},
        ],
        "order": ["to", "ccy", "from_"],
    }
    assert draft_facts.read_params(written) == (method.args, method.wire)


def test_a_drafted_entry_follows_the_facts_schema() -> None:
    draft = drafted_leverage()
    facts = {
        "module": "Account",
        "class": "AccountAPI",
        "sources": {
            "python-okx": {"package": "python-okx", "version": "0.4.4", "path": "okx/Account.py"},
            "okx-docs": {
                "repository": "openxapi/openxapi",
                "commit": "0" * 40,
                "path": "samples/okx/rest",
            },
        },
        "endpoints": [draft.entry],
        "models": draft.models,
    }
    assert tool("check_facts").problems(Path("Account.json"), facts) == []


def test_an_existing_entry_is_kept_unless_forced() -> None:
    draft = drafted_leverage()
    existing = {"endpoints": [{**draft.entry, "notes": ["corrected by hand"]}], "models": {}}
    existing["models"] = draft.models
    entries, _, kept = draft_facts.merge_module([draft], existing, forced=set())
    assert (entries[0]["notes"], kept) == (["corrected by hand"], ["get_leverage"])
    entries, _, kept = draft_facts.merge_module([draft], existing, forced={"get_leverage"})
    assert (entries[0]["notes"], kept) == (draft.entry["notes"], [])


def test_an_endpoint_no_snapshot_documents_is_signed_if_a_key_is_given() -> None:
    method = Method(
        "Trade", "get_thing", "# Get thing", "GET", "THING", "/api/v5/x", [], "none", []
    )
    docs = draft_facts.Docs({}, {}, {}, {}, "2025-11-30")
    entry = draft_facts.draft_endpoint(method, docs).entry
    assert (entry["signed"], entry["source"], entry["summary"]) == ("if_key", None, "Get thing")


def test_an_uncovered_operation_goes_to_the_module_most_of_its_tag_goes_to() -> None:
    assert draft_facts.majority(["Trade", "Account", "Trade"]) == "Trade"
    assert draft_facts.majority([]) is None
    assert draft_facts.first_segment("/api/v5/market/books-full") == "market"


def test_the_command_line_says_what_it_needs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        draft_facts.main(["--openxapi", "x"])
    assert exit_.value.code == 2
    assert "--python-okx and --coincise are required" in capsys.readouterr().err


# --------------------------------------------------------------------------- OKX's words


def test_words_keep_okx_s_text_as_plain_lines_with_code_in_double_backticks() -> None:
    text = "Order type<br>`market`: Market order\n<code>limit</code>: Limit order &amp; more"
    assert facts_sources.words(text) == (
        "Order type\n``market``: Market order\n``limit``: Limit order & more"
    )


def test_words_make_links_absolute_and_drop_markdown_escapes_and_bold_marks() -> None:
    text = "**Rule**: see [fees](/en/fees) and [books](#order-book)\n1\\. Range is [0, 100]"
    assert facts_sources.words(text) == (
        "Rule: see [fees](https://www.okx.com/en/fees) and"
        " [books](https://www.okx.com/docs-v5/en/#order-book)\n1. Range is [0, 100]"
    )


def test_words_separate_two_code_spans_okx_wrote_side_by_side() -> None:
    assert facts_sources.words("`MARGIN``SWAP`") == "``MARGIN`` ``SWAP``"


def test_words_leave_out_what_a_cell_reader_took_past_the_cell() -> None:
    text = "Page\nThe default is 1\n> Response Example Copy to Clipboard {}\nmore"
    assert facts_sources.words(text) == "Page\nThe default is 1"
    assert facts_sources.words("Quote currency\nParameter\nType\nRequired") == "Quote currency"
    assert facts_sources.words("Minimum lending APR\n---") == "Minimum lending APR"


def test_words_turn_chinese_punctuation_and_curly_quotes_into_ascii() -> None:
    assert facts_sources.words("`0`\uff1a General user\uff1b it\u2019s") == (
        "``0``: General user; it's"
    )


def documented_op(source: str, text: str, field_text: str) -> facts_sources.DocOp:
    op = facts_sources.DocOp(source=source)
    op.params["instId"] = DocParam("instId", "string", True, text)
    op.fields = [DocField("lever", "string", field_text)]
    return op


def test_words_fill_each_parameter_and_field_from_its_own_source_first() -> None:
    entry = {
        "http": "GET",
        "path": "/api/v5/x",
        "params": [{"name": "instId", "type": "str", "source": "okx-docs"}],
        "response": {"model": "X", "source": "okx-docs"},
    }
    models = {
        "X": {"source": "okx-docs", "row": False, "fields": [{"name": "lever", "type": "str"}]}
    }
    key = ("GET", "/api/v5/x")
    docs = draft_facts.Docs(
        {key: documented_op("openxapi", "spec's words", "")},
        {key: documented_op("okx-docs", "page's `words`", "")},
        {},
        {},
        "2025-11-30",
    )
    docs.openxapi[key].fields = [DocField("lever", "string", "Leverage")]
    draft_facts.fill_words(entry, models, docs)
    assert entry["params"][0]["doc"] == "page's ``words``"
    assert "doc_source" not in entry["params"][0]
    assert models["X"]["fields"][0] == {
        "name": "lever",
        "type": "str",
        "doc": "Leverage",
        "source": "openxapi",
    }


def test_words_never_replace_a_description_already_in_the_facts() -> None:
    entry = {
        "http": "GET",
        "path": "/api/v5/x",
        "params": [{"name": "instId", "type": "str", "source": "openxapi", "doc": "by hand"}],
        "response": None,
    }
    key = ("GET", "/api/v5/x")
    docs = draft_facts.Docs({key: documented_op("openxapi", "OKX", "")}, {}, {}, {}, "")
    draft_facts.fill_words(entry, {}, docs)
    assert entry["params"][0]["doc"] == "by hand"


def test_the_checker_refuses_a_description_source_written_where_it_is_the_key_s() -> None:
    draft = drafted_leverage()
    draft.entry["params"][0]["doc_source"] = "okx-docs"
    facts = {
        "module": "Account",
        "class": "AccountAPI",
        "sources": {
            "python-okx": {"package": "python-okx", "version": "0.4.4", "path": "okx/Account.py"},
            "okx-docs": {"repository": "openxapi/openxapi", "commit": "0" * 40, "path": "x"},
        },
        "endpoints": [draft.entry],
        "models": draft.models,
    }
    (problem,) = tool("check_facts").problems(Path("Account.json"), facts)
    assert "doc_source: 'okx-docs' is the key's source: leave it out" in problem


def test_the_schema_refuses_html_and_single_backticks_in_a_description() -> None:
    draft = drafted_leverage()
    facts = {
        "module": "Account",
        "class": "AccountAPI",
        "sources": {
            "python-okx": {"package": "python-okx", "version": "0.4.4", "path": "okx/Account.py"},
            "okx-docs": {"repository": "openxapi/openxapi", "commit": "0" * 40, "path": "x"},
        },
        "endpoints": [draft.entry],
        "models": draft.models,
    }
    for text in ("Instrument<br>ID", "Instrument `ID`"):
        draft.entry["params"][0]["doc"] = text
        assert tool("check_facts").problems(Path("Account.json"), facts) != []


# --------------------------------------------------------------------------- missing parameters


def test_words_drop_a_lone_backtick_okx_left() -> None:
    assert facts_sources.words("only applicable to contract grid`") == (
        "only applicable to contract grid"
    )
    assert facts_sources.words("`SPOT` grid") == "``SPOT`` grid"


def spec_op(*params: DocParam) -> facts_sources.DocOp:
    op = facts_sources.DocOp(source="openxapi")
    op.params = {param.name: param for param in params}
    return op


def bills_entry(**changes: object) -> dict[str, object]:
    """An entry of python-okx's ``get_bills(ugly='', instId='')`` (``ugly`` sends ``uly``)."""
    entry: dict[str, object] = {
        "name": "get_bills",
        "http": "GET",
        "path": "/api/v5/x",
        "source": "openxapi",
        "params": [
            {"name": "ugly", "key": "uly", "default": "", "source": "openxapi"},
            {"name": "instId", "default": "", "source": "openxapi"},
        ],
        "body": "object",
        "notes": [],
    }
    return entry | changes


def docs_of(*ops: facts_sources.DocOp) -> draft_facts.Docs:
    by_source = {op.source: {("GET", "/api/v5/x"): op} for op in ops}
    return draft_facts.Docs(
        by_source.get("openxapi", {}),
        by_source.get("okx-docs", {}),
        by_source.get("coincise", {}),
        {},
        "2025-11-30",
    )


BEGIN = DocParam("begin", "string", False, "Filter with a begin timestamp `ts`")


def test_a_documented_key_python_okx_does_not_send_becomes_a_keyword_argument() -> None:
    docs = docs_of(spec_op(DocParam("uly", "string", False, "Underlying"), BEGIN))
    added, notes = draft_facts.missing_params(bills_entry(), docs)
    assert added == [
        {
            "name": "begin",
            "default": None,
            "keyword": True,
            "send": {"unless": None},
            "type": "number",
            "source": "openxapi",
            "doc": "Filter with a begin timestamp ``ts``",
        }
    ]
    assert notes == []


def test_a_key_python_okx_sends_under_another_argument_name_is_not_added_again() -> None:
    docs = docs_of(spec_op(DocParam("uly", "string", False, "Underlying")))
    assert draft_facts.missing_params(bills_entry(), docs) == ([], [])


def test_a_key_named_as_a_python_keyword_gets_a_trailing_underscore() -> None:
    docs = docs_of(spec_op(DocParam("from", "string", False, "From")))
    ((added,), _) = draft_facts.missing_params(bills_entry(), docs)
    assert (added["name"], added["key"]) == ("from_", "from")


def test_a_key_of_a_later_order_type_table_comes_once_from_the_page_and_not_required() -> None:
    page = facts_sources.DocOp(source="okx-docs")
    page.params["tpRatio"] = DocParam("tpRatio", "string", True, "Take profit", first_table=False)
    newer = facts_sources.DocOp(source="coincise")
    newer.params["tpRatio"] = DocParam("tpRatio", "string", True, "Take profit")
    added, _ = draft_facts.missing_params(bills_entry(), docs_of(spec_op(), page, newer))
    assert [(p["name"], p["source"], "required" in p) for p in added] == [
        ("tpRatio", "okx-docs", False)
    ]


def test_a_key_is_required_only_where_every_snapshot_requires_it() -> None:
    spec = spec_op(DocParam("ruleType", "string", True, "Trading rule types"))
    newer = facts_sources.DocOp(source="coincise")
    newer.params["ruleType"] = DocParam("ruleType", "string", False, "Trading rule types")
    ((alone,), _) = draft_facts.missing_params(bills_entry(), docs_of(spec))
    ((disputed,), _) = draft_facts.missing_params(bills_entry(), docs_of(spec, newer))
    assert (alone.get("required"), disputed.get("required")) == (True, None)


def test_a_deprecated_key_is_left_out_with_a_note() -> None:
    docs = docs_of(spec_op(DocParam("stpId", "string", False, "Self trade ID (deprecated)")))
    added, notes = draft_facts.missing_params(bills_entry(), docs)
    assert added == []
    assert notes == [
        "params: OKX documents stpId as deprecated; not added as an argument (extra= sends it)"
    ]


def test_a_batch_endpoint_gets_no_keyword_argument() -> None:
    entry = bills_entry(body={"arg": "orders_data"})
    assert draft_facts.missing_params(entry, docs_of(spec_op(BEGIN))) == ([], [])


def test_adding_missing_params_twice_adds_them_once_and_extends_the_send_order() -> None:
    entry = bills_entry(order=["instId", "ugly"])
    docs = docs_of(spec_op(BEGIN))
    assert draft_facts.add_missing_params(entry, docs) == ["begin"]
    assert draft_facts.add_missing_params(entry, docs) == []
    assert entry["order"] == ["instId", "ugly", "begin"]
    assert [p["name"] for p in entry["params"]] == ["ugly", "instId", "begin"]


def test_python_okx_s_signature_read_from_an_entry_leaves_keyword_arguments_out() -> None:
    entry = bills_entry(order=["instId", "ugly"])
    draft_facts.add_missing_params(entry, docs_of(spec_op(BEGIN)))
    args, wire = draft_facts.read_params(entry)
    assert [arg["name"] for arg in args] == ["ugly", "instId"]
    assert [key["key"] for key in wire] == ["instId", "uly"]
