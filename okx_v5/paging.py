"""Paging: every item of an endpoint OKX pages with ``after``/``before``/``limit``.

``paginate(api.get_orders_history, instType="SPOT")`` calls the method page after page and
yields its typed ``.data`` items in OKX's order, newest first, until the pages run out, or
``count`` items, ``pages`` requests or the time ``since`` say stop. Each page is an ordinary call
of the method: validation, rate limits, retries and deadlines apply to it as to any other.

Which endpoints page, the item field each takes as ``after`` (its cursor) and the largest
``limit`` come from OKX's documentation, kept with their source in ``facts/paging.json``; it is
read on the first call, so importing okx_v5 reads no file.

Only newest first: OKX documents ``after`` ("records earlier than") as a cursor on every paged
endpoint, but not which end of the range a ``before`` page returns (for candles and trades,
``before`` alone returns the latest records, not those just above the cursor), so a walk
towards newer records could skip some without a sign. For the oldest first, reverse a bounded
walk: ``reversed(list(paginate(..., since=start)))``.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from typing import Any, Literal, TypeVar

import attrs

from .exceptions import OkxException, OkxParamsException
from .response import OkxResponse

__all__ = ["Paging", "paged", "paginate", "paging_of", "walk"]

T = TypeVar("T")

Kind = Literal["unique", "time"]
"""A ``unique`` cursor is no two items' (an ID, a candle's start time); a ``time`` cursor is
epoch milliseconds that items may share."""

Field = str | int
"""An item's field by its OKX name, or for an item that is an array (a candle) its position."""

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

Moment = dt.datetime | int
"""A time: a timezone-aware ``datetime``, or epoch milliseconds."""


@attrs.frozen
class Paging:
    """How OKX pages one endpoint (one entry of ``facts/paging.json``)."""

    method: str
    """``TradeAPI.get_orders_history``."""
    path: str
    cursor: Field
    """The item's value ``after`` takes to return the items older than that item."""
    kind: Kind
    inclusive: bool
    """OKX documents ``after`` as returning the item at the cursor too."""
    time: Field
    """The item's time (epoch ms), compared with ``since`` and ``until``."""
    max_limit: int
    """The largest ``limit`` OKX documents: each page asks for this many unless told."""
    cursor_when: tuple[tuple[str, str, Field, Kind], ...] = ()
    """(param, value, cursor, kind): another cursor when the call sends ``param=value``."""

    def cursor_for(self, params: Mapping[str, object]) -> tuple[Field, Kind]:
        """The cursor and its kind for a call with ``params``."""
        for param, value, cursor, kind in self.cursor_when:
            if str(params.get(param, "")) == value:
                return cursor, kind
        return self.cursor, self.kind


@functools.cache
def paged() -> Mapping[str, Paging]:
    """Every paged endpoint by its method (``TradeAPI.get_orders_history``), read from
    ``facts/paging.json`` on first use."""
    text = (resources.files("okx_v5") / "facts" / "paging.json").read_text("utf-8")
    facts = json.loads(text)
    return {
        entry["method"]: Paging(
            method=entry["method"],
            path=entry["path"],
            cursor=entry["cursor"],
            kind=entry["kind"],
            inclusive=entry["inclusive"],
            time=entry["time"],
            max_limit=entry["max_limit"],
            cursor_when=tuple(
                (rule["param"], rule["value"], rule["cursor"], rule["kind"])
                for rule in entry.get("cursor_when", ())
            ),
        )
        for entry in facts["paged"]
    }


def paging_of(method: Callable[..., object]) -> Paging:
    """How OKX pages the endpoint of the bound API method ``method``
    (``api.get_orders_history``); ``OkxParamsException`` if it is none OKX pages."""
    client, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
    if client is None:
        raise OkxParamsException(
            f"paginate needs a method of a client, like api.get_orders_history, not {method!r}",
            param="method",
        )
    for cls in type(client).__mro__:
        found = paged().get(f"{cls.__name__}.{name}")
        if found is not None:
            return found
    raise OkxParamsException(
        f"{type(client).__name__}.{name} is not an endpoint OKX pages with after/before/limit; "
        "okx_v5.paging.paged() lists those that are",
        method=name,
        param="method",
    )


def paginate(
    method: Callable[..., OkxResponse[T]],
    /,
    *args: Any,
    count: int | None = None,
    since: Moment | None = None,
    until: Moment | None = None,
    pages: int | None = None,
    **kwargs: Any,
) -> Iterator[T]:
    """Yield the typed items of every page of ``method``, newest first, as OKX orders them.

    ``method`` is a bound API method of an endpoint OKX pages (``api.get_fills``); ``args`` and
    ``kwargs`` are its arguments, as for one call. A ``limit`` given is each page's size
    (default: the largest OKX allows), an ``after`` given is where the walk starts. The walk
    stops at the first page shorter than asked, after ``count`` items, after ``pages``
    requests, or at the first item older than ``since``; items newer than ``until`` are
    skipped (where the cursor is the item's time, the walk starts at ``until``). ``since`` and
    ``until`` are timezone-aware datetimes or epoch milliseconds.

    Raises ``OkxParamsException`` at once for a method OKX does not page or a bad bound,
    the page's ``OkxAPIException`` for an OKX error, and ``OkxException`` when a page does not
    move the cursor on (OKX answered the same items again), rather than loop.
    """
    pairs = walk(method, *args, count=count, since=since, until=until, pages=pages, **kwargs)
    return (item for _, item in pairs)


