"""``okx-v5`` with awkward input: no traceback for any of it, ``--timeout`` bounded, and
messages that show paths and URLs as they were to be sent."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okx_v5 import cli

ORDER = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "1"}
PLACE = ["trade", "place-order", "--yes", "--inst-id", "BTC-USDT", "--td-mode", "cash"]
PLACE += ["--side", "buy", "--ord-type", "market", "--sz", "1"]
# Loopback plain http: nothing listens on port 1, so nothing could leave even if sent.
NOWHERE = ["--domain", "http://127.0.0.1:1", "--max-retries", "0"]
KEY = {"OKX_API_KEY": "key", "OKX_API_SECRET": "secret", "OKX_PASSPHRASE": "passphrase"}


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in KEY.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("seconds", ["301", "1e308", "inf", "nan", "-1", "0"])
def test_a_timeout_that_is_not_a_sensible_number_of_seconds_is_a_usage_error(
    seconds: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--timeout", seconds, "--sandbox", "market-data", "ticker"]) == 2
    assert "argument --timeout:" in capsys.readouterr().err


def test_a_timeout_of_300_seconds_is_accepted() -> None:
    assert cli.main(["--timeout", "300", "--sandbox", "public-data", "system-time"]) == 0


def test_an_error_shows_the_query_string_as_it_was_to_be_sent(
    key: None, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--domain", "http://example.com", "account", "leverage"]
    assert cli.main([*argv, "--inst-id", "BTC-USDT", "--mgn-mode", "cross"]) == 2
    error = capsys.readouterr().err
    assert "/api/v5/account/leverage-info?instId=BTC-USDT&mgnMode=cross" in error
    assert "?--inst-id" not in error


def test_an_error_still_names_options_outside_paths(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--sandbox", "account", "leverage", "--mgn-mode", "cross"]) == 2
    assert "one of --inst-id, --ccy is required" in capsys.readouterr().err


@pytest.mark.parametrize("count", [21, 301])
def test_a_batch_over_okx_s_maximum_is_a_usage_error_without_traceback(
    count: int, key: None, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = json.dumps([ORDER] * count)
    argv = [*NOWHERE, "trade", "place-multiple-orders", "--yes", "--orders-data", orders]
    assert cli.main(argv) == 2
    error = capsys.readouterr().err
    assert f"--orders-data has {count} items; OKX takes at most 20" in error
    assert "Traceback" not in error


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[{"sz": NaN}]', "NaN is not a number OKX takes"),
        ('[{"sz": Infinity}]', "Infinity is not a number OKX takes"),
        ('[{"sz": 1e400}]', "1e400 is too large a number"),
        ('[{"sz": ' + "9" * 5000 + "}]", "not JSON (a number with too many digits)"),
        ("[" * 100_000 + "]" * 100_000, "not JSON (nested too deeply)"),
        ("[" * 40 + "]" * 40, "nests deeper than 32 levels"),
    ],
    ids=["nan", "infinity", "1e400", "5000-digits", "100000-deep", "40-deep"],
)
def test_an_awkward_json_value_is_a_short_usage_error(
    text: str, problem: str, key: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([*NOWHERE, *PLACE, "--attach-algo-ords", text]) == 2
    error = capsys.readouterr().err
    assert problem in error
    assert "Traceback" not in error
    assert len(error) < 1000


def test_an_unexpected_error_is_one_line_and_no_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("something inside broke")

    monkeypatch.setattr(cli, "_run", broken)
    assert cli.main(["--sandbox", "market-data", "ticker", "--inst-id", "BTC-USDT"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: unexpected ValueError: something inside broke")
    assert "Traceback" not in error


JSON_TEXT = st.one_of(
    st.text(max_size=30),
    st.recursive(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(allow_nan=False, allow_infinity=False),
            st.text(max_size=8),
        ),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=12,
    ).map(json.dumps),
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=JSON_TEXT, option=st.sampled_from(["--attach-algo-ords", "--sz", "--inst-id"]))
def test_no_option_value_gives_a_traceback(
    text: str, option: str, key: None, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = cli.main([*NOWHERE, *PLACE, option, text])
    assert exit_code in (1, 2)
    assert "Traceback" not in capsys.readouterr().err
