"""Checks of what a stream client is given: its options, and the channels of a subscription.

Each raises ``OkxParamsException`` naming what is wrong before anything is sent; a channel
okx_v5 does not know from OKX's documentation is let through with one warning, since OKX adds
channels faster than any SDK.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..exceptions import OkxParamsException
from .declarations import channel_for
from .link import arg_key

__all__ = ["check_args", "check_callable", "check_count", "check_seconds", "is_number"]

logger = logging.getLogger("okx_v5.websocket")

_unknown_channels: set[str] = set()


def check_args(
    args: Sequence[Mapping[str, Any]] | Mapping[str, Any], op: str, *, logged_in: bool
) -> list[dict[str, Any]]:
    """``args`` (OKX's list of channel dicts, or one dict) checked for ``op``, duplicates
    dropped. ``logged_in`` says whether channels that need a login may be asked for."""
    items = [args] if isinstance(args, Mapping) else args
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        items = None
    else:
        items = list(items)
    if not items or not all(isinstance(arg, Mapping) for arg in items):
        raise OkxParamsException(
            f"{op}: args is {args!r}; a non-empty list of channel dicts such as "
            "[{'channel': 'tickers', 'instId': 'BTC-USDT'}] is required",
            method=op,
            param="args",
            value=args,
        )
    checked = [_check_arg(dict(arg), op, logged_in) for arg in items]
    return list({arg_key(arg): arg for arg in checked}.values())


def _check_arg(arg: dict[str, Any], op: str, logged_in: bool) -> dict[str, Any]:
    channel = arg.get("channel")
    if not isinstance(channel, str) or not channel.strip():
        raise OkxParamsException(
            f"{op}: {arg!r} has no channel; each arg names its channel, such as "
            "{'channel': 'tickers', 'instId': 'BTC-USDT'}",
            method=op,
            param="channel",
            value=channel,
        )
    try:
        json.dumps(arg, allow_nan=False)
    except (TypeError, ValueError):
        raise OkxParamsException(
            f"{op}: {arg!r} cannot be sent as JSON", method=op, param="args", value=arg
        ) from None
    declared = channel_for(channel)
    if declared is None:
        if channel not in _unknown_channels:
            _unknown_channels.add(channel)
            logger.warning(
                "%s: channel %r is not one okx_v5 knows from OKX's documentation; it is "
                "sent to /ws/v5/public as given",
                op,
                channel,
            )
        return arg
    if op == "subscribe":
        missing = [a.name for a in declared.args if a.required and not arg.get(a.name)]
        if declared.one_of and not any(arg.get(name) for name in declared.one_of):
            missing.append(" or ".join(declared.one_of))
        if missing:
            raise OkxParamsException(
                f"{op}: channel {channel!r} needs {', '.join(missing)} (OKX requires it); "
                f"got {arg!r}",
                method=op,
                param=missing[0],
            )
    if declared.login and not logged_in:
        raise OkxParamsException(
            f"{op}: channel {channel!r} needs a login; use WsPrivate with an API key",
            method=op,
            param="channel",
            value=channel,
        )
    return arg


def is_number(value: object) -> bool:
    """Whether ``value`` is a finite int or float (not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_seconds(name: str, value: object) -> float:
    """``value`` as seconds, if it is a positive number, or raise naming ``name``."""
    if is_number(value) and value > 0:  # type: ignore[operator]
        return float(value)  # type: ignore[arg-type]
    raise OkxParamsException(
        f"{name} is {value!r}; a positive number of seconds is required",
        param=name,
        value=value,
        allowed="seconds > 0",
    )


def check_count(name: str, value: object) -> int:
    """``value``, if it is a whole number > 0, or raise naming ``name``."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise OkxParamsException(
        f"{name} is {value!r}; a whole number > 0 is required",
        param=name,
        value=value,
        allowed="1, 2, 3, ...",
    )


def check_callable(name: str, value: object) -> Any:
    """``value``, if it is callable or ``None``, or raise naming ``name``."""
    if value is None or callable(value):
        return value
    raise OkxParamsException(
        f"{name} is a {type(value).__name__}; a function (or None) is required",
        param=name,
        allowed="a callable or None",
    )
