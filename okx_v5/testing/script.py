"""Scripted answers: the next requests get the answers a test wrote instead of the exchange's.

An ``Answer`` says what to send: a status, a body, headers, how to send it (chunked, late,
after a ``103 Early Hints``), or to hang up instead. ``Script`` holds them in order; each
request takes the first one that applies to its path. Injected faults are scripted answers too.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

__all__ = ["Answer", "Body", "Script"]

Body: TypeAlias = bytes | str | Mapping[str, Any] | Sequence[Any] | Callable[[bytes], bytes] | None
"""What an ``Answer`` sends as its body; see ``Answer.body``."""


@dataclass(frozen=True)
class Answer:
    """One scripted answer, sent in place of the exchange's to one request.

    Without ``body`` (or with a function as ``body``) the exchange still answers the request,
    checks and state included, and the answer changes only what it sets: the status, the
    headers, how it is sent. With ``body`` the exchange's logic does not run at all.
    """

    status: int | None = None
    """HTTP status; ``None``: the exchange's own, or 200 when ``body`` replaces its answer."""
    body: Body = None
    """``bytes`` sent as they are, ``str`` as UTF-8, a dict or list as compact JSON, a function
    of the exchange's own body returning the bytes to send, or ``None`` for the exchange's body.
    """
    headers: Mapping[str, str] = field(default_factory=dict)
    """Extra headers; a ``Content-Type`` or ``Content-Length`` here replaces the server's."""
    chunked: bool = False
    """Send the body with ``Transfer-Encoding: chunked``, in two chunks (one if under 2 bytes)."""
    delay: float = 0.0
    """Seconds to wait before the final answer (cut short when the server stops)."""
    early_hints: bool = False
    """Send an informational ``103 Early Hints`` (with a ``Link`` header) before the answer."""
    reset: bool = False
    """Answer nothing: close the connection with a TCP RST (``SO_LINGER`` 0)."""
    drop: bool = False
    """Answer nothing: close the connection normally (FIN), as if the server hung up."""

    def __post_init__(self) -> None:
        if self.status is not None and not 200 <= self.status <= 599:
            raise ValueError(f"status must be a final HTTP status (200-599), not {self.status}")
        if self.delay < 0:
            raise ValueError("delay must not be negative")
        if self.reset and self.drop:
            raise ValueError("give at most one of reset and drop")
        if (self.reset or self.drop) and (
            self.status is not None or self.body is not None or self.headers or self.chunked
        ):
            raise ValueError("an answer that hangs up (reset or drop) sends no status or body")

    @property
    def replaces_the_exchange(self) -> bool:
        """Whether the exchange's logic is skipped: a hang-up, or a body given as content."""
        return self.reset or self.drop or (self.body is not None and not callable(self.body))

    def content(self, exchange_body: bytes = b"") -> bytes:
        """Return the bytes of the body, given the exchange's own body (used when it is kept)."""
        body = self.body
        if body is None:
            return exchange_body
        if isinstance(body, bytes):
            return body
        if isinstance(body, str):
            return body.encode()
        if callable(body):
            return body(exchange_body)
        return json.dumps(body, separators=(",", ":")).encode()


@dataclass
class _Entry:
    answer: Answer
    turns: int
    path: str | None
    fault: bool


class Script:
    """Thread-safe queue of scripted answers; each request takes at most one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[_Entry] = []

    def add(
        self, answer: Answer, *, turns: int = 1, path: str | None = None, fault: bool = False
    ) -> None:
        """Queue ``answer`` for the next ``turns`` requests (to ``path`` only, if set)."""
        if turns < 1:
            raise ValueError("count must be at least 1")
        if path is not None and not path.startswith("/"):
            raise ValueError(f"path must start with '/', not {path!r}")
        with self._lock:
            self._entries.append(_Entry(answer, turns, path, fault))

    def take(self, path: str) -> Answer | None:
        """Return the first answer that applies to a request for ``path``, using one turn."""
        with self._lock:
            for entry in self._entries:
                if entry.path is None or entry.path == path:
                    entry.turns -= 1
                    if entry.turns == 0:
                        self._entries.remove(entry)
                    return entry.answer
        return None

    def clear(self, *, faults_only: bool = False) -> None:
        """Forget the waiting answers (only those queued as faults, if ``faults_only``)."""
        with self._lock:
            self._entries = [e for e in self._entries if faults_only and not e.fault]

    @property
    def faults(self) -> int:
        """How many queued faults (each ``inject`` call is one) still wait."""
        with self._lock:
            return sum(entry.fault for entry in self._entries)

    def __len__(self) -> int:
        """How many requests the waiting answers will still answer."""
        with self._lock:
            return sum(entry.turns for entry in self._entries)
