"""Fault injection: the ways real networks and OKX break answers, as ready-made scripted answers."""

from __future__ import annotations

from enum import Enum

from okx_v5.testing.exchange import error_reply
from okx_v5.testing.script import Answer

__all__ = ["Fault", "fault_answer"]


class Fault(str, Enum):
    """The kinds of broken answer the fake exchange can give."""

    HTTP_5XX = "http_5xx"
    """An HTTP 5xx status (``status``, default 502) with an HTML body, as a proxy sends it."""
    SERVER_BUSY = "50001"
    """HTTP 503 with OKX JSON ``{"code":"50001",...}``: service temporarily unavailable."""
    TRUNCATED = "truncated"
    """The normal answer cut in the middle: invalid JSON with a matching Content-Length."""
    EMPTY = "empty"
    """HTTP 200 with an empty body."""
    DELAY = "delay"
    """The normal answer, sent after ``seconds`` (default 1.0)."""
    DROP = "drop"
    """The connection is closed without any answer."""


_HTML_5XX = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def _first_half(body: bytes) -> bytes:
    return body[: len(body) // 2]


def fault_answer(kind: Fault | str, *, status: int = 502, seconds: float = 1.0) -> Answer:
    """Return the scripted answer that gives fault ``kind``.

    ``status`` is the code of an ``http_5xx`` fault, ``seconds`` the wait of a ``delay``.
    """
    kind = Fault(kind)
    if kind is Fault.HTTP_5XX and not 500 <= status <= 599:
        raise ValueError(f"status must be a 5xx code, not {status}")
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    if kind is Fault.HTTP_5XX:
        page = _HTML_5XX.format(status=status, reason=_REASONS.get(status, "Server Error"))
        return Answer(status, page, headers={"Content-Type": "text/html"})
    if kind is Fault.SERVER_BUSY:
        busy = error_reply("50001")
        return Answer(busy.status, busy.body)
    if kind is Fault.TRUNCATED:
        return Answer(body=_first_half)
    if kind is Fault.EMPTY:
        return Answer(200, b"")
    if kind is Fault.DELAY:
        return Answer(delay=seconds)
    return Answer(drop=True)
