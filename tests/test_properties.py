"""Property tests: any input either goes out well-formed and correctly signed, or is refused."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okx_v5 import AccountAPI, OkxParamsException, PublicAPI
from okx_v5.ratelimit import RateLimiter
from okx_v5.retry import RetryPolicy

from .helpers import KEY, LEVERAGE_URL, PASSPHRASE, SECRET, TIERS_URL, independent_sign

ids = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.lists(st.text(max_size=12), max_size=25),
    st.integers(),
    st.sampled_from(["BTC-USDT-SWAP", "ETH-USDT", "BTC-USDT, ETH-USDT", "A,,B"]),
)
modes = st.one_of(
    st.none(), st.text(max_size=10), st.sampled_from(["cross", "isolated", "CROSS"]), st.integers()
)
EMPTY = {"code": "0", "msg": "", "data": []}


@settings(
    max_examples=300,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mgn_mode=modes, ccy=ids, inst_id=ids)
def test_get_leverage_sends_a_signed_well_formed_request_or_refuses(
    mgn_mode: object, ccy: object, inst_id: object
) -> None:
    api = AccountAPI(KEY, SECRET, PASSPHRASE, False, "1", rate_limit=False)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(LEVERAGE_URL, json=EMPTY)
        try:
            result = api.get_leverage(mgn_mode, ccy, inst_id)  # type: ignore[arg-type]
        except OkxParamsException:
            assert len(mock.calls) == 0
            return
        except DeprecationWarning:
            return  # the legacy order was detected (filterwarnings=error)
        assert result.ok
        sent = mock.calls[0].request
        split = urlsplit(sent.url)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        assert query["mgnMode"] in ("cross", "isolated")
        assert query.get("instId") or query.get("ccy")
        for name in ("instId", "ccy"):
            if name in query:
                items = query[name].split(",")
                assert 1 <= len(items) <= 20
                assert all(item and item == item.strip() for item in items)
        path = sent.url.removeprefix("https://www.okx.com")
        assert sent.headers["OK-ACCESS-SIGN"] == independent_sign(
            SECRET, sent.headers["OK-ACCESS-TIMESTAMP"] + "GET" + path
        )


@settings(max_examples=300)
@given(
    inst_type=st.one_of(
        st.none(), st.text(max_size=8), st.sampled_from(["SWAP", "MARGIN", "option", "FUTURES"])
    ),
    td_mode=modes,
    uly=ids,
    inst_id=ids,
    ccy=st.one_of(st.none(), st.text(max_size=6), st.integers()),
    tier=st.one_of(st.none(), st.integers(-3, 30), st.text(max_size=4), st.booleans()),
    inst_family=ids,
)
def test_get_position_tiers_sends_a_well_formed_request_or_refuses(
    inst_type: object,
    td_mode: object,
    uly: object,
    inst_id: object,
    ccy: object,
    tier: object,
    inst_family: object,
) -> None:
    api = PublicAPI(rate_limit=False)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(TIERS_URL, json=EMPTY)
        try:
            api.get_position_tiers(inst_type, td_mode, uly, inst_id, ccy, tier, inst_family)  # type: ignore[arg-type]
        except OkxParamsException:
            assert len(mock.calls) == 0
            return
        query = dict(parse_qsl(urlsplit(mock.calls[0].request.url).query, keep_blank_values=True))
        assert query["instType"] in ("MARGIN", "SWAP", "FUTURES", "OPTION")
        assert query["tdMode"] in ("cross", "isolated")
        if query["instType"] == "MARGIN":
            assert query.get("instId") or query.get("ccy")
        else:
            assert query.get("instFamily") or query.get("uly")
        if "tier" in query:
            assert int(query["tier"]) > 0


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
