"""Fault injection: the next N requests get a broken answer instead of the normal one."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum

__all__ = ["Fault", "FaultQueue", "PendingFault"]


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


@dataclass
class PendingFault:
    """A fault waiting for its next ``remaining`` requests (to ``path`` only, if set)."""

    kind: Fault
    remaining: int
    status: int = 502
    seconds: float = 1.0
    path: str | None = None


class FaultQueue:
    """Thread-safe queue of pending faults; each request takes at most one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[PendingFault] = []

    def add(self, fault: PendingFault) -> None:
        """Queue ``fault`` behind those already waiting."""
        if fault.remaining < 1:
            raise ValueError("count must be at least 1")
        if fault.kind is Fault.HTTP_5XX and not 500 <= fault.status <= 599:
            raise ValueError(f"status must be a 5xx code, not {fault.status}")
        if fault.seconds < 0:
            raise ValueError("seconds must not be negative")
        with self._lock:
            self._pending.append(fault)

    def take(self, path: str) -> PendingFault | None:
        """Return the first fault that applies to a request for ``path``, using one of its turns."""
        with self._lock:
            for fault in self._pending:
                if fault.path is None or fault.path == path:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._pending.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        """Forget every pending fault."""
        with self._lock:
            self._pending.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)
