"""The ``okx-v5`` command line: the installed script in subprocesses, and ``main()`` in-process.

The subprocess tests run what a user runs (the console script, or ``python -m okx_v5``); they
are not measured by coverage, so every path is also exercised through ``main()`` in-process.
Here is the machinery: argument parsing, output formats, errors and exit codes; each command
derived from a declaration is tested in ``test_commands.py``.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import runpy
import shlex
import shutil
import socket
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from okx_v5 import PublicAPI, cli
from okx_v5.exceptions import OkxParamsException, OkxTimeoutException
from okx_v5.testing import Answer, FakeOKX
from okx_v5.testing.examples import example

# The fixture_* names are fixtures, imported so that pytest finds them here (autouse too).
from .cli_helpers import (  # noqa: F401
    BTC_TIERS,
    LEVERAGE,
    LIVE_KEY,
    OK_NO_ROWS,
    TIERS,
    Terminal,
    child_env,
    command,
    fixture_demo_key,
    fixture_fake_okx,
    fixture_live_key,
    fixture_no_credentials,
    fixture_no_retry_sleeps,
    fixture_no_terminal,
    fixture_shared_okx,
    fixture_terminal_width,
    one_error_line,
    parsed,
)

# -- helpers ---------------------------------------------------------------------------------


def console_script() -> str:
    """The installed ``okx-v5`` script: next to this Python first, then on PATH."""
    search = os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])
    script = shutil.which("okx-v5", path=search)
    assert script is not None, "the okx-v5 console script is not installed (pip install -e .)"
    return script


def run(*args: str, script: bool = False, **env: str) -> subprocess.CompletedProcess[str]:
    command = [console_script()] if script else [sys.executable, "-m", "okx_v5"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=child_env(**env), timeout=30
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
        "error: position-tiers: one of --uly, --inst-family is required when --inst-type is SWAP"
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


STRICT_TIERS = ["--sandbox", "--validate", "strict", "public-data", "position-tiers"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sandbox", "--live", *BTC_TIERS], "error: --sandbox has only a demo key"),
        (["--sandbox", *BTC_TIERS, "--domain", "http://x"], "error: --sandbox runs its own"),
        (["--domain", "ftp://x", *BTC_TIERS], "error: --domain is 'ftp://x'"),
        (
            ["--domain", "https://www.okx.com/api/v5/", *BTC_TIERS],
            "error: --domain is 'https://www.okx.com/api/v5/'; the base URL goes without /api/v5 "
            "(every path starts with it): use 'https://www.okx.com'",
        ),
        (
            [
                "--sandbox",
                "--validate",
                "strict",
                *TIERS,
                "--td-mode",
                "cash",
                "--inst-family",
                "X",
            ],
            "error: position-tiers: --td-mode is 'cash'; allowed values are cross, isolated",
        ),
        (
            [*STRICT_TIERS, "--inst-type", "SPOT", "--td-mode", "x"],
            "error: public-data position-tiers: --inst-type is 'SPOT'; allowed values are MARGIN, "
            "SWAP, FUTURES, OPTION",
        ),
    ],
)
def test_refused_command_lines_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(message)
    assert "validate=False" not in line  # the command line has no such argument


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
    line = one_error_line(capsys.readouterr().err)
    assert re.fullmatch(
        rf"error: cannot reach {re.escape(domain)} after 4 attempts in \d+\.\d s: "
        "Connection refused",
        line,
    ), line


def test_dropped_connection(fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]) -> None:
    fake_okx.inject("drop", count=10)
    assert cli.main(["--domain", fake_okx.url, *BTC_TIERS]) == 1
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"error: cannot reach {fake_okx.url} after 4 attempts in ")
    assert line.endswith(" s: Remote end closed connection without response")


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
    argv = ["--timeout", "0.2", "--max-retries", "1", "--domain", fake_okx.url, *BTC_TIERS]
    assert cli.main(argv) == 1
    line = one_error_line(capsys.readouterr().err)
    waited = re.fullmatch(
        rf"error: no answer from {re.escape(fake_okx.url)} after 2 attempts in (\d+\.\d) s "
        r"\(each attempt waits 0\.2 s to connect, 0\.2 s for the answer; see --timeout and "
        r"--max-retries\)",
        line,
    )
    assert waited, line
    assert float(waited[1]) >= 0.4  # two attempts of 0.2 s each, and the pause between them


def test_default_timeouts_are_named() -> None:
    failure = OkxTimeoutException("no answer")
    assert cli._network_error(failure, "https://x", (5.0, 10.0), 10.04) == (
        "no answer from https://x in 10.0 s (each attempt waits 5 s to connect, 10 s for the "
        "answer; see --timeout and --max-retries)"
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
    assert err.splitlines()[-1].startswith("error: position-tiers: one of --uly")


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
    os.close(reader)  # the reader is gone before anything is written, like `| head -1` done
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
    assert (done.returncode, done.stderr) == (0, "")


def test_broken_pipe_in_process_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(*args: object) -> int:
        raise BrokenPipeError

    monkeypatch.setattr(cli, "_run", closed)
    assert cli.main(["--sandbox", *BTC_TIERS]) == 0


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


# -- tables of an answer: the terminal's width, --columns, untyped answers --------------------

TICKER = {
    "instType": "SWAP",
    "instId": "BTC-USD-SWAP",
    "last": "9999.99",
    "lastSz": "0.1",
    "askPx": "9999.99",
    "askSz": "11",
    "bidPx": "8888.88",
    "bidSz": "5",
    "open24h": "9000",
    "high24h": "10000",
    "low24h": "8888.88",
    "volCcy24h": "2222",
    "vol24h": "2222",
    "sodUtc0": "2222",
    "sodUtc8": "2222",
    "ts": "1597026383085",
}
ORDER_PLACED = {"code": "0", "msg": "", "data": [{"ordId": "312269865356374016", "sCode": "0"}]}
PLACE_ORDER = [
    "trade",
    "place-order",
    "--inst-id",
    "BTC-USDT",
    "--td-mode",
    "cash",
    "--side",
    "buy",
    "--ord-type",
    "limit",
    "--sz",
    "0.01",
    "--px",
    "20000",
]


def test_an_untyped_answer_is_a_table_of_its_keys(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    assert command("spread-trading ticker").endpoint.model is None
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [{"sprdId": "X", "last": "1"}]}))
    assert cli.main(["--domain", fake_okx.url, "spread-trading", "ticker", "--sprd-id", "X"]) == 0
    assert capsys.readouterr().out.splitlines() == ["sprdId  last", "X       1", "1 row"]


def test_a_wide_table_is_cut_to_the_terminal_and_names_the_columns_left_out(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [TICKER]}))
    assert cli.main(["--domain", fake_okx.url, "market-data", "ticker", "--inst-id", "X"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(map(len, lines)) <= 100
    assert lines[0].split()[:3] == ["inst_id", "last", "inst_type"]
    footer = " ".join(lines[2:])  # the header, one row, then the footer
    assert footer.startswith("1 row; not shown (see --columns): ")
    assert footer.endswith(", ts")


def test_the_table_fits_a_narrower_terminal(
    fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [TICKER]}))
    assert cli.main(["--domain", fake_okx.url, "market-data", "ticker", "--inst-id", "X"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["inst_id", "last"]


def test_columns_picks_and_orders_the_columns_in_any_spelling(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [TICKER]}))
    argv = ["--domain", fake_okx.url, "market-data", "ticker", "--inst-id", "X"]
    assert cli.main([*argv, "--columns", "ts,instId,bid-px"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "ts                        inst_id        bid_px",
        "2020-08-10T02:26:23.085Z  BTC-USD-SWAP  8888.88",
        "1 row",
    ]


def test_an_unknown_column_of_a_typed_table_exits_2_before_sending(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--domain", fake_okx.url, "market-data", "ticker", "--inst-id", "X"]
    assert cli.main([*argv, "--columns", "last,price"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("error: no column 'price' in this table; its columns are inst_type, ")
    assert fake_okx.requests == []


def test_an_unknown_column_of_an_untyped_table_is_empty(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [{"sprdId": "X", "last": "1"}]}))
    argv = ["--domain", fake_okx.url, "spread-trading", "ticker", "--sprd-id", "X"]
    assert cli.main([*argv, "--columns", "last,bidPx"]) == 0
    assert capsys.readouterr().out.splitlines() == ["last  bidPx", "1", "1 row"]


def test_an_option_value_that_names_a_group_is_still_a_value(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [{"sprdId": "X"}]}))
    argv = ["--columns", "status", "spread-trading", "ticker", "--sprd-id", "X"]
    assert cli.main(["--domain", fake_okx.url, *argv]) == 0
    assert capsys.readouterr().out.splitlines() == ["status", "", "1 row"]


def test_the_full_parser_has_every_command() -> None:
    args = cli.build_parser().parse_args(["finance-savings", "lending-history"])
    assert args.command.method == "SavingsAPI.get_lending_history"


def test_empty_columns_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--columns", ",", *BTC_TIERS]) == 2
    assert "--columns: ',' names no column" in capsys.readouterr().err


# -- option values ------------------------------------------------------------------------------


def test_options_not_given_are_left_to_the_method_defaults() -> None:
    assert parsed("trade", "cancel-order", "--inst-id", "X", "--ord-id", "1") == {
        "instId": "X",
        "ordId": "1",
    }


def test_required_method_arguments_not_given_are_passed_as_none() -> None:
    assert parsed("account", "leverage", "--ccy", "BTC") == {"mgnMode": None, "ccy": "BTC"}


def test_json_options_take_json() -> None:
    given = parsed(*PLACE_ORDER, "--attach-algo-ords", '[{"tpTriggerPx": "25000"}]')
    assert given["attachAlgoOrds"] == [{"tpTriggerPx": "25000"}]


def test_a_json_option_that_is_not_json_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main([*PLACE_ORDER, "--attach-algo-ords", "[{", "--yes"]) == 2
    assert "argument --attach-algo-ords: not JSON" in capsys.readouterr().err


def test_list_options_split_on_commas_or_take_a_json_array() -> None:
    assert parsed("trade", "easy-convert", "--from-ccy", "ADA,DOGE")["fromCcy"] == ["ADA", "DOGE"]
    assert parsed("trade", "easy-convert", "--from-ccy", '["ADA"]')["fromCcy"] == ["ADA"]


def test_boolean_options_take_true_or_false_in_any_case() -> None:
    assert parsed(*PLACE_ORDER, "--reduce-only", "TRUE")["reduceOnly"] is True
    assert parsed(*PLACE_ORDER, "--reduce-only", " False")["reduceOnly"] is False


@pytest.mark.parametrize("value", ["yes", "1", "0", "t", ""])
def test_a_boolean_option_refuses_anything_but_true_or_false_before_sending(
    value: str, fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--domain", fake_okx.url, *PLACE_ORDER, "--reduce-only", value, "--yes"]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert f"argument --reduce-only: {value!r} is not true or false (in any case)" in err
    assert fake_okx.requests == []


def test_help_shows_a_boolean_option_as_true_or_false(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["trade", "place-order", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--reduce-only {true,false} true or false (in any case)" in out


def test_undocumented_options_take_a_json_array_or_object_and_text_otherwise() -> None:
    cancel = parsed("trade", "cancel-algo-order", "--params", '[{"algoId": "1"}]')
    assert cancel["params"] == [{"algoId": "1"}]
    fee_rates = ["account", "fee-rates", "--inst-type", "SPOT"]
    assert parsed(*fee_rates, "--category", '{"a": 1}')["category"] == {"a": 1}
    assert parsed(*fee_rates, "--category", "[1")["category"] == "[1"
    assert parsed(*fee_rates, "--category", "1")["category"] == "1"


# -- confirmation of a POST -------------------------------------------------------------------


@pytest.mark.usefixtures("demo_key")
def test_a_post_shows_what_it_sends_and_sends_on_yes(
    fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    fake_okx.script(Answer(body=ORDER_PLACED))
    assert cli.main(["--domain", fake_okx.url, *PLACE_ORDER]) == 0
    out, err = capsys.readouterr()
    where, shown = err.removesuffix("\nSend it? [y/N] ").split("\n", 1)
    assert where == f"POST {fake_okx.url}/api/v5/trade/order (demo trading)"
    body = json.loads(shown)
    assert (body["instId"], body["px"], body["ccy"]) == ("BTC-USDT", "20000", "")
    assert json.loads(fake_okx.requests[0].body) == body
    assert out.splitlines()[0].split() == ["ord_id", "s_code"]


@pytest.mark.usefixtures("demo_key")
@pytest.mark.parametrize("answer", ["n\n", "\n", "", "send\n"])
def test_a_post_not_confirmed_sends_nothing_and_exits_1(
    answer: str,
    fake_okx: FakeOKX,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    assert cli.main(["--domain", fake_okx.url, *PLACE_ORDER]) == 1
    assert capsys.readouterr().err.endswith("error: nothing sent: not confirmed\n")
    assert fake_okx.requests == []


@pytest.mark.usefixtures("live_key")
def test_the_prompt_says_production_with_live(
    fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal("no\n"))
    assert cli.main(["--live", "--domain", fake_okx.url, *PLACE_ORDER]) == 1
    assert capsys.readouterr().err.splitlines()[0].endswith("/api/v5/trade/order (production)")


@pytest.mark.usefixtures("demo_key")
def test_a_post_with_a_bad_parameter_exits_2_before_asking(
    fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal("y\n"))
    argv = ["--domain", fake_okx.url, "--validate", "strict", *PLACE_ORDER, "--side", "hold"]
    assert cli.main(argv) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("error: trade place-order: --side is 'hold'")
    assert sys.stdin.read() == "y\n"  # never asked
    assert fake_okx.requests == []


@pytest.mark.usefixtures("demo_key", "no_terminal")
def test_a_batch_takes_its_orders_as_json(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_okx.script(Answer(body=ORDER_PLACED))
    orders = [
        {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "1"}
    ]
    argv = ["trade", "place-multiple-orders", "--orders-data", json.dumps(orders), "-y"]
    assert cli.main(["--domain", fake_okx.url, *argv]) == 0
    assert json.loads(fake_okx.requests[0].body) == orders


def test_the_sandbox_asks_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["--sandbox", *PLACE_ORDER]) == 2
    assert "pass --yes" in capsys.readouterr().err


# -- display of nested values -------------------------------------------------------------------


def test_a_nested_object_is_shown_by_how_many_fields_it_fills(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    item = {"sprdId": "X", "detail": {"a": "1", "b": ""}, "legs": [{"a": "1"}, {"a": "2"}]}
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [item]}))
    assert cli.main(["--domain", fake_okx.url, "spread-trading", "ticker", "--sprd-id", "X"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split() == ["X", "{1", "field}", "[2", "items]"]


# -- the environment: OKX_FLAG and OKX_DOMAIN, as from_env() reads them ------------------------


def test_okx_flag_chooses_production_when_no_option_is_given(
    fake_okx: FakeOKX, live_key: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKX_FLAG", "0")
    assert cli.main(["--domain", fake_okx.url, *LEVERAGE]) == 0
    assert fake_okx.requests[-1].header("x-simulated-trading") == "0"
    assert cli.main(["--demo", "--domain", fake_okx.url, *BTC_TIERS]) == 0  # the option wins
    assert fake_okx.requests[-1].header("x-simulated-trading") == "1"


def test_a_bad_okx_flag_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OKX_FLAG", "live")
    assert cli.main(BTC_TIERS) == 2
    assert one_error_line(capsys.readouterr().err) == (
        "error: OKX_FLAG is 'live'; allowed values are 0 (production) and 1 (demo trading), "
        "or pass --live or --demo"
    )


def test_the_sandbox_ignores_okx_flag(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OKX_FLAG", "0")
    assert cli.main(["--sandbox", *BTC_TIERS, "--tier", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 row"


def test_okx_domain_is_the_default_domain(
    fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OKX_DOMAIN", fake_okx.url)
    assert cli.main([*BTC_TIERS, "--tier", "1"]) == 0
    assert len(fake_okx.requests) == 1
    monkeypatch.setenv("OKX_DOMAIN", fake_okx.url + "/api/v5")
    assert cli.main(BTC_TIERS) == 2
    assert one_error_line(capsys.readouterr().err).startswith(
        f"error: OKX_DOMAIN is '{fake_okx.url}/api/v5'; the base URL goes without /api/v5"
    )


# -- options as a python-okx user writes them -------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "meant"),
    [
        (
            ["market-data", "ticker", "--instId", "BTC-USDT"],
            "--instId BTC-USDT; did you mean --inst-id?",
        ),
        (
            ["market-data", "ticker", "--instId=BTC-USDT"],
            "--instId=BTC-USDT; did you mean --inst-id?",
        ),
        (["market-data", "ticker", "--inst_id", "X"], "--inst_id X; did you mean --inst-id?"),
        (["market-data", "ticker", "--inst-idd", "X"], "--inst-idd X; did you mean --inst-id?"),
        (["account", "instruments", "--ugly", "BTC-USD"], "--ugly BTC-USD; did you mean --uly?"),
        (
            ["market-data", "ticker", "--maxRetries", "1"],
            "--maxRetries 1; did you mean --max-retries?",
        ),
        (["leverage", "--mgnMode", "cross"], "--mgnMode cross; did you mean --mgn-mode?"),
        (["watch", "tickers", "--instId", "X"], "--instId X; did you mean --inst-id?"),
    ],
)
def test_an_option_in_another_spelling_is_a_usage_error_naming_the_option_meant(
    argv: list[str], meant: str, fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--domain", fake_okx.url, *argv]) == 2
    err = capsys.readouterr().err
    assert f"error: unrecognized arguments: {meant}\n" in err
    assert err.startswith("usage: okx-v5 ")
    assert fake_okx.requests == []


def test_the_usage_of_an_unknown_option_is_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["market-data", "ticker", "--instId", "BTC-USDT"]) == 2
    assert capsys.readouterr().err.splitlines()[:2] == [
        "usage: okx-v5 market-data ticker [options]",
        "okx-v5 market-data ticker: error: unrecognized arguments: --instId BTC-USDT; did you "
        "mean --inst-id?",
    ]


def test_several_unknown_options_each_name_the_option_meant(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["trade", "order-list", "--instType", "SPOT", "--ordType", "limit", "--bogus"]
    assert cli.main(argv) == 2
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .endswith(
            "unrecognized arguments: --instType SPOT --ordType limit --bogus; did you mean "
            "--inst-type (for --instType), --ord-type (for --ordType)?"
        )
    )


def test_an_unknown_option_like_none_says_nothing_more(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["market-data", "ticker", "--bogus", "1"]) == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith("unrecognized arguments: --bogus 1")


def test_allowed_values_equal_to_an_option_stay_values_in_the_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--sandbox", "--validate", "strict", "trade", "order-list", "--ord-type", "limt"]
    assert "--limit" in {option.flag for option in command("trade order-list").options}
    assert cli.main(argv) == 2
    assert one_error_line(capsys.readouterr().err) == (
        "error: trade order-list: --ord-type is 'limt'; allowed values are market, limit, "
        "post_only, fok, ioc, optimal_limit_ioc, mmp, mmp_and_post_only, op_fok (several "
        "comma-joined)"
    )


def test_a_value_after_is_stays_a_value_in_the_error() -> None:
    problem = OkxParamsException(
        "get_order_list: one of instId, limit is required when instType is limit",
        method="get_order_list",
        param="instId",
        allowed="instId or limit",
    )
    assert cli._in_options("trade order-list", command("trade order-list"), problem) == (
        "trade order-list: one of --inst-id, --limit is required when --inst-type is limit"
    )


@pytest.mark.usefixtures("demo_key")
def test_a_value_equal_to_an_option_name_is_sent_as_that_value(fake_okx: FakeOKX) -> None:
    fake_okx.script(Answer(body=OK_NO_ROWS))
    argv = ["--domain", fake_okx.url, "trade", "order-list", "--ord-type", "limit"]
    assert cli.main([*argv, "--inst-id", "limit"]) == 0
    assert fake_okx.requests[-1].path == "/api/v5/trade/orders-pending?instId=limit&ordType=limit"


# -- tables: the columns that matter, times, nested items ------------------------------------

ORDERS = "/api/v5/trade/orders-pending"
POSITIONS = "/api/v5/account/positions"
CLOSE_ALGOS = [
    {"algoId": "123", "slTriggerPx": "60000", "slTriggerPxType": "mark", "closeFraction": "1"},
    {"algoId": "124", "tpTriggerPx": "70000", "tpTriggerPxType": "last", "closeFraction": "1"},
]


def documented(method: str, path: str, **changes: object) -> dict[str, object]:
    """OKX's documented example answer of ``method`` ``path``, its first item changed."""
    data = example(method, path)
    data[0].update(changes)
    return {"code": "0", "msg": "", "data": data}


