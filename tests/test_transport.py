"""The transport against a real local server: pooled, resolved once, and still requests."""

from __future__ import annotations

import pytest
import requests

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


def test_calls_share_one_connection_and_one_pool_lookup(
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
    assert (len(lookups), server.connections) == (1, 1)
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
