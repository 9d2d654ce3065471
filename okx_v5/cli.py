"""The ``okx-v5`` command line (also ``python -m okx_v5``): one subcommand per SDK method.

``okx-v5 GROUP COMMAND [options]``: a group per python-okx module, a command per method, an
option per argument, all derived from the endpoint declarations (``okx_v5.commands``);
``okx-v5 leverage`` and ``okx-v5 position-tiers`` stay at the top level. The SDK validates the
values, so the command line checks nothing itself and says exactly what the SDK says. A
command that changes something (a ``POST``) shows what it will send and asks first, unless
``--yes`` is given.

Exit codes: 0 success, 1 an OKX error code, a broken answer, a network failure or a ``POST``
declined at the prompt, 2 a usage or parameter error (missing credentials, and a ``POST``
without ``--yes`` where there is no terminal to ask on, included), 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import math
import os
import re
import shutil
import sys
import textwrap
import time
import traceback
from collections.abc import Collection, Iterator, Sequence
from typing import Any

import attrs

from . import __version__, consts, display
from .checks import ENVIRONMENT, REGIONS, check_domain, check_flag, env_region
from .commands import LEGACY, Command, Option, commands, cut, flag_name, kebab
from .endpoint import ACCESS
from .exceptions import (
    OkxException,
    OkxParamsException,
    OkxRequestException,
    OkxTimeoutException,
    hint,
)
from .okxclient import DEFAULT_TIMEOUT, OkxClient, Timeout
from .params import UNKNOWN_VALUE_HINT, json_body
from .redaction import redact_url
from .response import OkxResponse, describe_failures, nested_fields, nested_name, record_fields

__all__ = [
    "CREDENTIAL_VARIABLES",
    "EXIT_FAILURE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_TIMEOUT",
    "TABLE_WIDTH",
    "Command",
    "Option",
    "build_parser",
    "commands",
    "main",
]

PROG = "okx-v5"
EXIT_OK = 0
"""The command succeeded (also when it found no rows)."""
EXIT_FAILURE = 1
"""OKX answered with an error code, answered something that is not OKX JSON, or not at all; or
a ``POST`` was declined at the prompt."""
EXIT_USAGE = 2
"""The command line was wrong: an unknown option, a bad parameter, missing credentials, a
``POST`` without ``--yes`` and no terminal to ask on."""
EXIT_INTERRUPTED = 130
"""Interrupted with Ctrl-C."""

CREDENTIAL_VARIABLES = tuple(
    ENVIRONMENT[name] for name in ("api_key", "api_secret_key", "passphrase")
)
"""The environment variables a signed command reads its API key, secret and passphrase from."""
FLAG_VARIABLE = ENVIRONMENT["flag"]
"""Read when neither ``--demo`` nor ``--live`` is given: ``0`` production, ``1`` demo trading."""
DOMAIN_VARIABLE = ENVIRONMENT["domain"]
"""Read when ``--domain`` is not given."""
REGION_VARIABLE = ENVIRONMENT["region"]
"""Read when ``--region`` is not given: ``global``, ``eea`` or ``us``."""

VALIDATION: dict[str, bool | str] = {"on": True, "strict": "strict", "off": False}
"""``--validate``: the client's ``validate=`` for each of its words."""

TABLE_WIDTH = 100
"""The width a table fits when the terminal's is not known (output to a pipe or a file)."""

# The SDK's hints speak of the flag and region arguments; on the command line they are options.
_CLI_WORDS = {
    "flag='1'": "--demo",
    "flag='0'": "--live",
    **{f"region={region!r}": f"--region {region}" for region in REGIONS},
}

