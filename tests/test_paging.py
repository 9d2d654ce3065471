"""okx_v5.paginate on FakeOKX: every item once, in OKX's order, across page boundaries; the
stops (count, pages, since, until); the guard against a cursor that does not move; the paging
facts against the methods and models; and ``okx-v5 --all`` / ``--pages``."""

from __future__ import annotations

import datetime as dt
import inspect
import itertools
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

import okx_v5
from okx_v5 import FundingAPI, MarketAPI, OkxException, OkxParamsException, TradeAPI, cli, paginate
from okx_v5.okxclient import OkxClient
from okx_v5.paging import paged, paging_of
from okx_v5.testing import Answer, FakeOKX

from .helpers import FACTS

MINUTE = 60_000
DEMO = (FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "1")
# These tests are about pages, not limits: neither side waits.
QUIET: dict[str, Any] = {"rate_limit": False, "max_retries": 0}
FACTS_PAGING = json.loads((FACTS / "paging.json").read_text(encoding="utf-8"))
ORDERS_HISTORY = "/api/v5/trade/orders-history"


@pytest.fixture
def okx() -> Iterator[FakeOKX]:
    with FakeOKX(rate_limits=False) as server:
        yield server


@pytest.fixture
def trade(okx: FakeOKX) -> Iterator[TradeAPI]:
    with TradeAPI(*DEMO, okx.url, **QUIET) as api:
        yield api


@pytest.fixture
def market(okx: FakeOKX) -> Iterator[MarketAPI]:
    with MarketAPI(flag="1", domain=okx.url, **QUIET) as api:
        yield api


@pytest.fixture
def filled(trade: TradeAPI) -> list[str]:
    """Twelve filled market orders on the fake; their IDs as one page of OKX lists them."""
    order = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "5"}
    trade.place_multiple_orders([order] * 12).raise_for_code()
    return [order.ord_id for order in trade.get_orders_history("SPOT").raise_for_code().data]


def afters(okx: FakeOKX, path: str) -> list[str | None]:
    """The ``after`` of each request to ``path``, in order (``None``: not sent)."""
    found = []
    for request in okx.requests:
        target = urlsplit(request.path)
        if target.path == path:
            found.append(parse_qs(target.query).get("after", [None])[0])
    return found


# -- across page boundaries ------------------------------------------------------------------


def test_orders_history_in_pages_of_5_is_the_one_page_answer_in_order(
    okx: FakeOKX, trade: TradeAPI, filled: list[str]
) -> None:
    okx.clear_requests()
    walked = [order.ord_id for order in paginate(trade.get_orders_history, "SPOT", limit=5)]
    assert len(filled) == 12
    assert walked == filled  # no duplicate, no gap, newest first
    assert afters(okx, ORDERS_HISTORY) == [None, filled[4], filled[9]]


def test_fills_in_pages_of_3_are_every_fill_once_newest_first(
    trade: TradeAPI, filled: list[str]
) -> None:
    every = [fill.bill_id for fill in trade.get_fills().raise_for_code().data]
    walked = [fill.bill_id for fill in paginate(trade.get_fills, limit=3)]
    assert len(every) >= len(filled)
    assert walked == every


def test_candles_across_pages_are_consecutive_bars(market: MarketAPI) -> None:
    bars = [c.ts for c in paginate(market.get_history_candlesticks, "BTC-USDT", count=250)]
    assert len(bars) == len(set(bars)) == 250
    assert all(newer - older == MINUTE for newer, older in itertools.pairwise(bars))


def test_each_page_asks_for_the_largest_limit_okx_documents(
    okx: FakeOKX, market: MarketAPI
) -> None:
    list(paginate(market.get_candlesticks, "BTC-USDT", count=301))
    limits = [parse_qs(urlsplit(r.path).query)["limit"] for r in okx.requests]
    assert limits == [["300"], ["300"]]


# -- where the walk stops --------------------------------------------------------------------


def test_count_larger_than_one_page_gives_exactly_count_items(
    okx: FakeOKX, trade: TradeAPI, filled: list[str]
) -> None:
    okx.clear_requests()
    walked = [
        order.ord_id for order in paginate(trade.get_orders_history, "SPOT", limit=5, count=7)
    ]
    assert walked == filled[:7]
    assert len(afters(okx, ORDERS_HISTORY)) == 2  # no third page asked for


def test_pages_stops_after_that_many_requests(
    okx: FakeOKX, trade: TradeAPI, filled: list[str]
) -> None:
    okx.clear_requests()
    walked = [
        order.ord_id for order in paginate(trade.get_orders_history, "SPOT", limit=5, pages=2)
    ]
    assert walked == filled[:10]
    assert len(afters(okx, ORDERS_HISTORY)) == 2


