"""The pure signing helpers in okx_v5.utils."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import okx.utils as okx_utils
import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# -- python-okx's okx.utils, compared with the installed python-okx 0.4.4 --------------------


@pytest.fixture(autouse=True)
def quiet_python_okx() -> Iterator[None]:
    """python-okx's helpers log their arguments through loguru when ``debug`` is left on."""
    from loguru import logger

    logger.disable("okx")
    yield
    logger.enable("okx")


def python_okx_functions() -> dict[str, Callable[..., Any]]:
    return {
        name: value
        for name, value in vars(okx_utils).items()
        if inspect.isfunction(value)
        and value.__module__ == okx_utils.__name__
        and not name.startswith("_")
    }


def test_python_okx_utils_has_the_seven_functions_compared_here() -> None:
    assert sorted(python_okx_functions()) == [
        "get_header",
        "get_header_no_sign",
        "get_timestamp",
        "parse_params_to_str",
        "pre_hash",
        "sign",
        "signature",
    ]


@pytest.mark.parametrize("name", sorted(python_okx_functions()))
def test_each_python_okx_helper_exists_with_its_parameters_and_defaults(name: str) -> None:
    theirs = list(inspect.signature(python_okx_functions()[name]).parameters.values())
    mine = list(inspect.signature(getattr(utils, name)).parameters.values())
    assert [(p.name, p.kind) for p in mine[: len(theirs)]] == [(p.name, p.kind) for p in theirs]
    for their, my in zip(theirs, mine[: len(theirs)], strict=True):
        if their.default is not inspect.Parameter.empty:
            assert my.default == their.default, their.name
    assert all(p.default is not inspect.Parameter.empty for p in mine[len(theirs) :])
    assert name in utils.__all__


SECRET_TEXT = "22582BD0CFF14C41EDBF1AB98506286D"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("sign", ("2020-12-08T09:08:57.715ZGET/api/v5/account/balance", SECRET_TEXT)),
        ("sign", ("", "s")),
        ("sign", ("ünïcode ✓", "sécret")),
        ("pre_hash", ("2020-12-08T09:08:57.715Z", "get", "/api/v5/x?a=1", "")),
        ("pre_hash", ("t", "Post", "/p", '{"a": 1}', False)),
        ("pre_hash", (1607418537, "GET", "/p", "")),
        ("signature", ("t", "get", "/p", "", SECRET_TEXT)),
        ("signature", ("t", "post", "/p", '{"a": 1}', SECRET_TEXT)),
        ("signature", ("t", "post", "/p", "{}", SECRET_TEXT)),
        ("signature", ("t", "post", "/p", {}, SECRET_TEXT)),
        ("signature", ("t", "post", "/p", None, SECRET_TEXT)),
        ("signature", ("t", "post", "/p", {"a": [1, "b"]}, SECRET_TEXT)),
        ("signature", (1607418537.5, "get", "/p", 0, SECRET_TEXT)),
        ("get_header", ("key", b"c2ln", "t", "pass", "1")),
        ("get_header", ("key", "c2ln", 1607418537, "pass", "0", False)),
        ("get_header_no_sign", ("0",)),
        ("get_header_no_sign", ("1", False)),
        ("parse_params_to_str", ({},)),
        ("parse_params_to_str", ({"a": ""},)),
        ("parse_params_to_str", ({"instId": "A-B", "ccy": "", "x": None, "mgnMode": "cross"},)),
        ("parse_params_to_str", ({"instId": "BTC-USDT,ETH-USDT", "after": 0, "flag": False},)),
        ("parse_params_to_str", ({"a": "x y&z=1/2", "b": ["c", "d"], 3: 4.5},)),
    ],
)
def test_each_helper_gives_python_okx_result_for_the_same_input(
    name: str, args: tuple[object, ...]
) -> None:
    expected = getattr(okx_utils, name)(*args)
    got = getattr(utils, name)(*args)
    assert got == expected
    assert type(got) is type(expected)
    if isinstance(expected, dict):
        assert list(got.items()) == list(expected.items())  # the same headers in the same order


@given(
    params=st.dictionaries(
        st.text(max_size=8),
        st.one_of(st.none(), st.text(max_size=8), st.integers(), st.booleans()),
        max_size=5,
    )
)
def test_any_query_string_is_python_okx_s(params: dict[str, object]) -> None:
    assert utils.parse_params_to_str(params) == okx_utils.parse_params_to_str(params)


@given(
    message=st.text(max_size=50),
    secret=st.text(min_size=1, max_size=40),
    body=st.one_of(st.none(), st.text(max_size=20), st.just({})),
)
def test_any_signature_is_python_okx_s(message: str, secret: str, body: object) -> None:
    stamp = "2020-12-08T09:08:57.715Z"
    assert utils.sign(message, secret) == okx_utils.sign(message, secret)
    assert utils.signature(stamp, "get", "/p", body, secret) == okx_utils.signature(
        stamp, "get", "/p", body, secret
    )


@given(now=st.floats(min_value=1.5e9, max_value=4e9))
def test_the_timestamp_of_any_instant_is_python_okx_s(now: float) -> None:
    # python-okx reads datetime.utcnow(), which is this same conversion of time.time()
    frozen_utcnow = SimpleNamespace(
        utcnow=lambda: dt.datetime.fromtimestamp(now, dt.timezone.utc).replace(tzinfo=None)
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(okx_utils, "datetime", SimpleNamespace(datetime=frozen_utcnow))
        patch.setattr(utils, "time", SimpleNamespace(time=lambda: now))
        assert utils.get_timestamp() == okx_utils.get_timestamp()
