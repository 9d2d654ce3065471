"""``okx-v5 watch``: a stream on the command line, on the sandbox."""

from __future__ import annotations

import json
import re

import pytest

from okx_v5.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main


def test_watch_prints_a_header_and_one_row_per_message(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--sandbox", "watch", "books5", "--inst-id", "BTC-USDT", "--count", "3"])
    out = capsys.readouterr().out.splitlines()
    assert code == EXIT_OK
    assert len(out) == 4
    assert out[0].split() == ["ts", "asks", "bids"]  # nested lists last: see --rows
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]{12}Z", out[1].split()[0]), out[1]


def test_watch_rows_prints_one_row_per_nested_item(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--sandbox", "watch", "books5", "--inst-id", "BTC-USDT", "--rows", "asks"]
    assert main([*argv, "--count", "2"]) == EXIT_OK
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split()[:4] == ["px", "sz", "ord_cnt", "parent_ts"]
    assert len(rows) == 10  # five levels of two messages
    assert rows[0].split()[3] == rows[4].split()[3]  # the levels of one book share its time


def test_watch_rows_of_a_name_that_is_no_nested_list_is_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--sandbox", "watch", "books5", "--inst-id", "BTC-USDT", "--rows", "px"]
    assert main([*argv, "--count", "1"]) == EXIT_USAGE
    assert capsys.readouterr().err == (
        "error: --rows: Orderbook has no nested items 'px'; its nested items are asks, bids\n"
    )


def test_watch_json_prints_okx_messages(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--sandbox", "--json", "watch", "tickers", "--inst-id", "ETH-USDT", "--count", "2"]
    assert main(argv) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["arg"] for line in lines] == [
        {"channel": "tickers", "instId": "ETH-USDT"}
    ] * 2


def test_watch_a_private_channel_logs_in_with_the_sandbox_key(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--sandbox", "--json", "watch", "account", "--arg", "ccy=USDT", "--count", "1"]
    assert main(argv) == EXIT_OK
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["arg"]["channel"] == "account"


def test_watch_picks_columns(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--sandbox", "--columns", "inst_id,last", "watch", "tickers", "--inst-id", "BTC-USDT"]
    assert main([*argv, "--count", "1"]) == EXIT_OK
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["inst_id", "last"]
    assert row.split()[0] == "BTC-USDT"


def test_a_channel_okx_refuses_is_exit_1_with_its_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--sandbox", "watch", "tickers", "--inst-id", "NOPE-USDT", "--count", "1"])
    assert code == EXIT_FAILURE
    assert "60018" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["watch", "tickers", "--arg", "instId"], "NAME=VALUE"),
        (["watch", "tickers"], "needs instId"),
        (["watch", "orders", "--inst-type", "ANY"], "needs an API key"),
    ],
)
def test_usage_errors_are_exit_2_naming_the_problem(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_watch_needs_a_channel(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch"]) == EXIT_USAGE
    assert "CHANNEL" in capsys.readouterr().err
