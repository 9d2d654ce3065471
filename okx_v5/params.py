"""Parameter rules: normalise what the caller passed and refuse what OKX would refuse.

Each rule turns one value into the string that goes on the wire, or raises :class:`Invalid`
with what is wrong and what is allowed; :func:`prepare` adds the method and parameter names and
raises :class:`~okx_v5.exceptions.OkxParamsException`. ``None`` and ``""`` mean "not given".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Protocol

import attrs

from .exceptions import OkxParamsException

__all__ = [
    "AtLeastOne",
    "Choice",
    "IdList",
    "Ids",
    "Invalid",
    "Param",
    "PositiveInt",
    "Rule",
    "Text",
    "prepare",
]


Ids = str | Iterable[str] | None
"""What a multi-ID parameter accepts: one comma-joined string or an iterable of strings."""


class Invalid(Exception):
    """Raised by a rule: ``problem`` says what is wrong, ``allowed`` what would be accepted."""

    def __init__(self, problem: str, allowed: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.allowed = allowed


class Rule(Protocol):
    """Normalises one given (non-empty) value to its wire string, or raises :class:`Invalid`."""

    def __call__(self, value: object) -> str | None: ...

    def describe(self) -> str:
        """Say what the rule allows, for error messages."""


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@attrs.frozen
class Choice:
    """One of a fixed set of values; matched case-insensitively, sent in OKX's spelling."""

    values: tuple[str, ...]

    def describe(self) -> str:
        return "allowed values are " + ", ".join(self.values)

    def __call__(self, value: object) -> str:
        if isinstance(value, str):
            wanted = value.strip().lower()
            for choice in self.values:
                if choice.lower() == wanted:
                    return choice
        raise Invalid(f"is {_shown(value)}", self.describe())


@attrs.frozen
class IdList:
    """One ID, a comma-joined string of IDs, or an iterable of ID strings.

    Items are stripped; empty items are refused; duplicates are dropped, first order kept.
    """

    max_items: int

    def describe(self) -> str:
        return f"one ID or up to {self.max_items} comma-separated IDs (a string or a list)"

    def __call__(self, value: object) -> str | None:
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
        return ",".join(seen) or None


@attrs.frozen
class PositiveInt:
    """A positive whole number, as an ``int`` or a digit string."""

    def describe(self) -> str:
        return "a positive integer is required"

    def __call__(self, value: object) -> str:
        if isinstance(value, bool):
            raise Invalid(f"is {_shown(value)}", self.describe())
        if isinstance(value, int) and value > 0:
            return _text(value)
        # isdecimal, not isdigit: "¹" is a digit but not a decimal one. Digits of any script
        # are sent as ASCII, without int(), which refuses more than 4300 of them.
        if isinstance(value, str) and value.strip().isdecimal():
            digits = "".join(str(unicodedata.decimal(char)) for char in value.strip())
            if digits.strip("0"):
                return digits.lstrip("0")
        raise Invalid(f"is {_shown(value)}", self.describe())


@attrs.frozen
class Text:
    """A single free-form token such as a currency; stripped."""

    def describe(self) -> str:
        return "a string is required"

    def __call__(self, value: object) -> str:
        if isinstance(value, str):
            return value.strip()
        raise Invalid(f"is {_shown(value)}", self.describe())


@attrs.frozen
class Param:
    """One request parameter: its OKX name, its rule, and whether OKX requires it."""

    name: str
    rule: Rule
    required: bool = False


@attrs.frozen
class AtLeastOne:
    """At least one of ``names`` must be given; only ``when`` (param, values) holds if set."""

    names: tuple[str, ...]
    when: tuple[str, frozenset[str]] | None = None

    def problem(self, values: Mapping[str, str]) -> str | None:
        """Return what is missing, or ``None`` when the condition is met."""
        condition = ""
        if self.when is not None:
            param, triggers = self.when
            if values.get(param) not in triggers:
                return None
            condition = f" when {param} is {values[param]}"
        if any(values.get(name) for name in self.names):
            return None
        return f"one of {', '.join(self.names)} is required{condition}"


def _raw(value: object) -> str | None:
    """The wire string for a value sent without validation."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return ",".join(map(_text, value))
    return _text(value)


def _text(value: object) -> str:
    """``str(value)``, or :class:`Invalid` for an int too long to write (over 4300 digits)."""
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


def _sendable(wire: str) -> None:
    """Refuse text that cannot be encoded for the wire (a lone surrogate, say)."""
    try:
        wire.encode()
    except UnicodeEncodeError:
        raise Invalid(
            "contains a character that cannot be encoded (a lone surrogate)", "valid Unicode text"
        ) from None


def prepare(
    method: str,
    params: tuple[Param, ...],
    requires: tuple[AtLeastOne, ...],
    given: Mapping[str, object],
    *,
    validate: bool = True,
) -> dict[str, str]:
    """Return the wire parameters, in declaration order, with empty ones left out.

    With ``validate`` every rule runs and the first failure raises ``OkxParamsException``;
    without it the values are sent as given (lists joined with commas).
    """
    out: dict[str, str] = {}
    for param in params:
        value = given.get(param.name)
        if validate and _is_empty(value):
            if param.required:
                raise _error(method, param.name, value, "is required", param.rule.describe())
            continue
        try:
            wire = param.rule(value) if validate else _raw(value)
            if wire:
                _sendable(wire)
        except Invalid as bad:
            raise _error(method, param.name, value, bad.problem, bad.allowed) from None
        if wire:
            out[param.name] = wire
    if validate:
        for rule in requires:
            missing = rule.problem(out)
            if missing:
                raise OkxParamsException(
                    f"{method}: {missing}",
                    method=method,
                    param=rule.names[0],
                    value=None,
                    allowed=" or ".join(rule.names),
                )
    return out


def _error(method: str, name: str, value: object, problem: str, allowed: str) -> OkxParamsException:
    if isinstance(value, int) and not isinstance(value, bool) and _shown(value).startswith("a "):
        value = None  # an int too long to write would fail again in every repr of the error
    return OkxParamsException(
        f"{method}: {name} {problem}; {allowed}",
        method=method,
        param=name,
        value=value,
        allowed=allowed,
    )