def walk(
    method: Callable[..., OkxResponse[T]],
    /,
    *args: Any,
    count: int | None = None,
    since: Moment | None = None,
    until: Moment | None = None,
    pages: int | None = None,
    **kwargs: Any,
) -> Iterator[tuple[Any, T]]:
    """``paginate``, yielding each item twice: as OKX sent it (a dict, or a candle's array)
    and typed. The arguments are checked before this returns."""
    paging = paging_of(method)
    try:
        bound = inspect.signature(method).bind_partial(*args, **kwargs)
    except TypeError as bad:
        raise OkxParamsException(f"{paging.method}: {bad}", method=paging.method) from None
    params = dict(bound.arguments)
    for name, value in (("count", count), ("pages", pages)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise OkxParamsException(
                f"{name} must be a whole number, not {value!r}", param=name, value=value
            )
        if value is not None and value < 0:
            raise OkxParamsException(f"{name} must not be negative", param=name, value=value)
    oldest = None if since is None else _ms("since", since)
    newest = None if until is None else _ms("until", until)
    limit = params.get("limit")
    if limit in (None, ""):
        params["limit"] = limit = paging.max_limit
    # OKX answers at most max_limit items however many are asked for: a page of that many
    # is a full one.
    asked = min(_whole(paging.method, "limit", limit), paging.max_limit)
    cursor, kind = paging.cursor_for(params)
    if newest is not None and cursor == paging.time and params.get("after") in (None, ""):
        # The cursor is the item's time: start at until rather than walk down to it.
        params["after"] = str(newest if paging.inclusive else newest + 1)
    return _pages(method, params, paging, cursor, kind, asked, count, pages, oldest, newest)


def _pages(
    method: Callable[..., OkxResponse[T]],
    params: dict[str, Any],
    paging: Paging,
    cursor: Field,
    kind: Kind,
    asked: int,
    count: int | None,
    pages: int | None,
    oldest: int | None,
    newest: int | None,
) -> Iterator[tuple[Any, T]]:
    yielded = requests = 0
    seen: set[str] = set()  # the previous page's items, met again where pages overlap
    while (count is None or yielded < count) and (pages is None or requests < pages):
        response = method(**params).raise_for_code()
        requests += 1
        wire = response.get("data") or []
        keys: set[str] = set()
        fresh = 0
        for raw, item in zip(wire, response.data, strict=True):
            key = _key(raw, cursor, kind)
            keys.add(key)
            if key in seen:
                continue
            fresh += 1
            moment = _time(raw, paging.time)
            if moment is not None and newest is not None and moment > newest:
                continue
            if moment is not None and oldest is not None and moment < oldest:
                return
            yield raw, item
            yielded += 1
            if count is not None and yielded >= count:
                return
        if len(wire) < asked:
            return
        last = wire[-1]
        following = _next_after(paging, last, cursor, kind)
        if not fresh or following == str(params.get("after", "")):
            raise OkxException(
                f"{paging.method}: the cursor does not move: the page at after="
                f"{params.get('after', '')!r} ends at {_name(cursor)} {_value(last, cursor)!r}, "
                "where it started or on items already seen (an answer that ignores after, or "
                "more items of one time than a page holds); stopped rather than ask again"
            )
        params["after"] = following
        seen = keys


def _next_after(paging: Paging, last: Any, cursor: Field, kind: Kind) -> str:
    """``after`` for the page below the item ``last``. A time cursor is moved one millisecond
    up (or not at all where OKX includes the cursor's item), so that items sharing the last
    item's time are not skipped; the items met again are left out by the caller."""
    value = _value(last, cursor)
    if value in (None, ""):
        raise OkxException(
            f"{paging.method}: an item without its cursor {_name(cursor)}: cannot ask for the "
            "next page"
        )
    if kind == "time" and not paging.inclusive:
        return str(_whole(paging.method, _name(cursor), value) + 1)
    return str(value)


def _key(raw: Any, cursor: Field, kind: Kind) -> str:
    """What tells items apart: a unique cursor, or (by time) the whole item."""
    if kind == "unique":
        return str(_value(raw, cursor))
    return json.dumps(raw, sort_keys=True)


def _value(raw: Any, field: Field) -> Any:
    if isinstance(field, int):
        return raw[field] if isinstance(raw, list) and len(raw) > field else None
    return raw.get(field) if isinstance(raw, dict) else None


def _time(raw: Any, field: Field) -> int | None:
    value = _value(raw, field)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None  # no time (an empty uTime, say): never a reason to stop


def _name(field: Field) -> str:
    return f"position {field}" if isinstance(field, int) else field


def _whole(method: str, name: str, value: object) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise OkxParamsException(
            f"{method}: {name} must be a whole number, not {value!r}",
            method=method,
            param=name,
            value=value,
        ) from None
    return number


def _ms(name: str, moment: object) -> int:
    """Epoch milliseconds of a timezone-aware datetime, or of epoch milliseconds."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            raise OkxParamsException(
                f"{name} must be timezone-aware (OKX's times are UTC): "
                f"{moment!r} has no tzinfo; use datetime(..., tzinfo=timezone.utc)",
                param=name,
                value=moment,
            )
        return (moment - _EPOCH) // dt.timedelta(milliseconds=1)
    if isinstance(moment, int) and not isinstance(moment, bool):
        return moment
    raise OkxParamsException(
        f"{name} must be a datetime or epoch milliseconds, not {moment!r}",
        param=name,
        value=moment,
    )
