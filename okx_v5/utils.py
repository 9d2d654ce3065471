"""python-okx's ``okx.utils``: the helpers of the OKX signature scheme, same names, same results.

``OK-ACCESS-SIGN = base64(hmac_sha256(secret, timestamp + METHOD + requestPath + body))``.
The clients sign with ``pre_hash`` and ``sign`` from here. None of these functions logs or
keeps its arguments: python-okx's ``debug`` arguments are accepted and ignored, because
python-okx's debug output shows the passphrase and the signature.
"""

from __future__ import annotations

import base64
import hmac
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from hashlib import sha256

from . import consts

__all__ = [
    "get_header",
    "get_header_no_sign",
    "get_timestamp",
    "parse_params_to_str",
    "pre_hash",
    "sign",
    "signature",
]


def sign(message: str, secretKey: str) -> bytes:
    """Return ``base64(hmac_sha256(secretKey, message))`` — bytes, as python-okx returns it."""
    digest = hmac.new(secretKey.encode(), message.encode(), sha256).digest()
    return base64.b64encode(digest)


def pre_hash(
    timestamp: str, method: str, request_path: str, body: str = "", debug: bool = True
) -> str:
    """Return the string that is signed: ``timestamp + METHOD + request_path + body``.

    ``debug`` is accepted for python-okx's signature and ignored: nothing here is logged.
    """
    return str(timestamp) + method.upper() + request_path + body


def signature(
    timestamp: str, method: str, request_path: str, body: object, secret_key: str
) -> bytes:
    """Return the signature (base64 bytes) of a request in one call: ``sign`` of ``pre_hash``.

    ``body`` is taken as ``str(body)``; ``None`` and an empty dict sign as no body, as in
    python-okx.
    """
    text = str(body)
    return sign(
        pre_hash(timestamp, method, request_path, "" if text in ("{}", "None") else text),
        secret_key,
    )


def get_header(
    api_key: str,
    sign: str | bytes,
    timestamp: str,
    passphrase: str,
    flag: str,
    debug: bool = True,
) -> dict[str, str | bytes]:
    """Return python-okx's headers of a signed request, ``sign`` as given (bytes from ``sign``).

    ``debug`` is ignored: nothing is logged.
    """
    return {
        consts.CONTENT_TYPE: consts.APPLICATION_JSON,
        consts.OK_ACCESS_KEY: api_key,
        consts.OK_ACCESS_SIGN: sign,
        consts.OK_ACCESS_TIMESTAMP: str(timestamp),
        consts.OK_ACCESS_PASSPHRASE: passphrase,
        consts.SIMULATED_TRADING: flag,
    }


def get_header_no_sign(flag: str, debug: bool = True) -> dict[str, str]:
    """Return python-okx's headers of a public request (``debug`` is ignored)."""
    return {consts.CONTENT_TYPE: consts.APPLICATION_JSON, consts.SIMULATED_TRADING: flag}


def parse_params_to_str(params: Mapping[str, object]) -> str:
    """Return python-okx's query string for ``params``: ``?a=1&b=2`` in their order, or ``""``.

    Empty and ``None`` values are left out; keys and values are written with ``str`` and not
    percent-encoded, exactly as python-okx writes them. The clients send
    ``okx_v5.params.query_string`` instead, which also encodes what a URL cannot carry as is.
    """
    parts = [f"{key}={value}" for key, value in params.items() if value is not None and value != ""]
    return "?" + "&".join(parts) if parts else ""


def get_timestamp(offset: float = 0.0) -> str:
    """Return the current UTC time as OKX wants it: ISO-8601 with milliseconds and ``Z``.

    ``offset`` (seconds, an okx_v5 addition) is added to the local clock, to follow OKX's.
    """
    # datetime rounds the float to the microsecond as python-okx's utcnow() does, then the
    # milliseconds are cut, not rounded: the same instant gives python-okx's string.
    now = datetime.fromtimestamp(time.time() + offset, timezone.utc)
    return now.replace(tzinfo=None).isoformat("T", "milliseconds") + "Z"
