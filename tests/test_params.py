"""How values are written into the query string and the JSON body (``okx_v5.params``)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from okx_v5 import OkxParamsException
from okx_v5.params import json_body, query_string, query_value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("BTC-USDT", "BTC-USDT"),
        (True, "true"),
        (False, "false"),
        (Decimal("1E-8"), "0.00000001"),
        (Decimal("1E+3"), "1000"),
        (1e-05, "0.00001"),
        (0.1, "0.1"),
        (12, "12"),
        (["BTC-USDT", "ETH-USDT"], "BTC-USDT,ETH-USDT"),
        ((Decimal("0.5"), 2), "0.5,2"),
    ],
)
def test_a_query_value_is_written_as_okx_reads_it(value: object, written: str) -> None:
    assert query_value(value) == written


def test_a_query_string_leaves_out_none_and_empty_values() -> None:
    assert query_string({"a": "1", "b": None, "c": "", "d": [1, 2]}) == "?a=1&d=1,2"


def test_a_query_string_keeps_the_order_and_commas_literal() -> None:
    query = query_string({"instId": "BTC-USDT,ETH-USDT", "ccy": "", "mgnMode": "cross"})
    assert query == "?instId=BTC-USDT,ETH-USDT&mgnMode=cross"


def test_a_query_string_encodes_what_a_url_cannot_carry_as_is() -> None:
    assert query_string({"a": "x y&z=1/2"}) == "?a=x%20y%26z%3D1%2F2"


def test_the_query_string_of_nothing_is_empty() -> None:
    assert query_string({}) == ""


def test_a_number_too_long_to_write_is_refused() -> None:
    with pytest.raises(OkxParamsException, match="too many digits"):
        query_string({"sz": 10**5000})


def test_a_lone_surrogate_is_refused_with_its_position() -> None:
    with pytest.raises(OkxParamsException, match="lone surrogate at position 3"):
        query_string({"instId": "BTC\ud800"})


def test_the_body_writes_a_decimal_as_okx_s_string_and_tuples_as_lists() -> None:
    body = json_body({"sz": Decimal("1E-8"), "px": 0.5, "ids": ("a", "b"), "tags": frozenset()})
    assert json.loads(body) == {"sz": "0.00000001", "px": 0.5, "ids": ["a", "b"], "tags": []}


def test_a_body_that_is_not_json_is_refused() -> None:
    with pytest.raises(OkxParamsException, match="cannot be written as JSON"):
        json_body({"x": object()})
