"""The thread stream callbacks run on: one per client, so that a slow callback never holds up
the connections (their pings, reads and reconnects run on the client's event loop)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["Dispatcher"]

logger = logging.getLogger("okx_v5.websocket")

_STOP = object()


class Dispatcher:
    """Calls ``callback(message)`` for each ``put``, in order, on one daemon thread.

    An exception from a callback is logged (with its traceback) and the next call goes on.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._calls: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def put(self, callback: Callable[[Any], object], message: object) -> None:
        """Have ``callback(message)`` called on the dispatcher's thread."""
        if self._stopped:
            return
        self._start()
        self._calls.put((callback, message))

    def put_many(self, calls: list[tuple[Callable[[Any], object], object]]) -> None:
        """Have each ``(callback, message)`` of ``calls`` called, in order."""
        if calls and not self._stopped:
            self._start()
            self._calls.put(calls)

    def _start(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None and not self._stopped:
                    self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        calls = self._calls
        while True:
            item = calls.get()
            if item is _STOP or self._stopped:
                return
            for callback, message in item if isinstance(item, list) else (item,):
                if self._stopped:
                    return
                try:
                    callback(message)
                except Exception:
                    logger.exception("a stream callback (%r) raised; the stream goes on", callback)

    def stop(self, timeout: float = 1.0) -> None:
        """Run no more callbacks (the one running finishes); wait up to ``timeout`` s for the
        thread to end."""
        self._stopped = True
        thread = self._thread
        if thread is None:
            return
        self._calls.put(_STOP)
        if thread is not threading.current_thread():
            thread.join(timeout)