_EPILOG = f"""\
credentials of signed commands: {", ".join(CREDENTIAL_VARIABLES)}
environment when no --demo/--live, --region or --domain is given: {FLAG_VARIABLE}, \
{REGION_VARIABLE}, {DOMAIN_VARIABLE}
exit codes: {EXIT_OK} ok, {EXIT_FAILURE} OKX error / bad answer / network / declined, \
{EXIT_USAGE} usage or parameter error, {EXIT_INTERRUPTED} interrupted
examples:
  {PROG} account --help                  the commands of a group
  {PROG} --sandbox market-data ticker --inst-id BTC-USDT
  {PROG} --sandbox position-tiers --inst-type SWAP --td-mode cross --inst-family BTC-USDT
"""


class _UsageError(Exception):
    """A command line that cannot run as given (exit code 2)."""


MAX_TIMEOUT = 300.0
"""The longest ``--timeout``, in seconds. OKX answers in well under a second and the SDK's
default is 10 s; a command that waits five minutes for one attempt is already broken, and
far larger values overflow the clocks underneath (``1e308`` fails deep inside the socket
layer instead of timing out)."""


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or not math.isfinite(value):  # NaN fails value > 0
        raise argparse.ArgumentTypeError(f"{cut(text)!r} is not a positive number of seconds")
    if value > MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"{cut(text)} seconds is too long: at most {MAX_TIMEOUT:g} s (OKX answers in well "
            "under a second)"
        )
    return value


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return int(text)


def _pages(text: str) -> int:
    if not (text.isascii() and text.isdigit() and int(text) > 0):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 1")
    return int(text)


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Add the options every command takes; ``suppress`` leaves them unset when not given, so
    that a command's copy does not overwrite what was given before the command."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options (before or after the command)")
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
        default=default(None),
        help=f"demo trading, flag '1' (the default when {FLAG_VARIABLE} is not set)",
    )
    group.add_argument(
        "--live",
        dest="live",
        action="store_true",
        default=default(None),
        help=f"production, flag '0'; the last of --demo and --live wins over {FLAG_VARIABLE}",
    )
    group.add_argument(
        "--region",
        choices=REGIONS,
        type=str.lower,
        default=default(None),
        help="the OKX site the API key was created on, whose host is used: global "
        f"(www.okx.com), eea (the European Economic Area's site) or us (the US site); default: "
        f"{REGION_VARIABLE}, else global; --domain wins",
    )
    group.add_argument(
        "--domain",
        metavar="URL",
        default=default(None),
        help=f"base URL of the API, without /api/v5 (default: {DOMAIN_VARIABLE}, else "
        f"{consts.API_URL})",
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
        help="seconds each attempt waits for the connection and for the answer (default "
        f"{DEFAULT_TIMEOUT[0]:g} s to connect, {DEFAULT_TIMEOUT[1]:g} s for the answer); a read "
        "that gets no answer is tried again (see --max-retries), so a command can wait "
        "several times this",
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
        "--validate",
        choices=tuple(VALIDATION),
        default=default(None),
        help="on (default): refuse before sending only what OKX certainly refuses, and send a "
        "value OKX does not document with a warning; strict: refuse that value too; off: "
        "refuse nothing",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=default(False),
        help="log requests and answers (secrets redacted) and show tracebacks",
    )
    group.add_argument(
        "--columns",
        metavar="NAMES",
        type=_names,
        default=default(None),
        help="the table's columns, comma-separated, in this order (default: the columns with a "
        "value in some row, as many as fit the terminal)",
    )
    group.add_argument(
        "--rows",
        metavar="NESTED",
        default=default(None),
        help="one row per nested item of the field NESTED of each item (a balance's details, "
        "a position's close-order-algo), led by the parent's key columns; the parent's fields "
        "are prefixed parent_",
    )
    group.add_argument(
        "-y",
        "--yes",
        action="store_true",
        default=default(False),
        help="send a POST without showing it and asking first",
    )


def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"{text!r} names no column")
    return names


Subcommands = argparse._SubParsersAction  # argparse's type of what add_subparsers returns


