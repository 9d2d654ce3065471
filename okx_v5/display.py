"""How a result looks in Jupyter: one compact HTML table of the typed items.

Used by :meth:`okx_v5.response.OkxResponse._repr_html_`; the plain ``repr`` stays the dict's,
as python-okx users know it. Every value is escaped; nothing here touches the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

import attrs

__all__ = ["MAX_ROWS", "html_table", "plain"]

MAX_ROWS = 300
"""Rows shown before the table is cut short (the longest tier ladders have about 130)."""

_TABLE = 'style="border-collapse: collapse; font-size: 0.9em"'
_CELL = 'style="padding: 2px 8px; text-align: left"'
_NUMBER = 'style="padding: 2px 8px; text-align: right; font-variant-numeric: tabular-nums"'
_MUTED = 'style="color: #888"'
_ERROR = 'style="color: #b00020; font-weight: bold"'


def html_table(
    model: type,
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
    names = [field.name for field in attrs.fields(model)]
    head = "".join(f"<th {_CELL}>{escape(name)}</th>" for name in names)
    rows = "".join(
        "<tr>" + "".join(_cell(getattr(item, name)) for name in names) + "</tr>"
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
    model: type,
    items: Sequence[object] | None,
    *,
    code: str,
    msg: str,
    request: str,
    problem: str,
) -> str:
    title = f"<b>{escape(model.__name__)}</b>"
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
    """Return a typed value as text, numbers as OKX writes them (``0.00000001``, never ``1E-8``)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _cell(value: object) -> str:
    if value is None:
        return f"<td {_CELL}><span {_MUTED}>None</span></td>"
    style = _NUMBER if isinstance(value, (int, Decimal)) else _CELL
    return f"<td {style}>{escape(plain(value))}</td>"
