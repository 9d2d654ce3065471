"""Client construction, lifecycle, repr and logging — python-okx's constructor and attributes.

The checks of each constructor argument are in ``test_constructor_checks.py``."""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import pkgutil
import subprocess
import sys
import warnings
from typing import Any

import httpx
import okx
import pytest
import requests
import responses

import okx_v5
import okx_v5.Account as Account
import okx_v5.PublicData as PublicData
from okx_v5 import AccountAPI, OkxParamsException, PublicAPI
from okx_v5.endpoint import RateLimit
from okx_v5.okxclient import OkxClient
from okx_v5.testing import FakeOKX

from .helpers import DOMAIN, KEY, LEVERAGE_URL, PASSPHRASE, SECRET, TIERS_URL, CannedAdapter


def test_top_level_names_and_version() -> None:
    assert AccountAPI is Account.AccountAPI
    assert PublicAPI is PublicData.PublicAPI
    assert isinstance(okx_v5.__version__, str)
    assert issubclass(AccountAPI, OkxClient)


def test_reading_the_version_imports_no_other_module() -> None:
    code = (
        "import sys; before = set(sys.modules); import okx_v5; okx_v5.__version__; "
        "print(sorted(set(sys.modules) - before))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['okx_v5']"


def test_the_models_of_the_top_level_are_those_of_their_modules() -> None:
    assert okx_v5.LeverageInfo is importlib.import_module("okx_v5.models.account").LeverageInfo
    assert okx_v5.PositionTier is importlib.import_module("okx_v5.models.public_data").PositionTier


def test_python_okx_positional_order() -> None:
    api = AccountAPI(
        KEY, SECRET, PASSPHRASE, True, "0", "https://example.test/", True, "http://proxy:3128"
    )
    assert (api.API_KEY, api.use_server_time, api.flag, api.domain, api.debug, api.proxy) == (
        KEY,
        True,
        "0",
        "https://example.test",
        True,
        "http://proxy:3128",
    )
    canned = CannedAdapter()
    api.session.mount("https://", canned)
    api.get_leverage("cross", instId="BTC-USDT-SWAP")
    assert canned.options[0]["proxies"] == {
        "http": "http://proxy:3128",
        "https": "http://proxy:3128",
    }


def test_one_session_is_reused_and_closed_by_the_context_manager(
    tiers_ok: responses.RequestsMock,
) -> None:
    closed = []
    with PublicAPI() as api:
        session = api.session
        session.close = lambda: closed.append(True)  # type: ignore[method-assign]
        api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
        api.get_position_tiers("SWAP", "cross", instFamily="ETH-USDT")
        assert api.session is session
        assert isinstance(session, requests.Session)
        assert closed == []
    assert closed == [True]


def test_a_given_session_is_used_and_left_open(tiers_ok: responses.RequestsMock) -> None:
    session = requests.Session()
    session.headers["X-Trace"] = "abc"
    closed = []
    session.close = lambda: closed.append(True)  # type: ignore[method-assign]
    with PublicAPI(session=session) as api:
        api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert api.session is session
    assert closed == []
    assert tiers_ok.calls[0].request.headers["X-Trace"] == "abc"


def test_timeout_is_passed_to_every_request(tiers_ok: responses.RequestsMock) -> None:
    seen = []
    for api in (PublicAPI(), PublicAPI(timeout=2.5)):
        adapter = api.session.get_adapter(api.domain + "/")
        send = adapter.send  # responses' mock; spy on this client's adapter only

        def spy(request: requests.PreparedRequest, send: Any = send, **kwargs: Any) -> Any:
            seen.append(kwargs["timeout"])
            return send(request, **kwargs)

        adapter.send = spy
        api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert seen == [(5.0, 10.0), 2.5]


def test_from_env_reads_the_four_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKX_API_KEY", KEY)
    monkeypatch.setenv("OKX_API_SECRET", SECRET)
    monkeypatch.setenv("OKX_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("OKX_FLAG", "0")
    api = AccountAPI.from_env(timeout=3)
    assert (api.API_KEY, api.flag, api.timeout, api._has_credentials) == (KEY, "0", 3, True)


@pytest.mark.parametrize("unset", ["deleted", ""])
def test_from_env_without_variables_gives_a_demo_client_of_okx_without_key(
    monkeypatch: pytest.MonkeyPatch, unset: str
) -> None:
    for name in ("OKX_API_KEY", "OKX_API_SECRET", "OKX_PASSPHRASE", "OKX_FLAG", "OKX_DOMAIN"):
        if unset:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, "")  # set but empty counts as unset
    api = PublicAPI.from_env()
    assert (api.flag, api._has_credentials, api.domain) == ("1", False, "https://www.okx.com")


def test_from_env_points_at_the_domain_of_okx_domain(
    monkeypatch: pytest.MonkeyPatch, fake_okx: FakeOKX
) -> None:
    monkeypatch.setenv("OKX_DOMAIN", fake_okx.url)
    with PublicAPI.from_env() as api:
        assert api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT").ok
    assert len(fake_okx.requests) == 1


def test_repr_masks_the_key_and_hides_secrets() -> None:
    text = repr(AccountAPI(KEY, SECRET, PASSPHRASE, False, "1"))
    assert text == "AccountAPI(domain='https://www.okx.com', flag='1', api_key='a1b2…5555')"
    assert SECRET not in text
    assert PASSPHRASE not in text
    assert (
        repr(PublicAPI(flag=0)) == "PublicAPI(domain='https://www.okx.com', flag='0', api_key=None)"
    )
    assert "****" in repr(AccountAPI("short", SECRET, PASSPHRASE))


def test_debug_logs_requests_without_secrets(
    caplog: pytest.LogCaptureFixture, leverage_ok: responses.RequestsMock
) -> None:
    caplog.set_level(logging.DEBUG, logger="okx_v5")
    AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", debug=True).get_leverage(
        "cross", instId="BTC-USDT-SWAP"
    )
    text = caplog.text
    assert (
        "GET https://www.okx.com/api/v5/account/leverage-info?instId=BTC-USDT-SWAP&mgnMode=cross -> HTTP 200"
        in text
    )
    signature = leverage_ok.calls[0].request.headers["OK-ACCESS-SIGN"]
    for secret in (SECRET, PASSPHRASE, signature):
        assert secret not in text
    assert all(record.name == "okx_v5" for record in caplog.records)


