"""Property tests: valid input goes out well-formed and signed; invalid input is refused unsent."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okx_v5 import AccountAPI, OkxParamsException, PublicAPI
from okx_v5.ratelimit import RateLimiter
from okx_v5.retry import RetryPolicy
from okx_v5.testing import FakeOKX

from .helpers import KEY, LEVERAGE_URL, PASSPHRASE, SECRET, TIERS_URL, independent_sign

EMPTY = {"code": "0", "msg": "", "data": []}

# -- valid input: every example reaches the wire ----------------------------------------------

# IDs as OKX writes them, and as scripts pass them: any case for choices, lists or one
# comma-joined string, with stray spaces around items.
token = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=6)
okx_id = st.builds("-".join, st.lists(token, min_size=1, max_size=4))
id_lists = st.lists(okx_id, min_size=1, max_size=20)
spaced = st.sampled_from(["", " ", "  "])


def given_as(items: list[str], pad: str, joined: bool) -> str | list[str]:
    return ",".join(pad + item + pad for item in items) if joined else items


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


@settings(max_examples=150)
@given(
    mode=st.sampled_from(["cross", "isolated", "CROSS", " Isolated "]),
    inst_ids=st.one_of(st.none(), id_lists),
    ccys=st.one_of(st.none(), st.lists(token, min_size=1, max_size=20)),
    pad=spaced,
    joined=st.booleans(),
)
def test_valid_get_leverage_calls_reach_the_wire_signed(
    mode: str, inst_ids: list[str] | None, ccys: list[str] | None, pad: str, joined: bool
) -> None:
    if inst_ids is None and ccys is None:
        inst_ids = ["BTC-USDT-SWAP"]
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", rate_limit=False)
    with responses.RequestsMock() as mock:
        mock.get(LEVERAGE_URL, json=EMPTY)
        api.get_leverage(
            mode,
            ccy=given_as(ccys, pad, joined) if ccys else "",
            instId=given_as(inst_ids, pad, joined) if inst_ids else "",
        )
        sent = mock.calls[0].request
    query = dict(parse_qsl(urlsplit(sent.url).query))
    assert query["mgnMode"] == mode.strip().lower()
    assert query.get("instId", "").split(",") == (unique(inst_ids) if inst_ids else [""])
    assert query.get("ccy", "").split(",") == (unique(ccys) if ccys else [""])
    path = sent.url.removeprefix("https://www.okx.com")
    assert sent.headers["OK-ACCESS-SIGN"] == independent_sign(
        SECRET, sent.headers["OK-ACCESS-TIMESTAMP"] + "GET" + path
    )


@settings(max_examples=150)
@given(
    inst_type=st.sampled_from(["SWAP", "FUTURES", "OPTION", "swap", "Option"]),
    td_mode=st.sampled_from(["cross", "isolated", "ISOLATED"]),
    families=st.lists(okx_id, min_size=1, max_size=5),
    legacy=st.booleans(),
    tier=st.one_of(st.none(), st.integers(1, 10**30), st.integers(1, 99).map(str)),
)
def test_valid_derivative_tier_calls_reach_the_wire(
    inst_type: str, td_mode: str, families: list[str], legacy: bool, tier: int | str | None
) -> None:
    api = PublicAPI(rate_limit=False)
    name, families = ("uly", families[:3]) if legacy else ("instFamily", families)  # as documented
    with responses.RequestsMock() as mock:
        mock.get(TIERS_URL, json=EMPTY)
        api.get_position_tiers(inst_type, td_mode, tier=tier, **{name: families})
        query = dict(parse_qsl(urlsplit(mock.calls[0].request.url).query))
    assert query["instType"] == inst_type.upper()
    assert query["tdMode"] == td_mode.lower()
    assert query[name].split(",") == unique(families)
    assert query.get("tier") == (None if tier is None else str(tier))


@settings(max_examples=100)
@given(
    inst_ids=st.one_of(st.none(), st.lists(okx_id, min_size=1, max_size=5)),
    ccy=st.one_of(st.none(), token),
)
def test_valid_margin_tier_calls_reach_the_wire(
    inst_ids: list[str] | None, ccy: str | None
) -> None:
    if inst_ids is None and ccy is None:
        ccy = "BTC"
    api = PublicAPI(rate_limit=False)
    with responses.RequestsMock() as mock:
        mock.get(TIERS_URL, json=EMPTY)
        api.get_position_tiers("MARGIN", "cross", instId=inst_ids, ccy=ccy)
        query = dict(parse_qsl(urlsplit(mock.calls[0].request.url).query))
    assert query.get("instId", "").split(",") == (unique(inst_ids) if inst_ids else [""])
    assert query.get("ccy") == ccy


# -- invalid input: every example is refused before anything is sent -------------------------

not_a_mode = st.one_of(
    st.text(max_size=10).filter(lambda text: text.strip().lower() not in ("cross", "isolated", "")),
    st.integers(),
    st.lists(st.just("cross"), min_size=1, max_size=2),
)
bad_id_list = st.one_of(
    st.lists(okx_id, min_size=21, max_size=30).filter(lambda items: len(set(items)) > 20),
    st.builds(lambda items, at: [*items[:at], "", *items[at:]], id_lists, st.integers(0, 20)),
    st.builds(lambda items: [*items, 7], st.lists(okx_id, max_size=5)),
    st.integers(),
    st.just("A,,B"),
    st.just("\ud800"),
)


@settings(max_examples=150)
@given(
    case=st.one_of(
        st.tuples(st.just("mgnMode"), not_a_mode, st.just(["BTC-USDT-SWAP"]), st.just("")),
        st.tuples(st.just("instId"), st.just("cross"), bad_id_list, st.just("")),
        st.tuples(st.just("ccy"), st.just("cross"), st.just(""), bad_id_list),
        st.tuples(st.just("instId"), st.just("cross"), st.sampled_from(["", None, []]), st.none()),
    )
)
def test_invalid_get_leverage_calls_are_refused_before_sending(
    case: tuple[str, object, object, object],
) -> None:
    param, mode, inst_id, ccy = case
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", rate_limit=False, validate="strict")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(LEVERAGE_URL, json=EMPTY)
        with pytest.raises(OkxParamsException) as info:
            api.get_leverage(mode, ccy=ccy, instId=inst_id)  # type: ignore[arg-type]
        assert len(mock.calls) == 0
    assert info.value.method == "get_leverage"
    assert info.value.param == param


@settings(max_examples=150)
@given(
    case=st.one_of(
        st.tuples(
            st.just("instType"),
            st.text(max_size=8).filter(
                lambda t: t.strip().upper() not in ("SWAP", "FUTURES", "OPTION", "MARGIN", "")
            ),
            st.just({}),
        ),
        # OKX documents no rule for tier: only a number too long to write is refused
        st.tuples(st.just("tier"), st.just("SWAP"), st.just({"tier": 10**5000})),
        st.tuples(
            st.just("instFamily"),
            st.just("SWAP"),
            st.fixed_dictionaries(
                {
                    "instFamily": st.lists(okx_id, min_size=6, max_size=9).filter(
                        lambda items: len(set(items)) > 5
                    )
                }
            ),
        ),
        st.tuples(st.just("uly"), st.sampled_from(["SWAP", "OPTION"]), st.just({})),
        st.tuples(st.just("instId"), st.just("MARGIN"), st.just({})),
    )
)
def test_invalid_tier_calls_are_refused_before_sending(
    case: tuple[str, str, dict[str, object]],
) -> None:
    param, inst_type, extra = case
    given_family = {"instFamily": "BTC-USDT"} if param in ("tier", "instType") else {}
    api = PublicAPI(rate_limit=False, validate="strict")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(TIERS_URL, json=EMPTY)
        with pytest.raises(OkxParamsException) as info:
            api.get_position_tiers(inst_type, "cross", **{**given_family, **extra})  # type: ignore[arg-type]
        assert len(mock.calls) == 0
    assert info.value.param == param


# -- round trip: what is accepted reaches the exchange unchanged, correctly signed ------------


@pytest.fixture(scope="module")
def exchange() -> Iterator[FakeOKX]:
    with FakeOKX(rate_limits=False) as okx:
        yield okx


any_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=","),
    min_size=1,
    max_size=12,
).filter(lambda text: text.strip() == text)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(any_text, min_size=1, max_size=20), ccy=any_text)
def test_accepted_values_reach_the_exchange_unchanged_and_signed(
    exchange: FakeOKX, items: list[str], ccy: str
) -> None:
    api = AccountAPI(
        FakeOKX.DEMO_KEY, FakeOKX.DEMO_SECRET, FakeOKX.DEMO_PASSPHRASE, False, "1", exchange.url,
        rate_limit=False,
    )  # fmt: skip
    exchange.clear_requests()
    result = api.get_leverage("cross", ccy=ccy, instId=items)
    assert result.code not in ("50113", "50112", "50102")  # the signature was accepted
    (seen,) = exchange.requests
    query = dict(parse_qsl(urlsplit(seen.path).query))
    assert query["instId"].split(",") == unique(items)
    assert query["ccy"] == ccy
    assert query["mgnMode"] == "cross"


@settings(max_examples=200)
@given(
    attempts=st.integers(1, 10),
    elapsed=st.floats(0, 20),
    asked=st.one_of(st.none(), st.floats(0, 30)),
    draw=st.floats(0, 1, exclude_max=True),
)
def test_a_retry_wait_is_bounded_by_backoff_and_budget(
    attempts: int, elapsed: float, asked: float | None, draw: float
) -> None:
    policy = RetryPolicy(random=lambda: draw, clock=lambda: elapsed)
    pause = policy.next_delay(attempts, 0.0, asked)
    if pause is None:
        return
    assert attempts <= policy.max_retries
    assert elapsed + pause <= policy.budget
    if asked is None:
        assert 0 <= pause <= min(policy.cap, policy.base * 2 ** (attempts - 1))
    else:
        assert pause == asked


@settings(max_examples=200)
@given(
    limit=st.integers(1, 10),
    gaps=st.lists(st.floats(0, 1.5), min_size=1, max_size=60),
)
def test_the_limiter_never_lets_more_than_the_limit_into_a_window(
    limit: int, gaps: list[float]
) -> None:
    now = [0.0]
    limiter = RateLimiter(limit, 1.0, margin=0.0, clock=lambda: now[0], sleep=lambda _: None)
    sent = []
    for gap in gaps:
        now[0] += gap
        sent.append(now[0] + limiter.reserve())
    assert sent == sorted(sent)
    assert all(
        later - earlier >= 1.0 - 1e-9 for earlier, later in zip(sent, sent[limit:], strict=False)
    )
