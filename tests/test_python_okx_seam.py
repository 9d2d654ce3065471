"""python-okx's seam: every API method ends in ``_request_with_params`` or
``_request_without_params`` with python-okx's arguments, as python-okx's own do.

python-okx's unit tests, and the suites users copied from them, patch that seam
(``@patch.object(TradeAPI, "_request_with_params")``) and assert the exact call. Each of the
279 methods is called on python-okx's class and on okx_v5's with the seam patched: the calls
must be equal argument for argument, and nothing may reach the exchange.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest

from okx_v5 import consts as c
from okx_v5.Account import AccountAPI
from okx_v5.Convert import ConvertAPI
from okx_v5.endpoint import Endpoint
from okx_v5.endpoints import find, groups
from okx_v5.exceptions import OkxParamsException
from okx_v5.MarketData import MarketAPI
from okx_v5.models.market_data import Tier
from okx_v5.models.public_data import PositionTier, ServerTime
from okx_v5.okxclient import OkxClient
from okx_v5.PublicData import PublicAPI
from okx_v5.response import OkxResponse
from okx_v5.testing import FakeOKX
from okx_v5.Trade import TradeAPI

from .helpers import arguments, call, python_okx_methods

SEAMS = ("_request_with_params", "_request_without_params")

# Where okx_v5 sends something else on purpose (see the facts' notes): python-okx's params
# as okx_v5 hands them to the seam.
DIVERGENCES: dict[str, Callable[[Any], Any]] = {
    # python-okx misspells uly as ugly, which OKX ignores; okx_v5 sends uly
    "Account.get_instruments": lambda params: {
        ("uly" if key == "ugly" else key): value for key, value in params.items()
    },
}

CREDENTIALS = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
ALGO_ORDERS = [{"instId": "BTC-USDT", "algoId": "590000000000000001"}]


def seam_calls(client: Any, method: str, given: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The calls ``client.method(**given)`` makes of python-okx's seam, as
    ``(seam, *arguments)``, after checking that the method returns what the seam returned."""
    api = type(client)
    answers = {seam: object() for seam in SEAMS}
    with (
        mock.patch.object(api, SEAMS[0], return_value=answers[SEAMS[0]]) as with_params,
        mock.patch.object(api, SEAMS[1], return_value=answers[SEAMS[1]]) as without_params,
    ):
        result = call(client, method, given)
    calls = [(SEAMS[0], *each.args) for each in with_params.call_args_list]
    calls += [(SEAMS[1], *each.args) for each in without_params.call_args_list]
    assert all(not each.kwargs for each in with_params.call_args_list)
    assert all(not each.kwargs for each in without_params.call_args_list)
    assert len(calls) == 1
    assert result is answers[calls[0][0]]
    return calls


@pytest.mark.parametrize(("facts", "endpoint"), list(python_okx_methods()))
def test_okx_v5_calls_python_okx_s_seam_with_python_okx_s_arguments(
    facts: dict[str, Any],
    endpoint: dict[str, Any],
    exchange: FakeOKX,
    clients: Callable[[str, str], Any],
) -> None:
    given = arguments(endpoint)
    exchange.reset()
    theirs, ours = (
        seam_calls(clients(f"{package}.{facts['module']}", facts["class"]), endpoint["name"], given)
        for package in ("okx", "okx_v5")
    )
    fixed = DIVERGENCES.get(f"{facts['module']}.{endpoint['name']}")
    if fixed:
        theirs = [(seam, method, path, fixed(params)) for seam, method, path, params in theirs]
    assert ours == theirs
    assert exchange.requests == []


def test_a_mock_of_request_with_params_sees_the_call_and_nothing_is_sent(okx: FakeOKX) -> None:
    with (
        TradeAPI(*CREDENTIALS, flag="1", domain=okx.url) as api,
        mock.patch.object(TradeAPI, "_request_with_params") as mocked,
    ):
        mocked.return_value = {"code": "0", "msg": "", "data": []}
        result = api.cancel_algo_order(ALGO_ORDERS)
    mocked.assert_called_once_with(c.POST, c.CANCEL_ALGOS, ALGO_ORDERS)
    assert result == {"code": "0", "msg": "", "data": []}
    assert okx.requests == []


