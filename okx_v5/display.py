"""How a result looks: the tables of its items, the columns and their text.

The text table ``okx-v5`` prints (``text_table``), the HTML table for Jupyter (``html_table``,
for ``okx_v5.response.OkxResponse._repr_html_``; the plain ``repr`` stays the dict's, as
python-okx users know it; every value is escaped), and what the text tables of ``okx-v5`` and
``okx-v5 watch`` share: which columns come first when the terminal is
narrow (``PRIORITY``, ``ranked``, ``fitting``) and how a cell is written (``text``: times in
UTC). Nothing here touches the network.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from html import escape
from typing import cast

import attrs

from .response import PARENT

__all__ = [
    "KEYS",
    "MAX_ROWS",
    "PRIORITY",
    "SHOWN_KEYS",
    "TIME_NAMES",
    "columns",
    "fitting",
    "html_table",
    "is_time",
    "plain",
    "ranked",
    "text",
    "text_table",
    "utc",
    "value_of",
]

MAX_ROWS = 300
"""Rows shown before the table is cut short (the longest tier ladders have about 130)."""

PRIORITY: tuple[str, ...] = (
    # what the row is about
    "instId",
    "sprdId",
    "ccy",
    # an order, a fill, a position
    "side",
    "ordType",
    "px",
    "sz",
    "pos",
    "fillPx",
    "fillSz",
    "accFillSz",
    "avgPx",
    "state",
    "ordId",
    "mgnMode",
    "posSide",
    "tdMode",
    # a balance
    "eq",
    "cashBal",
    "availBal",
    "frozenBal",
    "eqUsd",
    "totalEq",
    "adjEq",
    # prices and risk
    "last",
    "markPx",
    "upl",
    "lever",
    "liqPx",
    # more IDs
    "algoId",
    "clOrdId",
)
"""The OKX fields a text table shows first, in this order, when not every column fits.

One list for every model: OKX names a field the same in every answer that has it (``instId``,
``px``, ``state``), so an order, a fill, a position or a balance each find theirs here. The
other columns follow in the model's order, then those that are zero, ``false`` or nested
items in every row (an unrealised ``pnl`` of ``0`` is the last thing a narrow table needs)."""

KEYS: tuple[str, ...] = ("instId", "sprdId", "posSide", "ordId", "algoId", "ccy")
"""The parent's fields that say which parent a row of its nested items belongs to
(``okx-v5 --rows``): the first ``SHOWN_KEYS`` of these the parent has lead each row, the
parent's other fields follow the nested item's own (a position's ``instId`` and ``posSide``
before its ``closeOrderAlgo``'s fields; a balance has none: its ``details`` name their ``ccy``).
"""

SHOWN_KEYS = 2

TIME_NAMES = frozenset({"ts", "begin", "end", "valid_until", "date_range_start", "date_range_end"})
"""The fields that hold a time besides those whose name ends in ``Time`` or ``Ts`` (``cTime``,
``fillTime``, ``maxBalTs``), in snake_case: ``ts``, the maintenance window's ``begin`` and
``end``, an RFQ's ``validUntil``, a data set's ``dateRangeStart`` and ``dateRangeEnd``. OKX
documents every one of them as milliseconds since the epoch; the models type them ``int``,
like counts (``tier``, ``ordCnt``), so the name is what tells a time."""

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


def _words(name: str) -> list[str]:
    """``parent_fillTime`` → ``["fill", "time"]``: a column's name in lower-case words."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower().removeprefix(PARENT)
    return [word for word in re.split(r"[_-]", snake) if word]


def is_time(name: str) -> bool:
    """Whether column ``name`` (OKX's ``cTime``, the model's ``c_time``) holds a time: it is
    ``ts``, ends in ``Time`` or ``Ts``, or is one of ``TIME_NAMES``."""
    words = _words(name)
    return bool(words) and (words[-1] in ("time", "ts") or "_".join(words) in TIME_NAMES)


def utc(milliseconds: int) -> str:
    """Milliseconds since the epoch as UTC ISO-8601: ``2024-01-01T00:00:00.123Z``."""
    moment = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=milliseconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{milliseconds % 1000:03d}Z"


def text(name: str, value: object) -> str:
    """The text of a value in column ``name`` of a text table: empty for ``None``, a time as
    UTC ISO-8601 (a whole positive number of milliseconds in a time column: an ``int``, or the
    digits OKX sends where the field is untyped), anything else as ``plain`` writes it."""
    if value is None:
        return ""
    if is_time(name) and not isinstance(value, bool):
        digits = value if isinstance(value, int) else None
        if isinstance(value, str) and value.isascii() and value.isdigit():
            digits = int(value)
        if digits is not None and digits > 0:
            try:
                return utc(digits)
            except OverflowError:  # past the year 9999: not a time after all
                pass
    return plain(value)


def _index(name: str, fields: Sequence[str]) -> int | None:
    """Where ``name``, in any spelling (``inst_id``, ``instId``), is among OKX's ``fields``."""
    joined = "".join(_words(name))
    return next((index for index, field in enumerate(fields) if field.lower() == joined), None)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, (str, list)) and not value)


