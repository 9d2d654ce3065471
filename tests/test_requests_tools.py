"""The requests ecosystem works with okx_v5 unchanged: each tool is used as its docs say.

Every call goes through the client's ``Session.send``, so mocks, recorders, caches and
``Session`` subclasses see every request, signed ones included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
import requests_cache
import requests_mock
import responses
import vcr

from okx_v5 import PublicAPI
from okx_v5.testing import FakeOKX

from .helpers import account, leverage, tiers

TIERS_PATH = "/api/v5/public/position-tiers"
LEVERAGE_PATH = "/api/v5/account/leverage-info"
MOCKED = {"code": "0", "msg": "", "data": [{"instId": "MOCKED", "tier": "1"}]}


def test_responses_answers_instead_of_the_server(okx: FakeOKX) -> None:
    with responses.RequestsMock() as mock:
        mock.get(okx.url + TIERS_PATH, json=MOCKED)
        mock.get(okx.url + LEVERAGE_PATH, json=MOCKED)
        with PublicAPI(domain=okx.url) as public, account(okx.url) as private:
            assert tiers(public).data[0].inst_id == "MOCKED"
            assert leverage(private)["data"][0]["instId"] == "MOCKED"
        assert mock.calls[1].request.headers["OK-ACCESS-KEY"] == FakeOKX.DEMO_KEY
    assert okx.requests == []


def test_requests_mock_answers_instead_of_the_server(okx: FakeOKX) -> None:
    with requests_mock.Mocker() as mock:
        mock.get(okx.url + TIERS_PATH, json=MOCKED)
        mock.get(okx.url + LEVERAGE_PATH, json=MOCKED)
        with PublicAPI(domain=okx.url) as public, account(okx.url) as private:
            assert tiers(public).data[0].inst_id == "MOCKED"
            assert leverage(private)["data"][0]["instId"] == "MOCKED"
        assert mock.request_history[1].headers["OK-ACCESS-KEY"] == FakeOKX.DEMO_KEY
        assert mock.call_count == 2
    assert okx.requests == []


def test_vcrpy_records_then_replays_with_the_server_stopped(tmp_path: Path) -> None:
    cassette = str(tmp_path / "okx.yaml")
    recorder = vcr.VCR(filter_headers=["OK-ACCESS-SIGN", "OK-ACCESS-PASSPHRASE"])
    with FakeOKX() as okx:
        url = okx.url
        with recorder.use_cassette(cassette), account(url) as private:
            live = leverage(private)
        assert len(okx.requests) == 1
    with recorder.use_cassette(cassette, record_mode="none"), account(url) as private:
        replayed = leverage(private)
    assert replayed == live
    assert replayed.data[0].lever == live.data[0].lever
    assert FakeOKX.DEMO_PASSPHRASE not in Path(cassette).read_text()


def test_a_cached_session_answers_the_second_identical_call_itself(okx: FakeOKX) -> None:
    session = requests_cache.CachedSession(backend="memory")
    with PublicAPI(domain=okx.url, session=session) as api:
        first, second = tiers(api), tiers(api)
    assert first == second
    assert second.data == first.data
    assert len(okx.requests) == 1
    assert session.cache.contains(url=okx.url + first.path)


def test_a_session_subclass_overriding_send_sees_every_request(okx: FakeOKX) -> None:
    class Recording(requests.Session):
        def __init__(self) -> None:
            super().__init__()
            self.sent: list[requests.PreparedRequest] = []

        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            self.sent.append(request)
            return super().send(request, **kwargs)

    session = Recording()
    with account(okx.url, session=session) as private:
        assert leverage(private).ok
    with PublicAPI(domain=okx.url, session=session) as public:
        assert tiers(public).ok
    assert [request.path_url.split("?")[0] for request in session.sent] == [
        LEVERAGE_PATH,
        TIERS_PATH,
    ]
    assert session.sent[0].headers["OK-ACCESS-KEY"] == FakeOKX.DEMO_KEY
    assert [recorded.path for recorded in okx.requests] == [
        request.path_url for request in session.sent
    ]
