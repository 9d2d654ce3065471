"""``FakeOKX.streams``: what a test controls of the fake exchange's WebSocket side, and sees of it.

The streams are served on FakeOKX's own host and port, at OKX's paths ``/ws/v5/public``,
``/ws/v5/business`` and ``/ws/v5/private`` (``FakeOKX.ws_url`` is their base). A test breaks them
the ways networks and OKX do (``Streams.drop``, ``Streams.silence``, ``Streams.refuse``,
``Streams.fail_next``, ``Streams.corrupt_checksum``, ``Streams.skip_sequence``) and reads what they
received (``Streams.received``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from okx_v5.testing.gateway import Gateway

__all__ = ["ReceivedFrame", "Streams"]


@dataclass(frozen=True)
class ReceivedFrame:
    """One text frame a WebSocket connection of the fake exchange received."""

    path: str
    """The URL path of the connection: ``/ws/v5/public``, ``/ws/v5/business`` or
    ``/ws/v5/private``."""
    conn_id: str
    """The connection's ``connId``, as the answers on it give it."""
    text: str
    time: float
    """When it arrived (``time.time()``, the local clock)."""

    def json(self) -> Any:
        """The frame's JSON; ``ValueError`` if it is not JSON (``ping``)."""
        return json.loads(self.text)

    @property
    def op(self) -> str | None:
        """The ``op`` of a JSON request (``login``, ``subscribe``, ``order``...), else
        ``None`` (``ping``, or not JSON)."""
        try:
            message = self.json()
        except ValueError:
            return None
        op = message.get("op") if isinstance(message, dict) else None
        return op if isinstance(op, str) else None


def _count(count: int) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a whole number of at least 1, not {count!r}")
    return count


def _seconds(name: str, seconds: float, *, positive: bool) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ValueError(f"{name} must be a number of seconds, not {seconds!r}")
    if not seconds >= 0 or (positive and seconds == 0) or seconds == float("inf"):
        raise ValueError(f"{name} must be a {'positive' if positive else 'non-negative'} number")
    return float(seconds)


class Streams:
    """The WebSocket side of a ``FakeOKX``: faults to inject, settings, what was received.

    Faults last until used up (``count``), for a time (``refuse``) or until switched off
    (``silence``); ``FakeOKX.reset()`` cancels them and zeroes the counters.
    """

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway

    def __repr__(self) -> str:
        return f"<Streams connections={self.connections} accepted={self.accepted}>"

    # -- faults --------------------------------------------------------------------------------

    def drop(self) -> None:
        """Cut every open WebSocket connection now, abruptly: the TCP connection ends without a
        close frame, as in a network drop (clients see close code 1006)."""
        self._gateway.drop()

    def silence(self, on: bool = True) -> None:
        """While ``on``, send nothing on any connection, new ones included: no pushes, no
        ``pong``, no answers, no control frames. Connections stay open, and what they send
        is still received and acted on; what would have been sent is lost."""
        self._gateway.silence(bool(on))

    @property
    def silenced(self) -> bool:
        """Whether ``silence`` is on."""
        return self._gateway.silent

    def refuse(self, seconds: float) -> None:
        """Refuse WebSocket handshakes with HTTP 503 for ``seconds`` (0 stops refusing)."""
        self._gateway.refuse(_seconds("seconds", seconds, positive=False))

    def fail_next(
        self, op: str = "subscribe", code: str = "60018", msg: str | None = None, count: int = 1
    ) -> None:
        """Answer the next ``count`` requests with ``op`` (``login``, ``subscribe``,
        ``unsubscribe``, ``order``, ``batch-orders``, ``cancel-order``, ``amend-order``,
        ``mass-cancel``...) with error ``code`` instead of doing them.

        ``login``, ``subscribe`` and ``unsubscribe`` get OKX's ``{"event": "error", "code",
        "msg", "connId"}``; order operations their own answer ``{"id", "op", "code", "msg",
        "data": []}``. ``msg`` defaults to OKX's message for ``code``.
        """
        if not isinstance(op, str) or not op:
            raise ValueError(f"op must be an operation such as 'subscribe', not {op!r}")
        if not isinstance(code, str) or not code.isdecimal():
            raise ValueError(f"code must be an OKX code such as '60018', not {code!r}")
        self._gateway.fail_next(op, code, msg, _count(count))

    def corrupt_checksum(self, count: int = 1) -> None:
        """Give the next ``count`` order book updates (``books``, ``books-l2-tbt``,
        ``books50-l2-tbt``) a wrong, non-zero ``checksum``."""
        self._gateway.pushes.corrupt_checksum(_count(count))

    def skip_sequence(self, count: int = 1) -> None:
        """Give the next ``count`` order book updates a ``prevSeqId`` that is not the
        ``seqId`` of the message before: a gap, as if a message were lost."""
        self._gateway.pushes.skip_sequence(_count(count))

    # -- settings ------------------------------------------------------------------------------

    @property
    def zero_checksums(self) -> bool:
        """Send ``checksum: 0`` in order book messages (OKX now may: 0 means "not given").
        Off by default; ``reset()`` leaves it."""
        return self._gateway.pushes.zero_checksums

    @zero_checksums.setter
    def zero_checksums(self, on: bool) -> None:
        self._gateway.pushes.zero_checksums = bool(on)

    @property
    def interval(self) -> float:
        """Seconds between market pushes (books, tickers, candles...); a price moved by
        ``set_price`` is pushed at once. ``FakeOKX(stream_interval=...)`` sets it first."""
        return self._gateway.pushes.interval

    @interval.setter
    def interval(self, seconds: float) -> None:
        self._gateway.pushes.interval = _seconds("interval", seconds, positive=True)

    @property
    def idle_timeout(self) -> float:
        """Seconds without a frame either way after which a connection is closed with code
        4004, as OKX closes it after 30 (the default); 0 never closes."""
        return self._gateway.idle_timeout

    @idle_timeout.setter
    def idle_timeout(self, seconds: float) -> None:
        self._gateway.idle_timeout = _seconds("idle_timeout", seconds, positive=False)

    @property
    def connect_window(self) -> float:
        """Seconds of the window of OKX's limit of 3 handshakes per IP (1 s, scaled by
        ``rate_window``); applies while ``FakeOKX.rate_limits`` is on (HTTP 429)."""
        return self._gateway.connect_window

    @connect_window.setter
    def connect_window(self, seconds: float) -> None:
        self._gateway.connect_window = _seconds("connect_window", seconds, positive=True)

    @property
    def request_window(self) -> float:
        """Seconds of the window of OKX's limit of 480 ``login``/``subscribe``/``unsubscribe``
        requests per connection (an hour, scaled by ``rate_window``); applies while
        ``FakeOKX.rate_limits`` is on (error ``60014``)."""
        return self._gateway.request_window

    @request_window.setter
    def request_window(self, seconds: float) -> None:
        self._gateway.request_window = _seconds("request_window", seconds, positive=True)

    # -- what happened -------------------------------------------------------------------------

    @property
    def connections(self) -> int:
        """How many WebSocket connections are open now."""
        return len(self._gateway.connections)

    @property
    def accepted(self) -> int:
        """How many handshakes were accepted since the start (or ``reset()``)."""
        return self._gateway.accepted

    @property
    def received(self) -> list[ReceivedFrame]:
        """A snapshot of the text frames received on every connection, oldest first."""
        return self._gateway.received()

    def clear(self) -> None:
        """Forget the frames received so far."""
        self._gateway.clear_received()
