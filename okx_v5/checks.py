"""Checks of the client's constructor arguments, run once when a client is built (REST and
WebSocket), and the environment variables ``from_env()`` reads them from.

Each check returns the value the client keeps, or raises ``OkxParamsException`` naming the
argument, the value and what is allowed.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import socket
import threading
from collections.abc import Callable
from importlib.util import find_spec
from typing import TYPE_CHECKING, Literal, TypeVar, get_args
from urllib.parse import SplitResult, urlsplit

from . import consts
from .exceptions import OkxParamsException
from .redaction import redact_url, reveal

if TYPE_CHECKING:
    import requests

__all__ = [
    "DEFAULT_REGION",
    "ENVIRONMENT",
    "REGIONS",
    "Region",
    "check_auto_client_order_id",
    "check_budget",
    "check_credentials",
    "check_domain",
    "check_flag",
    "check_max_answer_bytes",
    "check_proxy",
    "check_rate_limit_host",
    "check_rate_limit_storage",
    "check_region",
    "check_retries",
    "check_session",
    "check_timeout",
    "check_validate",
    "env_region",
    "is_given",
    "is_plain_loopback_http",
    "is_plain_remote_http",
    "okx_domain",
    "redirect_domain",
    "region_domain",
    "warn_redirect",
]

logger = logging.getLogger("okx_v5")
T = TypeVar("T")

_NO_KEY = ("", "-1", None)
ENVIRONMENT = {
    "api_key": "OKX_API_KEY",
    "api_secret_key": "OKX_API_SECRET",
    "passphrase": "OKX_PASSPHRASE",
    "flag": "OKX_FLAG",
    "domain": "OKX_DOMAIN",
    "region": "OKX_REGION",
}
"""The environment variable ``from_env()`` (and ``okx-v5``) reads for each client argument."""
STORAGE_ENV = "OKX_RATE_LIMIT_STORAGE"
"""The environment variable read when a client is given no ``rate_limit_storage``."""
_IN_PROCESS = ("", "memory://")
_STORAGE_SCHEMES = ("redis", "rediss")
_STORAGE_ALLOWED = "redis://[:password@]host[:port][/db] or rediss://..., or memory://"
_API_PREFIX = "/api/v5"
_FLAGS = {"0": consts.LIVE_TRADING, "1": consts.DEMO_TRADING}


def is_given(credential: object) -> bool:
    """Whether a credential was passed (python-okx uses ``'-1'`` for "none")."""
    return reveal(credential) not in _NO_KEY


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
    """Return ``domain`` without a trailing slash if it is an http(s) base URL, or raise.

    A URL ending in ``/api/v5`` is refused with the URL to use: every path already starts
    with it, so each request would go to ``/api/v5/api/v5/...`` and answer 404. The error
    shows the URL without its password.
    """
    base = domain.strip().rstrip("/") if isinstance(domain, str) else ""
    shown = redact_url(domain) if isinstance(domain, str) else domain
    if base.endswith(_API_PREFIX) and _is_url(base, ("http", "https")):
        raise OkxParamsException(
            f"domain is {shown!r}; the base URL goes without {_API_PREFIX} (every path starts "
            f"with it): use {redact_url(base.removesuffix(_API_PREFIX))!r}",
            param="domain",
            value=shown,
            allowed=f"http:// or https:// URL without {_API_PREFIX}",
        )
    if base and _is_url(base, ("http", "https")):
        return base
    raise OkxParamsException(
        f"domain is {shown!r}; an http:// or https:// base URL is required",
        param="domain",
        value=shown,
        allowed="http:// or https:// URL",
    )


Region = Literal["global", "eea", "us"]
"""OKX's sites an API key belongs to: ``"global"`` (``www.okx.com``), ``"eea"`` (the European
Economic Area's) and ``"us"`` (the United States'). A key is known on its own site only."""
REGIONS: tuple[Region, ...] = get_args(Region)
"""The values ``region=`` takes, in that order."""
DEFAULT_REGION: Region = "global"
"""python-okx's site: its ``domain`` default, ``https://www.okx.com``."""


