"""The commands of ``okx-v5``, derived from the endpoint declarations: one per SDK method.

Names are derived, never written by hand, so a python-okx user can guess them:

- a **group** per python-okx module, named after its declarations module in kebab-case
  (``okx_v5.endpoints.market_data`` is ``market-data``, ``Finance.Savings`` is
  ``finance-savings``);
- a **command** per method, named after it without a leading ``get_``, in kebab-case
  (``MarketAPI.get_ticker`` is ``okx-v5 market-data ticker``, ``TradeAPI.place_order`` is
  ``okx-v5 trade place-order``);
- an **option** per argument of the method, named after the OKX parameter it sends, in
  kebab-case (``instId`` is ``--inst-id``; python-okx's ``ugly``, ``from_`` and ``froms`` send
  ``uly`` and ``from``: ``--uly``, ``--from``); an argument that is the whole body (``orders_data``)
  keeps its own name (``--orders-data``).

What an option accepts comes from the declaration (``Param.kind``), never from the method's
annotations: objects and lists of objects are JSON, lists of strings are comma-separated,
booleans are ``true`` or ``false`` (in any case; nothing else, as OKX takes nothing else). Its
help comes from the declaration: required, the allowed values, how many IDs. ``commands`` imports
every declaration and API class, never a model.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import inspect
import json
import math
import re
from collections.abc import Mapping
from importlib import import_module
from types import ModuleType
from typing import Any, Literal

import attrs

from . import endpoints, quirks
from .endpoint import Endpoint
from .okxclient import OkxClient
from .paging import Paging, paged, walk
from .params import Choice, IdList, Param, Validation
from .response import OkxResponse

__all__ = ["LEGACY", "Command", "Kind", "Option", "command_name", "commands", "flag_name"]

Kind = Literal["text", "bool", "list", "json", "any"]
"""How an option's text becomes the argument: as it is; ``true``/``false`` as a bool (any
other text is a usage error); a
comma-separated list (or a JSON array); JSON; or, where nothing is documented, JSON when the
text is a JSON array or object, and the text otherwise."""

LEGACY: Mapping[str, tuple[str, str]] = {
    "leverage": ("account", "leverage"),
    "position-tiers": ("public-data", "position-tiers"),
}
"""The commands ``okx-v5`` had before the groups, kept at the top level under their names."""

_BOOLEANS = {"true": True, "false": False}


def kebab(name: str) -> str:
    """``instFamily`` → ``inst-family``, ``from_`` → ``from``, ``VIP_loan`` → ``vip-loan``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", name).lower().strip("_").replace("_", "-")


def group_name(module: ModuleType) -> str:
    """The group of a declarations module: ``okx_v5.endpoints.market_data`` → ``market-data``."""
    return kebab(module.__name__.rpartition(".")[2])


def command_name(endpoint: Endpoint[Any]) -> str:
    """The command of an endpoint: its method without ``get_``, ``get_ticker`` → ``ticker``."""
    return kebab(endpoint.name.removeprefix("get_"))


# The command line's own options that an OKX key may be named like (the economic calendar
# takes ``region``, the CLI's ``--region`` picks OKX's site); a test holds it to the parser.
GLOBAL_FLAGS = frozenset(
    {"--columns", "--debug", "--demo", "--domain", "--help", "--json", "--live", "--max-retries"}
    | {"--region", "--rows", "--sandbox", "--timeout", "--validate", "--version", "--yes"}
)


def flag_name(arg: str, param: Param | None) -> str:
    """The option of a method argument: the kebab-case of the OKX key it sends, or of its own
    name when it sends none (``instId`` → ``--inst-id``, ``ugly`` → ``--uly``); ``--okx-`` first
    where that is one of the command line's own options (``--okx-region``)."""
    flag = "--" + kebab(param.key if param is not None else arg)
    return "--okx-" + flag[2:] if flag in GLOBAL_FLAGS else flag


_KINDS: Mapping[str, Kind] = {
    "bool": "bool",
    "list[str]": "list",
    "object": "json",
    "list[object]": "json",
    "any": "any",
}
"""How each kind of value OKX documents (``Param.kind``) is read; the rest is text."""


