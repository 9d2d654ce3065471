"""The request path over real sockets: requests' front door, the session's settings as they are
at call time, connection reuse, proxies, timeouts, bodies and TLS."""

from __future__ import annotations

import gc
import gzip
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import brotli
import pytest
import requests
import responses
import urllib3
import zstandard

from okx_v5 import PublicAPI
from okx_v5.adapter import OkxAdapter, origin
from okx_v5.exceptions import OkxRequestException, OkxResponseException, OkxTimeoutException
from okx_v5.testing import Answer, FakeOKX

from .helpers import TIERS_ANSWER, CannedAdapter, account, leverage, tiers


@pytest.fixture
def proxy() -> Iterator[FakeOKX]:
    """A second exchange standing in for an HTTP proxy: it records the full-URL targets."""
    with FakeOKX() as server:
        yield server


@pytest.fixture
def no_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.okx.com/api/v5/x?a=1", "https://www.okx.com"),
        ("http://127.0.0.1:8080?a=1", "http://127.0.0.1:8080"),
        ("https://www.okx.com#f", "https://www.okx.com"),
        ("https://www.okx.com", "https://www.okx.com"),
    ],
)
def test_origin_is_everything_before_the_path(url: str, expected: str) -> None:
    assert origin(url) == expected


# -- the session's settings, as they are at call time ------------------------------------------


def test_a_client_made_session_uses_the_okx_adapter_and_a_given_one_keeps_its_own(
    okx: FakeOKX,
) -> None:
    with PublicAPI(domain=okx.url) as own:
        assert isinstance(own.session.get_adapter(okx.url + "/"), OkxAdapter)
    session = requests.Session()
    with PublicAPI(domain=okx.url, session=session) as given:
        assert tiers(given).ok
    assert type(session.get_adapter(okx.url + "/")) is requests.adapters.HTTPAdapter


def test_hooks_auth_and_headers_set_on_the_session_later_apply(okx: FakeOKX) -> None:
    seen: list[int] = []

    def stamp(request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["X-Auth"] = "from-session-auth"
        return request

    with account(okx.url) as api:
        api.session.hooks["response"].append(
            lambda answer, **kwargs: seen.append(answer.status_code)
        )
        api.session.auth = stamp
        api.session.headers["X-Desk"] = "desk-7"
        assert leverage(api).ok
    (sent,) = okx.requests
    assert (sent.header("X-Auth"), sent.header("X-Desk")) == ("from-session-auth", "desk-7")
    assert seen == [200]


def test_our_headers_win_over_the_sessions_but_its_user_agent_is_kept(okx: FakeOKX) -> None:
    with PublicAPI(domain=okx.url, flag="0") as api:
        api.session.headers["x-simulated-trading"] = "1"
        assert tiers(api).ok
        api.session.headers["User-Agent"] = "my-bot/2"
        assert tiers(api).ok
    first, second = okx.requests
    assert first.header("x-simulated-trading") == "0"
    assert (first.header("User-Agent") or "").startswith("okx_v5/")
    assert second.header("User-Agent") == "my-bot/2"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v5/account/leverage-info?mgnMode=cross&instId=BTC-USDT-SWAP%7E",
        "/api/v5/account/../account/leverage-info?mgnMode=cross&instId=BTC-USDT-SWAP",
    ],
)
def test_a_signed_path_is_sent_as_signed_where_requests_would_rewrite_it(
    okx: FakeOKX, path: str
) -> None:
    # requests' prepare_url would send ~ and drop the dot segments: a signature OKX refuses.
    with account(okx.url) as api:
        answer = api._request_with_params("GET", path, {})
    (sent,) = okx.requests
    assert sent.path == path
    assert answer.code != "50113"  # the exchange checked the signature of what it received


def test_cookies_set_by_the_exchange_are_sent_back(okx: FakeOKX) -> None:
    okx.script(Answer(headers={"Set-Cookie": "locale=en_US; Path=/"}))
    with PublicAPI(domain=okx.url) as api:
        assert tiers(api).ok
        assert tiers(api).ok
    first, second = okx.requests
    assert first.header("Cookie") is None
    assert second.header("Cookie") == "locale=en_US"


def test_proxies_set_on_the_session_later_apply(proxy: FakeOKX, no_proxy_variables: None) -> None:
    with PublicAPI(domain="http://okx.invalid") as api:
        api.session.proxies["http"] = proxy.url
        assert tiers(api).ok
    assert proxy.requests[0].path.startswith("http://okx.invalid/api/v5/public/position-tiers?")


