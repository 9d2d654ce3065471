"""FakeOKX breaks the next answers on request, the ways real networks and OKX break."""

from __future__ import annotations

import http.client
import json
import time

import pytest
import requests

from okx_v5.testing import FakeOKX, Fault

TIME = "/api/v5/public/time"
TIERS = "/api/v5/public/position-tiers?instType=SWAP&tdMode=cross&instFamily=BTC-USDT"


def test_http_5xx_has_an_html_body(okx: FakeOKX, session: requests.Session) -> None:
    okx.inject("http_5xx", status=504)
    response = session.get(okx.url + TIME)
    assert response.status_code == 504
    assert response.headers["Content-Type"] == "text/html"
    assert response.text.startswith("<html>")
    assert session.get(okx.url + TIME).status_code == 200


def test_server_busy_is_503_with_code_50001(okx: FakeOKX, session: requests.Session) -> None:
    okx.inject(Fault.SERVER_BUSY, count=2)
    for _ in range(2):
        response = session.get(okx.url + TIME)
        assert response.status_code == 503
        assert response.json()["code"] == "50001"
    assert session.get(okx.url + TIME).json()["code"] == "0"


def test_truncated_body_is_not_json(okx: FakeOKX, session: requests.Session) -> None:
    okx.inject("truncated")
    response = session.get(okx.url + TIERS)
    assert response.status_code == 200
    assert response.text.startswith('{"code":"0"')
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_empty_body(okx: FakeOKX, session: requests.Session) -> None:
    okx.inject("empty")
    response = session.get(okx.url + TIME)
    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["Content-Length"] == "0"


def test_delay_answers_late(okx: FakeOKX, session: requests.Session) -> None:
    okx.inject("delay", seconds=0.3)
    started = time.monotonic()
    response = session.get(okx.url + TIME)
    assert time.monotonic() - started >= 0.3
    assert response.json()["code"] == "0"


def test_delay_longer_than_the_client_timeout_times_out(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.inject("delay", seconds=2.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        session.get(okx.url + TIME, timeout=0.2)


def test_drop_closes_without_an_answer(okx: FakeOKX) -> None:
    okx.inject("drop")
    conn = http.client.HTTPConnection("127.0.0.1", okx.port, timeout=5)
    try:
        conn.request("GET", TIME)
        with pytest.raises(http.client.RemoteDisconnected):
            conn.getresponse()
    finally:
        conn.close()


def test_drop_surfaces_as_connection_error_in_requests(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.inject("drop")
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(okx.url + TIME)
    assert session.get(okx.url + TIME).status_code == 200


def test_fault_can_target_one_path(okx: FakeOKX, session: requests.Session) -> None:
    okx.inject("50001", path="/api/v5/public/position-tiers")
    assert session.get(okx.url + TIME).status_code == 200
    assert okx.pending_faults == 1
    assert session.get(okx.url + TIERS).status_code == 503
    assert okx.pending_faults == 0


def test_faults_apply_in_order_and_can_be_cleared(okx: FakeOKX, session: requests.Session) -> None:
    okx.inject("empty")
    okx.inject("50001")
    assert session.get(okx.url + TIME).content == b""
    assert session.get(okx.url + TIME).status_code == 503
    okx.inject("50001", count=5)
    okx.clear_faults()
    assert session.get(okx.url + TIME).status_code == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "teapot"},
        {"kind": "empty", "count": 0},
        {"kind": "http_5xx", "status": 404},
        {"kind": "delay", "seconds": -1},
    ],
)
def test_inject_rejects_nonsense(okx: FakeOKX, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies by argument
        okx.inject(**kwargs)  # type: ignore[arg-type]