@pytest.mark.usefixtures("demo_key")
def test_an_order_table_in_80_columns_keeps_the_columns_that_matter(
    fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    fake_okx.script(Answer(body=documented("GET", ORDERS)), path=ORDERS)
    assert cli.main(["--domain", fake_okx.url, "trade", "order-list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:7] == ["inst_id", "side", "ord_type", "px", "sz", "state", "ord_id"]
    assert lines[1].split()[:7] == [
        "BTC-USDT", "buy", "post_only", "13013.5", "0.001", "live", "1752588852617379840"
    ]  # fmt: skip
    assert max(map(len, lines)) <= 80
    footer = " ".join(lines[2:])
    assert footer.startswith("1 row; not shown (see --columns): ")
    assert " pnl," in footer  # always 0 here: it goes last


def test_the_footer_wraps_to_the_terminal_naming_every_column_left_out(
    fake_okx: FakeOKX, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [TICKER]}))
    assert cli.main(["--domain", fake_okx.url, "market-data", "ticker", "--inst-id", "X"]) == 0
    header, _, *footer = capsys.readouterr().out.splitlines()
    assert header.split() == ["inst_id", "last", "inst_type"]
    assert len(footer) > 1
    assert max(map(len, footer)) <= 40
    hidden = " ".join(footer).removeprefix("1 row; not shown (see --columns): ").split(", ")
    assert hidden[0] == "last_sz"
    assert hidden[-1] == "ts"
    assert len(hidden) == 13


def test_times_in_a_table_are_utc_iso_8601(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [TICKER]}))
    argv = ["--domain", fake_okx.url, "market-data", "ticker", "--inst-id", "X"]
    assert cli.main([*argv, "--columns", "ts,vol24h"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "2020-08-10T02:26:23.085Z    2222"


def test_json_keeps_okx_s_times_as_sent(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [TICKER]}))
    argv = ["--json", "--domain", fake_okx.url, "market-data", "ticker", "--inst-id", "X"]
    assert cli.main([*argv, "--columns", "ts", "--rows", "x"]) == 0  # both only shape tables
    assert json.loads(capsys.readouterr().out) == {"code": "0", "msg": "", "data": [TICKER]}


