"""Client order IDs: new ones for a client built with ``auto_client_order_id=True``, and the
ones a request carries.

A client order ID (``clOrdId``, or ``algoClOrdId`` for an algo order) is the caller's own name
for an order: after a call whose answer was lost, ``get_order(instId=..., clOrdId=...)`` says
whether the order exists (``51603`` "Order does not exist" when it was not placed). OKX's rule
for it, the same on every endpoint that places one: "A combination of case-sensitive
alphanumerics, all numbers, or all letters of up to 32 characters." (OKX's docs, "Place order",
"Place multiple orders", "Close positions", "Place algo order", "Place order" of spread
trading and "Place recurring buy order"; openxapi's ``specs/okx/openapi/rest``).

A new ID is 32 letters and digits: ``PREFIX``, then the time in microseconds since 1970 (16
digits, so every ID has the same width up to the year 2286), then 13 random letters and digits:

- IDs sort as text in the order they were made (a constant prefix, then a fixed-width time),
  and a person can read the time from one shown in OKX's app;
- within a process the time part never repeats: when the clock has not moved (or went back)
  since the last ID, the next microsecond is taken, so two IDs of one process always differ and
  sort in the order made;
- the random part (77 bits from ``secrets``) keeps IDs made in the same microsecond by other
  processes or machines apart: a collision is about one in 10**23 for such a pair.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Mapping
from typing import Any

from .endpoint import Endpoint

__all__ = [
    "MAX_LENGTH",
    "PATTERN",
    "PREFIX",
    "ClOrdId",
    "fill_in",
    "new_client_order_id",
    "sent_client_order_id",
]

MAX_LENGTH = 32
"""The longest client order ID OKX takes."""
PATTERN = re.compile(r"[A-Za-z0-9]{1,32}")
"""OKX's rule for a client order ID (match it with ``fullmatch``)."""
PREFIX = "ov5"
"""The start of every ID okx_v5 makes ("okx_v5"), telling them apart from a caller's own."""

ClOrdId = str | tuple[str | None, ...] | None
"""The client order ID(s) a request carried: one ID, a batch's (one per item, ``None`` for an
item without one), or ``None``."""

_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_TIME_DIGITS = 16
_RANDOM_DIGITS = MAX_LENGTH - len(PREFIX) - _TIME_DIGITS
_RANDOM_RANGE = len(_DIGITS) ** _RANDOM_DIGITS

_lock = threading.Lock()
_last_micros = 0


def new_client_order_id() -> str:
    """Return a new client order ID: OKX's 1-32 letters and digits, unique, sorting by time."""
    global _last_micros
    with _lock:
        micros = max(time.time_ns() // 1000, _last_micros + 1)
        _last_micros = micros
    return f"{PREFIX}{micros:0{_TIME_DIGITS}d}{_base62(secrets.randbelow(_RANDOM_RANGE))}"


def _base62(number: int) -> str:
    digits = []
    for _ in range(_RANDOM_DIGITS):
        number, digit = divmod(number, len(_DIGITS))
        digits.append(_DIGITS[digit])
    return "".join(reversed(digits))


def _missing(value: object) -> bool:
    return value is None or value == ""


def fill_in(endpoint: Endpoint[Any], given: Mapping[str, object]) -> Mapping[str, object]:
    """``given`` (a method's arguments) with a new client order ID wherever ``endpoint`` takes
    one and the caller gave none (``None`` or ``""``); each item of a batch gets its own. The
    caller's arguments and batch items are left as they are: what changes is a copy."""
    key = endpoint.client_order_id
    if not key:
        return given
    if endpoint.body == "arg":
        items = given.get(endpoint.body_arg)
        if not isinstance(items, (list, tuple)):
            return given  # not a batch: validation refuses it, or it is sent as given
        filled = [_with_id(item, key) for item in items]
        return {**given, endpoint.body_arg: filled}
    arg = next((param.arg for param in endpoint.params if param.key == key), "")
    if not arg or not _missing(given.get(arg)):
        return given
    return {**given, arg: new_client_order_id()}


def _with_id(item: object, key: str) -> object:
    if not isinstance(item, Mapping) or not _missing(item.get(key)):
        return item
    copy = dict(item)  # an empty ID keeps its place in the body; a missing one goes last
    copy[key] = new_client_order_id()
    return copy


def sent_client_order_id(endpoint: Endpoint[Any], payload: object) -> ClOrdId:
    """The client order ID(s) ``payload`` carries to ``endpoint``: the ID, a tuple with one per
    item of a batch, or ``None`` when it carries none."""
    key = endpoint.client_order_id
    if not key:
        return None
    if endpoint.body != "arg":
        return _id_of(payload[0] if isinstance(payload, list) and payload else payload, key)
    items = payload if isinstance(payload, (list, tuple)) else ()  # sent as given: no batch
    ids = tuple(_id_of(item, key) for item in items)
    return ids if any(ids) else None


def _id_of(item: object, key: str) -> str | None:
    value = item.get(key) if isinstance(item, Mapping) else None
    return None if _missing(value) else str(value)