def test_a_short_page_is_the_last(okx: FakeOKX, trade: TradeAPI, filled: list[str]) -> None:
    okx.clear_requests()
    assert len(list(paginate(trade.get_orders_history, "SPOT", limit=6))) == 12
    # 6 + 6, then an empty page: a full page never proves it was the last
    assert afters(okx, ORDERS_HISTORY) == [None, filled[5], filled[11]]


def test_since_stops_at_the_first_item_older_than_it(market: MarketAPI) -> None:
    newest = market.get_history_candlesticks("BTC-USDT", limit="1").data[0].ts
    assert newest is not None
    since = dt.datetime.fromtimestamp((newest - 150 * MINUTE) / 1000, dt.timezone.utc)
    bars = [c.ts for c in paginate(market.get_history_candlesticks, "BTC-USDT", since=since)]
    assert bars[0] == newest
    assert bars[-1] == newest - 150 * MINUTE
    assert len(bars) == 151


def test_until_starts_the_walk_at_that_time(okx: FakeOKX, market: MarketAPI) -> None:
    newest = market.get_history_candlesticks("BTC-USDT", limit="1").data[0].ts
    assert newest is not None
    until = newest - 1000 * MINUTE
    okx.clear_requests()
    bars = [
        c.ts for c in paginate(market.get_history_candlesticks, "BTC-USDT", until=until, count=3)
    ]
    assert bars == [until, until - MINUTE, until - 2 * MINUTE]
    assert len(okx.requests) == 1  # started there, not walked down to it


def test_a_time_without_a_timezone_is_refused_before_sending(
    okx: FakeOKX, market: MarketAPI
) -> None:
    naive = dt.datetime(2024, 1, 1)
    with pytest.raises(OkxParamsException, match="timezone-aware"):
        paginate(market.get_candlesticks, "BTC-USDT", since=naive)
    assert okx.requests == []


# -- the guard -------------------------------------------------------------------------------


def test_a_page_that_does_not_move_the_cursor_raises_instead_of_looping(
    okx: FakeOKX, trade: TradeAPI
) -> None:
    page = {"code": "0", "msg": "", "data": [{"ordId": "12"}, {"ordId": "11"}]}
    okx.script(Answer(body=page), Answer(body=page), Answer(body=page), path=ORDERS_HISTORY)
    walked = paginate(trade.get_orders_history, "SPOT", limit=2)
    assert [next(walked).ord_id, next(walked).ord_id] == ["12", "11"]
    with pytest.raises(OkxException, match="the cursor does not move"):
        next(walked)
    assert afters(okx, ORDERS_HISTORY) == [None, "11"]


def test_a_full_page_of_one_time_raises_rather_than_skip_or_repeat(okx: FakeOKX) -> None:
    # FundingAPI.get_bills pages by ts, which several bills may share: the next page starts
    # one millisecond above the last one, and a page of nothing but already-seen bills stops.
    bill = {"billId": "1", "ccy": "USDT", "ts": "1700000000000"}
    page = {"code": "0", "msg": "", "data": [bill, {**bill, "billId": "2"}]}
    okx.script(Answer(body=page), Answer(body=page), path="/api/v5/asset/bills")
    with FundingAPI(*DEMO, okx.url, **QUIET) as funding:
        walked = paginate(funding.get_bills, limit=2)
        assert [b.bill_id for b in [next(walked), next(walked)]] == ["1", "2"]
        with pytest.raises(OkxException, match="the cursor does not move"):
            next(walked)
    assert afters(okx, "/api/v5/asset/bills") == [None, "1700000000001"]


def test_items_sharing_a_time_across_a_page_boundary_are_kept_once(okx: FakeOKX) -> None:
    def bill(number: int, ts: int) -> dict[str, str]:
        return {"billId": str(number), "ccy": "USDT", "ts": str(ts)}

    first = {"code": "0", "msg": "", "data": [bill(5, 300), bill(4, 250), bill(3, 200)]}
    # after=201: the bills older than 201, bill 3 (seen) and bill 2 (not seen) included
    second = {"code": "0", "msg": "", "data": [bill(3, 200), bill(2, 200), bill(1, 150)]}
    third = {"code": "0", "msg": "", "data": [bill(0, 100)]}
    okx.script(*(Answer(body=page) for page in (first, second, third)), path="/api/v5/asset/bills")
    with FundingAPI(*DEMO, okx.url, **QUIET) as funding:
        walked = [b.bill_id for b in paginate(funding.get_bills, limit=3)]
    assert walked == ["5", "4", "3", "2", "1", "0"]
    assert afters(okx, "/api/v5/asset/bills") == [None, "201", "151"]


def test_an_okx_error_on_a_page_raises_it(okx: FakeOKX, trade: TradeAPI) -> None:
    okx.script(Answer(body={"code": "50011", "msg": "Too Many Requests", "data": []}))
    with pytest.raises(okx_v5.OkxAPIException) as raised:
        list(paginate(trade.get_orders_history, "SPOT"))
    assert raised.value.code == "50011"


