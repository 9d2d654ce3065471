"""The fake exchange's public market endpoints, answered from its ``Market``.

Instruments (public and ``/account/instruments``), tickers, order book, candlesticks (recent and
history), funding rate and mark price. Each answer has the fields of OKX's documented example; the
numbers come from the market (see ``okx_v5.testing.market`` for what is made up).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from okx_v5.endpoint import Endpoint
from okx_v5.endpoints import account, market_data, public_data
from okx_v5.testing.calls import Call, Handler, ParamError, Reply, ok
from okx_v5.testing.examples import shaped, template
from okx_v5.testing.fixtures import DERIVATIVE_TYPES
from okx_v5.testing.market import BARS, Instrument, Market

__all__ = ["Quotes", "listed", "whole_number"]

_CANDLE_LIMITS = {
    market_data.GET_CANDLESTICKS.path: 300,
    market_data.GET_HISTORY_CANDLESTICKS.path: 100,
}
_DEFAULT_LIMIT = 100
# The most digits of a whole-number parameter: OKX's IDs and millisecond times are 64-bit.
_MAX_DIGITS = 19
_MAX_BOOK_DEPTH = 400


def whole_number(params: Mapping[str, Any], name: str, default: int | None) -> int | None:
    """The whole number ``name`` (``default`` if not given); 51000 if it is not one."""
    value = str(params.get(name) or "")
    if not value:
        return default
    if not (value.isascii() and value.isdecimal()) or len(value) > _MAX_DIGITS:
        raise ParamError("51000", name)
    return int(value)


def listed(market: Market, params: Mapping[str, Any]) -> Instrument:
    """The instrument ``instId`` names (a parameter the endpoint requires); 51001 if it is not
    listed."""
    instrument = market.instrument(str(params["instId"]))
    if instrument is None:
        raise ParamError("51001", "instId")
    return instrument


def _family(params: Mapping[str, Any]) -> str:
    """``instFamily``, or its legacy name ``uly``; OKX ignores both for SPOT and MARGIN."""
    if params.get("instType") not in DERIVATIVE_TYPES:
        return ""
    return str(params.get("instFamily") or params.get("uly") or "")


def _rows(endpoint: Endpoint[Any], values: list[dict[str, object]]) -> Reply:
    fields = template(endpoint.method, endpoint.path)
    return ok([shaped(fields, row) for row in values])


class Quotes:
    """Handlers of the public market endpoints, reading ``market`` under ``lock``."""

    def __init__(self, market: Market, lock: threading.RLock) -> None:
        self.market = market
        self._lock = lock

    def handlers(self) -> dict[Endpoint[Any], Handler]:
        """The market endpoints this module answers, with their handlers."""
        return {
            account.GET_INSTRUMENTS: self._instruments,
            public_data.GET_INSTRUMENTS: self._instruments,
            market_data.GET_TICKERS: self._tickers,
            market_data.GET_TICKER: self._ticker,
            market_data.GET_ORDERBOOK: self._book,
            market_data.GET_CANDLESTICKS: self._candles,
            market_data.GET_HISTORY_CANDLESTICKS: self._candles,
            public_data.GET_FUNDING_RATE: self._funding,
            public_data.GET_MARK_PRICE: self._mark,
        }

    def _instruments(self, call: Call) -> Reply:
        inst_id = str(call.params.get("instId") or "")
        found = self.market.listed(str(call.params["instType"]), _family(call.params), inst_id)
        if inst_id and not found:
            raise ParamError("51001", "instId")
        return _rows(call.endpoint, [instrument.row() for instrument in found])

    def _tickers(self, call: Call) -> Reply:
        found = self.market.listed(str(call.params["instType"]), _family(call.params))
        with self._lock:
            return _rows(call.endpoint, [self.market.ticker(instrument) for instrument in found])

    def _ticker(self, call: Call) -> Reply:
        instrument = listed(self.market, call.params)
        with self._lock:
            return _rows(call.endpoint, [self.market.ticker(instrument)])

    def _book(self, call: Call) -> Reply:
        instrument = listed(self.market, call.params)
        depth = whole_number(call.params, "sz", 1) or 1
        with self._lock:
            book = self.market.book(instrument, min(depth, _MAX_BOOK_DEPTH))
        return ok([book])

    def _candles(self, call: Call) -> Reply:
        params = call.params
        instrument = listed(self.market, params)
        bar = str(params.get("bar") or "1m")
        if bar not in BARS:
            raise ParamError("51000", "bar")
        most = _CANDLE_LIMITS[call.endpoint.path]
        limit = whole_number(params, "limit", _DEFAULT_LIMIT)
        if not limit:
            raise ParamError("51000", "limit")
        after = whole_number(params, "after", None)
        before = whole_number(params, "before", None)
        with self._lock:
            rows = self.market.candles(instrument, bar, min(limit, most), after, before)
        return ok(rows)

    def _funding(self, call: Call) -> Reply:
        instrument = listed(self.market, call.params)
        if instrument.inst_type != "SWAP":
            raise ParamError("51000", "instId")
        with self._lock:
            return _rows(call.endpoint, [self.market.funding(instrument)])

    def _mark(self, call: Call) -> Reply:
        inst_type = str(call.params["instType"])
        inst_id = str(call.params.get("instId") or "")
        found = self.market.listed(inst_type, _family(call.params), inst_id)
        with self._lock:
            rows = [self.market.mark(instrument, inst_type) for instrument in found]
        return _rows(call.endpoint, rows)
