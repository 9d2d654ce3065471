"""Wire faults against a raw-socket server: every call ends by its deadline, whatever the
server does, and answers okx_v5 will not read (redirects, too many ``1xx``, too large) are
refused, their connections closed.

Timers are short (read timeout 0.5 s, ``retry_budget`` 1 s); pytest-timeout is the guard that a
call ended at all, and the server tells that the client closed the connection.
"""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib
from typing import Any

import attrs
import pytest
import responses

from okx_v5 import PublicAPI
from okx_v5.exceptions import OkxResponseException, OkxTimeoutException

from .helpers import TIERS_ANSWER, account, tiers
from .rawserver import Peer, RawServer

pytestmark = pytest.mark.timeout(30)

CLIENT_CLOSED = 5.0
"""Seconds a test waits for the server to see the client close (a guard, never reached)."""
TRICKLE = 0.1
"""Seconds between the bytes of a trickle: well under the read timeout, so only the deadline
can end the call."""

OK_BODY = json.dumps(TIERS_ANSWER).encode()


def answer(body: bytes = OK_BODY, status: str = "200 OK", *headers: str) -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


EARLY_HINTS = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"


@pytest.fixture
def sleeps() -> list[float]:
    return []


def client(server: RawServer, sleeps: list[float], **settings: Any) -> PublicAPI:
    """A public client of ``server`` with short timers that records its retry waits."""
    options: dict[str, Any] = {"timeout": (1.0, 0.5), "retry_budget": 1.0, **settings}
    api = PublicAPI(domain=server.url, rate_limit=False, **options)
    api.retry_policy = attrs.evolve(api.retry_policy, sleep=sleeps.append)
    return api


def timed_out(server: RawServer, sleeps: list[float], **settings: Any) -> OkxTimeoutException:
    """The exception a position-tiers call against ``server`` ends with."""
    with client(server, sleeps, **settings) as api, pytest.raises(OkxTimeoutException) as info:
        tiers(api)
    return info.value


def refused(server: RawServer, sleeps: list[float], **settings: Any) -> OkxResponseException:
    with client(server, sleeps, **settings) as api, pytest.raises(OkxResponseException) as info:
        tiers(api)
    return info.value


# -- the deadline -----------------------------------------------------------------------------


def hang(peer: Peer, request: bytes) -> None:
    peer.hang()


def trickle_headers(peer: Peer, request: bytes) -> None:
    peer.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ")
    while True:
        peer.send(b"a")
        peer.pause(TRICKLE)


def trickle_body(peer: Peer, request: bytes) -> None:
    peer.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
    while True:
        peer.send(b" ")
        peer.pause(TRICKLE)


def endless_chunks(peer: Peer, request: bytes) -> None:
    peer.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    while True:
        peer.send(b"400\r\n" + b" " * 0x400 + b"\r\n")
        peer.pause(0.01)


def endless_early_hints(peer: Peer, request: bytes) -> None:
    while True:  # fewer than 6 arrive before the deadline: only the deadline ends the call
        peer.send(EARLY_HINTS)
        peer.pause(0.2)


@pytest.mark.parametrize(
    "script",
    [trickle_headers, trickle_body, endless_chunks, endless_early_hints],
    ids=["trickled-headers", "trickled-body", "endless-chunked-body", "endless-103"],
)
def test_an_answer_not_complete_by_the_deadline_is_a_timeout_and_its_connection_closed(
    script: Any, sleeps: list[float]
) -> None:
    with RawServer(script) as server:
        error = timed_out(server, sleeps, retry_budget=0.7)
        assert server.closed.wait(CLIENT_CLOSED)
    assert error.sent
    assert "retry_budget of 0.7 s" in str(error)


def test_a_server_that_never_answers_is_a_timeout_that_was_sent(sleeps: list[float]) -> None:
    with RawServer(hang) as server:
        error = timed_out(server, sleeps, max_retries=0)
        assert server.closed.wait(CLIENT_CLOSED)
    assert error.sent
    assert len(server.requests) == 1


def test_a_read_that_runs_into_the_deadline_is_not_retried(sleeps: list[float]) -> None:
    with RawServer(trickle_body) as server:
        error = timed_out(server, sleeps, max_retries=3)
    assert (error.attempts, len(server.requests), sleeps) == (1, 1, [])