def check_region(region: object) -> Region:
    """Return ``region`` (``"global"``, ``"eea"`` or ``"us"``, in any case) in lower case, or
    raise."""
    name = region.strip().lower() if isinstance(region, str) else ""
    for known in REGIONS:
        if name == known:
            return known
    raise OkxParamsException(
        f"region is {region!r}; allowed values are 'global' (OKX's www.okx.com, the default), "
        "'eea' (OKX's site for the European Economic Area) and 'us' (OKX's US site): the site "
        "the API key was created on",
        param="region",
        value=region,
        allowed=", ".join(map(repr, REGIONS)),
    )


def env_region() -> Region | None:
    """The region ``OKX_REGION`` names (checked), or ``None`` when it is not set."""
    return _variable("region", check_region)


def _variable(name: str, check: Callable[[str], T], shown: Callable[[str], str] = str) -> T | None:
    """The value of the variable of the argument ``name`` (``ENVIRONMENT``), checked by
    ``check`` as the argument is, or ``None`` when it is not set; a refusal names the
    variable and shows the value as ``shown`` makes it."""
    variable = ENVIRONMENT[name]
    value = os.environ.get(variable, "").strip()
    if not value:
        return None
    try:
        return check(value)
    except OkxParamsException as problem:
        raise OkxParamsException(
            str(problem).replace(f"{name} is", f"{variable} is", 1),
            param=name,
            value=shown(value),
            allowed=problem.allowed,
        ) from None


def region_domain(region: Region) -> str:
    """The REST base URL of OKX's ``region`` (checked): the ``rest`` of its site in OKX's
    WebSocket facts (``okx_v5/facts/websocket.json``), where each site's hosts are kept with
    their sources. Demo trading uses the same URL (with the ``x-simulated-trading`` header)."""
    if region == DEFAULT_REGION:
        return consts.API_URL  # no need to load the WebSocket facts for python-okx's host
    from ._generated.channels import SITES  # generated from the facts; loaded on first use

    return next(site.rest for site in SITES if site.name == region)


def redirect_domain(domain: str, region: Region = DEFAULT_REGION) -> str:
    """The base URL a client given ``domain`` (already checked) and ``region`` talks to.

    A ``domain`` other than python-okx's default, ``https://www.okx.com``, is used as given:
    it wins over ``region`` and over ``OKX_DOMAIN``. Otherwise the URL is ``region``'s
    (``https://www.okx.com`` for ``"global"``), or ``OKX_DOMAIN`` in its place when the
    variable is set: the one switch that points every client (and ``okx-v5``) at another
    server, such as a local ``FakeOKX``, without changing the code. The first redirect to each
    URL logs a WARNING (see ``warn_redirect``)."""
    if domain != consts.API_URL:
        return domain
    default = region_domain(region)
    target = okx_domain()
    if target is None or target == default:
        return default
    warn_redirect(urlsplit(default).netloc, target)
    return target


_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


def warn_redirect(host: str, target: str) -> None:
    """Log at WARNING, once per process for each ``(host, target)``, that ``OKX_DOMAIN`` sends
    what was meant for OKX's ``host`` to the URL ``target``: a variable left exported must not
    send production code to a test server (or the reverse) unnoticed. Thread-safe."""
    with _warned_lock:
        if (host, target) in _warned:
            return
        _warned.add((host, target))
    logger.warning(
        "%s is set: what was meant for %s goes to %s",
        ENVIRONMENT["domain"],
        host,
        redact_url(target),
    )


def okx_domain() -> str | None:
    """The base URL ``OKX_DOMAIN`` holds (checked), or ``None`` when it is not set."""
    return _variable("domain", check_domain, redact_url)


def _is_url(text: str, schemes: tuple[str, ...]) -> bool:
    """Whether ``text`` is a URL with one of ``schemes``, a host, and no query or fragment."""
    if not text.isprintable() or any(char.isspace() for char in text):
        return False
    try:
        split = urlsplit(text)
        split.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return (
        split.scheme.lower() in schemes
        and bool(split.hostname)
        and not (split.query or split.fragment)
    )


_CREDENTIALS = ("api_key", "api_secret_key", "passphrase")