def test_rows_details_prints_one_row_per_currency_of_the_balance(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["--sandbox", "account", "account-balance", "--rows", "details"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["ccy", "eq", "cash_bal"]
    assert [row.split()[0] for row in lines[1:4]] == ["BTC", "ETH", "USDT"]
    assert lines[4].startswith("3 rows; not shown (see --columns): ")


def test_a_balance_table_names_its_nested_items_in_the_footer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["--sandbox", "account", "account-balance"]) == 0
    footer = " ".join(capsys.readouterr().out.splitlines()[2:])
    assert footer.endswith("; nested items: details (see --rows)")


@pytest.mark.usefixtures("demo_key")
def test_rows_of_a_position_s_algos_lead_with_the_position_s_keys(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = documented("GET", POSITIONS, closeOrderAlgo=CLOSE_ALGOS)
    fake_okx.script(Answer(body=answer), path=POSITIONS)
    argv = ["--domain", fake_okx.url, "account", "positions", "--rows", "closeOrderAlgo"]
    assert cli.main(argv) == 0
    header, first, second, *_ = capsys.readouterr().out.splitlines()
    assert header.split()[:4] == ["parent_inst_id", "parent_pos_side", "algo_id", "sl_trigger_px"]
    assert first.split()[:4] == ["BTC-USDT", "net", "123", "60000"]
    assert second.split()[:3] == ["BTC-USDT", "net", "124"]


@pytest.mark.usefixtures("demo_key")
def test_rows_and_columns_pick_among_the_nested_and_the_parent_s_fields(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = documented("GET", POSITIONS, closeOrderAlgo=CLOSE_ALGOS)
    fake_okx.script(Answer(body=answer), path=POSITIONS)
    argv = ["--domain", fake_okx.url, "account", "positions", "--rows", "close-order-algo"]
    assert cli.main([*argv, "--columns", "algoId,parent_cTime"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "algo_id  parent_c_time",
        "123      2024-08-27T06:30:25.685Z",
        "124      2024-08-27T06:30:25.685Z",
        "2 rows",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["account", "positions", "--rows", "details"],
            "error: --rows: Positions has no nested items 'details'; its nested items are "
            "close_order_algo",
        ),
        (
            ["account", "positions", "--rows", "closeOrderAlgo", "--columns", "algo_id,nope"],
            "error: no column 'nope' in this table; its columns are algo_id, sl_trigger_px, ",
        ),
        (
            ["account", "leverage", "--mgn-mode", "cross", "--ccy", "BTC", "--rows", "x"],
            "error: --rows: LeverageInfo has no nested items 'x'; it has no nested items",
        ),
    ],
)
@pytest.mark.usefixtures("demo_key")
def test_rows_of_what_is_not_nested_is_a_usage_error_before_sending(
    argv: list[str], message: str, fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--domain", fake_okx.url, *argv]) == 2
    assert one_error_line(capsys.readouterr().err).startswith(message)
    assert fake_okx.requests == []


def test_rows_of_an_untyped_answer_is_checked_against_its_keys(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    item = {"sprdId": "X", "legs": [{"instId": "A"}, {"instId": "B"}]}
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [item]}))
    argv = ["--domain", fake_okx.url, "spread-trading", "ticker", "--sprd-id", "X"]
    assert cli.main([*argv, "--rows", "legs"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "parent_sprdId  instId",
        "X              A",
        "X              B",
        "2 rows",
    ]
    fake_okx.script(Answer(body={"code": "0", "msg": "", "data": [item]}))
    assert cli.main([*argv, "--rows", "leg"]) == 2
    assert one_error_line(capsys.readouterr().err) == (
        "error: --rows: this answer has no nested items 'leg'; its nested items are legs"
    )


# -- the documented command lines run offline as written ---------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def sandbox_lines() -> list[str]:
    """The ``okx-v5 --sandbox ...`` lines of the README's and the docs' shell blocks."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [
        line.strip()
        for page in pages
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("okx-v5 --sandbox ")
    ]


def test_the_docs_show_sandbox_command_lines() -> None:
    assert len(sandbox_lines()) >= 5


@pytest.mark.parametrize("line", sandbox_lines())
def test_a_documented_sandbox_command_line_runs(
    line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(shlex.split(line)[1:]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert not re.search(r"\dE[+-]?\d", out)  # numbers as OKX writes them, never 1E+9
