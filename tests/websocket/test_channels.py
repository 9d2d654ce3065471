"""OKX's WebSocket facts, and the declarations generated from them.

``okx_v5/facts/websocket.json`` follows its JSON Schema and names its sources;
``okx_v5._generated.channels`` is what ``tools/generate.py`` makes of it; the look-ups of
``okx_v5.websocket.declarations`` find channels, operations, sites and codes; and each channel's
model is a REST model that really lacks the fields the facts say it lacks.
"""

from __future__ import annotations

import copy
import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

from okx_v5._generated import channels as generated
from okx_v5._generated.channels import CHANNELS, LIMITS, OPERATIONS, PATHS, SITES
from okx_v5.converter import field_wire_name
from okx_v5.websocket import declarations
from okx_v5.websocket.declarations import (
    Channel,
    Operation,
    Site,
    channel_for,
    close_reason,
    error_message,
    operation_for,
    site_for,
)

from ..helpers import tool

ROOT = Path(__file__).resolve().parents[2]
FACTS_FILE = ROOT / "okx_v5" / "facts" / "websocket.json"
FACTS = json.loads(FACTS_FILE.read_text(encoding="utf-8"))
SCHEMA = json.loads((ROOT / "okx_v5" / "facts" / "websocket.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
TYPED = [channel for channel in CHANNELS if channel.model_ref]


def sources_named(value: object) -> Iterator[str]:
    """Every ``source`` key in the facts, however deep."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "source":
                yield item
            else:
                yield from sources_named(item)
    elif isinstance(value, list):
        for item in value:
            yield from sources_named(item)


def wire_fields(model: type[Any]) -> dict[str, type[Any]]:
    """A model's fields by wire name, each with the model of its items (or ``object``)."""
    hints = typing.get_type_hints(model)
    found = {}
    for field in attrs.fields(model):
        inner = hints[field.name]
        while typing.get_args(inner):  # list[X] | None → X
            inner = next(arg for arg in typing.get_args(inner) if arg is not type(None))
        found[field_wire_name(field)] = inner if attrs.has(inner) else object
    return found


# -- the facts file ------------------------------------------------------------------------------


def test_the_websocket_facts_follow_their_schema() -> None:
    VALIDATOR.check_schema(SCHEMA)
    assert [error.message for error in VALIDATOR.iter_errors(FACTS)] == []


def test_the_schema_refuses_a_channel_on_a_path_that_is_not_one_of_the_three() -> None:
    wrong = copy.deepcopy(FACTS)
    wrong["channels"][0]["path"] = "/ws/v5/public"
    assert not VALIDATOR.is_valid(wrong)


def test_the_schema_refuses_extra_fields_on_a_channel_without_a_model() -> None:
    wrong = copy.deepcopy(FACTS)
    untyped = next(channel for channel in wrong["channels"] if channel["model"] is None)
    untyped["extra_fields"] = ["ts"]
    assert not VALIDATOR.is_valid(wrong)


def test_every_source_a_fact_names_is_listed_in_sources() -> None:
    named = set(sources_named({key: FACTS[key] for key in FACTS if key != "sources"}))
    assert named
    assert named <= set(FACTS["sources"])


def test_the_generated_declarations_are_what_the_generator_makes_of_the_facts() -> None:
    generate = tool("generate")
    target = Path(generated.__file__)
    text = generate.formatted(target, generate.render_websocket(generate.load(FACTS_FILE)))
    assert text == target.read_text(encoding="utf-8")
    assert target in generate.generated_files()  # so --check finds it stale or orphaned


# -- channels --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["tickers", "books-l2-tbt", "balance_and_position", "status"])
def test_channel_for_finds_a_plain_channel_by_its_name(name: str) -> None:
    channel = channel_for(name)
    assert channel is not None
    assert channel.name == name
    assert not channel.family


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("candle1H", "candle"),
        ("candle1s", "candle"),
        ("mark-price-candle1m", "mark-price-candle"),
        ("mark-price-candle1Yutc", "mark-price-candle"),
        ("index-candle2H", "index-candle"),
        ("sprd-candle1Dutc", "sprd-candle"),
    ],
)
def test_channel_for_finds_the_family_of_a_channel_per_bar(name: str, family: str) -> None:
    channel = channel_for(name)
    assert channel is not None
    assert channel.family
    assert channel.name == family


