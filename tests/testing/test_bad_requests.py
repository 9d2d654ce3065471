"""FakeOKX answers every malformed request in OKX's shape and keeps serving: raw sockets, no
okx_v5 client (it would refuse to send most of these)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import socket
from collections.abc import Callable
from typing import Any

import pytest
import requests

from okx_v5.testing import FakeOKX
from okx_v5.testing.server import MAX_BODY

Signer = Callable[..., dict[str, str]]

ORDER = "/api/v5/trade/order"
TIME = "/api/v5/public/time"
BUY = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market"}

Answer = tuple[int, dict[str, Any]]
Raw = Callable[[bytes], Answer]


def _read_answer(sock: socket.socket) -> bytes:
    """Read one HTTP answer (its head, and a body of its Content-Length) or until closed."""
    data = b""
    while True:
        head, found, body = data.partition(b"\r\n\r\n")
        length = re.search(rb"(?im)^content-length: *(\d+)", head)
        if found and length and len(body) >= int(length.group(1)):
            return data
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


@pytest.fixture
def raw(okx: FakeOKX) -> Raw:
    """Return ``send(request_bytes)``: the bytes on a new connection, answered as (HTTP
    status, JSON body); an answer that is not one fails the test."""
    host, port = okx.url.removeprefix("http://").split(":")

    def send(request: bytes) -> Answer:
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(request)
            answer = _read_answer(sock)
        head, _, body = answer.partition(b"\r\n\r\n")
        status = re.match(rb"HTTP/1\.1 (\d{3}) ", head)
        assert status is not None, answer[:200]
        assert re.search(rb"(?im)^content-type: application/json", head), head
        payload: dict[str, Any] = json.loads(body)
        return int(status.group(1)), payload

    return send


def request(
    method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> bytes:
    """A request as bytes, with a Content-Length for ``body`` unless ``headers`` give one."""
    given = {"Host": "127.0.0.1", **(headers or {})}
    if body and not any(name.lower() in ("content-length", "transfer-encoding") for name in given):
        given["Content-Length"] = str(len(body))
    head = "".join(f"{name}: {value}\r\n" for name, value in given.items())
    return f"{method} {target} HTTP/1.1\r\n".encode("latin-1") + head.encode("latin-1") + b"\r\n"


def signed_request(signed: Signer, method: str, target: str, body: bytes = b"") -> bytes:
    """A request signed with the demo key over its bytes as sent (the target as latin-1)."""
    headers = signed(target, method=method, body=body.decode("latin-1"))
    message = headers["OK-ACCESS-TIMESTAMP"].encode() + method.encode()
    digest = hmac.new(
        FakeOKX.DEMO_SECRET.encode(), message + target.encode("latin-1") + body, hashlib.sha256
    )
    headers["OK-ACCESS-SIGN"] = base64.b64encode(digest.digest()).decode()
    if body:
        headers["Content-Type"] = "application/json"
    return request(method, target, body, headers) + body


@pytest.fixture
def still_serving(
    okx: FakeOKX, capfd: pytest.CaptureFixture[str]
) -> Callable[[], tuple[dict[str, Any], str]]:
    """Return ``check()``: a normal request on a new connection (its JSON answer), and what
    was written on stderr so far."""

    def check() -> tuple[dict[str, Any], str]:
        with requests.Session() as session:
            answer: dict[str, Any] = session.get(okx.url + TIME, timeout=5).json()
        return answer, capfd.readouterr().err

    return check


Check = Callable[[], tuple[dict[str, Any], str]]
OK_TIME = {"code": "0", "msg": ""}


def okx_error(code: str, msg: str) -> dict[str, Any]:
    return {"code": code, "msg": msg, "data": []}


def served(answer: dict[str, Any]) -> dict[str, str]:
    return {"code": answer["code"], "msg": answer["msg"]}


# -- HTTP framing: answered before the exchange sees the request ---------------------------------

BAD_REQUEST = (400, okx_error("400", "Bad Request"))
FRAMING = {
    "content_length_not_a_number": request("POST", ORDER, headers={"Content-Length": "abc"}),
    "content_length_negative": request("POST", ORDER, headers={"Content-Length": "-5"}),
    "content_length_twice_differing": request(
        "POST", ORDER, b"{}", {"Content-Length": "2"}
    ).replace(b"\r\n\r\n", b"\r\nContent-Length: 3\r\n\r\n")
    + b"{}",
    "header_line_without_colon": request("GET", TIME).replace(
        b"\r\n\r\n", b"\r\nno colon here\r\n\r\n"
    ),
    "method_not_a_token": b"G@T /api/v5/public/time HTTP/1.1\r\nHost: x\r\n\r\n",
    "http_0_9_request_line": b"GET /api/v5/public/time\r\n\r\n",
    "binary_request_line": b"\x00\x01\x02\xff\r\n\r\n",
    "bad_http_version": b"GET /api/v5/public/time HTTP/x.y\r\nHost: x\r\n\r\n",
    "broken_chunk_size": request("POST", ORDER, headers={"Transfer-Encoding": "chunked"})
    + b"zz\r\n{}\r\n0\r\n\r\n",
    "chunk_without_its_crlf": request("POST", ORDER, headers={"Transfer-Encoding": "chunked"})
    + b"2\r\n{}XX0\r\n\r\n",
    "unknown_transfer_coding": request("POST", ORDER, b"{}", {"Transfer-Encoding": "gzip"}),
    "content_length_and_chunked": request(
        "POST", ORDER, headers={"Transfer-Encoding": "chunked", "Content-Length": "7"}
    )
    + b"2\r\n{}\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("bad", FRAMING.values(), ids=FRAMING.keys())
def test_a_request_that_is_not_http_is_answered_400_in_okx_s_shape(
    raw: Raw, still_serving: Check, bad: bytes
) -> None:
    assert raw(bad) == BAD_REQUEST
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


def test_a_content_length_of_10_to_the_12_is_answered_413_without_reading_the_body(
    raw: Raw, still_serving: Check
) -> None:
    bad = request("POST", ORDER, headers={"Content-Length": str(10**12)}) + b"{}"
    assert raw(bad) == (413, okx_error("413", "Content Too Large"))
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


def test_a_body_over_the_limit_is_answered_413(raw: Raw, still_serving: Check) -> None:
    body = b" " * (MAX_BODY + 1)
    assert raw(request("POST", ORDER, body) + body) == (413, okx_error("413", "Content Too Large"))
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


def test_a_chunked_body_over_the_limit_is_answered_413(raw: Raw, still_serving: Check) -> None:
    chunk = b"%x\r\n" % (MAX_BODY + 1)
    bad = request("POST", ORDER, headers={"Transfer-Encoding": "chunked"}) + chunk
    assert raw(bad) == (413, okx_error("413", "Content Too Large"))
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


def test_a_chunked_body_is_read_as_its_chunks(raw: Raw, signed: Signer) -> None:
    body = json.dumps(BUY | {"sz": "abc"}).encode()
    headers = signed(ORDER, method="POST", body=body.decode()) | {"Transfer-Encoding": "chunked"}
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:10], body[10:]))
    status, answer = raw(request("POST", ORDER, headers=headers) + chunks + b"0\r\n\r\n")
    assert (status, answer["data"][0]["sCode"], answer["data"][0]["sMsg"]) == (
        200,
        "51000",
        "Parameter sz error",
    )


@pytest.mark.parametrize(
    "bad",
    [
        request("GET", TIME, headers={"X-Big": "a" * 70_000}),
        request("GET", TIME, headers={f"X-Header-{n}": "a" for n in range(101)}),
    ],
    ids=["a_70_kb_header_line", "101_header_lines"],
)
def test_a_huge_header_block_is_answered_431(raw: Raw, still_serving: Check, bad: bytes) -> None:
    assert raw(bad) == (431, okx_error("431", "Request Header Fields Too Large"))
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


def test_a_request_line_over_64_kb_is_answered_414(raw: Raw, still_serving: Check) -> None:
    assert raw(request("GET", TIME + "?x=" + "a" * 70_000)) == (
        414,
        okx_error("414", "URI Too Long"),
    )
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


def test_an_unknown_method_is_answered_501(raw: Raw, still_serving: Check) -> None:
    assert raw(request("FETCH", TIME)) == (501, okx_error("501", "Not Implemented"))
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


def test_http_2_is_answered_505(raw: Raw) -> None:
    bad = b"GET /api/v5/public/time HTTP/2.0\r\nHost: x\r\n\r\n"
    assert raw(bad) == (505, okx_error("505", "HTTP Version Not Supported"))


def test_non_utf8_bytes_in_the_path_are_an_unknown_path(raw: Raw, still_serving: Check) -> None:
    assert raw(b"GET /api/v5/public/time\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n") == (
        404,
        okx_error("404", "Not Found"),
    )
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


# -- the request reads as HTTP: the exchange answers its content ---------------------------------

NOT_JSON = (400, okx_error("50002", "Json data format error"))
BODIES = {
    "not_json": b"hello",
    "a_json_string": b'"abc"',
    "a_json_number": b"12",
    "10000_nested_lists": b"[" * 10_000 + b"]" * 10_000,
    "10000_nested_objects": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "nan": json.dumps(BUY).encode()[:-1] + b',"sz":NaN}',
    "infinity": json.dumps(BUY).encode()[:-1] + b',"sz":Infinity}',
    "a_5000_digit_number": json.dumps(BUY).encode()[:-1] + b',"sz":' + b"9" * 5000 + b"}",
    "non_utf8_bytes": json.dumps(BUY).encode()[:-1] + b',"sz":"\xff\xfe"}',
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_a_body_that_is_not_a_json_object_is_50002(
    raw: Raw, signed: Signer, still_serving: Check, body: bytes
) -> None:
    assert raw(signed_request(signed, "POST", ORDER, body)) == NOT_JSON
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


@pytest.mark.parametrize(
    "sz", [b"1e400", b'"1e400"', b'"1e-400"', b'"1' + b"0" * 30 + b'"', b'"0.' + b"1" * 30 + b'"']
)
def test_a_size_out_of_any_range_is_refused_with_51000(
    raw: Raw, signed: Signer, still_serving: Check, sz: bytes
) -> None:
    body = json.dumps(BUY).encode()[:-1] + b',"sz":' + sz + b"}"
    status, placed = raw(signed_request(signed, "POST", ORDER, body))
    item = placed["data"][0]
    assert (status, placed["code"], item["sCode"], item["sMsg"]) == (
        200,
        "1",
        "51000",
        "Parameter sz error",
    )
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


def test_a_5000_digit_before_is_refused_with_51000(
    raw: Raw, signed: Signer, still_serving: Check
) -> None:
    target = "/api/v5/trade/orders-history?instType=SPOT&before=" + "9" * 5000
    assert raw(signed_request(signed, "GET", target)) == (
        400,
        okx_error("51000", "Parameter before error"),
    )
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


def test_a_5000_digit_limit_of_a_public_endpoint_is_refused_with_51000(
    raw: Raw, still_serving: Check
) -> None:
    target = "/api/v5/market/candles?instId=BTC-USDT&limit=" + "9" * 5000
    assert raw(request("GET", target)) == (400, okx_error("51000", "Parameter limit error"))
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


def test_non_utf8_bytes_in_a_signed_query_are_a_parameter_error(
    raw: Raw, signed: Signer, still_serving: Check
) -> None:
    target = "/api/v5/account/balance?ccy=\xff\xfe"
    assert raw(signed_request(signed, "GET", target)) == (
        400,
        okx_error("51000", "Parameter ccy error"),
    )
    answer, stderr = still_serving()
    assert (served(answer), stderr) == (OK_TIME, "")


def test_the_connection_stays_open_after_a_parameter_error(raw: Raw, okx: FakeOKX) -> None:
    host, port = okx.url.removeprefix("http://").split(":")
    bad = request("GET", "/api/v5/market/candles?instId=BTC-USDT&limit=x")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(bad)
        first = _read_answer(sock)
        sock.sendall(request("GET", TIME))
        second = _read_answer(sock)
    assert (first.split(b" ")[1], second.split(b" ")[1]) == (b"400", b"200")
    assert okx.connections == 1
