"""The fake exchange's small market: its instruments, their prices, and the data derived from them.

Simplified on purpose, and deterministic (two runs answer alike):

- A handful of instruments, the families of the position-tier fixtures: SPOT and MARGIN
  pairs, USDT-margined (linear) and coin-margined (inverse) SWAP and FUTURES, and a few
  OPTIONs. FUTURES and OPTIONs all expire on one fixed date, so their IDs never change.
- One price per instrument. A SPOT pair's price is set (``START_PRICES``, or ``Market.set_price``);
  SWAP and FUTURES follow their family's ``<coin>-USDT`` pair (no basis) and an option is worth its
  intrinsic value plus a small fixed premium, unless a test sets their own price.
- Market data carry the time of the last price change (the market's ``stamp``), not the
  time of the request. Candlesticks are made up around the price: the newest bar, the one
  holding the stamp, closes at the price; older bars wander within 1% of it. Bars of every
  size start at a multiple of their length since the epoch (UTC); a month is 30 days.
  Tickers summarise the last 24 one-hour bars. The order book is a ladder one tick apart on
  each side of the price; it does not show the accounts' orders.
- Funding rates are a constant 0.01% every 8 hours, and are never charged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from okx_v5.testing.fixtures import TierKey, fmt

__all__ = [
    "BARS",
    "FUNDING_RATE",
    "START_PRICES",
    "Instrument",
    "Market",
    "build_instruments",
]

START_PRICES: Mapping[str, Decimal] = {
    "BTC-USDT": Decimal("65000"),
    "ETH-USDT": Decimal("3500"),
    "SOL-USDT": Decimal("150"),
    "DOGE-USDT": Decimal("0.15"),
    "ETH-BTC": Decimal("0.05385"),
}
"""The SPOT prices a market starts with (and ``reset()`` returns to)."""

FUNDING_RATE = Decimal("0.0001")
"""The funding rate of every SWAP, per 8-hour period."""

_MINUTE = 60_000
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
BARS: Mapping[str, int] = {
    "1m": _MINUTE,
    "3m": 3 * _MINUTE,
    "5m": 5 * _MINUTE,
    "15m": 15 * _MINUTE,
    "30m": 30 * _MINUTE,
    "1H": _HOUR,
    "2H": 2 * _HOUR,
    "4H": 4 * _HOUR,
    **{f"{n}H{utc}": n * _HOUR for n in (6, 12) for utc in ("", "utc")},
    **{f"{n}D{utc}": n * _DAY for n in (1, 2, 3) for utc in ("", "utc")},
    **{f"1W{utc}": 7 * _DAY for utc in ("", "utc")},
    **{f"{n}M{utc}": n * 30 * _DAY for n in (1, 3) for utc in ("", "utc")},
}
"""Candlestick bar sizes OKX accepts, in milliseconds (a month is 30 days here)."""

_FUNDING_PERIOD = 8 * _HOUR
_LIST_TIME = "1606468572000"
_EXPIRY = "271231"
_EXPIRY_MS = "1830240000000"  # 2027-12-31 08:00 UTC, a Friday, as OKX's quarterlies expire
_OPTION_PREMIUM = Decimal("0.005")
_VOLUME_PRECISION = Decimal("0.00000001")
_ZERO = Decimal(0)


@dataclass(frozen=True)
class Instrument:
    """One listed instrument, with what trading it needs to know."""

    inst_type: str
    inst_id: str
    tick_sz: Decimal
    lot_sz: Decimal
    min_sz: Decimal
    max_lever: str
    """The highest leverage (``""`` when it cannot be traded on margin)."""
    family: str = ""
    """``instFamily`` of a derivative (``BTC-USDT``), ``""`` for SPOT and MARGIN."""
    ct_val: Decimal = Decimal(0)
    ct_type: str = ""
    """``linear`` (margined and settled in USDT) or ``inverse`` (in the coin); options:
    ``""``."""
    opt_type: str = ""
    stk: str = ""

    @property
    def derivative(self) -> bool:
        """Whether it is traded in contracts (SWAP, FUTURES, OPTION)."""
        return bool(self.family)

    @property
    def base_ccy(self) -> str:
        """The coin: ``BTC`` for ``BTC-USDT``, ``BTC-USDT-SWAP`` and ``BTC-USD-SWAP``."""
        return (self.family or self.inst_id).split("-")[0]

    @property
    def quote_ccy(self) -> str:
        """The currency prices are quoted in: ``USDT`` for ``BTC-USDT``, ``USD`` for
        ``BTC-USD-SWAP``."""
        return (self.family or self.inst_id).split("-")[1]

    @property
    def settle_ccy(self) -> str:
        """The currency margin, profits and fees are paid in (the quote for SPOT)."""
        if not self.derivative:
            return self.quote_ccy
        return "USDT" if self.ct_type == "linear" else self.base_ccy

    @property
    def index(self) -> str:
        """The SPOT pair whose price a derivative follows (``BTC-USDT``); a pair's own ID."""
        return f"{self.base_ccy}-USDT" if self.derivative else self.inst_id

    def notional(self, sz: Decimal, px: Decimal) -> Decimal:
        """The value of ``sz`` contracts at ``px``, in the settlement currency."""
        if self.ct_type == "inverse":
            return sz * self.ct_val / px
        return sz * self.ct_val * px

    def row(self) -> dict[str, object]:
        """The instrument as ``/public/instruments`` describes it (OKX's field names)."""
        derivative = self.derivative
        return {
            "instType": self.inst_type,
            "instId": self.inst_id,
            "uly": self.family,
            "instFamily": self.family,
            "category": "1",
            "baseCcy": "" if derivative else self.base_ccy,
            "quoteCcy": "" if derivative else self.quote_ccy,
            "settleCcy": self.settle_ccy if derivative else "",
            "ctVal": fmt(self.ct_val) if derivative else "",
            "ctMult": "1" if derivative else "",
            "ctValCcy": _ct_val_ccy(self),
            "ctType": self.ct_type,
            "optType": self.opt_type,
            "stk": self.stk,
            "listTime": _LIST_TIME,
            "expTime": _EXPIRY_MS if self.inst_type in ("FUTURES", "OPTION") else "",
            "lever": self.max_lever,
            "tickSz": fmt(self.tick_sz),
            "lotSz": fmt(self.lot_sz),
            "minSz": fmt(self.min_sz),
            "alias": "next_quarter" if self.inst_type == "FUTURES" else "",
            "state": "live",
            "ruleType": "normal",
            "maxLmtSz": "9999999999",
            "maxMktSz": "1000000",
            "maxLmtAmt": "20000000",
            "maxMktAmt": "1000000",
            "maxTwapSz": "9999999999",
            "maxIcebergSz": "9999999999",
            "maxTriggerSz": "9999999999",
            "maxStopSz": "1000000",
            "futureSettlement": False,
        }


