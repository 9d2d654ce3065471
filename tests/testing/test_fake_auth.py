"""FakeOKX authenticates signed requests as OKX does."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from okx_v5.testing import FakeOKX
from okx_v5.testing.exchange import origin_form

Signer = Callable[..., dict[str, str]]
LEVERAGE_PATH = "/api/v5/account/leverage-info"
PATH = LEVERAGE_PATH + "?instId=BTC-USDT-SWAP&mgnMode=cross"


def get(
    session: requests.Session, okx: FakeOKX, path: str, headers: dict[str, str]
) -> tuple[int, Any]:
    response = session.get(okx.url + path, headers=headers)
    return response.status_code, response.json()


def test_signed_request_is_accepted(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    status, body = get(session, okx, PATH, signed(PATH))
    assert (status, body["code"], body["msg"]) == (200, "0", "")
    assert [row["posSide"] for row in body["data"]] == ["long", "short"]


def test_one_byte_change_in_path_is_rejected_as_invalid_sign(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    headers = signed(PATH)
    status, body = get(session, okx, PATH.replace("SWAP", "SWAp"), headers)
    assert (status, body["code"], body["msg"]) == (401, "50113", "Invalid Sign.")


def test_one_byte_change_in_signature_is_rejected_as_invalid_sign(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    headers = signed(PATH)
    sign = headers["OK-ACCESS-SIGN"]
    headers["OK-ACCESS-SIGN"] = ("B" if sign[0] == "A" else "A") + sign[1:]
    status, body = get(session, okx, PATH, headers)
    assert (status, body["code"]) == (401, "50113")


def test_signature_covers_the_query_exactly_as_sent(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    # A percent-encoded comma is signed and checked as "%2C", not re-encoded to ",".
    path = "/api/v5/account/leverage-info?instId=BTC-USDT-SWAP%2CETH-USDT-SWAP&mgnMode=cross"
    status, body = get(session, okx, path, signed(path))
    assert (status, body["code"]) == (200, "0")
    assert len(body["data"]) == 4
    decoded = path.replace("%2C", ",")
    status, body = get(session, okx, path, signed(decoded))
    assert (status, body["code"]) == (401, "50113")


def test_a_full_url_target_from_a_proxy_client_is_routed_and_signed_as_its_path(
    okx: FakeOKX, signed: Signer
) -> None:
    # Through an HTTP proxy the request line carries the full URL; the path is what is signed.
    conn = http.client.HTTPConnection("127.0.0.1", okx.port, timeout=5)
    try:
        conn.request("GET", "http://okx.invalid" + PATH, headers=signed(PATH))
        response = conn.getresponse()
        body = json.loads(response.read())
    finally:
        conn.close()
    assert (response.status, body["code"], len(body["data"])) == (200, "0", 2)
    assert okx.requests[0].path == "http://okx.invalid" + PATH


@pytest.mark.parametrize(
    ("target", "path"),
    [
        ("/api/v5/public/time?a=1", "/api/v5/public/time?a=1"),
        ("http://okx.invalid:8080/api/v5/public/time?a=1", "/api/v5/public/time?a=1"),
        ("https://okx.invalid?a=1", "/?a=1"),
        ("http://okx.invalid", "/"),
    ],
)
def test_origin_form_is_the_path_and_query_of_a_full_url(target: str, path: str) -> None:
    assert origin_form(target) == path


@pytest.mark.parametrize("offset", [-31.0, 31.0])
def test_timestamp_outside_30_seconds_is_expired(
    okx: FakeOKX,
    session: requests.Session,
    signed: Signer,
    stamp: Callable[[float], str],
    offset: float,
) -> None:
    status, body = get(session, okx, PATH, signed(PATH, timestamp=stamp(offset)))
    assert (status, body["code"], body["msg"]) == (401, "50102", "Timestamp request expired.")


def test_timestamp_within_30_seconds_is_accepted(
    okx: FakeOKX, session: requests.Session, signed: Signer, stamp: Callable[[float], str]
) -> None:
    status, body = get(session, okx, PATH, signed(PATH, timestamp=stamp(-25.0)))
    assert (status, body["code"]) == (200, "0")


def test_clock_offset_makes_a_current_timestamp_expire(
    okx: FakeOKX, session: requests.Session, signed: Signer, stamp: Callable[[float], str]
) -> None:
    okx.clock_offset = 45.0
    status, body = get(session, okx, PATH, signed(PATH))
    assert (status, body["code"]) == (401, "50102")
    # A client that follows the server's clock gets through.
    status, body = get(session, okx, PATH, signed(PATH, timestamp=stamp(45.0)))
    assert (status, body["code"]) == (200, "0")


def test_public_time_follows_the_clock_offset(okx: FakeOKX, session: requests.Session) -> None:
    okx.clock_offset = -3600.0
    body = session.get(okx.url + "/api/v5/public/time").json()
    assert body["code"] == "0"
    assert abs(int(body["data"][0]["ts"]) - okx.server_time()) < 5_000
    assert abs(int(body["data"][0]["ts"]) - (time.time() - 3600) * 1000) < 5_000


@pytest.mark.parametrize(
    "timestamp",
    ["1700000000", "2024-01-02T03:04:05Z", "2024-13-02T03:04:05.000Z", "2024-01-02 03:04:05.000Z"],
)
def test_malformed_timestamp_is_invalid(
    okx: FakeOKX, session: requests.Session, signed: Signer, timestamp: str
) -> None:
    status, body = get(session, okx, PATH, signed(PATH, timestamp=timestamp))
    assert (status, body["code"]) == (401, "50112")


def test_demo_key_without_demo_header_does_not_match_environment(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    status, body = get(session, okx, PATH, signed(PATH, demo=False))
    assert (status, body["code"]) == (401, "50101")


def test_live_key_with_demo_header_does_not_match_environment(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    okx.add_key("live-key", "live-secret", "live-pass", demo=False)
    creds = {"key": "live-key", "secret": "live-secret", "passphrase": "live-pass"}
    status, body = get(session, okx, PATH, signed(PATH, demo=True, **creds))
    assert (status, body["code"]) == (401, "50101")
    status, body = get(session, okx, PATH, signed(PATH, demo=False, **creds))
    assert (status, body["code"]) == (200, "0")


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("OK-ACCESS-KEY", "50103"),
        ("OK-ACCESS-PASSPHRASE", "50104"),
        ("OK-ACCESS-SIGN", "50106"),
        ("OK-ACCESS-TIMESTAMP", "50107"),
    ],
)
def test_missing_auth_header_has_its_own_code(
    okx: FakeOKX, session: requests.Session, signed: Signer, header: str, code: str
) -> None:
    headers = signed(PATH)
    del headers[header]
    status, body = get(session, okx, PATH, headers)
    assert (status, body["code"], body["data"]) == (401, code, [])
    assert header in body["msg"]


def test_unknown_key_is_invalid(okx: FakeOKX, session: requests.Session, signed: Signer) -> None:
    status, body = get(session, okx, PATH, signed(PATH, key="nobody"))
    assert (status, body["code"]) == (401, "50111")


def test_wrong_passphrase_is_incorrect(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    status, body = get(session, okx, PATH, signed(PATH, passphrase="guess"))
    assert (status, body["code"]) == (401, "50105")


def test_wrong_secret_is_invalid_sign(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    status, body = get(session, okx, PATH, signed(PATH, secret="not-the-secret"))
    assert (status, body["code"]) == (401, "50113")


def test_public_endpoints_need_no_signature(okx: FakeOKX, session: requests.Session) -> None:
    path = "/api/v5/public/position-tiers?instType=SWAP&tdMode=cross&instFamily=BTC-USDT"
    response = session.get(okx.url + path)
    assert (response.status_code, response.json()["code"]) == (200, "0")


def test_okx_v5_signing_helpers_are_accepted(okx: FakeOKX, session: requests.Session) -> None:
    from okx_v5 import utils

    path = LEVERAGE_PATH + utils.parse_params_to_str(
        {"instId": "BTC-USDT-SWAP,ETH-USDT-SWAP", "mgnMode": "cross"}
    )
    timestamp = utils.get_timestamp()
    headers = {
        "OK-ACCESS-KEY": FakeOKX.DEMO_KEY,
        "OK-ACCESS-SIGN": utils.sign(
            utils.pre_hash(timestamp, "GET", path), FakeOKX.DEMO_SECRET
        ).decode(),
        "OK-ACCESS-TIMESTAMP": timestamp,
        "OK-ACCESS-PASSPHRASE": FakeOKX.DEMO_PASSPHRASE,
        "x-simulated-trading": "1",
    }
    status, body = get(session, okx, path, headers)
    assert (status, body["code"], len(body["data"])) == (200, "0", 4)
