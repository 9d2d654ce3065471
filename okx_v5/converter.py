"""The package's one cattrs converter, configured once, and its one rule for every model.

One generic rule covers every attrs model: each snake_case attribute is read from its OKX
camelCase wire name (or the name in its ``wire`` metadata, where the two do not map: ``from``).
A model marked ``row`` is read from an array by position instead (candlesticks, order-book
levels). OKX sends numbers as strings and uses ``""`` for "not applicable", so the scalar hooks
turn ``""`` into ``None``, number strings into ``Decimal`` or ``int``, ``"true"``
into ``True``, and refuse floats' silent precision loss by reading them through ``repr``.

The rule is one hook factory registered for every attrs model (as lsprotocol registers its
one): for each model it writes a function reading a list of items, each item's fields by name
(all in one call when none is missing) or by position, with the scalar hooks' common case
inline (a number is one lookup among those already parsed) and anything else handed to the
hook. cattrs' own ``make_dict_structure_fn`` would call a hook per field behind a membership
test and a keyword dict: about 3.5 times the cost per item (``benchmarks/run.py``,
structuring), and structuring is most of what typed ``.data`` adds to a call.
``structure_items`` and ``converter.structure(item, Model)`` both go through it; cattrs
dispatches everything else (the scalar types, ``list[str]``, ``Any``, a nested model that is
not in a list).
"""

from __future__ import annotations

import functools
import operator
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs
import cattrs

__all__ = [
    "StructureError",
    "converter",
    "field_wire_name",
    "is_row",
    "row",
    "structure_items",
    "wire_name",
]

T = TypeVar("T")
C = TypeVar("C", bound=type)

ROW_MARK = "__okx_row__"


class StructureError(ValueError):
    """An item of ``data`` does not fit its model; the message names the item and field."""


def wire_name(attribute: str) -> str:
    """Return OKX's camelCase name for a snake_case attribute (``max_lever`` → ``maxLever``)."""
    head, *rest = attribute.split("_")
    return head + "".join(part.capitalize() for part in rest)


def field_wire_name(field: attrs.Attribute[Any]) -> str:
    """Return the wire name of a model's field: its ``wire`` metadata, or ``wire_name``."""
    return str(field.metadata.get("wire") or wire_name(field.name))


def row(cls: C) -> C:
    """Mark an attrs model as read from an array by position, its fields in array order."""
    setattr(cls, ROW_MARK, True)
    return cls


def is_row(cls: object) -> bool:
    """Whether ``cls`` is an attrs model read from an array (see ``row``)."""
    return attrs.has(cls) and bool(getattr(cls, ROW_MARK, False))  # type: ignore[arg-type]


