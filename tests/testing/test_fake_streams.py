"""FakeOKX's WebSocket API: the handshake, ping, login, subscriptions, limits, and stopping."""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import Frame
from websockets.http11 import Response
from websockets.sync.client import connect
from websockets.uri import parse_uri

from okx_v5.testing import FakeOKX

Opener = Callable[..., Any]
"""The ``stream`` fixture: opens a client connection to the test's FakeOKX."""

TICKERS = {"channel": "tickers", "instId": "BTC-USDT"}


def status_of_handshake(url: str) -> int:
    """The HTTP status a refused handshake to ``url`` gets."""
    with pytest.raises(InvalidStatus) as refused, connect(url, open_timeout=5):
        pass
    return refused.value.response.status_code


# -- the handshake -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["public", "business", "private"])
def test_handshake_is_accepted_on_each_okx_path(okx: FakeOKX, stream: Opener, path: str) -> None:
    stream(path)
    assert (okx.streams.connections, okx.streams.accepted) == (1, 1)


def test_a_query_string_after_the_path_is_ignored(okx: FakeOKX) -> None:
    with connect(f"{okx.ws_url}/ws/v5/public?brokerId=9999", open_timeout=5) as ws:
        ws.send("ping")
        assert ws.recv(timeout=2) == "pong"


def test_other_paths_under_ws_are_not_found(okx: FakeOKX) -> None:
    assert status_of_handshake(f"{okx.ws_url}/ws/v5/other") == 404
    assert okx.streams.accepted == 0


def test_ws_url_is_the_rest_host_and_port(okx: FakeOKX) -> None:
    assert okx.ws_url == okx.url.replace("http://", "ws://")


def test_rest_is_answered_while_a_stream_is_open(
    okx: FakeOKX, stream: Opener, session: requests.Session
) -> None:
    stream()
    assert session.get(okx.url + "/api/v5/public/time").json()["code"] == "0"


def test_streams_are_wss_when_served_with_an_ssl_context(certificate: Path) -> None:
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(certificate)
    client_context = ssl.create_default_context(cafile=str(certificate))
    with FakeOKX(ssl_context=server_context) as okx:
        assert okx.ws_url.startswith("wss://127.0.0.1:")
        assert answer_over_tls(okx.ws_url + "/ws/v5/public", client_context, "ping") == "pong"


