"""What an endpoint's behaviour in the fake exchange gets and gives: a checked call, a reply.

The vocabulary shared by ``okx_v5.testing.exchange`` (which authenticates, limits and checks each
request) and the endpoints' behaviours: the ``Call`` a handler gets, the ``Reply`` it returns, OKX's
error table and the parameter checks endpoints share.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from okx_v5.endpoint import Endpoint
from okx_v5.params import Choice, IdList

__all__ = [
    "CCY",
    "ERRORS",
    "INST_ID",
    "Call",
    "Handler",
    "ParamError",
    "Reply",
    "check",
    "choice",
    "error_message",
    "error_reply",
    "ids",
    "json_bytes",
    "ok",
    "read_json",
]

ERRORS: dict[str, tuple[int, str]] = {
    "1": (200, "Operation failed."),
    "2": (200, "Bulk operation partially succeeded."),
    "50001": (503, "Service temporarily unavailable. Please try again later."),
    "50011": (429, "Too Many Requests"),
    "50002": (400, "Json data format error"),
    "50014": (400, "Parameter {0} can not be empty."),
    "50026": (500, "System error. Try again later"),
    "50038": (200, "This feature is unavailable in demo trading"),
    "50101": (401, "APIKey does not match current environment."),
    "50102": (401, "Timestamp request expired."),
    "50103": (401, 'Request header "OK-ACCESS-KEY" can not be empty.'),
    "50104": (401, 'Request header "OK-ACCESS-PASSPHRASE" can not be empty.'),
    "50105": (401, 'Request header "OK-ACCESS-PASSPHRASE" incorrect.'),
    "50106": (401, 'Request header "OK-ACCESS-SIGN" can not be empty.'),
    "50107": (401, 'Request header "OK-ACCESS-TIMESTAMP" can not be empty.'),
    "50111": (401, "Invalid OK-ACCESS-KEY."),
    "50112": (401, "Invalid OK-ACCESS-TIMESTAMP."),
    "50113": (401, "Invalid Sign."),
    "51000": (400, "Parameter {0} error"),
    "51001": (200, "Instrument ID, Instrument ID code or Spread ID doesn't exist."),
    "51008": (200, "Order failed. Insufficient {0} balance in account"),
    "51008_1001": (200, "Order failed. Insufficient {0} margin in account"),
    "51016": (200, "Client order ID already exists."),
    "51020": (200, "Your order should meet or exceed the minimum order amount."),
    "51023": (200, "Position doesn't exist."),
    "51065": (200, "algoClOrdId already exists."),
    "51111": (200, "Maximum {0} orders can be placed in bulk."),
    "51112": (200, "Close order size exceeds available size for this position."),
    "51121": (200, "Order quantity must be a multiple of the lot size."),
    "51169": (
        200,
        "Order failed because you don't have any positions in this direction for this "
        "contract to reduce or close.",
    ),
    "51170": (
        200,
        "Failed to place order. A reduce-only order can't be the same trading direction as "
        "your existing positions.",
    ),
    "51204": (200, "The price for the limit order cannot be empty."),
    "51400": (
        200,
        "Order cancellation failed as the order has been filled, canceled or does not exist.",
    ),
    "51406": (400, "Canceled - order count exceeds the limit {0}."),
    "51500": (200, "You must enter a price, quantity, or TP/SL"),
    "51501": (400, "Maximum {0} orders can be modified."),
    "51502": (200, "Unable to edit order: insufficient balance or margin."),
    "51503": (200, "Your order has already been filled or canceled."),
    "51603": (200, "Order does not exist."),
    "59000": (
        200,
        "Settings failed. Close any open positions or orders before modifying settings.",
    ),
    "59102": (200, "Leverage exceeds the maximum limit. Please lower the leverage."),
}
"""OKX code → (HTTP status, message template) for every error the fake exchange answers.

