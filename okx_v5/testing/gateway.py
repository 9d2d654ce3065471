"""OKX's WebSocket gateway, without the plumbing: logins, subscriptions, order operations, faults.

``Gateway`` answers each text message of a connection as OKX does (``ping``, ``login``,
``subscribe``, ``unsubscribe``, the order operations) and keeps what each connection logged in as
and subscribed to; ``Pushes`` pushes the channels. It checks OKX's limits (3 handshakes a second per
IP, 480 ``login``/``subscribe``/``unsubscribe`` requests an hour per connection, the order
operations' limits shared with REST, 30 seconds without data) and injects the faults ``Streams``
asks for.

Locks: the venue's lock guards the market, the accounts and everything the connections
logged in as and subscribed to; the gateway's own lock (taken after it, never before)
guards the list of connections, the faults and the counters. Nothing is written to a socket
under either.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from okx_v5 import consts as c
from okx_v5.endpoint import Endpoint
from okx_v5.endpoints import trade
from okx_v5.testing.calls import Call, ParamError, check, error_message, read_json
from okx_v5.testing.channels import (
    BUSINESS,
    CHANNELS,
    INSTRUMENT_TYPES,
    ORDER_INST_TYPES,
    PATHS,
    POSITION_INST_TYPES,
    PRIVATE,
    Channel,
    instrument_for,
)
from okx_v5.testing.exchange import TIMESTAMP_WINDOW, Exchange, SlidingWindow
from okx_v5.testing.pushes import Pushes, Session, text
from okx_v5.testing.streams import ReceivedFrame
from okx_v5.testing.trading import Desk
from okx_v5.testing.venue import Operation
from okx_v5.testing.wsserver import WebSocketConnection

__all__ = ["WS_ERRORS", "Gateway"]

WS_ERRORS: Mapping[str, str] = {
    "60004": "Invalid timestamp",
    "60005": "Invalid apiKey",
    "60006": "Timestamp request expired",
    "60007": "Invalid sign",
    "60009": "Login failure",
    "60011": "Please log in",
    "60012": "Invalid request: {0}",
    "60013": "Invalid args",
    "60014": "Requests too frequent",
    "60018": (
        "Wrong URL or {0} doesn't exist. Please use the correct URL, channel and parameters "
        "referring to API document."
    ),
    "60019": "Invalid op: {0}",
    "60021": "This operation does not support multiple accounts login.",
    "60024": "Wrong passphrase",
    "60027": "Parameter {0} can not be empty.",
    "60028": (
        "The current operation is not supported by this URL. Please use the correct WebSocket "
        "URL for the operation."
    ),
    "60031": "The WebSocket endpoint does not allow multiple or repeated logins.",
    "60032": "API key doesn't exist.",
    "64004": (
        "Subscribe to both {0} and books-l2-tbt for {1} is not allowed. Unsubscribe "
        "books-l2-tbt first."
    ),
}
"""OKX's WebSocket error code → message (``{0}``, ``{1}``: what it is about), for the codes
the gateway answers. Source: OKX API v5 docs, "Error Code > WebSocket > Public"; ``60012``'s
message as in the channels' failure examples ("Invalid request: <the request>")."""

CONNECT_LIMIT = 3
"""WebSocket handshakes per second per IP (OKX docs, "WebSocket > Connect")."""
REQUEST_LIMIT = 480
"""``subscribe``/``unsubscribe``/``login`` requests per hour per connection (same section)."""
IDLE_TIMEOUT = 30.0
"""Seconds without data after which OKX closes a connection (same section), with close code
4004 ("Error Code > WebSocket > Close Frame")."""
_IDLE_CLOSE = (4004, "No data received in 30s")
_GOING_AWAY = 1001
_LOGIN_PATH = "/users/self/verify"
_MAX_BATCH = 20
_ID = re.compile(r"[A-Za-z0-9]{0,32}")
# The fields of each operation's answer items, as OKX's "Response Parameters" list them.
_ANSWER_FIELDS = {
    "place": ("clOrdId", "ordId", "tag", "ts", "sCode", "sMsg"),
    "cancel": ("clOrdId", "ordId", "ts", "sCode", "sMsg"),
    "amend": ("clOrdId", "ordId", "ts", "reqId", "sCode", "sMsg"),
}


