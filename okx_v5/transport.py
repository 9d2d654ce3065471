"""One HTTP exchange with OKX through ``requests``: ``Transport``.

A client holds one ``Transport`` and keeps the policy (signing, rate limits, retries, decoding);
the transport sends one signed request and brings back its whole answer, or one okx_v5
exception (``failure``). It owns what lies between: the prepared request, the environment's
proxies and CA bundle, ``Session.send``, the refusal of redirects (a signed request must go to
the host it was signed for) and the mapping of requests' errors. Beneath it, the connections of
a session of its own are ``okx_v5.adapter``'s and the body is read by ``okx_v5.body``.

Every request goes through the client's ``Session.send``, so everything requests promises about
a Session holds: its adapters, hooks, auth, headers, cookies, proxies and TLS settings as they
are at call time, and mocks that patch ``Session.send``, ``Session.get_adapter`` or
``HTTPAdapter.send`` (``responses``, ``requests-mock``, ``vcrpy``, ``requests-cache``) see every
request.

Only this module and the two beneath it import requests; the client imports this one when the
first client is built, so that importing an API module stays light.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.structures import CaseInsensitiveDict
from requests.utils import default_user_agent, get_environ_proxies

from . import __version__
from .adapter import Deadline, OkxAdapter, Refused, call_deadline
from .body import read_body
from .checks import is_plain_loopback_http
from .exceptions import (
    OkxException,
    OkxRequestException,
    OkxResponseException,
    OkxTimeoutException,
    excerpt,
)

__all__ = ["REDIRECTS", "USER_AGENT", "Exchange", "Transport", "failure", "new_session"]

USER_AGENT = f"okx_v5/{__version__} python-requests/{requests.__version__}"
"""Sent unless the session was given a User-Agent of its own."""

_REQUESTS_USER_AGENT = default_user_agent()

REDIRECTS = frozenset({301, 302, 303, 307, 308})
"""The statuses of a redirect: refused, never followed."""


class Exchange(NamedTuple):
    """One answer, read whole: its HTTP status, its headers and its decoded body."""

    status: int
    headers: Mapping[str, str]
    content: bytes


class Transport:
    """One client's exchanges with its OKX host (``domain``) through ``session``.

    ``exchange`` sends one request and returns its whole answer (an ``Exchange``) or raises one
    okx_v5 exception; what to send, how often and what the answer means is the client's. The
    environment's proxies and CA bundle are read once, here: ``Session.request`` reads them on
    every call (and ``Session.send`` the proxies, when none are passed), scanning the whole
    environment each time, which costs more than the rest of a call. The session's own
    settings are read at each call, so that what is set on it later applies.
    """

    __slots__ = ("_ca_bundle", "_proxies", "_signed_direct", "domain", "owns_session", "session")

    def __init__(
        self, domain: str, proxy: str | None = None, session: requests.Session | None = None
    ) -> None:
        self.domain = domain
        """The ``scheme://host[:port]`` every path is sent to."""
        self.owns_session = session is None
        """Whether the session is the transport's own (``close`` closes it)."""
        self.session: requests.Session = new_session() if session is None else session
        # As Session.request: the explicit proxy first, then the environment's, then (at call
        # time) the session's own proxies beneath both.
        proxies: dict[str, str] = {"http": proxy, "https": proxy} if proxy else {}
        self._ca_bundle: str | None = None
        if self.session.trust_env:
            for scheme, url in get_environ_proxies(domain).items():
                proxies.setdefault(scheme, url)
            self._ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get(
                "CURL_CA_BUNDLE"
            )
        self._proxies = proxies
        # A signed request to a local test server never goes through a proxy: HTTP_PROXY
        # would carry the credentials in clear to a host that is not the exchange.
        self._signed_direct = is_plain_loopback_http(domain)

    def exchange(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes | None,
        *,
        timeout: float | tuple[float, float],
        deadline: Deadline | None = None,
        max_answer_bytes: int = 64 * 2**20,
        signed: bool = False,
    ) -> Exchange:
        """Send ``method`` ``path`` (signed: sent byte for byte as given) with ``headers`` and
        ``body`` once, and return the whole answer.

        ``timeout`` is requests' (seconds, or ``(connect, read)``); the answer must be complete
        by ``deadline`` and no larger than ``max_answer_bytes`` decoded. A ``signed`` request
        (its headers carry the credentials) to a plain-http loopback host goes past any proxy.
        Raises what ``failure`` gives: ``OkxTimeoutException`` (``sent=False`` when the
        deadline passed before sending), ``OkxRequestException``, or ``OkxResponseException``
        for an answer refused (a redirect, too large).
        """
        if deadline is not None and deadline.left() <= 0:
            raise OkxTimeoutException(
                f"the call's retry_budget of {deadline.budget} s ran out before this attempt "
                "was sent",
                method=method,
                path=path,
                sent=False,
            )
        prepared = self.prepare(method, self.domain + path, headers, body)
        try:
            with call_deadline(deadline):
                response = self.session.send(
                    prepared,
                    stream=True,
                    timeout=timeout,
                    verify=self.verify(),
                    cert=self.session.cert,
                    proxies={} if signed and self._signed_direct else self.proxies(),
                    allow_redirects=False,
                )
                content = read_body(response, max_answer_bytes, deadline)
        except Exception as exc:  # whatever the session raised, in one hierarchy
            raise failure(exc, method, path, timeout, deadline) from exc
        return Exchange(response.status_code, response.headers, content)

    def prepare(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> requests.PreparedRequest:
        """Return the request to send, prepared as ``Session.prepare_request`` prepares it
        (the session's headers beneath ``headers``, its cookies, auth and hooks as they are
        now), but with ``url`` kept exactly as given and without re-checking the headers.

        ``prepare_url`` would re-encode a URL that was signed as it is (``%2c`` becomes
        ``%2C``, ``/a/../b`` becomes ``/b``, a trailing ``?`` goes), and OKX would refuse the
        signature; ``prepare_headers`` checks each header again, which costs more than the rest
        together and which ``http.client`` does once more when it sends them. Requests'
        default User-Agent is replaced by okx_v5's, not one the session was given. After the
        session's own response hooks, ``refuse_redirect`` refuses a redirect.
        """
        prepared = requests.PreparedRequest()
        prepared.prepare_method(method)
        prepared.url = url
        given = self.session.headers
        # The same pairs in the same order either way; copy() skips a lookup per header.
        merged: CaseInsensitiveDict[str] = (
            given.copy() if type(given) is CaseInsensitiveDict else CaseInsensitiveDict(given)  # type: ignore[arg-type]
        )
        if merged.get("User-Agent", _REQUESTS_USER_AGENT) == _REQUESTS_USER_AGENT:
            merged["User-Agent"] = USER_AGENT
        for name, value in headers.items():  # as update() would, without its Mapping check
            merged[name] = value
        prepared.headers = merged
        # An empty cookie jar or no auth leaves the request as it is: skipped, as they cost.
        if self.session.cookies:
            prepared.prepare_cookies(self.session.cookies)
        prepared.prepare_body(body, None)
        if self.session.auth is not None:
            prepared.prepare_auth(self.session.auth)
        hooks = {event: list(hooks) for event, hooks in self.session.hooks.items()}
        hooks.setdefault("response", []).append(refuse_redirect)
        prepared.prepare_hooks(hooks)
        return prepared

    def proxies(self) -> dict[str, str]:
        """The proxies of a call now: the explicit and environment proxies over the
        session's own, read at each call so that proxies set on the session later apply."""
        proxies = dict(self.session.proxies)
        proxies.update(self._proxies)
        return proxies

    def verify(self) -> bool | str:
        """requests' ``verify`` of a call now: the session's, or the environment's CA
        bundle where the session verifies with requests' default."""
        verify = self.session.verify
        if verify is True and self._ca_bundle:
            return self._ca_bundle
        return True if verify is None else verify

    def close(self) -> None:
        """Close the session if it is the transport's own: every idle connection now, and
        the connection of each exchange still in flight as soon as it has its answer."""
        if self.owns_session:
            self.session.close()


def refuse_redirect(response: requests.Response, **kwargs: Any) -> None:
    """A response hook: raise ``Refused`` for a redirect (its connection closed, its body
    unread) before requests reads the body to work out where it leads."""
    if response.status_code in REDIRECTS:
        response.close()
        raise _redirect(response)


def _redirect(response: requests.Response) -> Refused:
    location = response.headers.get("Location") or ""
    try:
        host = urlsplit(location).hostname or ""
    except ValueError:
        host = "an unparsable location"
    # The Location itself may carry a user and password, or a token in its query: only its
    # host is shown, and the header is left out of the exception's headers.
    headers = {
        name: value for name, value in response.headers.items() if name.lower() != "location"
    }
    where = f"a redirect to {host}" if host else "a redirect on the same host"
    return Refused(
        f"OKX answered HTTP {response.status_code}, {where}; okx_v5 does not follow redirects",
        response.status_code,
        headers,
    )


def new_session() -> requests.Session:
    """A session of the client's own: requests' defaults, with ``OkxAdapter`` mounted."""
    session = requests.Session()
    adapter = OkxAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def failure(
    exc: Exception, method: str, path: str, timeout: object, deadline: Deadline | None = None
) -> OkxException:
    """The okx_v5 exception for what went wrong while sending or reading; a timeout once
    ``deadline`` has passed is told as the call's budget running out."""
    if isinstance(exc, OkxException):
        return exc
    if isinstance(exc, Refused):
        return OkxResponseException(
            exc.message,
            status_code=exc.status,
            headers=exc.headers,
            body=excerpt(exc.body),
            method=method,
            path=path,
        )
    if isinstance(exc, requests.Timeout) or _caused_by(exc, urllib3.exceptions.ReadTimeoutError):
        if deadline is not None and deadline.left() <= 0:
            what = f"no complete answer within the call's retry_budget of {deadline.budget} s"
        else:
            what = f"no answer within {timeout} s"
        return OkxTimeoutException(
            f"{what}: {exc}",
            method=method,
            path=path,
            sent=not isinstance(exc, requests.ConnectTimeout),
        )
    if isinstance(exc, requests.RequestException):
        never_sent = _caused_by(exc, urllib3.exceptions.NewConnectionError)
        return OkxRequestException(
            f"request failed: {exc}", method=method, path=path, sent=not never_sent
        )
    # A hook, an adapter or a mock of the session's raised something of its own.
    return OkxRequestException(
        f"request failed: {type(exc).__name__}: {exc}", method=method, path=path
    )


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``kind`` is among the errors ``exc`` wraps (requests and urllib3 nest them)."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        current = todo.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        todo.extend((current.__cause__, current.__context__, getattr(current, "reason", None)))
        todo.extend(current.args)
    return False
