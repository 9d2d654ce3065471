"""The package's one cattrs converter, configured once, and its one rule for every model.

One generic rule covers every attrs model: each snake_case attribute is read from its OKX
camelCase wire name (or the name in its ``wire`` metadata, where the two do not map: ``from``).
A model marked ``row`` is read from an array by position instead (candlesticks, order-book
levels). OKX sends numbers as strings and uses ``""`` for "not applicable", so the scalar hooks
turn ``""`` into ``None``, number strings into ``Decimal`` or ``int``, ``"true"``
into ``True``, and refuse floats' silent precision loss by reading them through ``repr``.

The rule is one hook factory registered for every attrs model (as lsprotocol registers its
one): for each model it writes a function reading its fields by name or position, with the
scalar hooks' common case (a non-empty string) inline and anything else handed to the hook.
cattrs' own ``make_dict_structure_fn`` would call a hook per field behind a membership test and
a keyword dict: about 2.5 times the cost per item (``benchmarks/run.py``, structuring), which
is most of what typed ``.data`` adds to a call. ``structure_items`` and
``converter.structure(item, Model)`` both go through it; cattrs dispatches everything else
(the scalar types, ``list[str]``, ``Any``, a nested model that is not in a list).
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Mapping, Sequence
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
        return lambda value, _: structure(value)

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
            return [structure(item) for item in items]
        except Exception:
            raise StructureError(_diagnose(items, model)) from None
    if isinstance(items, Mapping) or (is_row(model) and _is_one_row(items)):
        items = [items]
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)):
        raise StructureError(f"data is {type(items).__name__}, not a list")
    structure = _structurer_of(model)
    try:
        return list(map(structure, items))
    except Exception:
        raise StructureError(_diagnose(items, model)) from None


def _is_one_row(items: object) -> bool:
    """Whether ``items`` is a single array of values rather than a list of arrays."""
    return isinstance(items, list) and bool(items) and not isinstance(items[0], list | dict)


_structurers: dict[Any, Callable[[Any], Any]] = {}
_row_models: set[Any] = set()
"""The row models among ``_structurers``' (their ``data`` may be one row, not a list)."""


def _structurer_of(model: Any) -> Callable[[Any], Any]:
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


# Inline forms of the scalar hooks for their common case (a non-empty string). Anything else
# — "", None, numbers, garbage — goes to the hook itself, so the hooks stay the one definition
# of what a field accepts.
_INLINE = {
    Decimal | None: "d if (d := _decimals_get({v}, _MISSING)) is not _MISSING else {hook}",
    int | None: "int({v}) if {v}.__class__ is str and {v}.isdecimal() else {hook}",
    str | None: "{v} if {v}.__class__ is str and {v} else {hook}",
    bool | None: "{v} if {v}.__class__ is bool else {hook}",
}

# OKX's numbers repeat (tier tables are fetched again and again; "0", "10", "0.01" are
# everywhere) and Decimal is immutable, so equal strings can share one Decimal: a dict lookup
# costs a fraction of parsing. Bounded, so that a stream of distinct values cannot grow it.
# "" (OKX's "not applicable") is always there, as None.
_DECIMALS_MAX = 4096
_MISSING = object()
_decimals: dict[str, Decimal | None] = {"": None}
_decimals_get = _decimals.get


def _new_decimal(value: object, _: object) -> Decimal | None:
    """The Decimal hook, remembering what it parsed from a string (see ``_decimals``)."""
    number = _decimal(value, None)
    if value.__class__ is str:
        if len(_decimals) >= _DECIMALS_MAX:
            _decimals.clear()
            _decimals[""] = None
        _decimals[value] = number
    return number


def _make_structurer(model: Any) -> Callable[[Any], Any]:
    """Return a function structuring one wire item into ``model``, generated from its fields.

    Each field is read by its wire name (``item.get(name)``: a missing key reads as ``None``)
    or, for a row model, by its position; a scalar field's common case is inline and anything
    else goes to its hook, a list of models to their own such function. A field with a default
    other than ``None`` keeps it when the item lacks the field; one without a default must be
    there. Anything that is not an attrs model goes to the converter.
    """
    if not attrs.has(model):
        return lambda item: converter.structure(item, model)
    fields = attrs.fields(attrs.resolve_types(model))  # string annotations to types, as cattrs
    namespace: dict[str, Any] = {
        "_model": model,
        "_decimals_get": _decimals_get,
        "_MISSING": _MISSING,
        "_array": _array,
    }
    row_model = is_row(model)
    if row_model:
        lines = ["def structure(o):", "    if o.__class__ is not list:", "        o = _array(o)"]
        lines.append("    n = len(o)")
    else:
        lines = ["def structure(o):", "    get = o.get"]
    arguments: list[str] = []
    keywords: list[str] = []
    for index, field in enumerate(fields):
        if not field.init:
            continue
        value, hook = f"v{index}", f"_h{index}"
        default = _default(field, index, namespace)
        if row_model:
            absent = "None" if default is None else "_MISSING"
            read = f"o[{index}] if n > {index} else {absent}" if default != "" else f"o[{index}]"
        else:
            wire = field_wire_name(field)
            read = f"get({wire!r})" if default is None else f"get({wire!r}, _MISSING)"
            read = f"o[{wire!r}]" if default == "" else read
        lines.append(f"    {value} = {read}")
        inner = _nested(field.type)
        if field.type in _SCALARS:
            namespace[hook] = _new_decimal if field.type == Decimal | None else _SCALARS[field.type]
            argument = _INLINE[field.type].format(v=value, hook=f"{hook}({value}, None)")
        elif inner is not None:
            namespace[f"_m{index}"] = _structurer_of(inner)
            namespace[hook] = functools.partial(_structure_as, field.type)
            argument = (
                f"[_m{index}(x) for x in {value}] if {value}.__class__ is list "
                f"else {hook}({value}, None)"
            )
        else:
            namespace[hook] = functools.partial(_structure_as, field.type)
            argument = f"{hook}({value}, None)"
        if default:  # kept when the item lacks the field
            argument = f"{default} if {value} is _MISSING else ({argument})"
        if field.kw_only:
            keywords.append(f"{field.alias}={argument}")
        else:
            arguments.append(argument)
    lines.append("    return _model(")
    lines.extend(f"        {argument}," for argument in arguments + keywords)
    lines.append("    )")
    exec("\n".join(lines), namespace)  # the code is generated from the model's fields
    return namespace["structure"]  # type: ignore[no-any-return]


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