A key ``code_sub`` is one of OKX's sub-codes (``51008_1001``): its own message, sent as
``code``."""

INST_ID = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)+")
"""The shape of an instrument ID (``BTC-USDT``, ``BTC-USDT-SWAP``)."""
CCY = re.compile(r"[A-Z0-9]+")
"""The shape of a currency (``BTC``)."""


@dataclass(frozen=True)
class Reply:
    """What the server sends back, and how: a status, headers and a body, or a hang-up."""

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    """Extra headers; ``Content-Type`` defaults to ``application/json``."""
    chunked: bool = False
    delay: float = 0.0
    early_hints: bool = False
    reset: bool = False
    drop: bool = False


@dataclass(frozen=True)
class Call:
    """One request as an endpoint's handler sees it, after authentication and checks."""

    endpoint: Endpoint[Any]
    params: Mapping[str, Any]
    """The query's parameters (strings), or the keys of the JSON body."""
    items: Sequence[Mapping[str, Any]]
    """The items of a batch body (a JSON list); empty otherwise."""
    key: str
    """The API key of a signed request, else ``""``."""
    client: str
    """The client's IP address."""


Handler = Callable[[Call], Reply]
"""An endpoint's behaviour: the answer to one checked call."""


class ParamError(Exception):
    """A parameter OKX would refuse: answered with ``code`` (50014, 51000) naming ``param``."""

    def __init__(self, code: str, param: str) -> None:
        super().__init__(code, param)
        self.code = code
        self.param = param


def json_bytes(payload: object) -> bytes:
    """Return ``payload`` as compact JSON, as OKX writes it."""
    return json.dumps(payload, separators=(",", ":")).encode()


def read_json(data: str | bytes) -> Any:
    """Return the JSON value ``data`` holds; ``ValueError`` if it holds none.

    Stricter than ``json.loads``, as OKX is: ``NaN`` and ``Infinity`` are not JSON, and
    nesting too deep for the parser is refused rather than raising ``RecursionError``.
    """
    try:
        return json.loads(data, parse_constant=_not_json)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def error_message(code: str, *args: str) -> str:
    """Return OKX's message for error ``code`` (or ``code_sub``), filled with ``args``."""
    return ERRORS[code][1].format(*args)


def error_reply(code: str, *args: str) -> Reply:
    """Return OKX's answer for error ``code``, its message filled with ``args``."""
    status = ERRORS[code][0]
    body = {"code": code.partition("_")[0], "msg": error_message(code, *args), "data": []}
    return Reply(status, json_bytes(body))


def ok(data: Sequence[object] | Mapping[str, object], code: str = "0", msg: str = "") -> Reply:
    """Return an HTTP 200 answer with ``data`` (a list of items, or the object some endpoints
    answer); ``code`` 1 or 2 when order items failed."""
    shaped = dict(data) if isinstance(data, Mapping) else list(data)
    return Reply(200, json_bytes({"code": code, "msg": msg, "data": shaped}))


def ids(params: Mapping[str, str], name: str, limit: int, pattern: re.Pattern[str]) -> list[str]:
    """Return the comma-separated values of ``name``; 51000 if malformed or more than ``limit``."""
    items = str(params[name]).split(",")
    if len(items) > limit or not all(pattern.fullmatch(item) for item in items):
        raise ParamError("51000", name)
    return items


def choice(params: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    """Return the required parameter ``name``: 50014 if missing, 51000 if not ``allowed``."""
    value = str(params.get(name) or "")
    if not value:
        raise ParamError("50014", name)
    if value not in allowed:
        raise ParamError("51000", name)
    return value


def _listed(rule: Choice, value: str) -> bool:
    """Whether OKX takes ``value``: one of the values, or several comma-joined where it says."""
    values = value.split(",") if rule.multiple else [value]
    return all(part in rule.values for part in values)


def check(endpoint: Endpoint[Any], params: Mapping[str, Any]) -> None:
    """Refuse what OKX refuses of ``endpoint``'s declared parameters: 50014 when a required
    one is missing, 51000 when a value is not one OKX lists (several comma-joined where OKX
    takes several) or there are too many IDs."""
    for param in endpoint.params:
        value = params.get(param.key)
        if value is None or value == "":
            if param.required:
                raise ParamError("50014", param.key)
            continue
        rule = param.rule
        if isinstance(rule, Choice) and not _listed(rule, str(value)):
            raise ParamError("51000", param.key)
        if isinstance(rule, IdList) and len(str(value).split(",")) > rule.max_items:
            raise ParamError("51000", param.key)
    for condition in endpoint.requires:
        if condition.problem(params):
            raise ParamError("50014", condition.names[0])
