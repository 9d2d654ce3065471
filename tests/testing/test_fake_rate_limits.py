"""FakeOKX enforces the documented rate limits with HTTP 429 and code 50011."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from okx_v5.testing import FakeOKX

Signer = Callable[..., dict[str, str]]
LEVERAGE = "/api/v5/account/leverage-info?instId=BTC-USDT-SWAP&mgnMode=cross"
TIERS = "/api/v5/public/position-tiers?instType=SWAP&tdMode=cross&instFamily=BTC-USDT"
TOO_MANY = {"code": "50011", "msg": "Too Many Requests", "data": []}


def leverage_statuses(
    okx: FakeOKX, session: requests.Session, signed: Signer, count: int, **creds: str
) -> list[int]:
    return [
        session.get(okx.url + LEVERAGE, headers=signed(LEVERAGE, **creds)).status_code
        for _ in range(count)
    ]


def test_leverage_allows_20_requests_per_2_seconds_per_key(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    assert leverage_statuses(okx, session, signed, 20) == [200] * 20
    response = session.get(okx.url + LEVERAGE, headers=signed(LEVERAGE))
    assert response.status_code == 429
    assert response.json() == TOO_MANY


def test_leverage_limit_is_counted_per_key(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    okx.add_key("second", "second-secret", "second-pass")
    assert leverage_statuses(okx, session, signed, 21)[-1] == 429
    creds = {"key": "second", "secret": "second-secret", "passphrase": "second-pass"}
    assert leverage_statuses(okx, session, signed, 1, **creds) == [200]


def test_position_tiers_allow_10_requests_per_2_seconds_per_ip(
    okx: FakeOKX, session: requests.Session
) -> None:
    statuses = [session.get(okx.url + TIERS).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    assert session.get(okx.url + TIERS).json() == TOO_MANY


def test_rate_limited_counts_the_50011_answers(okx: FakeOKX, session: requests.Session) -> None:
    assert [session.get(okx.url + TIERS).status_code for _ in range(13)][-3:] == [429] * 3
    assert okx.rate_limited == 3
    okx.reset()
    assert okx.rate_limited == 0


def test_server_time_is_limited_as_documented(okx: FakeOKX, session: requests.Session) -> None:
    statuses = [session.get(okx.url + "/api/v5/public/time").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]  # 10 requests / 2 s per IP


def test_window_slides(session: requests.Session) -> None:
    with FakeOKX(rate_window=0.3) as okx:
        assert [session.get(okx.url + TIERS).status_code for _ in range(11)][-1] == 429
        time.sleep(0.35)
        assert session.get(okx.url + TIERS).status_code == 200


def test_rate_limits_can_be_switched_off(
    okx: FakeOKX, session: requests.Session, signed: Signer
) -> None:
    okx.rate_limits = False
    assert set(leverage_statuses(okx, session, signed, 25)) == {200}
    assert {session.get(okx.url + TIERS).status_code for _ in range(15)} == {200}


def test_rate_limits_off_from_the_constructor(session: requests.Session) -> None:
    with FakeOKX(rate_limits=False) as okx:
        assert not okx.rate_limits
        assert {session.get(okx.url + TIERS).status_code for _ in range(15)} == {200}


def test_reset_forgets_the_rate_history(okx: FakeOKX, session: requests.Session) -> None:
    assert [session.get(okx.url + TIERS).status_code for _ in range(11)][-1] == 429
    okx.reset()
    assert session.get(okx.url + TIERS).status_code == 200
