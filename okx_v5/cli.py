"""The ``okx-v5`` command line (also ``python -m okx_v5``): one subcommand per SDK method.

Each ``Command`` declares which endpoint it calls on which API class and which options it
has; an option ``--inst-id`` becomes the method's keyword ``instId``. The SDK validates the
values, so the command line checks nothing itself and says exactly what the SDK says.

Exit codes: 0 success, 1 an OKX error code, a broken answer or a network failure, 2 a usage or
parameter error (missing credentials included), 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs

from . import __version__, consts, display
from .Account import AccountAPI
from .converter import wire_name
from .endpoint import Endpoint
from .endpoints.account import GET_LEVERAGE as LEVERAGE_INFO
from .endpoints.public_data import GET_POSITION_TIERS as POSITION_TIERS
from .exceptions import (
    OkxException,
    OkxParamsException,
    OkxRequestException,
    OkxTimeoutException,
    hint,
)
from .okxclient import DEFAULT_TIMEOUT, OkxClient, Timeout
from .PublicData import PublicAPI
from .response import OkxResponse

__all__ = [
    "COMMANDS",
    "CREDENTIAL_VARIABLES",
    "EXIT_FAILURE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Command",
    "Option",
    "build_parser",
    "main",
    "render_table",
]

PROG = "okx-v5"
EXIT_OK = 0
"""The command succeeded (also when it found no rows)."""
EXIT_FAILURE = 1
"""OKX answered with an error code, answered something that is not OKX JSON, or not at all."""
EXIT_USAGE = 2
"""The command line was wrong: an unknown option, a bad parameter, missing credentials."""
EXIT_INTERRUPTED = 130
"""Interrupted with Ctrl-C."""

CREDENTIAL_VARIABLES = ("OKX_API_KEY", "OKX_API_SECRET", "OKX_PASSPHRASE")
"""The environment variables a signed command reads its API key, secret and passphrase from."""

# The SDK's hints speak of the flag argument; on the command line the flag is an option.
_CLI_WORDS = {"flag='1'": "--demo", "flag='0'": "--live"}


@attrs.frozen
class Option:
    """One command option; ``--inst-family`` passes the method's keyword ``instFamily``."""

    flag: str
    help: str
    metavar: str

    @property
    def keyword(self) -> str:
        """The SDK method's keyword argument: the flag in OKX's camelCase."""
        return wire_name(self.flag.removeprefix("--").replace("-", "_"))


@attrs.frozen
class Command:
    """One subcommand: the endpoint it calls (the method of the same name on ``api``)."""

    name: str
    help: str
    api: type[OkxClient]
    endpoint: Endpoint[Any]
    options: tuple[Option, ...]

    def call(self, client: OkxClient, args: argparse.Namespace) -> OkxResponse[Any]:
        """Call the SDK method with the options given on the command line."""
        given = {
            option.keyword: getattr(args, option.keyword)
            for option in self.options
            if getattr(args, option.keyword) is not None
        }
        result: OkxResponse[Any] = getattr(client, self.endpoint.name)(**given)
        return result


COMMANDS: tuple[Command, ...] = (
    Command(
        "leverage",
        "leverage per instrument (or currency) and position side; signed, needs an API key",
        AccountAPI,
        LEVERAGE_INFO,
        (
            Option("--mgn-mode", "margin mode: cross or isolated (required)", "MODE"),
            Option("--inst-id", "instrument ID(s), comma-separated, up to 20", "IDS"),
            Option("--ccy", "currency or currencies, up to 20, for cross MARGIN", "CCYS"),
        ),
    ),
    Command(
        "position-tiers",
        "position tiers: size bounds, margin rates and maximum leverage per tier; public",
        PublicAPI,
        POSITION_TIERS,
        (
            Option("--inst-type", "MARGIN, SWAP, FUTURES or OPTION (required)", "TYPE"),
            Option("--td-mode", "trade mode: cross or isolated (required)", "MODE"),
            Option("--inst-family", "instrument family or families, up to 5", "FAMILIES"),
            Option("--uly", "underlying(s), the legacy name of --inst-family", "ULYS"),
            Option("--inst-id", "instrument ID(s) for MARGIN, up to 5", "IDS"),
            Option("--ccy", "margin currency, for cross MARGIN", "CCY"),
            Option("--tier", "only this tier, a positive integer", "N"),
        ),
    ),
)
"""The subcommands, in the order ``--help`` lists them."""

_EPILOG = f"""\
credentials of signed commands: {", ".join(CREDENTIAL_VARIABLES)}
exit codes: {EXIT_OK} ok, {EXIT_FAILURE} OKX error / bad answer / network, \
{EXIT_USAGE} usage or parameter error, {EXIT_INTERRUPTED} interrupted
example: {PROG} --sandbox position-tiers --inst-type SWAP --td-mode cross --inst-family BTC-USDT
"""