def check_credentials(api_key: object, api_secret_key: object, passphrase: object) -> None:
    """Refuse credentials that cannot be right, naming the argument but never showing it.

    A value read from a file or pasted from a web page often keeps a newline or a space; sent
    as it is, it fails with a confusing OKX error (or a header error that quotes it).
    """
    for name, value in zip(_CREDENTIALS, (api_key, api_secret_key, passphrase), strict=True):
        if not is_given(value):
            continue
        problem = _credential_problem(value)
        if problem:
            raise OkxParamsException(
                f"{name} {problem}; pass it exactly as OKX showed it",
                param=name,
                allowed="a string without surrounding whitespace or control characters",
            )


def _credential_problem(value: object) -> str:
    value = reveal(value)  # this frame has returned before anything is raised
    if not isinstance(value, str):
        return f"is a {type(value).__name__}, not a string"
    if value != value.strip():
        return "has whitespace at its start or end"
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return "contains a control character"
    try:
        value.encode("latin-1")  # it goes into an HTTP header
    except UnicodeEncodeError:
        return "contains a character that cannot be sent in an HTTP header"
    return ""


def check_validate(validate: object) -> bool | Literal["strict"]:
    """Return ``validate`` if it is ``True``, ``False`` or ``"strict"``, or raise."""
    if validate is True or validate is False or validate == "strict":
        return validate
    raise OkxParamsException(
        f"validate is {validate!r}; allowed values are True (the default), 'strict' and False",
        param="validate",
        value=validate,
        allowed="True, 'strict', False",
    )


