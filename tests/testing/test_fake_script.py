"""FakeOKX answers the next requests as the test scripted them, on any path and for any method."""

from __future__ import annotations

import http.client
import socket
import threading

import pytest
import requests

from okx_v5.testing import Answer, FakeOKX

TIME = "/api/v5/public/time"
TIERS_PATH = "/api/v5/public/position-tiers"
TIERS = TIERS_PATH + "?instType=SWAP&tdMode=cross&instFamily=BTC-USDT"
BUSY = {"code": "50026", "msg": "System error", "data": []}


def raw_exchange(okx: FakeOKX, target: str = TIME) -> bytes:
    """Send one GET on a fresh socket, asking the server to close after, and return every byte."""
    with socket.create_connection(("127.0.0.1", okx.port), timeout=5) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_a_scripted_dict_is_sent_as_json_instead_of_the_exchanges_answer(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.script(Answer(503, BUSY))
    response = session.get(okx.url + TIME)
    assert (response.status_code, response.json()) == (503, BUSY)
    assert response.headers["Content-Type"] == "application/json"
    assert session.get(okx.url + TIME).json()["code"] == "0"


def test_a_scripted_body_without_status_is_a_200(okx: FakeOKX, session: requests.Session) -> None:
    okx.script(Answer(body=[1, 2]))
    response = session.get(okx.url + TIME)
    assert (response.status_code, response.content) == (200, b"[1,2]")


def test_scripted_bytes_are_sent_as_they_are(okx: FakeOKX, session: requests.Session) -> None:
    okx.script(Answer(body=b"\x00not json\xff"))
    assert session.get(okx.url + TIME).content == b"\x00not json\xff"


def test_a_scripted_str_is_sent_as_utf8(okx: FakeOKX, session: requests.Session) -> None:
    okx.script(Answer(body="<html>é</html>"))
    assert session.get(okx.url + TIME).content == "<html>é</html>".encode()


def test_scripted_headers_are_sent_and_replace_the_content_type(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.script(Answer(body="<p>", headers={"Content-Type": "text/html", "Retry-After": "3"}))
    response = session.get(okx.url + TIME)
    assert response.headers["Content-Type"] == "text/html"
    assert response.headers["Retry-After"] == "3"


def test_a_scripted_content_length_replaces_the_servers(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.script(Answer(body=b"abcdef", headers={"Content-Length": "3"}))
    assert session.get(okx.url + TIME).content == b"abc"


def test_an_answer_without_body_keeps_the_exchanges_answer(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.script(Answer(headers={"X-Extra": "yes"}))
    response = session.get(okx.url + TIERS)
    assert response.headers["X-Extra"] == "yes"
    assert response.json()["data"][0]["instFamily"] == "BTC-USDT"


def test_a_scripted_status_alone_keeps_the_exchanges_body(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.script(Answer(status=500))
    response = session.get(okx.url + TIERS)
    assert (response.status_code, response.json()["code"]) == (500, "0")


def test_a_body_function_rewrites_the_exchanges_body(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.script(Answer(body=lambda own: own.replace(b'"tier":"1"', b'"tier":"one"')))
    assert session.get(okx.url + TIERS).json()["data"][0]["tier"] == "one"


def test_a_scripted_chunked_answer_arrives_whole_through_requests(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.script(Answer(body=BUSY, chunked=True))
    response = session.get(okx.url + TIME)
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Length" not in response.headers
    assert response.json() == BUSY


@pytest.mark.parametrize(
    ("body", "chunks"),
    [
        (b"abcdef", b"3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n"),
        (b"a", b"1\r\na\r\n0\r\n\r\n"),  # no empty chunk: it would end the body
        (b"", b"0\r\n\r\n"),
    ],
)
def test_a_chunked_body_is_sent_in_two_chunks_when_it_can_be(
    okx: FakeOKX, body: bytes, chunks: bytes
) -> None:
    okx.script(Answer(body=body, chunked=True))
    head, _, received = raw_exchange(okx).partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    assert b"Content-Length" not in head
    assert received == chunks


def test_the_exchanges_own_answer_can_be_sent_chunked(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.script(Answer(chunked=True))
    response = session.get(okx.url + TIERS)
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert len(response.json()["data"]) == 25


def test_reset_closes_the_connection_with_a_tcp_rst(okx: FakeOKX) -> None:
    okx.script(Answer(reset=True))
    with pytest.raises(ConnectionResetError):
        raw_exchange(okx)  # a FIN would end the read quietly with no bytes


def test_reset_is_a_connection_error_in_requests(okx: FakeOKX, session: requests.Session) -> None:
    okx.script(Answer(reset=True))
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(okx.url + TIME)
    assert session.get(okx.url + TIME).status_code == 200


def test_drop_closes_the_connection_without_an_answer(okx: FakeOKX) -> None:
    okx.script(Answer(drop=True))
    assert raw_exchange(okx) == b""


def test_a_delay_longer_than_the_client_timeout_times_out(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.script(Answer(body=BUSY, delay=5.0))
    with pytest.raises(requests.exceptions.ReadTimeout):
        session.get(okx.url + TIME, timeout=0.2)


def test_stopping_the_server_ends_a_delayed_answer(okx: FakeOKX) -> None:
    okx.script(Answer(body=BUSY, delay=60.0, early_hints=True))
    before = set(threading.enumerate())
    with socket.create_connection(("127.0.0.1", okx.port), timeout=30) as sock:
        sock.sendall(f"GET {TIME} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert sock.recv(65536).startswith(b"HTTP/1.1 103")  # its handler is in the delay now
        handlers = set(threading.enumerate()) - before
        okx.stop()
        for handler in handlers:
            handler.join(timeout=30)
        assert handlers
        assert not any(handler.is_alive() for handler in handlers)
        assert sock.recv(65536) == b""  # no final answer


def test_a_103_precedes_the_scripted_answer_on_the_wire(okx: FakeOKX) -> None:
    okx.script(Answer(body=b"{}", early_hints=True))
    received = raw_exchange(okx)
    hints, _, final = received.partition(b"\r\n\r\n")
    assert hints.split(b"\r\n")[0] == b"HTTP/1.1 103 Early Hints"
    assert b"\r\nLink: <" in hints
    assert final.startswith(b"HTTP/1.1 200 ")
    assert final.endswith(b"\r\n\r\n{}")


def test_http_client_takes_the_early_hints_switchs_103_for_the_answer(okx: FakeOKX) -> None:
    # http.client skips only "100 Continue": the 103 shows why a client must skip 1xx itself.
    okx.early_hints = True
    assert okx.early_hints
    conn = http.client.HTTPConnection("127.0.0.1", okx.port, timeout=5)
    try:
        conn.request("GET", TIME)
        assert conn.getresponse().status == 103
    finally:
        conn.close()


def test_the_early_hints_switch_precedes_every_answer() -> None:
    with FakeOKX(early_hints=True) as okx:
        okx.script(Answer(body=b"{}"))  # scripted or not, each answer gets its 103
        scripted, own = raw_exchange(okx), raw_exchange(okx, TIERS)
    for received in (scripted, own):
        assert received.startswith(b"HTTP/1.1 103 Early Hints\r\n")
        assert b"\r\n\r\nHTTP/1.1 200 " in received


def test_scripted_answers_are_used_in_order(okx: FakeOKX, session: requests.Session) -> None:
    okx.script(Answer(501, b""), Answer(502, b""))
    okx.script(Answer(503, b""))
    statuses = [session.get(okx.url + TIME).status_code for _ in range(4)]
    assert statuses == [501, 502, 503, 200]


def test_a_path_script_answers_only_its_path(okx: FakeOKX, session: requests.Session) -> None:
    okx.script(Answer(503, BUSY), path=TIERS_PATH)
    assert session.get(okx.url + TIME).status_code == 200
    assert okx.scripted == 1
    assert session.get(okx.url + TIERS).status_code == 503
    assert okx.scripted == 0


def test_a_path_script_answers_a_proxy_clients_full_url(okx: FakeOKX) -> None:
    okx.script(Answer(503, BUSY), path=TIME)
    received = raw_exchange(okx, "http://www.okx.com" + TIME + "?a=1")
    assert received.startswith(b"HTTP/1.1 503 ")


def test_scripted_answers_serve_post_on_any_path(okx: FakeOKX, session: requests.Session) -> None:
    okx.script(Answer(body={"code": "0", "msg": "", "data": [{"ordId": "1"}]}))
    response = session.post(okx.url + "/api/v5/trade/order", json={"instId": "BTC-USDT"})
    assert (response.status_code, response.json()["data"]) == (200, [{"ordId": "1"}])
    assert (
        session.post(okx.url + "/api/v5/trade/order").status_code == 401
    )  # the exchange's: unsigned


def test_scripted_requests_are_recorded(okx: FakeOKX, session: requests.Session) -> None:
    okx.script(Answer(reset=True), Answer(503, BUSY))
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(okx.url + TIME + "?a=1")
    session.post(okx.url + TIME, data="x")
    assert [(r.method, r.path, r.body) for r in okx.requests] == [
        ("GET", TIME + "?a=1", ""),
        ("POST", TIME, "x"),
    ]


def test_faults_wait_in_line_with_scripted_answers(okx: FakeOKX, session: requests.Session) -> None:
    okx.script(Answer(404, b""))
    okx.inject("50001")
    assert [session.get(okx.url + TIME).status_code for _ in range(3)] == [404, 503, 200]


def test_clear_faults_keeps_the_scripted_answers(okx: FakeOKX, session: requests.Session) -> None:
    okx.inject("50001", count=3)
    okx.script(Answer(404, b""))
    okx.clear_faults()
    assert (okx.pending_faults, okx.scripted) == (0, 1)
    assert session.get(okx.url + TIME).status_code == 404


def test_reset_forgets_the_scripted_answers(okx: FakeOKX, session: requests.Session) -> None:
    okx.script(Answer(503, BUSY), Answer(503, BUSY))
    okx.reset()
    assert okx.scripted == 0
    assert session.get(okx.url + TIME).status_code == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": 103},
        {"status": 600},
        {"delay": -1.0},
        {"reset": True, "drop": True},
        {"reset": True, "body": b"x"},
        {"drop": True, "status": 200},
    ],
)
def test_an_answer_refuses_what_cannot_be_sent(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies by argument
        Answer(**kwargs)  # type: ignore[arg-type]


def test_a_script_path_must_be_a_path(okx: FakeOKX) -> None:
    with pytest.raises(ValueError, match="must start with '/'"):
        okx.script(Answer(), path="api/v5/public/time")
