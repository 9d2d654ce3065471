"""FakeOKX answers leverage per account, instrument, margin mode and position side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from okx_v5.testing import FakeOKX

Signer = Callable[..., dict[str, str]]
LEVERAGE = "/api/v5/account/leverage-info"


def leverage(
    okx: FakeOKX, session: requests.Session, signed: Signer, query: str, **creds: Any
) -> list[dict[str, str]]:
    path = f"{LEVERAGE}?{query}"
    response = session.get(okx.url + path, headers=signed(path, **creds))
    body = response.json()
    assert (response.status_code, body["code"]) == (200, "0"), body
    rows: list[dict[str, str]] = body["data"]
    return rows


def test_swap_in_long_short_mode_has_long_and_short_rows(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    rows = leverage(okx, session, signed, "instId=BTC-USDT-SWAP&mgnMode=cross")
    assert rows == [
        {
            "ccy": "",
            "instId": "BTC-USDT-SWAP",
            "mgnMode": "cross",
            "posSide": "long",
            "lever": "10",
        },
        {
            "ccy": "",
            "instId": "BTC-USDT-SWAP",
            "mgnMode": "cross",
            "posSide": "short",
            "lever": "10",
        },
    ]


def test_futures_are_hedged_and_margin_is_net(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    rows = leverage(okx, session, signed, "instId=BTC-USD-250328,ETH-USDT&mgnMode=isolated")
    assert [(r["instId"], r["posSide"]) for r in rows] == [
        ("BTC-USD-250328", "long"),
        ("BTC-USD-250328", "short"),
        ("ETH-USDT", "net"),
    ]


def test_options_have_a_net_row(okx: FakeOKX, session: requests.Session, signed: Signer) -> None:
    rows = leverage(okx, session, signed, "instId=BTC-USD-250328-50000-C&mgnMode=isolated")
    assert [(r["instId"], r["posSide"]) for r in rows] == [("BTC-USD-250328-50000-C", "net")]


def test_net_mode_has_one_net_row(okx: FakeOKX, session: requests.Session, signed: Signer) -> None:
    okx.set_position_mode(FakeOKX.DEMO_KEY, "net")
    rows = leverage(okx, session, signed, "instId=BTC-USDT-SWAP,ETH-USDT-SWAP&mgnMode=cross")
    assert [(r["instId"], r["posSide"]) for r in rows] == [
        ("BTC-USDT-SWAP", "net"),
        ("ETH-USDT-SWAP", "net"),
    ]


def test_set_leverage_per_side_and_margin_mode(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    okx.set_leverage(FakeOKX.DEMO_KEY, inst_id="ETH-USDT-SWAP", mgn_mode="isolated", lever="20")
    okx.set_leverage(
        FakeOKX.DEMO_KEY, inst_id="ETH-USDT-SWAP", mgn_mode="isolated", lever=5, pos_side="short"
    )
    isolated = leverage(okx, session, signed, "instId=ETH-USDT-SWAP&mgnMode=isolated")
    assert [(r["posSide"], r["lever"]) for r in isolated] == [("long", "20"), ("short", "5")]
    cross = leverage(okx, session, signed, "instId=ETH-USDT-SWAP&mgnMode=cross")
    assert {r["lever"] for r in cross} == {"10"}


def test_leverage_belongs_to_one_account(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    okx.add_key("other", "other-secret", "other-pass")
    okx.set_leverage("other", inst_id="BTC-USDT-SWAP", lever="50")
    creds = {"key": "other", "secret": "other-secret", "passphrase": "other-pass"}
    other = leverage(okx, session, signed, "instId=BTC-USDT-SWAP&mgnMode=cross", **creds)
    mine = leverage(okx, session, signed, "instId=BTC-USDT-SWAP&mgnMode=cross")
    assert {r["lever"] for r in other} == {"50"}
    assert {r["lever"] for r in mine} == {"10"}


def test_currency_leverage(okx: FakeOKX, session: requests.Session, signed: Signer) -> None:
    okx.set_leverage(FakeOKX.DEMO_KEY, ccy="BTC", mgn_mode="cross", lever="3")
    rows = leverage(okx, session, signed, "ccy=BTC,USDT&mgnMode=cross")
    assert rows == [
        {"ccy": "BTC", "instId": "", "mgnMode": "cross", "posSide": "net", "lever": "3"},
        {"ccy": "USDT", "instId": "", "mgnMode": "cross", "posSide": "net", "lever": "10"},
    ]


def test_default_lever_is_configurable(session: requests.Session, signed: Signer) -> None:
    with FakeOKX(default_lever="3") as okx:
        rows = leverage(okx, session, signed, "instId=XRP-USDT&mgnMode=cross")
    assert rows[0]["lever"] == "3"


def test_reset_forgets_leverage_and_position_mode(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    okx.set_position_mode(FakeOKX.DEMO_KEY, "net")
    okx.set_leverage(FakeOKX.DEMO_KEY, inst_id="BTC-USDT-SWAP", lever="50")
    okx.reset()
    rows = leverage(okx, session, signed, "instId=BTC-USDT-SWAP&mgnMode=cross")
    assert [(r["posSide"], r["lever"]) for r in rows] == [("long", "10"), ("short", "10")]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"inst_id": "BTC-USDT-SWAP", "lever": "0"},
        {"inst_id": "BTC-USDT-SWAP", "lever": "ten"},
        {"inst_id": "BTC-USDT-SWAP", "lever": "5", "mgn_mode": "cash"},
        {"inst_id": "BTC-USDT-SWAP", "lever": "5", "pos_side": "up"},
        {"lever": "5"},
        {"inst_id": "BTC-USDT-SWAP", "ccy": "BTC", "lever": "5"},
    ],
)
def test_set_leverage_rejects_nonsense(okx: FakeOKX, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies by argument
        okx.set_leverage(FakeOKX.DEMO_KEY, **kwargs)


def test_add_key_rejects_empty_credentials(okx: FakeOKX) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        okx.add_key("key", "", "pass")


def test_unknown_key_and_mode_are_rejected(okx: FakeOKX) -> None:
    with pytest.raises(ValueError, match="unknown API key"):
        okx.set_leverage("nobody", inst_id="BTC-USDT-SWAP", lever="5")
    with pytest.raises(ValueError, match="mode must be"):
        okx.set_position_mode(FakeOKX.DEMO_KEY, "hedge")
