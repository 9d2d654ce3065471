"""OKX's answers are decoded exactly as python-okx's ``json.loads`` decodes them: orjson where
it gives the same values, ``json.loads`` where it would not (integers beyond 64 bits) or
refuses (NaN, lone surrogates, a byte-order mark)."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from okx_v5.okxclient import _json

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), JSON_VALUES, max_size=6))
def test_any_answer_decodes_to_what_json_loads_gives(answer: dict[str, Any]) -> None:
    body = json.dumps(answer).encode()
    decoded = _json(body)
    assert decoded == json.loads(body)
    assert repr(decoded) == repr(json.loads(body))  # same types: an int stays an int


def test_an_integer_beyond_64_bits_stays_exact() -> None:
    for number in (2**64, 2**64 + 1, -(2**63) - 1, 123456789012345678901234567890):
        assert _json(b'{"code": "0", "n": %d}' % number)["n"] == number


def test_a_long_run_of_digits_in_a_string_is_read_all_the_same() -> None:
    body = b'{"ordId": "123456789012345678901234", "px": 1.5}'
    assert _json(body) == {"ordId": "123456789012345678901234", "px": 1.5}


def test_what_orjson_refuses_is_read_as_json_reads_it() -> None:
    assert math.isnan(_json(b'{"x": NaN}')["x"])
    assert _json(b'{"x": "\\ud800"}') == {"x": "\ud800"}
    assert _json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}
    assert _json('{"a": "é"}'.encode("utf-16")) == {"a": "é"}
