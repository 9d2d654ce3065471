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
import re
import reprlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    "Kind",
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

Ids = str | Iterable[str]
"""What a multi-ID parameter accepts: one comma-joined string or an iterable of strings (an
optional one also takes ``None``: not given)."""

Number = str | int | float | Decimal
"""What a numeric parameter accepts: OKX's string, or a number (sent as python-okx sends it;
an optional one also takes ``None``: not given)."""

Kind = Literal["str", "number", "bool", "list[str]", "object", "list[object]", "any"]
"""What OKX documents a parameter's value to be (the facts' ``type``): text, a number (OKX's
numeric string, or a number), a boolean, a list of strings, a JSON object, a list of JSON
objects; ``"any"`` where OKX documents nothing of it."""

ALWAYS: Literal["always"] = "always"
"""python-okx puts the key in every payload (a ``GET`` still leaves out empty values)."""
TRUTHY: Literal["truthy"] = "truthy"
"""python-okx includes the key only when the value is truthy (``if x:``)."""


@attrs.frozen
class Unless:
    """python-okx includes the key unless the value is ``value`` (``if x is not None:``)."""

    value: object


class Invalid(Exception):
    """Raised by a rule: ``problem`` says what is wrong, ``allowed`` what would be accepted;
    ``where`` is the place inside the value (``[0]['sz']``), ``""`` for the value itself."""

    def __init__(self, problem: str, allowed: str, where: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.allowed = allowed
        self.where = where


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
    # OKX's spelling of each value by its lower case, built once (the first value wins, as a
    # scan in order would find it): a call looks its value up instead of lowering them all.
    _spellings: dict[str, str] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        spellings: dict[str, str] = {}
        for choice in self.values:
            spellings.setdefault(choice.lower(), choice)
        object.__setattr__(self, "_spellings", spellings)

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
        return self._spellings.get(text.strip().lower())


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
        max_items: for a value OKX takes as a JSON array, the most items it documents (a
            longer list is refused at every validation level); ``0`` when it documents none.
        kind: what OKX documents the value to be (``Kind``): the method's annotation and the
            CLI's reading of an option both come from it.
        doc: OKX's description of the key, one line (the CLI's ``--help`` shows it); ``""``
            where OKX documents none.
    """

    key: str
    arg: str = ""
    rule: Rule | None = None
    required: bool = False
    send: Literal["always", "truthy"] | Unless = ALWAYS
    max_items: int = 0
    kind: Kind = "str"
    doc: str = attrs.field(default="", repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if not self.arg:
            object.__setattr__(self, "arg", self.key)

    @property
    def values(self) -> tuple[str, ...]:
        """The values OKX lists for it (``Choice``), or ``()`` when it lists none."""
        return self.rule.values if isinstance(self.rule, Choice) else ()

    def describe(self) -> str:
        """What the value may be, for error messages."""
        return self.rule.describe() if self.rule is not None else "a value is required"

    def included(self, value: object) -> bool:
        """Whether python-okx puts this key in the payload for ``value``."""
        if self.send == ALWAYS:
            return True
        if self.send == TRUTHY:
            return bool(value)
        return bool(value != self.send.value)


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
            value = values.get(param)
            if not isinstance(value, str) or value not in triggers:
                return None
            condition = f" when {param} is {value}"
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
    as_json: bool = True,
) -> dict[str, Any]:
    """Return the payload python-okx builds for ``given`` (its arguments), in its key order.

    With ``validate`` (see ``Validation``) a required value that is missing, or a value its rule
    refuses, raises ``OkxParamsException``; values are sent normalised (``"CROSS"`` as ``cross``, a
    list of IDs comma-joined). A value outside a ``Choice`` is refused only by ``"strict"``;
    otherwise it is sent as given, with one warning. Without ``validate`` values are sent as given.
    At every level a value that cannot be written for the wire (see ``check_sendable``; the
    JSON body when ``as_json``, else the query string) and a list longer than OKX's documented
    maximum are refused.
    """
    checks = validate is not False
    payload: dict[str, Any] = {}
    for param in params:
        value = as_given(given.get(param.arg))
        try:
            included = param.included(value)
        except Exception as failed:  # a value whose __bool__ or __ne__ raises
            raise _error(
                method,
                param.key,
                value,
                _raised("cannot be tested as python-okx does", failed),
                "text, a number, a bool, a list or an object",
            ) from None
        if not included:
            continue
        if checks and _is_empty(value):
            if param.required:
                raise _error(method, param.key, value, "is required", param.describe())
        else:
            value = _sent(method, param, value, validate, as_json)
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


def check_count(method: str, name: str, value: object, max_items: int) -> None:
    """Refuse a list (or tuple) ``value`` of more than ``max_items`` items, the most OKX
    documents for ``name`` of ``method``, at every validation level: OKX refuses it whole
    (51000, 51111), and no rate-limit window need be spent on it. ``0``: no maximum."""
    if max_items and isinstance(value, (list, tuple)) and len(value) > max_items:
        raise OkxParamsException(
            f"{method}: {name} has {len(value)} items; OKX takes at most {max_items} per request",
            method=method,
            param=name,
            value=len(value),
            allowed=f"at most {max_items} items",
        )


def check_body(method: str, name: str, value: object) -> None:
    """Refuse, as ``OkxParamsException`` naming ``name`` of ``method``, a JSON body value that
    cannot be written (see ``check_sendable``)."""
    try:
        check_sendable(value, as_json=True)
    except Invalid as bad:
        raise _error(method, name, value, bad.problem, bad.allowed, where=bad.where) from None


def _sent(method: str, param: Param, value: object, validate: Validation, as_json: bool) -> object:
    """What goes out for a given (non-empty) ``value`` of ``param``, or raise."""
    try:
        if not as_json:
            value = _materialised(value)
        check_sendable(value, as_json=as_json)
        check_count(method, param.key, value, param.max_items)
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
        raise _error(method, param.key, value, bad.problem, bad.allowed, where=bad.where) from None
    return value


def _materialised(value: object) -> object:
    """A one-shot iterator (a generator) of a query value as a list, so that checking it
    does not use it up; any other value as it is."""
    if type(value) in _LEAVES or not isinstance(value, Iterator):
        return value
    try:
        return list(value)
    except Exception as failed:
        raise Invalid(
            _raised("cannot be iterated", failed), "text, a number or a list of them"
        ) from None


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
        return format(Decimal(float.__repr__(value)), "f")
    if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)):
        return ",".join(map(query_value, value))
    return _text(value)


def query_string(payload: Mapping[str, object]) -> str:
    """Return the payload as python-okx's query string (``?a=1&b=2``, or ``""``).

    Keys whose value is ``None`` or ``""`` are left out, as python-okx does. Values are
    percent-encoded except for commas and unreserved characters, so IDs such as
    ``BTC-USDT,ETH-USDT`` go out unchanged; the result is both signed and sent.
    (python-okx's ``parse_params_to_str``, kept in ``okx_v5.utils``, does not encode: it
    signs ``a b`` where the URL carries ``a%20b``.) A value that cannot be written (see
    ``check_sendable``) raises ``OkxParamsException`` naming its key.
    """
    parts = []
    for key, given in payload.items():
        value = given
        try:
            value = _materialised(given)
            check_sendable(key, as_json=False)
            check_sendable(value, as_json=False)
            if value is None or (text := query_value(value)) == "":
                continue
            name = key if type(key) is str else str(key)
            parts.append(f"{_quoted(name)}={_quoted(text)}")
        except Invalid as bad:
            raise _error("", _key(key), value, bad.problem, bad.allowed, where=bad.where) from None
        except Exception as failed:  # what the checks above cannot foresee: never sent
            raise _error(
                "",
                _key(key),
                value,
                _raised("cannot be written into a query string", failed),
                "text, a number or a list of them",
            ) from None
    return "?" + "&".join(parts) if parts else ""


def json_body(payload: object) -> str:
    """Return the payload as python-okx's ``POST`` body: ``json.dumps`` of the values as given
    (a float stays a JSON number), with a ``Decimal`` written as OKX's string form. A value
    that cannot be written (see ``check_sendable``: a NaN or an infinity, which has no JSON
    form, included) raises ``OkxParamsException`` naming its key, never sent as ``NaN``."""
    items = payload.items() if isinstance(payload, Mapping) else [("body", payload)]
    for key, value in items:
        try:
            check_sendable(value, as_json=True)
        except Invalid as bad:
            raise _error("", _key(key), value, bad.problem, bad.allowed, where=bad.where) from None
    try:
        return json.dumps(payload, default=_json_default, allow_nan=False)
    except Exception as failed:  # what check_sendable cannot foresee: never sent
        raise OkxParamsException(
            _raised("the request body cannot be written as JSON", failed)
        ) from None


_UNRESERVED = re.compile(r"[A-Za-z0-9,\-_.~]*")
"""What ``quote(text, safe=_QUERY_SAFE)`` leaves as it is: most keys and values are only that."""


def _quoted(text: str) -> str:
    """``text`` percent-encoded for the query string (commas and unreserved characters kept)."""
    if type(text) is str and _UNRESERVED.fullmatch(text):
        return text
    return quote(text, safe=_QUERY_SAFE)


def _key(key: object) -> str:
    return key if isinstance(key, str) else _shown(key)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        return format(value, "f")
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _text(value: object) -> str:
    """``str(value)``, or ``Invalid`` for an int too long to write (over 4300 digits) or a
    value whose ``__str__`` raises."""
    try:
        return str(value)
    except ValueError:
        if isinstance(value, int):
            raise Invalid(
                "is a number with too many digits", "a number that fits a request"
            ) from None
        raise Invalid(_raised("cannot be written as text", ValueError()), _SCALARS) from None
    except Exception as failed:
        raise Invalid(_raised("cannot be written as text", failed), _SCALARS) from None


_SCALARS = "text, a number or a bool"

MAX_DIGITS = 4300
"""The most digits a number may have to be sent: Python's own limit for writing an int
(``sys.get_int_max_str_digits``' default), applied to a ``Decimal`` too, whose fixed-point
form would otherwise be as long as its exponent is large (``Decimal("1E+999999999")``)."""

MAX_DEPTH = 32
"""How deeply lists and objects may nest in one value: OKX's deepest documented request is
three levels (a batch of orders with their attached TP/SL); far deeper values only exhaust
Python's recursion limit on the way to the wire."""


def check_sendable(value: object, *, as_json: bool) -> None:
    """Raise ``Invalid`` for what cannot be written for the wire, checked or not: text with a
    lone surrogate, a number with more than ``MAX_DIGITS`` digits, a NaN or an infinity, a
    list or object that contains itself or nests deeper than ``MAX_DEPTH``, and what the
    writer has no form for. ``as_json``: the JSON body (a value must be text, a number, a
    bool, ``None``, a list, tuple or set, or an object with text keys); else the query string
    (anything ``str`` can write). ``Invalid.where`` says where inside ``value``."""
    if value.__class__ is str and value.isascii():
        return  # most values and every key: ASCII text is always written, no call needed
    _check(value, as_json, "", 0, ())


_LEAVES = frozenset({str, bool, int, float, Decimal, type(None)})
"""The types of most values, exactly (not subclasses): none is a container or an iterator, so
a check of one goes straight to the scalar rules, past the abstract-base-class checks."""


def _check(value: object, as_json: bool, where: str, depth: int, inside: tuple[int, ...]) -> None:
    if type(value) in _LEAVES:
        _check_scalar(value, as_json, where)
    elif isinstance(value, (Mapping, list, tuple, set, frozenset)):
        _check_container(value, as_json, where, depth, inside)
    elif isinstance(value, Iterable) and not isinstance(value, (str, bytes)) and not as_json:
        if not isinstance(value, Iterator):  # a one-shot iterator inside a value is left as is
            _check_container(value, as_json, where, depth, inside)
    else:
        _check_scalar(value, as_json, where)


def _check_scalar(value: object, as_json: bool, where: str) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError as wrong:
            raise Invalid(
                "contains a character that cannot be encoded (a lone surrogate at position "
                f"{wrong.start})",
                "valid Unicode text",
                where,
            ) from None
    elif isinstance(value, (int, float, Decimal)):
        _check_number(value, where)
        if not as_json and isinstance(value, int):
            _text_of(value, where)  # python-okx writes str(value): a subclass's own __str__
    elif as_json:
        raise Invalid(
            f"is of type {type(value).__name__}, which cannot be written as JSON",
            "text, a number, a bool, a list or an object",
            where,
        )
    else:
        _text_of(value, where)


def _check_number(value: int | float | Decimal, where: str) -> None:
    if isinstance(value, int):
        try:
            int.__repr__(value)
        except ValueError:
            raise Invalid(
                "is a number with too many digits", "a number that fits a request", where
            ) from None
    elif not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
        shown = float.__repr__(value) if isinstance(value, float) else str(value)
        raise Invalid(f"is {shown}, not a finite number", "a finite number", where)
    elif isinstance(value, Decimal) and _fixed_digits(value) > MAX_DIGITS:
        raise Invalid("is a number with too many digits", "a number that fits a request", where)


def _check_container(
    value: Iterable[object], as_json: bool, where: str, depth: int, inside: tuple[int, ...]
) -> None:
    if id(value) in inside:
        raise Invalid("contains itself", "a list or object that does not contain itself", where)
    if depth >= MAX_DEPTH:
        raise Invalid(f"nests deeper than {MAX_DEPTH} levels", f"at most {MAX_DEPTH}", where)
    inside = (*inside, id(value))
    try:
        if isinstance(value, Mapping):
            if not as_json:  # python-okx writes str(value) into the query
                _text_of(value, where)
            for key, item in value.items():
                _check_key(key, as_json, where)
                _check(item, as_json, f"{where}[{_shown(key)}]", depth + 1, inside)
        else:
            for index, item in enumerate(value):
                _check(item, as_json, f"{where}[{index}]", depth + 1, inside)
    except Invalid:
        raise
    except Exception as failed:  # a container whose items() or __iter__ raises
        raise Invalid(_raised("cannot be iterated", failed), "a list or an object", where) from None


def _check_key(key: object, as_json: bool, where: str) -> None:
    """A key of an object: JSON writes text, numbers, bools and ``None`` as text keys."""
    if isinstance(key, (str, int, float, bool)) or key is None:
        _check(key, as_json, where, 0, ())
        return
    if as_json:
        raise Invalid(
            f"has a key of type {type(key).__name__}, which cannot be written as JSON",
            "text keys",
            where,
        )


def _text_of(value: object, where: str) -> None:
    """Raise ``Invalid`` when ``str(value)`` raises (python-okx writes ``str`` into a query)."""
    try:
        str(value)
    except Exception as failed:
        raise Invalid(_raised("cannot be written as text", failed), _SCALARS, where) from None


def _fixed_digits(value: Decimal) -> int:
    """How many digits ``format(value, "f")`` writes, without writing it."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # a finite Decimal's
    return max(len(digits) + exponent, 1) + max(-exponent, 0)


def _raised(problem: str, failed: BaseException) -> str:
    """``problem`` and the kind of error that showed it, never the error's own text (which
    may come from the caller's ``__str__``, and raise again)."""
    return f"{problem} ({type(failed).__name__} raised)"


def _shown(value: object) -> str:
    """A short ``repr(value)`` for a message: cut short when long, and never raising (a value
    whose ``repr`` raises, or an int too long to write, is described by its type)."""
    try:
        text = _REPR.repr(value)
    except Exception:
        return f"a {type(value).__name__} that cannot be shown"
    return text if len(text) <= 80 else text[:77] + "..."


class _Short(reprlib.Repr):
    """``reprlib``'s short repr, except that a ``repr`` that raises raises (``reprlib`` would
    show it as text), so that such a value is known as one that cannot be shown."""

    def repr_instance(self, x: object, level: int) -> str:
        text = repr(x)
        return text if len(text) <= self.maxother else text[: self.maxother - 3] + "..."


_REPR = _Short()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlevel = 3


def _showable(value: object) -> bool:
    return not _shown(value).endswith(" that cannot be shown")


def _error(
    method: str,
    name: str,
    value: object,
    problem: str,
    allowed: str,
    hint: str = "",
    *,
    where: str = "",
) -> OkxParamsException:
    lead = f"{method}: " if method else ""
    if len(where) > 40:  # [0][0][0]... of a value nested too deeply
        where = where[:37] + "..."
    return OkxParamsException(
        f"{lead}{name}{where} {problem}; {allowed}{hint}",
        method=method,
        param=name,
        # a value whose repr raises would fail again in every repr of the error
        value=value if _showable(value) else None,
        allowed=allowed,
    )