def check_auto_client_order_id(auto_client_order_id: object) -> bool:
    """Return ``auto_client_order_id`` if it is ``True`` or ``False``, or raise."""
    if auto_client_order_id is True or auto_client_order_id is False:
        return auto_client_order_id
    raise OkxParamsException(
        f"auto_client_order_id is {auto_client_order_id!r}; allowed values are True and False",
        param="auto_client_order_id",
        value=auto_client_order_id,
        allowed="True, False",
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


def check_timeout(timeout: object) -> float | tuple[float, float]:
    """Return ``timeout`` if it is a positive number of seconds or a ``(connect, read)`` pair."""
    if _is_seconds(timeout):
        return float(timeout)  # type: ignore[arg-type]
    if isinstance(timeout, tuple) and len(timeout) == 2 and all(map(_is_seconds, timeout)):
        return float(timeout[0]), float(timeout[1])
    raise OkxParamsException(
        f"timeout is {timeout!r}; a positive number of seconds or a (connect, read) pair of "
        "them is required",
        param="timeout",
        value=timeout,
        allowed="seconds > 0, or (connect, read)",
    )


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_seconds(value: object) -> bool:
    return _is_number(value) and value > 0  # type: ignore[operator]


def check_budget(retry_budget: object) -> float:
    """Return ``retry_budget`` if it is a finite number of seconds > 0, or raise: it is the
    call's deadline, and a call with no time at all could never be sent (``max_retries=0``
    is the way to turn retries off)."""
    if _is_seconds(retry_budget):
        return float(retry_budget)  # type: ignore[arg-type]
    raise OkxParamsException(
        f"retry_budget is {retry_budget!r}; a number of seconds > 0 is required (it is each "
        "call's deadline; max_retries=0 turns retries off)",
        param="retry_budget",
        value=retry_budget,
        allowed="seconds > 0",
    )


MIN_ANSWER_BYTES = 1024
"""The smallest ``max_answer_bytes``: below it even OKX's error answers could be refused."""


def check_max_answer_bytes(max_answer_bytes: object) -> int:
    """Return ``max_answer_bytes`` if it is a whole number of bytes >= 1024, or raise."""
    if (
        isinstance(max_answer_bytes, int)
        and not isinstance(max_answer_bytes, bool)
        and max_answer_bytes >= MIN_ANSWER_BYTES
    ):
        return max_answer_bytes
    raise OkxParamsException(
        f"max_answer_bytes is {max_answer_bytes!r}; a whole number of bytes >= "
        f"{MIN_ANSWER_BYTES} is required",
        param="max_answer_bytes",
        value=max_answer_bytes,
        allowed=f"{MIN_ANSWER_BYTES}, 1025, ... (bytes)",
    )


_PROXY_SCHEMES = ("http", "https", "socks4", "socks4a", "socks5", "socks5h")


def check_proxy(proxy: object) -> str | None:
    """Return ``proxy`` if it is ``None`` or a proxy URL, or raise (without its password)."""
    if proxy is None or proxy == "":
        return None
    if isinstance(proxy, str) and _is_url(proxy, _PROXY_SCHEMES):
        return proxy
    shown = redact_url(proxy) if isinstance(proxy, str) else proxy
    raise OkxParamsException(
        f"proxy is {shown!r}; a proxy URL such as http://host:port is required",
        param="proxy",
        allowed="a URL with scheme " + ", ".join(_PROXY_SCHEMES),
    )


def check_session(session: object) -> requests.Session | None:
    """Return ``session`` if it is ``None`` or a ``requests.Session``, or raise."""
    import requests  # only a client given a session needs requests to check it

    if session is None or isinstance(session, requests.Session):
        return session
    raise OkxParamsException(
        f"session is a {type(session).__name__}; a requests.Session is required",
        param="session",
        allowed="requests.Session or None",
    )


def is_plain_remote_http(domain: str) -> bool:
    """Whether ``domain`` is plain ``http://`` to a host that is not loopback."""
    split = urlsplit(domain)
    return split.scheme == "http" and not _is_loopback(split.hostname or "")


def is_plain_loopback_http(domain: str) -> bool:
    """Whether ``domain`` is plain ``http://`` to a loopback host (a local test server)."""
    split = urlsplit(domain)
    return split.scheme == "http" and _is_loopback(split.hostname or "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_rate_limit_storage(storage: object) -> str | None:
    """Return the Redis URL limits are shared through, or ``None`` for in-process limits.

    ``storage`` ``None`` means "not given": ``STORAGE_ENV`` is read instead. ``""`` and
    ``"memory://"`` ask for in-process limits. Anything else must be a ``redis://`` or
    ``rediss://`` URL, and the ``redis`` extra must be installed.
    """
    name = "rate_limit_storage"
    if storage is None:
        name, storage = STORAGE_ENV, os.environ.get(STORAGE_ENV, "")
    if storage in _IN_PROCESS:
        return None
    shown = redact_url(storage) if isinstance(storage, str) else storage
    problem = _storage_problem(storage)
    if problem:
        raise OkxParamsException(
            f"{name} is {shown!r}: {problem}; expected {_STORAGE_ALLOWED}",
            param=name,
            value=shown,
            allowed=_STORAGE_ALLOWED,
        )
    if find_spec("redis") is None or find_spec("pyrate_limiter") is None:
        raise OkxParamsException(
            f"{name} is {shown!r}, but sharing rate limits through Redis needs the redis "
            "extra, installed from your checkout of okx_v5 (it is not on PyPI): "
            "pip install '/path/to/okx_v5[redis]'",
            param=name,
            value=shown,
            allowed=_STORAGE_ALLOWED,
        )
    assert isinstance(storage, str)
    import redis  # the extra is installed (checked above); only a shared limit needs it

    try:
        # redis-py reads the URL's query options (timeouts, TLS files...) itself; a pool built
        # from the URL (it connects on first use, and is dropped here) reports a bad one now,
        # not mid-trade.
        redis.ConnectionPool.from_url(storage)
    except ValueError as exc:
        password = urlsplit(storage).password
        reason = str(exc).replace(password, "***") if password else str(exc)
        raise OkxParamsException(
            f"{name} is {shown!r}: {reason}", param=name, value=shown, allowed=_STORAGE_ALLOWED
        ) from None
    return storage


def _storage_problem(storage: object) -> str:
    if not isinstance(storage, str):
        return "not a string"
    try:
        split: SplitResult = urlsplit(storage)
        split.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "not a URL with a valid port"
    if split.scheme not in _STORAGE_SCHEMES:
        return "the scheme must be redis or rediss"
    if not split.hostname:
        return "no host"
    db = split.path[1:]
    if db and not (db.isascii() and db.isdecimal()):
        return "the database must be a number, as in redis://host:6379/0"
    return ""


def check_rate_limit_host(host: object) -> str:
    """Return the name IP rules are counted under: ``host``, or this machine's name if ``None``."""
    if host is None:
        return socket.gethostname()
    if isinstance(host, str) and host.strip():
        return host.strip()
    raise OkxParamsException(
        f"rate_limit_host is {host!r}; a non-empty name of the machine is required",
        param="rate_limit_host",
        value=host,
        allowed="a non-empty string",
    )
