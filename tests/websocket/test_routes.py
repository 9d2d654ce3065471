"""Where pushes go: routes found by their arg, OKX's added fields and the raw arg."""

from __future__ import annotations

from okx_v5.models.market_data import Ticker
from okx_v5.websocket.routes import Route, Routes, raw_arg

ORDERS = {"channel": "orders", "instType": "ANY"}


def test_a_route_takes_its_channels_model() -> None:
    assert Route.to("public", {"channel": "tickers", "instId": "BTC-USDT"}).model is Ticker
    assert Route.to("public", {"channel": "no-such-channel"}).model is None


def test_a_private_push_with_the_uid_okx_adds_finds_its_route() -> None:
    routes = Routes()
    route = Route.to("private", ORDERS)
    routes.add(route)
    assert routes.of({**ORDERS, "uid": "123"}) is route
    assert routes.of({"channel": "orders", "instType": "SPOT"}) is None


def test_adding_the_same_arg_again_replaces_the_route() -> None:
    routes = Routes()
    routes.add(Route.to("private", ORDERS, callback=print))
    again = Route.to("private", ORDERS)
    routes.add(again)
    assert list(routes) == [again]
    assert routes.held("orders", "private")
    routes.remove(ORDERS)
    assert not routes.held("orders", "private")
    assert routes.of(ORDERS) is None


def test_an_iterated_route_is_found_by_the_raw_arg_once_seen() -> None:
    routes = Routes()
    route = Route.to("public", {"channel": "tickers", "instId": "ETH-USDT"})
    routes.add(route)
    payload = b'{"arg":{"channel":"tickers","instId":"ETH-USDT"},"data":[]}'
    raw = raw_arg(payload)
    assert raw == b'{"channel":"tickers","instId":"ETH-USDT"}'
    assert routes.iterated(raw) is None
    assert routes.of(route.arg, raw) is route
    assert routes.iterated(raw) is route
    routes.remove(route.arg)
    assert routes.iterated(raw) is None


def test_a_callback_route_is_never_taken_by_its_raw_arg() -> None:
    routes = Routes()
    route = Route.to("public", {"channel": "books5", "instId": "ETH-USDT"}, callback=print)
    routes.add(route)
    raw = b'{"channel":"books5","instId":"ETH-USDT"}'
    assert routes.of(route.arg, raw) is route
    assert routes.iterated(raw) is None


def test_an_arg_with_an_unhashable_value_is_looked_up_without_the_memo() -> None:
    routes = Routes()
    route = Route.to("public", {"channel": "x"})
    routes.add(route)
    assert routes.of({"channel": "x", "extra": ["a"]}) is route


def test_raw_arg_is_none_for_what_is_not_a_push() -> None:
    assert raw_arg(b'{"event":"subscribe"}') is None
