"""OKX's behaviour, without the HTTP plumbing: authentication, parameters, limits, scripts.

``Exchange`` turns one received request into one ``Reply``: the next scripted
answer that applies, or its own. It checks what OKX checks, in an order close to OKX's: the
four auth headers, the timestamp's format and its 30-second window against the exchange's own
clock, the key, the environment (demo or live), the passphrase, then the signature over the
raw ``path?query`` exactly as received.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import hmac
import re
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from hashlib import sha256
from typing import Any
from urllib.parse import parse_qs

from okx_v5 import consts as c
from okx_v5.endpoint import Endpoint, RateLimit
from okx_v5.endpoints import every, public_data
from okx_v5.testing.calls import (
    CCY,
    ERRORS,
    INST_ID,
    Call,
    Handler,
    ParamError,
    Reply,
    check,
    choice,
    error_reply,
    ids,
    json_bytes,
    ok,
    read_json,
)
from okx_v5.testing.examples import example
from okx_v5.testing.fixtures import DERIVATIVE_TYPES, INST_TYPES, TD_MODES, TierKey, build_tiers
from okx_v5.testing.script import Answer, Script
from okx_v5.testing.venue import POS_MODES, Venue

__all__ = [
    "ERRORS",
    "POS_MODES",
    "Call",
    "Credentials",
    "Exchange",
    "Handler",
    "RecordedRequest",
    "Reply",
    "SlidingWindow",
    "error_reply",
    "origin_form",
    "route",
]

TIMESTAMP_WINDOW = 30.0
"""Seconds a request timestamp may differ from the exchange's clock."""

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_MAX_TIER_IDS = 5


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake exchange received it."""

    method: str
    path: str
    """The raw request target, ``path?query`` byte-for-byte as sent (through an HTTP proxy,
    the full URL the client sent)."""
    headers: dict[str, str]
    body: str
    time: float
    """When it arrived (``time.time()``, the local clock, not the exchange's)."""
    client: str = ""
    """The client's IP address."""

    def header(self, name: str) -> str | None:
        """Return the header ``name`` (any case), or ``None``."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


class SlidingWindow:
    """At most ``limit`` requests per ``window`` seconds for each identity (key or IP)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}

    def allow(self, identity: str, now: float) -> bool:
        """Count one request of ``identity`` at ``now`` and say whether it is within the limit.

        Refused requests are not counted, so a client that backs off gets back in.
        """
        hits = self._hits.setdefault(identity, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def clear(self) -> None:
        """Forget every request counted so far."""
        self._hits.clear()


@dataclass(frozen=True)
class Credentials:
    """One registered API key's secret, passphrase and environment."""

    secret: str = field(repr=False)
    passphrase: str = field(repr=False)
    demo: bool


def route(endpoint: Endpoint[Any]) -> tuple[str, str]:
    """Where the exchange serves ``endpoint``: its (HTTP method, path)."""
    return endpoint.method, endpoint.path


@functools.cache
def _routes() -> dict[tuple[str, str], Endpoint[Any]]:
    """Every declared endpoint by (HTTP method, path); the first declaration of a path wins."""
    routes: dict[tuple[str, str], Endpoint[Any]] = {}
    for endpoint in every():
        routes.setdefault((endpoint.method, endpoint.path), endpoint)
    return routes


def origin_form(target: str) -> str:
    """Return ``path?query`` of a request target; a proxy's full URL loses scheme and host."""
    if target.startswith("/") or "://" not in target:
        return target
    rest = target.partition("://")[2]
    ends = [index for index in (rest.find("/"), rest.find("?")) if index >= 0]
    tail = rest[min(ends) :] if ends else ""
    return tail if tail.startswith("/") else "/" + tail


def _parse_timestamp(text: str) -> float | None:
    """Return the epoch seconds of an OKX timestamp, or ``None`` if it is not one."""
    if not _TIMESTAMP.fullmatch(text):
        return None
    try:
        moment = _dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        return None
    return moment.replace(tzinfo=_dt.timezone.utc).timestamp()


def _scripted(answer: Answer, status: int, body: bytes) -> Reply:
    """Return the reply for ``answer``, given the exchange's own ``status`` and ``body``."""
    return Reply(
        answer.status if answer.status is not None else status,
        answer.content(body),
        headers=dict(answer.headers),
        chunked=answer.chunked,
        delay=answer.delay,
        early_hints=answer.early_hints,
        reset=answer.reset,
        drop=answer.drop,
    )


class Exchange:
    """The fake exchange's state and rules; ``handle`` answers one request. Thread-safe."""

    def __init__(
        self,
        *,
        rate_limits: bool = True,
        rate_window: float = 2.0,
        clock_offset: float = 0.0,
        default_lever: str = "10",
    ) -> None:
        self.rate_limits = rate_limits
        self.clock_offset = clock_offset
        self.early_hints = False
        self.script = Script()
        self._rate_limited = 0
        self._lock = threading.Lock()
        self._keys: dict[str, Credentials] = {}
        self._requests: list[RecordedRequest] = []
        self._tiers = build_tiers()
        self.venue = Venue(self.now, default_lever, self._tiers)
        """The market and the accounts: trading state."""
        # OKX's documented windows, scaled so that its 2-second ones last ``rate_window``.
        self._time_scale = rate_window / 2.0
        self._windows: dict[tuple[str, RateLimit], SlidingWindow] = {}
        self.handlers: dict[tuple[str, str], Handler] = {
            **self.venue.handlers(),
            route(public_data.GET_POSITION_TIERS): self._position_tiers,
            route(public_data.GET_SYSTEM_TIME): self._server_time,
        }
        """The endpoints with behaviour of their own, by ``route``; any other declared endpoint
        answers OKX's documented example."""

    # -- state the tests control -------------------------------------------------------------

    def now(self) -> float:
        """Return the exchange's clock in epoch seconds: the local clock plus ``clock_offset``."""
        return time.time() + self.clock_offset

    def add_key(self, key: str, secret: str, passphrase: str, *, demo: bool = True) -> None:
        """Register API credentials; ``demo`` keys answer only with ``x-simulated-trading: 1``."""
        if not key or not secret or not passphrase:
            raise ValueError("key, secret and passphrase must not be empty")
        self.venue.open(key)
        with self._lock:
            self._keys[key] = Credentials(secret, passphrase, demo)

    def set_position_mode(self, key: str, mode: str) -> None:
        """Set the account's position mode: ``"long_short"`` (default) or ``"net"``."""
        self.venue.set_position_mode(key, mode)

    def set_leverage(
        self,
        key: str,
        *,
        lever: str | int | Decimal,
        mgn_mode: str,
        inst_id: str | None = None,
        ccy: str | None = None,
        pos_side: str | None = None,
    ) -> None:
        """Set the leverage of an instrument (or of a currency) for one account.

        Without ``pos_side`` every side (``long``, ``short``, ``net``) gets ``lever``.
        """
        if (inst_id is None) == (ccy is None):
            raise ValueError("give exactly one of inst_id and ccy")
        if mgn_mode not in TD_MODES:
            raise ValueError(f"mgn_mode must be one of {TD_MODES}, not {mgn_mode!r}")
        if pos_side not in (None, "long", "short", "net"):
            raise ValueError(f"pos_side must be long, short, net or None, not {pos_side!r}")
        try:
            value = Decimal(str(lever))
        except InvalidOperation:
            raise ValueError(f"lever must be a number, not {lever!r}") from None
        if not value.is_finite() or value <= 0:
            raise ValueError(f"lever must be positive, not {lever!r}")
        name = inst_id if inst_id is not None else f"ccy:{ccy}"
        sides = (pos_side,) if pos_side else ("long", "short", "net")
        self.venue.set_leverage(key, name, mgn_mode, sides, str(lever))

    def credentials(self, key: str) -> Credentials | None:
        """The credentials registered for API key ``key``, or ``None``."""
        with self._lock:
            return self._keys.get(key)

    @property
    def rate_limited(self) -> int:
        """How many requests were refused with ``50011`` (over a rate limit) so far."""
        with self._lock:
            return self._rate_limited

    def requests(self) -> list[RecordedRequest]:
        """Return a copy of the requests received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget the requests received so far."""
        with self._lock:
            self._requests.clear()

    def reset(self) -> None:
        """Forget requests, scripted answers, rate-limit history and the accounts' state
        (balances, orders, positions, leverages, position modes); back to the starting prices."""
        self.script.clear()
        self.clock_offset = 0.0
        with self._lock:
            self._requests.clear()
            self._rate_limited = 0
            self._windows.clear()
        self.venue.reset()

    # -- one request ---------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, client: str
    ) -> Reply:
        """Answer one request: ``target`` is the raw request target as received.

        A full URL (sent through an HTTP proxy) is routed and signature-checked as its
        ``path?query``; the record keeps it as sent.
        """
        text = body.decode("utf-8", "replace")
        with self._lock:
            self._requests.append(
                RecordedRequest(method, target, dict(headers), text, time.time(), client)
            )
        target = origin_form(target)
        answer = self.script.take(target.partition("?")[0])
        lowered = {name.lower(): value for name, value in headers.items()}
        if answer is None:
            reply = self._answer(method, target, lowered, body, client)
        elif answer.replaces_the_exchange:
            reply = _scripted(answer, 200, b"")
        else:
            own = self._answer(method, target, lowered, body, client)
            reply = _scripted(answer, own.status, own.body)
        if self.early_hints and not reply.early_hints:
            reply = replace(reply, early_hints=True)
        return reply

    def _answer(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, client: str
    ) -> Reply:
        path, _, query = target.partition("?")
        endpoint = _routes().get((method, path))
        if endpoint is None:
            known = any(route_path == path for _, route_path in _routes())
            status, message = (405, "Method Not Allowed") if known else (404, "Not Found")
            return Reply(status, json_bytes({"code": str(status), "msg": message, "data": []}))
        key = ""
        if endpoint.signed is True or (endpoint.signed and c.OK_ACCESS_KEY.lower() in headers):
            auth = self._authenticate(method, target, headers, body)
            if isinstance(auth, Reply):
                return auth
            key = auth
        try:
            call = _call(endpoint, method, query, body, key, client)
            if self.limited(call):
                return error_reply("50011")
            check(call.endpoint, call.params)
            return self.handlers.get(route(endpoint), _documented)(call)
        except ParamError as error:
            return error_reply(error.code, error.param)

    def _authenticate(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> Reply | str:
        """Return the API key of a correctly signed request, or OKX's error answer."""
        key = headers.get(c.OK_ACCESS_KEY.lower(), "")
        passphrase = headers.get(c.OK_ACCESS_PASSPHRASE.lower(), "")
        timestamp = headers.get(c.OK_ACCESS_TIMESTAMP.lower(), "")
        signature = headers.get(c.OK_ACCESS_SIGN.lower(), "")
        for value, code in (
            (key, "50103"),
            (passphrase, "50104"),
            (timestamp, "50107"),
            (signature, "50106"),
        ):
            if not value:
                return error_reply(code)
        sent_at = _parse_timestamp(timestamp)
        if sent_at is None:
            return error_reply("50112")
        if abs(self.now() - sent_at) > TIMESTAMP_WINDOW:
            return error_reply("50102")
        with self._lock:
            credentials = self._keys.get(key)
        if credentials is None:
            return error_reply("50111")
        demo = headers.get(c.SIMULATED_TRADING.lower(), "") == c.DEMO_TRADING
        if demo != credentials.demo:
            return error_reply("50101")
        if not hmac.compare_digest(passphrase.encode(), credentials.passphrase.encode()):
            return error_reply("50105")
        # The request target is signed as received; http.server decoded it as latin-1.
        message = timestamp.encode() + method.encode() + target.encode("latin-1") + body
        expected = base64.b64encode(hmac.new(credentials.secret.encode(), message, sha256).digest())
        if not hmac.compare_digest(expected, signature.encode("latin-1", "replace")):
            return error_reply("50113")
        return key

    def limited(self, call: Call) -> bool:
        """Whether ``call`` goes over one of the endpoint's documented limits (counting it).

        WebSocket order operations count here too: OKX shares their limits with REST's.
        """
        if not self.rate_limits:
            return False
        now = time.monotonic()
        with self._lock:
            for rule in call.endpoint.limits:
                window = self._windows.get((call.endpoint.path, rule))
                if window is None:
                    window = SlidingWindow(rule.requests, rule.seconds * self._time_scale)
                    self._windows[(call.endpoint.path, rule)] = window
                who = call.key if rule.scope == "user" else call.client or "127.0.0.1"
                for share in _shares(rule, call):
                    if not window.allow(who + share, now):
                        self._rate_limited += 1
                        return True
        return False

    # -- endpoints -----------------------------------------------------------------------------

    def _server_time(self, call: Call) -> Reply:
        return ok([{"ts": str(int(self.now() * 1000))}])

    def _position_tiers(self, call: Call) -> Reply:
        params = call.params
        inst_type = choice(params, "instType", INST_TYPES)
        td_mode = choice(params, "tdMode", TD_MODES)
        tier = params.get("tier", "")
        if tier and not (tier.isascii() and tier.isdecimal() and len(tier) < 10 and int(tier) > 0):
            raise ParamError("51000", "tier")
        keys = self._tier_keys(params, inst_type, td_mode)
        rows = [
            dict(row)
            for where in keys
            for row in self._tiers.get(where, [])
            if not tier or row["tier"] == str(int(tier))
        ]
        return ok(rows)

    def _tier_keys(self, params: Mapping[str, str], inst_type: str, td_mode: str) -> list[TierKey]:
        if inst_type in DERIVATIVE_TYPES:
            # uly is the legacy name of the family; instFamily wins when both are sent.
            name = "instFamily" if params.get("instFamily") or not params.get("uly") else "uly"
            if not params.get(name):
                raise ParamError("50014", "instFamily")
            families = ids(params, name, _MAX_TIER_IDS, INST_ID)
            return [TierKey(inst_type, family=family) for family in families]
        if params.get("instId"):
            inst_ids = ids(params, "instId", _MAX_TIER_IDS, INST_ID)
            return [TierKey(inst_type, inst_id=inst_id) for inst_id in inst_ids]
        if params.get("ccy"):
            if td_mode != "cross":
                # Currency-level tiers exist only for cross MARGIN.
                raise ParamError("51000", "ccy")
            return [TierKey(inst_type, ccy=ccy) for ccy in ids(params, "ccy", 1, CCY)]
        raise ParamError("50014", "instId")


def _call(
    endpoint: Endpoint[Any], method: str, query: str, body: bytes, key: str, client: str
) -> Call:
    """The call as a handler sees it: the query's parameters, or the JSON body's."""
    if method == "GET":
        params = {name: values[0] for name, values in parse_qs(query).items()}
        return Call(endpoint, params, (), key, client)
    try:
        payload = read_json(body) if body.strip() else {}
    except ValueError:  # not JSON, not UTF-8, too deep, a 5,000-digit int
        raise ParamError("50002", "") from None
    if isinstance(payload, list):
        items = tuple(item for item in payload if isinstance(item, Mapping))
        return Call(endpoint, items[0] if len(items) == 1 else {}, items, key, client)
    if not isinstance(payload, Mapping):
        raise ParamError("50002", "")
    return Call(endpoint, payload, (), key, client)


def _shares(rule: RateLimit, call: Call) -> list[str]:
    """The parts of a budget a call counts against: one per item of a counted batch."""
    items = call.items or (call.params,)
    shares = ["".join(f"|{name}={item.get(name, '')}" for name in rule.per) for item in items]
    return shares if rule.count == "item" else list(dict.fromkeys(shares))


def _documented(call: Call) -> Reply:
    """The answer of an endpoint without behaviour of its own: OKX's documented example."""
    return ok(example(call.endpoint.method, call.endpoint.path))
