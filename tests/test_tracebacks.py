"""No secret in a traceback formatted with every frame's locals, and no password in any URL shown.

Sentry, ``rich``'s ``show_locals`` and ``pytest -l`` show ``repr()`` of every local of every
frame, as ``traceback.TracebackException(..., capture_locals=True)`` does: each failure path
of a signed call is formatted that way and searched for the API secret, the passphrase and
every signature the client made. The servers are real ones on 127.0.0.1.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import okx_v5.okxclient
from okx_v5 import AccountAPI, OkxException, OkxParamsException, cli, ratelimit
from okx_v5.adapter import OkxAdapter
from okx_v5.okxclient import OkxClient
from okx_v5.redaction import Secret, redact_text, redact_url
from okx_v5.testing import FakeOKX
from okx_v5.websocket.urls import check_url, stream_host

from .redisserver import free_port

KEY = "traceback-test-key-0001"
SECRET = "Secret-In-Frames-7Q2W9E"
PASSPHRASE = "Passphrase-In-Frames-5R8T"


def with_locals(failure: BaseException) -> str:
    """``failure`` formatted as error reporters format it: every frame's locals, causes too."""
    formatted = traceback.TracebackException(
        type(failure), failure, failure.__traceback__, capture_locals=True
    )
    return "".join(formatted.format())