def _ct_val_ccy(instrument: Instrument) -> str:
    if not instrument.derivative:
        return ""
    return instrument.quote_ccy if instrument.ct_type == "inverse" else instrument.base_ccy


# SPOT pairs: (instId, tickSz, lotSz, minSz).
_PAIRS = (
    ("BTC-USDT", "0.1", "0.00000001", "0.00001"),
    ("ETH-USDT", "0.01", "0.000001", "0.0001"),
    ("SOL-USDT", "0.01", "0.000001", "0.001"),
    ("DOGE-USDT", "0.00001", "0.000001", "10"),
    ("ETH-BTC", "0.00001", "0.000001", "0.001"),
)
# Contract families: (instFamily, ctVal, tickSz, lotSz and minSz).
_CONTRACTS = {
    "BTC-USDT": ("0.01", "0.1", "0.01"),
    "ETH-USDT": ("0.1", "0.01", "0.01"),
    "SOL-USDT": ("1", "0.01", "0.01"),
    "DOGE-USDT": ("1000", "0.00001", "0.01"),
    "BTC-USD": ("100", "0.1", "1"),
    "ETH-USD": ("10", "0.01", "1"),
}
# Option strikes per family: a lower and a higher one around the starting price.
_STRIKES = {"BTC-USD": ("60000", "70000"), "ETH-USD": ("3000", "4000")}
_OPTION_TICK = Decimal("0.0005")


