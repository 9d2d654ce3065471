"""Pure helpers for the OKX signature scheme, mirroring python-okx's ``okx.utils``.

``OK-ACCESS-SIGN = base64(hmac_sha256(secret, timestamp + METHOD + requestPath + body))``.
None of these functions log or keep their arguments.
"""

from __future__ import annotations

import base64
import hmac
import time
from collections.abc import Mapping
from hashlib import sha256
from urllib.parse import quote

from . import consts

# Commas stay literal so that multi-ID values read "A,B" on the wire, as python-okx sends them.
_QUERY_SAFE = ",-_.~"


def get_timestamp(offset: float = 0.0) -> str:
    """Return the current UTC time as OKX wants it: ISO-8601 with milliseconds and ``Z``.

    ``offset`` (seconds) is added to the local clock, to follow the server's clock.
    """
    # Whole milliseconds first, so the seconds and the milliseconds come from one value.
    ms = int((time.time() + offset) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime(ms // 1000)) + f"{ms % 1000:03d}Z"


def pre_hash(
    timestamp: str, method: str, request_path: str, body: str = "", debug: bool = False
) -> str:
    """Return the string that is signed: ``timestamp + METHOD + request_path + body``.

    ``debug`` is accepted for python-okx's signature and ignored: nothing here is logged.
    """
    return str(timestamp) + method.upper() + request_path + body


def sign(message: str, secret_key: str) -> bytes:
    """Return ``base64(hmac_sha256(secret_key, message))`` — bytes, as python-okx returns it."""
    digest = hmac.new(secret_key.encode(), message.encode(), sha256).digest()
    return base64.b64encode(digest)


def get_header(
    api_key: str, sign: str | bytes, timestamp: str, passphrase: str, flag: str, debug: bool = False
) -> dict[str, str]:
    """Return python-okx's headers of a signed request (``debug`` is ignored: nothing is logged)."""
    signature = sign.decode() if isinstance(sign, bytes) else sign
    return {
        consts.CONTENT_TYPE: consts.APPLICATION_JSON,
        consts.OK_ACCESS_KEY: api_key,
        consts.OK_ACCESS_SIGN: signature,
        consts.OK_ACCESS_TIMESTAMP: str(timestamp),
        consts.OK_ACCESS_PASSPHRASE: passphrase,
        consts.SIMULATED_TRADING: flag,
    }


def get_header_no_sign(flag: str, debug: bool = False) -> dict[str, str]:
    """Return python-okx's headers of a public request (``debug`` is ignored)."""
    return {consts.CONTENT_TYPE: consts.APPLICATION_JSON, consts.SIMULATED_TRADING: flag}


def parse_params_to_str(params: Mapping[str, object]) -> str:
    """Return the query string (``?a=1&b=2``, or ``""``) for ``params``, in their order.

    Empty and ``None`` values are left out, as python-okx does. Values are percent-encoded
    except for commas and unreserved characters, so IDs such as ``BTC-USDT,ETH-USDT`` go out
    unchanged; the result is what is both signed and sent.
    """
    parts = [
        f"{quote(str(key), safe=_QUERY_SAFE)}={quote(str(value), safe=_QUERY_SAFE)}"
        for key, value in params.items()
        if value is not None and value != ""
    ]
    return "?" + "&".join(parts) if parts else ""
