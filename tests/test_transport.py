"""The transport against a real local server: pooled, resolved once, and still requests."""

from __future__ import annotations

import gzip
import json
import shutil
import socket
import ssl
import subprocess
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
import urllib3
from urllib3.util import Timeout
from urllib3.util.wait import wait_for_read

from okx_v5 import PublicAPI
from okx_v5.exceptions import OkxRequestException, OkxTimeoutException
from okx_v5.transport import Transport, origin

from .helpers import TIERS_ANSWER
from .localserver import LocalOKX, Reply


def tiers(api: PublicAPI) -> object:
    return api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")


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


def test_calls_share_one_connection_without_urllib3(
    server: LocalOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups = []
    original = requests.adapters.HTTPAdapter.get_connection_with_tls_context

    def counting(self: requests.adapters.HTTPAdapter, *args: object, **kwargs: object) -> object:
        lookups.append(args)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "get_connection_with_tls_context", counting)
    with PublicAPI(domain=server.url) as api:
        assert isinstance(api.session.get_adapter(server.url + "/"), Transport)
        results = [tiers(api) for _ in range(5)]
    assert all(result["data"][0]["instId"] == "BTC-USDT" for result in results)
    assert results[0].data[0].max_lever == 10
    assert (len(lookups), server.connections) == (0, 1)
    assert server.seen[0].path.startswith("/api/v5/public/position-tiers?instType=SWAP")


def test_a_closed_pool_is_replaced(server: LocalOKX) -> None:
    api = PublicAPI(domain=server.url)
    tiers(api)
    api.session.get_adapter(server.url + "/").poolmanager.clear()
    assert tiers(api)["code"] == "0"
    api.close()
    assert tiers(api)["code"] == "0"  # as with requests: a closed session opens a new pool


def test_answers_do_not_fill_the_cookie_jar(server: LocalOKX) -> None:
    server.script.append(Reply(body=TIERS_ANSWER, headers={"Set-Cookie": "session=abc; Path=/"}))
    with PublicAPI(domain=server.url) as api:
        assert tiers(api)["code"] == "0"
        assert len(api.session.cookies) == 0


def test_through_an_http_proxy_the_full_url_is_sent(server: LocalOKX) -> None:
    with PublicAPI(domain="http://okx.invalid", proxy=server.url) as api:
        assert tiers(api)["code"] == "0"
    assert server.seen[0].path.startswith("http://okx.invalid/api/v5/public/position-tiers?")


def test_a_given_session_keeps_its_own_adapters(server: LocalOKX) -> None:
    session = requests.Session()
    with PublicAPI(domain=server.url, session=session) as api:
        assert tiers(api)["code"] == "0"
    assert not isinstance(session.get_adapter(server.url + "/"), Transport)


def test_a_slow_answer_is_a_timeout(server: LocalOKX) -> None:
    server.script.append(Reply(body=TIERS_ANSWER, delay=0.5))
    with (
        PublicAPI(domain=server.url, timeout=0.1, max_retries=0) as api,
        pytest.raises(OkxTimeoutException, match=r"no answer within 0\.1 s"),
    ):
        tiers(api)


def test_a_refused_connection_is_a_request_exception(server: LocalOKX) -> None:
    url = server.url
    server.stop()
    with PublicAPI(domain=url) as api, pytest.raises(OkxRequestException, match="request failed"):
        tiers(api)


# -- the direct http.client path -------------------------------------------------------------


