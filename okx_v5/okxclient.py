"""The client core: settings, credentials, and the policy of one call.

``OkxClient`` keeps python-okx's constructor (positional order included) and checks every
argument when it is built. Every call, a declared method's or ``OkxClient.request``'s for any
path, goes through two layers of policy over one transport:

- ``OkxClient._send`` owns the policy: the rate limiter, retries of failed reads, and the one
  re-sync with OKX's clock after a ``50102`` answer;
- ``OkxClient._send_once`` makes one attempt: it signs, asks the client's ``Transport``
  (``okx_v5.transport``: ``Session.send``, proxies, the body read, requests' errors) for one
  exchange, and decodes the answer. ``OkxClient.sync_time`` uses it too.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import attrs

from . import consts, quirks, ratelimit
from ._generated.endpoints.public_data import GET_SYSTEM_TIME
from .checks import (
    DEFAULT_REGION,
    ENVIRONMENT,
    Region,
    check_auto_client_order_id,
    check_budget,
    check_credentials,
    check_domain,
    check_flag,
    check_max_answer_bytes,
    check_proxy,
    check_rate_limit_host,
    check_rate_limit_storage,
    check_region,
    check_retries,
    check_session,
    check_timeout,
    check_validate,
    env_region,
    is_given,
    is_plain_remote_http,
    redirect_domain,
)
from .client_order_id import fill_in, sent_client_order_id
from .clock import MAX_AGE, clock_for
from .endpoint import Endpoint, RateLimit, Signed
from .endpoints import find
from .exceptions import (
    OkxAPIException,
    OkxException,
    OkxParamsException,
    OkxRateLimitException,
    OkxRequestException,
    OkxResponseException,
    excerpt,
)
from .params import Validation, json_body, query_string, query_value
from .redaction import Secret, SecretText, mask_key, redact_url, redacted_excerpt
from .response import OkxResponse
from .retry import RetryPolicy, is_transient, retry_after
from .utils import get_timestamp, pre_hash, sign

if TYPE_CHECKING:
    import requests
    from typing_extensions import Self

    from .transport import Exchange

__all__ = ["DEFAULT_LIMIT", "OkxClient", "Timeout"]

logger = logging.getLogger("okx_v5")

T = TypeVar("T")
Timeout = float | tuple[float, float]
"""Seconds: one number for both, or a ``(connect, read)`` pair."""
Params = Mapping[str, Any] | Sequence[Mapping[str, Any]]
"""What ``OkxClient.request`` sends: a mapping, or for a ``POST`` a list of them."""

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 10.0)
DEFAULT_MAX_ANSWER_BYTES = 64 * 2**20
"""The default ``max_answer_bytes``: far above any OKX answer (a full order book is < 1 MiB)."""

EARLIEST_SERVER_TIME_MS = 1_483_228_800_000
"""2017-01-01 UTC: OKX's V5 API did not exist before; an earlier server time cannot be right."""
MAX_CLOCK_GAP = 24 * 3600.0
"""Seconds OKX's clock may differ from ours before its answer is taken to be wrong."""
DEBUG_BODY_CHARS = 4000
"""Characters of a request's body shown in a DEBUG line (most batches of 20 orders fit)."""
DEBUG_ANSWER_CHARS = 500
"""Characters of an answer shown in a DEBUG line."""
API_PREFIX = "/api/v5/"
"""How every path of OKX's REST API starts."""
DEFAULT_LIMIT = RateLimit(5, 2.0, "user")
"""The rate limit ``OkxClient.request`` keeps to on a path okx_v5 declares no limit for: 5
requests / 2 s for each path, counted per API key when the request is signed and per IP when
it is not, as OKX counts. Of OKX's documented limits it is the most common after 20 / 2 s, and
within the limits of three quarters of the declared endpoints that document one (20 / 2 s is
within a third's); on a path OKX limits harder (a few requests a second, or a daily quota) OKX
answers ``50011``, which a ``GET`` retries. ``request(..., limit=)`` gives the path's own."""


