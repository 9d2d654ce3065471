"""``region="global" | "eea" | "us"``: the OKX site a client talks to, REST and WebSocket, from
the constructor, ``from_env()`` (``OKX_REGION``) and the command line (``--region``)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import responses

from okx_v5 import cli
from okx_v5._generated.channels import SITES
from okx_v5._generated.endpoints.public_data import GET_SYSTEM_TIME
from okx_v5.Account import AccountAPI
from okx_v5.checks import REGIONS
from okx_v5.CopyTrading import CopyTradingAPI
from okx_v5.exceptions import OkxAuthException, OkxParamsException
from okx_v5.PublicData import PublicAPI
from okx_v5.testing import FakeOKX
from okx_v5.websocket import WsPrivate, WsPublic

from .cli_helpers import BTC_TIERS, one_error_line
from .helpers import KEY, PASSPHRASE, SECRET

REST = {
    "global": "https://www.okx.com",
    "eea": "https://eea.okx.com",
    "us": "https://us.okx.com",
}
"""Each region's REST host, as OKX's facts (okx_v5/facts/websocket.json, sites) give it."""
STREAMS = {
    ("global", "0"): "wss://ws.okx.com:8443",
    ("global", "1"): "wss://wspap.okx.com:8443",
    ("eea", "0"): "wss://wseea.okx.com:8443",
    ("eea", "1"): "wss://wseeapap.okx.com:8443",
    ("us", "0"): "wss://wsus.okx.com:8443",
    ("us", "1"): "wss://wsuspap.okx.com:8443",
}
"""Each region's WebSocket base, production (flag '0') and demo trading (flag '1')."""


def _time_answer() -> dict[str, Any]:
    return {"code": "0", "msg": "", "data": [{"ts": str(int(time.time() * 1000))}]}


def _sent_to(mocked: responses.RequestsMock, host: str, client: Any) -> str:
    """The URL ``client``'s ``get_system_time()`` went to, with ``host`` answering."""
    mocked.get(host + GET_SYSTEM_TIME.path, json=_time_answer())
    assert client.get_system_time().code == "0"
    return str(mocked.calls[-1].request.url)


def test_the_regions_are_the_sites_of_the_facts_that_are_not_deprecated() -> None:
    assert tuple(site.name for site in SITES if not site.deprecated) == REGIONS
    assert {site.name: site.rest for site in SITES if not site.deprecated} == REST


@pytest.mark.parametrize("region", REGIONS)
def test_a_rest_call_goes_to_the_host_of_its_region(
    mocked: responses.RequestsMock, region: str
) -> None:
    with PublicAPI(flag="0", region=region) as api:
        url = _sent_to(mocked, REST[region], api)
    assert url == REST[region] + GET_SYSTEM_TIME.path


@pytest.mark.parametrize("flag", ["0", "1"])
def test_a_signed_call_of_the_eea_region_goes_to_the_eea_host_in_both_environments(
    mocked: responses.RequestsMock, flag: str
) -> None:
    mocked.get(REST["eea"] + "/api/v5/account/balance", json={"code": "0", "msg": "", "data": []})
    with AccountAPI(KEY, SECRET, PASSPHRASE, False, flag, region="eea") as api:
        api.get_account_balance()
    sent = mocked.calls[-1].request
    assert sent.url == REST["eea"] + "/api/v5/account/balance"
    assert sent.headers["x-simulated-trading"] == flag
    assert sent.headers["OK-ACCESS-KEY"] == KEY


def test_the_default_region_is_python_okx_host() -> None:
    with PublicAPI() as api:
        assert (api.region, api.domain) == ("global", "https://www.okx.com")


def test_a_region_is_taken_in_any_case() -> None:
    with PublicAPI(region=" EEA ") as api:
        assert (api.region, api.domain) == ("eea", REST["eea"])


