"""What OKX certainly refuses or cannot be written is refused before sending, at every
validation level: batches over OKX's documented maximum, and values with no wire form (NaN,
huge numbers, self-referencing or deeply nested containers, objects that cannot be written)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
import responses

import okx_v5.Account as Account
import okx_v5.BlockTrading as BlockTrading
import okx_v5.Grid as Grid
import okx_v5.Trade as Trade
from okx_v5 import OkxParamsException
from okx_v5.endpoint import Endpoint
from okx_v5.endpoints import groups
from okx_v5.okxclient import OkxClient
from okx_v5.params import MAX_DEPTH, json_body, query_string

from .helpers import nested, self_referencing_list

LEVELS = [True, "strict", False]
ORDER = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "1"}
FACTS = Path(__file__).parent.parent / "okx_v5" / "facts"
KEY = ("key", "secret", "passphrase", False, "1")
C = TypeVar("C", bound=OkxClient)


class Unprintable:
    """An object whose ``__str__`` and ``__repr__`` raise."""

    def __str__(self) -> str:
        raise RuntimeError("no text")

    __repr__ = __str__


@pytest.fixture
def nothing_leaves() -> Iterator[responses.RequestsMock]:
    """Every request fails loudly; a test asserts none was made."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def trade(level: object) -> Trade.TradeAPI:
    return Trade.TradeAPI(*KEY, validate=level)  # type: ignore[arg-type]


def client(api: type[C], level: object) -> C:
    return api(*KEY, validate=level)  # type: ignore[arg-type]


# -- batch maximums ----------------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(
    ("method", "most"),
    [
        ("place_multiple_orders", 20),
        ("cancel_multiple_orders", 20),
        ("amend_multiple_orders", 20),
        ("cancel_algo_order", 10),
    ],
)
def test_a_trade_batch_over_okx_s_maximum_is_refused_unsent(
    method: str, most: int, level: object, nothing_leaves: responses.RequestsMock
) -> None:
    with trade(level) as api, pytest.raises(OkxParamsException) as refused:
        getattr(api, method)([ORDER] * (most + 1))
    assert (refused.value.method, refused.value.param) == (method, "orders_data")
    assert f"has {most + 1} items; OKX takes at most {most}" in str(refused.value)
    assert len(nothing_leaves.calls) == 0


def test_a_batch_at_okx_s_maximum_is_sent(nothing_leaves: responses.RequestsMock) -> None:
    url = "https://www.okx.com/api/v5/trade/batch-orders"
    nothing_leaves.post(url, json={"code": "0", "msg": "", "data": []})
    with trade(False) as api:
        api.place_multiple_orders([ORDER] * 20)
    assert len(json.loads(nothing_leaves.calls[0].request.body)) == 20


@pytest.mark.parametrize("level", LEVELS)
def test_a_301_order_batch_is_a_params_error_not_a_rate_limiter_value_error(
    level: object, nothing_leaves: responses.RequestsMock
) -> None:
    with trade(level) as api, pytest.raises(OkxParamsException, match="has 301 items"):
        api.place_multiple_orders([ORDER] * 301)


@pytest.mark.parametrize("level", LEVELS)
def test_stopping_11_recurring_buy_orders_is_refused(
    level: object, nothing_leaves: responses.RequestsMock
) -> None:
    grid = client(Grid.GridAPI, level)
    with grid as api, pytest.raises(OkxParamsException, match="at most 10"):
        api.stop_recurring_buy_order([{"algoId": "1"}] * 11)


@pytest.mark.parametrize("level", LEVELS)
def test_a_list_parameter_over_its_maximum_is_refused(
    level: object, nothing_leaves: responses.RequestsMock
) -> None:
    leg = {"instId": "BTC-USDT", "sz": "1", "side": "buy"}
    block = client(BlockTrading.BlockTradingAPI, level)
    with block as api, pytest.raises(OkxParamsException, match="legs has 16 items") as refused:
        api.create_rfq(["TRADER"], legs=[leg] * 16)
    assert refused.value.param == "legs"
    assert len(nothing_leaves.calls) == 0


@pytest.mark.parametrize("level", LEVELS)
def test_converting_six_currencies_at_once_is_refused(
    level: object, nothing_leaves: responses.RequestsMock
) -> None:
    with trade(level) as api, pytest.raises(OkxParamsException, match="fromCcy has 6 items"):
        api.easy_convert(["A", "B", "C", "D", "E", "F"], "USDT")


