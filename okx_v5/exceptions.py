"""The one exception hierarchy of okx_v5.

```
OkxException
├── OkxParamsException (also ValueError)   bad input, raised before anything is sent
├── OkxRequestException                    the request did not get an answer
│   └── OkxTimeoutException
└── OkxAPIException                        the server answered with an error or nonsense
    ├── OkxResponseException               not OKX JSON, or an item that does not fit its model
    ├── OkxAuthException                   501xx
    │   └── OkxTimestampException          50102
    ├── OkxRateLimitException              HTTP 429, 50011, 50061
    ├── OkxServerException                 HTTP 5xx, 50001, 50004, 50013, 50026
    └── OkxWebSocketException              an ``event: error`` answer on a WebSocket stream
```

``ERROR_CODES`` says which class each OKX code raises and whether it is worth retrying.
Messages never contain the API secret, the passphrase or a signature.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

__all__ = [
    "ERROR_CODES",
    "ErrorCode",
    "OkxAPIException",
    "OkxAuthException",
    "OkxException",
    "OkxParamsException",
    "OkxRateLimitException",
    "OkxRequestException",
    "OkxResponseException",
    "OkxServerException",
    "OkxTimeoutException",
    "OkxTimestampException",
    "OkxWebSocketException",
    "api_exception_class",
    "excerpt",
    "hint",
]

_EXCERPT_CHARS = 200


def excerpt(body: str | bytes | None, limit: int = _EXCERPT_CHARS) -> str:
    """Return the first ``limit`` characters of a response body, on one line.

    Only the start of the body is read, so a huge body costs no more than a small one.
    """
    if not body:
        return ""
    # Whitespace runs fold to one space, so a few times the limit is enough to fill it.
    head = body[: limit * 8 + 8]
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    text = " ".join(text.split())
    more = len(body) > len(head)
    return text[:limit] + "…" if len(text) > limit or more else text


class OkxException(Exception):
    """Base class of every exception okx_v5 raises."""


class OkxParamsException(OkxException, ValueError):
    """A parameter failed validation; nothing was sent.

    Carries the method, the parameter (its OKX name), the value received and what is allowed.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        param: str = "",
        value: object = None,
        allowed: str = "",
    ) -> None:
        super().__init__(message)
        self.method = method
        self.param = param
        self.value = value
        self.allowed = allowed


class _RequestContext(OkxException):
    """Fields shared by the exceptions that concern one HTTP request.

    ``sent`` is ``False`` when the request provably never left this machine (no connection
    could be made, or the rate limiter refused to wait past the call's deadline), ``True``
    when it may have reached OKX (an order may have been placed). ``cl_ord_id`` is the client
    order ID the request carried, to look the order up by.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        attempts: int = 1,
        sent: bool = True,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.attempts = attempts
        self.sent = sent
        self.cl_ord_id: str | tuple[str | None, ...] | None = None
        """The client order ID (``clOrdId``, ``algoClOrdId``) of the order the request placed,
        the caller's or the one a client built with ``auto_client_order_id=True`` filled in: with
        ``sent=True``, ``get_order(instId=..., clOrdId=...)`` says whether the order exists.
        A batch's is a tuple with one per item (``None`` for an item without one); ``None`` when
        the request carried none or places no order."""

    def _where(self) -> str:
        where = f"{self.method} {self.path}".strip()
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        return f" [{where}{tries}]" if where else tries

    def __str__(self) -> str:
        return self.message + self._where()


class OkxRequestException(_RequestContext):
    """The request failed on the way (connection refused, reset, DNS, TLS, proxy).

    The underlying ``requests`` exception is the ``__cause__``. ``sent`` is ``False`` when the
    request provably never left (no connection could be made), ``True`` when it may have
    reached OKX (an order may have been placed).
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        attempts: int = 1,
        sent: bool = True,
    ) -> None:
        super().__init__(message, method=method, path=path, attempts=attempts, sent=sent)


class OkxTimeoutException(OkxRequestException):
    """The server did not answer in time."""


class OkxAPIException(_RequestContext):
    """The server answered, but with an error code, an HTTP error or a body that is not OKX JSON.

    ``code`` and ``msg`` are OKX's (``""`` when the body had none), ``status_code`` is the HTTP
    status, ``headers`` the HTTP headers and ``body`` a short excerpt of the raw answer.
    """

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "",
        msg: str = "",
        status_code: int | None = None,
        body: str = "",
        method: str = "",
        path: str = "",
        attempts: int = 1,
        response: Any = None,
        headers: Mapping[str, str] | None = None,
        sent: bool = True,
    ) -> None:
        self.headers = headers
        self.code = code
        self.msg = msg
        self.status_code = status_code
        self.body = body
        self.response = response
        super().__init__(
            message or self._default_message(),
            method=method,
            path=path,
            attempts=attempts,
            sent=sent,
        )

    def _default_message(self) -> str:
        head = f"OKX error {self.code}" if self.code else "OKX error"
        status = f" (HTTP {self.status_code})" if self.status_code is not None else ""
        text = f": {self.msg}" if self.msg else ""
        return f"{head}{status}{text}{hint(self.code)}"


class OkxResponseException(OkxAPIException):
    """The answer is not the OKX JSON expected: an HTML page, a truncated body, a malformed item."""