@pytest.mark.parametrize("name", ["nope", "candle", "candle7m", "sprd-candle1s", "Tickers", ""])
def test_channel_for_finds_nothing_for_a_name_okx_does_not_document(name: str) -> None:
    assert channel_for(name) is None


@pytest.fixture
def nested_families(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Two families, one's name the start of the other's (no OKX channels are like this yet)."""
    short = Channel(name="candle", path="business", login=False, family=True, bars=("-1m", "1m"))
    long = Channel(name="candle-", path="business", login=False, family=True, bars=("1m",))
    monkeypatch.setattr(generated, "CHANNELS", (short, long))
    declarations._channel_index.cache_clear()
    yield
    declarations._channel_index.cache_clear()


@pytest.mark.usefixtures("nested_families")
def test_channel_for_tries_the_longest_family_name_first() -> None:
    found = channel_for("candle-1m")
    assert found is not None
    assert found.name == "candle-"


def test_a_family_covers_one_channel_name_per_bar_and_a_plain_channel_its_own() -> None:
    candle = channel_for("candle1m")
    tickers = channel_for("tickers")
    assert candle is not None
    assert tickers is not None
    assert "candle1Dutc" in candle.names()
    assert len(candle.names()) == len(candle.bars) > 20
    assert tickers.names() == ("tickers",)


def test_channel_names_are_unique_across_channels_and_families() -> None:
    names = [name for channel in CHANNELS for name in channel.names()]
    assert len(names) == len(set(names))
    assert all(channel_for(name) is not None for name in names)


def test_every_channel_is_on_one_of_the_three_services() -> None:
    assert set(PATHS) == {"public", "private", "business"}
    assert set(PATHS.values()) == {"/ws/v5/public", "/ws/v5/private", "/ws/v5/business"}
    assert {channel.path for channel in CHANNELS} == set(PATHS)


def test_every_private_channel_needs_a_login() -> None:
    assert all(channel.login for channel in CHANNELS if channel.path == "private")


@pytest.mark.parametrize("channel", TYPED, ids=lambda channel: channel.name)
def test_every_model_ref_resolves_to_an_attrs_class(channel: Channel) -> None:
    assert channel.model_ref is not None
    assert channel.model_ref.startswith("okx_v5._generated.models.")
    assert attrs.has(channel.model)


def test_a_channel_without_a_rest_model_has_no_model() -> None:
    channel = channel_for("balance_and_position")
    assert channel is not None
    assert channel.model is None
    assert channel.extra_fields == ()


@pytest.mark.parametrize(
    ("channel", "field"),
    [(channel, field) for channel in TYPED for field in channel.extra_fields],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_every_extra_field_is_really_absent_from_the_model(channel: Channel, field: str) -> None:
    model = channel.model
    assert model is not None
    *parents, name = field.split(".")
    for parent in parents:  # details.coinUsdPrice: a field of the model of details' items
        model = wire_fields(model)[parent]
        assert attrs.has(model)
    assert name not in wire_fields(model)


def test_the_connection_limited_channels_are_okx_s_six() -> None:
    limited = {channel.name for channel in CHANNELS if channel.conn_limited}
    assert limited == {
        "orders",
        "account",
        "positions",
        "balance_and_position",
        "liquidation-warning",
        "account-greeks",
    }
    assert LIMITS.connections_per_channel == 30


def test_order_books_say_whether_they_push_updates_or_whole_books() -> None:
    books = {channel.name: channel.book for channel in CHANNELS if channel.book}
    assert books == {
        "books": "incremental",
        "books-l2-tbt": "incremental",
        "books50-l2-tbt": "incremental",
        "sprd-books-l2-tbt": "incremental",
        "books5": "full",
        "bbo-tbt": "full",
        "sprd-books5": "full",
        "sprd-bbo-tbt": "full",
    }


def test_a_channel_links_to_its_section_of_okx_s_docs() -> None:
    tickers = channel_for("tickers")
    assert tickers is not None
    assert tickers.docs_url == (
        "https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-tickers-channel"
    )
    assert Channel(name="x", path="public", login=False).docs_url == ""


# -- operations, sites, limits and codes ---------------------------------------------------------


@pytest.mark.parametrize("op", ["batch-orders", "batch-cancel-orders", "batch-amend-orders"])
def test_the_batch_operations_take_at_most_20_items_on_the_private_service(op: str) -> None:
    operation = operation_for(op)
    assert operation is not None
    assert operation.max_items == 20
    assert operation.paths == ("private",)
    assert operation.login


def test_operation_for_finds_nothing_for_an_unknown_op() -> None:
    assert operation_for("batch-everything") is None


def test_login_signs_get_users_self_verify_and_goes_to_every_service() -> None:
    login = operation_for("login")
    assert login is not None
    assert login.sign == ("GET", "/users/self/verify")
    assert set(login.paths) == set(PATHS)
    assert login.docs_url.endswith("#overview-websocket-login")
    assert Operation(op="x", paths=("public",), login=False).docs_url == ""


def test_the_order_operations_keep_okx_s_rate_limits() -> None:
    place = operation_for("order")
    batch = operation_for("batch-orders")
    assert place is not None
    assert batch is not None
    (place_limit,) = place.limits
    (batch_limit,) = batch.limits
    assert place_limit.describe() == "60 requests / 2 s per user ID and instId"
    assert batch_limit.describe() == "300 items / 2 s per user ID and instId"
    assert {operation.op for operation in OPERATIONS if operation.exp_time} == {
        "order",
        "batch-orders",
        "amend-order",
        "batch-amend-orders",
    }


def test_the_connection_limits_are_okx_s_numbers() -> None:
    assert (LIMITS.connections_per_second, LIMITS.requests_per_hour) == (3, 480)
    assert (LIMITS.subscribe_args_max_kb, LIMITS.idle_seconds) == (64, 30)
    assert (LIMITS.ping, LIMITS.pong) == ("ping", "pong")
    assert LIMITS.sub_account_orders.describe() == "1000 items / 2 s per user ID"


@pytest.mark.parametrize(
    ("domain", "live", "demo"),
    [
        ("https://www.okx.com", "wss://ws.okx.com:8443", "wss://wspap.okx.com:8443"),
        ("https://eea.okx.com/", "wss://wseea.okx.com:8443", "wss://wseeapap.okx.com:8443"),
        ("https://US.okx.com", "wss://wsus.okx.com:8443", "wss://wsuspap.okx.com:8443"),
    ],
)
def test_site_for_gives_the_websocket_hosts_of_a_rest_domain(
    domain: str, live: str, demo: str
) -> None:
    site = site_for(domain)
    assert site is not None
    assert site.url("public") == live + "/ws/v5/public"
    assert site.url("business", demo=True) == demo + "/ws/v5/business"


def test_site_for_finds_nothing_for_an_unknown_domain() -> None:
    assert site_for("https://example.com") is None


def test_a_site_without_a_demo_host_refuses_a_demo_url() -> None:
    aws = site_for("https://aws.okx.com")
    assert aws is not None
    assert aws.deprecated
    assert aws.url("private") == "wss://wsaws.okx.com:8443/ws/v5/private"
    with pytest.raises(ValueError, match="no source names a demo"):
        aws.url("private", demo=True)


def test_every_site_has_its_own_rest_domain() -> None:
    domains = [site.rest for site in SITES]
    assert len(domains) == len(set(domains))
    assert all(isinstance(site, Site) for site in SITES)


@pytest.mark.parametrize("code", [60012, "60012"])
def test_error_message_names_a_websocket_error_code(code: int | str) -> None:
    assert error_message(code) == "Invalid request"


def test_error_message_is_empty_for_a_code_okx_does_not_document() -> None:
    assert error_message("51000") == ""


def test_close_reason_names_a_close_frame_status_code() -> None:
    assert close_reason(4004) == "No data received in 30s"
    assert close_reason(1000) == ""