def _kind(param: Param | None, body: bool) -> Kind:
    if body:
        return "json"
    return _KINDS.get(param.kind, "text") if param is not None else "any"


def _rule_words(param: Param | None) -> list[str]:
    if param is None:
        return []
    words = ["required"] if param.required else []
    if isinstance(param.rule, Choice):
        words.append("one of " + ", ".join(param.rule.values))
    elif isinstance(param.rule, IdList):
        words.append(f"up to {param.rule.max_items}, comma-separated")
    if param.max_items:
        words.append(f"at most {param.max_items} items")
    return words


_KIND_WORDS = {
    "bool": "true or false (in any case)",
    "list": "comma-separated, or a JSON array",
    "any": "",
    "text": "",
}


def _kind_words(kind: Kind, param: Param | None, body: bool) -> str:
    if kind == "json":
        array = body or (param is not None and param.kind == "list[object]")
        return "JSON: " + ("an array of objects" if array else "an object")
    return _KIND_WORDS[kind]


@attrs.frozen
class Option:
    """One option of a command: ``flag`` passes the method's argument ``arg``."""

    flag: str
    arg: str
    help: str = ""
    kind: Kind = "text"
    needed: bool = False
    """The method has no default for it: when not given it is passed as ``None``."""

    @classmethod
    def of(
        cls,
        arg: str,
        param: Param | None,
        *,
        body: bool = False,
        most: int = 0,
        needed: bool = False,
    ) -> Option:
        """The option of the method's argument ``arg``: ``param`` is its declaration, if it
        sends one; ``body`` says the argument is the whole body, of at most ``most`` items
        (``0``: OKX documents no maximum); ``needed``, that the method has no default for it."""
        kind = _kind(param, body)
        words = ["the whole request body"] if body else []
        words += [f"at most {most} items"] if body and most else []
        words += _rule_words(param)
        words += filter(None, [_kind_words(kind, param, body)])
        flag = flag_name(arg, param)
        if flag != "--" + kebab(arg):
            words.append(f"python-okx's {arg}")
        said = "; ".join(words)
        if param is not None and param.doc:  # OKX's description, after the SDK's rules
            said = f"{said}. {param.doc}" if said else param.doc
        return cls(flag, arg, said, kind, needed=needed)

    @property
    def dest(self) -> str:
        """Where argparse keeps the value (apart from the global options' names)."""
        return "arg." + self.arg

    @property
    def metavar(self) -> str:
        if self.kind == "bool":
            return "{" + ",".join(_BOOLEANS) + "}"
        return "JSON" if self.kind == "json" else self.flag[2:].replace("-", "_").upper()

    def value(self, text: str) -> object:
        """The argument given as ``text`` on the command line (``argparse``'s ``type``)."""
        if self.kind == "bool":
            try:
                return _BOOLEANS[text.strip().lower()]
            except KeyError:
                raise argparse.ArgumentTypeError(
                    f"{text!r} is not true or false (in any case)"
                ) from None
        if self.kind == "list":
            return _json(text) if text.lstrip().startswith("[") else text.split(",")
        if self.kind == "json":
            return _json(text)
        if self.kind == "any" and text.lstrip()[:1] in ("[", "{"):
            with contextlib.suppress(argparse.ArgumentTypeError):
                return _json(text)
        return text


def _json(text: str) -> object:
    """The JSON value of ``text``; what OKX cannot take (``NaN``, ``Infinity``, ``1e400``) or
    Python cannot read (a number of 5,000 digits, arrays nested thousands deep) is a usage
    error, quoted short."""
    try:
        return json.loads(text, parse_constant=_not_a_number, parse_float=_finite)
    except argparse.ArgumentTypeError:
        raise
    except RecursionError:
        problem = "nested too deeply"
    except ValueError as bad:
        problem = "a number with too many digits" if "digits" in str(bad) else str(bad)
    raise argparse.ArgumentTypeError(f"not JSON ({problem}): {cut(text)!r}")


def _not_a_number(word: str) -> object:
    raise argparse.ArgumentTypeError(f"{word} is not a number OKX takes (JSON has no {word})")