@dataclass(frozen=True)
class _Operation:
    """One WebSocket order operation: the REST endpoint whose checks and limits it shares."""

    endpoint: Endpoint[Any]
    """Each item is checked as this endpoint checks its parameters."""
    limits: Endpoint[Any]
    """The endpoint whose rate limits it counts against."""
    operation: Operation
    answer: str
    too_many: str = ""
    """The code refusing more than 20 items (a batch), ``""`` for a single order."""


# Source: OKX API v5 docs, "Order Book Trading > Trade > WS / Place order" and the sections
# after it ("Rate limit is shared with the ... REST API endpoints").
_OPERATIONS: Mapping[str, _Operation] = {
    "order": _Operation(trade.PLACE_ORDER, trade.PLACE_ORDER, Desk.place, "place"),
    "batch-orders": _Operation(
        trade.PLACE_ORDER, trade.PLACE_MULTIPLE_ORDERS, Desk.place, "place", "51111"
    ),
    "cancel-order": _Operation(trade.CANCEL_ORDER, trade.CANCEL_ORDER, Desk.cancel, "cancel"),
    "batch-cancel-orders": _Operation(
        trade.CANCEL_ORDER, trade.CANCEL_MULTIPLE_ORDERS, Desk.cancel, "cancel", "51406"
    ),
    "amend-order": _Operation(trade.AMEND_ORDER, trade.AMEND_ORDER, Desk.amend, "amend"),
    "batch-amend-orders": _Operation(
        trade.AMEND_ORDER, trade.AMEND_MULTIPLE_ORDERS, Desk.amend, "amend", "51501"
    ),
}
_MASS_CANCEL = "mass-cancel"
# OKX's docs serve mass-cancel on /private; python-okx sends it on /business: both work.
_MASS_CANCEL_PATHS = (PRIVATE, BUSINESS)
# OKX cancels OPTION orders (with MMP) only; the fake trades no options, so it cancels the
# orders of any derivative family.
_MASS_CANCEL_TYPES = ("SWAP", "FUTURES", "OPTION")
_LIMITED_OPS = ("login", "subscribe", "unsubscribe")


def _describe(arg: Mapping[str, Any]) -> str:
    """A subscription argument as OKX's 60018 message names it: ``channel:x,instId:y``."""
    return ",".join(f"{name}:{value}" for name, value in arg.items())


def _message(code: str, *args: object) -> str:
    template = WS_ERRORS.get(code)
    if template is None:
        try:
            return error_message(code, *map(str, args))
        except (KeyError, IndexError):
            return ""
    return template.format(*args, "", "")


def _echoable(ident: object) -> bool:
    """Whether a request's ``id`` is one to answer with: absent, or OKX's documented form ("a
    combination of case-sensitive alphanumerics, all numbers, or all letters of up to 32
    characters"); a 64-bit integer is echoed as sent too, as python-okx lets callers pass one."""
    if ident is None:
        return True
    if isinstance(ident, str):
        return _ID.fullmatch(ident) is not None
    return type(ident) is int and abs(ident) < 2**63


