"""The client core: one pooled ``requests.Session``, signing, sending and decoding.

``OkxClient`` keeps python-okx's constructor (positional order included). Everything that can
be decided once — headers, proxies, TLS settings from the environment — is decided at
construction, so a call only builds its query string, signs it and sends it.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import requests
from requests.structures import CaseInsensitiveDict

from . import __version__, consts, ratelimit
from .clock import MAX_AGE, clock_for
from .endpoints import SERVER_TIME, Endpoint
from .exceptions import (
    OkxException,
    OkxParamsException,
    OkxRequestException,
    OkxResponseException,
    OkxTimeoutException,
    excerpt,
)
from .response import OkxResponse
from .retry import NO_RETRY, RetryPolicy, is_transient, retry_after
from .settings import (
    check_domain,
    check_flag,
    check_rate_limit_host,
    check_rate_limit_storage,
    check_retries,
    is_given,
    is_plain_remote_http,
    mask_key,
)
from .transport import Transport
from .utils import get_timestamp, parse_params_to_str, pre_hash, sign

__all__ = ["OkxClient", "Timeout"]

logger = logging.getLogger("okx_v5")

T = TypeVar("T")
_C = TypeVar("_C", bound="OkxClient")
Timeout = float | tuple[float, float]
"""Seconds: one number for both, or a ``(connect, read)`` pair."""

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 10.0)


class OkxClient:
    """Base of every API class: holds credentials, settings and the HTTP session.

    Args:
        api_key: API key; ``'-1'`` (python-okx's default) means none.
        api_secret_key: API secret; never logged or shown.
        passphrase: API passphrase; never logged or shown.
        use_server_time: keep the request timestamps in step with OKX's clock.
        flag: ``'0'`` production, ``'1'`` demo trading (sent as ``x-simulated-trading``).
        domain: base URL, ``https://www.okx.com`` by default.
        debug: log every request and answer (secrets redacted) on the ``okx_v5`` logger.
        proxy: one proxy URL for both http and https.
        timeout: seconds, or a ``(connect, read)`` pair; default ``(5, 10)``.
        session: a ``requests.Session`` to use instead of a new one (not closed by ``close()``).
        max_retries: retries of a failed ``GET`` (transport error, 5xx, rate limit, OKX
            server-side code); ``0`` disables retrying. Default 3.
        retry_budget: seconds a call may take in all, retry waits included. Default 10.
        rate_limit: wait before sending so as to stay inside each endpoint's documented
            limit, shared with every client of the same API key, or of the same host and
            domain. Default on.
        rate_limit_storage: ``redis://[:password@]host:port/db`` (or ``rediss://``) to share
            the limits with every process and machine using that Redis; default
            ``OKX_RATE_LIMIT_STORAGE`` from the environment, else in-process only.
        rate_limit_host: the name IP rules are counted under in that storage; clients behind
            one address should give the same name. Default: this machine's name.
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
    ) -> None:
        self.flag = check_flag(flag)
        self.domain = check_domain(domain)
        self.API_KEY = api_key
        self.use_server_time = use_server_time
        self.debug = debug
        self.proxy = proxy
        self.timeout = timeout
        self.__secret = api_secret_key
        self.__passphrase = passphrase
        self._has_credentials = is_given(api_key) and is_given(api_secret_key)
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()
        self._send_options = self._resolve_send_options()
        self._base_headers = self._resolve_headers()
        self.retry_policy = RetryPolicy(
            max_retries=check_retries(max_retries), budget=float(retry_budget)
        )
        """The :class:`~okx_v5.retry.RetryPolicy` for ``GET`` requests; may be replaced."""
        self.rate_limit = rate_limit
        self.__rate_limit_storage = check_rate_limit_storage(rate_limit_storage)
        self._rate_limit_host = check_rate_limit_host(rate_limit_host)
        self._limiters: dict[str, ratelimit.Limiter] = {}
        self._clock = clock_for(self.domain)
        self._plain_http = is_plain_remote_http(self.domain)
        if debug:
            _ensure_debug_output()

    @classmethod
    def from_env(cls: type[_C], **kwargs: Any) -> _C:
        """Return a client configured from ``OKX_API_KEY``, ``OKX_API_SECRET``,
        ``OKX_PASSPHRASE`` and ``OKX_FLAG`` (demo ``'1'`` when unset); ``kwargs`` override."""
        settings: dict[str, Any] = {
            "api_key": os.environ.get("OKX_API_KEY", "-1"),
            "api_secret_key": os.environ.get("OKX_API_SECRET", "-1"),
            "passphrase": os.environ.get("OKX_PASSPHRASE", "-1"),
            "flag": os.environ.get("OKX_FLAG", consts.DEMO_TRADING),
        }
        settings.update(kwargs)
        return cls(**settings)

    # -- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP session (and its pooled connections) if this client created it."""
        if self._owns_session:
            self.session.close()

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    if not TYPE_CHECKING:  # hidden from type checkers, so that a typo stays a type error

        def __getattr__(self, name: str) -> Any:
            # Only reached when normal lookup fails: most often a python-okx method that okx_v5
            # does not cover yet, which deserves a clearer word than a bare AttributeError.
            if name.startswith("_"):
                raise AttributeError(name)
            covered = sorted(
                attr
                for attr in dir(type(self))
                if attr.startswith("get_") and callable(getattr(type(self), attr))
            )
            raise AttributeError(
                f"{type(self).__name__} has no attribute {name!r}; okx_v5 covers "
                f"{', '.join(covered) or 'no methods'} on this class so far"
            )

    def __repr__(self) -> str:
        key = mask_key(self.API_KEY) if self._has_credentials else None
        return f"{type(self).__name__}(domain={self.domain!r}, flag={self.flag!r}, api_key={key!r})"

    # -- the request path ----------------------------------------------------------------

    def _call(self, endpoint: Endpoint[T], validate: bool, **given: object) -> OkxResponse[T]:
        """Validate ``given`` against ``endpoint``, then send it; the API methods' one body."""
        params = endpoint.prepare(given, validate=validate)
        if endpoint.signed and not self._has_credentials:
            raise OkxParamsException(
                f"{endpoint.name}: this endpoint needs an API key; pass api_key, "
                "api_secret_key and passphrase (or set OKX_API_KEY, OKX_API_SECRET and "
                "OKX_PASSPHRASE and use from_env())",
                method=endpoint.name,
            )
        return self.request(endpoint, params)

    def request(self, endpoint: Endpoint[T], params: Mapping[str, str]) -> OkxResponse[T]:
        """Send ``params`` (already wire strings) to ``endpoint`` and return the decoded answer.

        The query string is built once; the same bytes are signed and sent. Before each
        attempt the rate limiter may wait; a ``50102`` answer re-syncs the clock and is
        re-signed and sent once more; transient failures of a ``GET`` are retried under
        :attr:`retry_policy`. When retries run out the last answer is returned (or the last
        transport error raised); ``attempts`` on either tells how many were made.
        """
        method = endpoint.method
        path = endpoint.path + parse_params_to_str(params)
        if endpoint.signed:
            self._check_signed_allowed(method, path)
            if self.use_server_time and self._clock.stale(MAX_AGE):
                self.sync_time()
        limiter = self._limiter(endpoint) if self.rate_limit else None
        policy = self.retry_policy if method == consts.GET else NO_RETRY
        started = policy.clock()
        attempts = 0
        resynced = False
        while True:
            attempts += 1
            if limiter is not None:
                limiter.acquire()
            headers = self._headers(method, path, signed=endpoint.signed)
            try:
                response = self._send(method, path, headers)
            except OkxRequestException as exc:
                exc.attempts = attempts
                if self._may_retry(policy, attempts, started, None, exc):
                    continue
                raise
            try:
                payload = self._decode(method, path, response)
            except OkxResponseException as exc:
                exc.attempts = attempts
                if is_transient("", response.status_code) and self._may_retry(
                    policy, attempts, started, response.headers, exc
                ):
                    continue
                raise
            result: OkxResponse[T] = OkxResponse(
                payload,
                endpoint.model,
                status_code=response.status_code,
                method=method,
                path=path,
                attempts=attempts,
            )
            code = result.code
            if code == "0" and response.status_code < 400:
                return result
            if code == "50102" and endpoint.signed and not resynced:
                resynced = True
                if self._resync(result):
                    continue
            elif is_transient(code, response.status_code) and self._may_retry(
                policy, attempts, started, response.headers, result
            ):
                continue
            return result

    def sync_time(self) -> float:
        """Fetch OKX's clock and store its offset for this domain; return the offset (s).

        The server's time is taken to be the middle of the round trip. Every client of the
        domain signs with the new offset; concurrent callers sync once.
        """
        clock = self._clock
        seen = clock.synced_at
        with clock.lock:
            if clock.synced_at != seen:  # another thread synced while we waited
                return clock.offset
            path = SERVER_TIME.path
            if self.rate_limit:
                self._limiter(SERVER_TIME).acquire()
            sent = time.time()
            response = self._send(consts.GET, path, self._base_headers)
            received = time.time()
            answer = OkxResponse(
                self._decode(consts.GET, path, response),
                SERVER_TIME.model,
                status_code=response.status_code,
                method=consts.GET,
                path=path,
            ).raise_for_code()
            server_ms = answer.data[0].ts if answer.data else None
            if server_ms is None:
                raise answer._exception(OkxResponseException, "OKX time without ts")
            offset = clock.record(server_ms, sent, received)
        logger.debug("clock offset for %s is now %.3f s", self.domain, offset)
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
        headers: Mapping[str, str] | None,
        outcome: OkxException | OkxResponse[Any],
    ) -> bool:
        pause = policy.next_delay(attempts, started, retry_after(headers))
        what = outcome if isinstance(outcome, OkxException) else f"code {outcome.code}"
        method, path = _where(outcome)
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

    def _limiter(self, endpoint: Endpoint[Any]) -> ratelimit.Limiter:
        limiter = self._limiters.get(endpoint.path)
        if limiter is None:
            rule = endpoint.rate_limit
            # OKX counts "user" rules per account (we know the API key) and "ip" rules per
            # source address (we share one per machine and domain).
            if rule.scope == "user":
                scope = "user:" + self.API_KEY
            else:
                scope = f"ip:{self._rate_limit_host}@{self.domain}"
            registry = ratelimit.registry_for(self.__rate_limit_storage)
            limiter = registry.get(scope, endpoint.path, rule.requests, rule.seconds)
            self._limiters[endpoint.path] = limiter
        return limiter

    def _check_signed_allowed(self, method: str, path: str) -> None:
        if self._plain_http:
            raise OkxParamsException(
                f"{method} {path}: refusing to send a signed request over plain http:// to "
                f"{self.domain}; use https:// (plain http is allowed for loopback hosts only)",
                param="domain",
                value=self.domain,
                allowed="https:// URL, or http:// to a loopback host",
            )

    def _headers(self, method: str, path: str, *, signed: bool) -> dict[str, str]:
        headers = dict(self._base_headers)
        if signed:
            timestamp = get_timestamp(self._clock.offset)
            headers[consts.OK_ACCESS_KEY] = self.API_KEY
            headers[consts.OK_ACCESS_SIGN] = sign(
                pre_hash(timestamp, method, path), self.__secret
            ).decode()
            headers[consts.OK_ACCESS_TIMESTAMP] = timestamp
            headers[consts.OK_ACCESS_PASSPHRASE] = self.__passphrase
        return headers

    def _send(self, method: str, path: str, headers: dict[str, str]) -> requests.Response:
        # A hand-built PreparedRequest (the URL is the signed one, never re-encoded) handed
        # straight to the adapter with the settings resolved in __init__: Session.send would
        # re-merge settings, dispatch hooks, fill the cookie jar and look for redirects on
        # every call, and none of that applies here.
        prepared = requests.PreparedRequest()
        prepared.method = method
        prepared.url = self.domain + path
        prepared.headers = CaseInsensitiveDict(headers)
        prepared.body = None
        options = self._send_options
        started = time.perf_counter()
        try:
            # Looked up per call (cheap): adapters mounted later, or a mock library patching
            # Session.get_adapter, see every request.
            adapter = self.session.get_adapter(prepared.url)
            response: requests.Response = adapter.send(
                prepared,
                stream=False,
                timeout=self.timeout,
                verify=options["verify"],
                cert=options["cert"],
                proxies=options["proxies"],
            )
            response.content  # noqa: B018 - read the body now, inside the error mapping
        except requests.Timeout as exc:
            raise OkxTimeoutException(
                f"no answer within {self.timeout} s: {exc}", method=method, path=path
            ) from exc
        except requests.RequestException as exc:
            raise OkxRequestException(f"request failed: {exc}", method=method, path=path) from exc
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> HTTP %s in %.1f ms: %s",
                method,
                self.domain + path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
                excerpt(response.content, 500),
            )
        return response

    @staticmethod
    def _decode(method: str, path: str, response: requests.Response) -> dict[str, Any]:
        content = response.content
        try:
            payload = json.loads(content)
        except ValueError:
            problem = "an empty body" if not content else "a body that is not JSON"
        else:
            if isinstance(payload, dict) and "code" in payload:
                return payload
            problem = "JSON without an OKX code"
        raise OkxResponseException(
            f"OKX answered HTTP {response.status_code} with {problem}: {excerpt(content)!r}",
            status_code=response.status_code,
            body=excerpt(content),
            method=method,
            path=path,
        )

    # -- settings resolved once per client -------------------------------------------------

    def _resolve_send_options(self) -> dict[str, Any]:
        if self._owns_session:
            # Our own session gets an adapter that keeps per origin what requests would
            # otherwise work out again on every call (see okx_v5.transport).
            self.session.mount(self.domain + "/", Transport())
        proxies = {"http": self.proxy, "https": self.proxy} if self.proxy else {}
        settings = self.session.merge_environment_settings(self.domain, proxies, False, None, None)
        return {
            "verify": settings["verify"],
            "cert": settings["cert"],
            "proxies": settings["proxies"],
        }

    def _resolve_headers(self) -> dict[str, str]:
        headers = {str(k): str(v) for k, v in self.session.headers.items()}
        headers.update(
            {
                consts.USER_AGENT: f"okx_v5/{__version__} python-requests/{requests.__version__}",
                consts.CONTENT_TYPE: consts.APPLICATION_JSON,
                consts.ACCEPT: consts.APPLICATION_JSON,
                consts.SIMULATED_TRADING: self.flag,
            }
        )
        return headers


def _where(outcome: OkxException | OkxResponse[Any]) -> tuple[str, str]:
    return getattr(outcome, "method", ""), getattr(outcome, "path", "")


def _ensure_debug_output() -> None:
    # debug=True should show something even in a bare script or notebook, as python-okx does;
    # when the application configured logging itself, leave its configuration alone.
    logger.setLevel(logging.DEBUG)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