def test_through_an_http_proxy_argument_the_full_url_is_sent(
    proxy: FakeOKX, no_proxy_variables: None
) -> None:
    with PublicAPI(domain="http://okx.invalid", proxy=proxy.url) as api:
        assert tiers(api).ok
    assert proxy.requests[0].path.startswith("http://okx.invalid/api/v5/public/position-tiers?")


def test_a_signed_request_to_a_loopback_http_server_never_goes_through_a_proxy(
    proxy: FakeOKX, okx: FakeOKX, monkeypatch: pytest.MonkeyPatch, no_proxy_variables: None
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with account(okx.url) as private, PublicAPI(domain=okx.url) as public:
        private.session.proxies["http"] = proxy.url
        assert leverage(private).ok  # signed: straight to the exchange
        assert tiers(public)["code"] == "0"
    assert [request.path.split("?")[0] for request in okx.requests] == [
        "/api/v5/account/leverage-info"
    ]
    (proxied,) = proxy.requests  # the public call went through the proxy, as configured
    assert proxied.path.startswith(okx.url + "/api/v5/public/position-tiers")
    assert proxied.header("OK-ACCESS-SIGN") is None


def test_environment_proxies_and_the_ca_bundle_are_read_when_the_client_is_built(
    monkeypatch: pytest.MonkeyPatch, no_proxy_variables: None
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    api = PublicAPI(domain="https://okx.test")
    canned = CannedAdapter()
    api.session.mount("https://", canned)
    monkeypatch.delenv("HTTPS_PROXY")
    tiers(api)
    assert canned.options[0]["proxies"]["https"] == "http://proxy.test:3128"
    assert canned.options[0]["verify"] == "/etc/ssl/certs/ca-certificates.crt"


# -- connections ---------------------------------------------------------------------------


def test_a_hundred_calls_share_one_connection(okx: FakeOKX) -> None:
    okx.rate_limits = False
    with PublicAPI(domain=okx.url, rate_limit=False) as api:
        assert all(tiers(api).ok for _ in range(100))
    assert okx.connections == 1


def test_eight_threads_share_one_client(okx: FakeOKX) -> None:
    okx.rate_limits = False
    with PublicAPI(domain=okx.url, rate_limit=False) as api, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: tiers(api), range(64)))
    assert all(result.ok for result in results)
    assert 1 <= okx.connections <= 8
    assert len(okx.requests) == 64


def test_a_closed_session_opens_new_connections(okx: FakeOKX) -> None:
    api = PublicAPI(domain=okx.url)
    assert tiers(api).ok
    api.close()
    assert tiers(api).ok  # as with requests: a closed session opens a new pool
    assert okx.connections == 2


def test_a_connection_close_answer_is_not_kept(okx: FakeOKX) -> None:
    okx.script(Answer(headers={"Connection": "close"}))
    with PublicAPI(domain=okx.url) as api:
        assert tiers(api).ok
        assert tiers(api).ok
    assert okx.connections == 2


def test_a_reset_kept_connection_fails_a_get_that_is_then_retried(okx: FakeOKX) -> None:
    with PublicAPI(domain=okx.url) as api:
        api.retry_policy = attrs.evolve(api.retry_policy, sleep=lambda _: None)
        assert tiers(api).ok
        okx.script(Answer(reset=True))
        answer = tiers(api)
    assert (answer.ok, answer.attempts, okx.connections) == (True, 2, 2)


def test_informational_answers_are_read_past_not_taken_as_the_answer(okx: FakeOKX) -> None:
    okx.early_hints = True  # 103 Early Hints before every answer, as some CDNs send
    okx.rate_limits = False
    with (
        PublicAPI(domain=okx.url, rate_limit=False) as public,
        account(okx.url, rate_limit=False) as private,
    ):
        for family in ("BTC-USDT", "ETH-USDT", "SOL-USDT") * 5:
            answer = public.get_position_tiers("SWAP", "cross", instFamily=family)
            assert (answer.status_code, answer.data[0].inst_family) == (200, family)
            assert leverage(private).data[0].inst_id == "BTC-USDT-SWAP"
    assert okx.connections == 2  # one per client, kept through every answer


def test_a_given_plain_session_keeps_requests_own_handling_of_informational_answers(
    okx: FakeOKX,
) -> None:
    # http.client takes a 103 for the answer (and leaves the real one on the connection):
    # okx_v5 fixes that on its own sessions only, and honours a session it was given.
    okx.early_hints = True
    with (
        PublicAPI(domain=okx.url, session=requests.Session(), max_retries=0) as api,
        pytest.raises(OkxResponseException, match="HTTP 103 with an empty body"),
    ):
        tiers(api)


# -- failures --------------------------------------------------------------------------------


