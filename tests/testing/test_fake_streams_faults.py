"""FakeOKX.streams: the faults a test injects into the WebSocket API, and what it records."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosedError, InvalidStatus
from websockets.sync.client import connect

from okx_v5.testing import FakeOKX, ReceivedFrame

Opener = Callable[..., Any]
"""The ``stream`` fixture: opens a client connection to the test's FakeOKX."""

BOOKS = {"channel": "books", "instId": "BTC-USDT"}
TICKERS = {"channel": "tickers", "instId": "BTC-USDT"}
BUY_ETH = {"instId": "ETH-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "100"}


@pytest.fixture(autouse=True)
def fast(okx: FakeOKX) -> None:
    """Market pushes every 20 ms: a test sees many in a fraction of a second."""
    okx.streams.interval = 0.02


# -- drop, silence, refuse ---------------------------------------------------------------------


def test_drop_cuts_every_connection_without_a_close_frame(okx: FakeOKX, stream: Opener) -> None:
    clients = [stream(), stream("private")]
    okx.streams.drop()
    for client in clients:
        with pytest.raises(ConnectionClosedError) as closed:
            client.recv(timeout=1)
        assert closed.value.rcvd is None


def test_after_a_drop_a_client_connects_again(okx: FakeOKX, stream: Opener) -> None:
    stream()
    okx.streams.drop()
    ws = stream()
    ws.send("ping")
    assert ws.recv() == "pong"


def test_silence_sends_no_pong_but_keeps_the_connection_open(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    okx.streams.silence()
    ws.send("ping")
    with pytest.raises(TimeoutError):
        ws.recv(timeout=0.2)
    assert (okx.streams.connections, okx.streams.silenced) == (1, True)


def test_silence_withholds_pushes_and_answers(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    okx.streams.silence()
    ws.send({"op": "subscribe", "args": [BOOKS]})
    with pytest.raises(TimeoutError):
        ws.recv(timeout=0.2)


def test_silence_applies_to_new_connections(okx: FakeOKX, stream: Opener) -> None:
    okx.streams.silence()
    ws = stream()
    ws.send("ping")
    with pytest.raises(TimeoutError):
        ws.recv(timeout=0.2)


def wait_received(okx: FakeOKX, count: int) -> None:
    """Wait until ``okx`` has received ``count`` frames on its streams."""
    deadline = time.monotonic() + 2
    while len(okx.streams.received) < count and time.monotonic() < deadline:
        time.sleep(0.005)


def test_after_silence_the_connection_answers_again(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    okx.streams.silence()
    ws.send("ping")
    ws.send("not json")  # once it is received, the ping's pong has been withheld
    wait_received(okx, 2)
    okx.streams.silence(False)
    ws.send("ping")
    messages = []
    while True:
        try:
            messages.append(ws.recv(timeout=0.2))
        except TimeoutError:
            break
    assert messages.count("pong") == 1


def test_refuse_answers_handshakes_with_503_for_a_while(okx: FakeOKX, stream: Opener) -> None:
    okx.streams.refuse(0.3)
    with pytest.raises(InvalidStatus) as refused, connect(okx.ws_url + "/ws/v5/public"):
        pass
    assert refused.value.response.status_code == 503
    time.sleep(0.35)
    stream()
    assert okx.streams.accepted == 1


@pytest.mark.parametrize("seconds", [-1, float("nan"), "1"])
def test_refuse_wants_a_number_of_seconds(okx: FakeOKX, seconds: Any) -> None:
    with pytest.raises(ValueError, match="seconds"):
        okx.streams.refuse(seconds)


# -- error answers -----------------------------------------------------------------------------


def test_fail_next_answers_the_next_subscribe_with_an_error(okx: FakeOKX, stream: Opener) -> None:
    okx.streams.fail_next()
    ws = stream()
    ws.send({"id": "s1", "op": "subscribe", "args": [TICKERS]})
    answer = ws.answer()
    assert (answer["id"], answer["event"], answer["code"]) == ("s1", "error", "60018")
    assert answer["msg"].startswith("Wrong URL or channel:tickers,instId:BTC-USDT")
    (ack,) = ws.subscribe(TICKERS)
    assert ack["event"] == "subscribe"


def test_fail_next_login_with_a_code_and_message(okx: FakeOKX, stream: Opener) -> None:
    okx.streams.fail_next("login", "63999", "Login failed due to internal error.", count=2)
    ws = stream("private")
    for _ in range(2):
        answer = ws.login()
        assert (answer["event"], answer["code"], answer["msg"]) == (
            "error",
            "63999",
            "Login failed due to internal error.",
        )
    assert ws.login()["code"] == "0"


def test_fail_next_order_answers_in_the_op_s_form(okx: FakeOKX, stream: Opener) -> None:
    okx.streams.fail_next("order", "50001")
    ws = stream("private")
    ws.login()
    ws.send({"id": "o1", "op": "order", "args": [BUY_ETH]})
    answer = ws.answer()
    assert (answer["id"], answer["op"], answer["code"], answer["data"]) == (
        "o1",
        "order",
        "50001",
        [],
    )


def test_fail_next_leaves_other_ops_alone(okx: FakeOKX, stream: Opener) -> None:
    okx.streams.fail_next("unsubscribe")
    ws = stream()
    (ack,) = ws.subscribe(TICKERS)
    assert ack["event"] == "subscribe"


@pytest.mark.parametrize(("op", "code"), [("", "60018"), ("subscribe", "oops"), ("login", 1)])
def test_fail_next_wants_an_op_and_a_code(okx: FakeOKX, op: str, code: Any) -> None:
    with pytest.raises(ValueError, match=r"^(op|code) must"):
        okx.streams.fail_next(op, code)


# -- order book faults -------------------------------------------------------------------------


def moved(okx: FakeOKX, ws: Any) -> dict[str, Any]:
    """The book update of a price move: with the market otherwise still (``still``), made
    after whatever fault was just asked for."""
    price = okx.price("BTC-USDT")
    okx.set_price("BTC-USDT", price + 1 if price < 70000 else price - 1)
    return ws.push("books")["data"][0]  # type: ignore[no-any-return]


@pytest.fixture
def still(okx: FakeOKX) -> None:
    """No market pushes but those a price move makes: each update follows what the test did."""
    okx.streams.interval = 60


@pytest.mark.usefixtures("still")
def test_corrupt_checksum_breaks_the_next_update_s_checksum(
    okx: FakeOKX, stream: Opener, local_book: Callable[..., Any]
) -> None:
    ws = stream()
    ws.subscribe(BOOKS)
    local = local_book(ws.push("books")["data"][0])
    okx.streams.corrupt_checksum()
    first = moved(okx, ws)
    local.apply(first)
    assert first["checksum"] not in (0, local.checksum())
    second = moved(okx, ws)
    local.apply(second)
    assert second["checksum"] == local.checksum()


@pytest.mark.usefixtures("still")
def test_corrupt_checksum_counts_updates(
    okx: FakeOKX, stream: Opener, local_book: Callable[..., Any]
) -> None:
    ws = stream()
    ws.subscribe(BOOKS)
    local = local_book(ws.push("books")["data"][0])
    okx.streams.corrupt_checksum(count=3)
    matches = []
    for _ in range(4):
        data = moved(okx, ws)
        local.apply(data)
        matches.append(data["checksum"] == local.checksum())
    assert matches == [False, False, False, True]


@pytest.mark.usefixtures("still")
def test_corrupt_checksum_gives_a_non_zero_one_with_zero_checksums_on(
    okx: FakeOKX, stream: Opener
) -> None:
    okx.streams.zero_checksums = True
    ws = stream()
    ws.subscribe(BOOKS)
    ws.push("books")
    okx.streams.corrupt_checksum()
    assert moved(okx, ws)["checksum"] != 0
    assert moved(okx, ws)["checksum"] == 0


@pytest.mark.usefixtures("still")
def test_skip_sequence_leaves_a_gap_before_the_next_update(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    ws.subscribe(BOOKS)
    last = ws.push("books")["data"][0]["seqId"]
    okx.streams.skip_sequence()
    gap = moved(okx, ws)
    after = moved(okx, ws)
    assert gap["prevSeqId"] != last
    assert gap["seqId"] > gap["prevSeqId"]
    assert after["prevSeqId"] == gap["seqId"]


def test_book_faults_spare_books5(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    ws.subscribe({"channel": "books5", "instId": "BTC-USDT"}, BOOKS)
    okx.streams.skip_sequence()
    ws.push("books")
    books = ws.push("books")["data"][0]
    assert "prevSeqId" in books  # the fault went to the books channel, books5 has none


@pytest.mark.parametrize("fault", ["corrupt_checksum", "skip_sequence"])
def test_book_faults_want_a_count_of_at_least_1(okx: FakeOKX, fault: str) -> None:
    with pytest.raises(ValueError, match="count"):
        getattr(okx.streams, fault)(0)


# -- what was received, counters, reset --------------------------------------------------------


def test_received_frames_are_recorded_oldest_first(okx: FakeOKX, stream: Opener) -> None:
    ws = stream("private")
    ws.send("ping")
    ws.recv()
    ws.subscribe(TICKERS)
    ping, subscribe = okx.streams.received
    assert (ping.path, ping.text, ping.op) == ("/ws/v5/private", "ping", None)
    assert (subscribe.op, subscribe.json()["args"]) == ("subscribe", [TICKERS])
    assert ping.conn_id == subscribe.conn_id
    assert isinstance(ping, ReceivedFrame)


def test_received_frames_keep_the_login_as_sent(okx: FakeOKX, stream: Opener) -> None:
    stream("private").login()
    (login,) = okx.streams.received
    assert login.op == "login"
    assert login.json()["args"][0]["apiKey"] == FakeOKX.DEMO_KEY


def test_clear_forgets_the_received_frames(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    ws.send("ping")
    ws.recv()
    okx.streams.clear()
    assert okx.streams.received == []


def test_connections_counts_the_open_ones(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    stream("business")
    assert okx.streams.connections == 2
    ws.connection.close()
    deadline = time.monotonic() + 2
    while okx.streams.connections != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (okx.streams.connections, okx.streams.accepted) == (1, 2)


def test_reset_cancels_stream_faults_and_counters(okx: FakeOKX, stream: Opener) -> None:
    ws = stream()
    ws.send("ping")
    ws.recv()
    okx.streams.silence()
    okx.streams.refuse(60)
    okx.streams.fail_next("subscribe")
    okx.reset()
    assert (okx.streams.accepted, okx.streams.received, okx.streams.silenced) == (0, [], False)
    assert ws.subscribe(TICKERS)[0]["event"] == "subscribe"
    stream()


def test_reset_keeps_the_stream_settings(okx: FakeOKX) -> None:
    okx.streams.zero_checksums = True
    okx.reset()
    assert (okx.streams.zero_checksums, okx.streams.interval) == (True, 0.02)


def test_streams_repr_tells_the_counts(okx: FakeOKX) -> None:
    assert repr(okx.streams) == "<Streams connections=0 accepted=0>"