class OkxClient:
    """Base of every API class: holds credentials, settings and the HTTP session.

    Args:
        api_key: API key; ``'-1'`` (python-okx's default) means none.
        api_secret_key: API secret; never logged or shown.
        passphrase: API passphrase; never logged or shown.
        use_server_time: keep the request timestamps in step with OKX's clock.
        flag: ``'0'`` production, ``'1'`` demo trading (sent as ``x-simulated-trading``).
        domain: base URL, ``https://www.okx.com`` by default. Any other URL is used as given
            (it wins over ``region``); python-okx's default means ``region``'s host, or, when
            ``OKX_DOMAIN`` is set, the variable's URL instead (a local ``FakeOKX``, say).
        debug: log every request (with its body) and answer on the ``okx_v5`` logger, secrets
            redacted (see ``okx_v5.redaction``).
        proxy: one proxy URL for both http and https.
        timeout: seconds, or a ``(connect, read)`` pair; default ``(5, 10)``.
        session: a ``requests.Session`` to send through instead of a new one. Its adapters,
            hooks, auth, headers, cookies and proxies apply to every call, as they are at the
            time of the call; ``close()`` leaves it open.
        max_retries: retries of a failed ``GET`` (transport error, 5xx, rate limit, OKX
            server-side code), and of any request that provably never left (no connection);
            ``0`` disables retrying. Default 3.
        retry_budget: seconds a call may take in all, from its first attempt: retry waits,
            connecting, sending and reading every answer whole included. Default 10. A call
            that still has no complete answer when it runs out raises
            ``OkxTimeoutException``: each read of the answer (status line, headers, ``1xx``
            answers, body) waits at most the read timeout and never past the deadline, a new
            connection's connect timeout is cut to the time left, no attempt is sent once the
            deadline has passed (``sent=False``) and no retry wait ends after it. On a
            ``session`` of your own, whose connections okx_v5 does not make, only the body is
            cut off at the deadline (between pieces of it).
        rate_limit: wait before sending so as to stay inside each endpoint's documented
            limit, shared with every client of the same API key, or of the same host and
            domain. Default on.
        rate_limit_storage: ``redis://[:password@]host:port/db`` (or ``rediss://``) to share
            the limits with every process and machine using that Redis; default
            ``OKX_RATE_LIMIT_STORAGE`` from the environment, else in-process only.
        rate_limit_host: the name IP rules are counted under in that storage; clients behind
            one address should give the same name. Default: this machine's name.
        validate: ``True`` (default) refuses before sending only what OKX certainly refuses
            and sends a value outside OKX's documented values with one warning;
            ``"strict"`` refuses that value too; ``False`` refuses nothing. A call's own
            ``validate=`` wins (``True`` there means the default level).
        auto_client_order_id: give every order a client order ID: a call that places one
            (``place_order``, ``place_multiple_orders``, ``place_algo_order`` and the others
            whose docstring says so) and is given no ``clOrdId``/``algoClOrdId`` (``None`` or
            ``""``; each item of a batch alike) sends a new one (see
            ``okx_v5.client_order_id``). Whenever a call
            carrying one fails, the exception's ``cl_ord_id`` has it, so after
            ``OkxTimeoutException`` with ``sent=True`` ``get_order(instId=..., clOrdId=...)``
            tells whether the order exists. Default off: requests are python-okx's.
        max_answer_bytes: the largest answer body accepted, in bytes once decoded (a
            compressed body counts as it expands); a larger one raises
            ``OkxResponseException`` as soon as it passes the cap, is not read further and
            its connection is closed. Default 64 MiB.
        region: the OKX site the API key was created on, whose host the client talks to:
            ``"global"`` (``https://www.okx.com``, the default), ``"eea"`` (OKX's site for the
            European Economic Area) or ``"us"`` (OKX's US site); a key is known on its own
            site only (OKX answers ``50119`` elsewhere). Demo trading uses the same host. A
            ``domain`` given wins.

    Raises:
        OkxParamsException: an argument cannot be right (it is named; a credential's value is
            never shown).
    """

    def __init__(
        self,
        api_key: str = "-1",
        api_secret_key: str = "-1",
        passphrase: str = "-1",
        use_server_time: bool | None = None,
        flag: str | int = "1",
        domain: str = consts.API_URL,
        debug: bool = False,
        proxy: str | None = None,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        max_retries: int = 3,
        retry_budget: float = 10.0,
        rate_limit: bool = True,
        rate_limit_storage: str | None = None,
        rate_limit_host: str | None = None,
        validate: Validation = True,
        auto_client_order_id: bool = False,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        region: Region = DEFAULT_REGION,
    ) -> None:
        # Held as Secret from the first line on: a traceback that shows this frame's locals
        # (a constructor that raises) shows Secret('***') for both.
        secret, phrase = Secret(api_secret_key), Secret(passphrase)
        del api_secret_key, passphrase
        check_credentials(api_key, secret, phrase)
        self.validate: Validation = check_validate(validate)
        """How much each call checks before sending (see ``okx_v5.params.Validation``); a
        call's own ``validate=`` wins."""
        self.auto_client_order_id = check_auto_client_order_id(auto_client_order_id)
        """Whether a call that places an order without a client order ID sends a new one."""
        self.flag = check_flag(flag)
        self.region: Region = check_region(region)
        """The OKX site asked for (``domain`` says the host used: a ``domain`` given wins)."""
        self.domain = redirect_domain(check_domain(domain), self.region)
        self.proxy = check_proxy(proxy)
        self.timeout = check_timeout(timeout)
        given_session = check_session(session)
        self.max_answer_bytes = check_max_answer_bytes(max_answer_bytes)
        """The largest decoded answer body a call accepts, in bytes."""
        self.retry_policy: RetryPolicy = RetryPolicy(
            max_retries=check_retries(max_retries), budget=check_budget(retry_budget)
        )
        """The ``RetryPolicy`` of this client's calls; may be replaced."""
        self.API_KEY = api_key
        self.use_server_time = bool(use_server_time)  # python-okx's False when not given
        self.debug = debug
        self.rate_limit = rate_limit
        self.__secret = secret
        self.__passphrase = phrase
        self._has_credentials = all(map(is_given, (api_key, secret, phrase)))
        from .transport import Transport  # requests comes with it

        self._transport = Transport(self.domain, self.proxy, given_session)
        self._base_headers = {
            consts.CONTENT_TYPE: consts.APPLICATION_JSON,
            consts.ACCEPT: consts.APPLICATION_JSON,
            consts.SIMULATED_TRADING: self.flag,
        }
        self.__rate_limit_storage = check_rate_limit_storage(rate_limit_storage)
        self._rate_limit_host = check_rate_limit_host(rate_limit_host)
        self._limiter_cache: dict[tuple[str, RateLimit, str], ratelimit.Limiter] = {}
        self._clock = clock_for(self.domain)
        self._plain_http = is_plain_remote_http(self.domain)
        if debug:
            _ensure_debug_output()

    @classmethod
    def from_env(cls, **kwargs: Any) -> Self:
        """Return a client configured from ``OKX_API_KEY``, ``OKX_API_SECRET``,
        ``OKX_PASSPHRASE``, ``OKX_FLAG`` (demo ``'1'`` when unset), ``OKX_REGION`` (``global``
        when unset) and ``OKX_DOMAIN`` (the region's host when unset: point it at a
        ``FakeOKX`` to run a script offline); ``kwargs`` override them."""
        settings: dict[str, Any] = {
            arg: os.environ.get(variable) or (consts.DEMO_TRADING if arg == "flag" else "-1")
            for arg, variable in ENVIRONMENT.items()
            # domain is read by every client: see okx_v5.checks.redirect_domain
            if arg not in ("domain", "region")
        }
        region = env_region()
        if region is not None:
            settings["region"] = region
        for arg in _SECRET_ARGS:  # this frame's locals show no secret if the constructor raises
            settings[arg] = Secret(settings[arg])
        settings.update(kwargs)
        return cls(**settings)

    # -- python-okx's secret attributes: read and set what the signer uses ---------------

    @property
    def API_SECRET_KEY(self) -> str:
        """python-okx's attribute: the API secret this client signs with (set: checked as
        the constructor checks it)."""
        return str(self.__secret.reveal())

    @API_SECRET_KEY.setter
    def API_SECRET_KEY(self, value: str) -> None:
        secret = Secret(value)
        del value
        check_credentials(None, secret, None)
        self.__secret = secret

    @property
    def PASSPHRASE(self) -> str:
        """python-okx's attribute: the API passphrase this client sends (set: checked as the
        constructor checks it)."""
        return str(self.__passphrase.reveal())

    @PASSPHRASE.setter
    def PASSPHRASE(self, value: str) -> None:
        passphrase = Secret(value)
        del value
        check_credentials(None, None, passphrase)
        self.__passphrase = passphrase

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def session(self) -> requests.Session:
        """The ``requests.Session`` every call is sent through: the one given, or the
        client's own. What is set on it (headers, hooks, auth, adapters, proxies) applies to
        the calls that follow."""
        return self._transport.session

    def close(self) -> None:
        """Close the HTTP session if this client created it: every idle connection now, and
        the connection of each call still in flight as soon as that call has its answer."""
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        # Works on a client whose constructor failed part way (a debugger, a traceback with
        # locals): what is not set yet shows as None.
        domain = getattr(self, "domain", None)
        shown = redact_url(domain) if isinstance(domain, str) else None
        key = getattr(self, "API_KEY", None)
        if not (getattr(self, "_has_credentials", False) and isinstance(key, str)):
            key = None
        return (
            f"{type(self).__name__}(domain={shown!r}, flag={getattr(self, 'flag', None)!r}, "
            f"api_key={None if key is None else mask_key(key)!r})"
        )

    # -- the policy: limits, retries, clock re-sync ----------------------------------------

    def _call(
        self,
        endpoint: Endpoint[T],
        given: Mapping[str, object],
        validate: Validation | None,
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> OkxResponse[T]:
        """Check ``given`` (a method's arguments by python-okx's names) against ``endpoint``,
        build python-okx's payload from them and send it; the body of every generated API
        method. ``validate`` is the call's own level, ``None`` for the client's.

        What is sent goes through python-okx's seam, as python-okx's method would:
        ``_request_with_params(method, path, payload)``, or ``_request_without_params(method,
        path)`` where python-okx calls that. A test that patches either on an API class sees
        python-okx's call, and nothing is sent.

        With ``auto_client_order_id`` a missing client order ID is filled in before the
        arguments are checked, so a new one is checked and sent as a caller's would be; a
        failure of the request carries what was sent as ``cl_ord_id``.

        ``extra`` is the caller's ``extra=``: parameters OKX takes that the declaration does
        not know yet, added unchecked after the known ones, to the query string of a ``GET`` or
        the JSON object of a ``POST`` (see ``_with_extra``), and signed and sent as given."""
        if endpoint.quirk:
            given = quirks.apply(endpoint.quirk, dict(given))
        if self.auto_client_order_id:
            given = fill_in(endpoint, given)
        level = self.validate if validate is None else check_validate(validate)
        payload = endpoint.payload(given, validate=level)
        if extra is not None:
            payload = _with_extra(endpoint, payload, extra)
        if endpoint.signed is True and not self._has_credentials:
            raise OkxParamsException(
                f"{endpoint.name}: this endpoint needs an API key; pass api_key, "
                "api_secret_key and passphrase (or set OKX_API_KEY, OKX_API_SECRET and "
                "OKX_PASSPHRASE and use from_env())",
                method=endpoint.name,
            )
        try:
            if endpoint.body == "none" and not extra and not payload:  # no keyword argument
                return self._request_without_params(endpoint.method, endpoint.path)
            return self._request_with_params(endpoint.method, endpoint.path, payload)
        except (OkxRequestException, OkxAPIException) as failure:
            if failure.path.partition("?")[0] == endpoint.path.partition("?")[0]:
                failure.cl_ord_id = sent_client_order_id(endpoint, payload)  # not a clock sync's
            raise

    # python-okx's three request methods, layered as python-okx layers them, so that a mock of
    # any one of them sees what python-okx's would.

    def _request_with_params(self, method: str, request_path: str, params: Any) -> OkxResponse[Any]:
        """python-okx's way to call an endpoint with ``params`` (see ``_request``)."""
        return self._request(method, request_path, params)

    def _request_without_params(self, method: str, request_path: str) -> OkxResponse[Any]:
        """python-okx's way to call an endpoint that takes no parameters."""
        return self._request(method, request_path, {})

    def _request(self, method: str, request_path: str, params: Any) -> OkxResponse[Any]:
        """``params`` (a dict, or a list for a batch) sent to ``method`` ``request_path`` as
        python-okx sends them, unchecked. A declared endpoint keeps its rate limits and typed
        ``data`` (the declaration of this class's python-okx module, where two modules call the
        same path); any other is sent signed when the client has a key, as python-okx does."""
        declared = find(method, request_path.partition("?")[0], _python_okx_module(type(self)))
        if declared is not None and declared.path != request_path:
            declared = attrs.evolve(declared, path=request_path)  # keep the caller's query
        endpoint = declared or Endpoint(
            name=f"{method.upper()} {request_path}",
            method=method.upper(),
            path=request_path,
            signed="if_key",
            documented=False,
        )
        return self._send(endpoint, params)

    @overload
    def request(self, endpoint: Endpoint[T], payload: Any, /) -> OkxResponse[T]: ...

    @overload
    def request(
        self,
        method: Literal["GET", "POST"],
        path: str,
        params: Params | None = None,
        *,
        signed: bool | None = None,
        limit: RateLimit | None = None,
    ) -> OkxResponse[Any]: ...

    def request(
        self,
        method: Literal["GET", "POST"] | Endpoint[Any],
        path: Any = None,
        params: Params | None = None,
        *,
        signed: bool | None = None,
        limit: RateLimit | None = None,
    ) -> OkxResponse[Any]:
        """Call any OKX REST path, declared or not, and return OKX's answer as an
        ``OkxResponse``: the escape hatch for what okx_v5 has no method for yet.

        ``method`` is ``"GET"`` or ``"POST"``; ``path`` starts with ``/api/v5/``. ``params``
        are sent as given, unchecked: a mapping, as the query string of a ``GET`` (keys whose
        value is ``None`` or ``""`` left out, as everywhere), or as the JSON body of a
        ``POST``, which may also be a list of objects (a batch). What is sent is what is
        signed. ``signed``: ``True`` signs (a client without a key refuses before sending),
        ``False`` does not; by default a declared path is called as declared and any other
        signed when the client has a key, as python-okx does.

        Everything else is a declared method's: a path okx_v5 declares keeps its rate limits
        and typed ``.data``; any other waits for ``limit``, by default ``DEFAULT_LIMIT`` (5
        requests / 2 s per path, per API key when signed, per IP when not). A ``GET`` is
        retried on a transient failure under ``retry_policy``, a ``POST`` only when it
        provably never left; the call's deadline, clock re-sync and exceptions are those of
        every call. An OKX error code is returned, as python-okx returns it:
        ``raise_for_code()`` raises it.

        ``request(endpoint, payload)`` sends ``payload`` to an ``Endpoint`` declaration
        unchecked, under that declaration's limits.

        Raises:
            OkxParamsException: a method other than ``GET``/``POST``, a path outside
                ``/api/v5/``, ``params`` that cannot be sent (nothing is sent).
        """
        if isinstance(method, Endpoint):
            if params is not None or signed is not None or limit is not None:
                raise OkxParamsException(
                    f"request({method.name}, payload): params, signed and limit are for a "
                    "request by method and path; a declaration says them itself",
                    method=method.name,
                )
            return self._send(method, path)
        return self._send(*self._ad_hoc(method, path, params, signed, limit))

    def _ad_hoc(
        self,
        method: object,
        path: object,
        params: object,
        signed: bool | None,
        limit: RateLimit | None,
    ) -> tuple[Endpoint[Any], Any]:
        """The declaration ``request`` calls ``path`` with, and its payload; checked first."""
        verb = _checked_method(method)
        where = _checked_path(verb, path)
        payload = _checked_params(verb, where, params)
        if signed not in (None, True, False):
            raise OkxParamsException(
                f"{verb} {where}: signed is {signed!r}; True, False or None (the default)",
                method=f"{verb} {where}",
                param="signed",
                value=signed,
                allowed="True, False or None",
            )
        if limit is not None and not isinstance(limit, RateLimit):
            raise OkxParamsException(
                f"{verb} {where}: limit is {type(limit).__name__}; an okx_v5.endpoint.RateLimit",
                method=f"{verb} {where}",
                param="limit",
                allowed="a RateLimit",
            )
        declared = find(verb, where.partition("?")[0], _python_okx_module(type(self)))
        if signed is None:
            wanted: Signed = declared.signed if declared is not None else "if_key"
        else:
            wanted = signed
        signs = self._has_credentials if wanted == "if_key" else bool(wanted)
        if signs and not self._has_credentials:
            raise OkxParamsException(
                f"{verb} {where}: a signed request needs an API key; pass api_key, "
                "api_secret_key and passphrase (or set OKX_API_KEY, OKX_API_SECRET and "
                "OKX_PASSPHRASE and use from_env())",
                method=f"{verb} {where}",
                param="signed",
            )
        if limit is not None:
            limits: tuple[RateLimit, ...] = (limit,)
        elif declared is not None:
            limits = declared.limits
        else:  # OKX counts a private endpoint per user, a public one per IP
            limits = (attrs.evolve(DEFAULT_LIMIT, scope="user" if signs else "ip"),)
        endpoint = Endpoint[Any](
            name=declared.name if declared is not None else f"{verb} {where}",
            method=verb,
            path=where,
            signed=signs,
            limits=limits,
            model_ref=declared.model_ref if declared is not None else None,
            documented=declared is not None and declared.documented,
        )
        return endpoint, payload

    def _send(self, endpoint: Endpoint[T], payload: Any) -> OkxResponse[T]:
        """Send ``payload`` to ``endpoint`` and return the decoded answer.

        A ``GET`` sends the payload as its query string, a ``POST`` as its JSON body, each
        written once: the same bytes are signed and sent. Before each attempt the rate
        limiters may wait, but not past ``retry_budget`` from the start of the call: a longer
        wait raises ``OkxRateLimitException`` with ``sent=False`` at once. A ``50102`` answer
        re-syncs the clock and is re-signed and sent once more; transient failures of a
        ``GET``, and failures of any request that never left, are retried under
        ``retry_policy``. When retries run out the last answer is returned
        (or the last failure raised); ``attempts`` on either tells how many were made.

        The call's deadline is ``retry_policy.budget`` seconds after its first attempt began
        (on ``retry_policy.clock``). No retry wait ends after it and no attempt is sent after
        it (``OkxTimeoutException``, ``sent=False``). An attempt in flight connects with its
        connect timeout cut to the time left and reads its whole answer by the deadline: each
        read waits at most ``min(read timeout, time left)``; the answer not complete by then
        raises ``OkxTimeoutException`` (``sent=True``) and its connection is closed. Sending
        is bounded by the socket timeout of each write, so an attempt ends by the deadline
        plus at most one such timeout.
        """
        method = endpoint.method
        path, body = _wire(endpoint, payload)
        signed = self._signs(endpoint)
        if signed:
            self._check_signed_allowed(method, path)
            if self.use_server_time and self._clock.stale(MAX_AGE):
                self.sync_time()
        limiters = self._limiters(endpoint, payload) if self.rate_limit else []
        policy, started, resynced = self.retry_policy, self.retry_policy.clock(), False
        deadline = started + policy.budget
        attempts, sent_before = 0, False  # whether an earlier attempt may have reached OKX
        while True:
            attempts += 1
            try:
                self._acquire(limiters, deadline, method, path, attempts)
                result = self._send_once(endpoint, path, body, signed, deadline=deadline)
            except (OkxRequestException, OkxResponseException, OkxRateLimitException) as failure:
                failure.attempts = attempts
                if self._retryable(method, failure) and self._may_retry(
                    policy, attempts, started, failure
                ):
                    sent_before = sent_before or failure.sent
                    continue
                failure.sent = failure.sent or sent_before  # the call's, not the last attempt's
                raise
            sent_before = True
            result.attempts = attempts
            if result.code == "50102" and signed and not resynced:
                resynced = True
                if self._resync(result):
                    continue
            elif self._retryable(method, result) and self._may_retry(
                policy, attempts, started, result
            ):
                continue
            return result

    def _signs(self, endpoint: Endpoint[Any]) -> bool:
        return self._has_credentials if endpoint.signed == "if_key" else bool(endpoint.signed)

    @staticmethod
    def _retryable(method: str, outcome: OkxException | OkxResponse[Any]) -> bool:
        """Whether ``outcome`` is worth another attempt of a ``method`` request."""
        if isinstance(outcome, OkxRequestException):
            # A request that may have reached OKX is only sent again if it only reads.
            return method == consts.GET or not outcome.sent
        if method != consts.GET:
            return False
        if isinstance(outcome, OkxResponse):
            return is_transient(outcome.code, outcome.status_code)
        return isinstance(outcome, OkxResponseException) and is_transient("", outcome.status_code)

    def sync_time(self) -> float:
        """Fetch OKX's clock and store its offset for this domain; return the offset (s).

        The server's time is taken to be the middle of the round trip. Every client of the domain
        signs with the new offset; concurrent callers sync once. An answer that cannot be right
        (before 2017, or more than a day from the local clock) raises ``OkxResponseException`` and
        changes nothing.
        """
        clock = self._clock
        seen = clock.synced_at
        with clock.lock:
            if clock.synced_at != seen:  # another thread synced while we waited
                return clock.offset
            deadline = self.retry_policy.clock() + self.retry_policy.budget
            if self.rate_limit:
                limiters = self._limiters(GET_SYSTEM_TIME, {})
                self._acquire(limiters, deadline, consts.GET, GET_SYSTEM_TIME.path, 1)
            sent = time.time()
            answer = self._send_once(
                GET_SYSTEM_TIME, GET_SYSTEM_TIME.path, None, False, deadline=deadline
            ).raise_for_code()
            received = time.time()
            server_ms = answer.data[0].ts if answer.data else None
            _check_server_time(answer, server_ms, (sent + received) / 2.0)
            offset = clock.record(server_ms, sent, received)  # type: ignore[arg-type]
        logger.debug("clock offset for %s is now %.3f s", redact_url(self.domain), offset)
        return offset

    def _resync(self, answer: OkxResponse[Any]) -> bool:
        try:
            self.sync_time()
        except OkxException as exc:
            logger.debug(
                "%s %s: clock sync after 50102 failed: %s", answer.method, answer.path, exc
            )
            return False
        logger.debug("%s %s: 50102, clock re-synced; signing again", answer.method, answer.path)
        return True

    def _may_retry(
        self,
        policy: RetryPolicy,
        attempts: int,
        started: float,
        outcome: OkxException | OkxResponse[Any],
    ) -> bool:
        asked = retry_after(getattr(outcome, "headers", None))
        pause = policy.next_delay(attempts, started, asked)
        what = outcome if isinstance(outcome, OkxException) else f"code {outcome.code}"
        method, path = getattr(outcome, "method", ""), getattr(outcome, "path", "")
        if pause is None:
            if policy.max_retries:
                logger.debug("%s %s: giving up after %d attempts: %s", method, path, attempts, what)
            return False
        logger.debug(
            "%s %s: attempt %d failed (%s); retrying in %.2f s", method, path, attempts, what, pause
        )
        if pause > 0:
            policy.sleep(pause)
        return True

    @staticmethod
    def _acquire(
        limiters: list[tuple[ratelimit.Limiter, int]],
        deadline: float,
        method: str,
        path: str,
        attempts: int,
    ) -> None:
        """Wait for every limiter; a wait that would pass ``deadline`` raises
        ``OkxRateLimitException`` (``sent=False``) at once instead."""
        for limiter, count in limiters:
            try:
                limiter.acquire(count, deadline)
            except OkxRateLimitException as refused:
                refused.method, refused.path, refused.attempts = method, path, attempts
                raise

    def _limiters(
        self, endpoint: Endpoint[Any], payload: Any
    ) -> list[tuple[ratelimit.Limiter, int]]:
        """The limiters this call must pass, each with how many slots it takes.

        A call that takes more slots than a rule's window holds is refused with
        ``OkxParamsException``: no wait would ever admit it.
        """
        taken = []
        path = endpoint.path.partition("?")[0]  # a query given in the path counts as the path
        for rule in endpoint.limits:
            if rule.seconds > ratelimit.LONGEST_WAIT:
                continue  # a daily or monthly quota: waiting for it is no answer; OKX says 50011
            for share, count in _shares(rule, payload):
                if count > rule.requests:
                    raise OkxParamsException(
                        f"{endpoint.method} {path}: {count} {rule.count}s in one call, but its "
                        f"rate limit admits at most {rule.describe()}; split the batch",
                        method=endpoint.name,
                        value=count,
                        allowed=f"at most {rule.requests}",
                    )
                key = (path, rule, share)
                limiter = self._limiter_cache.get(key)
                if limiter is None:
                    limiter = ratelimit.registry_for(self.__rate_limit_storage).get(
                        self._scope(rule) + share,
                        ratelimit.limit_name(path, rule.requests, rule.seconds),
                        rule.requests,
                        rule.seconds,
                    )
                    self._limiter_cache[key] = limiter
                taken.append((limiter, count))
        return taken

    def _scope(self, rule: RateLimit) -> str:
        # OKX counts "user" rules per account (we know the API key) and "ip" rules per source
        # address (one per machine, and per domain so a local test exchange counts apart).
        if rule.scope == "user":
            return "user:" + self.API_KEY
        return f"ip:{self._rate_limit_host}@{redact_url(self.domain)}"  # no password in Redis

    def _check_signed_allowed(self, method: str, path: str) -> None:
        if self._plain_http:
            raise OkxParamsException(
                f"{method} {path}: refusing to send a signed request over plain http:// to "
                f"{redact_url(self.domain)}; use https:// (plain http is allowed for loopback "
                "hosts only)",
                param="domain",
                value=redact_url(self.domain),
                allowed="https:// URL, or http:// to a loopback host",
            )

    # -- one attempt: sign, send, decode ---------------------------------------------------

    def _send_once(
        self,
        endpoint: Endpoint[T],
        path: str,
        body: str | None,
        signed: bool,
        *,
        deadline: float | None = None,
    ) -> OkxResponse[T]:
        """Sign ``path`` and ``body`` (when ``signed``), send them once, decode the answer;
        connect and read by ``deadline`` (on ``retry_policy.clock``) when one is given.

        Raises ``OkxRequestException`` when no answer came (``OkxTimeoutException`` when none
        came in time, or the deadline passed before sending) and ``OkxResponseException`` when
        the answer is not OKX's JSON, redirects, or is larger than ``max_answer_bytes``.
        """
        from .adapter import Deadline  # imported with the first client (see transport)

        method = endpoint.method
        due = None
        if deadline is not None:
            policy = self.retry_policy
            due = Deadline(deadline, policy.clock, policy.budget)
        headers = self._headers(method, path, body, signed=signed)
        if body is not None and logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s with body %s",
                method,
                redact_url(self.domain + path),
                redacted_excerpt(body, DEBUG_BODY_CHARS),
            )
        started = time.perf_counter()
        answer = self._transport.exchange(
            method,
            path,
            headers,
            None if body is None else body.encode(),
            timeout=self.timeout,
            deadline=due,
            max_answer_bytes=self.max_answer_bytes,
            signed=signed,
        )
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> HTTP %s in %.1f ms: %s",
                method,
                redact_url(self.domain + path),
                answer.status,
                (time.perf_counter() - started) * 1000,
                redacted_excerpt(answer.content, DEBUG_ANSWER_CHARS),
            )
        return OkxResponse(
            _decode(method, path, answer),
            endpoint.model_ref,
            status_code=answer.status,
            method=method,
            path=path,
            headers=answer.headers,
        )

    def _headers(self, method: str, path: str, body: str | None, *, signed: bool) -> dict[str, str]:
        headers = dict(self._base_headers)
        if signed:
            timestamp = get_timestamp(self._clock.offset)
            headers[consts.OK_ACCESS_KEY] = self.API_KEY
            # Revealed and signed as arguments, never bound to a local of this frame.
            headers[consts.OK_ACCESS_SIGN] = SecretText(
                sign(pre_hash(timestamp, method, path, body or ""), self.__secret.reveal()).decode()
            )
            headers[consts.OK_ACCESS_TIMESTAMP] = timestamp
            headers[consts.OK_ACCESS_PASSPHRASE] = SecretText(self.__passphrase.reveal())
        return headers


