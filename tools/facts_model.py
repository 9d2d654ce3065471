"""The facts of one python-okx module (``okx_v5/facts/<Module>.json``) as typed attrs classes.

``tools/generate.py`` reads the facts only through ``load_module``: a key it does not know, a
value of the wrong type or a missing key stops it with the path of the fact, so a misspelt
correction never turns silently into a default. The JSON Schema in
``okx_v5/facts/schema/module.schema.json`` says the same shape for editors and CI
(``tools/check_facts.py``); ``okx_v5/facts/README.md`` says what each fact means.

A parameter is written once, in signature order (python-okx's), with only what differs from
the common case: OKX's key is the argument's name unless ``key`` says otherwise, it is sent
always unless ``send`` says otherwise, and keys go out in signature order unless the
endpoint's ``order`` lists them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Literal, get_args

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

__all__ = [
    "NO_DEFAULT",
    "Batch",
    "BodyArg",
    "ClientOrderId",
    "Endpoint",
    "Field",
    "Model",
    "Module",
    "Param",
    "RateLimit",
    "Requires",
    "Response",
    "Unless",
    "When",
    "load_module",
    "messages",
]


class _NoDefault:
    """The default of an argument python-okx takes positionally, without a default."""

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final = _NoDefault()

Documented = Literal["str", "number", "bool", "list[str]", "object", "list[object]"]
"""What OKX documents a parameter's value to be."""


@attrs.frozen
class Unless:
    """Send the key unless the argument is this value (python-okx's ``if x is not None``)."""

    unless: str | None


Send = Literal["always", "truthy", "never"] | Unless
"""When the argument is sent: always, when truthy, never (the batch body, a quirk's alias), or
unless it is a given value."""


@attrs.frozen
class Param:
    """One of python-okx's arguments, and what OKX documents of the key it sends: its rules
    (from ``source``) and its description (``doc``, from ``doc_source`` where it is not
    ``source``)."""

    name: str
    key: str
    default: object = NO_DEFAULT
    send: Send = "always"
    keyword: bool = False
    """okx_v5's own argument, keyword-only after python-okx's."""
    type: Documented | None = None
    required: bool = False
    choices: tuple[str, ...] = ()
    multiple: bool = False
    ids: int | None = None
    max_items: int | None = None
    source: str | None = None
    doc: str = ""
    doc_source: str | None = None

    @property
    def positional(self) -> bool:
        """python-okx takes it without a default."""
        return self.default is NO_DEFAULT

    @property
    def sent(self) -> bool:
        """It is sent as a key of the query or body."""
        return self.send != "never"


@attrs.frozen
class BodyArg:
    """The body is the value of one argument (a batch: a list of objects)."""

    arg: str


@attrs.frozen
class When:
    param: str
    in_: tuple[str, ...]


@attrs.frozen
class Requires:
    """At least one of ``one_of`` is required (when ``when.param`` is one of ``when.in_``)."""

    one_of: tuple[str, ...]
    source: str
    when: When | None = None


@attrs.frozen
class RateLimit:
    requests: int
    seconds: float
    scope: Literal["user", "ip"]
    source: str
    per: tuple[str, ...] = ()
    count: Literal["request", "item"] = "request"


@attrs.frozen
class Response:
    """The answer's items: a model of ``models``, or lists of strings."""

    source: str
    model: str | None = None
    type: Literal["list[str]"] | None = None


@attrs.frozen
class ClientOrderId:
    param: str
    source: str


@attrs.frozen
class Batch:
    max_items: int
    source: str


@attrs.frozen
class Endpoint:
    """One method and the OKX operation it calls: python-okx's, or okx_v5's own
    (``python_okx`` false) for an operation python-okx has no method for."""

    name: str
    summary: str
    http: Literal["GET", "POST"]
    path: str
    const: str | None
    signed: bool | Literal["if_key"]
    docs: str | None
    source: str | None
    params: tuple[Param, ...]
    body: Literal["object", "list", "none"] | BodyArg
    requires: tuple[Requires, ...]
    rate_limits: tuple[RateLimit, ...]
    response: Response | None
    example: Any
    quirk: str | None
    notes: tuple[str, ...]
    order: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    client_order_id: ClientOrderId | None = None
    batch: Batch | None = None
    python_okx: bool = True
    """python-okx has this method; false for okx_v5's own (then ``const`` is ``None``)."""

    @property
    def wire(self) -> tuple[Param, ...]:
        """The arguments sent as keys, in the order they are sent."""
        sent = [param for param in self.params if param.sent]
        if not self.order:
            return tuple(sent)
        by_name = {param.name: param for param in sent}
        return tuple(by_name[name] for name in self.order)

    def documented(self, key: str) -> Param | None:
        """The argument sending OKX's ``key``, if OKX documents it."""
        return next((p for p in self.params if p.sent and p.key == key and p.type), None)

    @property
    def body_arg(self) -> str | None:
        """The argument whose value is the whole body, if any."""
        return self.body.arg if isinstance(self.body, BodyArg) else None