def test_a_generated_constructor_with_defaults_of_its_own_takes_the_region(
    mocked: responses.RequestsMock,
) -> None:
    mocked.get(REST["us"] + "/api/v5/copytrading/instruments", json={"code": "0", "data": []})
    with CopyTradingAPI(KEY, SECRET, PASSPHRASE, flag="0", region="us") as api:
        assert api.use_server_time is False  # CopyTradingAPI's own default is kept
        api.get_leading_instruments()
    assert mocked.calls[-1].request.url == REST["us"] + "/api/v5/copytrading/instruments"


def test_a_domain_given_wins_over_the_region(mocked: responses.RequestsMock) -> None:
    with PublicAPI("-1", "-1", "-1", None, "0", "https://proxy.example", region="eea") as api:
        assert api.domain == "https://proxy.example"
        url = _sent_to(mocked, "https://proxy.example", api)
    assert url.startswith("https://proxy.example/")


def test_a_domain_given_by_keyword_wins_over_the_region() -> None:
    with AccountAPI(domain="http://127.0.0.1:9", region="us") as api:
        assert api.domain == "http://127.0.0.1:9"


def test_okx_domain_replaces_the_host_of_the_region(
    fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKX_DOMAIN", fake_okx.url)
    with PublicAPI(region="eea") as api:
        assert api.domain == fake_okx.url
        assert api.get_system_time().code == "0"
    assert len(fake_okx.requests) == 1


@pytest.mark.parametrize("region", ["eu", "EU-west", "glo", "", None, 1])
def test_a_region_not_in_the_list_is_refused_before_sending(
    mocked: responses.RequestsMock, region: object
) -> None:
    with pytest.raises(OkxParamsException) as refused:
        PublicAPI(region=region)  # type: ignore[arg-type]
    assert refused.value.param == "region"
    assert refused.value.value == region
    assert refused.value.allowed == "'global', 'eea', 'us'"
    assert str(refused.value).startswith(f"region is {region!r}; allowed values are 'global'")
    assert len(mocked.calls) == 0


def test_clients_of_one_region_share_their_ip_limits_and_other_regions_count_apart() -> None:
    with (
        PublicAPI(region="eea") as eea,
        PublicAPI(region="eea") as eea_again,
        PublicAPI(region="global") as world,
    ):
        limiter = {
            name: api._limiters(GET_SYSTEM_TIME, {})[0][0]
            for name, api in (("eea", eea), ("eea_again", eea_again), ("global", world))
        }
    assert limiter["eea"] is limiter["eea_again"]
    assert limiter["eea"] is not limiter["global"]


# -- from_env(): OKX_REGION ------------------------------------------------------------------


def test_from_env_reads_okx_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKX_REGION", "us")
    with PublicAPI.from_env() as api:
        assert (api.region, api.domain) == ("us", REST["us"])
    with PublicAPI.from_env(region="eea") as api:  # an argument wins
        assert api.domain == REST["eea"]


def test_from_env_without_okx_region_is_global() -> None:
    with PublicAPI.from_env() as api:
        assert (api.region, api.domain) == ("global", REST["global"])


def test_a_bad_okx_region_is_named_by_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKX_REGION", "europe")
    with pytest.raises(OkxParamsException, match=r"^OKX_REGION is 'europe'; allowed values"):
        PublicAPI.from_env()


# -- 50119: the key of another site ------------------------------------------------------------


def test_50119_explains_that_a_key_of_another_site_needs_its_region(
    mocked: responses.RequestsMock,
) -> None:
    answer = {"code": "50119", "msg": "API key doesn't exist", "data": []}
    mocked.get(REST["global"] + "/api/v5/account/balance", json=answer, status=401)
    with (
        AccountAPI(KEY, SECRET, PASSPHRASE, False, "0") as api,
        pytest.raises(OkxAuthException) as failed,
    ):
        api.get_account_balance().raise_for_code()
    assert "region='eea'" in str(failed.value)
    assert "region='us'" in str(failed.value)


# -- the stream clients ------------------------------------------------------------------------


@pytest.mark.parametrize(("region", "flag"), sorted(STREAMS))
@pytest.mark.parametrize("client", [WsPublic, WsPrivate], ids=lambda cls: cls.__name__)
def test_a_stream_client_connects_to_the_websocket_host_of_its_region(
    client: type[WsPublic], region: str, flag: str
) -> None:
    with client(flag=flag, region=region) as ws:
        assert repr(ws).startswith(f"{client.__name__}({STREAMS[region, flag]!r}, ")
        assert ws.domain == REST[region]


def test_a_stream_client_given_a_url_ignores_the_region() -> None:
    with WsPublic("0", region="us", url="ws://127.0.0.1:9") as ws:
        assert repr(ws).startswith("WsPublic('ws://127.0.0.1:9', ")


def test_a_stream_client_refuses_a_region_not_in_the_list() -> None:
    with pytest.raises(OkxParamsException) as refused:
        WsPublic(region="asia")  # type: ignore[arg-type]
    assert (refused.value.param, refused.value.value) == ("region", "asia")


def test_a_stream_client_from_env_reads_okx_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKX_REGION", "eea")
    monkeypatch.setenv("OKX_FLAG", "0")
    with WsPrivate.from_env() as ws:
        assert repr(ws).startswith(f"WsPrivate({STREAMS['eea', '0']!r}, ")


# -- the command line: --region and OKX_REGION -------------------------------------------------


@pytest.fixture
def answering(mocked: responses.RequestsMock) -> responses.RequestsMock:
    tiers = {"code": "0", "msg": "", "data": []}
    for host in REST.values():
        mocked.get(host + "/api/v5/public/position-tiers", json=tiers)
    return mocked


def _hosts(mocked: responses.RequestsMock) -> list[str]:
    return [str(call.request.url).split("/api/")[0] for call in mocked.calls]


@pytest.mark.parametrize("region", REGIONS)
def test_the_region_option_picks_the_host(answering: responses.RequestsMock, region: str) -> None:
    assert cli.main(["--region", region, *BTC_TIERS]) == 0
    assert _hosts(answering) == [REST[region]]


def test_okx_region_picks_the_host_when_no_option_is_given(
    answering: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKX_REGION", "us")
    assert cli.main(BTC_TIERS) == 0
    assert cli.main(["--region", "eea", *BTC_TIERS]) == 0  # the option wins
    assert _hosts(answering) == [REST["us"], REST["eea"]]


def test_the_domain_option_wins_over_the_region_option(
    fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKX_REGION", "eea")
    assert cli.main(["--region", "us", "--domain", fake_okx.url, *BTC_TIERS]) == 0
    assert len(fake_okx.requests) == 1


def test_a_bad_region_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--region", "eu", *BTC_TIERS]) == 2
    assert "invalid choice: 'eu'" in capsys.readouterr().err


def test_a_bad_okx_region_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OKX_REGION", "eu")
    assert cli.main(BTC_TIERS) == 2
    assert one_error_line(capsys.readouterr().err).startswith(
        "error: OKX_REGION is 'eu'; allowed values are 'global'"
    )


def test_the_sandbox_refuses_a_region(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--sandbox", "--region", "eea", *BTC_TIERS]) == 2
    assert one_error_line(capsys.readouterr().err) == (
        "error: --sandbox runs its own exchange; it cannot be combined with --region"
    )


def test_the_cli_speaks_of_the_region_option_in_the_50119_hint(
    mocked: responses.RequestsMock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OKX_API_KEY", KEY)
    monkeypatch.setenv("OKX_API_SECRET", SECRET)
    monkeypatch.setenv("OKX_PASSPHRASE", PASSPHRASE)
    answer = {"code": "50119", "msg": "API key doesn't exist", "data": []}
    mocked.get(REST["global"] + "/api/v5/account/balance", json=answer, status=401)
    assert cli.main(["--live", "account", "account-balance"]) == 1
    error = one_error_line(capsys.readouterr().err)
    assert "--region eea" in error
    assert "region='eea'" not in error
