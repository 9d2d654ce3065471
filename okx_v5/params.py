"""Parameters: python-okx's payload, OKX's documented rules, and the bytes that go on the wire.

A ``Param`` is one key of the payload: where its value comes from (python-okx's argument),
when python-okx includes it (``ALWAYS``, ``TRUTHY`` or ``Unless``), whether OKX
requires it, and the rule OKX documents for it, if any (``Choice``, ``IdList``).
``build`` makes the payload python-okx would send, checked and normalised;
``query_string`` and ``json_body`` write it for a ``GET`` or a ``POST``.

A rule turns one given value into what is sent, or raises ``Invalid`` with what is wrong and what is
allowed; ``build`` adds the method and parameter names and raises ``OkxParamsException``. ``None``
and ``""`` mean "not given".
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, Protocol
from urllib.parse import quote

import attrs

from .exceptions import OkxParamsException

__all__ = [
    "ALWAYS",
    "STRICT",
    "TRUTHY",
    "AtLeastOne",
    "Choice",
    "IdList",
    "Ids",
    "Invalid",
    "Number",
    "Param",
    "Rule",
    "Unless",
    "Unlisted",
    "Validation",
    "as_given",
    "build",
    "json_body",
    "query_string",
    "query_value",
]


logger = logging.getLogger("okx_v5")

# Commas stay literal so that multi-ID values read "A,B" on the wire, as python-okx sends them.
_QUERY_SAFE = ",-_.~"

Validation = bool | Literal["strict"]
"""How much a call checks before anything is sent:

- ``True`` (the default): what OKX certainly refuses — a required value missing, an
  "at least one of" rule broken, too many IDs, a value that cannot be sent — raises
  ``OkxParamsException``; a value outside the values OKX documents is sent as given, with one
  WARNING per method, parameter and value (OKX adds values faster than any SDK);
- ``"strict"``: that value is refused too;
- ``False``: nothing is refused; the values go out as given (lists of IDs still joined).
"""
STRICT: Literal["strict"] = "strict"

Ids = str | Iterable[str] | None
"""What a multi-ID parameter accepts: one comma-joined string or an iterable of strings."""

Number = str | int | float | Decimal | None
"""What a numeric parameter accepts: OKX's string, or a number (sent as python-okx sends it)."""

ALWAYS: Literal["always"] = "always"
"""python-okx puts the key in every payload (a ``GET`` still leaves out empty values)."""
TRUTHY: Literal["truthy"] = "truthy"
"""python-okx includes the key only when the value is truthy (``if x:``)."""


@attrs.frozen
class Unless:
    """python-okx includes the key unless the value is ``value`` (``if x is not None:``)."""

    value: object


class Invalid(Exception):
    """Raised by a rule: ``problem`` says what is wrong, ``allowed`` what would be accepted."""

    def __init__(self, problem: str, allowed: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.allowed = allowed


class Rule(Protocol):
    """Normalises one given (non-empty) value to what is sent, or raises ``Invalid``."""

    def __call__(self, value: object) -> str:
        """Return the value to send."""

    def describe(self) -> str:
        """Say what the rule allows, for error messages."""


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


UNKNOWN_VALUE_HINT = (
    " (validation is strict; without it a value okx_v5 does not know yet is sent, with a warning)"
)
"""Ends the message refusing a value outside a ``Choice``: OKX may have added it since."""


class Unlisted(Invalid):
    """A value outside the values OKX documents: refused by strict validation only."""


@attrs.frozen
class Choice:
    """One of the values OKX lists; matched case-insensitively, sent in OKX's spelling. A
    whole number is accepted where the values are numeric codes (``type=1``). With ``multiple``
    (OKX documents several at once) a comma-joined string of them is one value too."""

    values: tuple[str, ...]
    multiple: bool = False

    def describe(self) -> str:
        several = " (several comma-joined)" if self.multiple else ""
        return "allowed values are " + ", ".join(self.values) + several

    def __call__(self, value: object) -> str:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if isinstance(text, str):
            parts = text.split(",") if self.multiple else [text]
            found = [self._spelled(part) for part in parts]
            if all(found):
                return ",".join(found)  # type: ignore[arg-type]
        raise Unlisted(f"is {_shown(value)}", self.describe())

    def _spelled(self, text: str) -> str | None:
        wanted = text.strip().lower()
        return next((choice for choice in self.values if choice.lower() == wanted), None)


@attrs.frozen
class IdList:
    """One ID, a comma-joined string of IDs, or an iterable of ID strings, as many as OKX allows.

    Items are stripped; empty items are refused; duplicates are dropped, first order kept.
    """

    max_items: int

    def describe(self) -> str:
        return f"one ID or up to {self.max_items} comma-separated IDs (a string or a list)"

    def __call__(self, value: object) -> str:
        if isinstance(value, str):
            given: list[object] = [value]
        elif isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
            given = list(value)
        else:
            raise Invalid(f"is {_shown(value)}", self.describe())
        items: list[str] = []
        for position, item in enumerate(given, start=1):
            if not isinstance(item, str):
                raise Invalid(f"item {position} is {_shown(item)}, not a string", self.describe())
            items.extend(item.split(","))  # an item may itself be comma-joined
        seen: dict[str, None] = {}
        for position, item in enumerate(items, start=1):
            item = item.strip()
            if not item:
                raise Invalid(f"item {position} is empty (value {_shown(value)})", self.describe())
            seen.setdefault(item, None)
        if len(seen) > self.max_items:
            raise Invalid(f"has {len(seen)} items", f"at most {self.max_items} are allowed")
        return ",".join(seen)

    @staticmethod
    def joined(value: object) -> object:
        """``value`` as sent without checks: a list of strings comma-joined, else as given."""
        if isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping)):
            items = list(value)
            if all(isinstance(item, str) for item in items):
                return ",".join(items)
        return value


