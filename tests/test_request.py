"""The escape hatch for OKX's moving API: ``OkxClient.request`` for any path, and ``extra=``
parameters added to a declared endpoint's, both signed, limited, retried and refused as the
declared calls are."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from unittest.mock import patch

import attrs
import pytest
import requests
import responses

from okx_v5 import OkxParamsException, ratelimit
from okx_v5.Account import AccountAPI
from okx_v5.endpoint import RateLimit
from okx_v5.endpoints.account import GET_ACCOUNT_CONFIG, GET_LEVERAGE
from okx_v5.endpoints.grid import GRID_STOP_ORDER_ALGO
from okx_v5.endpoints.trade import PLACE_MULTIPLE_ORDERS, PLACE_ORDER
from okx_v5.exceptions import (
    OkxAPIException,
    OkxResponseException,
    OkxServerException,
    OkxTimeoutException,
)
from okx_v5.okxclient import DEFAULT_LIMIT, OkxClient
from okx_v5.testing import FakeOKX
from okx_v5.Trade import TradeAPI

from .conftest import without_sleeping
from .helpers import DOMAIN, KEY, PASSPHRASE, SECRET, independent_sign

NEW_PATH = "/api/v5/account/some-new-endpoint"
"""A path okx_v5 declares nothing for: what OKX added after this release."""
OK: dict[str, Any] = {"code": "0", "msg": "", "data": [{"someField": "1"}]}
ORDER = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "1"}


@pytest.fixture
def client(sleeps: list[float]) -> Iterator[OkxClient]:
    """A client with a key, its retry waits recorded in ``sleeps`` instead of slept."""
    with OkxClient(KEY, SECRET, PASSPHRASE, False, "0") as api:
        yield without_sleeping(api, sleeps)


@pytest.fixture
def anonymous(sleeps: list[float]) -> Iterator[OkxClient]:
    with OkxClient(flag="0") as api:
        yield without_sleeping(api, sleeps)


def signature_is_independently_right(sent: requests.PreparedRequest) -> bool:
    """Whether ``sent`` carries OKX's signature of its own timestamp, method, path and body."""
    body = sent.body.decode() if isinstance(sent.body, bytes) else (sent.body or "")
    stamp = sent.headers["OK-ACCESS-TIMESTAMP"]
    expected = independent_sign(SECRET, stamp + str(sent.method) + str(sent.path_url) + body)
    return bool(sent.headers["OK-ACCESS-SIGN"] == expected)


class Asked(ratelimit.LimiterRegistry):
    """The in-process registry, recording which limiter each call asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, str, int, float]] = []

    def get(self, scope_key: str, path: str, requests: int, seconds: float) -> Any:
        self.asked.append((scope_key, path, requests, seconds))
        return super().get(scope_key, path, requests, seconds)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Asked:
    registry = Asked()
    monkeypatch.setattr(ratelimit, "registry", registry)
    return registry


class StillClock:
    """A clock that moves only when told; a sleep records its wait instead."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


# -- request(): signing ----------------------------------------------------------------------


