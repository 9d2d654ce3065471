"""Each ``okx-v5`` command, derived from an endpoint's declaration: its name, options and
help, and a call of every command against the simulated exchange (GETs sent, POSTs sent only
with ``--yes``). The command line's own machinery is in ``test_cli.py``."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys

import pytest

from okx_v5 import cli, commands, endpoints
from okx_v5.commands import Option
from okx_v5.params import Choice, Kind, Param, json_body
from okx_v5.testing import Answer, FakeOKX

# The fixture_* names are fixtures, imported so that pytest finds them here (autouse too).
from .cli_helpers import (  # noqa: F401
    BTC_TIERS,
    COMMANDS,
    LEVERAGE,
    OK_NO_ROWS,
    child_env,
    command,
    fixture_demo_key,
    fixture_fake_okx,
    fixture_no_credentials,
    fixture_no_retry_sleeps,
    fixture_no_terminal,
    fixture_shared_okx,
    fixture_terminal_width,
    one_error_line,
    parsed,
    title_of,
)

GETS = [command for command in COMMANDS if not command.sends]
POSTS = [command for command in COMMANDS if command.sends]
GLOBAL_FLAGS = {
    flag for action in cli.build_parser(groups=())._actions for flag in action.option_strings
}


def enough_options(command: cli.Command) -> list[str]:
    """Options that pass the SDK's checks: every required argument, the whole-body argument,
    and the first name of each "one of" rule, with a value its rule accepts."""
    params = {param.arg: param for param in command.endpoint.params}
    one_of = {rule.names[0] for rule in command.endpoint.requires}
    argv: list[str] = []
    for option in command.options:
        param = params.get(option.arg)
        wanted = option.needed or option.arg == command.endpoint.body_arg
        if param is not None and (param.required or param.key in one_of):
            wanted = True
        if wanted:
            argv += [option.flag, sample(option, param)]
    return argv


def sample(option: cli.Option, param: Param | None) -> str:
    if option.kind == "json":
        return '[{"instId": "BTC-USDT"}]'
    if param is not None and isinstance(param.rule, Choice):
        return param.rule.values[0]
    if option.kind == "bool":
        return "true"
    return "BTC-USDT"


def test_every_endpoint_has_a_command() -> None:
    assert len(COMMANDS) == len(endpoints.every())
    assert sum(endpoint.python_okx for endpoint in endpoints.every()) == 279
    assert len({command.title for command in COMMANDS}) == len(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=title_of)
def test_each_command_has_an_option_for_every_method_argument_in_order(
    command: cli.Command,
) -> None:
    method = getattr(command.api, command.endpoint.name)
    parameters = inspect.signature(method).parameters.values()
    arguments = [p.name for p in parameters][1:-2]  # not self, validate=, extra=
    assert [option.arg for option in command.options] == arguments
    declared = {param.arg for param in command.endpoint.params} | {command.endpoint.body_arg}
    assert declared - {""} <= set(arguments)


@pytest.mark.parametrize("command", COMMANDS, ids=title_of)
def test_option_flags_are_distinct_and_apart_from_the_global_options(
    command: cli.Command,
) -> None:
    flags = [option.flag for option in command.options]
    assert len(set(flags)) == len(flags)
    assert not GLOBAL_FLAGS & set(flags)


def test_groups_are_the_declaration_modules_in_kebab_case() -> None:
    groups = {command.group for command in COMMANDS}
    assert len(groups) == 23  # python-okx's 22 modules and okx_v5's SignalBot
    assert {"account", "market-data", "public-data", "finance-savings", "signal-bot"} <= groups


def test_same_named_methods_of_two_modules_are_two_commands() -> None:
    assert command("market-data ticker").method == "MarketAPI.get_ticker"
    assert command("spread-trading ticker").method == "SpreadTradingAPI.get_ticker"
    assert command("account instruments").method == "AccountAPI.get_instruments"
    assert command("public-data instruments").method == "PublicAPI.get_instruments"


def test_command_names_drop_get_and_split_camel_case() -> None:
    assert command("sub-account sub-account-transfer").method == "SubAccountAPI.subAccount_transfer"
    assert command("public-data option-tick-bands").method == "PublicAPI.get_option_tickBands"
    assert command("trade place-order").method == "TradeAPI.place_order"


def test_python_okx_odd_argument_names_get_the_okx_parameter_as_flag() -> None:
    def flag(title: str, arg: str) -> str:
        return next(option.flag for option in command(title).options if option.arg == arg)

    assert flag("account instruments", "ugly") == "--uly"
    assert flag("funding funds-transfer", "from_") == "--from"
    assert flag("sub-account sub-account-transfer", "froms") == "--from"
    assert flag("trade place-multiple-orders", "orders_data") == "--orders-data"
    assert flag("account leverage", "mgnMode") == "--mgn-mode"


def test_legacy_commands_keep_their_names_and_options() -> None:
    def flags(name: str) -> set[str]:
        group, title = cli.LEGACY[name]
        return {option.flag for option in command(f"{group} {title}").options}

    assert flags("leverage") == {"--mgn-mode", "--inst-id", "--ccy"}
    assert flags("position-tiers") == {
        "--inst-type",
        "--td-mode",
        "--inst-family",
        "--uly",
        "--inst-id",
        "--ccy",
        "--tier",
    }


def test_option_help_says_required_choices_id_limits_and_json() -> None:
    helps = {option.flag: option.help for option in command("trade place-order").options}
    # the SDK's rules first, then OKX's description (test_option_help_ends_with_okx_s_words)
    assert helps["--td-mode"].startswith("required; one of cross, isolated, cash, spot_isolated. ")
    assert helps["--attach-algo-ords"].startswith("JSON: an array of objects. ")
    assert helps["--reduce-only"].startswith("true or false (in any case). ")
    leverage = {option.flag: option.help for option in command("account leverage").options}
    assert leverage["--inst-id"].startswith("up to 20, comma-separated. ")
    uly = next(o for o in command("account instruments").options if o.flag == "--uly")
    assert uly.help.startswith("python-okx's ugly. ")


def test_option_help_ends_with_okx_s_words() -> None:
    helps = {option.flag: option.help for option in command("trade place-order").options}
    assert helps["--td-mode"].endswith(
        ". Trade mode. Margin mode ``cross`` ``isolated``. "
        "Non-Margin mode ``cash``. ``spot_isolated`` (only applicable to SPOT lead trading, "
        "``tdMode`` should be ``spot_isolated`` for ``SPOT`` lead trading.)."
    )
    assert helps["--sz"] == "required. Quantity to buy or sell."


@pytest.mark.parametrize(
    ("kind", "read_as", "words"),
    [
        ("str", "text", ""),
        ("number", "text", ""),
        ("bool", "bool", "true or false (in any case)"),
        ("list[str]", "list", "comma-separated, or a JSON array"),
        ("object", "json", "JSON: an object"),
        ("list[object]", "json", "JSON: an array of objects"),
        ("any", "any", ""),
    ],
)
def test_an_option_reads_its_value_as_the_declaration_says(
    kind: Kind, read_as: str, words: str
) -> None:
    option = Option.of("x", Param("x", kind=kind))
    assert (option.kind, option.help) == (read_as, words)


def test_an_option_sending_no_declared_parameter_reads_json_or_text() -> None:
    assert Option.of("params", None).kind == "any"
    body = Option.of("orders_data", None, body=True, most=20)
    assert (body.kind, body.help) == (
        "json",
        "the whole request body; at most 20 items; JSON: an array of objects",
    )


def test_help_imports_the_declarations_but_no_model() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from okx_v5 import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert cli.main(['--help']) == 0\n"
        "print(sorted(name for name in sys.modules if name.startswith('okx_v5.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=30
    )
    loaded = json.loads(done.stdout.replace("'", '"'))
    assert "okx_v5._generated.endpoints.trade" in loaded
    assert [name for name in loaded if ".models." in name] == []


def test_help_lists_the_groups_and_the_legacy_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "okx.MarketData, MarketAPI: 25 commands" in out
    assert "okx.Trade, TradeAPI: 33 commands, 17 POST" in out
    assert "position-tiers" in out
    assert "leverage" in out


def test_group_help_lists_its_commands_and_marks_posts(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["trade", "--help"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split() == ["place-order", "Place", "order", "[POST]"] for line in lines)
    assert any(line.split() == ["order-list", "Order", "List"] for line in lines)


def test_command_help_says_endpoint_access_limit_and_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["public-data", "position-tiers", "--help"]) == 0
    out = capsys.readouterr().out
    assert "PublicAPI.get_position_tiers, GET /api/v5/public/position-tiers." in out
    assert "Public. At most 10 requests / 2 s per IP." in out
    assert "Needs --uly or --inst-family when --inst-type is FUTURES or OPTION or SWAP." in out


def test_a_group_without_a_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["market-data"]) == 2
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err


# -- the commands at work ----------------------------------------------------------------------


@pytest.mark.usefixtures("demo_key")
@pytest.mark.parametrize("command", GETS, ids=title_of)
def test_every_get_command_calls_its_endpoint(
    command: cli.Command, fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_okx.script(Answer(body=OK_NO_ROWS), path=command.endpoint.path)
    argv = ["--domain", fake_okx.url, command.group, command.name, *enough_options(command)]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out == "no rows\n"
    (request,) = fake_okx.requests
    assert (request.method, request.path.partition("?")[0]) == ("GET", command.endpoint.path)


@pytest.mark.usefixtures("demo_key", "no_terminal")
@pytest.mark.parametrize("command", POSTS, ids=title_of)
def test_every_post_command_without_yes_and_terminal_sends_nothing_and_exits_2(
    command: cli.Command, fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--domain", fake_okx.url, command.group, command.name, *enough_options(command)]
    assert cli.main(argv) == 2
    assert one_error_line(capsys.readouterr().err) == (
        f"error: {command.title} sends POST {command.endpoint.path} and there is no terminal "
        "to ask on: pass --yes to send it"
    )
    assert fake_okx.requests == []


@pytest.mark.usefixtures("demo_key")
@pytest.mark.parametrize("command", POSTS, ids=title_of)
def test_every_post_command_with_yes_sends_its_body(
    command: cli.Command, fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_okx.script(Answer(body=OK_NO_ROWS), path=command.endpoint.path)
    argv = [command.group, command.name, *enough_options(command), "--domain", fake_okx.url]
    assert cli.main([*argv, "--yes"]) == 0
    assert capsys.readouterr().out == "no rows\n"
    (request,) = fake_okx.requests
    assert (request.method, request.path) == ("POST", command.endpoint.path)
    given = parsed(*argv)
    assert json.loads(request.body) == json.loads(json_body(command.payload(given)))


def test_sandbox_answers_the_group_form_of_the_legacy_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["--sandbox", "public-data", *BTC_TIERS, "--tier", "3"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:3] == ["BTC-USDT", "BTC-USDT", "3"]
    assert cli.main(["--sandbox", "account", *LEVERAGE]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 rows"


def test_sandbox_answers_the_server_time(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--sandbox", "public-data", "system-time"]) == 0
    header, value, footer = capsys.readouterr().out.splitlines()
    assert (header.strip(), footer) == ("ts", "1 row")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", value.strip()), value


def test_sandbox_ticker_reaches_the_simulated_exchange(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["--sandbox", "market-data", "ticker", "--inst-id", "BTC-USDT"])
    out, err = capsys.readouterr()
    assert (code, out.splitlines()[-1].split(";")[0], err) == (0, "1 row", "")


def test_missing_credentials_of_a_group_command_name_it(
    capsys: pytest.CaptureFixture[str], no_credentials: None
) -> None:
    assert cli.main(["account", "account-balance"]) == 2
    assert one_error_line(capsys.readouterr().err).startswith(
        "error: account account-balance needs an API key"
    )


@pytest.mark.usefixtures("no_credentials")
def test_an_if_key_command_without_a_key_is_sent_unsigned(
    fake_okx: FakeOKX, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_okx.script(Answer(body=OK_NO_ROWS))
    assert command("account bill-type").endpoint.signed == "if_key"
    assert cli.main(["--domain", fake_okx.url, "account", "bill-type"]) == 0
    assert fake_okx.requests[0].header("OK-ACCESS-KEY") is None


@pytest.mark.usefixtures("demo_key")
def test_an_if_key_command_with_a_key_is_signed(fake_okx: FakeOKX) -> None:
    fake_okx.script(Answer(body=OK_NO_ROWS))
    assert cli.main(["--domain", fake_okx.url, "account", "bill-type"]) == 0
    assert fake_okx.requests[0].header("OK-ACCESS-KEY") == FakeOKX.DEMO_KEY


def test_the_global_flags_commands_avoid_are_the_parser_s() -> None:
    assert {flag for flag in GLOBAL_FLAGS if flag.startswith("--")} == commands.GLOBAL_FLAGS


def test_an_okx_key_named_like_a_global_option_gets_the_okx_prefix() -> None:
    flags = [option.flag for option in command("public-data economic-calendar").options]
    assert "--okx-region" in flags


def test_okx_v5_s_own_group_says_it_is_okx_v5_s(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["signal-bot", "--help"]) == 0
    assert "okx_v5's okx_v5.SignalBot, SignalBotAPI: 17 commands" in capsys.readouterr().out