def test_no_attempt_is_sent_once_the_deadline_has_passed(sleeps: list[float]) -> None:
    ticks = iter([0.0])  # the call starts at 0; when it would send, the budget is spent

    def clock() -> float:
        return next(ticks, 5.0)

    with RawServer(hang) as server:
        api = client(server, sleeps)
        api.retry_policy = attrs.evolve(api.retry_policy, clock=clock)
        with api, pytest.raises(OkxTimeoutException, match="ran out before") as info:
            tiers(api)
    assert not info.value.sent
    assert server.requests == []


def test_the_next_call_after_a_cut_off_answer_gets_a_fresh_connection(
    sleeps: list[float],
) -> None:
    calls = iter([trickle_body, lambda peer, request: peer.send(answer())])

    def first_trickle_then_answer(peer: Peer, request: bytes) -> None:
        next(calls)(peer, request)

    with RawServer(first_trickle_then_answer) as server, client(server, sleeps) as api:
        with pytest.raises(OkxTimeoutException):
            tiers(api)
        assert server.closed.wait(CLIENT_CLOSED)  # the cut-off connection
        assert tiers(api).data[0].inst_id == "BTC-USDT"
    assert len(server.requests) == 2


# -- informational answers --------------------------------------------------------------------


def early_hints_then_answer(count: int) -> Any:
    def script(peer: Peer, request: bytes) -> None:
        peer.send(EARLY_HINTS * count + answer())

    return script


def test_more_than_five_informational_answers_in_a_row_are_refused(sleeps: list[float]) -> None:
    with RawServer(early_hints_then_answer(6)) as server:
        error = refused(server, sleeps)
        assert server.closed.wait(CLIENT_CLOSED)
    assert error.status_code == 103
    assert "more than 5 informational answers" in str(error)
    assert (error.attempts, len(server.requests)) == (1, 1)


def test_five_informational_answers_are_read_past(sleeps: list[float]) -> None:
    with RawServer(early_hints_then_answer(5)) as server, client(server, sleeps) as api:
        assert tiers(api).data[0].inst_id == "BTC-USDT"


# -- redirects --------------------------------------------------------------------------------

LOCATION = "https://bob:hunter2@evil.example:8443/elsewhere?token=t0k3n"


def redirect(status: str) -> Any:
    def script(peer: Peer, request: bytes) -> None:
        peer.send(answer(b"moved", status, f"Location: {LOCATION}"))

    return script


@pytest.mark.parametrize(
    "status",
    ["301 Moved Permanently", "302 Found", "303 See Other", "307 Temporary Redirect",
     "308 Permanent Redirect"],
)  # fmt: skip
def test_a_redirect_is_refused_naming_its_status_and_host_only(
    status: str, sleeps: list[float]
) -> None:
    with RawServer(redirect(status)) as server:
        error = refused(server, sleeps, max_retries=3)
        assert server.closed.wait(CLIENT_CLOSED)
    assert error.status_code == int(status[:3])
    assert f"HTTP {status[:3]}, a redirect to evil.example" in str(error)
    shown = f"{error} {error.headers} {error.body}"
    assert not any(secret in shown for secret in ("bob", "hunter2", "t0k3n", "elsewhere"))
    assert (error.attempts, len(server.requests), sleeps) == (1, 1, [])


def test_a_redirected_post_is_sent_once(sleeps: list[float]) -> None:
    with (
        RawServer(redirect("307 Temporary Redirect")) as server,
        account(server.url, rate_limit=False) as api,
        pytest.raises(OkxResponseException),
    ):
        api.set_leverage(lever="5", mgnMode="cross", instId="BTC-USDT-SWAP")
    (sent,) = server.requests
    assert sent.startswith(b"POST /api/v5/account/set-leverage ")


def test_a_redirect_from_a_mock_is_refused_too(sleeps: list[float]) -> None:
    with responses.RequestsMock() as mock, PublicAPI(domain="https://www.okx.com") as api:
        mock.get(
            "https://www.okx.com/api/v5/public/position-tiers",
            status=302,
            headers={"Location": LOCATION},
        )
        with pytest.raises(OkxResponseException, match=r"302, a redirect to evil\.example"):
            tiers(api)
        assert len(mock.calls) == 1


