"""Checks of the client's constructor arguments, run once when a client is built.

Each check returns the value the client keeps, or raises
:class:`~okx_v5.exceptions.OkxParamsException` naming the argument, the value and what is
allowed.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from . import consts
from .exceptions import OkxParamsException

__all__ = [
    "check_domain",
    "check_flag",
    "check_retries",
    "is_given",
    "is_plain_remote_http",
    "mask_key",
]

_NO_KEY = ("", "-1", None)
_FLAGS = {"0": consts.LIVE_TRADING, "1": consts.DEMO_TRADING}


def is_given(credential: str | None) -> bool:
    """Whether a credential was passed (python-okx uses ``'-1'`` for "none")."""
    return credential not in _NO_KEY


def mask_key(key: str) -> str:
    """Return ``key`` as ``abcd…wxyz`` for display (``****`` when too short to show any)."""
    return key[:4] + "…" + key[-4:] if len(key) > 12 else "****"


def check_flag(flag: object) -> str:
    """Return the flag header value for ``flag`` (``"0"``/``"1"`` or ``0``/``1``), or raise."""
    if isinstance(flag, (str, int)) and not isinstance(flag, bool) and str(flag) in _FLAGS:
        return _FLAGS[str(flag)]
    raise OkxParamsException(
        f"flag is {flag!r}; allowed values are '0' (production) and '1' (demo trading)",
        param="flag",
        value=flag,
        allowed="'0', '1'",
    )


def check_domain(domain: object) -> str:
    """Return ``domain`` without a trailing slash if it is an http(s) base URL, or raise."""
    if isinstance(domain, str) and domain.startswith(("http://", "https://")):
        stripped = domain.strip().rstrip("/")
        if "://" in stripped and stripped.split("://", 1)[1]:
            return stripped
    raise OkxParamsException(
        f"domain is {domain!r}; an http:// or https:// base URL is required",
        param="domain",
        value=domain,
        allowed="http:// or https:// URL",
    )


def check_retries(max_retries: object) -> int:
    """Return ``max_retries`` if it is a whole number >= 0, or raise."""
    if isinstance(max_retries, int) and not isinstance(max_retries, bool) and max_retries >= 0:
        return max_retries
    raise OkxParamsException(
        f"max_retries is {max_retries!r}; a whole number >= 0 is required",
        param="max_retries",
        value=max_retries,
        allowed="0, 1, 2, ...",
    )


def is_plain_remote_http(domain: str) -> bool:
    """Whether ``domain`` is plain ``http://`` to a host that is not loopback."""
    split = urlsplit(domain)
    if split.scheme != "http":
        return False
    host = split.hostname or ""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True