def _decimal(value: object, _: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
    if isinstance(value, bool):
        raise TypeError(f"{value!r} is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raise TypeError(f"{value!r} is not a number")


def _int(value: object, _: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(f"{value!r} is not an integer")


def _str(value: object, _: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    raise TypeError(f"{value!r} is not a string")


_BOOLS = {"true": True, "false": False}


def _bool(value: object, _: object) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _BOOLS:
        return _BOOLS[value.lower()]
    raise TypeError(f"{value!r} is not true or false")


_SCALARS: dict[object, Callable[[object, object], object]] = {
    Decimal | None: _decimal,
    int | None: _int,
    str | None: _str,
    bool | None: _bool,
}


def _is(expected: object) -> Callable[[Any], bool]:
    return lambda type_: bool(type_ == expected)


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=False, detailed_validation=False)
    for type_, hook in _SCALARS.items():
        conv.register_structure_hook_func(_is(type_), hook)

    def model_hook(cls: type[Any]) -> Callable[[Any, Any], Any]:
        structure = _structurer_of(cls)
        return lambda value, _: structure((value,))[0]

    conv.register_structure_hook_factory(attrs.has, model_hook)
    return conv


converter = _make_converter()
"""The shared converter; ``converter.structure(item, Model)`` reads one wire item."""


def structure_items(items: object, model: Any) -> list[Any]:
    """Return ``items`` (OKX's ``data``) as a list of ``model`` instances.

    ``data`` is a list of items, except for a few endpoints where it is one object, or one
    row of a row model (an array of values): those are read as a list of that one item.
    Raises ``StructureError`` naming the first item and field that do not fit.
    """
    structure = _structurers.get(model)
    if structure is not None and items.__class__ is list and model not in _row_models:
        try:  # the common case, first and without the checks below: a list of objects
            return structure(items)
        except Exception:
            raise StructureError(_diagnose(items, model)) from None
    if isinstance(items, Mapping) or (is_row(model) and _is_one_row(items)):
        items = [items]
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)):
        raise StructureError(f"data is {type(items).__name__}, not a list")
    structure = _structurer_of(model)
    try:
        return structure(items)
    except Exception:
        raise StructureError(_diagnose(items, model)) from None


def _is_one_row(items: object) -> bool:
    """Whether ``items`` is a single array of values rather than a list of arrays."""
    return isinstance(items, list) and bool(items) and not isinstance(items[0], list | dict)


_structurers: dict[Any, Callable[[Iterable[Any]], list[Any]]] = {}
_row_models: set[Any] = set()
"""The row models among ``_structurers``' (their ``data`` may be one row, not a list)."""


def _structurer_of(model: Any) -> Callable[[Iterable[Any]], list[Any]]:
    structure = _structurers.get(model)
    if structure is None:
        if is_row(model):
            _row_models.add(model)
        structure = _structurers[model] = _make_structurer(model)
    return structure


def _nested(field_type: Any) -> Any:
    """The model of a field typed ``list[Model] | None``, or ``None`` for any other type."""
    options = typing.get_args(field_type)
    if len(options) != 2 or type(None) not in options:
        return None
    inner = options[0] if options[1] is type(None) else options[1]
    if typing.get_origin(inner) is not list:
        return None
    (model,) = typing.get_args(inner)
    return model if attrs.has(model) else None


# OKX's numbers repeat (tier tables are fetched again and again; "0", "10", "0.01" are
# everywhere) and Decimal is immutable, so equal strings can share one Decimal: a dict lookup
# costs a fraction of parsing. Bounded, so that a stream of distinct values cannot grow it.
# "" (OKX's "not applicable") is always there, as None.
_DECIMALS_MAX = 4096
_MISSING = object()


class _Decimals(dict[str, Decimal | None]):
    """The wire strings already read as numbers; ``_decimals[value]`` reads any value as the
    Decimal hook does, remembering what it parsed from a string."""

    def __missing__(self, value: object) -> Decimal | None:
        number = _decimal(value, None)
        if value.__class__ is str:
            if len(self) >= _DECIMALS_MAX:
                self.clear()
                self[""] = None
            self[value] = number
        return number


_decimals = _Decimals({"": None})

# Inline forms of the scalar hooks, applied to a field's value ``{v}``: a number is one lookup
# in ``_decimals``; for the others, the common case (a string, or a JSON bool) is inline and
# anything else — None, numbers, garbage — goes to the hook itself, so the hooks stay the one
# definition of what a field accepts.
_INLINE: dict[object, str] = {
    Decimal | None: "_decimals[{v}]",
    int | None: "int({v}) if {v}.__class__ is str and {v}.isdecimal() else {hook}({v}, None)",
    str | None: "({v} or None) if {v}.__class__ is str else {hook}({v}, None)",
    bool | None: "{v} if {v}.__class__ is bool else {hook}({v}, None)",
}


def _make_structurer(model: Any) -> Callable[[Iterable[Any]], list[Any]]:
    """Return a function structuring wire items into a list of ``model``, generated from its
    fields.

    Each field is read by its wire name (a missing key reads as ``None``) or, for a row model,
    by its position; a scalar field's common case is inline and anything else goes to its
    hook, a list of models to their own such function. A field with a default other than
    ``None`` keeps it when the item lacks the field; one without a default must be there.
    Anything that is not an attrs model goes to the converter.
    """
    if not attrs.has(model):
        return lambda items: [converter.structure(item, model) for item in items]
    fields = [f for f in attrs.fields(attrs.resolve_types(model)) if f.init]  # types, as cattrs
    namespace: dict[str, Any] = {
        "_model": model,
        "_new": object.__new__,
        "_decimals": _decimals,
        "_MISSING": _MISSING,
        "_array": _array,
    }
    code = [(f, *_field_code(model, f, index, namespace)) for index, f in enumerate(fields)]
    reads = [f"v{index} = {read}" for index, (_, read, _) in enumerate(code)]
    lines = ["def structure(items):", "    out = []", "    add = out.append", "    for o in items:"]
    if is_row(model):
        lines += ["        if o.__class__ is not list:", "            o = _array(o)"]
        lines += ["        n = len(o)", *(f"        {read}" for read in reads)]
    elif fields:
        # OKX sends every field of an item as a rule: one C call reads them all, and an item
        # lacking one (KeyError) reads each field on its own.
        namespace["_fields"] = operator.itemgetter(*map(field_wire_name, fields))
        targets = ", ".join(f"v{index}" for index in range(len(fields)))
        lines += ["        try:", f"            {targets} = _fields(o)", "        except KeyError:"]
        lines += ["            get = o.get", *(f"            {read}" for read in reads)]
    if _is_plain(model, attrs.fields(model)):
        # Filled in place: calling __init__ with a dozen arguments costs more than the
        # assignments themselves, and a plain model's __init__ does nothing else.
        lines.append("        self = _new(_model)")
        lines += [f"        self.{f.name} = {value}" for f, _, value in code]
        lines.append("        add(self)")
    else:
        arguments = [value for f, _, value in code if not f.kw_only]
        arguments += [f"{f.alias}={value}" for f, _, value in code if f.kw_only]
        lines.append(f"        add(_model({', '.join(arguments)}))")
    lines.append("    return out")
    exec("\n".join(lines), namespace)  # the code is generated from the model's fields
    return namespace["structure"]  # type: ignore[no-any-return]


def _field_code(
    model: Any, field: attrs.Attribute[Any], index: int, namespace: dict[str, Any]
) -> tuple[str, str]:
    """How the generated code reads ``field`` (the ``index``-th) on its own, and the
    expression of its value from what it read (``v<index>``); puts what they use in
    ``namespace``."""
    value, hook = f"v{index}", f"_h{index}"
    default = _default(field, index, namespace)
    if is_row(model):
        absent = "None" if default is None else "_MISSING"
        read = f"o[{index}] if n > {index} else {absent}" if default != "" else f"o[{index}]"
    else:
        wire = field_wire_name(field)
        read = f"get({wire!r})" if default is None else f"get({wire!r}, _MISSING)"
        read = f"o[{wire!r}]" if default == "" else read
    inner = _nested(field.type)
    if field.type in _SCALARS:
        namespace[hook] = _SCALARS[field.type]
        expression = _INLINE[field.type].format(v=value, hook=hook)
    elif inner is not None:
        namespace[f"_m{index}"] = _structurer_of(inner)
        namespace[hook] = functools.partial(_structure_as, field.type)
        expression = f"_m{index}({value}) if {value}.__class__ is list else {hook}({value}, None)"
    else:
        namespace[hook] = functools.partial(_structure_as, field.type)
        expression = f"{hook}({value}, None)"
    if default:  # kept when the item lacks the field
        expression = f"{default} if {value} is _MISSING else ({expression})"
    return read, expression


_GENERATED = __name__.rpartition(".")[0] + "._generated."


def _is_plain(model: Any, fields: Sequence[attrs.Attribute[Any]]) -> bool:
    """Whether ``model``'s ``__init__`` does nothing but assign its arguments, so that an
    instance filled attribute by attribute is the one ``__init__`` would make: a model
    ``tools/generate.py`` wrote (a plain ``attrs.define``; other classes may have an
    ``__init__`` of their own), with nothing run on assignment or around ``__init__``."""
    return (
        model.__module__.startswith(_GENERATED)
        and model.__setattr__ is object.__setattr__  # not frozen, no validation on assignment
        and model.__hash__ is None  # no hash cache for __init__ to reset
        and not hasattr(model, "__attrs_pre_init__")
        and not hasattr(model, "__attrs_post_init__")
        and all(f.init and f.validator is None and f.converter is None for f in fields)
    )


def _default(field: attrs.Attribute[Any], index: int, namespace: dict[str, Any]) -> str | None:
    """How the generated code writes ``field``'s default: ``None`` for ``None`` (a missing
    field reads as ``None`` and its hook keeps it), ``""`` for none (the field must be there),
    else the expression of the default (a value, or a factory called)."""
    default = field.default
    if default is None:
        return None
    if default is attrs.NOTHING:
        return ""
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        if default.takes_self:
            raise TypeError(f"{field.name}: a default taking self cannot be read from the wire")
        namespace[f"_d{index}"] = default.factory
        return f"_d{index}()"
    namespace[f"_d{index}"] = default
    return f"_d{index}"


def _array(value: object) -> Sequence[Any]:
    """A row's values: any array but a list (which the generated code reads as it is)."""
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise TypeError(f"{type(value).__name__} is not an array")
    return value


def _structure_as(field_type: Any, value: object, _: object) -> Any:
    """The converter's reading of a nested field that is not a list (``None``, or garbage)."""
    return converter.structure(value, field_type)


def _diagnose(items: Sequence[object], model: Any) -> str:
    # Only reached on failure: find the first item and field that broke, for the message.
    if not attrs.has(model):
        for index, item in enumerate(items):
            try:
                converter.structure(item, model)
            except Exception as exc:
                return f"data[{index}]: {exc}"
        return f"data does not fit {model}"  # pragma: no cover - defensive
    row_model = is_row(model)
    for index, item in enumerate(items):
        expected = Sequence if row_model else Mapping
        if not isinstance(item, expected) or isinstance(item, (str, bytes)):
            shape = "an array" if row_model else "an object"
            return f"data[{index}] is {type(item).__name__}, not {shape}"
        for position, field in enumerate(attrs.fields(model)):
            if row_model:
                value = item[position] if position < len(item) else None
                where = f"data[{index}][{position}]"
            else:
                value = item.get(field_wire_name(field))  # type: ignore[union-attr]
                where = f"data[{index}].{field_wire_name(field)}"
            try:
                converter.structure(value, field.type)
            except Exception as exc:
                return f"{where} ({model.__name__}.{field.name}): {exc}"
    return f"data does not fit {model.__name__}"  # pragma: no cover - defensive