def test_a_slow_answer_is_a_timeout(okx: FakeOKX) -> None:
    okx.inject("delay", seconds=1.0)
    with (
        PublicAPI(domain=okx.url, timeout=0.2, max_retries=0) as api,
        pytest.raises(OkxTimeoutException, match=r"no answer within 0\.2 s") as info,
    ):
        tiers(api)
    assert info.value.sent


def test_a_refused_connection_was_never_sent() -> None:
    with FakeOKX() as okx:
        url = okx.url
    with (
        PublicAPI(domain=url, max_retries=0) as api,
        pytest.raises(OkxRequestException, match="request failed") as info,
    ):
        tiers(api)
    assert not info.value.sent


def test_a_connect_timeout_was_never_sent(okx: FakeOKX, monkeypatch: pytest.MonkeyPatch) -> None:
    def too_slow(*args: object, **kwargs: object) -> socket.socket:
        raise TimeoutError("timed out")

    monkeypatch.setattr(urllib3.util.connection, "create_connection", too_slow)
    with (
        PublicAPI(domain=okx.url, max_retries=0) as api,
        pytest.raises(OkxTimeoutException) as info,
    ):
        tiers(api)
    assert not info.value.sent


def test_a_call_whose_first_attempt_may_have_arrived_says_sent_whatever_its_last_did(
    okx: FakeOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = urllib3.util.connection.create_connection
    connections: list[object] = []

    def first_only(*args: Any, **kwargs: Any) -> socket.socket:
        connections.append(args)
        if len(connections) > 1:
            raise TimeoutError("timed out")
        return real(*args, **kwargs)

    okx.inject("delay", seconds=1.0)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", first_only)
    with (
        PublicAPI(domain=okx.url, timeout=0.2, max_retries=1) as api,
        pytest.raises(OkxTimeoutException) as info,
    ):
        tiers(api)
    assert len(connections) == 2  # the second attempt never left
    assert info.value.attempts == 2
    assert info.value.sent  # but the first may have reached the server


def test_an_exception_from_a_hook_is_an_okx_exception(okx: FakeOKX) -> None:
    def broken(answer: requests.Response, **kwargs: Any) -> None:
        answer.close()  # requests leaves a response whose hook raised to its hook to close
        raise KeyError("hook")

    with PublicAPI(domain=okx.url, max_retries=0) as api:
        api.session.hooks["response"].append(broken)
        with pytest.raises(OkxRequestException, match="KeyError") as info:
            tiers(api)
    assert isinstance(info.value.__cause__, KeyError)


# -- bodies ----------------------------------------------------------------------------------


def test_a_chunked_answer_is_read_whole(okx: FakeOKX) -> None:
    okx.script(Answer(body=TIERS_ANSWER, chunked=True))
    with PublicAPI(domain=okx.url) as api:
        assert tiers(api)["data"] == TIERS_ANSWER["data"]


def _raw_deflate(data: bytes) -> bytes:
    return zlib.compress(data)[2:-4]  # as some servers send it


COMPRESSORS: dict[str, list[Callable[[bytes], bytes]]] = {
    "gzip": [gzip.compress],
    "deflate": [zlib.compress, _raw_deflate],
    "br": [brotli.compress],
    "zstd": [zstandard.ZstdCompressor().compress],
}


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        (encoding, compress)
        # Every encoding requests asks for: urllib3 asks for br and zstd when it can decode them.
        for encoding in requests.utils.default_headers()["Accept-Encoding"].split(", ")
        for compress in COMPRESSORS[encoding]
    ],
)
def test_compressed_answers_are_decoded(
    okx: FakeOKX, encoding: str, compress: Callable[[bytes], bytes]
) -> None:
    body = compress(json.dumps(TIERS_ANSWER).encode())
    okx.script(Answer(body=body, headers={"Content-Encoding": encoding}))
    with PublicAPI(domain=okx.url) as api:
        assert tiers(api)["data"] == TIERS_ANSWER["data"]
    assert encoding in (okx.requests[0].header("Accept-Encoding") or "")


def test_a_body_that_does_not_decompress_is_a_request_exception(okx: FakeOKX) -> None:
    okx.script(Answer(body=b"not gzip", headers={"Content-Encoding": "gzip"}))
    with (
        PublicAPI(domain=okx.url, max_retries=0) as api,
        pytest.raises(OkxRequestException, match="decode"),
    ):
        tiers(api)


