"""Results in notebooks: the HTML table, the plain repr, and to_records()."""

from __future__ import annotations

import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import responses

import okx_v5.Account as Account
import okx_v5.PublicData as PublicData
import okx_v5.Trade as Trade
from okx_v5 import display
from okx_v5.exceptions import OkxAPIException

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
