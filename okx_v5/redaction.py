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

Two more things are never shown: a URL's password (``redact_url``, the one rule for every URL
okx_v5 shows: domain, proxy, Redis storage, WebSocket host), and the client's own credentials,
held as ``Secret`` so that ``repr()`` of any frame's locals (a traceback formatted with locals,
as Sentry, ``rich`` and ``pytest -l`` format them) shows ``Secret('***')`` instead.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "KEY_FIELDS",
    "SECRET_FIELDS",
    "URL_SECRET_WORDS",
    "Secret",
    "SecretText",
    "mask_key",
    "redact",
    "redact_text",
    "redact_url",
    "redacted_excerpt",
    "reveal",
]

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


URL_SECRET_WORDS = ("pass", "pwd", "secret", "token", "auth", "credential", "sign")
"""A URL query parameter whose name contains one of these (``password``, ``ssl_password``,
``access_token``...) has its value redacted, as Redis URLs carry ``?password=``."""

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_USERINFO_IN_TEXT = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)([^\s/?#@'\"]*)@")
_URL_SECRET_ITEM = re.compile(
    # a value ends where the URL does, in free text too: at a space or a quote
    rf"([?&;])([^=&;#\s]*(?:{'|'.join(URL_SECRET_WORDS)})[^=&;#\s]*)=([^&;#\s'\"]*)",
    re.IGNORECASE,
)


def mask_key(key: str) -> str:
    """Return ``key`` as ``abcd…wxyz`` for display (``****`` when too short to show any)."""
    return key[:4] + "…" + key[-4:] if len(key) > 12 else "****"


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


def redact_url(url: str) -> str:
    """Return ``url`` as it may be shown: its password ``***``, its query's secrets redacted.

    The user info is everything between ``scheme://`` (or the start) and the last ``@``
    before the query; ``user:pw@`` is shown as ``user:***@``, ``:pw@`` as ``:***@`` and a lone
    ``pw@`` as ``***@`` (redis-py and many tools take it as a password or a token). The URL is
    read as text, not parsed, so no URL is too malformed to be shown redacted:
    ``redis://:pw@h``, ``rediss://user:pw@h/0``, ``unix://:pw@/path?db=0``,
    ``unix:///path?password=pw``, ``https://bob:pw@proxy:3128``, or ``bob:pw@proxy``.
    """
    start = found.end() if (found := _SCHEME.match(url)) else 0
    end = min((i for mark in "?#" if (i := url.find(mark, start)) != -1), default=len(url))
    at = url.rfind("@", start, end)
    if at != -1:
        user, colon, _ = url[start:at].partition(":")
        url = url[:start] + (user + ":***" if colon else "***") + url[at:]
    url = _URL_SECRET_ITEM.sub(lambda m: f"{m[1]}{m[2]}={REDACTED}", url)
    return redact(url)


def redact_text(text: str) -> str:
    """``text`` (a message, a log line, an error reporter's copy of a frame's locals) with
    every URL's password and every secret field ``redact`` knows redacted: the rule to apply
    to what okx_v5 does not show itself (see ``Secret``)."""
    text = _USERINFO_IN_TEXT.sub(
        lambda m: m[1] + (m[2].partition(":")[0] + ":***" if ":" in m[2] else "***") + "@", text
    )
    return redact(_URL_SECRET_ITEM.sub(lambda m: f"{m[1]}{m[2]}={REDACTED}", text))


class Secret:
    """A credential whose ``repr()`` and ``str()`` are ``'***'``: only ``reveal()`` gives it.

    The client keeps its API secret and passphrase in these, so a traceback formatted with
    every frame's locals (Sentry, ``rich``'s ``show_locals``, ``pytest -l``) shows none of
    them. ``Secret(Secret(x))`` holds ``x``.
    """

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value: Any = value._value if isinstance(value, Secret) else value

    def reveal(self) -> Any:
        """Return the value itself, for the moment it is used."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"


class SecretText(str):
    """Text that holds a secret and is sent as it is (a signed header value, a WebSocket login
    request), but that ``repr()`` shows as ``'***'``: such text passes through requests',
    urllib3's and the stream's frames, whose locals a traceback may show."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"


def reveal(value: Any) -> Any:
    """Return the value a ``Secret`` holds, or ``value`` itself when it is not one."""
    return value.reveal() if isinstance(value, Secret) else value
