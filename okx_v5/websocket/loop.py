"""The thread a synchronous stream client runs its connections on: one asyncio loop per client.

The loop is private to the client, so the user's code needs no ``asyncio`` and works where a loop
already runs in the main thread (Jupyter). Every connection of the client lives on this loop; user
threads hand it work with ``LoopThread.submit`` and wait on the returned ``_futures.Future``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as _futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["LoopThread"]

T = TypeVar("T")


class LoopThread:
    """An asyncio event loop on a daemon thread, started on first use, stopped by ``stop()``."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The running loop, started now if it was not yet."""
        with self._lock:
            if self._stopped:
                raise RuntimeError("the client is closed")
            if self._loop is None:
                self._start()
            assert self._loop is not None
            return self._loop

    def _start(self) -> None:
        loop = asyncio.new_event_loop()
        running = threading.Event()
        thread = threading.Thread(
            target=self._run, args=(loop, running), name=self._name, daemon=True
        )
        thread.start()
        running.wait()
        self._loop, self._thread = loop, thread

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop, running: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(running.set)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def in_loop(self) -> bool:
        """Whether the caller runs on this loop's thread."""
        return self._thread is not None and threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> _futures.Future[T]:
        """Run ``coro`` on the loop; return a future the calling thread can wait on."""
        try:
            loop = self.loop
        except RuntimeError:
            coro.close()
            raise
        return asyncio.run_coroutine_threadsafe(coro, loop)

    def call(self, function: Any, *args: Any) -> None:
        """Call ``function(*args)`` on the loop's thread, soon; nothing when stopped."""
        loop = self._loop
        if loop is not None and not self._stopped:
            with contextlib.suppress(RuntimeError):  # closed between the check and the call
                loop.call_soon_threadsafe(function, *args)

    def stop(self, closing: Coroutine[Any, Any, None] | None = None, timeout: float = 1.0) -> None:
        """Run ``closing`` (if given) on the loop, cancel what is left, stop and join the thread.

        Returns within about ``timeout`` seconds; callable from any thread, more than once.
        """
        with self._lock:
            loop, thread = self._loop, self._thread
            already = self._stopped
            self._stopped = True
        if loop is None or thread is None or already:
            if closing is not None:
                closing.close()
            return
        if thread is threading.current_thread():
            # Called from a callback on the loop itself: finish in the background.
            if closing is not None:
                loop.create_task(_then_stop(closing, loop, timeout))
            else:
                loop.call_soon(_cancel_all_and_stop, loop)
            return
        done = asyncio.run_coroutine_threadsafe(_then_stop(closing, loop, timeout), loop)
        with contextlib.suppress(_futures.TimeoutError, _futures.CancelledError):
            done.result(timeout + 0.5)
        thread.join(timeout + 0.5)


async def _then_stop(
    closing: Coroutine[Any, Any, None] | None, loop: asyncio.AbstractEventLoop, timeout: float
) -> None:
    if closing is not None:
        with contextlib.suppress(Exception, asyncio.TimeoutError):
            await asyncio.wait_for(closing, timeout * 0.8)
    loop.call_soon(_cancel_all_and_stop, loop)


def _cancel_all_and_stop(loop: asyncio.AbstractEventLoop) -> None:
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        gathered = asyncio.gather(*tasks, return_exceptions=True)
        gathered.add_done_callback(lambda _: loop.stop())
    else:
        loop.stop()
