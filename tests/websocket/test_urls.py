"""Where a stream connects: OKX's hosts by flag and site, any other host on its own port."""

from __future__ import annotations

import pytest

from okx_v5.exceptions import OkxParamsException
from okx_v5.websocket import WsPrivate, WsPublic
from okx_v5.websocket.urls import check_url, redirect_url, stream_host


@pytest.mark.parametrize(
    ("domain", "flag", "base"),
    [
        ("https://www.okx.com", "0", "wss://ws.okx.com:8443"),
        ("https://www.okx.com", "1", "wss://wspap.okx.com:8443"),
        ("https://eea.okx.com", "0", "wss://wseea.okx.com:8443"),
        ("https://eea.okx.com", "1", "wss://wseeapap.okx.com:8443"),
        ("https://us.okx.com", "0", "wss://wsus.okx.com:8443"),
    ],
)
def test_okx_rest_hosts_map_to_okx_stream_hosts_without_a_flag_header(
    domain: str, flag: str, base: str
) -> None:
    host = stream_host(domain, flag)
    assert host.base == base
    assert host.headers == {}
    assert host.url("/ws/v5/business") == base + "/ws/v5/business"


def test_another_http_host_streams_on_its_own_port_with_the_flag_header() -> None:
    host = stream_host("http://127.0.0.1:4321", "1")
    assert host.url("/ws/v5/public") == "ws://127.0.0.1:4321/ws/v5/public"
    assert host.headers == {"x-simulated-trading": "1"}


def test_an_https_proxy_with_a_path_streams_over_wss_under_that_path() -> None:
    host = stream_host("https://proxy.example:8443/okx", "0")
    assert host.url("/ws/v5/private") == "wss://proxy.example:8443/okx/ws/v5/private"
    assert host.headers == {"x-simulated-trading": "0"}


def test_a_given_url_wins_over_the_domain() -> None:
    host = stream_host("https://www.okx.com", "1", "ws://127.0.0.1:9")
    assert host.url("/ws/v5/public") == "ws://127.0.0.1:9/ws/v5/public"
    assert host.headers == {"x-simulated-trading": "1"}


def test_a_given_url_on_an_okx_stream_host_sends_no_flag_header() -> None:
    assert stream_host("https://www.okx.com", "0", "wss://ws.okx.com:8443").headers == {}


@pytest.mark.parametrize("url", ["wss://ws.okx.com:8443/", " ws://127.0.0.1:80 "])
def test_check_url_returns_the_base_without_a_trailing_slash(url: str) -> None:
    assert check_url(url) == url.strip().rstrip("/")


@pytest.mark.parametrize(
    "url", ["https://ws.okx.com", "ws://", "wss://host:port", "ws://host?x=1", 5, None]
)
def test_check_url_refuses_what_is_not_a_websocket_base_url(url: object) -> None:
    with pytest.raises(OkxParamsException, match="ws:// or wss:// base URL") as refused:
        check_url(url)
    assert refused.value.param == "url"


def test_check_url_refuses_a_path_and_names_the_base_to_use() -> None:
    with pytest.raises(OkxParamsException, match=r"'wss://ws\.okx\.com:8443'"):
        check_url("wss://ws.okx.com:8443/ws/v5/public")


def test_clients_stream_from_okx_domain_when_it_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKX_DOMAIN", "http://127.0.0.1:5555")
    with WsPublic() as ws:
        assert "ws://127.0.0.1:5555" in repr(ws)


def test_python_okx_urls_are_used_as_given_without_okx_domain() -> None:
    url = "wss://wspap.okx.com:8443/ws/v5/public?brokerId=9999"
    assert redirect_url(url) == (url, {})


@pytest.mark.parametrize(("host", "flag"), [("wspap.okx.com", "1"), ("ws.okx.com", "0")])
def test_python_okx_urls_follow_okx_domain_with_the_hosts_flag(
    monkeypatch: pytest.MonkeyPatch, host: str, flag: str
) -> None:
    monkeypatch.setenv("OKX_DOMAIN", "http://127.0.0.1:5555")
    url, headers = redirect_url(f"wss://{host}:8443/ws/v5/private?brokerId=9999")
    assert url == "ws://127.0.0.1:5555/ws/v5/private?brokerId=9999"
    assert headers == {"x-simulated-trading": flag}


def test_python_okx_urls_elsewhere_carry_okx_flag_or_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "ws://127.0.0.1:7/ws/v5/public"
    assert redirect_url(url) == (url, {"x-simulated-trading": "1"})
    monkeypatch.setenv("OKX_FLAG", "0")
    assert redirect_url(url) == (url, {"x-simulated-trading": "0"})


def test_a_bad_okx_domain_is_named_when_redirecting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKX_DOMAIN", "ftp://nowhere")
    with pytest.raises(OkxParamsException, match="OKX_DOMAIN is"):
        redirect_url("wss://ws.okx.com:8443/ws/v5/public")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("ping_interval", 0),
        ("pong_timeout", -1),
        ("reconnect_backoff", float("nan")),
        ("timeout", "10"),
        ("max_queue", 0),
        ("on_error", "print"),
        ("url", "http://x"),
    ],
)
def test_bad_options_are_refused_naming_them(option: str, value: object) -> None:
    with pytest.raises(OkxParamsException) as refused:
        WsPublic(**{option: value})
    assert refused.value.param == option


def test_credentials_are_checked_as_the_rest_clients_check_them() -> None:
    with pytest.raises(OkxParamsException, match="passphrase has whitespace") as refused:
        WsPrivate("key", "secret", " hunter2 ")
    assert "hunter2" not in str(refused.value)


def test_from_env_reads_the_flag_and_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKX_FLAG", "0")
    monkeypatch.setenv("OKX_API_KEY", "k" * 20)
    monkeypatch.setenv("OKX_API_SECRET", "s")
    monkeypatch.setenv("OKX_PASSPHRASE", "p")
    with WsPublic.from_env() as public, WsPrivate.from_env() as private:
        assert public.flag == private.flag == "0"
        assert "wss://ws.okx.com:8443" in repr(public)
        assert private.API_KEY == "k" * 20
        assert "s'" not in repr(private)
        assert "kkkk…kkkk" in repr(private)