def _nothing(value: object) -> bool:
    """Empty, zero, ``false`` or nested items: what a narrow table leaves out first."""
    if _blank(value) or isinstance(value, dict) or attrs.has(type(value)):
        return True
    if isinstance(value, list):  # nested items; a list of strings (IDs, say) is a value
        return not all(isinstance(each, str) for each in value)
    if isinstance(value, (bool, int, Decimal)):
        return not value
    return isinstance(value, str) and value.strip().lower() in ("0", "false")


def ranked(names: Sequence[str], items: Sequence[object]) -> list[str]:
    """The columns ``names`` that have a value in some item, most wanted first: on the rows
    of nested items the first ``SHOWN_KEYS`` of the parent's ``KEYS``, then those of
    ``PRIORITY`` in its order, the rest in their order, then the parent's other fields, and
    last the columns with nothing but zero, ``false`` or nested items."""
    filled = [name for name in names if any(not _blank(value_of(i, name)) for i in items)]
    keys = {
        name: index
        for name in filled
        if name.startswith(PARENT) and (index := _index(name, KEYS)) is not None
    }
    first = sorted(keys, key=keys.__getitem__)[:SHOWN_KEYS]
    leading = {name: rank for rank, name in enumerate(first)}

    def rank(position: int) -> tuple[int, int]:
        name = filled[position]
        parent = name.startswith(PARENT)
        if name in leading:
            return 0, leading[name]
        if all(_nothing(value_of(item, name)) for item in items):
            return 4, position
        if parent:
            return 3, position
        priority = _index(name, PRIORITY)
        return (1, priority) if priority is not None else (2, position)

    return [filled[position] for position in sorted(range(len(filled)), key=rank)]


def fitting(widths: Sequence[int], width: int) -> int:
    """How many columns of these ``widths``, from the first, fit side by side (two spaces
    apart) in ``width`` characters; at least one. The columns come most wanted first (see
    ``ranked``), so a narrow table keeps those and leaves out the rest, never the other way
    round."""
    used = -2
    for count, size in enumerate(widths):
        used += 2 + size
        if used > width:
            return max(count, 1)
    return len(widths)


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


def text_table(
    items: Sequence[object],
    model: type | None,
    *,
    picked: Sequence[str] | None = None,
    width: int | None = None,
    notes: Sequence[str] = (),
) -> str:
    """Return ``items`` (typed items of ``model``, or untyped dicts) as an aligned text table.

    One column per field, headed by its name; ``None`` is shown empty, numbers are
    right-aligned and times (``ts``, ``cTime``, ...) are UTC ISO-8601 (see ``text``).
    ``picked`` are the columns shown (``--columns``); otherwise the columns with a value in some
    row, those that matter most first (``ranked``), as many as fit in
    ``width`` characters. The last line counts the rows (``2 rows``, ``1 row`` or
    ``no rows``), names the columns left out and adds ``notes``, wrapped to ``width``.
    """
    if not items:
        return "no rows"
    names = list(picked) if picked else ranked(columns(model, items), items)
    rows = [[text(name, value_of(item, name)) for name in names] for item in items]
    right = [_numeric(items, name) for name in names]
    widths = [
        max(len(name), *(len(row[index]) for row in rows)) for index, name in enumerate(names)
    ]
    shown = range(len(names))
    if not picked and width is not None:
        shown = range(fitting(widths, width))
    lines = [
        "  ".join(
            row[index].rjust(widths[index]) if right[index] else row[index].ljust(widths[index])
            for index in shown
        ).rstrip()
        for row in [names, *rows]
    ]
    parts = [f"{len(items)} row" + ("" if len(items) == 1 else "s")]
    hidden = [name for index, name in enumerate(names) if index not in shown]
    if hidden:
        parts.append(f"not shown (see --columns): {', '.join(hidden)}")
    footer = "; ".join([*parts, *notes])
    if width is not None:
        footer = textwrap.fill(footer, width, break_long_words=False, break_on_hyphens=False)
    lines.append(footer)
    return "\n".join(lines)


def _numeric(items: Sequence[object], name: str) -> bool:
    """Whether column ``name`` holds numbers (and nothing else but empty cells); a time is
    not a number."""
    present = [value for item in items if (value := value_of(item, name)) is not None]
    return (
        bool(present)
        and not is_time(name)
        and all(
            isinstance(value, (int, Decimal)) and not isinstance(value, bool) for value in present
        )
    )