@attrs.frozen
class Field:
    """One documented field of an answer's items: OKX's name, its type, OKX's description
    (``doc``, from ``source`` where it is not the model's)."""

    name: str
    type: str
    doc: str = ""
    source: str | None = None


@attrs.frozen
class Model:
    source: str
    row: bool
    fields: tuple[Field, ...]
    aliases: tuple[str, ...] = ()


@attrs.frozen
class Module:
    """The facts of one python-okx module."""

    module: str
    class_: str
    sources: Mapping[str, Mapping[str, str]]
    endpoints: tuple[Endpoint, ...]
    models: Mapping[str, Model]
    init_defaults: Mapping[str, Any] = attrs.field(factory=dict)

    @property
    def python_okx(self) -> bool:
        """python-okx has this module (its facts cite python-okx); ``SignalBot`` is okx_v5's."""
        return "python-okx" in self.sources

    @property
    def methods(self) -> int:
        """How many of its endpoints are python-okx's methods."""
        return sum(1 for endpoint in self.endpoints if endpoint.python_okx)


PARAM_KEYS = frozenset(attrs.fields_dict(Param))
SENDS = get_args(Literal["always", "truthy", "never"])
DOCUMENTED = get_args(Documented)


def _param(raw: Mapping[str, Any], _: object) -> Param:
    unknown = set(raw) - PARAM_KEYS
    if unknown or "name" not in raw:
        raise ValueError(f"parameter {raw.get('name')!r}: unknown keys {sorted(unknown)}")
    values = dict(raw)
    values.setdefault("key", raw["name"])
    send = values.get("send", "always")
    if isinstance(send, Mapping):
        values["send"] = Unless(**send)
    elif send not in SENDS:
        raise ValueError(f"parameter {raw['name']!r}: send {send!r}")
    if values.get("type", "str") not in DOCUMENTED:
        raise ValueError(f"parameter {raw['name']!r}: type {values['type']!r}")
    if "choices" in values:
        values["choices"] = tuple(values["choices"])
    return Param(**values)


def _body(raw: object, _: object) -> Literal["object", "list", "none"] | BodyArg:
    if isinstance(raw, Mapping):
        return BodyArg(**raw)
    if raw in ("object", "list", "none"):
        return raw
    raise ValueError(f"body: {raw!r}")


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(Param, _param)
    converter.register_structure_hook(Literal["object", "list", "none"] | BodyArg, _body)
    converter.register_structure_hook(
        bool | Literal["if_key"],
        lambda raw, _: raw if raw in (True, False, "if_key") else _bad(raw),
    )
    converter.register_structure_hook(Any, lambda raw, _: raw)
    # Two names of the JSON that are Python keywords.
    converter.register_structure_hook(
        When, make_dict_structure_fn(When, converter, in_=override(rename="in"))
    )
    converter.register_structure_hook(
        Module, make_dict_structure_fn(Module, converter, class_=override(rename="class"))
    )
    return converter


def _bad(raw: object) -> object:
    raise ValueError(f"unexpected value {raw!r}")


CONVERTER = _make_converter()


def load_module(path: Path) -> Module:
    """The facts of ``path``, typed; ``SystemExit`` naming the file and the fact if they do not
    fit."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    try:
        return CONVERTER.structure(raw, Module)
    except Exception as exc:  # cattrs' grouped errors: say every one with its path
        raise SystemExit(f"{path.name}: " + "; ".join(messages(exc))) from exc


def messages(exc: BaseException) -> Sequence[str]:
    """Each reason ``exc`` (raised while loading) gives, with the path of its fact."""
    if isinstance(exc, cattrs.BaseValidationError):
        return cattrs.transform_error(exc, format_exception=_said)
    return [str(exc)]


def _said(exc: BaseException, type_: type | None) -> str:
    """A loader's own message as it is; cattrs' wording for the rest."""
    if isinstance(exc, ValueError) and not isinstance(exc, cattrs.BaseValidationError):
        return str(exc)
    return cattrs.v.format_exception(exc, type_)