@pytest.fixture
def signatures(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every signature the client makes from now on."""
    made: list[str] = []
    real = okx_v5.okxclient.sign

    def recording(message: str, secret: str) -> bytes:
        made.append(real(message, secret).decode())
        return real(message, secret)

    monkeypatch.setattr(okx_v5.okxclient, "sign", recording)
    return made


def assert_no_secret(text: str, signatures: list[str]) -> None:
    for secret in (SECRET, PASSPHRASE, *signatures):
        assert secret not in text, f"{secret!r} is shown"


def account(domain: str, **settings: Any) -> AccountAPI:
    options: dict[str, Any] = {"max_retries": 0, "rate_limit": False, "timeout": (1.0, 0.3)}
    return AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", domain, **{**options, **settings})


def failure_of(call: Callable[[], object]) -> BaseException:
    with pytest.raises(OkxException) as info:
        call()
    return info.value


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before listen(): the window
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(5)
    with server:
        yield server


def serve_once(server: socket.socket, handle: Callable[[socket.socket], None]) -> threading.Thread:
    def run() -> None:
        conn, _ = server.accept()
        with conn:
            handle(conn)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def leverage(api: AccountAPI) -> Callable[[], object]:
    return lambda: api.get_leverage("cross", instId="BTC-USDT-SWAP").raise_for_code()


def test_a_refused_connection_shows_no_secret_in_locals(signatures: list[str]) -> None:
    with account(f"http://127.0.0.1:{free_port()}") as api:
        failure = failure_of(leverage(api))
    assert signatures  # the call was signed
    assert_no_secret(with_locals(failure), signatures)


class _SmallSendBuffers(OkxAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["socket_options"] = [(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)]
        super().init_poolmanager(*args, **kwargs)


def padded(api: AccountAPI) -> AccountAPI:
    """``api`` with small send buffers and a header block larger than they hold."""
    api.session.mount("http://", _SmallSendBuffers())
    api.session.headers["X-Padding"] = "p" * 512_000
    return api


def test_a_reset_while_sending_the_headers_shows_no_secret_in_locals(
    listener: socket.socket, signatures: list[str]
) -> None:
    def reset(conn: socket.socket) -> None:
        conn.recv(1024)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    thread = serve_once(listener, reset)
    with padded(account(f"http://127.0.0.1:{listener.getsockname()[1]}")) as api:
        failure = failure_of(leverage(api))
    thread.join(5)
    assert signatures
    assert_no_secret(with_locals(failure), signatures)


def test_a_send_that_stalls_shows_no_secret_in_locals(
    listener: socket.socket, signatures: list[str]
) -> None:
    # The server reads nothing: the header block's send times out in the frames that hold it.
    done = threading.Event()
    thread = serve_once(listener, lambda conn: done.wait(5))
    with padded(account(f"http://127.0.0.1:{listener.getsockname()[1]}")) as api:
        failure = failure_of(leverage(api))
    done.set()
    thread.join(5)
    text = with_locals(failure)
    assert "block = <request header block" in text  # it failed while the block was sent
    assert_no_secret(text, signatures)


def test_a_failed_tls_handshake_shows_no_secret_in_locals(
    listener: socket.socket, signatures: list[str]
) -> None:
    thread = serve_once(listener, lambda conn: conn.sendall(b"HTTP/1.1 400 Bad\r\n\r\n"))
    with account(f"https://127.0.0.1:{listener.getsockname()[1]}") as api:
        failure = failure_of(leverage(api))
    thread.join(5)
    assert "SSL" in with_locals(failure)
    assert signatures
    assert_no_secret(with_locals(failure), signatures)


def test_a_read_timeout_shows_no_secret_in_locals(
    listener: socket.socket, signatures: list[str]
) -> None:
    done = threading.Event()
    thread = serve_once(listener, lambda conn: (conn.recv(65536), done.wait(5)))
    with account(f"http://127.0.0.1:{listener.getsockname()[1]}") as api:
        failure = failure_of(leverage(api))
    done.set()
    thread.join(5)
    assert "timed out" in str(failure) or "no answer" in str(failure)
    assert_no_secret(with_locals(failure), signatures)


def test_an_okx_error_answer_shows_no_secret_in_locals(signatures: list[str]) -> None:
    with FakeOKX() as okx:
        okx.add_key(KEY, SECRET, PASSPHRASE, demo=True)
        okx.inject("50001", count=1)
        with account(okx.url) as api:
            failure = failure_of(leverage(api))
    assert getattr(failure, "code", None) == "50001"
    assert_no_secret(with_locals(failure), signatures)


def test_a_bad_parameter_shows_no_secret_in_locals(signatures: list[str]) -> None:
    with account(f"http://127.0.0.1:{free_port()}") as api:
        failure = failure_of(lambda: api.get_leverage(None, instId="BTC-USDT-SWAP"))
    assert isinstance(failure, OkxParamsException)
    assert_no_secret(with_locals(failure), signatures)


def test_a_failing_constructor_shows_no_secret_in_locals() -> None:
    with pytest.raises(OkxParamsException) as info:
        AccountAPI(KEY, SECRET, PASSPHRASE, False, "7")
    assert "Secret('***')" in with_locals(info.value)
    assert_no_secret(with_locals(info.value), [])


def test_a_constructor_refusing_the_passphrase_shows_no_secret_in_locals() -> None:
    with pytest.raises(OkxParamsException) as info:
        AccountAPI(KEY, SECRET, PASSPHRASE + "\n")
    assert_no_secret(with_locals(info.value), [])


def test_from_env_failing_shows_no_secret_in_locals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKX_API_KEY", KEY)
    monkeypatch.setenv("OKX_API_SECRET", SECRET)
    monkeypatch.setenv("OKX_PASSPHRASE", PASSPHRASE)
    with pytest.raises(OkxParamsException) as info:
        AccountAPI.from_env(flag="7")
    assert_no_secret(with_locals(info.value), [])


def test_setting_a_bad_passphrase_is_refused_without_showing_it() -> None:
    with account(f"http://127.0.0.1:{free_port()}") as api:
        with pytest.raises(OkxParamsException) as info:
            api.PASSPHRASE = PASSPHRASE + " "
        assert api.PASSPHRASE == PASSPHRASE
    assert_no_secret(with_locals(info.value), [])


def test_python_okx_s_secret_attributes_are_the_plain_strings() -> None:
    with account(f"http://127.0.0.1:{free_port()}") as api:
        api.API_SECRET_KEY = "Another-Secret"
        assert (api.API_SECRET_KEY, api.PASSPHRASE) == ("Another-Secret", PASSPHRASE)
        assert type(api.API_SECRET_KEY) is str


def test_a_secret_shows_as_stars() -> None:
    secret = Secret(SECRET)
    assert SECRET not in repr(secret) + str(secret) + f"{secret}" + repr([secret])
    assert Secret(secret).reveal() == SECRET


class _Failing(OkxClient):
    def __init__(self) -> None:
        self.flag = "1"
        raise RuntimeError("fails before OkxClient.__init__")


def test_repr_of_a_half_built_client_works() -> None:
    client = _Failing.__new__(_Failing)
    assert repr(client) == "_Failing(domain=None, flag=None, api_key=None)"
    with pytest.raises(RuntimeError) as info:
        _Failing()
    assert "_Failing(domain=None, flag='1', api_key=None)" in with_locals(info.value)


# -- URLs ----------------------------------------------------------------------------------

URLS = [
    ("https://bob:pw-9@proxy.example:3128", "https://bob:***@proxy.example:3128"),
    ("http://pw-9@proxy.example", "http://***@proxy.example"),
    ("bob:pw-9@proxy.example:3128", "bob:***@proxy.example:3128"),
    ("redis://:pw-9@h:6379/0", "redis://:***@h:6379/0"),
    ("redis://pw-9@h/0", "redis://***@h/0"),
    ("redis://user:pw-9@h/0", "redis://user:***@h/0"),
    ("rediss://me:p%40pw-9@h/0", "rediss://me:***@h/0"),
    ("redis://:p@pw-9@h/0", "redis://:***@h/0"),
    ("redis://h/0?password=pw-9", "redis://h/0?password=<redacted>"),
    ("redis://h/0?db=1&password=pw-9&ssl_password=pw-9", None),
    ("unix://:pw-9@/run/redis.sock?db=0", "unix://:***@/run/redis.sock?db=0"),
    ("unix:///run/redis.sock?password=pw-9", "unix:///run/redis.sock?password=<redacted>"),
    ("redis://:pw-9@[::1/0", "redis://:***@[::1/0"),
    ("https://www.okx.com/api/v5/x?instId=A@B", "https://www.okx.com/api/v5/x?instId=A@B"),
]


@pytest.mark.parametrize(("url", "shown"), URLS)
def test_a_url_is_shown_without_its_password(url: str, shown: str | None) -> None:
    assert "pw-9" not in redact_url(url)
    if shown is not None:
        assert redact_url(url) == shown


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="okx_v5")
    return caplog


def test_a_domain_s_password_is_in_no_repr_log_or_message(
    debug_log: pytest.LogCaptureFixture, signatures: list[str]
) -> None:
    with FakeOKX() as okx:
        okx.add_key(KEY, SECRET, PASSPHRASE, demo=True)
        domain = okx.url.replace("http://", "http://bob:pw-9@")
        with account(domain, debug=True, rate_limit=True) as api:
            api.get_leverage("cross", instId="BTC-USDT-SWAP")
            api.sync_time()
            shown = repr(api) + debug_log.text + repr(list(api._limiter_cache.values()))
    assert "bob:***@127.0.0.1" in repr(api)
    assert "pw-9" not in shown
    assert_no_secret(shown, signatures)


def test_a_remote_plain_http_domain_s_password_is_not_in_the_refusal() -> None:
    with account("http://bob:pw-9@okx.example") as api:
        failure = failure_of(leverage(api))
    assert "pw-9" not in str(failure) + repr(vars(failure))


@pytest.mark.parametrize(
    "domain", ["ftp://bob:pw-9@h", "http://bob:pw-9@h/api/v5", "https://bob:pw-9@h?x=1"]
)
def test_a_refused_domain_is_named_without_its_password(domain: str) -> None:
    with pytest.raises(OkxParamsException) as info:
        OkxClient(domain=domain)
    assert "bob:***@h" in str(info.value)
    assert "pw-9" not in str(info.value) + repr(vars(info.value))


def test_okx_domain_s_password_is_not_in_its_warning_or_refusal(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OKX_DOMAIN", "http://bob:pw-9@127.0.0.1:1/api/v5")
    with pytest.raises(OkxParamsException) as info:
        OkxClient()
    assert "pw-9" not in str(info.value) + repr(vars(info.value))
    monkeypatch.setenv("OKX_DOMAIN", "http://bob:pw-9@127.0.0.2:1")
    with OkxClient():
        pass
    assert "bob:***@127.0.0.2" in caplog.text
    assert "pw-9" not in caplog.text


REDIS_URLS = [
    "redis://:pw-9@127.0.0.1:{port}/0",
    "redis://pw-9@127.0.0.1:{port}/0",
    "redis://user:pw-9@127.0.0.1:{port}/0",
    "redis://127.0.0.1:{port}/0?password=pw-9",
    "rediss://:pw-9@127.0.0.1:{port}/0",
]


@pytest.mark.parametrize("template", REDIS_URLS)
def test_a_redis_password_is_not_in_the_outage_warning_or_repr(
    template: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = template.format(port=free_port())
    with FakeOKX() as okx, account(okx.url, rate_limit=True, rate_limit_storage=url) as api:
        okx.add_key(KEY, SECRET, PASSPHRASE, demo=True)
        leverage(api)()  # the limiter books through Redis, which is not there
    assert "unavailable" in caplog.text
    shown = caplog.text + repr(ratelimit.registry_for(url)) + repr(api)
    assert "pw-9" not in shown


@pytest.mark.parametrize(
    "url", ["unix://:pw-9@/run/redis.sock?db=0", "unix:///run/redis.sock?password=pw-9"]
)
def test_a_refused_storage_url_is_named_without_its_password(url: str) -> None:
    with pytest.raises(OkxParamsException) as info:
        OkxClient(rate_limit_storage=url)
    assert "pw-9" not in str(info.value) + repr(vars(info.value))


def test_the_cli_names_an_unreachable_domain_without_its_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    domain = f"http://bob:pw-9@127.0.0.1:{free_port()}"
    tiers = ["position-tiers", "--inst-type", "SWAP", "--td-mode", "cross"]
    assert cli.main(["--max-retries", "0", "--domain", domain, *tiers, "--inst-family", "X"]) == 1
    err = capsys.readouterr().err
    assert "cannot reach http://bob:***@127.0.0.1" in err
    assert "pw-9" not in err


def test_a_stream_url_is_named_without_its_password() -> None:
    with pytest.raises(OkxParamsException) as info:
        check_url("wss://bob:pw-9@ws.example/ws/v5/public")
    assert "bob:***@ws.example" in str(info.value)
    assert "pw-9" not in str(info.value) + repr(vars(info.value))
    host = stream_host("https://www.okx.com", "1", "wss://bob:pw-9@ws.example")
    assert repr(host) == "StreamHost('wss://bob:***@ws.example')"


def test_text_is_scrubbed_of_every_url_password_and_secret_field() -> None:
    text = (
        "proxies={'https': 'http://bob:pw-9@proxy:3128'} storage='redis://pw-9@h/0?password=pw-9'"
        ' body=\'{"passphrase":"pw-9","sign":"pw-9"}\' path=/x?sign=pw-9&a=1'
    )
    scrubbed = redact_text(text)
    assert "pw-9" not in scrubbed
    assert "http://bob:***@proxy:3128" in scrubbed
    assert "&a=1" in scrubbed


def test_scrubbing_a_url_keeps_the_text_after_it() -> None:
    text = 'GET https://h/x?password=pw-9 failed: {"passphrase": "pw-9", "sz": "1"} at 12:00'
    assert redact_text(text) == (
        'GET https://h/x?password=<redacted> failed: {"passphrase": "<redacted>", "sz": "1"} at 12:00'
    )


def test_a_failing_stream_constructor_shows_no_secret_in_locals() -> None:
    from okx_v5.websocket import WsPrivate

    with pytest.raises(OkxParamsException) as info:
        WsPrivate(KEY, SECRET, PASSPHRASE, False, "7")
    assert "Secret('***')" in with_locals(info.value)
    assert_no_secret(with_locals(info.value), [])


def test_a_stream_login_request_is_masked_when_shown() -> None:
    from okx_v5.websocket.private import login_request

    text = login_request(KEY, Secret(PASSPHRASE), Secret(SECRET), "1700000000")
    assert PASSPHRASE in text
    assert repr(text) == "'***'"
    assert PASSPHRASE not in repr({"frame": text})
