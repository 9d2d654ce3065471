"""The ``okx-v5`` command line: the installed script in subprocesses, and ``main()`` in-process.

The subprocess tests run what a user runs (the console script, or ``python -m okx_v5``); they
are not measured by coverage, so every path is also exercised through ``main()`` in-process.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import os
import runpy
import shutil
import socket
import subprocess
import sys
import sysconfig
from decimal import Decimal

import attrs
import pytest

from okx_v5 import PublicAPI, cli, okxclient
from okx_v5.exceptions import OkxTimeoutException
from okx_v5.retry import RetryPolicy
from okx_v5.testing import FakeOKX

TIERS = ["position-tiers", "--inst-type", "SWAP", "--td-mode", "cross"]
BTC_TIERS = [*TIERS, "--inst-family", "BTC-USDT"]
LEVERAGE = ["leverage", "--mgn-mode", "cross", "--inst-id", "BTC-USDT-SWAP"]
LIVE_KEY = {"OKX_API_KEY": "live-key", "OKX_API_SECRET": "live-secret", "OKX_PASSPHRASE": "pass"}


# -- helpers ---------------------------------------------------------------------------------


def console_script() -> str:
    """The installed ``okx-v5`` script: next to this Python first, then on PATH."""
    search = os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])
    script = shutil.which("okx-v5", path=search)
    assert script is not None, "the okx-v5 console script is not installed (pip install -e .)"
    return script


def child_env(**extra: str) -> dict[str, str]:
    """This environment without OKX credentials, proxies or coverage hooks, plus ``extra``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OKX_", "COV_CORE_")) and "proxy" not in name.lower()
    }
    env.update(extra)
    return env


