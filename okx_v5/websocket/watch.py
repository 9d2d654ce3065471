"""What ``okx-v5 watch`` prints: one line per message of a stream, as table rows or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from .. import display
from ..exceptions import OkxParamsException
from ..response import records
from .client import WsPublic
from .messages import WsMessage

__all__ = ["StreamTable", "watch"]


class StreamTable:
    """Rows of a table printed as messages come: the header and the column widths are those
    of the first message's items, later rows keep them (a wider value widens its row only).
    With ``rows``, one row per item of that nested list of each item (``--rows asks``)."""

    def __init__(
        self, columns: Sequence[str] | None = None, width: int = 100, rows: str | None = None
    ) -> None:
        self._wanted = list(columns) if columns else None
        self._width = width
        self._rows = rows
        self._names: list[str] | None = None
        self._widths: list[int] = []
        self._right: list[bool] = []

    def lines(self, message: WsMessage) -> list[str]:
        """The lines to print for ``message``: the header first, once, then one row per item."""
        if message.event is not None:
            return [f"# {message.event}: " + json.dumps(dict(message), default=str)]
        items: Sequence[object] = message.data
        model = message.model
        if self._rows:
            try:
                items, model = records(items, model, self._rows), None
            except OkxParamsException as problem:
                raise OkxParamsException(f"--rows: {problem}") from None
        if not items:
            return []
        out: list[str] = []
        if self._names is None:
            out.append(self._start(model, items))
        assert self._names is not None
        for item in items:
            cells = [display.text(name, display.value_of(item, name)) for name in self._names]
            out.append(
                "  ".join(
                    cell.rjust(size) if right else cell.ljust(size)
                    for cell, size, right in zip(cells, self._widths, self._right, strict=True)
                ).rstrip()
            )
        return out

    def _start(self, model: type | None, items: Sequence[object]) -> str:
        names = self._wanted or display.ranked(display.columns(model, items), items)
        widths = [
            max(
                len(name),
                *(len(display.text(name, display.value_of(item, name))) for item in items),
            )
            for name in names
        ]
        shown = len(widths) if self._wanted else display.fitting(widths, self._width)
        self._names = names[:shown]
        self._widths = widths[:shown]
        self._right = [
            not display.is_time(name)
            and all(
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
    rows: str | None = None,
) -> int:
    """Subscribe ``client`` to ``args`` and write each message until ``count`` were written
    (as table rows, one per item or with ``rows`` per nested item, or as JSON); return how
    many were."""
    client.subscribe(args)
    table = StreamTable(columns, width, rows)
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
