"""What okx_v5 logs on its own: an ``OKX_DOMAIN`` redirect once."""

from __future__ import annotations

import logging
import threading
import uuid

import pytest

from okx_v5 import AccountAPI, PublicAPI
from okx_v5.websocket import WsPublic
from okx_v5.websocket.urls import redirect_url

from .helpers import DOMAIN, KEY, PASSPHRASE, SECRET


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name == "okx_v5"
    ]


def new_target() -> str:
    """A URL no other test has sent OKX_DOMAIN to: the warning is once per process."""
    return f"https://sandbox-{uuid.uuid4().hex[:12]}.test"


# -- OKX_DOMAIN -----------------------------------------------------------------------------


def test_an_okx_domain_redirect_warns_once_per_target(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = new_target(), new_target()
    monkeypatch.setenv("OKX_DOMAIN", first)
    PublicAPI()
    AccountAPI(KEY, SECRET, PASSPHRASE, False, "1")
    assert warnings_of(caplog) == [
        f"OKX_DOMAIN is set: what was meant for www.okx.com goes to {first}"
    ]
    monkeypatch.setenv("OKX_DOMAIN", second)
    PublicAPI()
    PublicAPI()
    assert warnings_of(caplog)[1:] == [
        f"OKX_DOMAIN is set: what was meant for www.okx.com goes to {second}"
    ]


def test_clients_built_at_once_on_many_threads_warn_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OKX_DOMAIN", new_target())
    start = threading.Barrier(8)

    def build() -> None:
        start.wait()
        PublicAPI().close()

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(warnings_of(caplog)) == 1


def test_a_client_given_its_own_domain_is_not_redirected_and_does_not_warn(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OKX_DOMAIN", new_target())
    assert PublicAPI(domain="https://my-proxy.test").domain == "https://my-proxy.test"
    assert warnings_of(caplog) == []


def test_okx_domain_naming_okx_itself_is_no_redirect_and_does_not_warn(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OKX_DOMAIN", DOMAIN + "/")
    assert PublicAPI().domain == DOMAIN
    url = "wss://wspap.okx.com:8443/ws/v5/public?brokerId=9999"
    assert redirect_url(url)[0] == url
    assert warnings_of(caplog) == []


def test_the_warning_never_shows_a_password_in_okx_domain(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    host = new_target().removeprefix("https://")
    monkeypatch.setenv("OKX_DOMAIN", f"https://user:hunter2-pw@{host}")
    assert PublicAPI().domain == f"https://user:hunter2-pw@{host}"
    assert warnings_of(caplog) == [
        f"OKX_DOMAIN is set: what was meant for www.okx.com goes to https://user:***@{host}"
    ]


def test_a_stream_client_redirected_by_okx_domain_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    target = new_target()
    monkeypatch.setenv("OKX_DOMAIN", target)
    for _ in range(2):
        with WsPublic() as ws:
            assert ws.domain == target
    assert warnings_of(caplog) == [
        f"OKX_DOMAIN is set: what was meant for www.okx.com goes to {target}"
    ]


def test_python_okx_websocket_urls_redirected_by_okx_domain_warn_once_per_host(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    target = new_target()
    monkeypatch.setenv("OKX_DOMAIN", target)
    streams = target.replace("https://", "wss://")
    for _ in range(2):
        assert redirect_url("wss://ws.okx.com:8443/ws/v5/public")[0] == streams + "/ws/v5/public"
        redirect_url("wss://ws.okx.com:8443/ws/v5/private")
    redirect_url("wss://wspap.okx.com:8443/ws/v5/public")
    assert warnings_of(caplog) == [
        f"OKX_DOMAIN is set: what was meant for ws.okx.com:8443 goes to {streams}",
        f"OKX_DOMAIN is set: what was meant for wspap.okx.com:8443 goes to {streams}",
    ]