def run(*args: str, script: bool = False, **env: str) -> subprocess.CompletedProcess[str]:
    command = [console_script()] if script else [sys.executable, "-m", "okx_v5"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=child_env(**env), timeout=30
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
def no_retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The commands' clients record their retry waits instead of sleeping through them."""
    waits: list[float] = []
    monkeypatch.setattr(
        okxclient, "RetryPolicy", functools.partial(RetryPolicy, sleep=waits.append)
    )
    return waits


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in cli.CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def live_key(fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
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


# -- the installed command, in subprocesses --------------------------------------------------


def test_console_script_prints_the_sandbox_tiers_as_a_table() -> None:
    done = run("--sandbox", *BTC_TIERS, script=True)
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[0].split()[:4] == ["uly", "inst_family", "tier", "min_sz"]
    assert "inst_id" not in lines[0].split()  # empty in every row, so left out
    assert lines[1].split()[:4] == ["BTC-USDT", "BTC-USDT", "1", "0"]
    assert lines[-1] == "25 rows"


def test_json_prints_the_raw_okx_answer(fake_okx: FakeOKX) -> None:
    with PublicAPI(domain=fake_okx.url) as api:
        expected = api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT", tier=2)
    done = run("--sandbox", "--json", *BTC_TIERS, "--tier", "2")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == json.dumps(expected, indent=2) + "\n"
    assert json.loads(done.stdout)["data"][0]["maxLever"] == "100"


def test_parameter_error_exits_2_with_the_sdk_message_on_one_line() -> None:
    done = run("--sandbox", *TIERS)
    assert (done.returncode, done.stdout) == (2, "")
    assert one_error_line(done.stderr) == (
        "error: get_position_tiers: one of uly, instFamily is required when instType is SWAP"
    )


def test_okx_error_code_exits_1_with_code_message_and_hint(fake_okx: FakeOKX) -> None:
    fake_okx.add_key("live-key", "live-secret", "pass", demo=False)
    done = run("--domain", fake_okx.url, *LEVERAGE, **LIVE_KEY)  # a live key, demo by default
    assert (done.returncode, done.stdout) == (1, "")
    line = one_error_line(done.stderr)
    assert line.startswith("error: OKX 50101: APIKey does not match current environment.")
    assert "a production key needs --live" in line


def test_missing_credentials_exit_2_naming_the_variables() -> None:
    done = run(*LEVERAGE)
    assert (done.returncode, done.stdout) == (2, "")
    line = one_error_line(done.stderr)
    assert all(name in line for name in cli.CREDENTIAL_VARIABLES)


def test_network_down_exits_1_with_one_line() -> None:
    domain = f"http://127.0.0.1:{closed_port()}"
    done = run("--max-retries", "0", "--domain", domain, *BTC_TIERS)
    assert (done.returncode, done.stdout) == (1, "")
    assert one_error_line(done.stderr) == f"error: cannot reach {domain}: Connection refused"


def test_debug_shows_the_traceback() -> None:
    done = run(
        "--debug", "--max-retries", "0", "--domain", f"http://127.0.0.1:{closed_port()}", *BTC_TIERS
    )
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert "OkxRequestException" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("error: cannot reach")


# -- main() in-process: output ---------------------------------------------------------------


def test_leverage_table_right_aligns_numbers(
    fake_okx: FakeOKX, live_key: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake_okx.set_leverage("live-key", lever=100, inst_id="BTC-USDT-SWAP", pos_side="long")
    assert cli.main(["--live", "--domain", fake_okx.url, *LEVERAGE]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "inst_id        mgn_mode  pos_side  lever",
        "BTC-USDT-SWAP  cross     long        100",
        "BTC-USDT-SWAP  cross     short        10",
        "2 rows",
    ]
    assert fake_okx.requests[-1].header("x-simulated-trading") == "0"


def test_global_options_also_work_after_the_command(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([*BTC_TIERS, "--tier", "1", "--json", "--domain", fake_okx.url]) == 0
    assert json.loads(capsys.readouterr().out)["data"][0]["tier"] == "1"
    assert fake_okx.requests[-1].header("x-simulated-trading") == "1"  # demo by default


def test_live_given_before_the_command_is_kept(fake_okx: FakeOKX) -> None:
    assert cli.main(["--live", *BTC_TIERS, "--domain", fake_okx.url, "--json"]) == 0
    assert fake_okx.requests[-1].header("x-simulated-trading") == "0"


def test_sandbox_leverage_uses_the_demo_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--sandbox", "leverage", "--mgn-mode", "cross", "--ccy", "BTC"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["BTC", "cross", "net", FakeOKX.DEFAULT_LEVER]
    assert lines[-1] == "1 row"


def test_no_rows(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--sandbox", *TIERS, "--inst-family", "XRP-USDT"]) == 0
    assert capsys.readouterr().out == "no rows\n"


def test_json_of_an_okx_error_is_printed_and_the_exit_code_is_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--sandbox", "--json", "leverage", "--mgn-mode", "cross", "--inst-id", "btc-usdt"]
    assert cli.main(argv) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {
        "code": "51000",
        "msg": "Parameter instId error",
        "data": [],
    }
    assert one_error_line(captured.err) == "error: OKX 51000: Parameter instId error"


def test_okx_error_without_a_message(fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]) -> None:
    fake_okx.inject("50001", count=10)
    assert cli.main(["--domain", fake_okx.url, *BTC_TIERS]) == 1
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("error: OKX 50001: Service temporarily unavailable")


def test_render_table_writes_numbers_as_okx_does() -> None:
    @attrs.frozen
    class Item:
        name: str | None
        size: Decimal | None
        count: int

    table = cli.render_table([Item("a", Decimal("1E-8"), 7), Item(None, None, 10)], Item)
    assert table.splitlines() == [
        "name        size  count",
        "a     0.00000001      7",
        "                     10",
        "2 rows",
    ]


# -- main() in-process: errors ---------------------------------------------------------------


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert cli.main(["--sandbox", "position-tiers", "--bogus"]) == 2
    assert cli.main(["--timeout", "soon", *BTC_TIERS]) == 2
    assert cli.main(["--timeout", "0", *BTC_TIERS]) == 2
    assert "usage: okx-v5" in capsys.readouterr().err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    assert "position-tiers" in capsys.readouterr().out
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("okx-v5 ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sandbox", "--live", *BTC_TIERS], "error: --sandbox has only a demo key"),
        (["--sandbox", *BTC_TIERS, "--domain", "http://x"], "error: --sandbox runs its own"),
        (["--domain", "ftp://x", *BTC_TIERS], "error: domain is 'ftp://x'"),
        (
            ["--sandbox", *TIERS, "--td-mode", "cash", "--inst-family", "BTC-USDT"],
            "error: get_position_tiers: tdMode is 'cash'",
        ),
    ],
)
def test_refused_command_lines_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 2
    assert one_error_line(capsys.readouterr().err).startswith(message)


@pytest.mark.usefixtures("no_credentials")
def test_missing_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(LEVERAGE) == 2
    assert one_error_line(capsys.readouterr().err) == (
        "error: leverage needs an API key: set OKX_API_KEY, OKX_API_SECRET and "
        "OKX_PASSPHRASE, or use --sandbox"
    )


@pytest.mark.usefixtures("no_credentials")
def test_partly_missing_credentials_are_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OKX_API_KEY", "key")
    monkeypatch.setenv("OKX_PASSPHRASE", " ")
    assert cli.main(LEVERAGE) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.endswith("(OKX_API_SECRET, OKX_PASSPHRASE not set), or use --sandbox")


def test_network_down(capsys: pytest.CaptureFixture[str]) -> None:
    domain = f"http://127.0.0.1:{closed_port()}"
    assert cli.main(["--domain", domain, *BTC_TIERS]) == 1
    assert one_error_line(capsys.readouterr().err) == (
        f"error: cannot reach {domain}: Connection refused"
    )


def test_dropped_connection(fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]) -> None:
    fake_okx.inject("drop", count=10)
    assert cli.main(["--domain", fake_okx.url, *BTC_TIERS]) == 1
    assert one_error_line(capsys.readouterr().err) == (
        f"error: cannot reach {fake_okx.url}: Remote end closed connection without response"
    )