@attrs.frozen
class Param:
    """One key of the payload.

    Attributes:
        key: OKX's name on the wire.
        arg: the python-okx argument the value comes from (usually ``key``).
        rule: what OKX documents the value must be, or ``None``: sent as given.
        required: OKX requires it: a missing value is refused before sending.
        send: when python-okx includes the key: ``ALWAYS``, ``TRUTHY`` or
            ``Unless``.
    """

    key: str
    arg: str = ""
    rule: Rule | None = None
    required: bool = False
    send: Literal["always", "truthy"] | Unless = ALWAYS

    def __attrs_post_init__(self) -> None:
        if not self.arg:
            object.__setattr__(self, "arg", self.key)

    def describe(self) -> str:
        """What the value may be, for error messages."""
        return self.rule.describe() if self.rule is not None else "a value is required"

    def included(self, value: object) -> bool:
        """Whether python-okx puts this key in the payload for ``value``."""
        if self.send == ALWAYS:
            return True
        if self.send == TRUTHY:
            return bool(value)
        return value != self.send.value


@attrs.frozen
class AtLeastOne:
    """At least one of ``names`` must be given; only ``when`` (param, values) holds if set."""

    names: tuple[str, ...]
    when: tuple[str, frozenset[str]] | None = None

    def problem(self, values: Mapping[str, object]) -> str | None:
        """Return what is missing, or ``None`` when the condition is met."""
        condition = ""
        if self.when is not None:
            param, triggers = self.when
            if values.get(param) not in triggers:
                return None
            condition = f" when {param} is {values[param]}"
        if any(not _is_empty(values.get(name)) for name in self.names):
            return None
        return f"one of {', '.join(self.names)} is required{condition}"


def build(
    method: str,
    params: Sequence[Param],
    requires: Sequence[AtLeastOne],
    given: Mapping[str, object],
    *,
    validate: Validation = True,
) -> dict[str, Any]:
    """Return the payload python-okx builds for ``given`` (its arguments), in its key order.

    With ``validate`` (see ``Validation``) a required value that is missing, or a value its rule
    refuses, raises ``OkxParamsException``; values are sent normalised (``"CROSS"`` as ``cross``, a
    list of IDs comma-joined). A value outside a ``Choice`` is refused only by ``"strict"``;
    otherwise it is sent as given, with one warning. Without ``validate`` values are sent as given.
    A value that cannot be sent (a NaN, an object) is always refused.
    """
    checks = validate is not False
    payload: dict[str, Any] = {}
    for param in params:
        value = as_given(given.get(param.arg))
        if not param.included(value):
            continue
        if checks and _is_empty(value):
            if param.required:
                raise _error(method, param.key, value, "is required", param.describe())
        else:
            value = _sent(method, param, value, validate)
        payload[param.key] = value
    if checks:
        for rule in requires:
            missing = rule.problem(payload)
            if missing:
                raise OkxParamsException(
                    f"{method}: {missing}",
                    method=method,
                    param=rule.names[0],
                    value=None,
                    allowed=" or ".join(rule.names),
                )
    return payload


def as_given(value: object) -> object:
    """``value`` as python-okx has it: the empty tuple, which the API methods' signatures give
    where python-okx's default is ``[]`` (a shared mutable default), is a new ``[]``."""
    return [] if isinstance(value, tuple) and not value else value


