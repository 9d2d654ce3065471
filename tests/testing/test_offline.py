"""Running code offline: ``OKX_DOMAIN``, ``FakeOKX.environment()`` and ``python -m okx_v5.testing``."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import threading
from unittest import mock

import pytest

import okx_v5.Account as Account
import okx_v5.PublicData as PublicData
from okx_v5 import OkxParamsException, consts
from okx_v5.testing import FakeOKX
from okx_v5.testing.__main__ import main


def test_okx_domain_points_a_client_of_okx_s_host_at_another_server(
    okx: FakeOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKX_DOMAIN", okx.url)
    with PublicData.PublicAPI(flag="0") as api:
        assert api.domain == okx.url
        assert api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT").ok
    assert [request.path.partition("?")[0] for request in okx.requests] == [
        "/api/v5/public/position-tiers"
    ]


def test_okx_domain_leaves_a_client_of_another_domain_alone(
    okx: FakeOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKX_DOMAIN", "http://127.0.0.1:9")
    assert PublicData.PublicAPI(domain=okx.url).domain == okx.url
    assert PublicData.PublicAPI(domain="https://my.okx.com").domain == "https://my.okx.com"


def test_a_bad_okx_domain_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKX_DOMAIN", "www.okx.com")
    with pytest.raises(OkxParamsException, match=r"^OKX_DOMAIN is 'www.okx.com'; an http"):
        PublicData.PublicAPI()


def test_the_environment_runs_a_python_okx_style_script_unchanged(okx: FakeOKX) -> None:
    with mock.patch.dict(os.environ, okx.environment()):
        key, secret = os.environ["OKX_API_KEY"], os.environ["OKX_API_SECRET"]
        passphrase, flag = os.environ["OKX_PASSPHRASE"], os.environ["OKX_FLAG"]
        account = Account.AccountAPI(key, secret, passphrase, False, flag)
        result = account.get_leverage(instId="BTC-USDT-SWAP", mgnMode="cross")
    assert (result["code"], result["data"][0]["lever"]) == ("0", FakeOKX.DEFAULT_LEVER)
    assert okx.requests[0].header("OK-ACCESS-KEY") == FakeOKX.DEMO_KEY
    assert okx.environment()["OKX_FLAG"] == consts.DEMO_TRADING


def test_the_environment_feeds_from_env(okx: FakeOKX) -> None:
    with mock.patch.dict(os.environ, okx.environment()), Account.AccountAPI.from_env() as api:
        assert (api.domain, api.API_KEY, api.flag) == (okx.url, FakeOKX.DEMO_KEY, "1")
        assert api.get_leverage("cross", instId="BTC-USDT-SWAP").ok


def test_main_prints_the_export_line_and_stops_when_told(
    capsys: pytest.CaptureFixture[str],
) -> None:
    stop = threading.Event()
    stop.set()
    assert main([], stop=stop) == 0
    out, err = capsys.readouterr()
    first, export = out.splitlines()
    assert first.startswith("FakeOKX is serving on http://127.0.0.1:")
    names = [word.partition("=")[0] for word in shlex.split(export)[1:]]
    assert names == ["OKX_DOMAIN", "OKX_API_KEY", "OKX_API_SECRET", "OKX_PASSPHRASE", "OKX_FLAG"]
    assert err == "FakeOKX stopped\n"


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_python_dash_m_serves_until_stopped(stop_with: signal.Signals) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "okx_v5.testing"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            assert server.stdout is not None
            server.stdout.readline()
            export = server.stdout.readline()
            variables = dict(word.split("=", 1) for word in shlex.split(export)[1:])
            with mock.patch.dict(os.environ, variables), PublicData.PublicAPI() as api:
                assert api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT").ok
            server.send_signal(stop_with)
            _, err = server.communicate(timeout=30)
        finally:
            server.kill()
    assert (server.returncode, err) == (0, "FakeOKX stopped\n")
