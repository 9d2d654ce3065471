"""What an endpoint declaration is: everything the client needs to call one OKX endpoint.

The declarations themselves live in ``okx_v5.endpoints``, generated from the facts in
``okx_v5/facts``; this module is the shape they share. A declaration says the HTTP method and
path, whether the call is signed, OKX's documented rate limits, the payload python-okx builds
(``Param``) and how the body is formed, any "at least one of" conditions,
the model of the ``data`` items, where OKX documents it, and which parameter is the client's
ID of what the call places (``client_order_id``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import import_module
from typing import Any, Generic, Literal, TypeVar

import attrs

from .exceptions import OkxParamsException
from .params import AtLeastOne, Param, Validation, as_given, build, check_body, check_count

__all__ = ["ACCESS", "DOCS_URL", "Body", "Endpoint", "RateLimit", "Signed", "resolve"]

T = TypeVar("T")

DOCS_URL = "https://www.okx.com/docs-v5/en/#"
"""OKX's API documentation; an endpoint's ``docs`` is an anchor on this page."""

Signed = bool | Literal["if_key"]
"""``True`` (OKX documents the endpoint as private), ``False`` (public), or ``"if_key"``: no
documentation says, so the request is signed when the client has credentials, as python-okx
signs every request then."""

ACCESS: Mapping[Signed, str] = {
    True: "signed",
    False: "public",
    "if_key": "signed when the client has a key",
}
"""How an endpoint is called, in the words of its docstring, the docs' tables and ``--help``."""

Body = Literal["object", "list", "arg", "none"]
"""How the payload is formed: the dict of the params, that dict as a one-item list, one
argument given as the whole payload (a batch of orders), or none at all: python-okx calls
``_request_without_params`` (and sends ``{}``)."""


@attrs.frozen
class RateLimit:
    """OKX's documented limit: ``requests`` per ``seconds``, counted per user (API key) or IP.

    ``per`` names the parameters that split the budget ("User ID + Instrument ID" is
    ``per=("instId",)``); ``count="item"`` counts each item of a batch, not the request.
    """

    requests: int
    seconds: float
    scope: Literal["user", "ip"]
    per: tuple[str, ...] = ()
    count: Literal["request", "item"] = "request"

    def describe(self) -> str:
        """The limit in words: ``20 requests / 2 s per user ID and instId``."""
        unit = self.count + ("s" if self.requests != 1 else "")
        who = "user ID" if self.scope == "user" else "IP"
        per = "".join(f" and {name}" for name in self.per)
        return f"{self.requests} {unit} / {self.seconds:g} s per {who}{per}"


@attrs.frozen
class Endpoint(Generic[T]):
    """Declaration of one OKX REST endpoint, as python-okx calls it.

    ``model`` is where the typed model of the ``data`` items is (``"module:Name"``), imported
    the first time typed data is asked for; ``None`` when no documentation describes the
    answer (``.data`` then gives the items as they came). ``max_items`` is the most items OKX
    documents for a batch body (``body="arg"`` or ``"list"``), ``0`` when it documents none.

    ``client_order_id`` is the parameter OKX takes as the client's own ID of the order the call
    places (``clOrdId``, ``algoClOrdId``), in each item of a batch; ``""`` when the call places
    nothing or takes no such ID. A client built with ``auto_client_order_id=True`` fills it in.

    ``python_okx`` is false for okx_v5's own methods: operations OKX documents that python-okx
    has no method for.
    """

    name: str
    method: str
    path: str
    signed: Signed
    params: tuple[Param, ...] = ()
    limits: tuple[RateLimit, ...] = ()
    model_ref: str | None = None
    summary: str = ""
    body: Body = "object"
    body_arg: str = ""
    requires: tuple[AtLeastOne, ...] = ()
    docs: str = ""
    quirk: str = ""
    documented: bool = True
    client_order_id: str = ""
    max_items: int = 0
    python_okx: bool = True

    @property
    def model(self) -> type[T] | None:
        """The model class of the ``data`` items, or ``None`` when the answer is untyped."""
        return resolve(self.model_ref) if self.model_ref else None

    @property
    def docs_url(self) -> str:
        """The endpoint's section in OKX's documentation, or ``""``."""
        return DOCS_URL + self.docs if self.docs else ""

    def payload(self, given: Mapping[str, object], *, validate: Validation = True) -> Any:
        """Return what is sent for python-okx's arguments ``given``: the query parameters of a
        ``GET``, the JSON value of a ``POST`` (see ``okx_v5.params.build``).

        At every validation level, ``validate=False`` included, a batch of more than
        ``max_items`` items and a value that cannot be written for the wire raise
        ``OkxParamsException``: OKX refuses the one, the other cannot be sent at all."""
        if self.body == "arg":
            value = as_given(given.get(self.body_arg))
            if validate is not False and not _is_batch(value):
                raise OkxParamsException(
                    f"{self.name}: {self.body_arg} is {type(value).__name__}; a list of "
                    "objects (dicts) is required",
                    method=self.name,
                    param=self.body_arg,
                    allowed="a list of dicts",
                )
            check_count(self.name, self.body_arg, value, self.max_items)
            check_body(self.name, self.body_arg, value)
            return value
        as_json = self.method != "GET"
        payload = build(
            self.name, self.params, self.requires, given, validate=validate, as_json=as_json
        )
        return [payload] if self.body == "list" else payload


def _is_batch(value: object) -> bool:
    return (
        isinstance(value, (list, tuple))
        and bool(value)
        and all(isinstance(item, Mapping) for item in value)
    )


@functools.cache
def resolve(ref: str) -> Any:
    """The object ``"module:name"`` refers to (a model class), imported on first use."""
    module, _, name = ref.partition(":")
    return getattr(import_module(module), name)
