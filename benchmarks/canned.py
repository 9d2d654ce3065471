"""Canned OKX answers and the requests that ask for them, shared by the server and the runner."""

from __future__ import annotations

import json
from typing import Any

KEY = "bench-key-0000-1111-2222-333344445555"
SECRET = "BENCH-SECRET-22582BD0CFF14C41EDBF1AB98506286D"
PASSPHRASE = "bench-passphrase"

LEVERAGE_PATH = "/api/v5/account/leverage-info"
TIERS_PATH = "/api/v5/public/position-tiers"
ORDER_PATH = "/api/v5/trade/order"
BALANCE_PATH = "/api/v5/account/balance"

# place_order: a limit order, as python-okx's example places one; the body python-okx sends.
ORDER = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "sz": "0.01"}
ORDER_PX = "65000.5"

# get_leverage: 20 instruments (OKX's maximum per call), each with a long and a short item.
_BASES = ("BTC", "ETH", "SOL", "XRP", "DOGE", "ADA", "AVAX", "LINK", "DOT", "LTC")
_BASES += ("BCH", "TRX", "TON", "NEAR", "APT", "ARB", "OP", "FIL", "ATOM", "UNI")
INST_IDS = [f"{base}-USDT-SWAP" for base in _BASES]
LEVERAGE_QUERY = "?instId=" + ",".join(INST_IDS) + "&mgnMode=cross"

# get_position_tiers: 5 instrument families (OKX's maximum), 126 tiers in all.
FAMILIES = {"BTC-USDT": 30, "ETH-USDT": 28, "SOL-USDT": 25, "XRP-USDT": 23, "DOGE-USDT": 20}
TIERS_QUERY = "?instType=SWAP&tdMode=cross&instFamily=" + ",".join(FAMILIES)


def leverage_answer() -> dict[str, Any]:
    data = [
        {"ccy": "", "instId": inst, "mgnMode": "cross", "posSide": side, "lever": "10"}
        for inst in INST_IDS
        for side in ("long", "short")
    ]
    return {"code": "0", "msg": "", "data": data}


def tier_item(family: str, tier: int) -> dict[str, str]:
    return {
        "uly": family,
        "instFamily": family,
        "instId": "",
        "tier": str(tier),
        "minSz": str((tier - 1) * 500),
        "maxSz": str(tier * 500),
        "mmr": f"{0.004 + tier * 0.0025:.4f}",
        "imr": f"{0.008 + tier * 0.005:.4f}",
        "maxLever": str(max(1, 125 // tier)),
        "optMgnFactor": "0",
        "quoteMaxLoan": "",
        "baseMaxLoan": "",
    }


def tiers_answer() -> dict[str, Any]:
    data = [tier_item(fam, t) for fam, count in FAMILIES.items() for t in range(1, count + 1)]
    return {"code": "0", "msg": "", "data": data}


def many_tiers(count: int, *, distinct: bool = False) -> bytes:
    """A ``data`` list of ``count`` tiers, as JSON bytes (for the structuring throughput).

    By default the values repeat as OKX's do (5 families x 30 tiers); ``distinct`` makes every
    number unique, the worst case for anything that reuses parsed numbers.
    """
    fams = list(FAMILIES)
    data = [tier_item(fams[i % len(fams)], i % 30 + 1) for i in range(count)]
    if distinct:
        for i, item in enumerate(data):
            for name in ("minSz", "maxSz", "mmr", "imr", "maxLever", "optMgnFactor"):
                item[name] = f"{i}.{len(name)}{i % 7}"
    return json.dumps({"code": "0", "msg": "", "data": data}).encode()


def order_answer() -> dict[str, Any]:
    item = {"clOrdId": "", "ordId": "312269865356374016", "tag": "", "ts": "1695190491421"}
    return {"code": "0", "msg": "", "data": [{**item, "sCode": "0", "sMsg": "Order placed"}]}


# get_account_balance: 20 currencies, each with every field OKX documents for a detail.
_DETAIL_NUMBERS = [
    "availBal",
    "availEq",
    "borrowFroz",
    "cashBal",
    "crossLiab",
    "disEq",
    "eq",
    "eqUsd",
    "smtSyncEq",
    "spotCopyTradingEq",
    "fixedBal",
    "frozenBal",
    "imr",
    "interest",
    "isoEq",
    "isoLiab",
    "isoUpl",
    "liab",
    "maxLoan",
    "mgnRatio",
    "mmr",
    "notionalLever",
    "ordFrozen",
    "rewardBal",
    "spotInUseAmt",
    "clSpotInUseAmt",
    "maxSpotInUse",
    "spotIsoBal",
    "stgyEq",
    "twap",
    "upl",
    "uplLiab",
    "spotBal",
    "openAvgPx",
    "accAvgPx",
    "spotUpl",
    "spotUplRatio",
    "totalPnl",
    "totalPnlRatio",
]


def balance_answer() -> dict[str, Any]:
    details = []
    for number, base in enumerate(_BASES, start=1):
        detail: dict[str, Any] = dict.fromkeys(_DETAIL_NUMBERS, f"{number * 1.25:.8f}")
        detail.update(ccy=base, uTime="1705449605015", collateralEnabled=False)
        details.append(detail)
    top = dict.fromkeys(("adjEq", "imr", "isoEq", "mmr", "totalEq"), "55415.624719833286")
    top.update(uTime="1705474164160", upl="0", notionalUsd="0", mgnRatio="", details=details)
    return {"code": "0", "msg": "", "data": [top]}


ANSWERS: dict[str, bytes] = {
    LEVERAGE_PATH: json.dumps(leverage_answer()).encode(),
    TIERS_PATH: json.dumps(tiers_answer()).encode(),
    ORDER_PATH: json.dumps(order_answer()).encode(),
    BALANCE_PATH: json.dumps(balance_answer()).encode(),
}
TOO_MANY = json.dumps({"code": "50011", "msg": "Too Many Requests", "data": []}).encode()
