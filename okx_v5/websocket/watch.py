"""What ``okx-v5 watch`` prints: one line per message of a stream, as table rows or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from .. import display
from .client import WsPublic
from .messages import WsMessage

__all__ = ["StreamTable", "watch"]


class StreamTable:
    """Rows of a table printed as messages come: the header and the column widths are those
    of the first message's items, later rows keep them (a wider value widens its row only)."""

    def __init__(self, columns: Sequence[str] | None = None, width: int = 100) -> None:
        self._wanted = list(columns) if columns else None
        self._width = width
        self._names: list[str] | None = None
        self._widths: list[int] = []
        self._right: list[bool] = []

    def lines(self, message: WsMessage) -> list[str]:
        """The lines to print for ``message``: the header first, once, then one row per item."""
        if message.event is not None:
            return [f"# {message.event}: " + json.dumps(dict(message), default=str)]
        items = message.data
        if not items:
            return []
        out: list[str] = []
        if self._names is None:
            out.append(self._start(message.model, items))
        assert self._names is not None
        for item in items:
            cells = [_cell(display.value_of(item, name)) for name in self._names]
            out.append(
                "  ".join(
                    cell.rjust(size) if right else cell.ljust(size)
                    for cell, size, right in zip(cells, self._widths, self._right, strict=True)
                ).rstrip()
            )
        return out

    def _start(self, model: type | None, items: Sequence[object]) -> str:
        names = self._wanted or [
            name
            for name in display.columns(model, items)
            if any(display.value_of(item, name) not in (None, "", []) for item in items)
        ]
        widths = [
            max(len(name), *(len(_cell(display.value_of(item, name))) for item in items))
            for name in names
        ]
        shown = len(widths)
        used = 0
        for index, size in enumerate(widths):
            used += size + (2 if index else 0)
            if used > self._width and not self._wanted:
                shown = max(index, 1)
                break
        self._names = names[:shown]
        self._widths = widths[:shown]
        self._right = [
            all(
                isinstance(value, (int, Decimal)) and not isinstance(value, bool)
                for item in items
                if (value := display.value_of(item, name)) is not None
            )
            for name in self._names
        ]
        return "  ".join(
            name.rjust(size) if right else name.ljust(size)
            for name, size, right in zip(self._names, self._widths, self._right, strict=True)
        ).rstrip()


def watch(
    client: WsPublic,
    args: list[dict[str, Any]],
    *,
    count: int | None,
    as_json: bool,
    columns: Sequence[str] | None,
    width: int,
    write: Callable[[str], object],
) -> int:
    """Subscribe ``client`` to ``args`` and write each message until ``count`` were written;
    return how many were."""
    client.subscribe(args)
    table = StreamTable(columns, width)
    written = 0
    for message in client.messages(timeout=None):
        lines = [json.dumps(message)] if as_json else table.lines(message)
        for line in lines:
            write(line)
        if message.event is None:
            written += 1
            if count is not None and written >= count:
                break
    return written


def _cell(value: object) -> str:
    return "" if value is None else display.plain(value)
