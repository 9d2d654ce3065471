"""Shared fixtures: clients on a mocked OKX."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import responses
from requests.adapters import HTTPAdapter

import okx_v5.Account as Account
import okx_v5.PublicData as PublicData
from okx_v5 import consts
from okx_v5.testing import FakeOKX

# The fake_okx fixture, imported here rather than through the pytest11 entry point (disabled
# in addopts) so that okx_v5 is imported after coverage starts.
from okx_v5.testing.pytest_plugin import fake_okx  # noqa: F401

from .helpers import KEY, LEVERAGE_ANSWER, LEVERAGE_URL, PASSPHRASE, SECRET, TIERS_ANSWER, TIERS_URL


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """A mocked OKX: requests to unregistered URLs fail with ConnectionError."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def account() -> Iterator[Account.AccountAPI]:
    with Account.AccountAPI(KEY, SECRET, PASSPHRASE, False, "1") as api:
        yield api


@pytest.fixture
def public() -> Iterator[PublicData.PublicAPI]:
    with PublicData.PublicAPI(flag="0") as api:
        yield api


@pytest.fixture
def leverage_ok(mocked: responses.RequestsMock) -> responses.RequestsMock:
    mocked.get(LEVERAGE_URL, json=LEVERAGE_ANSWER)
    return mocked


@pytest.fixture
def tiers_ok(mocked: responses.RequestsMock) -> responses.RequestsMock:
    mocked.get(TIERS_URL, json=TIERS_ANSWER)
    return mocked


@pytest.fixture
def okx_offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOKX]:
    """Serve requests to OKX's host from a local FakeOKX; OKX_* hold its demo credentials."""
    with FakeOKX() as okx:
        send = HTTPAdapter.send

        def to_fake(self: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> Any:
            url = request.url or ""
            if url.startswith(consts.API_URL + "/"):
                request.url = okx.url + url[len(consts.API_URL) :]
            return send(self, request, **kwargs)

        monkeypatch.setattr(HTTPAdapter, "send", to_fake)
        monkeypatch.setenv("OKX_API_KEY", FakeOKX.DEMO_KEY)
        monkeypatch.setenv("OKX_API_SECRET", FakeOKX.DEMO_SECRET)
        monkeypatch.setenv("OKX_PASSPHRASE", FakeOKX.DEMO_PASSPHRASE)
        monkeypatch.setenv("OKX_FLAG", "1")
        yield okx
