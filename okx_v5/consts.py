"""Constants of the OKX V5 REST API: hosts, header names and endpoint paths.

Names follow python-okx's ``okx.consts`` so that code importing them carries over.
"""

from __future__ import annotations

API_URL = "https://www.okx.com"
"""The default REST host; demo and production share it (the flag header tells them apart)."""

# Header names
CONTENT_TYPE = "Content-Type"
OK_ACCESS_KEY = "OK-ACCESS-KEY"
OK_ACCESS_SIGN = "OK-ACCESS-SIGN"
OK_ACCESS_TIMESTAMP = "OK-ACCESS-TIMESTAMP"
OK_ACCESS_PASSPHRASE = "OK-ACCESS-PASSPHRASE"
SIMULATED_TRADING = "x-simulated-trading"
USER_AGENT = "User-Agent"
ACCEPT = "Accept"
APPLICATION_JSON = "application/json"

GET = "GET"
POST = "POST"

# Flags (python-okx's values)
LIVE_TRADING = "0"
DEMO_TRADING = "1"

# Paths
GET_LEVERAGE = "/api/v5/account/leverage-info"
POSITION_TIERS = "/api/v5/public/position-tiers"
SERVER_TIME = "/api/v5/public/time"

# python-okx's names for the same paths
TIER = POSITION_TIERS
SYSTEM_TIME = SERVER_TIME
SERVER_TIMESTAMP_URL = SERVER_TIME