def test_max_retries_is_passed_to_the_client(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str], no_retry_sleeps: list[float]
) -> None:
    fake_okx.inject("50001", count=10)
    assert cli.main(["--max-retries", "1", "--domain", fake_okx.url, *BTC_TIERS]) == 1
    assert (len(fake_okx.requests), len(no_retry_sleeps)) == (2, 1)
    assert cli.main(["--max-retries", "0", "--domain", fake_okx.url, *BTC_TIERS]) == 1
    assert len(fake_okx.requests) == 3


@pytest.mark.parametrize("value", ["-1", "1.5", "x", "٣"])
def test_max_retries_must_be_a_whole_number(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--max-retries", value, *BTC_TIERS]) == 2
    assert "--max-retries" in capsys.readouterr().err


def test_timeout(fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]) -> None:
    fake_okx.inject("delay", count=10, seconds=2)
    assert cli.main(["--timeout", "0.2", "--domain", fake_okx.url, *BTC_TIERS]) == 1
    assert one_error_line(capsys.readouterr().err) == (
        f"error: no answer from {fake_okx.url} in time (0.2 s to connect, 0.2 s to answer; "
        "see --timeout)"
    )


def test_default_timeouts_are_named() -> None:
    failure = OkxTimeoutException("no answer")
    assert cli._network_error(failure, "https://x", (5.0, 10.0)) == (
        "no answer from https://x in time (5 s to connect, 10 s to answer; see --timeout)"
    )


def test_root_cause_survives_a_cycle() -> None:
    outer, inner = RuntimeError("outer"), ValueError("inner")
    outer.__cause__, inner.__cause__ = inner, outer
    assert cli._root_cause(outer) in ("outer", "inner")


def test_html_answer(fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]) -> None:
    fake_okx.inject("http_5xx", count=10, status=502)
    assert cli.main(["--domain", fake_okx.url, *BTC_TIERS]) == 1
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("error: OKX answered HTTP 502 with a body that is not JSON: '<html>")


def test_debug_logs_and_shows_tracebacks(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="okx_v5")  # restored after the test
    caplog.handler.setLevel(logging.DEBUG)  # so only --debug makes the okx_v5 logger talk
    assert cli.main(["--debug", "--domain", fake_okx.url, *BTC_TIERS, "--tier", "1"]) == 0
    assert "/api/v5/public/position-tiers" in caplog.text
    assert cli.main(["--debug", "--sandbox", *TIERS]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.splitlines()[-1].startswith("error: get_position_tiers: one of")


def test_interrupt_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_run", interrupted)
    assert cli.main(["--sandbox", *BTC_TIERS]) == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_closed_pipe_stops_quietly() -> None:
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before anything is written, like `| head` done early
    try:
        done = subprocess.run(
            [sys.executable, "-m", "okx_v5", "--sandbox", *BTC_TIERS],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
            timeout=30,
        )
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (1, "")


def test_broken_pipe_in_process_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(*args: object) -> int:
        raise BrokenPipeError

    monkeypatch.setattr(cli, "_run", closed)
    assert cli.main(["--sandbox", *BTC_TIERS]) == 1


def test_python_dash_m_runs_main(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["okx_v5", "--version"])
    # When okx_v5's files are listed as a pytest plugin's (an egg-info left by a package build),
    # pytest's assertion rewriter loads the package, and it cannot give runpy a module's code.
    finders = [
        finder for finder in sys.meta_path if type(finder).__name__ != "AssertionRewritingHook"
    ]
    monkeypatch.setattr(sys, "meta_path", finders)
    monkeypatch.delitem(sys.modules, "okx_v5.__main__", raising=False)
    with pytest.raises(SystemExit) as done:
        runpy.run_module("okx_v5", run_name="__main__")
    assert done.value.code == 0


# -- the declarations ------------------------------------------------------------------------


@pytest.mark.parametrize("command", cli.COMMANDS, ids=lambda command: command.name)
def test_each_command_has_an_option_for_every_method_parameter(command: cli.Command) -> None:
    method = getattr(command.api, command.endpoint.name)
    parameters = set(inspect.signature(method).parameters) - {"self", "validate"}
    assert {option.keyword for option in command.options} == parameters
    assert {param.arg for param in command.endpoint.params} == parameters


def test_option_keywords_are_okx_camel_case() -> None:
    assert cli.Option("--inst-family", "", "X").keyword == "instFamily"
    assert cli.Option("--uly", "", "X").keyword == "uly"