def test_a_method_okx_does_not_page_is_refused_before_sending(
    okx: FakeOKX, trade: TradeAPI
) -> None:
    with pytest.raises(OkxParamsException, match="not an endpoint OKX pages"):
        paginate(trade.get_order, "BTC-USDT", ordId="1")
    assert okx.requests == []


# -- the facts against the methods and models ------------------------------------------------


def api_class(method: str) -> type[OkxClient]:
    cls: type[OkxClient] = getattr(okx_v5, method.partition(".")[0])
    return cls


def parameters(method: str) -> set[str]:
    name = method.partition(".")[2]
    return set(inspect.signature(getattr(api_class(method), name)).parameters)


@pytest.mark.parametrize(
    "entry", [*FACTS_PAGING["paged"], *FACTS_PAGING["left_out"]], ids=lambda e: e["method"]
)
def test_every_endpoint_the_paging_facts_name_is_a_method_with_after_before_limit(
    entry: dict[str, Any],
) -> None:
    assert {"after", "before", "limit"} <= parameters(entry["method"])


def test_every_method_with_after_and_before_is_paged_or_left_out_with_a_reason() -> None:
    named = {entry["method"] for part in ("paged", "left_out") for entry in FACTS_PAGING[part]}
    found = set()
    for name in okx_v5.__all__:
        cls = getattr(okx_v5, name)
        if isinstance(cls, type) and issubclass(cls, OkxClient):
            for method, _ in inspect.getmembers(cls, inspect.isfunction):
                if {"after", "before"} <= parameters(f"{name}.{method}"):
                    found.add(f"{name}.{method}")
    assert found == named


def test_no_paged_method_has_an_argument_named_like_an_option_of_paginate() -> None:
    for method in paged():
        assert not {"count", "since", "until", "pages"} & parameters(method), method


def model_fields(method: str, path: str) -> list[str]:
    """The wire names of the fields of the endpoint's model, from the module's facts."""
    cls = api_class(method)
    module = cls.__module__.removeprefix("okx_v5.")
    facts = json.loads((FACTS / f"{module}.json").read_text(encoding="utf-8"))
    (endpoint,) = [e for e in facts["endpoints"] if e["path"] == path]
    return [field["name"] for field in facts["models"][endpoint["response"]["model"]]["fields"]]


@pytest.mark.parametrize("entry", FACTS_PAGING["paged"], ids=lambda e: e["method"])
def test_cursor_and_time_are_fields_of_the_items(entry: dict[str, Any]) -> None:
    fields = model_fields(entry["method"], entry["path"])
    for field in (entry["cursor"], entry["time"]):
        assert field < len(fields) if isinstance(field, int) else field in fields


def test_paging_of_finds_a_method_by_its_class() -> None:
    # Two classes have a get_orders_history: each is found as its own.
    with TradeAPI(*DEMO) as trade, okx_v5.StakingDefiAPI(*DEMO) as staking:
        assert paging_of(trade.get_orders_history).path == ORDERS_HISTORY
        assert paging_of(staking.get_orders_history).cursor == "ordId"
        assert "staking-defi" in paging_of(staking.get_orders_history).path


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKX_API_KEY", FakeOKX.DEMO_KEY)
    monkeypatch.setenv("OKX_API_SECRET", FakeOKX.DEMO_SECRET)
    monkeypatch.setenv("OKX_PASSPHRASE", FakeOKX.DEMO_PASSPHRASE)
    monkeypatch.setenv("COLUMNS", "100")


def test_cli_all_prints_every_item_of_every_page(
    okx: FakeOKX, filled: list[str], demo_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = ["--domain", okx.url, "--json", "trade", "orders-history", "--inst-type", "SPOT"]
    assert cli.main([*argv, "--limit", "5", "--all"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["code"] == "0"
    assert [order["ordId"] for order in answer["data"]] == filled


def test_cli_pages_prints_the_items_of_that_many_pages_as_a_table(
    okx: FakeOKX, filled: list[str], demo_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = ["--domain", okx.url, "trade", "orders-history", "--inst-type", "SPOT", "--limit", "5"]
    assert cli.main([*argv, "--pages", "2", "--columns", "ord_id"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.strip() for line in lines[1:-1]] == filled[:10]
    assert lines[-1] == "10 rows"


def test_cli_without_paging_options_prints_one_page(
    okx: FakeOKX, filled: list[str], demo_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = ["--domain", okx.url, "--json", "trade", "orders-history", "--inst-type", "SPOT"]
    assert cli.main([*argv, "--limit", "5"]) == 0
    assert len(json.loads(capsys.readouterr().out)["data"]) == 5


def test_only_paged_commands_take_all_and_pages(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["trade", "order", "--inst-id", "BTC-USDT", "--all"]) == 2
    assert "--all" in capsys.readouterr().err
