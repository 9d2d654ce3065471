"""What the ``okx-v5`` tests share: command lines, the commands derived from the declarations,
one FakeOKX per test module, and keys in the ``OKX_*`` variables.

Imported by ``test_cli.py`` (the command line's machinery) and ``test_commands.py`` (each
command). Each fixture is defined as ``fixture_<name>`` with ``name="<name>"``, so that a test
module imports it without its tests' arguments shadowing the import."""

from __future__ import annotations

import functools
import io
import os
import sys
from collections.abc import Iterator

import pytest

from okx_v5 import cli, okxclient
from okx_v5.retry import RetryPolicy
from okx_v5.testing import FakeOKX

TIERS = ["position-tiers", "--inst-type", "SWAP", "--td-mode", "cross"]
BTC_TIERS = [*TIERS, "--inst-family", "BTC-USDT"]
LEVERAGE = ["leverage", "--mgn-mode", "cross", "--inst-id", "BTC-USDT-SWAP"]
LIVE_KEY = {"OKX_API_KEY": "live-key", "OKX_API_SECRET": "live-secret", "OKX_PASSPHRASE": "pass"}

COMMANDS = cli.commands()
OK_NO_ROWS = {"code": "0", "msg": "", "data": []}


def child_env(**extra: str) -> dict[str, str]:
    """This environment without OKX credentials, proxies or coverage hooks, plus ``extra``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OKX_", "COV_CORE_")) and "proxy" not in name.lower()
    }
    env.update(extra)
    return env


@pytest.fixture(autouse=True, name="no_retry_sleeps")
def fixture_no_retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The commands' clients record their retry waits instead of sleeping through them."""
    waits: list[float] = []
    monkeypatch.setattr(
        okxclient, "RetryPolicy", functools.partial(RetryPolicy, sleep=waits.append)
    )
    return waits


@pytest.fixture(scope="module", name="shared_okx")
def fixture_shared_okx() -> Iterator[FakeOKX]:
    with FakeOKX() as okx:
        yield okx


@pytest.fixture(name="fake_okx")
def fixture_fake_okx(shared_okx: FakeOKX) -> FakeOKX:
    """One FakeOKX for the module, fresh for each test: starting one per test cost a third of
    the module's time over its hundreds of commands. The keys some tests add stay registered."""
    shared_okx.reset()
    shared_okx.rate_limits, shared_okx.early_hints = True, False
    return shared_okx


@pytest.fixture(name="no_credentials")
def fixture_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in cli.CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(name="live_key")
def fixture_live_key(fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A production key registered on ``fake_okx`` and exported in the environment."""
    fake_okx.add_key(LIVE_KEY["OKX_API_KEY"], "live-secret", "pass", demo=False)
    for name, value in LIVE_KEY.items():
        monkeypatch.setenv(name, value)
    return LIVE_KEY


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def command(title: str) -> cli.Command:
    return next(command for command in COMMANDS if command.title == title)


def title_of(command: cli.Command) -> str:
    return command.title


def parsed(*argv: str) -> dict[str, object]:
    args = cli.build_parser(groups=argv[:1]).parse_args(argv)
    arguments: dict[str, object] = args.command.arguments(args)
    return arguments


class Terminal(io.StringIO):
    """Standard input typed at a terminal: the answers given to a prompt."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True, name="terminal_width")
def fixture_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables fit 100 columns, whatever terminal runs the tests."""
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture(name="no_terminal")
def fixture_no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture(name="demo_key")
def fixture_demo_key(fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch) -> None:
    """``fake_okx``'s demo key in the ``OKX_*`` variables."""
    monkeypatch.setenv("OKX_API_KEY", FakeOKX.DEMO_KEY)
    monkeypatch.setenv("OKX_API_SECRET", FakeOKX.DEMO_SECRET)
    monkeypatch.setenv("OKX_PASSPHRASE", FakeOKX.DEMO_PASSPHRASE)
