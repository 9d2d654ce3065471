"""Client order IDs: ``auto_client_order_id`` fills in OKX-shaped IDs where a placing call gives
none, a failed request carries the ID it sent as ``cl_ord_id``, and the lookup after a lost
answer works end to end against FakeOKX."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import okx_v5.client_order_id as ids
from okx_v5 import OkxParamsException, SpreadTradingAPI, TradeAPI
from okx_v5.endpoint import Endpoint
from okx_v5.endpoints import groups
from okx_v5.exceptions import OkxRequestException, OkxResponseException, OkxTimeoutException
from okx_v5.testing import FakeOKX

from .helpers import arguments, call, python_okx_methods

DEMO = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE)
ORDER = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "sz": "0.01"}
PLACE_ORDER = "/api/v5/trade/order"

# The calls that place something and take the client's own ID for it, by OKX's docs.
PLACING = {
    "Trade.place_order": "clOrdId",
    "Trade.place_multiple_orders": "clOrdId",
    "Trade.place_algo_order": "algoClOrdId",
    "Trade.close_positions": "clOrdId",
    "SpreadTrading.place_order": "clOrdId",
    "Grid.place_recurring_buy_order": "algoClOrdId",
}
PLACING_METHODS = [case for case in python_okx_methods() if case.id in PLACING]


def declarations() -> Iterator[tuple[str, Endpoint[Any]]]:
    for module in groups():
        for value in vars(module).values():
            if isinstance(value, Endpoint):
                yield module.MODULE, value


def body(okx: FakeOKX) -> Any:
    """The JSON body of the last request ``okx`` received."""
    return json.loads(okx.requests[-1].body)


@pytest.fixture
def okx() -> Iterator[FakeOKX]:
    with FakeOKX(rate_limits=False) as server:
        yield server


def trade_on(okx: FakeOKX, **settings: Any) -> TradeAPI:
    options: dict[str, Any] = {
        "use_server_time": False,
        "rate_limit": False,
        "max_retries": 0,
        **settings,
    }
    return TradeAPI(*DEMO, flag="1", domain=okx.url, **options)


@pytest.fixture
def auto(okx: FakeOKX) -> Iterator[TradeAPI]:
    with trade_on(okx, auto_client_order_id=True) as api:
        yield api


def client_on(exchange: FakeOKX, module: str, class_name: str) -> Any:
    api = getattr(__import__(f"okx_v5.{module}", fromlist=[class_name]), class_name)
    return api(*DEMO, False, "1", exchange.url, rate_limit=False, auto_client_order_id=True)


# -- which calls -----------------------------------------------------------------------------


def test_the_declarations_name_the_client_order_id_of_exactly_the_placing_calls() -> None:
    named = {
        f"{module}.{endpoint.name}": endpoint.client_order_id
        for module, endpoint in declarations()
        if endpoint.client_order_id
    }
    assert named == PLACING


# -- off by default --------------------------------------------------------------------------


@pytest.mark.parametrize(("facts", "endpoint"), PLACING_METHODS)
def test_off_by_default_a_placing_call_sends_python_okx_s_bytes(
    facts: dict[str, Any],
    endpoint: dict[str, Any],
    exchange: FakeOKX,
    clients: Callable[[str, str], Any],
) -> None:
    given = arguments(endpoint)
    sent = []
    for package in ("okx", "okx_v5"):
        exchange.reset()
        call(clients(f"{package}.{facts['module']}", facts["class"]), endpoint["name"], given)
        sent.append([(r.method, r.path, r.body) for r in exchange.requests])
    assert sent[1] == sent[0]


# -- on: filled in where none is given -------------------------------------------------------


@pytest.mark.parametrize(("facts", "endpoint"), PLACING_METHODS)
def test_on_a_placing_call_without_an_id_sends_a_new_one_where_python_okx_sends_its_key(
    facts: dict[str, Any],
    endpoint: dict[str, Any],
    exchange: FakeOKX,
    clients: Callable[[str, str], Any],
) -> None:
    given = arguments(endpoint)
    key = PLACING[f"{facts['module']}.{endpoint['name']}"]
    exchange.reset()
    call(clients(f"okx.{facts['module']}", facts["class"]), endpoint["name"], given)
    theirs = json.loads(exchange.requests[-1].body)
    exchange.reset()
    with client_on(exchange, facts["module"], facts["class"]) as api:
        call(api, endpoint["name"], given)
    ours = json.loads(exchange.requests[-1].body)
    items, their_items = (ours, theirs) if isinstance(ours, list) else ([ours], [theirs])
    for item, their_item in zip(items, their_items, strict=True):
        assert ids.PATTERN.fullmatch(item[key])
        # everything else as python-okx sends it, in its order; the ID in python-okx's place
        assert list(item) == list({**their_item, key: item[key]})
        assert {**item, key: their_item.get(key)} == {**their_item, key: their_item.get(key)}


@pytest.mark.parametrize("missing", ["", None])
def test_on_an_empty_or_none_client_order_id_is_filled_in(
    okx: FakeOKX, auto: TradeAPI, missing: str | None
) -> None:
    auto.place_order(**ORDER, px="1000", clOrdId=missing)
    assert ids.PATTERN.fullmatch(body(okx)["clOrdId"])


def test_on_the_caller_s_client_order_id_is_sent_as_given(okx: FakeOKX, auto: TradeAPI) -> None:
    auto.place_order(**ORDER, px="1000", clOrdId="mine1")
    assert body(okx)["clOrdId"] == "mine1"


def test_on_each_batch_item_without_an_id_gets_its_own_and_the_callers_are_kept(
    okx: FakeOKX, auto: TradeAPI
) -> None:
    orders = [
        {**ORDER, "px": "1000"},
        {**ORDER, "px": "1001", "clOrdId": "mine2"},
        {**ORDER, "px": "1002", "clOrdId": ""},
    ]
    auto.place_multiple_orders(orders)
    first, second, third = (item["clOrdId"] for item in body(okx))
    assert second == "mine2"
    assert ids.PATTERN.fullmatch(first)
    assert ids.PATTERN.fullmatch(third)
    assert first != third


def test_on_the_caller_s_batch_items_are_left_unchanged(auto: TradeAPI) -> None:
    orders = [{**ORDER, "px": "1000"}, {**ORDER, "px": "1001", "clOrdId": ""}]
    copies = [dict(order) for order in orders]
    auto.place_multiple_orders(orders)
    assert orders == copies


def test_on_an_empty_id_keeps_its_place_in_a_batch_item(okx: FakeOKX, auto: TradeAPI) -> None:
    auto.place_multiple_orders([{"clOrdId": "", **ORDER, "px": "1000"}])
    assert next(iter(body(okx)[0])) == "clOrdId"


def test_on_a_batch_that_is_not_a_list_is_refused_as_before(okx: FakeOKX, auto: TradeAPI) -> None:
    with pytest.raises(OkxParamsException, match="a list of objects"):
        auto.place_multiple_orders({**ORDER, "px": "1000"})  # type: ignore[arg-type]
    assert okx.requests == []


def test_on_a_call_that_places_nothing_keeps_its_empty_client_order_id(
    okx: FakeOKX, auto: TradeAPI
) -> None:
    auto.place_order(**ORDER, px="1000", clOrdId="placed1")
    auto.cancel_order("BTC-USDT", ordId=auto.get_order_list().data[0].ord_id)
    assert body(okx)["clOrdId"] == ""


def test_on_the_spread_order_gets_one_too(okx: FakeOKX) -> None:
    with SpreadTradingAPI(*DEMO, False, "1", okx.url, auto_client_order_id=True) as api:
        api.place_order("BTC-USDT_BTC-USDT-SWAP", side="buy", ordType="limit", sz="1", px="1")
    assert ids.PATTERN.fullmatch(body(okx)["clOrdId"])


def test_from_env_passes_auto_client_order_id(okx_offline: FakeOKX) -> None:
    with TradeAPI.from_env(auto_client_order_id=True) as api:
        assert api.auto_client_order_id is True


def test_a_client_is_built_with_it_off() -> None:
    with TradeAPI() as api:
        assert api.auto_client_order_id is False


# -- the IDs themselves ----------------------------------------------------------------------


def test_new_ids_are_32_letters_and_digits_as_okx_allows() -> None:
    made = [ids.new_client_order_id() for _ in range(2000)]
    assert all(ids.PATTERN.fullmatch(one) and len(one) == ids.MAX_LENGTH for one in made)


def test_new_ids_from_many_threads_are_unique_and_each_thread_s_sort_in_order_made() -> None:
    per_thread: list[list[str]] = [[] for _ in range(8)]

    def make(into: list[str]) -> None:
        into.extend(ids.new_client_order_id() for _ in range(2000))

    threads = [threading.Thread(target=make, args=(made,)) for made in per_thread]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [one for made in per_thread for one in made]
    assert len(set(every)) == len(every) == 16000
    assert all(made == sorted(made) for made in per_thread)


def test_ids_sort_by_the_time_they_were_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ids, "_last_micros", 0)
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_700_000_000_000_000_000)
    earlier = ids.new_client_order_id()
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_700_000_000_001_000_000)
    later = ids.new_client_order_id()
    assert earlier < later
    assert earlier.startswith(ids.PREFIX + "1700000000000000")


def test_ids_keep_increasing_when_the_clock_goes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ids, "_last_micros", 0)
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_700_000_000_000_000_000)
    first = ids.new_client_order_id()
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_699_999_999_000_000_000)
    second = ids.new_client_order_id()
    assert first < second


def test_ids_another_process_makes_in_the_same_microsecond_differ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_700_000_000_000_000_000)
    made = set()
    for _ in range(1000):  # each a fresh process: nothing made before, the same clock
        monkeypatch.setattr(ids, "_last_micros", 0)
        made.add(ids.new_client_order_id())
    assert len(made) == 1000


# -- the ID on the exception -----------------------------------------------------------------


def test_a_timeout_carries_the_id_it_sent(okx: FakeOKX) -> None:
    okx.inject("delay", seconds=5.0, path=PLACE_ORDER)
    with (
        trade_on(okx, auto_client_order_id=True, timeout=(1.0, 0.2)) as api,
        pytest.raises(OkxTimeoutException) as info,
    ):
        api.place_order(**ORDER, px="1000")
    assert info.value.sent is True
    assert info.value.cl_ord_id == body(okx)["clOrdId"]


def test_the_caller_s_id_is_on_the_exception_with_the_option_off(okx: FakeOKX) -> None:
    okx.inject("drop", path=PLACE_ORDER)
    with trade_on(okx) as api, pytest.raises(OkxRequestException) as info:
        api.place_order(**ORDER, px="1000", clOrdId="mine3")
    assert (info.value.sent, info.value.cl_ord_id) == (True, "mine3")


def test_a_failed_request_that_carried_no_id_has_cl_ord_id_none(okx: FakeOKX) -> None:
    okx.inject("drop", path=PLACE_ORDER)
    with trade_on(okx) as api, pytest.raises(OkxRequestException) as info:
        api.place_order(**ORDER, px="1000")
    assert info.value.cl_ord_id is None


def test_a_failed_batch_carries_each_item_s_id_in_order(okx: FakeOKX) -> None:
    okx.inject("http_5xx", path="/api/v5/trade/batch-orders")
    orders = [{**ORDER, "px": "1000"}, {**ORDER, "px": "1001", "clOrdId": "mine4"}]
    with trade_on(okx) as api, pytest.raises(OkxResponseException) as info:
        api.place_multiple_orders(orders)
    assert info.value.cl_ord_id == (None, "mine4")


def test_an_algo_order_s_failure_carries_its_algo_client_order_id(
    okx: FakeOKX, auto: TradeAPI
) -> None:
    okx.inject("drop", path="/api/v5/trade/order-algo")
    with pytest.raises(OkxRequestException) as info:
        auto.place_algo_order(
            "BTC-USDT", "cash", "sell", "conditional", "0.01", slTriggerPx="900", slOrdPx="-1"
        )
    assert info.value.cl_ord_id == body(okx)["algoClOrdId"]


def test_a_failed_call_that_places_nothing_has_cl_ord_id_none(okx: FakeOKX) -> None:
    okx.inject("drop", path="/api/v5/trade/cancel-order")
    with trade_on(okx) as api, pytest.raises(OkxRequestException) as info:
        api.cancel_order("BTC-USDT", clOrdId="mine6")
    assert info.value.cl_ord_id is None


def test_a_request_that_never_left_carries_the_id_too() -> None:
    with socket.socket() as unused:  # a port nobody listens on once closed
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with (
        TradeAPI(*DEMO, False, "1", f"http://127.0.0.1:{port}", max_retries=0) as api,
        pytest.raises(OkxRequestException) as info,
    ):
        api.place_order(**ORDER, px="1000", clOrdId="mine5")
    assert (info.value.sent, info.value.cl_ord_id) == (False, "mine5")


def test_a_failed_clock_sync_before_the_order_does_not_carry_the_order_s_id(okx: FakeOKX) -> None:
    okx.inject("drop", path="/api/v5/public/time")
    with (
        trade_on(okx, auto_client_order_id=True, use_server_time=True) as api,
        pytest.raises(OkxRequestException) as info,
    ):
        api.place_order(**ORDER, px="1000")
    assert info.value.path == "/api/v5/public/time"
    assert info.value.cl_ord_id is None


# -- the recipe: after a timeout with sent=True ----------------------------------------------


def place_or_find(api: TradeAPI, **order: Any) -> tuple[str, str]:
    """The resilience page's recipe: place an order; when the answer is lost after it may have
    arrived, look it up by its client order ID. Return how it ended and the order's ID."""
    try:
        placed = api.place_order(**order)
    except OkxRequestException as lost:  # OkxTimeoutException is one
        if not lost.sent:
            raise  # it never left: placing it again is safe
        found = api.get_order(instId=order["instId"], clOrdId=lost.cl_ord_id)
        if found.code == "51603":  # "Order does not exist": it was not placed
            return "not placed", str(lost.cl_ord_id)
        return "placed, answer lost", found.data[0].cl_ord_id
    return "placed", placed.data[0].cl_ord_id


def test_after_a_timeout_the_order_is_found_by_its_client_order_id(okx: FakeOKX) -> None:
    okx.inject("delay", seconds=5.0, path=PLACE_ORDER)  # placed, then the answer is late
    with trade_on(okx, auto_client_order_id=True, timeout=(1.0, 0.2)) as api:
        outcome, cl_ord_id = place_or_find(api, **ORDER, px="1000")
        assert outcome == "placed, answer lost"
        assert api.get_order("BTC-USDT", clOrdId=cl_ord_id).data[0].state == "live"


def test_after_a_lost_request_the_lookup_says_the_order_was_not_placed(okx: FakeOKX) -> None:
    okx.inject("drop", path=PLACE_ORDER)  # the connection closes before the exchange sees it
    with trade_on(okx, auto_client_order_id=True) as api:
        outcome, cl_ord_id = place_or_find(api, **ORDER, px="1000")
        assert outcome == "not placed"
        again = api.place_order(**ORDER, px="1000", clOrdId=cl_ord_id)  # the same ID
    assert again.data[0].cl_ord_id == cl_ord_id
    assert [request.path for request in okx.requests].count(PLACE_ORDER) == 2