class _UsageError(Exception):
    """A command line that cannot run as given (exit code 2)."""


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return int(text)


def _global_options(*, suppress: bool) -> argparse.ArgumentParser:
    """The options every command takes; ``suppress`` leaves them unset when not given, so that
    a subcommand's copy does not overwrite what was given before the subcommand."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("global options (before or after the command)")
    group.add_argument(
        "--sandbox",
        action="store_true",
        default=default(False),
        help="run against an in-process simulated exchange (okx_v5.testing.FakeOKX) with its "
        "built-in demo key: no network, no credentials",
    )
    # Not a mutually exclusive group: argparse shows those outside their argument group.
    group.add_argument(
        "--demo",
        dest="live",
        action="store_false",
        default=default(False),
        help="demo trading, flag '1' (the default)",
    )
    group.add_argument(
        "--live",
        dest="live",
        action="store_true",
        default=default(False),
        help="production, flag '0'; the last of --demo and --live wins",
    )
    group.add_argument(
        "--domain",
        metavar="URL",
        default=default(None),
        help=f"base URL of the API (default {consts.API_URL})",
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print OKX's raw JSON answer instead of a table",
    )
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        default=default(None),
        help="seconds to wait for the connection and for the answer (default "
        f"{DEFAULT_TIMEOUT[0]:g} s to connect, {DEFAULT_TIMEOUT[1]:g} s for the answer)",
    )
    group.add_argument(
        "--max-retries",
        metavar="N",
        type=_count,
        default=default(None),
        help="retries of a read that failed on the way or with a server-side error "
        "(default 3; 0 turns them off)",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=default(False),
        help="log requests and answers (secrets redacted) and show tracebacks",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``okx-v5``, with one subparser per ``COMMANDS`` item."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Query the OKX V5 REST API; print an aligned table or the raw JSON.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_global_options(suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name,
            help=command.help,
            description=command.help[0].upper() + command.help[1:] + ".",
            parents=[_global_options(suppress=True)],
        )
        options = sub.add_argument_group("command options (the SDK validates them)")
        for option in command.options:
            options.add_argument(
                option.flag, dest=option.keyword, metavar=option.metavar, help=option.help
            )
        sub.set_defaults(command=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``okx-v5`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version, or a usage error already printed
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    try:
        exit_code = _run(args.command, args)
        sys.stdout.flush()  # a reader that went away shows up here, not at interpreter exit
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `okx-v5 ... | head`: stop quietly, and keep Python from failing to flush at exit.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    return exit_code


def _run(command: Command, args: argparse.Namespace) -> int:
    # For the message when there is no answer.
    domain: str = ""
    timeout: Timeout = DEFAULT_TIMEOUT
    try:
        with _settings(command, args) as settings, command.api(**settings) as client:
            domain, timeout = client.domain, client.timeout
            result = command.call(client, args)
            if args.json:
                print(json.dumps(result, indent=2))
            if not result.ok:
                return _fail(args, _okx_error(result), EXIT_FAILURE)
            if not args.json:
                print(render_table(result.data, command.endpoint.model))
    except (_UsageError, OkxParamsException) as problem:
        return _fail(args, str(problem), EXIT_USAGE)
    except OkxRequestException as failure:
        return _fail(args, _network_error(failure, domain, timeout), EXIT_FAILURE)
    except OkxException as failure:
        return _fail(args, str(failure), EXIT_FAILURE)
    return EXIT_OK


@contextlib.contextmanager
def _settings(command: Command, args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    """Yield the client's keyword arguments; with ``--sandbox``, while the sandbox runs."""
    common: dict[str, Any] = {"debug": args.debug}
    if args.timeout is not None:
        common["timeout"] = args.timeout
    if args.max_retries is not None:
        common["max_retries"] = args.max_retries
    if not args.sandbox:
        flag = consts.LIVE_TRADING if args.live else consts.DEMO_TRADING
        domain = args.domain if args.domain is not None else consts.API_URL
        credentials = _credentials(command) if command.endpoint.signed else {}
        yield {**common, **credentials, "flag": flag, "domain": domain}
        return
    if args.live:
        raise _UsageError("--sandbox has only a demo key; it cannot be combined with --live")
    if args.domain is not None:
        raise _UsageError("--sandbox runs its own exchange; it cannot be combined with --domain")
    from .testing.fake import FakeOKX  # only now: importing okx_v5.cli starts nothing

    with FakeOKX() as sandbox:
        yield {
            **common,
            "api_key": FakeOKX.DEMO_KEY,
            "api_secret_key": FakeOKX.DEMO_SECRET,
            "passphrase": FakeOKX.DEMO_PASSPHRASE,
            "flag": consts.DEMO_TRADING,
            "domain": sandbox.url,
        }


