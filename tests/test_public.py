"""PublicAPI.get_position_tiers: the documented call, unsigned requests and the parameter rules."""

from __future__ import annotations

from decimal import Decimal

import pytest
import responses

import okx_v5.PublicData as PublicData
from okx_v5 import OkxParamsException, PositionTier

from .helpers import KEY, PASSPHRASE, SECRET, TIERS_ANSWER, TIERS_URL


def test_documented_example_runs_as_written(tiers_ok: responses.RequestsMock) -> None:
    flag = "0"  # Production trading: 0, Demo trading: 1

    publicDataAPI = PublicData.PublicAPI(flag=flag)

    result = publicDataAPI.get_position_tiers(instType="SWAP", tdMode="cross", uly="BTC-USD")

    assert result == TIERS_ANSWER
    sent = tiers_ok.calls[0].request
    assert sent.url == TIERS_URL + "?instType=SWAP&tdMode=cross&uly=BTC-USD"
    assert sent.headers["x-simulated-trading"] == "0"
    assert result.data == [
        PositionTier(
            uly=None,
            inst_family=None,
            inst_id="BTC-USDT",
            tier=1,
            min_sz=Decimal("0"),
            max_sz=Decimal("50"),
            mmr=Decimal("0.03"),
            imr=Decimal("0.1"),
            max_lever=Decimal("10"),
            opt_mgn_factor=Decimal("0"),
            quote_max_loan=Decimal("500000"),
            base_max_loan=Decimal("50"),
        )
    ]


def test_public_endpoint_is_unsigned_even_with_credentials(
    tiers_ok: responses.RequestsMock,
) -> None:
    with PublicData.PublicAPI(KEY, SECRET, PASSPHRASE, False, "1") as api:
        api.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT")
    headers = tiers_ok.calls[0].request.headers
    assert not any(name.upper().startswith("OK-ACCESS") for name in headers)
    assert headers["x-simulated-trading"] == "1"


def test_all_parameters_go_out_in_python_okx_order(
    public: PublicData.PublicAPI, tiers_ok: responses.RequestsMock
) -> None:
    public.get_position_tiers(
        "swap", "ISOLATED", uly="BTC-USD", instFamily=["BTC-USDT", "ETH-USDT"], tier=2
    )
    assert tiers_ok.calls[0].request.url == (
        TIERS_URL + "?instType=SWAP&tdMode=isolated&uly=BTC-USD&tier=2&instFamily=BTC-USDT,ETH-USDT"
    )


@pytest.mark.parametrize("tier", ["02", 0, "one", 1.5])
def test_a_tier_is_sent_as_given_since_okx_documents_no_rule_for_it(
    tier: object, public: PublicData.PublicAPI, tiers_ok: responses.RequestsMock
) -> None:
    public.get_position_tiers("SWAP", "cross", instFamily="BTC-USDT", tier=tier)  # type: ignore[arg-type]
    assert tiers_ok.calls[0].request.url.endswith(f"&tier={tier}&instFamily=BTC-USDT")


def test_margin_takes_inst_id_or_ccy(
    public: PublicData.PublicAPI, tiers_ok: responses.RequestsMock
) -> None:
    public.get_position_tiers("MARGIN", "cross", instId="BTC-USDT")
    public.get_position_tiers("MARGIN", "cross", ccy="USDT", tier=3)
    urls = [call.request.url for call in tiers_ok.calls]
    assert urls == [
        TIERS_URL + "?instType=MARGIN&tdMode=cross&instId=BTC-USDT",
        TIERS_URL + "?instType=MARGIN&tdMode=cross&ccy=USDT&tier=3",
    ]


def test_five_families_are_allowed(
    public: PublicData.PublicAPI, tiers_ok: responses.RequestsMock
) -> None:
    public.get_position_tiers("FUTURES", "cross", instFamily="A-USD,B-USD,C-USD,D-USD,E-USD")
    assert len(tiers_ok.calls) == 1


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            ("SPOT", "cross"),
            {"instFamily": "BTC-USDT"},
            "get_position_tiers: instType is 'SPOT'; allowed values are MARGIN, SWAP, FUTURES, OPTION",
        ),
        ((None, "cross"), {"instFamily": "BTC-USDT"}, "get_position_tiers: instType is required"),
        (
            ("SWAP", "cash"),
            {"instFamily": "BTC-USDT"},
            "get_position_tiers: tdMode is 'cash'; allowed values are cross, isolated",
        ),
        (("SWAP", None), {"instFamily": "BTC-USDT"}, "get_position_tiers: tdMode is required"),
        (
            ("SWAP", "cross"),
            {},
            "get_position_tiers: one of uly, instFamily is required when instType is SWAP",
        ),
        (
            ("OPTION", "cross"),
            {"instId": "BTC-USD-250101-1-C"},
            "get_position_tiers: one of uly, instFamily is required when instType is OPTION",
        ),
        (
            ("MARGIN", "cross"),
            {},
            "get_position_tiers: one of instId, ccy is required when instType is MARGIN",
        ),
        (
            ("SWAP", "cross"),
            {"instFamily": "A,B,C,D,E,F"},
            "get_position_tiers: instFamily has 6 items; at most 5 are allowed",
        ),
        (
            ("SWAP", "cross"),
            {"uly": ["A", "B", "C", "D"]},
            "get_position_tiers: uly has 4 items; at most 3 are allowed",
        ),
        (
            ("MARGIN", "cross"),
            {"instId": "A,B,C,D,E,F"},
            "get_position_tiers: instId has 6 items; at most 5 are allowed",
        ),
    ],
)
def test_get_position_tiers_rejects_bad_input_before_sending(
    public: PublicData.PublicAPI,
    mocked: responses.RequestsMock,
    args: tuple[object, ...],
    kwargs: dict[str, object],
    message: str,
) -> None:
    with pytest.raises(OkxParamsException) as caught:
        public.get_position_tiers(*args, **kwargs, validate="strict")  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)
    assert len(mocked.calls) == 0


def test_validate_false_lets_new_values_through(
    public: PublicData.PublicAPI, tiers_ok: responses.RequestsMock
) -> None:
    public.get_position_tiers("PERP", "cross", tier=0, validate=False)
    assert tiers_ok.calls[0].request.url == TIERS_URL + "?instType=PERP&tdMode=cross&tier=0"
