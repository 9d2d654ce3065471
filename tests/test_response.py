"""The response object: python-okx's dict, typed items, OKX errors and broken answers."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest
import requests
import responses

import okx_v5.Account as Account
import okx_v5.PublicData as PublicData
from okx_v5 import LeverageInfo, OkxAPIException, OkxResponse
from okx_v5.exceptions import (
    OkxAuthException,
    OkxRateLimitException,
    OkxRequestException,
    OkxResponseException,
    OkxServerException,
    OkxTimeoutException,
    OkxTimestampException,
)

from .helpers import LEVERAGE_ANSWER, LEVERAGE_URL, TIERS_ANSWER, TIERS_URL


def _leverage(account: Account.AccountAPI) -> OkxResponse[LeverageInfo]:
    return account.get_leverage("cross", instId="BTC-USDT-SWAP")


def test_result_is_the_python_okx_dict(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    result = _leverage(account)
    assert isinstance(result, dict)
    assert result == LEVERAGE_ANSWER
    assert json.loads(json.dumps(result)) == LEVERAGE_ANSWER
    assert result["data"][0]["lever"] == "10"
    assert result.get("code") == "0"
    assert repr(result) == repr(LEVERAGE_ANSWER)
    assert copy.deepcopy(dict(result)) == LEVERAGE_ANSWER


def test_typed_attributes(account: Account.AccountAPI, leverage_ok: responses.RequestsMock) -> None:
    result = _leverage(account)
    assert (result.code, result.msg, result.ok, result.status_code) == ("0", "", True, 200)
    assert [item.pos_side for item in result.data] == ["long", "short"]
    assert result.data[0].lever == Decimal("10")
    assert isinstance(result.data[0].lever, Decimal)
    assert result.data[0].ccy is None
    assert result.data is result.data  # structured once


def test_items_are_slotted_attrs_classes_that_compare_by_value(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    first, again = _leverage(account).data[0], _leverage(account).data[0]
    assert attrs.has(type(first))
    assert first == again
    assert not hasattr(first, "__dict__")
    with pytest.raises(AttributeError):
        first.leverage = Decimal(1)  # type: ignore[attr-defined]  # a typo is not a new field
    again.lever = Decimal(1)
    assert first != again


def _answer(mocked: responses.RequestsMock, url: str, data: list[Any], **extra: Any) -> None:
    mocked.get(url, json={"code": "0", "msg": "", "data": data, **extra})


def test_unknown_fields_are_ignored_by_the_model_but_kept_in_the_dict(
    public: PublicData.PublicAPI, mocked: responses.RequestsMock
) -> None:
    item = dict(TIERS_ANSWER["data"][0], newField="x")
    _answer(mocked, TIERS_URL, [item])
    result = public.get_position_tiers("MARGIN", "cross", instId="BTC-USDT")
    assert result["data"][0]["newField"] == "x"
    assert result.data[0].max_lever == Decimal(10)


def test_missing_fields_become_none(
    public: PublicData.PublicAPI, mocked: responses.RequestsMock
) -> None:
    _answer(mocked, TIERS_URL, [{"tier": "2", "maxLever": "75"}])
    tier = public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT").data[0]
    assert (tier.tier, tier.max_lever, tier.mmr, tier.inst_id) == (2, Decimal(75), None, None)


def test_json_numbers_become_exact_decimals(
    public: PublicData.PublicAPI, mocked: responses.RequestsMock
) -> None:
    _answer(mocked, TIERS_URL, [{"tier": 3, "mmr": 0.1, "maxSz": 50}])
    tier = public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT").data[0]
    assert (tier.tier, tier.mmr, tier.max_sz) == (3, Decimal("0.1"), Decimal(50))


@pytest.mark.parametrize(
    ("item", "names"),
    [
        (
            {"tier": "1", "maxLever": "ten"},
            "data[0].maxLever (PositionTier.max_lever): 'ten' is not a number",
        ),
        ({"tier": "first"}, "data[0].tier (PositionTier.tier): 'first' is not an integer"),
        ({"instId": 5}, "data[0].instId (PositionTier.inst_id): 5 is not a string"),
        ({"imr": [1]}, "data[0].imr (PositionTier.imr): [1] is not a number"),
        ({"imr": True}, "data[0].imr (PositionTier.imr): True is not a number"),
        ("tier-1", "data[0] is str, not an object"),
    ],
)
def test_a_malformed_item_raises_naming_the_field(
    public: PublicData.PublicAPI, mocked: responses.RequestsMock, item: object, names: str
) -> None:
    _answer(mocked, TIERS_URL, [item])
    result = public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert result["data"] == [item]  # the dict stays usable
    with pytest.raises(OkxResponseException) as caught:
        _ = result.data
    assert names in str(caught.value)
    assert caught.value.status_code == 200


def test_data_that_is_neither_a_list_nor_an_object_raises(
    public: PublicData.PublicAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(TIERS_URL, json={"code": "0", "msg": "", "data": "1"})
    with pytest.raises(OkxResponseException, match="data is str, not a list"):
        _ = public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT").data


def test_data_that_is_one_object_reads_as_a_list_of_that_item(
    public: PublicData.PublicAPI, mocked: responses.RequestsMock
) -> None:
    # a few endpoints answer one object (index components, supported coins)
    mocked.get(TIERS_URL, json={"code": "0", "msg": "", "data": {"tier": "1"}})
    result = public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    assert [item.tier for item in result.data] == [1]
    assert result["data"] == {"tier": "1"}  # the dict stays python-okx's


def test_an_okx_error_code_is_returned_not_raised(
    account: Account.AccountAPI, mocked: responses.RequestsMock
) -> None:
    answer = {"code": "51000", "msg": "Parameter instId error", "data": []}
    mocked.get(LEVERAGE_URL, json=answer)
    result = _leverage(account)
    assert result == answer
    assert not result.ok
    assert result.data == []
    with pytest.raises(OkxAPIException) as caught:
        result.raise_for_code()
    error = caught.value
    assert (error.code, error.msg, error.status_code) == ("51000", "Parameter instId error", 200)
    assert "51000" in str(error)
    assert "GET /api/v5/account/leverage-info?instId=BTC-USDT-SWAP&mgnMode=cross" in str(error)
    assert error.response is result


def test_raise_for_code_returns_the_result_on_success(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    result = _leverage(account)
    assert result.raise_for_code() is result


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (401, "50113", OkxAuthException),
        (401, "50102", OkxTimestampException),
        (429, "50011", OkxRateLimitException),
        (200, "50001", OkxServerException),
        (503, "50026", OkxServerException),
        (429, "", OkxRateLimitException),
        (502, "", OkxServerException),
        (400, "51000", OkxAPIException),
    ],
)
def test_raise_for_code_raises_the_most_specific_kind(
    account: Account.AccountAPI,
    mocked: responses.RequestsMock,
    status: int,
    code: str,
    kind: type[Exception],
) -> None:
    mocked.get(LEVERAGE_URL, json={"code": code, "msg": "m", "data": []}, status=status)
    result = _leverage(account)
    assert result.status_code == status
    with pytest.raises(kind) as caught:
        result.raise_for_code()
    assert type(caught.value) is kind


def test_environment_mismatch_says_what_to_do(
    account: Account.AccountAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(
        LEVERAGE_URL,
        json={"code": "50101", "msg": "APIKey does not match current environment.", "data": []},
        status=401,
    )
    with pytest.raises(OkxAuthException, match=r"flag='1'.*flag='0'"):
        _leverage(account).raise_for_code()


@pytest.mark.parametrize(
    ("status", "body", "problem"),
    [
        (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "a body that is not JSON"),
        (200, b'{"code":"0","msg":"","data":[{"instId":"BTC', "a body that is not JSON"),
        (200, b"", "an empty body"),
        (200, b'["not", "okx"]', "JSON without an OKX code"),
    ],
)
def test_an_answer_that_is_not_okx_json_raises_with_status_and_excerpt(
    account: Account.AccountAPI,
    mocked: responses.RequestsMock,
    status: int,
    body: bytes,
    problem: str,
) -> None:
    mocked.get(LEVERAGE_URL, body=body, status=status)
    with pytest.raises(OkxResponseException) as caught:
        _leverage(account)
    error = caught.value
    assert isinstance(error, OkxAPIException)
    assert error.status_code == status
    assert error.body == body.decode()
    assert problem in str(error)
    assert f"HTTP {status}" in str(error)
    assert error.__cause__ is None or isinstance(error.__cause__, ValueError)


def test_a_long_body_excerpt_is_cut(
    account: Account.AccountAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(LEVERAGE_URL, body="x" * 5000, status=500)
    with pytest.raises(OkxResponseException) as caught:
        _leverage(account)
    assert len(caught.value.body) < 300
    assert caught.value.body.endswith("…")


def test_a_network_failure_raises_request_exception_chained(
    account: Account.AccountAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(LEVERAGE_URL, body=requests.ConnectionError("connection reset by peer"))
    with pytest.raises(OkxRequestException, match="connection reset by peer") as caught:
        _leverage(account)
    assert isinstance(caught.value.__cause__, requests.ConnectionError)
    assert not isinstance(caught.value, OkxTimeoutException)


def test_a_timeout_raises_timeout_exception(
    account: Account.AccountAPI, mocked: responses.RequestsMock
) -> None:
    mocked.get(LEVERAGE_URL, body=requests.ReadTimeout("read timed out"))
    with pytest.raises(OkxTimeoutException) as caught:
        _leverage(account)
    assert isinstance(caught.value, OkxRequestException)
    assert isinstance(caught.value.__cause__, requests.Timeout)
    assert caught.value.path.startswith("/api/v5/account/leverage-info?")


def test_a_result_survives_pickle_and_deepcopy(
    account: Account.AccountAPI, leverage_ok: responses.RequestsMock
) -> None:
    import pickle

    result = _leverage(account)
    for clone in (pickle.loads(pickle.dumps(result)), copy.deepcopy(result)):
        assert clone == LEVERAGE_ANSWER
        assert clone.status_code == 200
        assert clone.data == result.data