# -- the memory bound -------------------------------------------------------------------------


def test_a_body_whose_length_passes_the_cap_is_refused_unread(sleeps: list[float]) -> None:
    body = b'{"code":"0","data":[' + b" " * 10_000 + b"]}"
    with RawServer(lambda peer, request: peer.send(answer(body))) as server:
        error = refused(server, sleeps, max_answer_bytes=4096)
        assert server.closed.wait(CLIENT_CLOSED)
    assert error.status_code == 200
    assert "larger than 4096 bytes (max_answer_bytes)" in str(error)
    assert error.body.startswith('{"code":"0","data":[')


def test_a_chunked_body_is_refused_once_it_passes_the_cap(sleeps: list[float]) -> None:
    def chunks(peer: Peer, request: bytes) -> None:
        peer.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(64):
            peer.send(b"400\r\n" + b" " * 0x400 + b"\r\n")
        peer.hang()  # the rest never comes: only the cap can end the call before the deadline

    with RawServer(chunks) as server:
        error = refused(server, sleeps, max_answer_bytes=8192, retry_budget=30.0)
        assert server.closed.wait(CLIENT_CLOSED)
    assert "larger than 8192 bytes" in str(error)


def test_a_body_of_exactly_the_cap_is_accepted(sleeps: list[float]) -> None:
    body = OK_BODY + b" " * (4096 - len(OK_BODY))
    with (
        RawServer(lambda peer, request: peer.send(answer(body))) as server,
        client(server, sleeps, max_answer_bytes=4096) as api,
    ):
        assert tiers(api).data[0].inst_id == "BTC-USDT"


GZIP_BOMBS = {
    # About 1 MB that expands to 1 GiB: 1024 gzip members of 1 MiB of zeros each, so that a
    # member ends exactly where each 1 MiB read stops.
    "1MiB-members": lambda: gzip.compress(b"\0" * 2**20) * 1024,
    # One member: 256 MiB of zeros in about 255 kB.
    "one-member": lambda: _one_member(2**28),
}


def _one_member(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * 2**20
    return b"".join(compressor.compress(zeros) for _ in range(size // len(zeros))) + (
        compressor.flush()
    )


@pytest.mark.parametrize("bomb", GZIP_BOMBS, ids=list(GZIP_BOMBS))
def test_a_gzip_bomb_is_refused_in_a_few_times_the_cap_of_memory(
    bomb: str, sleeps: list[float]
) -> None:
    cap = 4 * 2**20
    gzip_bomb = GZIP_BOMBS[bomb]()

    def bomb(peer: Peer, request: bytes) -> None:
        peer.send(answer(gzip_bomb, "200 OK", "Content-Encoding: gzip"))

    with RawServer(bomb) as server, client(server, sleeps, max_answer_bytes=cap) as api:
        tracemalloc.start()
        try:
            before, _ = tracemalloc.get_traced_memory()
            with pytest.raises(OkxResponseException, match="max_answer_bytes") as info:
                tiers(api)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert server.closed.wait(CLIENT_CLOSED)
    assert peak - before < 3 * cap
    assert info.value.status_code == 200


def test_an_answer_from_a_mock_larger_than_the_cap_is_refused() -> None:
    with (
        responses.RequestsMock() as mock,
        PublicAPI(domain="https://www.okx.com", max_answer_bytes=2048) as api,
    ):
        mock.get("https://www.okx.com/api/v5/public/position-tiers", body=b"{" + b" " * 4096)
        with pytest.raises(OkxResponseException, match="larger than 2048 bytes"):
            tiers(api)


def test_a_large_answer_under_the_default_cap_is_read() -> None:
    body = OK_BODY[:-1] + b" " * (8 * 2**20) + b"}"
    with (
        RawServer(lambda peer, request: peer.send(answer(body))) as server,
        PublicAPI(domain=server.url, rate_limit=False) as api,
    ):
        assert tiers(api).data[0].inst_id == "BTC-USDT"


def test_max_answer_bytes_is_kept_and_defaults_to_64_mib() -> None:
    assert PublicAPI().max_answer_bytes == 64 * 2**20
    assert PublicAPI(max_answer_bytes=1024).max_answer_bytes == 1024