def _max_lever(tiers: Mapping[TierKey, Sequence[Mapping[str, str]]], key: TierKey) -> str:
    rows = tiers.get(key)
    return rows[0]["maxLever"] if rows else ""


def _pairs(tiers: Mapping[TierKey, Sequence[Mapping[str, str]]]) -> list[Instrument]:
    listed: list[Instrument] = []
    for inst_id, tick, lot, min_sz in _PAIRS:
        lever = _max_lever(tiers, TierKey("MARGIN", inst_id=inst_id))
        pair = Instrument("SPOT", inst_id, Decimal(tick), Decimal(lot), Decimal(min_sz), lever)
        listed.append(pair)
        if lever:
            listed.append(
                Instrument("MARGIN", inst_id, pair.tick_sz, pair.lot_sz, pair.min_sz, lever)
            )
    return listed


def _contracts(
    tiers: Mapping[TierKey, Sequence[Mapping[str, str]]], inst_type: str
) -> list[Instrument]:
    listed: list[Instrument] = []
    for key in tiers:
        if key.inst_type != inst_type or key.family not in _CONTRACTS:
            continue
        ct_val, tick, lot = _CONTRACTS[key.family]
        suffix = "SWAP" if inst_type == "SWAP" else _EXPIRY
        listed.append(
            Instrument(
                inst_type,
                f"{key.family}-{suffix}",
                Decimal(tick),
                Decimal(lot),
                Decimal(lot),
                _max_lever(tiers, key),
                family=key.family,
                ct_val=Decimal(ct_val),
                ct_type="linear" if key.family.endswith("-USDT") else "inverse",
            )
        )
    return listed


def _options() -> list[Instrument]:
    return [
        Instrument(
            "OPTION",
            f"{family}-{_EXPIRY}-{strike}-{side}",
            _OPTION_TICK,
            Decimal(1),
            Decimal(1),
            "",
            family=family,
            ct_val=Decimal("0.01"),
            opt_type=side,
            stk=strike,
        )
        for family, strikes in _STRIKES.items()
        for strike in strikes
        for side in ("C", "P")
    ]


def build_instruments(tiers: Mapping[TierKey, Sequence[Mapping[str, str]]]) -> list[Instrument]:
    """Return the listed instruments: the tier fixtures' pairs and families (``tiers``, from
    ``build_tiers``), their maximum leverage from tier 1."""
    return [
        *_pairs(tiers),
        *_contracts(tiers, "SWAP"),
        *_contracts(tiers, "FUTURES"),
        *_options(),
    ]


