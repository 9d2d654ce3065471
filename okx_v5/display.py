"""How a result looks in Jupyter: one compact HTML table of the typed items.

Used by ``okx_v5.response.OkxResponse._repr_html_``; the plain ``repr`` stays the dict's,
as python-okx users know it. Every value is escaped; nothing here touches the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import cast

import attrs

__all__ = ["MAX_ROWS", "columns", "html_table", "plain", "value_of"]

MAX_ROWS = 300
"""Rows shown before the table is cut short (the longest tier ladders have about 130)."""

_TABLE = 'style="border-collapse: collapse; font-size: 0.9em"'
_CELL = 'style="padding: 2px 8px; text-align: left"'
_NUMBER = 'style="padding: 2px 8px; text-align: right; font-variant-numeric: tabular-nums"'
_MUTED = 'style="color: #888"'
_ERROR = 'style="color: #b00020; font-weight: bold"'


def columns(model: type | None, items: Sequence[object]) -> list[str]:
    """The columns of a table of ``items``: the model's fields, or for untyped items (dicts)
    every key, in the order they first appear."""
    if model is not None and attrs.has(model):
        return [field.name for field in attrs.fields(model)]
    names: dict[str, None] = {}
    for item in items:
        names.update(dict.fromkeys(item if isinstance(item, dict) else ["value"]))
    return list(names)


def value_of(item: object, name: str) -> object:
    """The value of column ``name`` of one item (an attrs object, a dict, or a bare value)."""
    if isinstance(item, dict):
        return item.get(name)
    if attrs.has(type(item)):
        return getattr(item, name)
    return item


def html_table(
    model: type | None,
    items: Sequence[object] | None,
    *,
    code: str,
    msg: str,
    request: str = "",
    problem: str = "",
) -> str:
    """Return an HTML table of ``items`` (attrs objects of ``model``), headed by the OKX code.

    ``items`` is ``None`` when they could not be read; ``problem`` then says why.
    """
    caption = _caption(model, items, code=code, msg=msg, request=request, problem=problem)
    if not items:
        return f"<div>{caption}</div>"
    names = columns(model, items)
    head = "".join(f"<th {_CELL}>{escape(name)}</th>" for name in names)
    rows = "".join(
        "<tr>" + "".join(_cell(value_of(item, name)) for name in names) + "</tr>"
        for item in items[:MAX_ROWS]
    )
    more = ""
    if len(items) > MAX_ROWS:
        more = (
            f"<div {_MUTED}>… {len(items) - MAX_ROWS} more rows not shown; "
            "<code>to_records()</code> has them all</div>"
        )
    table = f"<table {_TABLE}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return f"<div>{caption}{table}{more}</div>"


def _caption(
    model: type | None,
    items: Sequence[object] | None,
    *,
    code: str,
    msg: str,
    request: str,
    problem: str,
) -> str:
    title = f"<b>{escape(model.__name__ if model is not None else 'data')}</b>"
    where = f" <code>{escape(request)}</code>" if request else ""
    if code != "0":
        status = f"<span {_ERROR}>OKX error {escape(code or '?')}: {escape(msg)}</span>"
    else:
        status = f"<span {_MUTED}>code 0{': ' + escape(msg) if msg else ''}</span>"
    if items is None:
        count = f"<span {_ERROR}>data not readable: {escape(problem)}</span>"
    elif not items:
        count = f"<span {_MUTED}>no rows: <code>data</code> is empty</span>"
    else:
        count = f"<span {_MUTED}>{len(items)} row{'s' if len(items) != 1 else ''}</span>"
    return f"<div>{title}{where} · {status} · {count}</div>"


def plain(value: object) -> str:
    """Return a typed value as text, numbers as OKX writes them (``0.00000001``, never ``1E-8``);
    a nested list says how many items it holds, a nested object how many fields have a value."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict) or attrs.has(type(value)):
        return _fields(value)
    if isinstance(value, list) and value and not isinstance(value[0], str):
        return f"[{len(value)} item{'s' if len(value) != 1 else ''}]"
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def _fields(value: object) -> str:
    """``{2 fields}``: a nested object (a dict or an attrs object) by how many fields it fills."""
    if isinstance(value, dict):
        values = list(value.values())
    else:
        values = list(attrs.astuple(cast("attrs.AttrsInstance", value), recurse=False))
    filled = sum(item not in (None, "", []) for item in values)
    return f"{{{filled} field{'s' if filled != 1 else ''}}}"


def _cell(value: object) -> str:
    if value is None:
        return f"<td {_CELL}><span {_MUTED}>None</span></td>"
    style = _NUMBER if isinstance(value, (int, Decimal)) else _CELL
    return f"<td {style}>{escape(plain(value))}</td>"
