"""OKX's WebSocket limits, kept on this side so that OKX never has to enforce them.

- Connection attempts: at most ``CONNECT_LIMIT`` per second per IP (3). Every client in the process
  books its attempts in one ``ConnectGate``, so a fleet of streams reconnecting at once after a
  network blip stays inside the limit.
- Connections per channel: at most ``LIMITS.connections_per_channel`` (30) connections of a
  sub-account on each of the channels OKX counts (orders, account, positions...);
  ``channel_connections`` counts those of the process.
- Requests: at most ``REQUEST_LIMIT`` (480) subscribe, unsubscribe and login requests per connection
  per hour; ``RequestBudget`` counts them for one connection (it never waits: a request beyond
  the budget is refused).

A wait for a connection slot longer than ``okx_v5.ratelimit.LOGGED_WAIT`` is logged at INFO on the
``okx_v5.websocket`` logger, as the REST limiters do.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

from .._generated.channels import LIMITS
from ..ratelimit import log_wait

__all__ = [
    "CONNECT_LIMIT",
    "REQUEST_LIMIT",
    "ChannelConnections",
    "ConnectGate",
    "RequestBudget",
    "channel_connections",
    "connect_gate",
]

logger = logging.getLogger("okx_v5.websocket")

CONNECT_LIMIT = (LIMITS.connections_per_second, 1.1)
"""OKX: connection requests per second, per IP (3); the window is 10% longer here, so that
handshakes that reach OKX a little late still fall in separate seconds."""
REQUEST_LIMIT = (LIMITS.requests_per_hour, 3600.0)
"""OKX: subscribe/unsubscribe/login requests per hour, per connection (480)."""


class ConnectGate:
    """Hands out connection-attempt times, at most ``limit`` in any ``window`` seconds.

    ``reserve()`` books the earliest free slot and returns how long to wait for it; thread-safe,
    so clients on different threads (and event loops) share it.
    """

    def __init__(
        self,
        limit: int = CONNECT_LIMIT[0],
        window: float = CONNECT_LIMIT[1],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._slots: deque[float] = deque()

    def reserve(self, what: str = "connection") -> float:
        """Book one attempt; return the seconds to wait before making it (0 if none).

        The caller is to wait at once: a wait is logged (INFO when long) as ``what``'s (the
        OKX path, ``/ws/v5/public``)."""
        with self._lock:
            now = self._clock()
            while self._slots and self._slots[0] <= now - self.window:
                self._slots.popleft()
            start = now
            if len(self._slots) >= self.limit:
                # The attempt goes just after the window of the limit-th latest one closes.
                start = max(now, self._slots[-self.limit] + self.window)
            self._slots.append(start)
        wait = start - now
        if wait > 0:
            limit = f"the limit of {self.limit} connection requests per {self.window:g} s"
            log_wait(what, wait, limit, logger)
        return wait


connect_gate = ConnectGate()
"""The process-wide gate every stream connection passes before it connects."""


class RequestBudget:
    """Counts one connection's subscribe/unsubscribe/login requests in OKX's hourly window."""

    def __init__(
        self,
        limit: int = REQUEST_LIMIT[0],
        window: float = REQUEST_LIMIT[1],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sent: deque[float] = deque()

    def left(self) -> int:
        """How many more requests this connection may send now."""
        now = self._clock()
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()
        return self.limit - len(self._sent)

    def spend(self) -> None:
        """Count one request sent now."""
        self._sent.append(self._clock())


class ChannelConnections:
    """The connections of each API key on each channel OKX caps (30 per channel per
    sub-account): which clients of the process hold one. Thread-safe."""

    def __init__(self, limit: int = LIMITS.connections_per_channel) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], set[int]] = {}

    def hold(self, key: str, channel: str, holder: object) -> bool:
        """Count ``holder``'s connection on ``channel``; ``False`` (nothing counted) when the
        key has ``limit`` connections on it already."""
        with self._lock:
            holders = self._held.setdefault((key, channel), set())
            if id(holder) not in holders and len(holders) >= self.limit:
                return False
            holders.add(id(holder))
            return True

    def release(self, key: str, holder: object, channel: str | None = None) -> None:
        """Forget ``holder``'s connection on ``channel`` (on every channel when ``None``)."""
        with self._lock:
            for (held_key, held_channel), holders in self._held.items():
                if held_key == key and channel in (None, held_channel):
                    holders.discard(id(holder))


channel_connections = ChannelConnections()
"""The process-wide count of connections per API key and capped channel."""