_SECRET_ARGS = ("api_secret_key", "passphrase")


def _python_okx_module(api: type) -> str:
    """The python-okx module ``api`` is the class of (``"Trade"``, ``"Finance.Savings"``): the
    module of its first okx_v5 class, so a user's subclass counts as its okx_v5 class
    (``"okxclient"`` for a bare client, which declares nothing; ``""`` outside okx_v5)."""
    for cls in api.__mro__:
        package, dot, module = cls.__module__.partition(".")
        if package == __package__ and dot:
            return module
    return ""


def _wire(endpoint: Endpoint[Any], payload: Any) -> tuple[str, str | None]:
    """The path (with the query string of a ``GET``) and the body (of a ``POST``) to send."""
    if endpoint.method == consts.GET:
        return _with_query(endpoint.path, query_string(payload or {})), None
    return endpoint.path, json_body({} if payload is None else payload)


def _with_query(path: str, query: str) -> str:
    """``path`` with ``query`` (``"?a=1"`` or ``""``) added, even to a path that has one."""
    return path + "&" + query[1:] if query and "?" in path else path + query


def _with_extra(endpoint: Endpoint[Any], payload: Any, extra: Mapping[str, Any]) -> Any:
    """``payload`` with the caller's ``extra`` parameters after its own, unchecked: in the
    object of a ``GET``'s query or a ``POST``'s body, or in the one object of a ``"list"``
    body. Refused (``OkxParamsException``): ``extra`` that is not a mapping of names, a name
    the declaration already has (its argument is the way to send it), and ``extra`` for a
    batch of items the caller builds (``body="arg"``), which can hold any key already."""
    if not isinstance(extra, Mapping):
        raise OkxParamsException(
            f"{endpoint.name}: extra is {type(extra).__name__}; a dict of OKX parameter names",
            method=endpoint.name,
            param="extra",
            allowed="a dict",
        )
    if not extra:
        return payload
    if endpoint.body == "arg":
        raise OkxParamsException(
            f"{endpoint.name}: extra cannot be added to a batch; put the keys in each item of "
            f"{endpoint.body_arg}, which are sent as given",
            method=endpoint.name,
            param="extra",
            allowed="no extra",
        )
    target = payload[0] if endpoint.body == "list" else payload
    known = {param.key: param.arg for param in endpoint.params}
    for key in extra:
        if not isinstance(key, str) or not key:
            raise OkxParamsException(
                f"{endpoint.name}: extra has the key {key!r}; OKX's parameter names are text",
                method=endpoint.name,
                param="extra",
                value=key,
                allowed="non-empty str keys",
            )
        if key in known or key in target:
            argument = known.get(key, key)
            raise OkxParamsException(
                f"{endpoint.name}: extra has {key!r}, which is already a parameter of this "
                f"call; pass it as {argument}= instead",
                method=endpoint.name,
                param=key,
                allowed=f"a key other than {key!r}",
            )
    merged = {**target, **extra}
    return [merged] if endpoint.body == "list" else merged


