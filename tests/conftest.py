"""Shared fixtures: clients on a mocked OKX."""

from __future__ import annotations

import importlib
import subprocess
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import attrs
import pytest
import responses
from hypothesis import HealthCheck, settings

import okx_v5.Account as Account
import okx_v5.PublicData as PublicData
import okx_v5.Trade as Trade
from okx_v5 import clock, ratelimit
from okx_v5.checks import ENVIRONMENT, STORAGE_ENV
from okx_v5.okxclient import OkxClient
from okx_v5.testing import FakeOKX

# The fake_okx fixture, imported here rather than through the pytest11 entry point (disabled
# in addopts) so that okx_v5 is imported after coverage starts.
from okx_v5.testing.pytest_plugin import fake_okx  # noqa: F401

from .helpers import KEY, LEVERAGE_ANSWER, LEVERAGE_URL, PASSPHRASE, SECRET, TIERS_ANSWER, TIERS_URL
from .redisserver import RedisServer, running_redis

# Shared, noisy machines: judge property tests by their properties, not by how fast examples
# come (a fresh machine first builds hypothesis' character tables, which takes seconds).
settings.register_profile("okx_v5", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("okx_v5")

C = TypeVar("C", bound=OkxClient)


@pytest.fixture(autouse=True)
def fresh_shared_state(monkeypatch: pytest.MonkeyPatch) -> ratelimit.LimiterRegistry:
    """Each test starts with empty rate-limit windows, unsynced clocks and none of the
    ``OKX_*`` variables a developer's shell may hold."""
    registry = ratelimit.LimiterRegistry()
    monkeypatch.setattr(ratelimit, "registry", registry)
    monkeypatch.setattr(ratelimit, "_shared", {})
    for name in (*ENVIRONMENT.values(), STORAGE_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(clock, "clocks", clock.ClockRegistry())
    return registry


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """A mocked OKX: requests to unregistered URLs fail with ConnectionError."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def sleeps() -> list[float]:
    """The retry waits of the ``account`` and ``public`` clients, recorded instead of slept."""
    return []


def without_sleeping(api: C, sleeps: list[float]) -> C:
    """Make ``api`` record its retry waits in ``sleeps`` instead of sleeping."""
    api.retry_policy = attrs.evolve(api.retry_policy, sleep=sleeps.append)
    return api


@pytest.fixture
def account(sleeps: list[float]) -> Iterator[Account.AccountAPI]:
    with Account.AccountAPI(KEY, SECRET, PASSPHRASE, False, "1") as api:
        yield without_sleeping(api, sleeps)


@pytest.fixture
def public(sleeps: list[float]) -> Iterator[PublicData.PublicAPI]:
    with PublicData.PublicAPI(flag="0") as api:
        yield without_sleeping(api, sleeps)


@pytest.fixture
def leverage_ok(mocked: responses.RequestsMock) -> responses.RequestsMock:
    mocked.get(LEVERAGE_URL, json=LEVERAGE_ANSWER)
    return mocked


@pytest.fixture
def tiers_ok(mocked: responses.RequestsMock) -> responses.RequestsMock:
    mocked.get(TIERS_URL, json=TIERS_ANSWER)
    return mocked


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A real redis-server on a free 127.0.0.1 port, in a temporary directory, no persistence."""
    yield from running_redis(tmp_path)


@pytest.fixture(scope="session")
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
def okx() -> Iterator[FakeOKX]:
    """A FakeOKX of the test's own (``fake_okx`` is the plugin's, for users' tests)."""
    with FakeOKX() as server:
        yield server


@pytest.fixture
def trade(okx: FakeOKX, sleeps: list[float]) -> Iterator[Trade.TradeAPI]:
    """A TradeAPI with FakeOKX's demo key on the test's ``okx`` (a test module may give its
    own), without client-side limits, its retry waits recorded instead of slept."""
    demo = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
    with Trade.TradeAPI(*demo, False, "1", okx.url, rate_limit=False) as api:
        yield without_sleeping(api, sleeps)


@pytest.fixture
def okx_offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOKX]:
    """A FakeOKX and its ``OKX_*`` variables, as a user runs the docs offline: every client
    built for OKX's host talks to it, and ``from_env()`` gets its demo key."""
    with FakeOKX() as okx:
        for name, value in okx.environment().items():
            monkeypatch.setenv(name, value)
        yield okx


@pytest.fixture(scope="module")
def exchange() -> Iterator[FakeOKX]:
    """A FakeOKX for a whole test module, without rate limits (for the parity tests)."""
    with FakeOKX(rate_limits=False) as okx:
        yield okx


@pytest.fixture(scope="module")
def clients(exchange: FakeOKX) -> Iterator[Callable[[str, str], Any]]:
    """``clients(module, class_name)``: python-okx's or okx_v5's client on ``exchange``, with
    its demo key. One per package and class, built on first use: building python-okx's
    ``httpx.Client`` for each of the 279 methods cost a third of the module's time."""
    built: dict[tuple[str, str], Any] = {}

    def client(module: str, class_name: str) -> Any:
        if (module, class_name) not in built:
            api = getattr(importlib.import_module(module), class_name)
            credentials = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
            kwargs: dict[str, Any] = {"flag": "1", "domain": exchange.url}
            if module.startswith("okx_v5"):
                kwargs.update(rate_limit=False, max_retries=0)
            with warnings.catch_warnings():
                # python-okx warns that use_server_time is deprecated whenever it is not None
                warnings.simplefilter("ignore", DeprecationWarning)
                built[module, class_name] = api(*credentials, **kwargs)
        return built[module, class_name]

    yield client
    for each in built.values():
        each.close()  # python-okx's httpx.Client and okx_v5's client both have close()
