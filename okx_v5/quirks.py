"""python-okx's behaviour that the declarations cannot say, written once, by name.

An endpoint's facts name a quirk (``"quirk": "orders_data_alias"``); the client applies it to
the caller's arguments before the payload is built. Each quirk says why it exists.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping

from .exceptions import OkxParamsException
from .params import Choice, Invalid

__all__ = ["QUIRKS", "apply"]

Arguments = dict[str, object]

_MARGIN_MODE = Choice(("cross", "isolated"))


def _is_margin_mode(value: object) -> bool:
    try:
        _MARGIN_MODE(value)
    except Invalid:
        return False
    return True


def legacy_leverage_order(given: Arguments) -> Arguments:
    """``get_leverage(instId, mgnMode)``: python-okx before 0.3.4 took its arguments in that
    order; such calls are served, with a ``DeprecationWarning`` saying what to change."""
    mgn_mode, ccy, inst_id = given.get("mgnMode"), given.get("ccy"), given.get("instId")
    if not inst_id and not _is_margin_mode(mgn_mode) and _is_margin_mode(ccy):
        warnings.warn(
            "get_leverage(instId, mgnMode) is the argument order of python-okx < 0.3.4; "
            "call get_leverage(mgnMode, instId=...) instead",
            DeprecationWarning,
            stacklevel=4,
        )
        return {**given, "mgnMode": ccy, "ccy": "", "instId": mgn_mode}
    return given


def orders_data_alias(given: Arguments) -> Arguments:
    """``cancel_algo_order(orders_data=None, params=None)``: python-okx kept ``params`` as the
    old name of ``orders_data``, and raises when neither is given."""
    data = given.get("orders_data")
    if data is None:
        data = given.get("params")
    if data is None:
        raise OkxParamsException(
            "cancel_algo_order: orders_data is required: a list of {'instId', 'algoId'}",
            method="cancel_algo_order",
            param="orders_data",
            allowed="a list of dicts",
        )
    return {**given, "orders_data": data}


QUIRKS: Mapping[str, Callable[[Arguments], Arguments]] = {
    "legacy_leverage_order": legacy_leverage_order,
    "orders_data_alias": orders_data_alias,
}
"""The quirks by the name the facts give them."""


def apply(name: str, given: Arguments) -> Arguments:
    """Return ``given`` adjusted by the quirk ``name`` (``""``: unchanged)."""
    return QUIRKS[name](given) if name else given