def test_debug_adds_a_handler_only_when_logging_is_unconfigured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logger = logging.getLogger("okx_v5")
    root = logging.getLogger()
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    PublicAPI(debug=True)
    PublicAPI(debug=True)
    assert len(logger.handlers) == 1
    assert logger.level == logging.DEBUG
    root.handlers = [logging.NullHandler()]
    logger.handlers = []
    PublicAPI(debug=True)
    assert logger.handlers == []


def test_params_exception_is_a_value_error() -> None:
    assert issubclass(OkxParamsException, ValueError)
    assert issubclass(OkxParamsException, okx_v5.OkxException)


def test_importing_okx_v5_has_no_side_effects() -> None:
    import subprocess
    import sys

    code = (
        "import threading, socket; before = threading.active_count(); "
        "opened = []; orig = socket.socket.connect; "
        "socket.socket.connect = lambda *a: opened.append(a); "
        "import okx_v5, okx_v5.Account, okx_v5.PublicData; "
        "assert threading.active_count() == before and not opened; print('clean')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "clean"


def test_leverage_url_constant_matches_the_declaration() -> None:
    from okx_v5.endpoints.account import GET_LEVERAGE
    from okx_v5.endpoints.public_data import GET_POSITION_TIERS

    assert LEVERAGE_URL.endswith(GET_LEVERAGE.path)
    assert TIERS_URL.endswith(GET_POSITION_TIERS.path)
    assert GET_LEVERAGE.limits == (RateLimit(20, 2.0, "user"),)
    assert GET_POSITION_TIERS.limits == (RateLimit(10, 2.0, "ip"),)


def test_cattrs_is_imported_only_when_typed_data_is_asked_for() -> None:
    import subprocess
    import sys

    code = (
        "import sys, okx_v5, okx_v5.Account, okx_v5.PublicData; "
        "before = 'cattrs' in sys.modules; "
        "r = okx_v5.OkxResponse({'code': '0', 'data': [{'lever': '5'}]}, okx_v5.LeverageInfo); "
        "r.data; print(before, 'cattrs' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_an_adapter_mounted_after_construction_gets_the_calls() -> None:
    # As requests-mock and custom adapters expect: the client looks the adapter up per call.
    api = PublicAPI(domain="https://okx.invalid")
    canned = CannedAdapter()
    api.session.mount("https://okx.invalid/", canned)
    assert api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT").ok
    assert canned.urls == [
        "https://okx.invalid/api/v5/public/position-tiers?instType=SWAP&tdMode=cross&instFamily=BTC-USDT"
    ]


def test_importing_an_api_module_loads_no_http_stack_until_a_client_is_built() -> None:
    import subprocess
    import sys

    code = (
        "import sys, okx_v5.Account, okx_v5.Trade, okx_v5.Finance.Savings\n"
        "loaded = lambda: sorted({m.split('.')[0] for m in sys.modules} & {'requests', 'urllib3', 'cattrs'})\n"
        "print(loaded())\n"
        "okx_v5.Trade.TradeAPI()\n"
        "print(loaded())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[]", "['requests', 'urllib3']"]


# -- python-okx's attributes, compared with the installed python-okx 0.4.4 ------------------

PYTHON_OKX_CLASSES = [
    (module, name)
    for module in sorted(
        info.name
        for info in pkgutil.walk_packages(okx.__path__, "okx.")
        if not info.ispkg and info.name.split(".")[1][0].isupper()
    )
    for name, value in vars(importlib.import_module(module)).items()
    if inspect.isclass(value) and value.__module__ == module and name.endswith("API")
]


def python_okx_client(module: str, name: str, *args: object, **kwargs: object) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # its use_server_time warning
        return getattr(importlib.import_module(module), name)(*args, **kwargs)


def okx_v5_client(module: str, name: str, *args: object, **kwargs: object) -> Any:
    return getattr(importlib.import_module("okx_v5" + module[3:]), name)(*args, **kwargs)


@functools.cache
def attributes_python_okx_sets() -> list[str]:
    """The public attributes python-okx's OkxClient adds to those of its httpx.Client."""
    with httpx.Client() as bare:
        theirs = python_okx_client("okx.Account", "AccountAPI")
        added = set(vars(theirs)) - set(vars(bare))
        theirs.close()
    return sorted(name for name in added if not name.startswith("_"))


@pytest.mark.parametrize(("module", "name"), PYTHON_OKX_CLASSES)
def test_every_python_okx_class_is_a_top_level_name(module: str, name: str) -> None:
    home = importlib.import_module("okx_v5" + module[3:])
    assert getattr(okx_v5, name) is getattr(home, name)
    assert name in dir(okx_v5)
    assert name in okx_v5.__all__


def test_import_star_gives_every_top_level_name() -> None:
    names: dict[str, object] = {}
    exec("from okx_v5 import *", names)
    assert {name for _, name in PYTHON_OKX_CLASSES} | {"OkxResponse", "__version__"} <= set(names)
    assert set(okx_v5.__all__) <= set(dir(okx_v5))


def test_an_unknown_top_level_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'TradAPI'"):
        okx_v5.TradAPI  # noqa: B018


def test_importing_okx_v5_imports_no_api_module() -> None:
    import subprocess
    import sys

    code = (
        "import sys, okx_v5; names = dir(okx_v5); "
        "print(sorted(m for m in sys.modules if m.startswith('okx_v5.')), 'TradeAPI' in names)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] True"


def test_python_okx_sets_the_seven_attributes_compared_here() -> None:
    assert attributes_python_okx_sets() == [
        "API_KEY",
        "API_SECRET_KEY",
        "PASSPHRASE",
        "debug",
        "domain",
        "flag",
        "use_server_time",
    ]
    assert len(PYTHON_OKX_CLASSES) == 22


CONSTRUCTIONS: list[tuple[tuple[object, ...], dict[str, object]]] = [
    ((), {}),
    ((KEY, SECRET, PASSPHRASE, False, "0"), {}),
    ((KEY, SECRET, PASSPHRASE, None, "1", "https://aws.okx.com", True), {}),
    ((), {"api_key": KEY, "api_secret_key": SECRET, "passphrase": PASSPHRASE, "flag": "0"}),
    ((), {"domain": "https://eea.okx.com", "debug": False, "proxy": "http://proxy:3128"}),
]


def assert_same_attributes(module: str, name: str, *args: object, **kwargs: object) -> None:
    theirs = python_okx_client(module, name, *args, **kwargs)
    mine = okx_v5_client(module, name, *args, **kwargs)
    try:
        for attribute in attributes_python_okx_sets():
            assert getattr(mine, attribute) == getattr(theirs, attribute), attribute
            assert type(getattr(mine, attribute)) is type(getattr(theirs, attribute)), attribute
    finally:
        theirs.close()
        mine.close()


@pytest.mark.parametrize(("args", "kwargs"), CONSTRUCTIONS)
def test_python_okx_attributes_have_python_okx_values(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    assert_same_attributes("okx.Account", "AccountAPI", *args, **kwargs)


@pytest.mark.parametrize(("module", "name"), PYTHON_OKX_CLASSES)
def test_every_class_has_python_okx_attributes_and_defaults(module: str, name: str) -> None:
    assert_same_attributes(module, name)  # CopyTradingAPI's use_server_time defaults to False


@pytest.mark.parametrize(("module", "name"), PYTHON_OKX_CLASSES)
def test_no_class_shows_the_secret_or_passphrase_in_its_repr(module: str, name: str) -> None:
    with okx_v5_client(module, name, KEY, SECRET, PASSPHRASE, False, "0") as api:
        assert (api.API_SECRET_KEY, api.PASSPHRASE) == (SECRET, PASSPHRASE)
        assert SECRET not in repr(api)
        assert PASSPHRASE not in repr(api)


def test_a_secret_set_on_the_attribute_signs_the_next_request(fake_okx: FakeOKX) -> None:
    with AccountAPI(
        FakeOKX.DEMO_KEY, "not-the-secret", "not-the-passphrase", domain=fake_okx.url
    ) as api:
        api.API_SECRET_KEY = FakeOKX.DEMO_SECRET
        api.PASSPHRASE = FakeOKX.DEMO_PASSPHRASE
        assert api.get_leverage("cross", instId="BTC-USDT-SWAP").ok


def test_a_call_imports_the_declarations_of_its_own_module_only() -> None:
    # The seam looks the path up again (python-okx's _request takes a method and a path): in
    # the caller's module first, so the first call does not import every module's.
    code = (
        "import sys\n"
        "import okx_v5.PublicData as P\n"
        "api = P.PublicAPI(flag='0')\n"
        "api._send = lambda endpoint, params: endpoint\n"
        "found = api.get_position_tiers('SWAP', 'cross', instFamily='BTC-USDT')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('okx_v5._generated.endpoints.'))\n"
        "print(found.name, loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split(" ", 1) == [
        "get_position_tiers",
        "['okx_v5._generated.endpoints.public_data']\n",
    ]


def test_a_path_of_another_module_is_still_found_with_its_declaration(
    account: AccountAPI, mocked: responses.RequestsMock
) -> None:
    time_url = DOMAIN + "/api/v5/public/time"
    mocked.get(time_url, json={"code": "0", "msg": "", "data": [{"ts": "1597026383085"}]})
    answer = account._request("GET", "/api/v5/public/time", {})
    assert answer.model is not None
    assert answer.model.__name__ == "ServerTime"
