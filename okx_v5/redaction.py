"""What a log line may show of a request or an answer: never a secret, an API key only in part.

OKX's fields that hold a secret, by name, wherever they appear (a JSON body, an answer, a query
string), whatever the endpoint, declared or sent with ``_request_with_params``:

- ``passphrase``: an API key's passphrase, in the WebSocket login's ``args`` and in the request
  and the answer of "Create an API Key for a sub-account" (``POST
  /api/v5/users/subaccount/apikey``; the broker's ``/api/v5/broker/nd/subaccount/apikey`` takes
  it too);
- ``secretKey``: the new key's secret, in the answer of those endpoints;
- ``sign``: the signature of the WebSocket login;
- ``pwd``: a sub-account's login password (``POST /api/v5/users/subaccount/create-subaccount``).

``apiKey`` (a sub-account's key, the WebSocket login's) is shortened as ``repr`` shows the
client's own (``mask_key``). Sources: OKX's docs, "Sub-account" and "WebSocket login" sections
(``docs/okx/sub_account.md`` and ``overview.md`` of ``rosssaunders/coincise``).
"""

from __future__ import annotations

import re

from .settings import mask_key, redact_url

__all__ = ["KEY_FIELDS", "SECRET_FIELDS", "redact", "redacted_excerpt", "redacted_url"]

SECRET_FIELDS = frozenset({"passphrase", "secretKey", "sign", "pwd"})
"""OKX's fields whose value is never shown (names compared without regard to case)."""
KEY_FIELDS = frozenset({"apiKey"})
"""OKX's fields whose value (an API key) is shown shortened, as ``abcd…wxyz``."""
REDACTED = "<redacted>"

_NAMES = "|".join(sorted(SECRET_FIELDS | KEY_FIELDS))
_KEYS = {name.lower() for name in KEY_FIELDS}
# A JSON string member; the closing quote is optional so that a value cut off at the end of
# an excerpt is replaced too.
_JSON_MEMBER = re.compile(rf'"({_NAMES})"(\s*:\s*)"((?:[^"\\]|\\.)*)"?', re.IGNORECASE)
_QUERY_ITEM = re.compile(rf"([?&])({_NAMES})=([^&#]*)", re.IGNORECASE)


def _shown(name: str, value: str) -> str:
    return mask_key(value) if name.lower() in _KEYS else REDACTED


def redact(text: str) -> str:
    """``text`` (JSON, or a path with a query string) with each secret field's value replaced
    by ``<redacted>`` and each API key shortened."""
    text = _JSON_MEMBER.sub(
        lambda m: f'"{m[1]}"{m[2]}"{_shown(m[1], m[3])}"',
        text,
    )
    return _QUERY_ITEM.sub(lambda m: f"{m[1]}{m[2]}={_shown(m[2], m[3])}", text)


def redacted_excerpt(body: str | bytes | None, limit: int) -> str:
    """The first ``limit`` characters of ``body`` on one line, as ``exceptions.excerpt``
    shows them, with its secrets redacted (before it is cut, so a cut never shows one)."""
    if not body:
        return ""
    head = body[: limit * 8 + 8]  # as much as excerpt reads: whitespace runs fold
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    text = " ".join(redact(text).split())
    return text[:limit] + "…" if len(text) > limit or len(body) > len(head) else text


def redacted_url(url: str) -> str:
    """``url`` without its password and with its query's secrets redacted."""
    return redact(redact_url(url))