def _micros() -> str:
    return str(time.time_ns() // 1000)


@dataclass
class _Failure:
    op: str
    code: str
    msg: str | None
    left: int


@dataclass
class _Faults:
    """The stream faults waiting; see ``Streams``."""

    silent: bool = False
    refuse_until: float = 0.0
    failures: list[_Failure] = field(default_factory=list)


class Gateway:
    """OKX's WebSocket side of one fake exchange. Thread-safe; see the module for the locks.

    ``time_scale`` shortens OKX's handshake and request windows as ``FakeOKX``'s
    ``rate_window`` shortens REST's.
    """

    def __init__(self, exchange: Exchange, *, time_scale: float = 1.0):
        self._exchange = exchange
        self._venue = exchange.venue
        self.idle_timeout = IDLE_TIMEOUT
        self.connect_window = 1.0 * time_scale
        """Seconds of the 3-handshakes limit's window."""
        self.request_window = 3600.0 * time_scale
        """Seconds of the 480-requests limit's window."""
        self._lock = threading.Lock()
        self._faults = _Faults()
        self._sessions: dict[WebSocketConnection, Session] = {}
        self._threads: dict[WebSocketConnection, threading.Thread] = {}
        self._handshakes = SlidingWindow(CONNECT_LIMIT, self.connect_window)
        self._received: list[ReceivedFrame] = []
        self._accepted = 0
        self._stopping = threading.Event()
        self.pushes = Pushes(self._venue, self._sessions_now)
        """The channels' pushes: the market's interval, the books' faults."""

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Take connections, and push the market (a thread of its own)."""
        self._stopping.clear()
        self.pushes.start()

    def stop(self) -> None:
        """Refuse new connections, close the open ones, stop pushing; wait for their threads."""
        with self._lock:
            self._stopping.set()
            connections = list(self._sessions)
            threads = list(self._threads.values())
        for connection in connections:
            connection.close(_GOING_AWAY, "")
            connection.cut()
        for thread in threads:
            thread.join(timeout=2)
        self.pushes.stop()

    def reset(self) -> None:
        """Forget faults, counters, received frames and limit history (connections and their
        subscriptions stay)."""
        with self._venue.lock, self._lock:
            self._faults = _Faults()
            self._received.clear()
            self._accepted = 0
            self._handshakes.clear()
            for session in self._sessions.values():
                session.connection.muted = False
                session.requests.clear()
        self.pushes.reset()

    def _sessions_now(self) -> list[Session]:
        with self._lock:
            return list(self._sessions.values())

    # -- faults and counters (what Streams shows) ----------------------------------------------

    @property
    def connections(self) -> list[WebSocketConnection]:
        """The open connections."""
        with self._lock:
            return list(self._sessions)

    @property
    def accepted(self) -> int:
        """Handshakes accepted since the start (or the last reset)."""
        with self._lock:
            return self._accepted

    def received(self) -> list[ReceivedFrame]:
        """The text frames received, oldest first."""
        with self._lock:
            return list(self._received)

    def clear_received(self) -> None:
        """Forget the frames received."""
        with self._lock:
            self._received.clear()

    def drop(self) -> None:
        """Cut every open connection, without a close frame."""
        for connection in self.connections:
            connection.cut()

    def silence(self, on: bool) -> None:
        """Send nothing on any connection (new ones too) while ``on``."""
        with self._lock:
            self._faults.silent = on
            connections = list(self._sessions)
        for connection in connections:
            connection.muted = on

    @property
    def silent(self) -> bool:
        """Whether the connections are silenced."""
        with self._lock:
            return self._faults.silent

    def refuse(self, seconds: float) -> None:
        """Refuse handshakes (HTTP 503) for ``seconds``."""
        with self._lock:
            self._faults.refuse_until = time.monotonic() + seconds

    def fail_next(self, op: str, code: str, msg: str | None, count: int) -> None:
        """Answer the next ``count`` requests with ``op`` with error ``code``."""
        with self._lock:
            self._faults.failures.append(_Failure(op, code, msg, count))

    def _take_failure(self, op: str) -> _Failure | None:
        with self._lock:
            for failure in self._faults.failures:
                if failure.op == op:
                    failure.left -= 1
                    if failure.left <= 0:
                        self._faults.failures.remove(failure)
                    return failure
        return None

    # -- the plumbing's calls (StreamGateway) --------------------------------------------------

    def admit(self, path: str, client: str) -> tuple[int, str] | None:
        """Refuse a handshake with 404 (not an OKX path), 503 (refusing, or stopping) or 429
        (over the handshake limit); ``None`` to accept it."""
        if path not in PATHS:
            return 404, "Not Found"
        with self._lock:
            if self._stopping.is_set() or time.monotonic() < self._faults.refuse_until:
                return 503, "Service Unavailable"
            if self._exchange.rate_limits:
                self._handshakes.window = self.connect_window
                if not self._handshakes.allow(client, time.monotonic()):
                    return 429, "Too Many Requests"
        return None

    def opened(self, connection: WebSocketConnection) -> bool:
        """Take a new connection (``False`` when stopping)."""
        demo = connection.headers.get(c.SIMULATED_TRADING.lower(), "") == c.DEMO_TRADING
        requests = SlidingWindow(REQUEST_LIMIT, self.request_window)
        with self._lock:
            if self._stopping.is_set():
                return False
            self._accepted += 1
            connection.muted = self._faults.silent
            self._sessions[connection] = Session(connection, demo, requests)
            self._threads[connection] = threading.current_thread()
        return True

    def closed(self, connection: WebSocketConnection) -> None:
        """Forget a connection that has ended."""
        with self._lock:
            self._sessions.pop(connection, None)
            self._threads.pop(connection, None)

    def idle(self, connection: WebSocketConnection) -> None:
        """Close a connection idle for ``idle_timeout`` seconds, as OKX does (4004)."""
        connection.close(*_IDLE_CLOSE)

    def receive(self, connection: WebSocketConnection, text: str) -> None:
        """Answer one text message of ``connection`` (answers are queued on it)."""
        with self._lock:
            session = self._sessions.get(connection)
            self._received.append(
                ReceivedFrame(connection.path, connection.conn_id, text, time.time())
            )
        if session is None:
            return
        if text == "ping":
            connection.enqueue("pong")
            return
        try:
            message = read_json(text)
        except ValueError:
            message = None
        if (
            not isinstance(message, dict)
            or not isinstance(message.get("op"), str)
            or not _echoable(message.get("id"))
        ):
            self._error(session, None, "60012", text)
            return
        with self._venue.lock:
            self._dispatch(session, message, text)

    def _dispatch(self, session: Session, message: dict[str, Any], text: str) -> None:
        op, ident = message["op"], message.get("id")
        failure = self._take_failure(op)
        if failure is not None:
            self._fail(session, message, failure)
        elif op in _LIMITED_OPS and not self._allowed(session):
            self._error(session, ident, "60014")
        elif op == "login":
            self._login(session, message, text)
        elif op in ("subscribe", "unsubscribe"):
            self._subscribe(session, message, text)
        elif op in _OPERATIONS:
            self._operate(session, message)
        elif op == _MASS_CANCEL:
            self._mass_cancel(session, message)
        else:
            self._error(session, ident, "60019", op)

    def _allowed(self, session: Session) -> bool:
        """Count a login/subscribe/unsubscribe request against the connection's limit."""
        if not self._exchange.rate_limits:
            return True
        session.requests.window = self.request_window
        return session.requests.allow("", time.monotonic())

    # -- answers -------------------------------------------------------------------------------

    def _send(self, session: Session, ident: object, payload: dict[str, Any]) -> None:
        if ident is not None:
            payload = {"id": ident, **payload}
        session.connection.enqueue(text(payload))

    def _error(self, session: Session, ident: object, code: str, *about: object) -> None:
        self._event_error(session, ident, code, _message(code, *about))

    def _event_error(self, session: Session, ident: object, code: str, msg: str) -> None:
        connection = session.connection
        self._send(
            session,
            ident,
            {"event": "error", "code": code, "msg": msg, "connId": connection.conn_id},
        )

    def _op_answer(
        self,
        session: Session,
        message: Mapping[str, Any],
        code: str,
        msg: str,
        data: Sequence[object] = (),
        in_time: str = "",
    ) -> None:
        payload: dict[str, Any] = {
            "op": message["op"],
            "code": code,
            "msg": msg,
            "data": list(data),
        }
        if message["op"] != _MASS_CANCEL:
            payload |= {"inTime": in_time or _micros(), "outTime": _micros()}
        self._send(session, message.get("id"), payload)

    def _fail(self, session: Session, message: Mapping[str, Any], failure: _Failure) -> None:
        op = message["op"]
        args = message.get("args")
        first = args[0] if isinstance(args, list) and args and isinstance(args[0], dict) else {}
        msg = failure.msg if failure.msg is not None else _message(failure.code, _describe(first))
        if op in _OPERATIONS or op == _MASS_CANCEL:
            self._op_answer(session, message, failure.code, msg)
        else:
            self._event_error(session, message.get("id"), failure.code, msg)

    # -- login ---------------------------------------------------------------------------------

    def _login(self, session: Session, message: Mapping[str, Any], text: str) -> None:
        ident, args = message.get("id"), message.get("args")
        if not isinstance(args, list) or not args or not all(isinstance(a, dict) for a in args):
            self._error(session, ident, "60012", text)
            return
        if len(args) > 1:
            self._error(session, ident, "60021")
            return
        code, about = self._verify(session, args[0])
        if code:
            self._error(session, ident, code, about)
            return
        session.key = about
        connection = session.connection
        self._send(
            session, ident, {"event": "login", "code": "0", "msg": "", "connId": connection.conn_id}
        )

    def _verify(self, session: Session, arg: Mapping[str, Any]) -> tuple[str, str]:
        """(code, what it is about) refusing a login argument, or ("", the API key)."""
        for name in ("apiKey", "passphrase", "timestamp", "sign"):
            if arg.get(name) in (None, ""):
                return "60027", name
        code = self._stale(arg["timestamp"])
        if not code and session.key:
            code = "60031"
        if not code:
            code = self._unknown(session, arg)
        return (code, "") if code else ("", str(arg["apiKey"]))

    def _stale(self, timestamp: object) -> str:
        """60004 for a timestamp that is not epoch seconds, 60006 for one out of the 30-second
        window around the exchange's clock, else ""."""
        try:
            sent_at = float(str(timestamp))
        except ValueError:
            return "60004"
        if not math.isfinite(sent_at) or isinstance(timestamp, bool):
            return "60004"
        return "60006" if abs(self._exchange.now() - sent_at) > TIMESTAMP_WINDOW else ""

    def _unknown(self, session: Session, arg: Mapping[str, Any]) -> str:
        """The code refusing the key, passphrase or signature of a login, or ""."""
        credentials = self._exchange.credentials(str(arg["apiKey"]))
        if credentials is None:
            return "60005"
        if credentials.demo != session.demo:
            # A key is known only in its own environment: a live one on a demo connection, or
            # a demo one on a live connection, is answered as no key at all.
            return "60032"
        passphrase = str(arg["passphrase"]).encode()
        if not hmac.compare_digest(passphrase, credentials.passphrase.encode()):
            return "60024"
        signed = (str(arg["timestamp"]) + "GET" + _LOGIN_PATH).encode()
        digest = hmac.new(credentials.secret.encode(), signed, hashlib.sha256).digest()
        sign = str(arg["sign"]).encode("utf-8", "replace")
        return "" if hmac.compare_digest(base64.b64encode(digest), sign) else "60009"

    # -- subscriptions -------------------------------------------------------------------------

    def _subscribe(self, session: Session, message: Mapping[str, Any], text: str) -> None:
        op, ident, args = message["op"], message.get("id"), message.get("args")
        if not isinstance(args, list) or not args:
            self._error(session, ident, "60012", text)
            return
        for raw in args:
            if not isinstance(raw, dict) or not isinstance(raw.get("channel"), str):
                self._error(session, ident, "60012", text)
                continue
            problem = self._check(session, raw)
            if problem:
                self._error(session, ident, *problem)
                continue
            channel = CHANNELS[raw["channel"]]
            arg = {"channel": channel.name}
            arg |= {
                name: str(raw[name]) for name in channel.params if raw.get(name) not in (None, "")
            }
            key = tuple(sorted(arg.items()))
            ack = {"event": op, "arg": arg, "connId": session.connection.conn_id}
            if op == "unsubscribe":
                session.subscriptions.pop(key, None)
                self._send(session, ident, ack)
                continue
            subscription = self.pushes.subscription(channel, arg)
            session.subscriptions[key] = subscription
            self._send(session, ident, ack)
            if channel.first_push:
                self.pushes.first_push(session, subscription)

    def _check(self, session: Session, raw: Mapping[str, Any]) -> tuple[str, ...]:
        """What OKX refuses of one subscription argument: (code, what it is about), or ()."""
        channel = CHANNELS.get(raw["channel"])
        if channel is None or channel.path != session.connection.path:
            return "60018", _describe(raw)
        for name in channel.required:
            if raw.get(name) in (None, ""):
                return "60027", name
        if channel.login and not session.key:
            return ("60011",)
        inst_id = str(raw.get("instId") or "")
        if "instId" in channel.required:
            if instrument_for(self._venue.market, channel, inst_id) is None:
                return "60018", _describe(raw)
        elif inst_id and self._venue.market.instrument(inst_id) is None:
            return "60018", _describe(raw)
        inst_type = str(raw.get("instType") or "")
        allowed = {
            "orders": ORDER_INST_TYPES,
            "positions": POSITION_INST_TYPES,
            "instruments": INSTRUMENT_TYPES,
        }
        if channel.name in allowed and inst_type not in allowed[channel.name]:
            return "60018", _describe(raw)
        return self._conflict(session, channel, inst_id)

    def _conflict(self, session: Session, channel: Channel, inst_id: str) -> tuple[str, ...]:
        """64004 when ``books-l2-tbt`` and ``books``/``books50-l2-tbt`` of one instrument
        would both be subscribed on the connection."""
        others = {"books", "books50-l2-tbt"}
        if channel.name not in others | {"books-l2-tbt"}:
            return ()
        held = {
            sub.channel.name
            for sub in session.subscriptions.values()
            if sub.arg.get("instId") == inst_id
        }
        if channel.name in others and "books-l2-tbt" in held:
            return "64004", channel.name, inst_id
        if channel.name == "books-l2-tbt" and held & others:
            return "64004", sorted(held & others)[0], inst_id
        return ()

    # -- order operations ----------------------------------------------------------------------

    def _operate(self, session: Session, message: Mapping[str, Any]) -> None:
        in_time = _micros()
        spec, args = _OPERATIONS[message["op"]], message.get("args")
        refusal = self._refuse_operation(session, (PRIVATE,))
        if refusal:
            self._op_answer(session, message, refusal, _message(refusal), in_time=in_time)
            return
        if not isinstance(args, list) or not args or not all(isinstance(a, dict) for a in args):
            self._op_answer(session, message, "60013", _message("60013"), in_time=in_time)
            return
        if (spec.too_many and len(args) > _MAX_BATCH) or (not spec.too_many and len(args) > 1):
            code = spec.too_many or "60013"
            self._op_answer(session, message, code, _message(code, _MAX_BATCH), in_time=in_time)
            return
        checked = self._checked(spec, args)
        if checked is None:
            self._op_answer(session, message, "60013", _message("60013"), in_time=in_time)
            return
        call = Call(
            spec.limits,
            args[0],
            tuple(args) if spec.too_many else (),
            session.key,
            session.connection.client,
        )
        if self._exchange.limited(call):
            self._op_answer(session, message, "50011", _message("50011"), in_time=in_time)
            return
        valid = [item for item, refused in zip(args, checked, strict=True) if refused is None]
        traded = iter(self._venue.trade(session.key, spec.operation, valid))
        now = str(self._venue.now_ms())
        fields = _ANSWER_FIELDS[spec.answer]
        rows = []
        for item, refused in zip(args, checked, strict=True):
            row = next(traded) if refused is None else _refused(item, refused, now)
            rows.append({name: row.get(name, "") for name in fields})
        failed = sum(row["sCode"] != "0" for row in rows)
        code = "0" if not failed else "1" if failed == len(rows) else "2"
        self._op_answer(session, message, code, "", rows, in_time)

    def _checked(
        self, spec: _Operation, args: Sequence[Mapping[str, Any]]
    ) -> list[ParamError | None] | None:
        """Each item's refusal by the REST endpoint's checks (``None``: fine); ``None`` when
        one misses a required parameter (the whole request is malformed)."""
        checked: list[ParamError | None] = []
        for item in args:
            try:
                check(spec.endpoint, item)
            except ParamError as error:
                if error.code == "50014":
                    return None
                checked.append(error)
            else:
                checked.append(None)
        return checked

    def _refuse_operation(self, session: Session, paths: Sequence[str]) -> str:
        """The code refusing an operation on this connection (wrong URL, no login), or ""."""
        if session.connection.path not in paths:
            return "60028"
        if not session.key:
            return "60011"
        return ""

    def _mass_cancel(self, session: Session, message: Mapping[str, Any]) -> None:
        refusal = self._refuse_operation(session, _MASS_CANCEL_PATHS)
        if refusal:
            self._op_answer(session, message, refusal, _message(refusal))
            return
        args = message.get("args")
        arg = args[0] if isinstance(args, list) and len(args) == 1 else None
        if (
            not isinstance(arg, dict)
            or arg.get("instType") not in _MASS_CANCEL_TYPES
            or not arg.get("instFamily")
        ):
            self._op_answer(session, message, "60013", _message("60013"))
            return
        self._venue.mass_cancel(session.key, str(arg["instType"]), str(arg["instFamily"]))
        self._op_answer(session, message, "0", "", [{"result": True}])


def _refused(item: Mapping[str, Any], error: ParamError, now: str) -> dict[str, object]:
    """The answer row of an item refused by the parameter checks."""
    return {
        "clOrdId": str(item.get("clOrdId") or ""),
        "ordId": str(item.get("ordId") or ""),
        "tag": str(item.get("tag") or ""),
        "reqId": str(item.get("reqId") or ""),
        "ts": now,
        "sCode": error.code,
        "sMsg": error_message(error.code, error.param),
    }
