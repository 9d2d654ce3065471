"""No failure shows a secret: not in an exception, a traceback, a log line or the output.

Every way a call can fail is driven with ``debug=True`` against the local fake exchange: each
fault it can inject, OKX's authentication errors, bad input, timeouts and a server that is
gone. Each exception's ``str``, ``repr``, formatted traceback (chained causes included) and
attributes, every log line and everything printed are searched for the API secret, the
passphrase and every signature that was sent.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from okx_v5 import AccountAPI, OkxException, OkxParamsException
from okx_v5.models.sub_account import CreateSubaccountApikey
from okx_v5.testing import FakeOKX

KEY = "secrets-test-key-0001"
SECRET = "Very-Secret-9F3A7C1E5B"
PASSPHRASE = "Pass-Phrase-4D2B"

Call = Callable[[AccountAPI], Any]


def leverage(api: AccountAPI) -> Any:
    return api.get_leverage("cross", instId="BTC-USDT-SWAP").raise_for_code()


@pytest.fixture
def okx() -> Iterator[FakeOKX]:
    with FakeOKX() as server:
        server.add_key(KEY, SECRET, PASSPHRASE, demo=True)
        yield server


def client(okx: FakeOKX, **kwargs: Any) -> AccountAPI:
    settings: dict[str, Any] = {"debug": True, "max_retries": 1, "timeout": 0.3, **kwargs}
    credentials = (settings.pop("key", KEY), SECRET, settings.pop("passphrase", PASSPHRASE))
    api = AccountAPI(*credentials, False, settings.pop("flag", "1"), okx.url, **settings)
    api.retry_policy = attrs.evolve(api.retry_policy, sleep=lambda seconds: None)
    return api


def shown(failure: BaseException) -> list[str]:
    """Every text a user or a log could get from ``failure``."""
    texts = [str(failure), repr(failure), "".join(traceback.format_exception(failure))]
    cause: BaseException | None = failure
    while cause is not None:
        texts += [str(cause), repr(cause), repr(vars(cause))]
        cause = cause.__cause__ or cause.__context__
    return texts


def assert_nothing_secret(texts: list[str], okx: FakeOKX) -> None:
    signatures = [r.header("OK-ACCESS-SIGN") for r in okx.requests if r.header("OK-ACCESS-SIGN")]
    for text in texts:
        for secret in (SECRET, PASSPHRASE, *signatures):
            assert secret not in text, f"a secret was shown in: {text[:300]}"  # type: ignore[operator]


FAULTS = [
    pytest.param({"kind": "http_5xx", "count": 2}, id="http-502"),
    pytest.param({"kind": "50001", "count": 2}, id="okx-50001"),
    pytest.param({"kind": "truncated", "count": 2}, id="truncated"),
    pytest.param({"kind": "empty", "count": 2}, id="empty"),
    pytest.param({"kind": "drop", "count": 2}, id="drop"),
    pytest.param({"kind": "delay", "count": 2, "seconds": 1.0}, id="timeout"),
]


@pytest.mark.parametrize("fault", FAULTS)
def test_no_secret_shows_when_the_exchange_misbehaves(
    fault: dict[str, Any],
    okx: FakeOKX,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    okx.inject(**fault)
    with client(okx) as api, pytest.raises(OkxException) as info:
        leverage(api)
    assert okx.requests  # sent (and sent again when retryable): every signature is searched for
    out, err = capsys.readouterr()
    assert_nothing_secret([*shown(info.value), caplog.text, out, err], okx)


def test_no_secret_shows_in_pytest_s_long_traceback_of_a_call_that_timed_out(
    okx: FakeOKX, tmp_path: Path
) -> None:
    # pytest's --tb=long shows the arguments of every frame: urllib3's hold the headers.
    okx.inject("delay", count=1, seconds=1.0)
    user_test = tmp_path / "test_user.py"
    user_test.write_text(
        "from okx_v5 import AccountAPI\n"
        "def test_leverage():\n"
        "    api = AccountAPI.from_env(max_retries=0, timeout=0.3)\n"
        "    api.get_leverage('cross', instId='BTC-USDT-SWAP')\n"
    )
    credentials = {"OKX_API_KEY": KEY, "OKX_API_SECRET": SECRET, "OKX_PASSPHRASE": PASSPHRASE}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--tb=long", "-p", "no:cacheprovider", "-p", "no:okx_v5",
         "-p", "no:randomly", str(user_test)],
        capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False,
        env={**os.environ, **okx.environment(), **credentials},
    )  # fmt: skip
    assert "OkxRequestException" in run.stdout  # the call failed, and its traceback is shown
    assert "'OK-ACCESS-PASSPHRASE': '***'" in run.stdout  # with the frames that hold the headers
    assert_nothing_secret([run.stdout, run.stderr], okx)


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({"passphrase": "Wrong-Passphrase"}, id="okx-50105-passphrase"),
        pytest.param({"key": "unknown-key"}, id="okx-50111-key"),
        pytest.param({"flag": "0"}, id="okx-50101-environment"),
    ],
)
def test_no_secret_shows_when_okx_refuses_the_credentials(
    settings: dict[str, Any],
    okx: FakeOKX,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    with client(okx, **settings) as api, pytest.raises(OkxException) as info:
        leverage(api)
    out, err = capsys.readouterr()
    assert_nothing_secret([*shown(info.value), caplog.text, out, err], okx)


def test_no_secret_shows_when_the_clock_is_off_and_the_resync_fails(
    okx: FakeOKX, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    okx.clock_offset = 120.0
    okx.inject("drop", path="/api/v5/public/time")
    with client(okx) as api, pytest.raises(OkxException, match="50102") as info:
        leverage(api)
    assert_nothing_secret([*shown(info.value), caplog.text], okx)


def test_no_secret_shows_when_the_server_is_gone(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeOKX() as okx:
        okx.add_key(KEY, SECRET, PASSPHRASE)
        api = client(okx)
    with api, pytest.raises(OkxException, match="request failed") as info:
        leverage(api)
    assert_nothing_secret([*shown(info.value), caplog.text], okx)


def test_no_secret_shows_on_bad_input(okx: FakeOKX, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with client(okx) as api, pytest.raises(OkxParamsException) as info:
        api.get_leverage("sideways", instId="BTC-USDT-SWAP", validate="strict")
    assert okx.requests == []
    assert_nothing_secret([*shown(info.value), caplog.text], okx)


@pytest.mark.parametrize(
    ("field", "position", "bad"),
    [
        ("api_key", 0, KEY + "\n"),
        ("api_key", 0, " " + KEY),
        ("api_secret_key", 1, SECRET + "\n"),
        ("api_secret_key", 1, SECRET[:5] + "\t" + SECRET[5:]),
        ("passphrase", 2, PASSPHRASE + "\n"),
        ("passphrase", 2, PASSPHRASE + "\r\n"),
        ("passphrase", 2, PASSPHRASE[:3] + "\x00" + PASSPHRASE[3:]),
        ("passphrase", 2, PASSPHRASE + "€"),
        ("passphrase", 2, 12345678),
    ],
)
def test_a_credential_that_cannot_be_right_is_refused_at_construction_without_showing_it(
    field: str, position: int, bad: object, okx: FakeOKX, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    credentials: list[object] = [KEY, SECRET, PASSPHRASE]
    credentials[position] = bad
    with pytest.raises(OkxParamsException, match=f"^{field} ") as info:
        AccountAPI(*credentials, False, "1", okx.url, True)  # type: ignore[arg-type]
    assert info.value.param == field
    assert info.value.value is None
    texts = [*shown(info.value), caplog.text]
    assert all(str(bad).strip() not in text for text in texts)
    assert okx.requests == []


def test_a_new_sub_account_key_s_secret_and_passphrase_never_show_in_the_answer_s_repr() -> None:
    item = CreateSubaccountApikey(api_key=KEY, secret_key=SECRET, passphrase=PASSPHRASE)
    assert SECRET not in repr(item)
    assert PASSPHRASE not in repr(item)
    assert item.secret_key == SECRET