def build_parser(groups: Collection[str] | None = None) -> argparse.ArgumentParser:
    """Return the argument parser of ``okx-v5``: a subparser per group, with one per command of
    the group (see ``okx_v5.commands.commands``), and one per legacy top-level command.

    ``groups`` limits the commands built to those of the groups named; any other group then
    takes whatever follows it, unparsed. (Building all 281 command parsers takes longer than
    running a command: ``main`` builds only the group it is given.)
    """
    members: dict[str, list[Command]] = {}
    for command in commands():
        members.setdefault(command.group, []).append(command)
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Query the OKX V5 REST API; print an aligned table or the raw JSON.\n"
        f"Every SDK method is a command: {PROG} GROUP COMMAND [options].",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_global_options(parser, suppress=False)
    top = parser.add_subparsers(
        title=f"groups ({PROG} GROUP --help lists the commands of one)",
        dest="group",
        metavar="GROUP",
        required=True,
    )
    for group, commands_of_group in sorted(members.items()):
        built = groups is None or group in groups
        _add_group(top, group, commands_of_group, built=built)
    for name, (group, command_name) in LEGACY.items():
        legacy = next(c for c in members[group] if c.name == command_name)
        _add_command(top, name, legacy, legacy=True)
    _add_watch(top)
    return parser


WATCH = "watch"
"""The command that streams a WebSocket channel."""
_WATCH_ARGS = {
    "inst_id": "instId",
    "inst_type": "instType",
    "inst_family": "instFamily",
    "ccy": "ccy",
}


def _add_watch(top: Subcommands[Any]) -> None:
    sub = top.add_parser(
        WATCH,
        help="stream a WebSocket channel: one line per message",
        description="Subscribe to OKX's WebSocket channel CHANNEL and print one line per "
        "message (a table row, or OKX's JSON with --json) until --count messages or Ctrl-C. "
        "The connection reconnects by itself; a reconnect prints a '# reconnected' line. "
        "A private channel (orders, positions, account, ...) logs in with the key of "
        f"{', '.join(CREDENTIAL_VARIABLES)}.",
        usage="%(prog)s CHANNEL [options]",
        epilog=f"example: {PROG} --sandbox {WATCH} tickers --inst-id BTC-USDT --count 5",
    )
    sub.add_argument("channel", metavar="CHANNEL", help="OKX's channel name, e.g. tickers")
    options = sub.add_argument_group("channel arguments")
    for dest, name in _WATCH_ARGS.items():
        options.add_argument("--" + kebab(name), dest=dest, metavar=name.upper(), help=name)
    options.add_argument(
        "--arg",
        dest="extra",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="any other argument of the channel, as OKX names it (repeatable)",
    )
    options.add_argument("--count", type=_count, default=None, help="stop after this many messages")
    _add_global_options(sub, suppress=True)
    sub.set_defaults(command=None, title=WATCH)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse ``argv`` in two steps: find the group without building any group's commands,
    then parse with the parser of that group's commands. An unknown option is a usage error
    of the command, suggesting the option meant (``--instId``: did you mean ``--inst-id``)."""
    first = build_parser(groups=())
    group = first.parse_known_args(argv)[0].group
    parser = first if group in LEGACY or group == WATCH else build_parser(groups=(group,))
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        command = _leaf(parser, args)
        meant = _meant(command, args, unknown)
        command.error(f"unrecognized arguments: {' '.join(unknown)}{meant}")
    return args


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return next(
        (dict(action.choices) for action in parser._actions if isinstance(action, Subcommands)),
        {},
    )


def _leaf(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the command ``args`` were parsed for (its usage and options)."""
    leaf = _subcommands(parser).get(args.group, parser)
    command: Command | None = getattr(args, "command", None)
    if command is not None and args.group not in LEGACY:
        leaf = _subcommands(leaf).get(command.name, leaf)
    return leaf


def _squash(name: str) -> str:
    """An option in any spelling, for matching: ``--instId``, ``--inst_id`` → ``instid``."""
    return name.lstrip("-").replace("-", "").replace("_", "").lower()


