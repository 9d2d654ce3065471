"""Secrets never leak; signed requests go over TLS unless the server is on this machine."""

from __future__ import annotations

import logging
import warnings

import pytest
import responses

from okx_v5 import AccountAPI, OkxParamsException, PublicAPI
from okx_v5.exceptions import OkxAuthException

from .helpers import KEY, LEVERAGE_ANSWER, LEVERAGE_URL, PASSPHRASE, SECRET, now_ms


@pytest.mark.parametrize(
    "domain", ["http://www.okx.com", "http://10.0.0.5:8080", "http://example.test"]
)
def test_signed_requests_over_plain_http_are_refused(
    domain: str, mocked: responses.RequestsMock
) -> None:
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", domain=domain)
    with pytest.raises(OkxParamsException, match="refusing to send a signed request") as info:
        api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert info.value.param == "domain"
    assert len(mocked.calls) == 0


@pytest.mark.parametrize(
    "domain",
    ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://www.okx.com"],
)
def test_signed_requests_to_loopback_or_https_are_sent(
    domain: str, mocked: responses.RequestsMock
) -> None:
    mocked.get(domain + "/api/v5/account/leverage-info", json=LEVERAGE_ANSWER)
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", domain=domain)
    assert api.get_leverage("cross", instId="BTC-USDT-SWAP").ok


def test_public_requests_over_plain_http_are_allowed(mocked: responses.RequestsMock) -> None:
    mocked.get("http://example.test/api/v5/public/position-tiers", json=LEVERAGE_ANSWER)
    assert (
        PublicAPI(domain="http://example.test")
        .get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
        .ok
    )


def test_no_secret_reaches_logs_exceptions_or_warnings(
    caplog: pytest.LogCaptureFixture, mocked: responses.RequestsMock
) -> None:
    caplog.set_level(logging.DEBUG)
    mocked.get(LEVERAGE_URL, json={"code": "50102", "msg": "expired", "data": []}, status=401)
    mocked.get(LEVERAGE_URL, json={"code": "50113", "msg": "Invalid Sign", "data": []}, status=401)
    mocked.get(
        "https://www.okx.com/api/v5/public/time",
        json={"code": "0", "msg": "", "data": [{"ts": now_ms()}]},
    )
    api = AccountAPI(KEY, SECRET, PASSPHRASE, True, "1", debug=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = api.get_leverage("cross", instId="BTC-USDT-SWAP")
        with pytest.raises(OkxAuthException, match="50113") as info:
            result.raise_for_code()
    signatures = [
        call.request.headers["OK-ACCESS-SIGN"]
        for call in mocked.calls
        if "OK-ACCESS-SIGN" in call.request.headers
    ]
    assert signatures
    shown = [
        caplog.text,
        str(info.value),
        repr(info.value),
        repr(api),
        repr(result),
        str(vars(info.value)),
        *(str(w.message) for w in caught),
    ]
    for text in shown:
        for secret in (SECRET, PASSPHRASE, *signatures):
            assert secret not in text
    assert "after 2 attempts" in str(info.value)