class OkxAuthException(OkxAPIException):
    """Authentication failed (OKX codes 501xx): key, passphrase, signature, IP or environment."""


class OkxTimestampException(OkxAuthException):
    """The request timestamp is outside OKX's 30-second window (50102): the clock is off."""


class OkxRateLimitException(OkxAPIException):
    """Too many requests (HTTP 429, OKX codes 50011 and 50061)."""


class OkxServerException(OkxAPIException):
    """OKX had a problem of its own (HTTP 5xx, 50001, 50004, 50013, 50026); worth retrying."""


class OkxWebSocketException(OkxAPIException):
    """OKX answered a WebSocket request (login, subscribe, an order operation) with an error,
    or pushed one (``event: error``): ``code`` and ``msg`` are OKX's, ``method`` is ``"WS"``,
    ``path`` the stream's path (``/ws/v5/public``), ``op`` the operation it answers and
    ``arg`` the channel it concerns, when OKX said."""

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "",
        msg: str = "",
        path: str = "",
        op: str = "",
        arg: Mapping[str, Any] | None = None,
        body: str = "",
    ) -> None:
        self.op = op
        self.arg = dict(arg) if arg else None
        super().__init__(message, code=code, msg=msg, body=body, method="WS", path=path)

    def _where(self) -> str:
        what = " ".join(part for part in (self.op, _arg_text(self.arg)) if part)
        where = " ".join(part for part in (self.method, self.path, what) if part)
        return f" [{where}]"


def _arg_text(arg: Mapping[str, Any] | None) -> str:
    return ",".join(f"{name}={value}" for name, value in arg.items()) if arg else ""


class ErrorCode(NamedTuple):
    """What okx_v5 does with one OKX error code."""

    status: int
    """The HTTP status OKX documents with the code."""
    raised_as: type[OkxAPIException]
    """The class ``raise_for_code()`` raises for it, whatever the HTTP status."""
    transient: bool
    """Whether a read (``GET``) answered with it is worth sending again after a pause."""
    hint: str = ""
    """Advice appended to the exception's message (``" — ..."``)."""


# OKX's documentation, "Error Code" > "REST API" > "Public" (docs/okx/error_code.md of
# rosssaunders/coincise): the codes okx_v5 treats in a way of their own, or documents. A code
# not here is an authentication error when it starts with 501, else its HTTP status decides.
ERROR_CODES: Mapping[str, ErrorCode] = {
    "50001": ErrorCode(503, OkxServerException, transient=True),
    "50004": ErrorCode(400, OkxServerException, transient=True),
    "50011": ErrorCode(429, OkxRateLimitException, transient=True),
    "50013": ErrorCode(429, OkxServerException, transient=True),
    "50014": ErrorCode(400, OkxAPIException, transient=False),
    "50026": ErrorCode(500, OkxServerException, transient=True),
    "50061": ErrorCode(200, OkxRateLimitException, transient=True),
    "50101": ErrorCode(
        401,
        OkxAuthException,
        transient=False,
        hint=" — the API key belongs to the other environment: a demo-trading key needs"
        " flag='1', a production key needs flag='0'",
    ),
    "50102": ErrorCode(
        401,
        OkxTimestampException,
        transient=False,
        hint=" — the local clock is off; use_server_time=True keeps it in step with OKX",
    ),
    "50103": ErrorCode(401, OkxAuthException, transient=False),
    "50104": ErrorCode(401, OkxAuthException, transient=False),
    "50105": ErrorCode(
        401,
        OkxAuthException,
        transient=False,
        hint=" — the passphrase does not match the API key",
    ),
    "50106": ErrorCode(401, OkxAuthException, transient=False),
    "50107": ErrorCode(401, OkxAuthException, transient=False),
    "50111": ErrorCode(
        401,
        OkxAuthException,
        transient=False,
        hint=" — the API key is not known to OKX (check for typos and the environment)",
    ),
    "50112": ErrorCode(401, OkxAuthException, transient=False),
    "50113": ErrorCode(
        401,
        OkxAuthException,
        transient=False,
        hint=" — the signature was rejected: check the API secret",
    ),
    "50119": ErrorCode(
        200,
        OkxAuthException,
        transient=False,
        hint=" — OKX does not know the API key on this site: a key created on OKX's EEA site"
        " needs region='eea', one created on its US site region='us' (and one of www.okx.com"
        " region='global')",
    ),
    "51000": ErrorCode(400, OkxAPIException, transient=False),
}
"""OKX error code → what okx_v5 does with it: the one table ``api_exception_class``, the retry
policy (``okx_v5.retry.is_transient``), the hints and the code tables of the docs follow."""


def hint(code: str) -> str:
    """Return advice on OKX error ``code`` (``" — ..."``), or ``""`` when there is none."""
    known = ERROR_CODES.get(code)
    return known.hint if known is not None else ""


def api_exception_class(code: str, status_code: int | None = None) -> type[OkxAPIException]:
    """Return the most specific exception class for an OKX ``code`` and HTTP status."""
    known = ERROR_CODES.get(code)
    if known is not None:
        return known.raised_as
    if code.startswith("501"):
        return OkxAuthException
    if status_code == 429:
        return OkxRateLimitException
    if status_code is not None and status_code >= 500:
        return OkxServerException
    return OkxAPIException