def test_request_get_signs_the_path_with_the_query_it_sends(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.get(DOMAIN + NEW_PATH, json=OK)
    client.request("GET", NEW_PATH, params={"ccy": "BTC,ETH", "note": "a b"})
    sent = mocked.calls[0].request
    assert sent.path_url == NEW_PATH + "?ccy=BTC,ETH&note=a%20b"
    assert signature_is_independently_right(sent)


def test_request_post_signs_the_json_body_it_sends(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(DOMAIN + NEW_PATH, json=OK)
    client.request("POST", NEW_PATH, {"instId": "BTC-USDT", "sz": 1})
    sent = mocked.calls[0].request
    assert json.loads(sent.body or b"") == {"instId": "BTC-USDT", "sz": 1}
    assert signature_is_independently_right(sent)


def test_request_post_sends_a_list_of_objects_as_the_body(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(DOMAIN + NEW_PATH, json=OK)
    client.request("POST", NEW_PATH, [{"a": "1"}, {"a": "2"}])
    sent = mocked.calls[0].request
    assert json.loads(sent.body or b"") == [{"a": "1"}, {"a": "2"}]
    assert signature_is_independently_right(sent)


def test_request_is_accepted_by_an_exchange_that_checks_signatures() -> None:
    demo = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
    with FakeOKX() as okx, OkxClient(*demo, False, "1", okx.url) as api:
        answer = api.request("GET", "/api/v5/account/balance", {"ccy": "USDT"})
    assert answer.ok, answer.msg
    assert okx.requests[0].header("OK-ACCESS-SIGN")


def test_request_without_a_key_is_sent_unsigned(
    anonymous: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.get(DOMAIN + "/api/v5/public/some-new-list", json=OK)
    anonymous.request("GET", "/api/v5/public/some-new-list")
    assert "OK-ACCESS-SIGN" not in mocked.calls[0].request.headers


def test_request_signed_false_is_not_signed_even_with_a_key(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.get(DOMAIN + "/api/v5/public/some-new-list", json=OK)
    client.request("GET", "/api/v5/public/some-new-list", signed=False)
    assert "OK-ACCESS-SIGN" not in mocked.calls[0].request.headers


def test_request_to_a_declared_path_gives_its_typed_data(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    answer = {"code": "0", "msg": "", "data": [{"instId": "BTC-USDT", "lever": "5"}]}
    mocked.get(DOMAIN + GET_LEVERAGE.path, json=answer)
    result = client.request("GET", GET_LEVERAGE.path, {"instId": "BTC-USDT", "mgnMode": "cross"})
    assert result.data[0].lever == 5


def test_request_with_a_declaration_still_sends_its_payload_unchecked(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.get(DOMAIN + GET_LEVERAGE.path, json=OK)
    client.request(GET_LEVERAGE, {"mgnMode": "not-a-mode"})
    assert mocked.calls[0].request.path_url == GET_LEVERAGE.path + "?mgnMode=not-a-mode"


# -- request(): retries ----------------------------------------------------------------------


def test_request_get_is_retried_after_a_5xx(
    client: OkxClient, mocked: responses.RequestsMock, sleeps: list[float]
) -> None:
    mocked.get(DOMAIN + NEW_PATH, body="<html>Bad Gateway</html>", status=502)
    mocked.get(DOMAIN + NEW_PATH, json=OK)
    assert client.request("GET", NEW_PATH).attempts == 2
    assert len(sleeps) == 1


def test_request_get_is_retried_after_a_timeout(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.get(DOMAIN + NEW_PATH, body=requests.ReadTimeout("no answer"))
    mocked.get(DOMAIN + NEW_PATH, json=OK)
    assert client.request("GET", NEW_PATH).attempts == 2


def test_request_post_is_not_retried_after_a_5xx(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(DOMAIN + NEW_PATH, json={"code": "50001", "msg": "busy", "data": []}, status=503)
    assert client.request("POST", NEW_PATH, {"a": "1"}).attempts == 1
    assert len(mocked.calls) == 1


def test_request_post_that_may_have_arrived_is_not_sent_again(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(DOMAIN + NEW_PATH, body=requests.ReadTimeout("no answer"))
    with pytest.raises(OkxTimeoutException) as info:
        client.request("POST", NEW_PATH, {"a": "1"})
    assert (info.value.sent, info.value.attempts, len(mocked.calls)) == (True, 1, 1)


# -- request(): rate limits ------------------------------------------------------------------


def test_request_to_an_undeclared_path_takes_the_default_bucket_per_key(
    client: OkxClient, mocked: responses.RequestsMock, asked: Asked
) -> None:
    mocked.get(DOMAIN + NEW_PATH, json=OK)
    client.request("GET", NEW_PATH)
    name = ratelimit.limit_name(NEW_PATH, DEFAULT_LIMIT.requests, DEFAULT_LIMIT.seconds)
    assert asked.asked == [("user:" + KEY, name, 5, 2.0)]


def test_an_unsigned_request_takes_the_default_bucket_per_ip(
    anonymous: OkxClient, mocked: responses.RequestsMock, asked: Asked
) -> None:
    mocked.get(DOMAIN + "/api/v5/public/some-new-list", json=OK)
    anonymous.request("GET", "/api/v5/public/some-new-list")
    ((scope, _, requests_, seconds),) = asked.asked
    assert scope.startswith("ip:")
    assert (requests_, seconds) == (5, 2.0)


def test_the_default_bucket_makes_the_sixth_call_in_two_seconds_wait(
    monkeypatch: pytest.MonkeyPatch, client: OkxClient, mocked: responses.RequestsMock
) -> None:
    still = StillClock()
    registry = ratelimit.LimiterRegistry(clock=still.clock, sleep=still.sleep)
    monkeypatch.setattr(ratelimit, "registry", registry)
    mocked.get(DOMAIN + NEW_PATH, json=OK)
    for _ in range(5):
        client.request("GET", NEW_PATH)
    assert still.slept == []
    client.request("GET", NEW_PATH)
    assert still.slept == pytest.approx([2.0 * (1 + ratelimit.SAFETY_MARGIN)])


def test_request_to_a_declared_path_shares_its_documented_limit(
    client: OkxClient, mocked: responses.RequestsMock, asked: Asked
) -> None:
    mocked.get(DOMAIN + GET_LEVERAGE.path, json=OK)
    client.request("GET", GET_LEVERAGE.path, {"instId": "BTC-USDT", "mgnMode": "cross"})
    (rule,) = GET_LEVERAGE.limits
    name = ratelimit.limit_name(GET_LEVERAGE.path, rule.requests, rule.seconds)
    assert asked.asked == [("user:" + KEY, name, rule.requests, rule.seconds)]


def test_request_limit_replaces_the_default(
    client: OkxClient, mocked: responses.RequestsMock, asked: Asked
) -> None:
    mocked.get(DOMAIN + NEW_PATH, json=OK)
    client.request("GET", NEW_PATH, limit=RateLimit(1, 1.0, "user"))
    assert asked.asked == [("user:" + KEY, ratelimit.limit_name(NEW_PATH, 1, 1.0), 1, 1.0)]


# -- request(): errors -----------------------------------------------------------------------


def test_request_raises_a_response_exception_with_status_and_excerpt(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    client.retry_policy = attrs.evolve(client.retry_policy, max_retries=0)
    mocked.get(DOMAIN + NEW_PATH, body="<html>Bad Gateway</html>", status=502)
    with pytest.raises(OkxResponseException) as info:
        client.request("GET", NEW_PATH)
    failure = info.value
    assert (failure.status_code, failure.body, failure.path) == (
        502,
        "<html>Bad Gateway</html>",
        NEW_PATH,
    )


def test_request_returns_an_okx_error_that_raise_for_code_raises(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(DOMAIN + NEW_PATH, json={"code": "51000", "msg": "Parameter sz error", "data": []})
    answer = client.request("POST", NEW_PATH, {"sz": "-1"})
    with pytest.raises(OkxAPIException) as info:
        answer.raise_for_code()
    assert (info.value.code, info.value.status_code) == ("51000", 200)


def test_request_a_server_error_code_is_an_okx_server_exception(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(DOMAIN + NEW_PATH, json={"code": "50001", "msg": "busy", "data": []}, status=503)
    with pytest.raises(OkxServerException):
        client.request("POST", NEW_PATH, {}).raise_for_code()


# -- request(): refusals, nothing sent -------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "DELETE", "", None])
def test_request_refuses_a_method_other_than_get_or_post(
    client: OkxClient, mocked: responses.RequestsMock, method: Any
) -> None:
    with pytest.raises(OkxParamsException, match="'GET' or 'POST'") as info:
        client.request(method, NEW_PATH)
    assert info.value.param == "method"
    assert len(mocked.calls) == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/v4/account/balance",
        "api/v5/account/balance",
        "https://www.okx.com/api/v5/account/balance",
        "/api/v5/",
        "/api/v5/account/balance extra",
        "/api/v5/account/balance\r\nX-Injected: 1",
        "/api/v5/account/balance#fragment",
        b"/api/v5/account/balance",
    ],
)
def test_request_refuses_a_path_outside_the_v5_api(
    client: OkxClient, mocked: responses.RequestsMock, path: Any
) -> None:
    with pytest.raises(OkxParamsException, match="/api/v5/") as info:
        client.request("GET", path)
    assert info.value.param == "path"
    assert len(mocked.calls) == 0


@pytest.mark.parametrize(
    ("method", "params"),
    [("GET", [{"a": "1"}]), ("GET", "a=1"), ("POST", "a=1"), ("POST", [{"a": "1"}, "b"])],
)
def test_request_refuses_params_its_method_cannot_send(
    client: OkxClient, mocked: responses.RequestsMock, method: Any, params: Any
) -> None:
    with pytest.raises(OkxParamsException, match="params is") as info:
        client.request(method, NEW_PATH, params)
    assert info.value.param == "params"
    assert len(mocked.calls) == 0


def test_request_signed_true_without_a_key_is_refused(
    anonymous: OkxClient, mocked: responses.RequestsMock
) -> None:
    with pytest.raises(OkxParamsException, match="needs an API key"):
        anonymous.request("GET", NEW_PATH, signed=True)
    assert len(mocked.calls) == 0


def test_request_to_a_declared_private_path_without_a_key_is_refused(
    anonymous: OkxClient, mocked: responses.RequestsMock
) -> None:
    with pytest.raises(OkxParamsException, match="needs an API key"):
        anonymous.request("GET", GET_LEVERAGE.path, {"instId": "BTC-USDT", "mgnMode": "cross"})
    assert len(mocked.calls) == 0


def test_request_refuses_a_value_that_cannot_be_written(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    with pytest.raises(OkxParamsException, match="sz"):
        client.request("POST", NEW_PATH, {"sz": float("nan")})
    assert len(mocked.calls) == 0


def test_request_with_a_declaration_refuses_the_by_path_options(client: OkxClient) -> None:
    with pytest.raises(OkxParamsException, match="a declaration says them itself"):
        client.request(GET_LEVERAGE, {}, signed=False)  # type: ignore[call-overload]


# -- extra= on a declared endpoint -----------------------------------------------------------


def test_extra_goes_into_a_get_query_after_the_known_parameters_and_is_signed(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.get(DOMAIN + GET_LEVERAGE.path, json=OK)
    given = {"instId": "BTC-USDT", "mgnMode": "cross"}
    client._call(GET_LEVERAGE, given, None, extra={"newFilter": "x y", "limit": 5})
    sent = mocked.calls[0].request
    query = "?instId=BTC-USDT&mgnMode=cross&newFilter=x%20y&limit=5"
    assert sent.path_url == GET_LEVERAGE.path + query
    assert signature_is_independently_right(sent)


def test_extra_goes_into_a_post_body_after_the_known_keys_and_is_signed(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(DOMAIN + PLACE_ORDER.path, json=OK)
    client._call(PLACE_ORDER, ORDER, None, extra={"newFlag": True, "tag2": ""})
    sent = mocked.calls[0].request
    body = json.loads(sent.body or b"")
    assert list(body)[-2:] == ["newFlag", "tag2"]
    assert (body["newFlag"], body["tag2"]) == (True, "")
    assert signature_is_independently_right(sent)


def test_extra_goes_into_the_one_object_of_a_list_body(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(DOMAIN + GRID_STOP_ORDER_ALGO.path, json=OK)
    given = {"algoId": "1", "instId": "BTC-USDT", "algoOrdType": "grid", "stopType": "1"}
    client._call(GRID_STOP_ORDER_ALGO, given, None, extra={"newKey": "v"})
    (item,) = json.loads(mocked.calls[0].request.body or b"")
    assert list(item)[-1] == "newKey"


def test_extra_is_sent_to_an_endpoint_that_takes_no_parameters(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.get(DOMAIN + GET_ACCOUNT_CONFIG.path, json=OK)
    client._call(GET_ACCOUNT_CONFIG, {}, None, extra={"newKey": "v"})
    sent = mocked.calls[0].request
    assert sent.path_url == GET_ACCOUNT_CONFIG.path + "?newKey=v"
    assert signature_is_independently_right(sent)


def test_extra_reaches_python_okxs_seam_with_the_payload() -> None:
    with (
        AccountAPI(KEY, SECRET, PASSPHRASE, False, "1") as api,
        patch.object(AccountAPI, "_request_with_params") as seam,
    ):
        api._call(GET_LEVERAGE, {"instId": "BTC-USDT", "mgnMode": "cross"}, None, extra={"n": 1})
    seam.assert_called_once_with(
        "GET", GET_LEVERAGE.path, {"instId": "BTC-USDT", "mgnMode": "cross", "ccy": None, "n": 1}
    )


def test_extra_is_not_checked_against_the_declaration(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.post(DOMAIN + PLACE_ORDER.path, json=OK)
    client._call(PLACE_ORDER, ORDER, "strict", extra={"side2": "sideways"})
    assert json.loads(mocked.calls[0].request.body or b"")["side2"] == "sideways"


def test_extra_naming_a_declared_parameter_is_refused_with_its_name(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    with pytest.raises(OkxParamsException, match=r"extra has 'ccy'.*pass it as ccy=") as info:
        client._call(GET_LEVERAGE, {"mgnMode": "cross", "instId": "X"}, None, extra={"ccy": "B"})
    assert info.value.param == "ccy"
    assert len(mocked.calls) == 0


def test_extra_is_refused_for_a_batch_of_items(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    with pytest.raises(OkxParamsException, match="put the keys in each item of orders_data"):
        client._call(PLACE_MULTIPLE_ORDERS, {"orders_data": [ORDER]}, None, extra={"k": "v"})
    assert len(mocked.calls) == 0


@pytest.mark.parametrize("extra", [[("k", "v")], "k=v", {1: "v"}, {"": "v"}])
def test_extra_that_is_not_a_mapping_of_names_is_refused(
    client: OkxClient, mocked: responses.RequestsMock, extra: Any
) -> None:
    with pytest.raises(OkxParamsException, match="extra"):
        client._call(GET_ACCOUNT_CONFIG, {}, None, extra=extra)
    assert len(mocked.calls) == 0


def test_extra_empty_changes_nothing(client: OkxClient, mocked: responses.RequestsMock) -> None:
    mocked.get(DOMAIN + GET_ACCOUNT_CONFIG.path, json=OK)
    client._call(GET_ACCOUNT_CONFIG, {}, None, extra={})
    assert mocked.calls[0].request.path_url == GET_ACCOUNT_CONFIG.path


def test_extra_on_a_generated_method_is_sent_after_its_keys_and_signed(
    mocked: responses.RequestsMock,
) -> None:
    mocked.get(DOMAIN + GET_LEVERAGE.path, json=OK)
    with AccountAPI(KEY, SECRET, PASSPHRASE, False, "0") as api:
        api.get_leverage(mgnMode="cross", instId="BTC-USDT", extra={"newKey": "v"})
    sent = mocked.calls[0].request
    assert sent.path_url.endswith("?instId=BTC-USDT&mgnMode=cross&newKey=v")
    assert signature_is_independently_right(sent)


def test_extra_on_a_generated_post_method_reaches_an_exchange_that_checks_signatures(
    trade: TradeAPI, okx: FakeOKX
) -> None:
    answer = trade.place_order(**ORDER, extra={"newFlag": "1"})
    assert answer.ok, answer.msg
    assert json.loads(okx.requests[-1].body)["newFlag"] == "1"


def test_request_takes_the_method_in_lower_case_too(
    client: OkxClient, mocked: responses.RequestsMock
) -> None:
    mocked.get(DOMAIN + NEW_PATH, json=OK)
    assert client.request("get", NEW_PATH).method == "GET"  # type: ignore[call-overload]