def _sent(method: str, param: Param, value: object, validate: Validation) -> object:
    """What goes out for a given (non-empty) ``value`` of ``param``, or raise."""
    try:
        _check_sendable(value)
        if validate is not False and param.rule is not None:
            return param.rule(value)
        if isinstance(param.rule, IdList):
            return param.rule.joined(value)
    except Unlisted as unlisted:
        if validate == STRICT:
            raise _error(
                method, param.key, value, unlisted.problem, unlisted.allowed, UNKNOWN_VALUE_HINT
            ) from None
        _warn_unlisted(method, param.key, value, unlisted.allowed)
    except Invalid as bad:
        raise _error(method, param.key, value, bad.problem, bad.allowed) from None
    return value


_warned: set[tuple[str, str, str]] = set()


def _warn_unlisted(method: str, key: str, value: object, allowed: str) -> None:
    """One WARNING per method, parameter and value in a process: sent, but not documented."""
    seen = (method, key, _shown(value))
    if seen in _warned:
        return
    _warned.add(seen)
    logger.warning(
        "%s: %s %s is not a value OKX documents (%s); sent as given, for OKX to accept or refuse",
        method,
        key,
        seen[2],
        allowed,
    )


def query_value(value: object) -> str:
    """Return ``value`` as it goes into a query string, as python-okx writes it (``str``),
    except where that would be wrong: a list is comma-joined, a bool is ``true``/``false``
    (OKX's spelling), and a ``Decimal`` or float is written without an exponent."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return ",".join(map(query_value, value))
    return _text(value)


def query_string(payload: Mapping[str, object]) -> str:
    """Return the payload as python-okx's query string (``?a=1&b=2``, or ``""``).

    Keys whose value is ``None`` or ``""`` are left out, as python-okx does. Values are
    percent-encoded except for commas and unreserved characters, so IDs such as
    ``BTC-USDT,ETH-USDT`` go out unchanged; the result is both signed and sent.
    (python-okx's ``parse_params_to_str``, kept in ``okx_v5.utils``, does not encode: it
    signs ``a b`` where the URL carries ``a%20b``.)
    """
    try:
        parts = [
            f"{quote(str(key), safe=_QUERY_SAFE)}={quote(text, safe=_QUERY_SAFE)}"
            for key, value in payload.items()
            if value is not None and (text := query_value(value)) != ""
        ]
    except Invalid as bad:
        raise OkxParamsException(f"{bad.problem}; {bad.allowed}") from None
    except UnicodeEncodeError as bad:
        raise OkxParamsException(
            "a parameter contains a character that cannot be encoded (a lone surrogate at "
            f"position {bad.start}); valid Unicode text is required"
        ) from None
    return "?" + "&".join(parts) if parts else ""


def json_body(payload: object) -> str:
    """Return the payload as python-okx's ``POST`` body: ``json.dumps`` of the values as given
    (a float stays a JSON number), with a ``Decimal`` written as OKX's string form. A NaN or
    an infinity has no JSON form: it is refused, never sent as ``NaN``."""
    try:
        return json.dumps(payload, default=_json_default, allow_nan=False)
    except (TypeError, ValueError) as bad:
        raise OkxParamsException(f"the request body cannot be written as JSON: {bad}") from None


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        return format(value, "f")
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _text(value: object) -> str:
    """``str(value)``, or ``Invalid`` for an int too long to write (over 4300 digits)."""
    try:
        return str(value)
    except ValueError:
        raise Invalid("is a number with too many digits", "a number that fits a request") from None


def _shown(value: object) -> str:
    """``repr(value)`` for a message, cut short when long."""
    try:
        text = repr(value)
    except ValueError:  # an int too long to write
        return "a number with too many digits"
    return text if len(text) <= 80 else text[:77] + "..."


def _error(
    method: str, name: str, value: object, problem: str, allowed: str, hint: str = ""
) -> OkxParamsException:
    if isinstance(value, int) and not isinstance(value, bool) and _shown(value).startswith("a "):
        value = None  # an int too long to write would fail again in every repr of the error
    return OkxParamsException(
        f"{method}: {name} {problem}; {allowed}{hint}",
        method=method,
        param=name,
        value=value,
        allowed=allowed,
    )


def _check_sendable(value: object) -> None:
    """Refuse what cannot be written for the wire at all, checked or not: text with a lone
    surrogate, an integer too long to write, a NaN or an infinity. Items of a list are looked
    at too."""
    values = value if isinstance(value, (list, tuple)) and not isinstance(value, str) else (value,)
    for item in values:
        if isinstance(item, str):
            try:
                item.encode()
            except UnicodeEncodeError:
                raise Invalid(
                    "contains a character that cannot be encoded (a lone surrogate)",
                    "valid Unicode text",
                ) from None
        elif isinstance(item, int):
            _text(item)
        elif isinstance(item, (float, Decimal)) and not math.isfinite(item):
            raise Invalid(f"is {item}, not a finite number", "a finite number")
