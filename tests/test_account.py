"""AccountAPI: get_leverage (the documented call, signing, the wire, and every parameter rule)
and the module's quirks."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import responses

import okx_v5.Account as Account
from okx_v5 import LeverageInfo, OkxParamsException
from okx_v5.testing import FakeOKX

from .helpers import KEY, LEVERAGE_ANSWER, PASSPHRASE, SECRET, independent_sign


def test_documented_example_runs_as_written(leverage_ok: responses.RequestsMock) -> None:
    apikey, secretkey, passphrase = KEY, SECRET, PASSPHRASE
    flag = "1"  # Production trading:0 , demo trading:1

    accountAPI = Account.AccountAPI(apikey, secretkey, passphrase, False, flag)
    result = accountAPI.get_leverage(instId="BTC-USDT-SWAP", mgnMode="cross")

    assert result == LEVERAGE_ANSWER
    assert result.data[0] == LeverageInfo(
        inst_id="BTC-USDT-SWAP", ccy=None, mgn_mode="cross", pos_side="long", lever=Decimal(10)
    )
    sent = leverage_ok.calls[0].request
    assert (
        sent.url
        == "https://www.okx.com/api/v5/account/leverage-info?instId=BTC-USDT-SWAP&mgnMode=cross"
    )


def test_signed_headers_are_all_present(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    account.get_leverage("cross", instId="BTC-USDT-SWAP")
    headers = leverage_ok.calls[0].request.headers
    assert headers["OK-ACCESS-KEY"] == KEY
    assert headers["OK-ACCESS-PASSPHRASE"] == PASSPHRASE
    assert headers["Content-Type"] == "application/json"
    assert headers["x-simulated-trading"] == "1"
    assert re.fullmatch(r"okx_v5/\S+ python-requests/\S+", headers["User-Agent"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", headers["OK-ACCESS-TIMESTAMP"])


def test_signature_verifies_over_the_exact_url_sent(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    account.get_leverage("cross", instId=["BTC-USDT-SWAP", "ETH-USDT-SWAP"])
    sent = leverage_ok.calls[0].request
    path = sent.url.removeprefix("https://www.okx.com")
    assert path == "/api/v5/account/leverage-info?instId=BTC-USDT-SWAP,ETH-USDT-SWAP&mgnMode=cross"
    expected = independent_sign(SECRET, sent.headers["OK-ACCESS-TIMESTAMP"] + "GET" + path)
    assert sent.headers["OK-ACCESS-SIGN"] == expected


def test_legacy_positional_order_is_served_with_a_deprecation_warning(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    with pytest.warns(DeprecationWarning, match="python-okx < 0.3.4"):
        result = account.get_leverage("BTC-USDT-SWAP", "cross")
    assert result.ok
    assert leverage_ok.calls[0].request.url.endswith("?instId=BTC-USDT-SWAP&mgnMode=cross")


def test_current_positional_order_gives_no_warning(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    account.get_leverage("isolated", "BTC,ETH")  # filterwarnings=error fails on any warning
    assert leverage_ok.calls[0].request.url.endswith("?mgnMode=isolated&ccy=BTC,ETH")


def test_ids_from_an_iterable_are_stripped_and_deduplicated_in_order(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    account.get_leverage("cross", instId=(i for i in [" B-USDT ", "A-USDT", "B-USDT"]))
    assert leverage_ok.calls[0].request.url.endswith("?instId=B-USDT,A-USDT&mgnMode=cross")


def test_margin_mode_is_matched_case_insensitively(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    account.get_leverage(" CROSS ", ccy="BTC")
    assert leverage_ok.calls[0].request.url.endswith("?mgnMode=cross&ccy=BTC")


def test_twenty_ids_are_allowed(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    account.get_leverage("cross", instId=[f"I{n}-USDT-SWAP" for n in range(20)])
    assert len(leverage_ok.calls) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"mgnMode": "cross", "instId": [f"I{n}-USDT" for n in range(21)]},
            "get_leverage: instId has 21 items; at most 20 are allowed",
        ),
        (
            {"mgnMode": "cross", "ccy": ",".join(f"C{n}" for n in range(21))},
            "get_leverage: ccy has 21 items; at most 20 are allowed",
        ),
        (
            {"mgnMode": "crosss", "instId": "BTC-USDT"},
            "get_leverage: mgnMode is 'crosss'; allowed values are cross, isolated",
        ),
        (
            {"mgnMode": None, "instId": "BTC-USDT"},
            "get_leverage: mgnMode is required; allowed values are cross, isolated",
        ),
        ({"mgnMode": "cross"}, "get_leverage: one of instId, ccy is required"),
        ({"mgnMode": "cross", "instId": "A-USDT,,B-USDT"}, "get_leverage: instId item 2 is empty"),
        (
            {"mgnMode": "cross", "instId": ["A-USDT", 7]},
            "get_leverage: instId item 2 is 7, not a string",
        ),
        ({"mgnMode": "cross", "instId": 42}, "get_leverage: instId is 42; one ID or up to 20"),
        ({"mgnMode": 1, "instId": "BTC-USDT"}, "get_leverage: mgnMode is 1; allowed values"),
    ],
)
def test_get_leverage_rejects_bad_input_before_sending(
    account: Account.AccountAPI,
    mocked: responses.RequestsMock,
    kwargs: dict[str, object],
    message: str,
) -> None:
    with pytest.raises(OkxParamsException) as caught:
        account.get_leverage(**kwargs, validate="strict")  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)
    assert caught.value.method == "get_leverage"
    assert len(mocked.calls) == 0


def test_rejection_names_the_parameter_value_and_allowed(account: Account.AccountAPI) -> None:
    with pytest.raises(ValueError, match="mgnMode") as caught:
        account.get_leverage("both", instId="BTC-USDT", validate="strict")
    error = caught.value
    assert isinstance(error, OkxParamsException)
    assert (error.param, error.value, error.allowed) == (
        "mgnMode",
        "both",
        "allowed values are cross, isolated",
    )


def test_without_credentials_it_says_an_api_key_is_needed(mocked: responses.RequestsMock) -> None:
    api = Account.AccountAPI(flag="1")
    with pytest.raises(OkxParamsException, match="get_leverage: this endpoint needs an API key"):
        api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert len(mocked.calls) == 0


def test_validate_false_sends_the_parameters_as_given(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    account.get_leverage("portfolio", instId=["X", "X"], validate=False)
    assert leverage_ok.calls[0].request.url.endswith("?instId=X,X&mgnMode=portfolio")


# -- python-okx's quirks -----------------------------------------------------------------------

DEMO = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)


def test_set_risk_offset_type_is_the_right_spelling_of_the_same_call(okx: FakeOKX) -> None:
    with Account.AccountAPI(*DEMO, False, "1", okx.url) as api:
        api.set_risk_offset_typel("1")
        api.set_risk_offset_type("1")
    typo, right = okx.requests
    assert (typo.path, typo.body) == (right.path, right.body)