def _meant(parser: argparse.ArgumentParser, args: argparse.Namespace, unknown: list[str]) -> str:
    """``"; did you mean --inst-id?"`` for the unknown options that are another spelling of an
    option (OKX's ``instId``, python-okx's argument ``ugly``) or close to one; else ``""``."""
    flags = [flag for flag in parser._option_string_actions if flag.startswith("--")]
    spelled = {_squash(flag): flag for flag in flags}
    command: Command | None = getattr(args, "command", None)
    for option in command.options if command is not None else ():
        spelled.setdefault(_squash(option.arg), option.flag)
    meant: dict[str, str] = {}
    for word in unknown:
        name = word.partition("=")[0]
        if not name.startswith("-") or name in meant:
            continue
        close = difflib.get_close_matches(name, flags, n=1, cutoff=0.8)
        guess = spelled.get(_squash(name)) or (close[0] if close else None)
        if guess is not None:
            meant[name] = guess
    if not meant:
        return ""
    if len(meant) == 1:
        return f"; did you mean {next(iter(meant.values()))}?"
    pairs = ", ".join(f"{flag} (for {name})" for name, flag in meant.items())
    return f"; did you mean {pairs}?"


def _count_of(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _add_group(
    top: Subcommands[Any], group: str, members: Sequence[Command], *, built: bool
) -> None:
    api = members[0].api
    posts = sum(command.sends for command in members)
    theirs = any(command.endpoint.python_okx for command in members)  # not okx_v5's SignalBot
    module = api.__module__.replace("okx_v5", "okx") if theirs else api.__module__
    summary = f"{module}, {api.__name__}: " + _count_of(len(members), "command")
    summary += f", {posts} POST" if posts else ""
    if not built:
        stub = top.add_parser(group, help=summary, add_help=False)
        stub.add_argument("unparsed", nargs=argparse.REMAINDER)
        return
    sub = top.add_parser(
        group,
        help=summary,
        description=f"{'python-okx' if theirs else 'okx_v5'}'s {summary}."
        + (" A POST command shows what it will send and asks first." if posts else ""),
        usage="%(prog)s COMMAND [options]",
    )
    inner = sub.add_subparsers(
        title="commands", metavar="COMMAND", required=True, prog=f"{PROG} {group}"
    )
    for command in sorted(members, key=lambda command: command.name):
        _add_command(inner, command.name, command)


def _add_command(
    parent: Subcommands[Any],
    name: str,
    command: Command,
    *,
    legacy: bool = False,
) -> None:
    summary = command.endpoint.summary + (" [POST]" if command.sends else "")
    sub = parent.add_parser(
        name,
        help=f"{summary} (the same as {command.title})" if legacy else summary,
        description=_description(command, legacy=legacy),
        usage="%(prog)s [options]",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options = sub.add_argument_group("command options (the SDK validates them)")
    for option in command.options:
        options.add_argument(
            option.flag,
            dest=option.dest,
            metavar=option.metavar,
            type=option.value,
            help=option.help.replace("%", "%%") or None,  # argparse formats help with %
        )
    if command.paging is not None:
        walking = sub.add_argument_group(
            "paging (OKX answers a page at a time; these ask for the next pages too)"
        )
        walking.add_argument(
            "--all",
            dest="all_pages",
            action="store_true",
            help="every item, page after page, newest first (--limit sets the page size)",
        )
        walking.add_argument(
            "--pages",
            metavar="N",
            type=_pages,
            help="the items of the first N pages (N requests), newest first",
        )
    _add_global_options(sub, suppress=True)
    sub.set_defaults(command=command, title=name if legacy else command.title)


def _description(command: Command, *, legacy: bool) -> str:
    """What ``okx-v5 ... COMMAND --help`` says above the options, from the declaration."""
    endpoint = command.endpoint
    limits = "".join(f" At most {limit.describe()}." for limit in endpoint.limits)
    paragraphs = [
        f"{endpoint.summary}: {command.method}, {endpoint.method} {endpoint.path}.",
        ACCESS[endpoint.signed].capitalize() + "." + limits,
        *(_requirement(rule.names, rule.when) for rule in endpoint.requires),
    ]
    if command.sends:
        paragraphs.append("Shows what it will send and asks first; --yes sends without asking.")
    if legacy:
        paragraphs.append(f"The same as {PROG} {command.title}.")
    if endpoint.docs_url:
        paragraphs.append(f"OKX's documentation: {endpoint.docs_url}")
    return "\n".join(
        textwrap.fill(text, 98, break_long_words=False, break_on_hyphens=False)
        for text in paragraphs
    )


def _requirement(names: Sequence[str], when: tuple[str, frozenset[str]] | None) -> str:
    condition = ""
    if when is not None:
        param, values = when
        condition = f" when --{kebab(param)} is {' or '.join(sorted(values))}"
    return f"Needs {' or '.join('--' + kebab(name) for name in names)}{condition}."


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``okx-v5`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    try:
        args = _parse(argv)
    except SystemExit as done:  # --help, --version, or a usage error already printed
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    try:
        exit_code = _watch(args) if args.group == WATCH else _run(args.command, args)
        sys.stdout.flush()  # a reader that went away shows up here, not at interpreter exit
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `okx-v5 ... | head -1`: the reader took what it wanted; stop quietly (exit 0), and
        # keep Python from failing to flush at exit.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as failure:  # a bug: said in one line; --debug shows the traceback
        return _fail(args, _unexpected(failure), EXIT_FAILURE)
    return exit_code


def _unexpected(failure: Exception) -> str:
    try:
        text = cut(str(failure), 200)
    except Exception:  # its own __str__ raised
        text = ""
    return (
        f"unexpected {type(failure).__name__}{': ' + text if text else ''} (a bug in okx_v5: "
        "--debug shows the traceback)"
    )


def _watch(args: argparse.Namespace) -> int:
    """``okx-v5 watch``: stream a channel until ``--count`` messages or Ctrl-C (exit 0)."""
    from .websocket import WsPrivate, WsPublic
    from .websocket.declarations import channel_for
    from .websocket.watch import watch

    arg = {"channel": args.channel}
    arg.update(
        {name: value for dest, name in _WATCH_ARGS.items() if (value := getattr(args, dest))}
    )
    try:
        for item in args.extra:
            name, equals, value = item.partition("=")
            if not (equals and name.strip()):
                raise _UsageError(f"--arg {item!r}: NAME=VALUE is required, e.g. --arg uly=BTC-USD")
            arg[name.strip()] = value.strip()
        declared = channel_for(args.channel)
        private = declared is not None and (declared.login or declared.path == "private")
        with _stream_settings(args, private) as settings:
            client = (WsPrivate if private else WsPublic)(**settings)
            with client:
                width = shutil.get_terminal_size((TABLE_WIDTH, 24)).columns
                watch(
                    client,
                    [arg],
                    count=args.count,
                    as_json=args.json,
                    columns=args.columns,
                    width=width,
                    write=lambda line: print(line, flush=True),
                    rows=args.rows,
                )
    except KeyboardInterrupt:
        return EXIT_OK
    except _UsageError as problem:
        return _fail(args, str(problem), EXIT_USAGE)
    except OkxParamsException as problem:
        return _fail(args, str(problem), EXIT_USAGE)
    except OkxException as failure:
        return _fail(args, str(failure), EXIT_FAILURE)
    return EXIT_OK


@contextlib.contextmanager
def _stream_settings(args: argparse.Namespace, private: bool) -> Iterator[dict[str, Any]]:
    """The stream client's keyword arguments; with ``--sandbox``, while the sandbox runs."""
    common: dict[str, Any] = {"debug": args.debug}
    if args.timeout is not None:
        common["timeout"] = args.timeout
    if not args.sandbox:
        credentials = _credentials(args.title, True) if private else {}
        where = {"domain": _domain(args.domain), "region": _region(args.region)}
        yield {**common, **credentials, "flag": _flag(args.live), **where}
        return
    with _sandbox(args) as (domain, key):
        yield {**common, **(key if private else {}), "flag": consts.DEMO_TRADING, "domain": domain}


class _Declined(Exception):
    """The answer at the prompt was not yes: nothing was sent (exit code 1)."""


def _run(command: Command, args: argparse.Namespace) -> int:
    # For the message when there is no answer.
    domain: str = ""
    timeout: Timeout = DEFAULT_TIMEOUT
    started = time.monotonic()
    try:
        given = command.arguments(args)
        model = command.endpoint.model
        if (args.columns or args.rows) and not args.json and model and _is_model(model):
            nested = _nested(model, [], args.rows) if args.rows else None  # a typo is caught
            _columns(args.columns, record_fields(model, nested), typed=True)  # before sending
        with _settings(command, args) as settings, command.api(**settings) as client:
            domain, timeout = client.domain, client.timeout
            if command.sends and not args.yes:
                _confirm(args, command, client, given)
            started = time.monotonic()
            pages = getattr(args, "pages", None)
            if getattr(args, "all_pages", False) or pages is not None:
                return _show(args, command.call_pages(client, given, pages))
            return _show(args, command.call(client, given))
    except _Declined:
        return _fail(args, "nothing sent: not confirmed", EXIT_FAILURE)
    except _UsageError as problem:
        return _fail(args, str(problem), EXIT_USAGE)
    except OkxParamsException as problem:
        return _fail(args, _in_options(args.title, command, problem), EXIT_USAGE)
    except OkxRequestException as failure:
        waited = time.monotonic() - started
        return _fail(args, _network_error(failure, domain, timeout, waited), EXIT_FAILURE)
    except OkxException as failure:
        return _fail(args, str(failure), EXIT_FAILURE)


def _confirm(
    args: argparse.Namespace, command: Command, client: OkxClient, given: dict[str, object]
) -> None:
    """Show what a POST will send and ask; raise ``_Declined`` unless the answer is yes."""
    # checked first, at the client's level: a bad value is exit 2
    body = json.loads(json_body(command.payload(given, client.validate)))
    endpoint = command.endpoint
    if not sys.stdin.isatty():
        raise _UsageError(
            f"{args.title} sends {endpoint.method} {endpoint.path} and there is no terminal to "
            "ask on: pass --yes to send it"
        )
    where = "production" if client.flag == consts.LIVE_TRADING else "demo trading"
    print(
        f"{endpoint.method} {redact_url(client.domain)}{endpoint.path} ({where})", file=sys.stderr
    )
    print(json.dumps(body, indent=2), file=sys.stderr)
    print("Send it? [y/N] ", end="", file=sys.stderr, flush=True)
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise _Declined


def _show(args: argparse.Namespace, result: OkxResponse[Any]) -> int:
    """Print the answer (a table, or OKX's JSON) and return the exit code."""
    if args.json:
        print(json.dumps(result, indent=2))
    if not result.ok:
        return _fail(args, _okx_error(result), EXIT_FAILURE)
    if not args.json:
        model = result.model
        notes: list[str] = []
        if args.rows:
            nested = _nested(model, result.get("data") or [], args.rows)
            items: Sequence[object] = result.to_records(nested)
            names = record_fields(model, nested) if model and _is_model(model) else None
            model = None
        else:
            items = result.data
            names = None
            inner = [
                name
                for name in nested_fields(model, items)
                if any(_filled(display.value_of(item, name)) for item in items)
            ]
            if inner:
                notes.append(f"nested items: {', '.join(inner)} (see --rows)")
        names = names or display.columns(model, items)
        columns = _columns(args.columns, names, typed=_is_model(result.model))
        width = shutil.get_terminal_size((TABLE_WIDTH, 24)).columns
        print(display.text_table(items, model, picked=columns, width=width, notes=notes))
    return EXIT_OK


def _filled(value: object) -> bool:
    """Whether a nested value holds something to show as rows: an item, or a field set."""
    if isinstance(value, list):
        return bool(value)
    if attrs.has(type(value)):
        value = attrs.asdict(value, recurse=False)  # type: ignore[arg-type]
    return isinstance(value, dict) and any(field not in (None, "", []) for field in value.values())


def _nested(model: type | None, items: Sequence[object], wanted: str) -> str:
    """The nested field ``--rows`` names, in any spelling; a usage error naming those there
    are when it names none."""
    try:
        return nested_name(model, items, wanted)
    except OkxParamsException as problem:
        raise _UsageError(f"--rows: {problem}") from None


def _columns(
    wanted: Sequence[str] | None, names: Sequence[str], *, typed: bool
) -> list[str] | None:
    """The table's columns named by ``--columns``, in any spelling of a name (``inst_id``,
    ``instId``, ``inst-id``). A typed table knows its columns ``names``: an unknown name is a
    usage error. An untyped one has the keys OKX sent: an unknown name is an empty column."""
    if not wanted:
        return None
    known = {kebab(name): name for name in names}
    unknown = [name for name in wanted if kebab(name) not in known]
    if unknown and typed:
        raise _UsageError(
            f"no column {', '.join(map(repr, unknown))} in this table; its columns are "
            + ", ".join(known.values())
        )
    return [known.get(kebab(name), name) for name in wanted]


def _is_model(model: type | None) -> bool:
    return model is not None and attrs.has(model)


@contextlib.contextmanager
def _settings(command: Command, args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    """Yield the client's keyword arguments; with ``--sandbox``, while the sandbox runs."""
    common: dict[str, Any] = {"debug": args.debug}
    if args.timeout is not None:
        common["timeout"] = args.timeout
    if args.validate is not None:
        common["validate"] = VALIDATION[args.validate]
    if args.max_retries is not None:
        common["max_retries"] = args.max_retries
    if not args.sandbox:
        flag = _flag(args.live)
        where = {"domain": _domain(args.domain), "region": _region(args.region)}
        signed = command.endpoint.signed
        credentials = _credentials(args.title, signed) if signed else {}
        yield {**common, **credentials, "flag": flag, **where}
        return
    with _sandbox(args) as (domain, key):
        yield {**common, **key, "flag": consts.DEMO_TRADING, "domain": domain}


@contextlib.contextmanager
def _sandbox(args: argparse.Namespace) -> Iterator[tuple[str, dict[str, str]]]:
    """``--sandbox``: a simulated exchange while the command runs; yield its URL and key."""
    if args.live:
        raise _UsageError("--sandbox has only a demo key; it cannot be combined with --live")
    if args.domain is not None:
        raise _UsageError("--sandbox runs its own exchange; it cannot be combined with --domain")
    if args.region is not None:
        raise _UsageError("--sandbox runs its own exchange; it cannot be combined with --region")
    from .testing.fake import FakeOKX  # only now: importing okx_v5.cli starts nothing

    with FakeOKX() as sandbox:
        key = {
            "api_key": FakeOKX.DEMO_KEY,
            "api_secret_key": FakeOKX.DEMO_SECRET,
            "passphrase": FakeOKX.DEMO_PASSPHRASE,
        }
        yield sandbox.url, key


def _flag(live: bool | None) -> str:
    """The flag of ``--demo``/``--live``, else of ``OKX_FLAG``, else demo trading."""
    if live is not None:
        return consts.LIVE_TRADING if live else consts.DEMO_TRADING
    value = os.environ.get(FLAG_VARIABLE, "").strip()
    try:
        return check_flag(value) if value else consts.DEMO_TRADING
    except OkxParamsException:
        raise _UsageError(
            f"{FLAG_VARIABLE} is {value!r}; allowed values are 0 (production) and 1 (demo "
            "trading), or pass --live or --demo"
        ) from None


def _domain(given: str | None) -> str:
    """The base URL of ``--domain``, checked here so that a bad one is named as an option; else
    OKX's host, which the client replaces with ``OKX_DOMAIN`` when that is set."""
    if given is None:
        return consts.API_URL
    try:
        return check_domain(given)
    except OkxParamsException as problem:
        raise _UsageError(str(problem).replace("domain is", "--domain is", 1)) from None


def _region(given: str | None) -> str:
    """The region of ``--region`` (argparse checked it), else of ``OKX_REGION``, else global."""
    if given is not None:
        return given
    try:
        region = env_region()
    except OkxParamsException as problem:
        raise _UsageError(f"{problem}, or pass --region") from None
    return region or "global"


def _in_options(title: str, command: Command, problem: OkxParamsException) -> str:
    """The SDK's message about a parameter in the words of the command line: the command
    instead of the method, the options instead of OKX's parameter names (``--inst-type``
    instead of ``instType``), and no advice about arguments the command line has not."""
    flags = {param.key: flag_name(param.arg, param) for param in command.endpoint.params}
    flags.update({option.arg: option.flag for option in command.options})
    text = str(problem).replace(UNKNOWN_VALUE_HINT, "")
    if problem.method and text.startswith(problem.method + ": "):
        text = f"{title}: " + text.removeprefix(problem.method + ": ")
    # Values are never names: a quoted value, what is allowed ("allowed values are market,
    # limit, ..." where --limit is an option too), the value after "is", and a path or URL
    # (a word with a slash: "/api/v5/...?instId=..." is what was to be sent) stay as they are.
    values = [r"'[^']*'", r"(?<=\bis )[^\s;,']+", r"[^\s;']*/[^\s;']*"]
    if problem.allowed:
        values.insert(0, re.escape(problem.allowed))
    names = r"\b(" + "|".join(map(re.escape, flags)) + r")\b"
    words = re.compile("|".join([*values, names]))
    return words.sub(lambda word: flags.get(word[1], word[0]) if word[1] else word[0], text)


def _credentials(title: str, signed: object) -> dict[str, str]:
    """The key from the environment; an endpoint signed only "if_key" goes without one when
    none of the variables is set."""
    values = [os.environ.get(name, "").strip() for name in CREDENTIAL_VARIABLES]
    missing = [name for name, value in zip(CREDENTIAL_VARIABLES, values, strict=True) if not value]
    if missing and signed == "if_key" and len(missing) == len(values):
        return {}
    if missing:
        unset = f" ({', '.join(missing)} not set)" if len(missing) < len(values) else ""
        raise _UsageError(
            f"{title} needs an API key: set {', '.join(CREDENTIAL_VARIABLES[:-1])} and "
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
    failures = describe_failures(result)
    if failures:  # OKX's "1: Operation failed.": the reasons are the items'
        return f"OKX {failures}"
    advice = hint(result.code)
    for sdk_words, cli_words in _CLI_WORDS.items():
        advice = advice.replace(sdk_words, cli_words)
    text = f": {result.msg}" if result.msg else ""
    return f"OKX {result.code}{text}{advice}"


def _network_error(
    failure: OkxRequestException, domain: str, timeout: Timeout, waited: float
) -> str:
    tries = f"after {failure.attempts} attempts in {waited:.1f} s" if failure.attempts > 1 else ""
    domain = redact_url(domain)
    if isinstance(failure, OkxTimeoutException):
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        return (
            f"no answer from {domain} {tries or f'in {waited:.1f} s'} (each attempt waits "
            f"{connect:g} s to connect, {read:g} s for the answer; see --timeout and "
            "--max-retries)"
        )
    return f"cannot reach {domain}{' ' + tries if tries else ''}: {_root_cause(failure)}"


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