def answer_over_tls(url: str, context: ssl.SSLContext, text: str) -> str:
    """Open ``url`` over TLS, send ``text`` and return the answer, all from this thread:
    ``websockets.sync`` reads in one thread while it writes in another, which an ``ssl``
    socket does not take (the handshake is lost now and then, and the client hangs)."""
    uri = parse_uri(url)
    protocol = ClientProtocol(uri)
    events: list[object] = []
    with (
        socket.create_connection((uri.host, uri.port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=uri.host) as sock,
    ):

        def receive() -> object:
            while not events:
                for chunk in protocol.data_to_send():
                    sock.sendall(chunk)
                protocol.receive_data(sock.recv(65536))
                events.extend(protocol.events_received())
            return events.pop(0)

        protocol.send_request(protocol.connect())
        response = receive()
        assert isinstance(response, Response)
        assert response.status_code == 101
        protocol.send_text(text.encode())
        frame = receive()
        assert isinstance(frame, Frame)
        return bytes(frame.data).decode()


# -- ping, malformed requests ------------------------------------------------------------------


def test_ping_is_answered_with_pong(stream: Opener) -> None:
    ws = stream()
    ws.send("ping")
    assert ws.recv() == "pong"


def test_malformed_json_is_answered_with_60012(stream: Opener) -> None:
    ws = stream()
    ws.send('{"op": "subscribe", "args": [')
    answer = ws.recv()
    assert (answer["event"], answer["code"]) == ("error", "60012")
    assert answer["msg"] == 'Invalid request: {"op": "subscribe", "args": ['


def test_a_request_without_op_is_answered_with_60012(stream: Opener) -> None:
    ws = stream()
    ws.send({"argss": [TICKERS]})
    assert ws.recv()["code"] == "60012"


def test_an_unknown_op_is_answered_with_60019(stream: Opener) -> None:
    ws = stream()
    ws.send({"id": "7", "op": "subscribes", "args": [TICKERS]})
    answer = ws.recv()
    assert (answer["id"], answer["event"], answer["code"]) == ("7", "error", "60019")
    assert answer["msg"] == "Invalid op: subscribes"


def test_a_message_over_64_kb_is_closed_with_1009(stream: Opener) -> None:
    ws = stream()
    ws.send("x" * (64 * 1024 + 1))
    with pytest.raises(ConnectionClosed) as closed:
        ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1009


def test_an_answer_names_the_connection_s_id(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    ws.send({"op": "subscribes"})
    answer = ws.recv()
    assert answer["connId"] == okx.streams.received[-1].conn_id
    assert len(answer["connId"]) == 8


# -- login -------------------------------------------------------------------------------------


def test_login_with_the_right_signature_is_answered_with_code_0(stream: Opener) -> None:
    ws = stream("private")
    answer = ws.login()
    assert (answer["event"], answer["code"], answer["msg"]) == ("login", "0", "")


def test_login_accepts_an_integer_timestamp_as_python_okx_sends_it(stream: Opener) -> None:
    ws = stream("private")
    assert ws.login(timestamp=int(time.time()))["code"] == "0"


def test_login_is_allowed_on_business_and_public(stream: Opener) -> None:
    assert stream("business").login()["code"] == "0"
    assert stream("public").login()["code"] == "0"


@pytest.mark.parametrize(
    ("arg", "code"),
    [
        ({"secret": "not-the-secret"}, "60009"),
        ({"timestamp": str(int(time.time()) - 31)}, "60006"),
        ({"timestamp": "2024-01-02T03:04:05.678Z"}, "60004"),
        ({"passphrase": "not-the-passphrase"}, "60024"),
        ({"key": "unknown-key"}, "60005"),
    ],
    ids=["bad-sign", "expired-timestamp", "iso-timestamp", "wrong-passphrase", "unknown-key"],
)
def test_login_refusals_have_okx_s_codes(stream: Opener, arg: dict[str, str], code: str) -> None:
    ws = stream("private")
    answer = ws.login(**arg)
    assert (answer["event"], answer["code"]) == ("error", code)


def test_login_refuses_a_demo_key_without_the_demo_header(stream: Opener) -> None:
    ws = stream("private", demo=False)
    assert ws.login()["code"] == "60032"


def test_login_accepts_a_live_key_without_the_demo_header_or_with_0(
    okx: FakeOKX, stream: Opener
) -> None:
    okx.add_key("live-key", "live-secret", "live-pass", demo=False)
    live = {"key": "live-key", "secret": "live-secret", "passphrase": "live-pass"}
    assert stream("private", demo=False).login(**live)["code"] == "0"
    zero = stream("private", demo=False, headers={"x-simulated-trading": "0"})
    assert zero.login(**live)["code"] == "0"
    assert stream("private").login(**live)["code"] == "60032"


def test_login_timestamps_are_checked_against_the_exchange_clock(
    okx: FakeOKX, stream: Opener
) -> None:
    okx.clock_offset = 100
    ws = stream("private")
    assert ws.login()["code"] == "60006"
    assert ws.login(timestamp=str(int(time.time()) + 100))["code"] == "0"


def test_a_second_login_on_a_connection_is_refused_with_60031(stream: Opener) -> None:
    ws = stream("private")
    ws.login()
    assert ws.login()["code"] == "60031"


def test_a_login_with_a_field_missing_is_refused_with_60027(
    stream: Opener, login: Callable[..., dict[str, Any]]
) -> None:
    ws = stream("private")
    arg = login()
    del arg["sign"]
    ws.send({"op": "login", "args": [arg]})
    answer = ws.answer()
    assert (answer["code"], answer["msg"]) == ("60027", "Parameter sign can not be empty.")


# -- subscribe, unsubscribe --------------------------------------------------------------------


def test_subscribe_is_acknowledged_per_arg_with_the_id_echoed(stream: Opener) -> None:
    ws = stream()
    books = {"channel": "books5", "instId": "ETH-USDT"}
    ws.send({"id": "sub1", "op": "subscribe", "args": [TICKERS, books]})
    acks = [ws.answer(), ws.answer()]
    assert [(a["id"], a["event"], a["arg"]) for a in acks] == [
        ("sub1", "subscribe", TICKERS),
        ("sub1", "subscribe", books),
    ]


def test_subscribe_without_an_id_is_acknowledged_without_one(stream: Opener) -> None:
    ws = stream()
    (ack,) = ws.subscribe(TICKERS)
    assert "id" not in ack
    assert ack["event"] == "subscribe"


def test_a_subscription_is_followed_by_its_first_push(stream: Opener) -> None:
    ws = stream()
    ws.subscribe(TICKERS)
    push = ws.push("tickers")
    assert push["arg"] == TICKERS
    assert push["data"][0]["instId"] == "BTC-USDT"


def test_unsubscribe_is_acknowledged_and_stops_the_pushes(okx: FakeOKX, stream: Opener) -> None:
    ws, control = stream(), stream()
    for client in (ws, control):
        client.subscribe(TICKERS)
        client.push("tickers")
    (ack,) = ws.subscribe(TICKERS, op="unsubscribe")
    assert (ack["event"], ack["arg"]) == ("unsubscribe", TICKERS)
    okx.set_price("BTC-USDT", "66000")
    control.push("tickers")  # the move is pushed: what ws gets was queued before its pong
    ws.send("ping")
    assert ws.recv() == "pong"


def test_an_unknown_channel_is_refused_with_60018_and_the_id(stream: Opener) -> None:
    ws = stream()
    ws.send({"id": "x9", "op": "subscribe", "args": [{"channel": "tickerz", "instId": "BTC-USDT"}]})
    answer = ws.answer()
    assert (answer["id"], answer["event"], answer["code"]) == ("x9", "error", "60018")
    assert answer["msg"].startswith("Wrong URL or channel:tickerz,instId:BTC-USDT doesn't exist.")


def test_an_unknown_instrument_is_refused_with_60018(stream: Opener) -> None:
    ws = stream()
    (answer,) = ws.subscribe({"channel": "tickers", "instId": "NOPE-USDT"})
    assert answer["code"] == "60018"


def test_a_private_channel_on_the_public_path_is_refused_with_60018(stream: Opener) -> None:
    ws = stream()
    ws.login()
    (answer,) = ws.subscribe({"channel": "orders", "instType": "ANY"})
    assert answer["code"] == "60018"


def test_a_private_channel_without_login_is_refused_with_60011(stream: Opener) -> None:
    ws = stream("private")
    (answer,) = ws.subscribe({"channel": "orders", "instType": "ANY"})
    assert (answer["event"], answer["code"], answer["msg"]) == ("error", "60011", "Please log in")


def test_a_missing_channel_parameter_is_refused_with_60027(stream: Opener) -> None:
    ws = stream()
    (answer,) = ws.subscribe({"channel": "tickers"})
    assert (answer["code"], answer["msg"]) == ("60027", "Parameter instId can not be empty.")


def test_a_bad_arg_refuses_only_itself(stream: Opener) -> None:
    ws = stream()
    answers = ws.subscribe({"channel": "nope"}, TICKERS)
    assert [a["event"] for a in answers] == ["error", "subscribe"]


# -- limits ------------------------------------------------------------------------------------


def test_the_481st_request_of_a_connection_in_an_hour_is_refused_with_60014(
    stream: Opener,
) -> None:
    ws = stream()
    for _ in range(481):
        ws.send({"op": "unsubscribe", "args": [TICKERS]})
    answers = [ws.answer() for _ in range(481)]
    assert {a["event"] for a in answers[:480]} == {"unsubscribe"}
    assert (answers[480]["event"], answers[480]["code"]) == ("error", "60014")


def test_requests_are_allowed_again_once_the_window_has_passed(
    okx: FakeOKX, stream: Opener
) -> None:
    okx.streams.request_window = 0.3
    ws = stream()
    for _ in range(481):
        ws.send({"op": "unsubscribe", "args": [TICKERS]})
    assert [ws.answer()["event"] for _ in range(481)][-1] == "error"
    time.sleep(0.35)
    assert ws.subscribe(TICKERS, op="unsubscribe")[0]["event"] == "unsubscribe"


def test_the_request_limit_is_off_with_rate_limits(okx: FakeOKX, stream: Opener) -> None:
    okx.rate_limits = False
    ws = stream()
    for _ in range(481):
        ws.send({"op": "unsubscribe", "args": [TICKERS]})
    assert {ws.answer()["event"] for _ in range(481)} == {"unsubscribe"}


def test_a_fourth_handshake_within_a_second_is_refused_with_429(
    okx: FakeOKX, stream: Opener
) -> None:
    for _ in range(3):
        stream()
    assert status_of_handshake(okx.ws_url + "/ws/v5/public") == 429
    assert okx.streams.accepted == 3


def test_handshakes_are_allowed_again_once_the_window_has_passed(
    okx: FakeOKX, stream: Opener
) -> None:
    okx.streams.connect_window = 0.2
    for _ in range(3):
        stream()
    time.sleep(0.25)
    stream()
    assert okx.streams.accepted == 4


def test_handshakes_are_not_limited_without_rate_limits(okx: FakeOKX, stream: Opener) -> None:
    okx.rate_limits = False
    for _ in range(5):
        stream()
    assert okx.streams.connections == 5


def test_rate_window_shortens_the_stream_windows() -> None:
    okx = FakeOKX(rate_window=0.2)
    assert (okx.streams.connect_window, okx.streams.request_window) == (
        pytest.approx(0.1),
        pytest.approx(360.0),
    )


def test_an_idle_connection_is_closed_with_4004(okx: FakeOKX, stream: Opener) -> None:
    okx.streams.idle_timeout = 0.2
    ws = stream()
    with pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=2)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4004, "No data received in 30s")


