"""The package's one cattrs converter, configured once.

One generic rule covers every attrs model: each snake_case attribute is read from its OKX
camelCase wire name. OKX sends numbers as strings and uses ``""`` for "not applicable", so the
scalar hooks turn ``""`` into ``None``, number strings into :class:`~decimal.Decimal` or ``int``,
and refuse floats' silent precision loss by reading them through ``repr``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override

__all__ = ["StructureError", "converter", "structure_items", "wire_name"]

T = TypeVar("T")


class StructureError(ValueError):
    """An item of ``data`` does not fit its model; the message names the item and field."""


def wire_name(attribute: str) -> str:
    """Return OKX's camelCase name for a snake_case attribute (``max_lever`` → ``maxLever``)."""
    head, *rest = attribute.split("_")
    return head + "".join(part.capitalize() for part in rest)


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
    if isinstance(value, str) and value.strip().isdigit():
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


_SCALARS: dict[object, Callable[[object, object], object]] = {
    Decimal | None: _decimal,
    int | None: _int,
    str | None: _str,
}


def _is(expected: object) -> Callable[[Any], bool]:
    return lambda type_: bool(type_ == expected)


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=False, detailed_validation=False)
    for type_, hook in _SCALARS.items():
        conv.register_structure_hook_func(_is(type_), hook)

    def attrs_hook(cls: type[Any]) -> Callable[[Mapping[str, Any], Any], Any]:
        renames = {a.name: override(rename=wire_name(a.name)) for a in attrs.fields(cls)}
        return make_dict_structure_fn(cls, conv, **renames)  # type: ignore[arg-type]

    conv.register_structure_hook_factory(attrs.has, attrs_hook)
    return conv


converter = _make_converter()
"""The shared converter; ``converter.structure(item, Model)`` reads one wire item."""


def structure_items(items: object, model: type[T]) -> list[T]:
    """Return ``items`` (OKX's ``data`` list) as a list of ``model`` instances.

    Raises :class:`StructureError` naming the first item and field that do not fit.
    """
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)):
        raise StructureError(f"data is {type(items).__name__}, not a list")
    try:
        return [converter.structure(item, model) for item in items]
    except Exception:
        raise StructureError(_diagnose(items, model)) from None


def _diagnose(items: Sequence[object], model: type[Any]) -> str:
    # Only reached on failure: find the first item and field that broke, for the message.
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            return f"data[{index}] is {type(item).__name__}, not an object"
        for field in attrs.fields(model):
            name = wire_name(field.name)
            try:
                converter.structure(item.get(name), field.type)
            except Exception as exc:
                return f"data[{index}].{name} ({model.__name__}.{field.name}): {exc}"
    return f"data does not fit {model.__name__}"  # pragma: no cover - defensive