def test_a_huge_answer_that_is_not_json_costs_memory_in_proportion(okx: FakeOKX) -> None:
    body = b"<html>" + b"x" * (50 * 2**20) + b"</html>"
    with PublicAPI(domain=okx.url, max_retries=0) as api:
        assert tiers(api).ok  # the connection and the client's code are warm
        okx.script(Answer(status=502, body=body))
        tracemalloc.start()
        tracemalloc.reset_peak()
        try:
            before, _ = tracemalloc.get_traced_memory()
            with pytest.raises(OkxResponseException, match="not JSON") as info:
                tiers(api)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak - before < 2 * len(body)
    assert len(info.value.body) < 300


# -- mocks patched over requests -------------------------------------------------------------


def test_a_patched_httpadapter_send_sees_every_call(
    okx: FakeOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    original = requests.adapters.HTTPAdapter.send

    def spy(
        self: requests.adapters.HTTPAdapter, request: requests.PreparedRequest, **kw: Any
    ) -> Any:
        seen.append(request.url)
        return original(self, request, **kw)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", spy)
    with PublicAPI(domain=okx.url) as api:
        assert tiers(api).ok
        assert tiers(api).ok
    assert len(seen) == 2


@responses.activate
def test_responses_mocks_answer_and_nothing_is_sent(okx: FakeOKX) -> None:
    responses.get(
        okx.url + "/api/v5/public/position-tiers",
        json={"code": "0", "msg": "", "data": [{"instId": "MOCKED"}]},
    )
    with PublicAPI(domain=okx.url) as api:
        assert tiers(api)["data"][0]["instId"] == "MOCKED"
    assert (okx.connections, okx.requests) == (0, [])


# -- TLS -------------------------------------------------------------------------------------


@pytest.fixture
def tls_server(certificate: Path) -> Iterator[FakeOKX]:
    """The fake exchange, served over https with ``certificate``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate)
    with FakeOKX(ssl_context=context) as server:
        yield server


@pytest.fixture
def no_ca_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)


def test_https_to_an_unknown_ca_fails_verification(
    tls_server: FakeOKX, no_ca_variables: None
) -> None:
    with (
        PublicAPI(domain=tls_server.url, max_retries=0) as api,
        pytest.raises(OkxRequestException, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        tiers(api)
    assert tls_server.requests == []


def test_https_with_requests_ca_bundle_set_to_the_certificate(
    tls_server: FakeOKX, certificate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate))
    with PublicAPI(domain=tls_server.url) as api:
        assert tiers(api).ok
        assert tiers(api).ok
    assert tls_server.connections == 1


def test_https_with_the_session_verifying_against_a_certificate_directory(
    tls_server: FakeOKX, certificate: Path, tmp_path: Path, no_ca_variables: None
) -> None:
    shutil.copy(certificate, tmp_path / "local.pem")
    subprocess.run(["openssl", "rehash", str(tmp_path)], check=True, capture_output=True)
    with PublicAPI(domain=tls_server.url) as api:
        api.session.verify = str(tmp_path)
        assert tiers(api).ok


def test_https_with_a_missing_ca_bundle_is_a_request_exception(
    tls_server: FakeOKX, no_ca_variables: None
) -> None:
    with PublicAPI(domain=tls_server.url, max_retries=0) as api:
        api.session.verify = "/nonexistent/ca.pem"
        with pytest.raises(OkxRequestException, match="invalid path"):
            tiers(api)


def test_https_without_verification_warns_as_requests_does(
    tls_server: FakeOKX, no_ca_variables: None
) -> None:
    with PublicAPI(domain=tls_server.url) as api:
        api.session.verify = False
        with pytest.warns(urllib3.exceptions.InsecureRequestWarning):
            assert tiers(api).ok


# -- close -----------------------------------------------------------------------------------


def test_close_while_a_call_is_in_flight_closes_its_connection_when_it_ends(
    okx: FakeOKX,
) -> None:
    okx.script(Answer(delay=0.3))
    api = PublicAPI(domain=okx.url)
    results: list[Any] = []
    call = threading.Thread(target=lambda: results.append(tiers(api)))
    call.start()
    while not okx.requests:
        time.sleep(0.005)
    in_flight = [conn for conn in _connections_to(okx) if conn.sock is not None]
    api.close()
    call.join(5)
    assert results[0].ok
    assert len(in_flight) == 1
    assert in_flight[0].sock is None  # closed once its answer was read, not kept


def test_close_closes_the_idle_connections(okx: FakeOKX) -> None:
    api = PublicAPI(domain=okx.url)
    assert tiers(api).ok
    (idle,) = [conn for conn in _connections_to(okx) if conn.sock is not None]
    api.close()
    assert idle.sock is None


def _connections_to(server: FakeOKX) -> list[urllib3.connection.HTTPConnection]:
    port = server.port
    return [
        conn
        for conn in gc.get_objects()
        if isinstance(conn, urllib3.connection.HTTPConnection) and conn.port == port
    ]