def test_pings_keep_a_connection_open_past_the_idle_timeout(okx: FakeOKX, stream: Opener) -> None:
    okx.streams.idle_timeout = 0.3
    ws = stream()
    for _ in range(4):
        time.sleep(0.1)
        ws.send("ping")
        assert ws.recv() == "pong"
    assert okx.streams.connections == 1


# -- starting and stopping ---------------------------------------------------------------------


def stream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "FakeOKX streams"]


def test_a_fake_not_started_runs_no_stream_thread() -> None:
    FakeOKX()
    assert stream_threads() == []


@pytest.fixture
def running() -> Iterator[FakeOKX]:
    okx = FakeOKX().start()
    try:
        yield okx
    finally:
        okx.stop()


def test_stop_closes_every_stream_with_1001(running: FakeOKX) -> None:
    with contextlib.ExitStack() as clients:
        public, private = (
            clients.enter_context(connect(running.ws_url + f"/ws/v5/{path}", open_timeout=5))
            for path in ("public", "private")
        )
        running.stop()
        for client in (public, private):
            with pytest.raises(ConnectionClosed) as closed:
                client.recv(timeout=1)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 1001


def test_stop_leaves_no_thread_or_connection_behind() -> None:
    before = set(threading.enumerate())
    okx = FakeOKX().start()
    with connect(okx.ws_url + "/ws/v5/public", open_timeout=5, close_timeout=1) as client:
        client.send(json.dumps({"op": "subscribe", "args": [TICKERS]}))
        client.recv(timeout=2)
        okx.stop()
        assert okx.streams.connections == 0
    assert set(threading.enumerate()) - before == set()


def test_a_fake_restarted_streams_again(running: FakeOKX) -> None:
    running.stop()
    running.start()
    with connect(running.ws_url + "/ws/v5/public", open_timeout=5) as ws:
        ws.send("ping")
        assert ws.recv(timeout=2) == "pong"
