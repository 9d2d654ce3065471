"""Endpoint declarations: one short, declarative entry per OKX REST endpoint.

An :class:`Endpoint` says everything the client needs to call it: HTTP method and path,
whether it is signed, OKX's documented rate limit, the parameters with their rules, any
"at least one of" conditions, and the model of its ``data`` items. Adding an endpoint means
adding a declaration here and a thin method on the API class, nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, Literal, TypeVar

import attrs

from . import consts
from .models import LeverageInfo, PositionTier, ServerTime
from .params import AtLeastOne, Choice, IdList, Param, PositiveInt, Text, prepare

__all__ = ["LEVERAGE_INFO", "POSITION_TIERS", "SERVER_TIME", "Endpoint", "RateLimit"]

T = TypeVar("T")

_DOCS = "https://www.okx.com/docs-v5/en/#"


@attrs.frozen
class RateLimit:
    """OKX's documented limit: ``requests`` per ``seconds``, counted per API key or per IP."""

    requests: int
    seconds: float
    scope: Literal["user", "ip"]


@attrs.frozen
class Endpoint(Generic[T]):
    """Declaration of one OKX REST endpoint."""

    name: str
    method: str
    path: str
    signed: bool
    rate_limit: RateLimit
    model: type[T]
    params: tuple[Param, ...]
    requires: tuple[AtLeastOne, ...] = ()
    docs: str = ""

    def prepare(self, given: Mapping[str, object], *, validate: bool = True) -> dict[str, str]:
        """Return the wire parameters for ``given``; see :func:`okx_v5.params.prepare`."""
        return prepare(self.name, self.params, self.requires, given, validate=validate)


MARGIN_MODE = Choice(("cross", "isolated"))
INST_TYPE = Choice(("MARGIN", "SWAP", "FUTURES", "OPTION"))
DERIVATIVES = frozenset({"SWAP", "FUTURES", "OPTION"})

LEVERAGE_INFO: Endpoint[LeverageInfo] = Endpoint(
    name="get_leverage",
    method=consts.GET,
    path=consts.GET_LEVERAGE,
    signed=True,
    rate_limit=RateLimit(20, 2.0, "user"),
    model=LeverageInfo,
    params=(
        Param("instId", IdList(max_items=20)),
        Param("mgnMode", MARGIN_MODE, required=True),
        Param("ccy", IdList(max_items=20)),
    ),
    requires=(AtLeastOne(("instId", "ccy")),),
    docs=_DOCS + "trading-account-rest-api-get-leverage",
)

POSITION_TIERS: Endpoint[PositionTier] = Endpoint(
    name="get_position_tiers",
    method=consts.GET,
    path=consts.POSITION_TIERS,
    signed=False,
    rate_limit=RateLimit(10, 2.0, "ip"),
    model=PositionTier,
    params=(
        Param("instType", INST_TYPE, required=True),
        Param("tdMode", MARGIN_MODE, required=True),
        Param("uly", IdList(max_items=5)),
        Param("instId", IdList(max_items=5)),
        Param("ccy", Text()),
        Param("tier", PositiveInt()),
        Param("instFamily", IdList(max_items=5)),
    ),
    requires=(
        AtLeastOne(("instFamily", "uly"), when=("instType", DERIVATIVES)),
        AtLeastOne(("instId", "ccy"), when=("instType", frozenset({"MARGIN"}))),
    ),
    docs=_DOCS + "public-data-rest-api-get-position-tiers",
)

SERVER_TIME: Endpoint[ServerTime] = Endpoint(
    name="get_system_time",
    method=consts.GET,
    path=consts.SERVER_TIME,
    signed=False,
    rate_limit=RateLimit(10, 2.0, "ip"),
    model=ServerTime,
    params=(),
    docs=_DOCS + "public-data-rest-api-get-system-time",
)