def _checked_method(method: object) -> Literal["GET", "POST"]:
    verb = method.upper() if isinstance(method, str) else None
    if verb == consts.GET or verb == consts.POST:
        return "GET" if verb == consts.GET else "POST"
    raise OkxParamsException(
        f"request: method is {method!r}; OKX's REST API takes 'GET' or 'POST'",
        method="request",
        param="method",
        value=method,
        allowed="'GET' or 'POST'",
    )


def _checked_path(method: str, path: object) -> str:
    if (
        not isinstance(path, str)
        or not path.startswith(API_PREFIX)
        or len(path) == len(API_PREFIX)
        or any(char.isspace() or not char.isprintable() or char == "#" for char in path)
    ):
        raise OkxParamsException(
            f"request: path is {path!r}; an OKX REST path such as '/api/v5/public/time' "
            "(no host, no spaces, no '#')",
            method=f"{method} {path}",
            param="path",
            value=path,
            allowed="a path starting with /api/v5/",
        )
    return path


def _checked_params(method: str, path: str, params: object) -> Any:
    if params is None or isinstance(params, Mapping):
        return {} if params is None else params
    if (
        method == consts.POST
        and isinstance(params, (list, tuple))
        and all(isinstance(item, Mapping) for item in params)
    ):
        return list(params)
    allowed = "a dict" if method == consts.GET else "a dict or a list of dicts"
    raise OkxParamsException(
        f"{method} {path}: params is {type(params).__name__}; a {method} takes {allowed}",
        method=f"{method} {path}",
        param="params",
        allowed=allowed,
    )


