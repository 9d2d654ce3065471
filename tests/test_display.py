"""How results look: the HTML table in notebooks, the plain repr, to_records(), and what the
text tables of ``okx-v5`` share (times, the columns a narrow table keeps)."""

from __future__ import annotations

import json
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import attrs
import pytest
import responses

import okx_v5.Account as Account
import okx_v5.PublicData as PublicData
import okx_v5.Trade as Trade
from okx_v5 import display
from okx_v5.endpoint import Endpoint
from okx_v5.endpoints import account, trade
from okx_v5.exceptions import OkxAPIException, OkxParamsException
from okx_v5.models.account import AccountBalanceDetails, Positions
from okx_v5.response import OkxResponse, record_fields
from okx_v5.testing.examples import example

from .helpers import (
    KEY,
    LEVERAGE_ANSWER,
    LEVERAGE_URL,
    PASSPHRASE,
    SECRET,
    TIERS_ANSWER,
    TIERS_URL,
)


class _Cells(HTMLParser):
    """Collects the table's header names and the text of each body row."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self._where = ""

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "th":
            self._where = "th"
            self.header.append("")
        elif tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._where = "td"
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td"):
            self._where = ""

    def handle_data(self, data: str) -> None:
        if self._where == "th":
            self.header[-1] += data
        elif self._where == "td":
            self.rows[-1][-1] += data


def _parse(html: str) -> _Cells:
    cells = _Cells()
    cells.feed(html)
    cells.rows = [row for row in cells.rows if row]  # the header's <tr> has no <td>
    return cells


def test_html_shows_the_model_fields_as_columns_and_one_row_per_item(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    html = account.get_leverage("cross", instId="BTC-USDT-SWAP")._repr_html_()
    cells = _parse(html)
    assert cells.header == ["inst_id", "ccy", "mgn_mode", "pos_side", "lever"]
    assert cells.rows == [
        ["BTC-USDT-SWAP", "None", "cross", "long", "10"],
        ["BTC-USDT-SWAP", "None", "cross", "short", "10"],
    ]
    assert "LeverageInfo" in html
    assert "code 0" in html
    assert "2 rows" in html
    assert "GET /api/v5/account/leverage-info?instId=BTC-USDT-SWAP&amp;mgnMode=cross" in html


def test_html_says_one_row_in_the_singular(
    public: PublicData.PublicAPI, tiers_ok: responses.RequestsMock
) -> None:
    html = public.get_position_tiers("MARGIN", "cross", instId="BTC-USDT")._repr_html_()
    assert "1 row<" in html
    assert _parse(html).rows[0][:4] == ["None", "None", "BTC-USDT", "1"]


def test_html_notes_an_empty_list(
    account: Account.AccountAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(LEVERAGE_URL, json={"code": "0", "msg": "", "data": []})
    html = account.get_leverage("cross", instId="BTC-USDT-SWAP")._repr_html_()
    assert "no rows" in html
    assert "<table" not in html


def test_html_shows_an_okx_error_with_its_code_and_message(
    account: Account.AccountAPI, mocked: responses.RequestsMock
) -> None:
    answer = {"code": "51000", "msg": "Parameter <instId> error", "data": []}
    mocked.get(LEVERAGE_URL, json=answer, status=400)
    html = account.get_leverage("cross", instId="BTC-USDT-SWAP")._repr_html_()
    assert "OKX error 51000: Parameter &lt;instId&gt; error" in html
    assert "<instId>" not in html
    assert "code 0" not in html


def test_html_escapes_every_value(
    account: Account.AccountAPI, mocked: responses.RequestsMock
) -> None:
    item = dict(LEVERAGE_ANSWER["data"][0], instId="<script>alert(1)</script>")
    mocked.get(LEVERAGE_URL, json={"code": "0", "msg": "a & b", "data": [item]})
    html = account.get_leverage("cross", instId="BTC-USDT-SWAP")._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "code 0: a &amp; b" in html


def test_html_shows_why_malformed_data_cannot_be_read(
    public: PublicData.PublicAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(TIERS_URL, json={"code": "0", "msg": "", "data": [{"maxLever": "ten"}]})
    html = public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")._repr_html_()
    assert "data not readable" in html
    assert "PositionTier.max_lever" in html
    assert "<table" not in html


def test_html_cuts_very_long_tables_short(
    public: PublicData.PublicAPI, mocked: responses.RequestsMock
) -> None:
    rows = [dict(TIERS_ANSWER["data"][0], tier=str(n)) for n in range(display.MAX_ROWS + 7)]
    mocked.get(TIERS_URL, json={"code": "0", "msg": "", "data": rows})
    html = public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")._repr_html_()
    assert len(_parse(html).rows) == display.MAX_ROWS
    assert "7 more rows not shown" in html


def test_plain_repr_stays_the_python_okx_dict(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    result = account.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert repr(result) == repr(LEVERAGE_ANSWER)
    assert str(result) == str(LEVERAGE_ANSWER)


def test_to_records_gives_plain_dicts_of_typed_values(
    public: PublicData.PublicAPI, tiers_ok: responses.RequestsMock
) -> None:
    records = public.get_position_tiers("MARGIN", "cross", instId="BTC-USDT").to_records()
    assert records == [
        {
            "uly": None,
            "inst_family": None,
            "inst_id": "BTC-USDT",
            "tier": 1,
            "min_sz": Decimal(0),
            "max_sz": Decimal(50),
            "mmr": Decimal("0.03"),
            "imr": Decimal("0.1"),
            "max_lever": Decimal(10),
            "opt_mgn_factor": Decimal(0),
            "quote_max_loan": Decimal(500000),
            "base_max_loan": Decimal(50),
        }
    ]
    assert type(records[0]) is dict
    assert json.dumps(records, default=str)  # plain values only


def test_to_records_of_an_error_raises_it_instead_of_looking_empty(
    account: Account.AccountAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(LEVERAGE_URL, json={"code": "51000", "msg": "Parameter instId error", "data": []})
    with pytest.raises(OkxAPIException, match="51000"):
        account.get_leverage("cross", instId="BTC-USDT-SWAP").to_records()


def test_to_records_of_a_partly_failed_batch_keeps_each_items_own_code(
    mocked: responses.RequestsMock,
) -> None:
    failed = {"clOrdId": "", "ordId": "", "tag": "", "sCode": "51008", "sMsg": "Insufficient"}
    answer = {"code": "1", "msg": "All operations failed", "data": [failed]}
    mocked.post("https://www.okx.com/api/v5/trade/batch-orders", json=answer)
    with Trade.TradeAPI(KEY, SECRET, PASSPHRASE, False, "1") as api:
        order = {"instId": "BTC-USDT", "side": "buy", "ordType": "market", "sz": "9"}
        records = api.place_multiple_orders([order]).to_records()
    assert [record["s_code"] for record in records] == ["51008"]


def test_html_writes_small_numbers_as_okx_does(
    public: PublicData.PublicAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(
        TIERS_URL, json={"code": "0", "msg": "", "data": [{"tier": "1", "mmr": "0.00000001"}]}
    )
    result = public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert result.data[0].mmr == Decimal("1E-8")
    row = _parse(result._repr_html_()).rows[0]
    assert "0.00000001" in row
    assert "1E-8" not in row


def test_plain_shows_a_nested_object_by_how_many_fields_it_fills() -> None:
    from okx_v5.models.trade import OrderLinkedAlgoOrd

    assert display.plain(OrderLinkedAlgoOrd(algo_id="1")) == "{1 field}"
    assert display.plain({"a": "1", "b": "", "c": None, "d": "2"}) == "{2 fields}"
    assert display.plain({}) == "{0 fields}"


def test_plain_joins_a_list_of_strings_with_commas() -> None:
    assert display.plain(["BTC-USDT", "ETH-USDT"]) == "BTC-USDT,ETH-USDT"


# -- to_records: plain dicts all the way down, and one record per nested item --------------


def documented(endpoint: Endpoint[Any], **changes: object) -> OkxResponse[Any]:
    """A typed result of OKX's documented example answer of ``endpoint``, its first item
    changed."""
    data = example(endpoint.method, endpoint.path)
    data[0].update(changes)
    return OkxResponse({"code": "0", "msg": "", "data": data}, endpoint.model_ref)


CLOSE_ALGOS = [
    {"algoId": "123", "slTriggerPx": "60000", "slTriggerPxType": "mark", "closeFraction": "1"},
    {"algoId": "124", "tpTriggerPx": "70000", "tpTriggerPxType": "last", "closeFraction": "1"},
]


def plain_all_the_way_down(value: object) -> bool:
    if isinstance(value, dict):
        return type(value) is dict and all(map(plain_all_the_way_down, value.values()))
    if isinstance(value, list):
        return type(value) is list and all(map(plain_all_the_way_down, value))
    return value is None or isinstance(value, (str, int, Decimal))


def test_to_records_gives_nested_items_as_plain_dicts() -> None:
    records = documented(account.GET_ACCOUNT_BALANCE).to_records()
    assert records[0]["details"][0]["ccy"] == "USDT"
    assert records[0]["details"][0]["avail_bal"] == Decimal("4834.317093622894")
    assert plain_all_the_way_down(records)


def test_to_records_gives_a_nested_object_as_a_plain_dict() -> None:
    records = documented(trade.GET_ORDER_LIST, linkedAlgoOrd={"algoId": "7"}).to_records()
    assert records[0]["linked_algo_ord"] == {"algo_id": "7"}
    assert plain_all_the_way_down(records)


def test_to_records_of_details_gives_one_record_per_currency_with_the_parent_prefixed() -> None:
    balance = example("GET", "/api/v5/account/balance")[0]
    usdt = balance["details"][0]
    btc = dict(usdt, ccy="BTC", eq="1.5", uTime="1")
    result = documented(account.GET_ACCOUNT_BALANCE, details=[usdt, btc])
    records = result.to_records("details")
    assert [(record["ccy"], record["eq"]) for record in records] == [
        ("USDT", Decimal(usdt["eq"])),
        ("BTC", Decimal("1.5")),
    ]
    assert [record["u_time"] for record in records] == [int(usdt["uTime"]), 1]  # their own
    assert records[1]["parent_u_time"] == int(balance["uTime"])  # the balance's
    assert records[1]["parent_total_eq"] == Decimal(balance["totalEq"])
    fields = list(records[0])
    own = [field.name for field in attrs.fields(AccountBalanceDetails)]
    assert fields[: len(own)] == own
    assert all(field.startswith("parent_") for field in fields[len(own) :])
    assert "parent_details" not in fields
    assert all(type(record) is dict and plain_all_the_way_down(record) for record in records)


def test_to_records_of_a_nested_list_takes_okx_s_spelling_too() -> None:
    result = documented(account.GET_POSITIONS, closeOrderAlgo=CLOSE_ALGOS)
    records = result.to_records("closeOrderAlgo")
    assert records == result.to_records("close_order_algo")
    assert [(r["algo_id"], r["parent_inst_id"], r["parent_pos_side"]) for r in records] == [
        ("123", "BTC-USDT", "net"),
        ("124", "BTC-USDT", "net"),
    ]


def test_to_records_of_a_nested_object_gives_one_record_per_parent() -> None:
    result = documented(trade.GET_ORDER_LIST, linkedAlgoOrd={"algoId": "7"})
    assert [(r["algo_id"], r["parent_ord_id"]) for r in result.to_records("linkedAlgoOrd")] == [
        ("7", "1752588852617379840")
    ]


def test_to_records_of_items_without_nested_items_is_empty() -> None:
    assert documented(account.GET_POSITIONS).to_records("closeOrderAlgo") == []


def test_to_records_of_a_name_that_is_not_nested_raises_naming_those_that_are() -> None:
    result = documented(trade.GET_ORDER_LIST)
    with pytest.raises(OkxParamsException) as raised:
        result.to_records("px")
    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == (
        "Order has no nested items 'px'; its nested items are attach_algo_ords, linked_algo_ord"
    )
    assert (raised.value.param, raised.value.value) == ("nested", "px")


def test_to_records_of_a_model_without_nested_items_says_so() -> None:
    result = OkxResponse(LEVERAGE_ANSWER, account.GET_LEVERAGE.model_ref)
    with pytest.raises(OkxParamsException, match="LeverageInfo has no nested items 'x'; it has"):
        result.to_records("x")


def test_to_records_of_an_untyped_answer_finds_lists_of_objects() -> None:
    item = {"sprdId": "X", "legs": [{"instId": "A"}, {"instId": "B"}], "tags": ["a"]}
    result = OkxResponse({"code": "0", "msg": "", "data": [item]}, None)
    assert result.to_records("legs") == [
        {"instId": "A", "parent_sprdId": "X", "parent_tags": ["a"]},
        {"instId": "B", "parent_sprdId": "X", "parent_tags": ["a"]},
    ]
    with pytest.raises(OkxParamsException, match=r"its nested items are legs$"):
        result.to_records("tags")


def test_to_records_of_an_untyped_answer_is_a_copy() -> None:
    item = {"legs": [{"instId": "A"}]}
    result = OkxResponse({"code": "0", "msg": "", "data": [item]}, None)
    result.to_records()[0]["legs"].append({"instId": "B"})
    assert result["data"] == [{"legs": [{"instId": "A"}]}]


def test_record_fields_name_the_keys_of_the_nested_records() -> None:
    result = documented(account.GET_POSITIONS, closeOrderAlgo=CLOSE_ALGOS)
    names = record_fields(Positions, "closeOrderAlgo")
    assert list(result.to_records("closeOrderAlgo")[0]) == names
    assert names[:2] == ["algo_id", "sl_trigger_px"]
    assert "parent_close_order_algo" not in names


# -- text tables: times, and the columns a narrow table keeps ----------------------------------


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("ts", 1597026383085, "2020-08-10T02:26:23.085Z"),
        ("c_time", 1597026383085, "2020-08-10T02:26:23.085Z"),
        ("fillTime", "1597026383085", "2020-08-10T02:26:23.085Z"),  # untyped, or typed str
        ("parent_u_time", 1, "1970-01-01T00:00:00.001Z"),
        ("max_bal_ts", 1597026383000, "2020-08-10T02:26:23.000Z"),
        ("valid_until", 1597026383085, "2020-08-10T02:26:23.085Z"),
        ("begin", 1597026383085, "2020-08-10T02:26:23.085Z"),
        ("tier", 1597026383085, "1597026383085"),  # not a time: a count
        ("recurring_time", Decimal(9), "9"),  # an hour of the day, not milliseconds
        ("est_complete_time", "01/09/2024, 8:00:00 AM", "01/09/2024, 8:00:00 AM"),
        ("u_time", 0, "0"),
        ("u_time", "", ""),
        ("u_time", None, ""),
        ("u_time", 10**20, str(10**20)),  # beyond any date
        ("timeZone", 8, "8"),
    ],
)
def test_text_writes_times_as_utc_iso_8601(name: str, value: object, shown: str) -> None:
    assert display.text(name, value) == shown


def test_ranked_puts_the_priority_columns_first_and_always_zero_columns_last() -> None:
    items = [
        {"pnl": "0", "instType": "SPOT", "sz": "1", "instId": "X", "side": "buy", "fee": "0"},
        {"pnl": "0", "instType": "SPOT", "sz": "2", "instId": "Y", "side": "sell", "fee": ""},
    ]
    names = display.columns(None, items)
    assert display.ranked(names, items) == ["instId", "side", "sz", "instType", "pnl", "fee"]


def test_ranked_leaves_out_columns_empty_in_every_row() -> None:
    items = [{"instId": "X", "clOrdId": "", "tag": None, "legs": []}]
    assert display.ranked(display.columns(None, items), items) == ["instId"]


def test_ranked_keeps_a_list_of_strings_as_a_value_and_nested_items_last() -> None:
    items = [{"kids": [{"a": 1}], "ids": ["1", "2"], "ts": "1"}]
    assert display.ranked(display.columns(None, items), items) == ["ids", "ts", "kids"]


def test_ranked_leads_nested_rows_with_the_parent_s_first_two_keys() -> None:
    items = [
        {"algo_id": "1", "parent_ccy": "BTC", "parent_pos_side": "net", "parent_inst_id": "X"},
    ]
    assert display.ranked(display.columns(None, items), items) == [
        "parent_inst_id",
        "parent_pos_side",
        "algo_id",
        "parent_ccy",
    ]


@pytest.mark.parametrize(
    ("widths", "width", "count"),
    [([5, 5, 5], 19, 3), ([5, 5, 5], 18, 2), ([5, 5, 5], 12, 2), ([5, 5, 5], 11, 1), ([30], 10, 1)],
)
def test_fitting_counts_the_leading_columns_that_fit(
    widths: list[int], width: int, count: int
) -> None:
    assert display.fitting(widths, width) == count


def test_to_records_of_nested_items_of_an_error_raises_the_okx_error(
    account: Account.AccountAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(LEVERAGE_URL, json={"code": "51000", "msg": "Parameter instId error", "data": []})
    with pytest.raises(OkxAPIException, match="51000"):
        account.get_leverage("cross", instId="BTC-USDT-SWAP").to_records("anything")


def test_text_table_writes_numbers_as_okx_does() -> None:
    @attrs.frozen
    class Item:
        name: str | None
        size: Decimal | None
        count: int

    table = display.text_table([Item("a", Decimal("1E-8"), 7), Item(None, None, 10)], Item)
    assert table.splitlines() == [
        "name        size  count",
        "a     0.00000001      7",
        "                     10",
        "2 rows",
    ]
