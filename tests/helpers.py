"""Constants and helpers shared by the tests: credentials and the documented answers."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

KEY = "a1b2c3d4-0000-1111-2222-333344445555"
SECRET = "S3CR3T-22582BD0CFF14C41EDBF1AB98506286D"
PASSPHRASE = "Pa55-phrase!"
DOMAIN = "https://www.okx.com"
LEVERAGE_URL = DOMAIN + "/api/v5/account/leverage-info"
TIERS_URL = DOMAIN + "/api/v5/public/position-tiers"

LEVERAGE_ANSWER: dict[str, Any] = {
    "code": "0",
    "msg": "",
    "data": [
        {
            "ccy": "",
            "instId": "BTC-USDT-SWAP",
            "mgnMode": "cross",
            "posSide": "long",
            "lever": "10",
        },
        {
            "ccy": "",
            "instId": "BTC-USDT-SWAP",
            "mgnMode": "cross",
            "posSide": "short",
            "lever": "10",
        },
    ],
}

TIERS_ANSWER: dict[str, Any] = {
    "code": "0",
    "msg": "",
    "data": [
        {
            "baseMaxLoan": "50",
            "imr": "0.1",
            "instId": "BTC-USDT",
            "maxLever": "10",
            "maxSz": "50",
            "minSz": "0",
            "mmr": "0.03",
            "optMgnFactor": "0",
            "quoteMaxLoan": "500000",
            "tier": "1",
            "uly": "",
            "instFamily": "",
        }
    ],
}


def independent_sign(secret: str, message: str) -> str:
    """The OKX signature computed here, without okx_v5."""
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()