def urllib3_lookups(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Count the calls that reach urllib3 (its pool lookup), leaving HTTPAdapter.send alone."""
    lookups: list[object] = []
    original = requests.adapters.HTTPAdapter.get_connection_with_tls_context

    def counting(self: requests.adapters.HTTPAdapter, *args: object, **kwargs: object) -> object:
        lookups.append(args)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "get_connection_with_tls_context", counting)
    return lookups


def transport_session() -> requests.Session:
    session = requests.Session()
    session.mount("http://", Transport())
    session.mount("https://", Transport())
    return session


def test_a_patched_httpadapter_send_sees_every_call(
    server: LocalOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    original = requests.adapters.HTTPAdapter.send

    def spy(
        self: requests.adapters.HTTPAdapter, request: requests.PreparedRequest, **kw: Any
    ) -> Any:
        seen.append(request.url)
        return original(self, request, **kw)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", spy)
    with PublicAPI(domain=server.url) as api:
        assert tiers(api)["code"] == "0"
        assert tiers(api)["code"] == "0"
    assert len(seen) == 2


@responses.activate
def test_responses_mocks_answer_and_nothing_is_sent(server: LocalOKX) -> None:
    url = server.url + "/api/v5/public/position-tiers"
    responses.get(url, json={"code": "0", "msg": "", "data": [{"instId": "MOCKED"}]})
    with PublicAPI(domain=server.url) as api:
        assert tiers(api)["data"][0]["instId"] == "MOCKED"
    assert (server.connections, server.seen) == (0, [])


def test_a_stale_kept_connection_is_reopened_and_a_get_sent_again(server: LocalOKX) -> None:
    with PublicAPI(domain=server.url, max_retries=0) as api:
        assert tiers(api)["code"] == "0"
        server.script.append(Reply(reset=True))
        assert tiers(api)["code"] == "0"
    assert (len(server.seen), server.connections) == (3, 2)


def test_a_reset_on_a_fresh_connection_is_not_sent_again(server: LocalOKX) -> None:
    server.script.append(Reply(reset=True))
    with (
        PublicAPI(domain=server.url, max_retries=0) as api,
        pytest.raises(OkxRequestException, match="request failed"),
    ):
        tiers(api)
    assert len(server.seen) == 1


def test_a_post_on_a_stale_connection_is_not_sent_again(server: LocalOKX) -> None:
    with transport_session() as session:
        assert session.get(server.url + "/api/v5/public/time").ok
        server.script.append(Reply(reset=True))
        with pytest.raises(requests.ConnectionError):
            session.post(server.url + "/api/v5/trade/order")
    assert len(server.seen) == 2


def test_a_connect_timeout_is_a_timeout(server: LocalOKX, monkeypatch: pytest.MonkeyPatch) -> None:
    def too_slow(*args: object, **kwargs: object) -> socket.socket:
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", too_slow)
    with transport_session() as session, pytest.raises(requests.ConnectTimeout):
        session.get(server.url + "/api/v5/public/time", timeout=(0.5, 5))


def test_a_slow_answer_is_a_read_timeout(server: LocalOKX) -> None:
    server.script.append(Reply(body=TIERS_ANSWER, delay=0.5))
    with transport_session() as session, pytest.raises(requests.ReadTimeout):
        session.get(server.url + "/api/v5/public/time", timeout=(5, 0.1))


def test_a_connection_close_answer_is_not_kept(server: LocalOKX) -> None:
    server.script.append(Reply(body=TIERS_ANSWER, headers={"Connection": "close"}))
    with PublicAPI(domain=server.url) as api:
        assert tiers(api)["code"] == "0"
        assert tiers(api)["code"] == "0"
    assert server.connections == 2


def test_a_chunked_answer_is_read_whole(server: LocalOKX) -> None:
    server.script.append(Reply(body=TIERS_ANSWER, chunked=True))
    with PublicAPI(domain=server.url) as api:
        assert tiers(api)["data"] == TIERS_ANSWER["data"]


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
    ],
)
def test_compressed_answers_are_decoded(
    server: LocalOKX, encoding: str, compress: Callable[[bytes], bytes]
) -> None:
    body = compress(json.dumps(TIERS_ANSWER).encode())
    server.script.append(Reply(body=body, headers={"Content-Encoding": encoding}))
    with PublicAPI(domain=server.url) as api:
        assert tiers(api)["data"] == TIERS_ANSWER["data"]
    assert server.seen[0].headers["Accept-Encoding"] == "gzip, deflate"


def test_a_body_that_does_not_decompress_is_a_request_exception(server: LocalOKX) -> None:
    server.script.append(Reply(body=b"not gzip", headers={"Content-Encoding": "gzip"}))
    with (
        PublicAPI(domain=server.url, max_retries=0) as api,
        pytest.raises(OkxRequestException, match="did not decode"),
    ):
        tiers(api)


def test_other_accepted_encodings_go_through_urllib3(
    server: LocalOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups = urllib3_lookups(monkeypatch)
    with transport_session() as session:
        session.headers["Accept-Encoding"] = "gzip, br"
        assert session.get(server.url + "/api/v5/public/time").ok
        session.headers["Accept-Encoding"] = "gzip;q=1.0, identity"
        assert session.get(server.url + "/api/v5/public/time").ok
    assert len(lookups) == 1


def test_streaming_and_urllib3_timeouts_go_through_urllib3(
    server: LocalOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups = urllib3_lookups(monkeypatch)
    with transport_session() as session:
        with session.get(server.url + "/api/v5/public/time", stream=True) as answer:
            assert answer.json()["code"] == "0"
        assert session.get(server.url + "/api/v5/public/time", timeout=Timeout(5)).ok
    # one pool lookup and one connection: a direct call would have opened a second one
    assert (len(lookups), server.connections) == (1, 1)


def test_eight_threads_share_one_client(server: LocalOKX) -> None:
    with PublicAPI(domain=server.url, rate_limit=False) as api, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: tiers(api), range(64)))
    assert all(result["code"] == "0" for result in results)
    assert 1 <= server.connections <= 8
    assert len(server.seen) == 64


def test_close_closes_the_kept_connections(server: LocalOKX) -> None:
    api = PublicAPI(domain=server.url)
    tiers(api)
    adapter = api.session.get_adapter(server.url + "/")
    (kept,) = [conn for target in adapter._origins.values() if target for conn in target.idle]
    assert kept.sock is not None
    api.close()
    assert kept.sock is None


def test_an_idle_connection_the_server_closed_is_not_reused(server: LocalOKX) -> None:
    with PublicAPI(domain=server.url, max_retries=0) as api:
        tiers(api)
        adapter = api.session.get_adapter(server.url + "/")
        (target,) = adapter._origins.values()
        sock = target.idle[0].sock
        sock.shutdown(socket.SHUT_WR)  # the server sees EOF and hangs up
        assert wait_for_read(sock, timeout=5)  # its hang-up has arrived
        assert tiers(api)["code"] == "0"
    assert (len(server.seen), server.connections) == (2, 2)


# -- TLS -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate (and its key, in the same file) for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    pem = folder / "localhost.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    pem.write_text((folder / "cert.pem").read_text() + (folder / "key.pem").read_text())
    return pem


@pytest.fixture
def tls_server(certificate: Path) -> Iterator[LocalOKX]:
    """The local OKX stand-in, served over https with ``certificate``."""
    server = LocalOKX()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate)
    server._server.socket = context.wrap_socket(server._server.socket, server_side=True)
    server.url = server.url.replace("http://", "https://")
    server.start()
    yield server
    server.stop()


def test_https_to_an_unknown_ca_fails_verification(
    tls_server: LocalOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with (
        PublicAPI(domain=tls_server.url, max_retries=0) as api,
        pytest.raises(OkxRequestException, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        tiers(api)
    assert tls_server.seen == []


def test_https_with_requests_ca_bundle_set_to_the_certificate(
    tls_server: LocalOKX, certificate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate))
    lookups = urllib3_lookups(monkeypatch)
    with PublicAPI(domain=tls_server.url) as api:
        assert tiers(api)["code"] == "0"
        assert tiers(api)["code"] == "0"
    assert (lookups, tls_server.connections) == ([], 1)


def test_https_with_verify_set_to_a_certificate_directory(
    tls_server: LocalOKX, certificate: Path, tmp_path: Path
) -> None:
    shutil.copy(certificate, tmp_path / "local.pem")
    subprocess.run(["openssl", "rehash", str(tmp_path)], check=True, capture_output=True)
    with transport_session() as session:
        answer = session.get(tls_server.url + "/api/v5/public/time", verify=str(tmp_path))
    assert answer.json()["code"] == "0"


def test_https_with_a_missing_ca_bundle_is_requests_own_error(tls_server: LocalOKX) -> None:
    with transport_session() as session, pytest.raises(OSError, match="invalid path"):
        session.get(tls_server.url + "/api/v5/public/time", verify="/nonexistent/ca.pem")


def test_https_without_verification_goes_through_urllib3_and_warns(
    tls_server: LocalOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups = urllib3_lookups(monkeypatch)
    with (
        transport_session() as session,
        pytest.warns(urllib3.exceptions.InsecureRequestWarning),
    ):
        assert session.get(tls_server.url + "/api/v5/public/time", verify=False).ok
    assert len(lookups) == 1


def test_a_mock_in_place_before_import_is_still_recognised(
    server: LocalOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if okx_v5 had been imported while a mock was patched over HTTPAdapter.send: the
    # identity check fails, the origin check still tells requests' own send from a mock.
    from okx_v5 import transport

    monkeypatch.setattr(transport, "_REQUESTS_SEND", None)
    assert transport._is_requests_own(requests.adapters.HTTPAdapter.send)
    assert not transport._is_requests_own(lambda *args, **kwargs: None)
    assert not transport._is_requests_own(object())
    with responses.RequestsMock() as mock:
        mock.get(
            server.url + "/api/v5/public/position-tiers", json={"code": "0", "msg": "", "data": []}
        )
        with PublicAPI(domain=server.url) as api:
            assert tiers(api)["data"] == []
        assert len(mock.calls) == 1
    assert server.seen == []  # the mock answered; the server never saw the request
