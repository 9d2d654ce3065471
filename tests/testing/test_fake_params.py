"""FakeOKX rejects missing and invalid parameters with OKX's codes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests

from okx_v5.testing import FakeOKX

Signer = Callable[..., dict[str, str]]
LEVERAGE = "/api/v5/account/leverage-info"
TIERS = "/api/v5/public/position-tiers"


def leverage(
    okx: FakeOKX, session: requests.Session, signed: Signer, query: str
) -> tuple[int, str, str]:
    path = f"{LEVERAGE}?{query}"
    response = session.get(okx.url + path, headers=signed(path))
    body = response.json()
    return response.status_code, body["code"], body["msg"]


def tiers(okx: FakeOKX, session: requests.Session, query: str) -> tuple[int, str, str]:
    response = session.get(f"{okx.url}{TIERS}?{query}")
    body = response.json()
    return response.status_code, body["code"], body["msg"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("instId=BTC-USDT-SWAP", (400, "50014", "Parameter mgnMode can not be empty.")),
        ("instId=BTC-USDT-SWAP&mgnMode=", (400, "50014", "Parameter mgnMode can not be empty.")),
        ("instId=BTC-USDT-SWAP&mgnMode=cash", (400, "51000", "Parameter mgnMode error")),
        ("mgnMode=cross", (400, "50014", "Parameter instId can not be empty.")),
        (
            "instId=BTC-USDT-SWAP,,ETH-USDT-SWAP&mgnMode=cross",
            (400, "51000", "Parameter instId error"),
        ),
        ("ccy=BTC&mgnMode=isolated", (400, "51000", "Parameter ccy error")),
    ],
)
def test_leverage_param_errors(
    okx: FakeOKX,
    session: requests.Session,
    signed: Signer,
    query: str,
    expected: tuple[int, str, str],
) -> None:
    assert leverage(okx, session, signed, query) == expected


def test_leverage_rejects_21_inst_ids(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    ids = ",".join(f"COIN{n}-USDT-SWAP" for n in range(21))
    assert leverage(okx, session, signed, f"instId={ids}&mgnMode=cross") == (
        400,
        "51000",
        "Parameter instId error",
    )
    ids20 = ",".join(f"COIN{n}-USDT-SWAP" for n in range(20))
    assert leverage(okx, session, signed, f"instId={ids20}&mgnMode=cross")[:2] == (200, "0")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "tdMode=cross&instFamily=BTC-USDT",
            (400, "50014", "Parameter instType can not be empty."),
        ),
        ("instType=SPOT&tdMode=cross", (400, "51000", "Parameter instType error")),
        ("instType=SWAP&instFamily=BTC-USDT", (400, "50014", "Parameter tdMode can not be empty.")),
        ("instType=SWAP&tdMode=cash&instFamily=BTC-USDT", (400, "51000", "Parameter tdMode error")),
        ("instType=SWAP&tdMode=cross", (400, "50014", "Parameter instFamily can not be empty.")),
        ("instType=MARGIN&tdMode=cross", (400, "50014", "Parameter instId can not be empty.")),
        ("instType=MARGIN&tdMode=isolated&ccy=BTC", (400, "51000", "Parameter ccy error")),
        (
            "instType=SWAP&tdMode=cross&instFamily=BTC-USDT&tier=0",
            (400, "51000", "Parameter tier error"),
        ),
        (
            "instType=SWAP&tdMode=cross&instFamily=BTC-USDT&tier=x",
            (400, "51000", "Parameter tier error"),
        ),
        ("instType=SWAP&tdMode=cross&uly=btc-usdt", (400, "51000", "Parameter uly error")),
    ],
)
def test_position_tiers_param_errors(
    okx: FakeOKX, session: requests.Session, query: str, expected: tuple[int, str, str]
) -> None:
    assert tiers(okx, session, query) == expected


def test_position_tiers_rejects_6_families(okx: FakeOKX, session: requests.Session) -> None:
    families = "BTC-USDT,ETH-USDT,BTC-USD,ETH-USD,SOL-USDT,DOGE-USDT"
    query = f"instType=SWAP&tdMode=cross&instFamily={families}"
    assert tiers(okx, session, query) == (400, "51000", "Parameter instFamily error")
    five = families.rsplit(",", 1)[0]
    assert tiers(okx, session, f"instType=SWAP&tdMode=cross&instFamily={five}")[:2] == (200, "0")


def test_position_tiers_rejects_6_margin_inst_ids(okx: FakeOKX, session: requests.Session) -> None:
    ids = "BTC-USDT,ETH-USDT,SOL-USDT,ETH-BTC,XRP-USDT,ADA-USDT"
    query = f"instType=MARGIN&tdMode=cross&instId={ids}"
    assert tiers(okx, session, query) == (400, "51000", "Parameter instId error")


def test_unknown_path_is_404_and_wrong_method_is_405(
    okx: FakeOKX, session: requests.Session
) -> None:
    missing = session.get(okx.url + "/api/v5/public/nothing")
    assert missing.status_code == 404
    assert missing.json()["code"] == "404"
    for method in ("POST", "PUT", "DELETE"):
        wrong = session.request(method, okx.url + "/api/v5/public/time", data="{}")
        assert wrong.status_code == 405
        assert wrong.json()["code"] == "405"