def test_every_declared_maximum_is_a_fact_with_its_source() -> None:
    declared: dict[str, int] = {}
    for module in groups():
        for endpoint in vars(module).values():
            if isinstance(endpoint, Endpoint):
                if endpoint.max_items:
                    declared[endpoint.name] = endpoint.max_items
                for param in endpoint.params:
                    if param.max_items:
                        declared[f"{endpoint.name}.{param.key}"] = param.max_items
    facts: dict[str, int] = {}
    for path in FACTS.glob("*.json"):
        for endpoint in json.loads(path.read_text()).get("endpoints", []):
            if endpoint.get("batch"):
                assert endpoint["batch"]["source"] in ("openxapi", "coincise", "okx-docs")
                facts[endpoint["name"]] = endpoint["batch"]["max_items"]
            for param in endpoint["params"]:
                if param.get("max_items"):
                    assert param["source"]
                    facts[f"{endpoint['name']}.{param.get('key', param['name'])}"] = param[
                        "max_items"
                    ]
    assert declared == facts
    assert declared["place_multiple_orders"] == 20
    assert declared["cancel_batch_rfqs.rfqIds"] == 100


# -- values with no wire form --------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (float("nan"), "is nan, not a finite number"),
        (float("-inf"), "is -inf, not a finite number"),
        (Decimal("NaN"), "not a finite number"),
        (10**5000, "a number with too many digits"),
        (Decimal("1E+999999999"), "a number with too many digits"),
        (self_referencing_list(), r"sz\[0\] contains itself"),
        (nested(MAX_DEPTH + 1), f"nests deeper than {MAX_DEPTH} levels"),
        (Unprintable(), "of type Unprintable, which cannot be written as JSON"),
        (b"1", "of type bytes, which cannot be written as JSON"),
    ],
    ids=["nan", "-inf", "decimal-nan", "huge-int", "huge-decimal", "self", "deep", "obj", "bytes"],
)
def test_a_body_value_with_no_json_form_is_refused_naming_it(
    value: object, problem: str, level: object, nothing_leaves: responses.RequestsMock
) -> None:
    with trade(level) as api, pytest.raises(OkxParamsException, match=problem) as refused:
        api.place_order("BTC-USDT", "cash", "buy", "market", value)  # type: ignore[arg-type]
    assert (refused.value.method, refused.value.param) == ("place_order", "sz")
    assert len(nothing_leaves.calls) == 0


@pytest.mark.parametrize("level", LEVELS)
def test_a_value_deep_in_a_batch_is_named_by_its_place(level: object) -> None:
    with trade(level) as api, pytest.raises(OkxParamsException) as refused:
        api.place_multiple_orders([ORDER, {**ORDER, "sz": float("inf")}])
    assert "orders_data[1]['sz'] is inf, not a finite number" in str(refused.value)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (Unprintable(), r"instId cannot be written as text \(RuntimeError raised\)"),
        ([self_referencing_list()], r"instId\[0\]\[0\] contains itself"),
        (10**5000, "a number with too many digits"),
        (float("inf"), "not a finite number"),
    ],
    ids=["unprintable", "self", "huge-int", "inf"],
)
def test_a_query_value_that_cannot_be_written_is_refused_naming_it(
    value: object, problem: str, level: object, nothing_leaves: responses.RequestsMock
) -> None:
    account = client(Account.AccountAPI, level)
    with account as api, pytest.raises(OkxParamsException, match=problem) as refused:
        api.get_leverage("cross", instId=value)  # type: ignore[arg-type]
    assert refused.value.param == "instId"
    assert len(nothing_leaves.calls) == 0


def test_a_generator_given_for_a_query_is_sent_whole(
    nothing_leaves: responses.RequestsMock,
) -> None:
    url = "https://www.okx.com/api/v5/account/leverage-info"
    nothing_leaves.get(url, json={"code": "0", "msg": "", "data": []})
    with Account.AccountAPI(*KEY, validate=False) as api:
        api.get_leverage("cross", instId=(name for name in ["BTC-USDT", "ETH-USDT"]))
    assert nothing_leaves.calls[0].request.url.endswith("instId=BTC-USDT,ETH-USDT&mgnMode=cross")


def test_the_error_of_an_unshowable_value_never_calls_its_repr_again(
    nothing_leaves: responses.RequestsMock,
) -> None:
    with trade(False) as api, pytest.raises(OkxParamsException) as refused:
        api.place_order("BTC-USDT", "cash", "buy", "market", Unprintable())  # type: ignore[arg-type]
    assert refused.value.value is None
    assert "Unprintable" in repr(refused.value)


@pytest.mark.parametrize(
    "payload",
    [
        {"sz": float("nan")},
        {"sz": self_referencing_list()},
        {"sz": nested(5000)},
        {"sz": Unprintable()},
        {"sz": {Unprintable(): 1}},
    ],
    ids=["nan", "self", "deep", "unprintable", "unprintable-key"],
)
def test_the_writers_refuse_what_they_cannot_write_as_params_errors(payload: Any) -> None:
    with pytest.raises(OkxParamsException, match=r"^sz"):
        json_body(payload)
    if not isinstance(payload["sz"], dict):
        with pytest.raises(OkxParamsException, match=r"^sz"):
            query_string(payload)


def test_the_body_is_never_written_with_nan() -> None:
    with pytest.raises(OkxParamsException, match="not a finite number"):
        json_body([{"sz": float("nan")}])
