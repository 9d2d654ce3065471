"""The validation policy: refuse before sending only what OKX certainly refuses; a value
outside OKX's documented values is sent, with one warning; "strict" and False on the client or
the call."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

import okx_v5.Account as Account
from okx_v5.cli import EXIT_FAILURE, EXIT_USAGE, main
from okx_v5.exceptions import OkxParamsException
from okx_v5.params import Choice, Param, build
from okx_v5.testing import FakeOKX
from okx_v5.Trade import TradeAPI
from okx_v5.TradingData import TradingDataAPI

from .helpers import KEY, LEVERAGE_URL, PASSPHRASE, SECRET, warnings_of

EMPTY = {"code": "0", "msg": "", "data": []}


def sent(mocked: responses.RequestsMock) -> dict[str, list[str]]:
    return parse_qs(urlsplit(mocked.calls[-1].request.url).query)


@pytest.fixture
def leverage(mocked: responses.RequestsMock) -> responses.RequestsMock:
    mocked.get(LEVERAGE_URL, json=EMPTY)
    return mocked


def client(**options: object) -> Account.AccountAPI:
    return Account.AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", **options)  # type: ignore[arg-type]


def test_a_value_okx_does_not_document_is_sent_with_one_warning(
    leverage: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    with client() as api, caplog.at_level(logging.WARNING, logger="okx_v5"):
        api.get_leverage("portfolio-x", instId="BTC-USDT-SWAP")
        api.get_leverage("portfolio-x", instId="ETH-USDT-SWAP")
        api.get_leverage("portfolio-y", instId="ETH-USDT-SWAP")
    assert sent(leverage)["mgnMode"] == ["portfolio-y"]
    assert len(leverage.calls) == 3
    (first, second) = warnings_of(caplog)
    assert first == (
        "get_leverage: mgnMode 'portfolio-x' is not a value OKX documents (allowed values are "
        "cross, isolated); sent as given, for OKX to accept or refuse"
    )
    assert "'portfolio-y'" in second


def test_documented_values_are_still_sent_in_okx_spelling_without_a_warning(
    leverage: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    with client() as api, caplog.at_level(logging.WARNING, logger="okx_v5"):
        api.get_leverage("CROSS", instId="BTC-USDT-SWAP")
    assert sent(leverage)["mgnMode"] == ["cross"]
    assert warnings_of(caplog) == []


def test_what_okx_certainly_refuses_is_still_refused_by_default(
    leverage: responses.RequestsMock,
) -> None:
    with client() as api:
        with pytest.raises(OkxParamsException, match="at most 20"):
            api.get_leverage("cross", instId=[f"C{n}-USDT" for n in range(21)])
        with pytest.raises(OkxParamsException, match="mgnMode is required"):
            api.get_leverage("", instId="BTC-USDT-SWAP")
        with pytest.raises(OkxParamsException, match="one of instId, ccy is required"):
            api.get_leverage("cross")
    assert len(leverage.calls) == 0


def test_a_strict_client_refuses_undocumented_values_and_a_call_can_say_otherwise(
    leverage: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    with client(validate="strict") as api:
        assert api.validate == "strict"
        with pytest.raises(OkxParamsException, match="validation is strict") as refused:
            api.get_leverage("portfolio-z", instId="BTC-USDT-SWAP")
        assert refused.value.allowed == "allowed values are cross, isolated"
        assert len(leverage.calls) == 0
        with caplog.at_level(logging.WARNING, logger="okx_v5"):
            api.get_leverage("portfolio-z", instId="BTC-USDT-SWAP", validate=True)
        assert sent(leverage)["mgnMode"] == ["portfolio-z"]
        assert len(warnings_of(caplog)) == 1


def test_a_call_can_be_strict_on_a_default_client(leverage: responses.RequestsMock) -> None:
    with client() as api, pytest.raises(OkxParamsException):
        api.get_leverage("portfolio-w", instId="BTC-USDT-SWAP", validate="strict")
    assert len(leverage.calls) == 0


def test_validate_false_refuses_nothing_and_still_joins_lists(
    leverage: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    ids = [f"C{n}-USDT" for n in range(21)]
    with client(validate=False) as api, caplog.at_level(logging.WARNING, logger="okx_v5"):
        api.get_leverage("what-ever", instId=ids)
    assert sent(leverage) == {"instId": [",".join(ids)], "mgnMode": ["what-ever"]}
    assert warnings_of(caplog) == []


@pytest.mark.parametrize("level", [True, "strict", False])
def test_a_nan_is_never_sent(okx: FakeOKX, level: object) -> None:
    demo = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "1", okx.url)
    with TradeAPI(*demo, validate=level) as api:  # type: ignore[arg-type]
        with pytest.raises(OkxParamsException, match="not a finite number"):
            api.place_order("BTC-USDT", "cash", "buy", "market", float("nan"))
        with pytest.raises(OkxParamsException):
            api.place_multiple_orders([{"instId": "BTC-USDT", "sz": float("inf")}])
    assert okx.requests == []


def test_several_documented_values_comma_joined_where_okx_takes_several() -> None:
    several = Param("ordType", rule=Choice(("limit", "market", "post_only"), multiple=True))
    one = Param("ordType", rule=Choice(("limit", "market", "post_only")))
    given = {"ordType": "LIMIT, market"}
    assert build("m", [several], [], given) == {"ordType": "limit,market"}
    assert build("m", [one], [], given) == given  # sent as given, with a warning
    with pytest.raises(OkxParamsException):
        build("m", [one], [], given, validate="strict")
    with pytest.raises(OkxParamsException):
        build("m", [several], [], {"ordType": "limit,twap"}, validate="strict")


def test_python_okx_calls_okx_would_answer_are_sent(okx: FakeOKX) -> None:
    """python-okx sends these; OKX, not okx_v5, says what it thinks of them."""
    with TradingDataAPI(domain=okx.url) as api:
        answer = api.get_taker_volume("BTC", "SWAP")
    assert okx.requests[-1].path.startswith("/api/v5/rubik/stat/taker-volume?")
    assert "instType=SWAP" in okx.requests[-1].path
    assert answer.code  # whatever OKX (here the sandbox) answers


@pytest.mark.parametrize(
    ("level", "code"), [("strict", EXIT_USAGE), ("on", EXIT_FAILURE), ("off", EXIT_FAILURE)]
)
def test_the_command_line_takes_the_level(
    level: str, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--sandbox", "--validate", level, "public-data", "position-tiers",
            "--inst-type", "SPOT", "--td-mode", "cross", "--inst-family", "BTC-USDT"]  # fmt: skip
    assert main(argv) == code
    err = capsys.readouterr().err
    assert ("--inst-type is 'SPOT'" in err) == (level == "strict")