def _credentials(command: Command) -> dict[str, str]:
    values = [os.environ.get(name, "").strip() for name in CREDENTIAL_VARIABLES]
    missing = [name for name, value in zip(CREDENTIAL_VARIABLES, values, strict=True) if not value]
    if missing:
        unset = f" ({', '.join(missing)} not set)" if len(missing) < len(values) else ""
        raise _UsageError(
            f"{command.name} needs an API key: set {', '.join(CREDENTIAL_VARIABLES[:-1])} and "
            f"{CREDENTIAL_VARIABLES[-1]}{unset}, or use --sandbox"
        )
    key, secret, passphrase = values
    return {"api_key": key, "api_secret_key": secret, "passphrase": passphrase}


def _fail(args: argparse.Namespace, message: str, exit_code: int) -> int:
    if args.debug and sys.exc_info()[0] is not None:
        traceback.print_exc()
    print("error: " + " ".join(message.split()), file=sys.stderr)
    return exit_code


def _okx_error(result: OkxResponse[Any]) -> str:
    advice = hint(result.code)
    for sdk_words, cli_words in _CLI_WORDS.items():
        advice = advice.replace(sdk_words, cli_words)
    text = f": {result.msg}" if result.msg else ""
    return f"OKX {result.code}{text}{advice}"


def _network_error(failure: OkxRequestException, domain: str, timeout: Timeout) -> str:
    if isinstance(failure, OkxTimeoutException):
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        return (
            f"no answer from {domain} in time ({connect:g} s to connect, {read:g} s to answer; "
            "see --timeout)"
        )
    return f"cannot reach {domain}: {_root_cause(failure)}"


def _root_cause(failure: BaseException) -> str:
    """The innermost error under the layers of requests and urllib3, e.g. "Connection refused"."""
    seen: set[int] = set()
    current: BaseException = failure
    while id(current) not in seen:
        seen.add(id(current))
        inner = current.__cause__ or current.__context__ or getattr(current, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((a for a in reversed(current.args) if isinstance(a, BaseException)), None)
        if inner is None:
            break
        current = inner
    if isinstance(current, OSError) and current.strerror:
        return current.strerror
    return str(current) or type(current).__name__


def render_table(
    items: Sequence[object],
    model: type | None,
    *,
    columns: Sequence[str] | None = None,
    width: int | None = None,
) -> str:
    """Return ``items`` (typed items of ``model``, or untyped dicts) as an aligned text table.

    One column per field, headed by its name; ``None`` is shown empty and numbers are
    right-aligned. ``columns`` picks the columns; otherwise every column that has a value in
    some row is shown, as many as fit in ``width`` characters. The last line counts the rows
    (``2 rows``, ``1 row`` or ``no rows``) and names the columns left out.
    """
    if not items:
        return "no rows"
    names = list(columns) if columns else _filled(display.columns(model, items), items)
    rows = [[_cell(display.value_of(item, name)) for name in names] for item in items]
    right = [_numeric(items, name) for name in names]
    widths = [
        max(len(name), *(len(row[index]) for row in rows)) for index, name in enumerate(names)
    ]
    shown = len(names) if columns or width is None else _fitting(widths, width)
    lines = [
        "  ".join(
            cell.rjust(size) if align_right else cell.ljust(size)
            for cell, size, align_right in zip(row[:shown], widths, right, strict=False)
        ).rstrip()
        for row in [names, *rows]
    ]
    footer = f"{len(items)} row" + ("" if len(items) == 1 else "s")
    if shown < len(names):
        footer += f"; not shown (see --columns): {', '.join(names[shown:])}"
    lines.append(footer)
    return "\n".join(lines)


def _numeric(items: Sequence[object], name: str) -> bool:
    """Whether column ``name`` holds numbers (and nothing else but empty cells)."""
    present = [value for item in items if (value := display.value_of(item, name)) is not None]
    return bool(present) and all(
        isinstance(value, (int, Decimal)) and not isinstance(value, bool) for value in present
    )


def _filled(names: Sequence[str], items: Sequence[object]) -> list[str]:
    """The columns with a value in at least one row."""
    return [
        name
        for name in names
        if any(display.value_of(item, name) not in (None, "", []) for item in items)
    ]


def _fitting(widths: Sequence[int], width: int) -> int:
    """How many columns, from the left, fit in ``width`` characters (at least one)."""
    used = 0
    for count, size in enumerate(widths):
        used += size + (2 if count else 0)
        if used > width:
            return max(count, 1)
    return len(widths)


def _cell(value: object) -> str:
    return "" if value is None else display.plain(value)
