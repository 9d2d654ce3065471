"""What okx_v5 logs on its own: an ``OKX_DOMAIN`` redirect once, and with ``debug`` each
request's body, never a secret."""

from __future__ import annotations

import json
import logging
import threading
import uuid

import pytest
import responses

from okx_v5 import AccountAPI, PublicAPI, cli
from okx_v5.redaction import redact, redacted_excerpt
from okx_v5.testing import FakeOKX
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


# -- debug: request bodies, secrets redacted --------------------------------------------------

SUB_PASSPHRASE = "Sub-Pass-Phrase-7Q!"
SUB_SECRET = "SUB-SECRET-0F1E2D3C4B5A69788796A5B4C3D2E1F0"
SUB_KEY = "fe1d2c3b-4a59-6877-8695-a4b3c2d1e0f9"
SUB_PASSWORD = "Login-Pw-3x4mple!"


def test_debug_logs_the_body_of_a_request(
    mocked: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="okx_v5")
    mocked.post(DOMAIN + "/api/v5/account/set-leverage", json={"code": "0", "msg": "", "data": []})
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", debug=True)
    api.set_leverage(lever="5", mgnMode="cross", instId="BTC-USDT-SWAP")
    body = mocked.calls[0].request.body.decode()
    assert f"POST {DOMAIN}/api/v5/account/set-leverage with body {body}" in caplog.text
    signature = mocked.calls[0].request.headers["OK-ACCESS-SIGN"]
    for secret in (SECRET, PASSPHRASE, signature):
        assert secret not in caplog.text


def test_debug_redacts_a_sub_account_key_passphrase_and_secret_both_ways(
    mocked: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="okx_v5")
    answer = {
        "code": "0",
        "msg": "",
        "data": [
            {
                "subAcct": "bot01",
                "label": "v5",
                "apiKey": SUB_KEY,
                "secretKey": SUB_SECRET,
                "passphrase": SUB_PASSPHRASE,
                "perm": "trade",
                "ip": "",
                "ts": "1597026383085",
            }
        ],
    }
    compact = json.dumps(answer, separators=(",", ":"))  # as OKX answers
    mocked.post(DOMAIN + "/api/v5/users/subaccount/apikey", body=compact)
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", debug=True)
    params = {"subAcct": "bot01", "label": "v5", "passphrase": SUB_PASSPHRASE, "perm": "trade"}
    assert api._request_with_params("POST", "/api/v5/users/subaccount/apikey", params).ok
    assert SUB_PASSPHRASE in mocked.calls[0].request.body.decode()  # sent as given
    text = caplog.text
    assert '"subAcct": "bot01"' in text  # the body, as python-okx writes it
    assert '"passphrase": "<redacted>"' in text
    assert '"secretKey":"<redacted>"' in text  # the answer
    assert '"apiKey":"fe1d…e0f9"' in text
    for secret in (SUB_PASSPHRASE, SUB_SECRET, SUB_KEY, SECRET, PASSPHRASE):
        assert secret not in text


def test_debug_redacts_a_sub_account_login_password(
    mocked: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="okx_v5")
    mocked.post(
        DOMAIN + "/api/v5/users/subaccount/create-subaccount", json={"code": "0", "data": []}
    )
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", debug=True)
    params = {"subAcct": "bot01", "type": "1", "pwd": SUB_PASSWORD}
    api._request_with_params("POST", "/api/v5/users/subaccount/create-subaccount", params)
    assert '"pwd": "<redacted>"' in caplog.text
    assert SUB_PASSWORD not in caplog.text


def test_debug_shows_an_api_key_in_a_query_string_only_in_part(
    mocked: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="okx_v5")
    mocked.get(DOMAIN + "/api/v5/users/subaccount/apikey", json={"code": "0", "data": []})
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", debug=True)
    params = {"subAcct": "bot01", "apiKey": SUB_KEY}
    api._request_with_params("GET", "/api/v5/users/subaccount/apikey", params)
    assert (
        "/api/v5/users/subaccount/apikey?subAcct=bot01&apiKey=fe1d…e0f9 -> HTTP 200" in caplog.text
    )
    assert SUB_KEY not in caplog.text


def test_cli_debug_logs_the_body_it_sends_without_secrets(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="okx_v5")  # restored after the test
    caplog.handler.setLevel(logging.DEBUG)  # so only --debug makes the okx_v5 logger talk
    argv = ["--debug", "--sandbox", "--yes", "account", "set-leverage", "--lever", "5"]
    assert cli.main([*argv, "--mgn-mode", "cross", "--inst-id", "BTC-USDT-SWAP"]) == 0
    assert '/api/v5/account/set-leverage with body {"lever": "5", "mgnMode"' in caplog.text
    for secret in (FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE):
        assert secret not in caplog.text + capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('{"passphrase": "p4ss", "x": 1}', '{"passphrase": "<redacted>", "x": 1}'),
        ('{"Passphrase":"p4ss"}', '{"Passphrase":"<redacted>"}'),
        ('{"secretKey":"s3cr\\"et"}', '{"secretKey":"<redacted>"}'),
        (
            '{"op":"login","args":[{"sign":"c2ln","pwd":"pw"}]}',
            '{"op":"login","args":[{"sign":"<redacted>","pwd":"<redacted>"}]}',
        ),
        ('{"apiKey":"abcdefgh-1234-5678"}', '{"apiKey":"abcd…5678"}'),
        ('{"apiKey":"short"}', '{"apiKey":"****"}'),
        (
            '{"label":"passphrase","passphrase":"x"}',
            '{"label":"passphrase","passphrase":"<redacted>"}',
        ),
        ("/api/v5/x?a=1&passphrase=p4ss&b=2", "/api/v5/x?a=1&passphrase=<redacted>&b=2"),
        ('{"instId":"BTC-USDT","sz":"1"}', '{"instId":"BTC-USDT","sz":"1"}'),
    ],
)
def test_redact_replaces_secret_fields_and_shortens_api_keys(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_a_secret_cut_off_where_an_excerpt_stops_reading_is_redacted_too() -> None:
    # Whitespace folds, so the excerpt reads past its length; the secret starts just before
    # where it stops reading (8 x 500 + 8 characters), and its end is never read.
    body = '{"data":[{' + " " * 3980 + '"secretKey":"' + "S" * 64 + '"}]}'
    shown = redacted_excerpt(body, 500)
    assert shown == '{"data":[{ "secretKey":"<redacted>"…'
