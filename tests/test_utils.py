"""The pure signing helpers in okx_v5.utils."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from okx_v5 import utils


def test_sign_matches_a_known_answer_computed_with_openssl() -> None:
    # printf '%s' "$msg" | openssl dgst -sha256 -hmac "$secret" -binary | base64
    message = utils.pre_hash("2020-12-08T09:08:57.715Z", "get", "/api/v5/account/balance?ccy=BTC")
    assert message == "2020-12-08T09:08:57.715ZGET/api/v5/account/balance?ccy=BTC"
    signature = utils.sign(message, "22582BD0CFF14C41EDBF1AB98506286D")
    assert signature == b"HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY="  # bytes, as python-okx


def test_pre_hash_appends_the_body() -> None:
    assert utils.pre_hash("t", "POST", "/p", '{"a":1}') == "t" + 'POST/p{"a":1}'


def test_timestamp_is_utc_iso8601_with_milliseconds_and_z() -> None:
    stamp = utils.get_timestamp()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp)
    parsed = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
    assert abs((dt.datetime.now(dt.timezone.utc) - parsed).total_seconds()) < 5


@pytest.mark.parametrize(
    ("now", "offset", "expected"),
    [
        (1607418537.715, 0.0, "2020-12-08T09:08:57.715Z"),
        (1607418537.9999, 0.0, "2020-12-08T09:08:57.999Z"),
        (1607418537.5, 0.6, "2020-12-08T09:08:58.100Z"),
    ],
)
def test_timestamp_truncates_to_the_millisecond(
    monkeypatch: pytest.MonkeyPatch, now: float, offset: float, expected: str
) -> None:
    monkeypatch.setattr(utils.time, "time", lambda: now)
    assert utils.get_timestamp(offset) == expected


def test_timestamp_offset_moves_the_clock() -> None:
    ahead = dt.datetime.strptime(utils.get_timestamp(offset=120), "%Y-%m-%dT%H:%M:%S.%fZ")
    now = dt.datetime.strptime(utils.get_timestamp(), "%Y-%m-%dT%H:%M:%S.%fZ")
    assert 115 < (ahead - now).total_seconds() < 125


def test_query_string_keeps_order_and_drops_empty_values() -> None:
    query = utils.parse_params_to_str({"instId": "A-B", "ccy": "", "x": None, "mgnMode": "cross"})
    assert query == "?instId=A-B&mgnMode=cross"


def test_query_string_keeps_commas_literal() -> None:
    assert utils.parse_params_to_str({"instId": "BTC-USDT,ETH-USDT"}) == "?instId=BTC-USDT,ETH-USDT"


def test_query_string_encodes_reserved_characters() -> None:
    assert utils.parse_params_to_str({"a": "x y&z=1/2"}) == "?a=x%20y%26z%3D1%2F2"


def test_query_string_of_nothing_is_empty() -> None:
    assert utils.parse_params_to_str({}) == ""
    assert utils.parse_params_to_str({"a": ""}) == ""


def test_python_okx_helper_signatures_are_kept() -> None:
    assert utils.pre_hash("t", "get", "/p", "", False) == "tGET/p"
    headers = utils.get_header("key", b"c2ln", "t", "pass", "1", False)
    assert headers == {
        "Content-Type": "application/json",
        "OK-ACCESS-KEY": "key",
        "OK-ACCESS-SIGN": "c2ln",
        "OK-ACCESS-TIMESTAMP": "t",
        "OK-ACCESS-PASSPHRASE": "pass",
        "x-simulated-trading": "1",
    }
    assert utils.get_header("k", "s", "t", "p", "0")["OK-ACCESS-SIGN"] == "s"
    assert utils.get_header_no_sign("0") == {
        "Content-Type": "application/json",
        "x-simulated-trading": "0",
    }


def test_every_python_okx_constant_is_kept_with_its_value() -> None:
    import okx.consts

    from okx_v5 import consts

    theirs = {
        name: value
        for name, value in vars(okx.consts).items()
        if isinstance(value, str) and not name.startswith("__")
    }
    assert len(theirs) > 250
    assert {name: getattr(consts, name, None) for name in theirs} == theirs
    assert consts.TIER == "/api/v5/public/position-tiers"
    assert consts.BILLs == theirs["BILLs"]  # python-okx's odd spellings too
