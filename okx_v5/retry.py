"""The retry policy: which outcomes are worth another attempt, and how long to wait first.

Only reads (``GET``) are retried. Transient outcomes are connection errors, timeouts, and the
answers ``okx_v5.exceptions.ERROR_CODES`` marks transient (OKX's server-side and rate-limit
codes); an answer with a code not in that table is transient when ``api_exception_class`` maps
it to ``OkxServerException`` or ``OkxRateLimitException`` (HTTP 5xx, HTTP 429). The wait is
exponential backoff with full jitter, or the server's ``Retry-After`` when it sends one, and the
whole call stays inside a time budget.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping

import attrs

from .exceptions import (
    ERROR_CODES,
    OkxRateLimitException,
    OkxServerException,
    api_exception_class,
)

__all__ = ["RetryPolicy", "is_transient", "retry_after"]


def is_transient(code: str, status_code: int | None) -> bool:
    """Whether an answer with this OKX ``code`` and HTTP status is worth retrying."""
    if code == "0" and (status_code is None or status_code < 400):
        return False
    known = ERROR_CODES.get(code)
    if known is not None:
        return known.transient
    return issubclass(
        api_exception_class(code, status_code), (OkxServerException, OkxRateLimitException)
    )


def retry_after(headers: Mapping[str, str] | None, now: float | None = None) -> float | None:
    """Return the seconds a ``Retry-After`` header asks for (number or HTTP date), or ``None``."""
    value = (headers or {}).get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@attrs.frozen
class RetryPolicy:
    """How many times, and after how long, a transient failure is retried.

    Attributes:
        max_retries: retries after the first attempt; ``0`` disables retrying.
        budget: seconds the whole call may take, waits included; no retry starts whose wait
            would end after it.
        base: backoff unit: before retry *n* the wait is uniform in ``[0, base * 2**(n-1)]``.
        cap: the longest single backoff wait.
        random: uniform ``[0, 1)`` source (injectable for tests).
        sleep: sleep function (injectable for tests).
        clock: monotonic clock in seconds (injectable for tests).
    """

    max_retries: int = 3
    budget: float = 10.0
    base: float = 0.5
    cap: float = 5.0
    random: Callable[[], float] = attrs.field(default=random.random, repr=False)
    sleep: Callable[[float], object] = attrs.field(default=time.sleep, repr=False)
    clock: Callable[[], float] = attrs.field(default=time.monotonic, repr=False)

    def delay(self, retry: int, asked: float | None = None) -> float:
        """Return the wait before retry number ``retry`` (1-based); ``asked`` is Retry-After."""
        if asked is not None:
            return asked
        return self.random() * min(self.cap, self.base * 2.0 ** (retry - 1))

    def next_delay(self, attempts: int, started: float, asked: float | None = None) -> float | None:
        """Return the wait before the next attempt, or ``None`` to give up.

        ``attempts`` is how many were made so far, ``started`` the clock at the first one and
        ``asked`` the server's ``Retry-After`` (seconds), if any.
        """
        if attempts > self.max_retries:
            return None
        pause = self.delay(attempts, asked)
        if self.clock() - started + pause > self.budget:
            return None
        return pause