def test_a_mock_of_request_without_params_sees_the_call_and_nothing_is_sent(
    okx: FakeOKX,
) -> None:
    with (
        AccountAPI(*CREDENTIALS, flag="1", domain=okx.url) as api,
        mock.patch.object(AccountAPI, "_request_without_params") as mocked,
    ):
        mocked.return_value = {"code": "0", "msg": "", "data": []}
        result = api.get_account_config()
    mocked.assert_called_once_with(c.GET, c.ACCOUNT_CONFIG)
    assert result == {"code": "0", "msg": "", "data": []}
    assert okx.requests == []


@pytest.mark.parametrize(
    ("seam", "arguments", "params"),
    [
        ("_request_with_params", ({"instId": "BTC-USDT"},), {"instId": "BTC-USDT"}),
        ("_request_without_params", (), {}),
    ],
)
def test_both_seams_go_through_request_as_python_okx_s_do(
    seam: str, arguments: tuple[Any, ...], params: Any
) -> None:
    with OkxClient(*CREDENTIALS) as client, mock.patch.object(client, "_request") as mocked:
        mocked.return_value = {"code": "0"}
        result = getattr(client, seam)(c.GET, c.ACCOUNT_CONFIG, *arguments)
    mocked.assert_called_once_with(c.GET, c.ACCOUNT_CONFIG, params)
    assert result == {"code": "0"}


def test_validation_refuses_before_the_seam(okx: FakeOKX) -> None:
    with (
        ConvertAPI(*CREDENTIALS, flag="1", domain=okx.url) as api,
        mock.patch.object(ConvertAPI, "_request_with_params") as mocked,
        pytest.raises(OkxParamsException, match="sz is required"),
    ):
        api.convert_trade(quoteId="q1", baseCcy="BTC", quoteCcy="USDT", side="buy")
    mocked.assert_not_called()


def test_a_signed_endpoint_without_a_key_is_refused_before_the_seam(okx: FakeOKX) -> None:
    with (
        AccountAPI(flag="1", domain=okx.url) as api,
        mock.patch.object(AccountAPI, "_request_without_params") as mocked,
        pytest.raises(OkxParamsException, match="needs an API key"),
    ):
        api.get_account_config()
    mocked.assert_not_called()


def test_each_declaration_is_the_one_its_seam_call_finds() -> None:
    # The seam carries only method and path: the typed answer relies on their finding the
    # declaration of the method that was called, within its python-okx module.
    lost = [
        f"{module.MODULE}.{endpoint.name}"
        for module in groups()
        for endpoint in vars(module).values()
        if isinstance(endpoint, Endpoint)
        and find(endpoint.method, endpoint.path, module.MODULE) is not endpoint
    ]
    assert lost == []


@pytest.mark.parametrize(
    ("api", "model"),
    [(PublicAPI, PositionTier), (MarketAPI, Tier)],
    ids=["PublicAPI", "MarketAPI"],
)
def test_request_with_params_answers_with_the_declared_model_of_the_class(
    okx: FakeOKX, api: type[OkxClient], model: type[Any]
) -> None:
    # Both modules call GET /public/position-tiers; each answer keeps its own module's model.
    params = {"instType": "SWAP", "tdMode": "cross", "instFamily": "BTC-USDT"}
    with api(flag="1", domain=okx.url) as client:
        answer = client._request_with_params(c.GET, c.TIER, params)
    assert isinstance(answer, OkxResponse)
    assert answer.ok
    assert answer.model is model
    assert isinstance(answer.data[0], model)


def test_a_method_without_params_answers_with_its_model(okx: FakeOKX) -> None:
    with PublicAPI(flag="1", domain=okx.url) as api:
        answer = api.get_system_time()
    assert [request.path for request in okx.requests] == [c.SYSTEM_TIME]
    assert isinstance(answer, OkxResponse)
    assert isinstance(answer.data[0], ServerTime)