def on_tick(px: Decimal, tick: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Return ``px`` on the instrument's price grid (a multiple of ``tick``)."""
    return (px / tick).to_integral_value(rounding) * tick


class Market:
    """The listed instruments and their prices; rows of market data derived from them.

    Not locked on its own: its owner's lock guards it (the server is threaded).
    """

    def __init__(self, instruments: Sequence[Instrument], stamp: int) -> None:
        self.instruments = tuple(instruments)
        self._by_id: dict[str, Instrument] = {}
        for instrument in self.instruments:
            # BTC-USDT is listed as SPOT and as MARGIN; orders trade the SPOT pair.
            self._by_id.setdefault(instrument.inst_id, instrument)
        self._start = stamp
        self.stamp = stamp
        """When the prices last changed, in epoch milliseconds: the time of market data."""
        self._prices: dict[str, Decimal] = dict(START_PRICES)

    def reset(self) -> None:
        """Return to the starting prices and their time."""
        self._prices = dict(START_PRICES)
        self.stamp = self._start

    def instrument(self, inst_id: str) -> Instrument | None:
        """The instrument traded as ``inst_id`` (the SPOT one for a pair), or ``None``."""
        return self._by_id.get(inst_id)

    def listed(self, inst_type: str, family: str = "", inst_id: str = "") -> list[Instrument]:
        """The instruments of ``inst_type``, of one family or one ID if given."""
        return [
            instrument
            for instrument in self.instruments
            if instrument.inst_type == inst_type
            and (not family or instrument.family == family)
            and (not inst_id or instrument.inst_id == inst_id)
        ]

    def price(self, instrument: Instrument) -> Decimal:
        """The instrument's price: its own if set, else its family's (see the module)."""
        own = self._prices.get(instrument.inst_id)
        if own is not None:
            return own
        index = self._prices[instrument.index]
        if instrument.inst_type != "OPTION":
            return on_tick(index, instrument.tick_sz)
        strike = Decimal(instrument.stk)
        intrinsic = max(index - strike if instrument.opt_type == "C" else strike - index, _ZERO)
        return on_tick(intrinsic / index + _OPTION_PREMIUM, instrument.tick_sz)

    def set_price(self, inst_id: str, px: Decimal, stamp: int) -> list[Instrument]:
        """Set ``inst_id``'s price at time ``stamp``; return the instruments whose price moved.

        Raises ``ValueError`` for an unknown instrument or a price that is not a positive
        multiple of its ``tickSz``.
        """
        instrument = self.instrument(inst_id)
        if instrument is None:
            raise ValueError(f"unknown instrument {inst_id!r}; see Market.instruments")
        if not px.is_finite() or px <= 0 or on_tick(px, instrument.tick_sz) != px:
            raise ValueError(
                f"px must be a positive multiple of {inst_id}'s tickSz "
                f"{fmt(instrument.tick_sz)}, not {px}"
            )
        before = {i.inst_id: self.price(i) for i in self.instruments}
        self._prices[inst_id] = px
        self.stamp = stamp
        return [i for i in self.instruments if self.price(i) != before[i.inst_id]]

    def usd(self, ccy: str) -> Decimal:
        """What one unit of ``ccy`` is worth in USD (USDT counts as a dollar)."""
        if ccy in ("USD", "USDT", "USDC"):
            return Decimal(1)
        pair = self._prices.get(f"{ccy}-USDT")
        return pair if pair is not None else Decimal(0)

    # -- market data ---------------------------------------------------------------------------

    def ticker(self, instrument: Instrument) -> dict[str, object]:
        """The instrument's ticker: the price, the top of the book, the last 24 hours."""
        px = self.price(instrument)
        bars = self.candles(instrument, "1H", 24)
        day = self.candles(instrument, "1Dutc", 1)[0]
        asks, bids = self.levels(instrument, 1)
        return {
            "instType": instrument.inst_type,
            "instId": instrument.inst_id,
            "last": fmt(px),
            "lastSz": fmt(_unit(instrument)),
            "askPx": asks[0][0],
            "askSz": asks[0][1],
            "bidPx": bids[0][0] if bids else "",
            "bidSz": bids[0][1] if bids else "",
            "open24h": bars[-1][1],
            "high24h": fmt(max(Decimal(bar[2]) for bar in bars)),
            "low24h": fmt(min(Decimal(bar[3]) for bar in bars)),
            "volCcy24h": fmt(sum((Decimal(bar[6]) for bar in bars), _ZERO)),
            "vol24h": fmt(sum((Decimal(bar[5]) for bar in bars), _ZERO)),
            "sodUtc0": day[1],
            "sodUtc8": day[1],
            "ts": str(self.stamp),
        }

    def levels(self, instrument: Instrument, depth: int) -> tuple[list[list[str]], list[list[str]]]:
        """(asks, bids): ``depth`` levels each side, one tick apart around the price, as OKX's
        arrays (price, size, ``"0"``, number of orders)."""
        px, tick, unit = self.price(instrument), instrument.tick_sz, _unit(instrument)
        asks = [_level(px + tick * n, unit, n) for n in range(1, depth + 1)]
        bids = [_level(px - tick * n, unit, n) for n in range(1, depth + 1) if px > tick * n]
        return asks, bids

    def book(self, instrument: Instrument, depth: int) -> dict[str, object]:
        """The order book ``/market/books`` answers (see ``levels``)."""
        asks, bids = self.levels(instrument, depth)
        return {"asks": asks, "bids": bids, "ts": str(self.stamp)}

    def candles(
        self,
        instrument: Instrument,
        bar: str,
        limit: int,
        after: int | None = None,
        before: int | None = None,
    ) -> list[list[str]]:
        """Up to ``limit`` bars, newest first, older than ``after`` and newer than ``before``
        (epoch milliseconds), if given. Each is OKX's array: ts, o, h, l, c, vol, volCcy,
        volCcyQuote, confirm."""
        size = BARS[bar]
        newest = self.stamp // size * size
        start = newest if after is None else min(newest, (after - 1) // size * size)
        rows: list[list[str]] = []
        ts = start
        while len(rows) < limit and ts >= 0 and (before is None or ts > before):
            rows.append(self._candle(instrument, size, ts, ts == newest))
            ts -= size
        return rows

    def _candle(self, instrument: Instrument, size: int, ts: int, newest: bool) -> list[str]:
        number = ts // size
        close = self.price(instrument) if newest else self._close(instrument, size, number)
        opened = self._close(instrument, size, number - 1)
        tick = instrument.tick_sz
        high = max(opened, close) + tick * (1 + number % 5)
        low = max(min(opened, close) - tick * (1 + number % 3), tick)
        vol = _unit(instrument) * (10 + number % 90)
        vol_ccy, vol_quote = _volumes(instrument, vol, close)
        return [
            str(ts),
            fmt(opened),
            fmt(high),
            fmt(low),
            fmt(close),
            fmt(vol),
            fmt(vol_ccy),
            fmt(vol_quote),
            "0" if newest else "1",
        ]

    def _close(self, instrument: Instrument, size: int, number: int) -> Decimal:
        """The made-up close of bar ``number`` (of ``size`` ms): within 1% of the price."""
        wiggle = Decimal((number * 7919 + size // _MINUTE * 104729) % 41 - 20) / 2000
        px = self.price(instrument)
        return max(on_tick(px * (1 + wiggle), instrument.tick_sz), instrument.tick_sz)

    def funding(self, instrument: Instrument) -> dict[str, object]:
        """A SWAP's funding rate (``FUNDING_RATE``), settled every 8 hours."""
        funding_time = (self.stamp // _FUNDING_PERIOD + 1) * _FUNDING_PERIOD
        rate = fmt(FUNDING_RATE)
        return {
            "instType": instrument.inst_type,
            "instId": instrument.inst_id,
            "method": "current_period",
            "formulaType": "withRate",
            "fundingRate": rate,
            "nextFundingRate": "",
            "fundingTime": str(funding_time),
            "nextFundingTime": str(funding_time + _FUNDING_PERIOD),
            "minFundingRate": "-0.0075",
            "maxFundingRate": "0.0075",
            "interestRate": rate,
            "settState": "settled",
            "settFundingRate": rate,
            "premium": "0",
            "ts": str(self.stamp),
        }

    def mark(self, instrument: Instrument, inst_type: str) -> dict[str, object]:
        """The mark price: the instrument's price."""
        return {
            "instType": inst_type,
            "instId": instrument.inst_id,
            "markPx": fmt(self.price(instrument)),
            "ts": str(self.stamp),
        }


def _unit(instrument: Instrument) -> Decimal:
    """A typical size of one trade or book level."""
    return instrument.lot_sz * 10 if instrument.derivative else instrument.min_sz * 100


def _level(px: Decimal, unit: Decimal, n: int) -> list[str]:
    return [fmt(px), fmt(unit * (n * n % 7 + 1)), "0", str(n % 4 + 1)]


def _volumes(instrument: Instrument, vol: Decimal, close: Decimal) -> tuple[Decimal, Decimal]:
    """(volCcy, volCcyQuote) of ``vol``: SPOT's volCcy is in the quote currency, a
    derivative's in the coin."""
    if not instrument.derivative:
        quote = vol * close
        return quote, quote
    if instrument.ct_type == "inverse":
        usd = vol * instrument.ct_val
        return (usd / close).quantize(_VOLUME_PRECISION, ROUND_DOWN), usd
    coins = vol * instrument.ct_val
    return coins, coins * close