def _shares(rule: RateLimit, payload: Any) -> list[tuple[str, int]]:
    """How a call counts against ``rule``: ``(share, slots)`` pairs, one per share of the
    budget it uses (``"|instId=BTC-USDT"``; ``""`` for the whole), by request or by item."""
    items = payload if isinstance(payload, list) else [payload]
    if not rule.per:
        return [("", len(items) if rule.count == "item" else 1)]
    shares: dict[str, int] = {}
    for item in items:
        values = item if isinstance(item, Mapping) else {}
        share = "".join(f"|{name}={query_value(values.get(name) or '')}" for name in rule.per)
        shares[share] = shares.get(share, 0) + 1
    if rule.count == "request":
        return [(share, 1) for share in shares]
    return list(shares.items())


def _decode(method: str, path: str, answer: Exchange) -> dict[str, Any]:
    """Return OKX's JSON object from ``answer``'s body, or raise ``OkxResponseException``."""
    content = answer.content
    # OKX always answers a JSON object: anything else is refused before it is decoded, so a
    # huge HTML page or binary body is never copied into a string.
    if content[:256].lstrip()[:1] in (b"{", b"["):
        try:
            payload = _json(content)
        except (ValueError, RecursionError):
            problem = "a body that is not JSON"
        else:
            if isinstance(payload, dict) and "code" in payload:
                return payload
            problem = "JSON without an OKX code"
    else:
        problem = "an empty body" if not content else "a body that is not JSON"
    raise OkxResponseException(
        f"OKX answered HTTP {answer.status} with {problem}: {excerpt(content)!r}",
        status_code=answer.status,
        headers=answer.headers,
        body=excerpt(content),
        method=method,
        path=path,
    )


