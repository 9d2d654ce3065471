"""python-okx's ``okx.websocket.WsUtils``: the login request and the subscription helpers.

The login's timestamp comes from the clock okx_v5's REST clients keep in step with OKX (for
OKX's host, or ``OKX_DOMAIN``), so a machine whose clock is off still logs in.
"""

from __future__ import annotations

import time
from typing import Any

from .. import consts
from ..checks import redirect_domain
from ..clock import clock_for
from .private import login_request

__all__ = [
    "checkSocketParams",
    "getLocalTime",
    "getParamKey",
    "getServerTime",
    "initLoginParams",
    "initSubscribeSet",
    "isNotBlankStr",
]


def initLoginParams(useServerTime: bool, apiKey: str, passphrase: str, secretKey: str) -> str:
    """Return OKX's login request for the key, signed now, as JSON text (never log it).

    With ``useServerTime`` the clock is synced with OKX first (over REST).
    """
    domain = redirect_domain(consts.API_URL)
    if useServerTime:
        getServerTime()
    timestamp = str(int(time.time() + clock_for(domain).offset))
    return login_request(apiKey, passphrase, secretKey, timestamp)


def isNotBlankStr(param: object) -> bool:
    """Whether ``param`` is a string with something other than whitespace in it."""
    return isinstance(param, str) and bool(param.strip())


def getParamKey(arg: dict[str, Any]) -> str:
    """The values of a subscription ``arg`` other than its channel, as ``@v1@v2``."""
    return "".join("@" + str(value) for key, value in arg.items() if key != "channel")


def initSubscribeSet(arg: dict[str, Any] | None) -> set[str]:
    """The set of ``getParamKey`` of ``arg`` (empty for ``None``)."""
    if arg is None:
        return set()
    if isinstance(arg, dict):
        return {getParamKey(arg)}
    raise ValueError("arg must dict")


def checkSocketParams(
    args: list[dict[str, Any]],
    channelArgs: dict[str, list[dict[str, Any]]],
    channelParamMap: dict[str, set[str]],
) -> None:
    """Add each new ``arg`` of ``args`` to ``channelArgs`` (by channel, values stripped) and
    its key to ``channelParamMap``, as python-okx does; a blank channel raises ``ValueError``."""
    for arg in args:
        channel = str(arg.get("channel", "")).strip()
        if not isNotBlankStr(channel):
            raise ValueError("channel must not none")
        key = getParamKey(arg)
        if key in channelParamMap.get(channel, set()):
            continue
        channelParamMap[channel] = channelParamMap.get(channel, set()) | initSubscribeSet(arg)
        stripped = {str(k).strip(): str(v).strip() for k, v in arg.items()}
        channelArgs.setdefault(channel, []).append(stripped)


def getServerTime() -> str:
    """OKX's time in Unix milliseconds, as a string (``""`` if OKX did not answer).

    The shared clock of okx_v5's REST clients is synced on the way, so that the logins that
    follow are signed with OKX's time.
    """
    from ..exceptions import OkxException
    from ..PublicData import PublicAPI

    with PublicAPI(domain=redirect_domain(consts.API_URL)) as api:
        try:
            api.sync_time()
            return str(api.get_system_time().data[0].ts)
        except OkxException:
            return ""


def getLocalTime() -> int:
    """This machine's time in whole Unix seconds."""
    return int(time.time())