def _finite(word: str) -> float:
    value = float(word)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{cut(word)} is too large a number")
    return value


def cut(text: str, width: int = 60) -> str:
    """``text`` cut short for a message, so a long argument does not flood the terminal."""
    return text if len(text) <= width else text[: width - 3] + "..."


@attrs.frozen
class Command:
    """One subcommand: ``endpoint``, called as the method of the same name on ``api``."""

    group: str
    name: str
    api: type[OkxClient]
    endpoint: Endpoint[Any]
    options: tuple[Option, ...]

    @property
    def title(self) -> str:
        """What is typed after ``okx-v5``: ``account leverage``."""
        return f"{self.group} {self.name}"

    @property
    def method(self) -> str:
        """The Python method: ``AccountAPI.get_leverage``."""
        return f"{self.api.__name__}.{self.endpoint.name}"

    @property
    def sends(self) -> bool:
        """Whether the command changes something (a ``POST``): it asks before sending."""
        return self.endpoint.method != "GET"

    def arguments(self, args: argparse.Namespace) -> dict[str, object]:
        """The method's keyword arguments given on the command line (and ``None`` for those
        the method needs but the command line left out: the SDK then says what is missing)."""
        given = ((option, getattr(args, option.dest, None)) for option in self.options)
        return {option.arg: value for option, value in given if value is not None or option.needed}

    def payload(self, given: Mapping[str, object], validate: Validation = True) -> Any:
        """What the method sends for ``given`` (and its defaults), checked as the SDK checks it
        at the level ``validate``."""
        arguments = inspect.signature(getattr(self.api, self.endpoint.name)).bind(None, **given)
        arguments.apply_defaults()
        given_all = quirks.apply(self.endpoint.quirk, arguments.arguments)
        return self.endpoint.payload(given_all, validate=validate)

    def call(self, client: OkxClient, given: Mapping[str, object]) -> OkxResponse[Any]:
        """Call the SDK method with the arguments ``given``."""
        result: OkxResponse[Any] = getattr(client, self.endpoint.name)(**given)
        return result

    @property
    def paging(self) -> Paging | None:
        """How OKX pages the endpoint (``--all``, ``--pages``), or ``None`` if it does not."""
        return paged().get(self.method)

    def call_pages(
        self, client: OkxClient, given: Mapping[str, object], pages: int | None
    ) -> OkxResponse[Any]:
        """Call the SDK method page after page (``okx_v5.paginate``), at most ``pages`` times
        or until the pages run out, and return one answer with every item as OKX sent it."""
        method = getattr(client, self.endpoint.name)
        arguments: dict[str, Any] = dict(given)
        data = [raw for raw, _ in walk(method, pages=pages, **arguments)]
        payload = {"code": "0", "msg": "", "data": data}
        return OkxResponse(payload, self.endpoint.model_ref, method="GET", path=self.endpoint.path)


def _options(api: type[OkxClient], endpoint: Endpoint[Any]) -> tuple[Option, ...]:
    # The method gives the arguments' names and which have no default (python-okx's
    # signature, then okx_v5's keyword-only ones OKX documents); what each accepts comes from
    # its declaration, never from an annotation.
    params = {param.arg: param for param in endpoint.params}
    signature = inspect.signature(getattr(api, endpoint.name))
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return tuple(
        Option.of(
            name,
            params.get(name),
            body=name == endpoint.body_arg,
            most=endpoint.max_items,
            needed=parameter.default is inspect.Parameter.empty,
        )
        for name, parameter in signature.parameters.items()
        if parameter.kind in kinds and name not in ("self", "validate", "extra")
    )


def _group(module: ModuleType) -> list[Command]:
    api: type[OkxClient] = getattr(import_module(f"okx_v5.{module.MODULE}"), module.API)
    group = group_name(module)
    return [
        Command(group, command_name(value), api, value, _options(api, value))
        for value in vars(module).values()
        if isinstance(value, Endpoint)
    ]


@functools.lru_cache(maxsize=1)
def commands() -> tuple[Command, ...]:
    """Every command, group by group, in python-okx's method order (imported on first call)."""
    return tuple(command for module in endpoints.groups() for command in _group(module))