_DIGITS = bytes(0x30 if 0x30 <= byte <= 0x39 else byte for byte in range(256))
"""Every digit byte read as ``0``, every other byte as itself (for ``bytes.translate``)."""
_BEYOND_64_BITS = (b"0" * 20, b"-" + b"0" * 19)
"""The shortest digit runs an integer orjson reads as a float may have: past 2**64 - 1 it takes
20 digits, below -2**63 a minus and 19 (a run inside a string matches too: json reads it)."""


def _json(content: bytes) -> Any:
    """``content`` decoded exactly as ``json.loads`` decodes it (python-okx's ``.json()``), by
    orjson, twice as fast, where it gives the same: not on a body that may hold an integer
    beyond 64 bits (orjson reads it as a float), nor on one it refuses (NaN, a lone surrogate,
    a byte-order mark, another encoding), which ``json.loads`` reads as it always did."""
    import orjson  # on the first answer, not with the package (a few ms)

    digits = content.translate(_DIGITS)
    if not any(run in digits for run in _BEYOND_64_BITS):
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    return json.loads(content)


def _check_server_time(answer: OkxResponse[Any], server_ms: int | None, local: float) -> None:
    """Refuse a server time that cannot be right, before it moves the shared clock."""
    if server_ms is None:
        raise answer._exception(OkxResponseException, "OKX time without ts")
    if server_ms < EARLIEST_SERVER_TIME_MS or abs(server_ms / 1000.0 - local) > MAX_CLOCK_GAP:
        raise answer._exception(
            OkxResponseException,
            f"OKX's clock says {server_ms} ms since 1970, which cannot be right (before 2017, "
            "or more than a day from this machine's clock); the clock offset is unchanged",
        )


def _ensure_debug_output() -> None:
    # debug=True should show something even in a bare script or notebook, as python-okx does;
    # when the application configured logging itself, leave its configuration alone.
    logger.setLevel(logging.DEBUG)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
