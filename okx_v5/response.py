"""The response object: python-okx's decoded JSON dict, plus typed attributes."""

from __future__ import annotations

import copy
import functools
import json
import typing
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any, Generic, TypeVar

import attrs

from .endpoint import resolve
from .exceptions import (
    OkxAPIException,
    OkxParamsException,
    OkxResponseException,
    api_exception_class,
    excerpt,
)

__all__ = [
    "PARENT",
    "OkxResponse",
    "describe_failures",
    "failed_items",
    "nested_fields",
    "nested_name",
    "record_fields",
    "records",
]

PARENT = "parent_"
"""Prefix of the parent's fields in the records of its nested items: ``parent_u_time``."""

T = TypeVar("T")


class OkxResponse(dict[str, Any], Generic[T]):
    """The decoded OKX JSON, exactly as python-okx returns it, with typed attributes.

    ``result["data"][0]["lever"]`` and ``json.dumps(result)`` work as with python-okx;
    ``result.data`` gives the same items as typed attrs objects, ``result.code`` / ``.msg`` the OKX
    code and message, ``result.ok`` whether the code is ``"0"``, and ``raise_for_code`` turns an OKX
    error into an exception.
    """

    __slots__ = ("_items", "_model", "attempts", "headers", "method", "path", "status_code")

    def __init__(
        self,
        payload: dict[str, Any],
        model: type[T] | str | None,
        *,
        status_code: int | None = None,
        method: str = "",
        path: str = "",
        attempts: int = 1,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(payload)
        self._model = model
        self._items: list[T] | None = None
        self.status_code = status_code
        """The HTTP status of the answer."""
        self.method = method
        self.path = path
        """The request path with its query string, as sent."""
        self.attempts = attempts
        """How many times the request was sent (more than 1 after retries)."""
        self.headers = headers
        """The HTTP headers of the answer."""

    @property
    def code(self) -> str:
        """OKX's result code as a string; ``"0"`` means success."""
        return str(self.get("code", ""))

    @property
    def msg(self) -> str:
        """OKX's message; empty on success."""
        return str(self.get("msg", ""))

    @property
    def ok(self) -> bool:
        """Whether OKX reported success (code ``"0"``)."""
        return self.code == "0"

    @property
    def data(self) -> list[T]:
        """The ``data`` items as typed attrs objects (structured once, on first access).

        Raises ``OkxResponseException`` naming the item and field when an item does not fit its
        model.
        """
        if self._items is None:
            converter = _converter()
            model = self.model
            try:
                if model is None:
                    self._items = _untyped(self.get("data", []))
                else:
                    self._items = converter.structure_items(self.get("data", []), model)
            except converter.StructureError as bad:
                raise self._exception(OkxResponseException, f"malformed answer: {bad}") from None
        return self._items

    @property
    def model(self) -> type[T] | None:
        """The class of the typed items, or ``None`` when the answer is not typed (no
        documentation describes it): ``data`` then holds the items as they came."""
        model = self._model
        if isinstance(model, str):  # a model module is imported only when used
            model = self._model = resolve(model)
        return model

    def to_records(self, nested: str | None = None) -> list[dict[str, Any]]:
        """Return the ``data`` items as plain dicts of typed values, keyed by snake_case name;
        with ``nested``, one dict per item of that nested list of each item instead.

        Ready for ``pandas.DataFrame(result.to_records())``; numbers stay ``Decimal``. Nested
        items are plain dicts too (lists of dicts), never model objects.
        ``to_records("details")`` of a balance gives one record per currency: the fields of
        the nested item, then its parent's fields prefixed ``parent_`` (``parent_total_eq``),
        leaving out the parent's nested items; a nested object (not a list) counts as one
        item, and a parent without any gives no record. ``nested`` may be spelt as the
        attribute (``close_order_algo``) or as OKX does (``closeOrderAlgo``); a name that is
        not nested items of the model raises ``OkxParamsException`` (a ``ValueError``) naming
        those that are.

        An OKX error without items raises its exception (see ``raise_for_code``) rather
        than look like an empty answer; a batch's answer keeps its items, each with its own
        code.
        """
        if not self.ok and not self.get("data"):
            self.raise_for_code()
        return records(self.data, self.model, nested)

    def _repr_html_(self) -> str:
        """Jupyter's view: an HTML table of the typed items under the OKX code and message."""
        from . import display  # only notebooks need it

        request = f"{self.method} {self.path}".strip()
        try:
            items: list[T] | None = self.data
            problem = ""
        except OkxResponseException as bad:
            items, problem = None, bad.message
        return display.html_table(
            self.model, items, code=self.code, msg=self.msg, request=request, problem=problem
        )

    @property
    def failures(self) -> list[T]:
        """The typed items OKX refused (their ``sCode`` is not ``"0"``), in order: the orders
        of a batch that failed, say. Empty when every item went through."""
        failed = {index for index, _ in failed_items(self)}
        return [item for index, item in enumerate(self.data) if index in failed]

    def raise_for_code(self) -> OkxResponse[T]:
        """Return ``self`` on OKX success, else raise the matching ``OkxAPIException``.

        When OKX answers ``1`` ("Operation failed") or ``2`` ("partially succeeded") with the
        reasons in the items, the exception is the one of the first failing item's ``sCode``,
        its ``code`` and ``msg`` are that item's, and its message names every failing item's
        code and message (with its ``clOrdId``/``ordId``) and which items went through.
        """
        if self.ok:
            return self
        failed = failed_items(self)
        if failed:
            _, first = failed[0]
            code, msg = str(first.get("sCode", "")), str(first.get("sMsg", ""))
            cls = api_exception_class(code, self.status_code)
            raise self._exception(cls, "OKX error " + describe_failures(self), code=code, msg=msg)
        cls = api_exception_class(self.code, self.status_code)
        raise self._exception(cls, "")

    def _exception(
        self, cls: type[OkxAPIException], message: str, *, code: str = "", msg: str = ""
    ) -> OkxAPIException:
        return cls(
            message,
            code=code or self.code,
            msg=msg or self.msg,
            status_code=self.status_code,
            body=excerpt(json.dumps(self, default=str)),
            method=self.method,
            path=self.path,
            attempts=self.attempts,
            response=self,
            headers=self.headers,
        )


@functools.cache
def _converter() -> ModuleType:
    """The converter module, imported with the first typed answer: cattrs and the models are
    only needed once typed data is asked for (and an import statement costs microseconds on
    every call, this once)."""
    from . import converter

    return converter


def _untyped(items: object) -> list[Any]:
    if not isinstance(items, list):
        raise _converter().StructureError(f"data is {type(items).__name__}, not a list")
    return items


def _record(item: object) -> dict[str, Any]:
    if attrs.has(type(item)):
        return attrs.asdict(item, recurse=True)  # type: ignore[arg-type]
    if isinstance(item, dict):
        return copy.deepcopy(item)  # the answer's own lists and dicts stay the answer's
    return {"value": item}


def _squash(name: str) -> str:
    """A field's name in any spelling, for matching: ``close_order_algo`` → ``closeorderalgo``."""
    return name.replace("_", "").replace("-", "").lower()


def nested_fields(model: type | None, items: Sequence[object] = ()) -> list[str]:
    """The fields of ``model`` that hold nested items: a list of objects (``details``) or one
    object (``linkedAlgoOrd``). For an untyped answer (``model`` is ``None``), the keys of
    ``items`` whose value is an object or a list of objects in some item."""
    if model is not None and attrs.has(model):
        return [
            field.name
            for field in attrs.fields(attrs.resolve_types(model))
            if _nested_model(field.type) is not None
        ]
    names: dict[str, None] = {}
    for item in items:
        if isinstance(item, Mapping):
            names.update((key, None) for key, value in item.items() if _objects(value))
    return list(names)


def _nested_model(annotation: object) -> type | None:
    """The model of a field typed ``X | None`` or ``list[X] | None`` where X is a model."""
    for part in typing.get_args(annotation) or (annotation,):
        if typing.get_origin(part) is list:
            part = (typing.get_args(part) or (None,))[0]
        if isinstance(part, type) and attrs.has(part):
            return part
    return None


def _objects(value: object) -> bool:
    if isinstance(value, list):
        return bool(value) and all(isinstance(each, Mapping) for each in value)
    return isinstance(value, Mapping)


def nested_name(model: type | None, items: Sequence[object], nested: str) -> str:
    """The field of ``model`` (or key of untyped ``items``) that ``nested`` names, in any
    spelling; raise ``OkxParamsException`` naming the nested fields when it names none."""
    names = nested_fields(model, items)
    found = next((name for name in names if _squash(name) == _squash(nested)), None)
    if found is not None:
        return found
    owner = model.__name__ if model is not None else "this answer"
    which = f"its nested items are {', '.join(names)}" if names else "it has no nested items"
    raise OkxParamsException(
        f"{owner} has no nested items {nested!r}; {which}",
        param="nested",
        value=nested,
        allowed=", ".join(names),
    )


def record_fields(model: type, nested: str | None = None) -> list[str]:
    """The keys of the records of ``model``'s items (an attrs model), in order; with
    ``nested``, of the records of its nested items (see ``records``)."""
    fields = attrs.fields(attrs.resolve_types(model))
    if nested is None:
        return [field.name for field in fields]
    name = nested_name(model, (), nested)
    inner = next(_nested_model(field.type) for field in fields if field.name == name)
    assert inner is not None  # nested_name found it among the nested fields
    parent = [PARENT + field.name for field in fields if _nested_model(field.type) is None]
    return [field.name for field in attrs.fields(inner)] + parent


def records(
    items: Sequence[object], model: type | None, nested: str | None = None
) -> list[dict[str, Any]]:
    """``items`` (of ``model``, or untyped dicts) as plain dicts, as
    ``OkxResponse.to_records`` gives them: one per item, or with
    ``nested`` one per nested item, its parent's other fields prefixed ``parent_``."""
    if nested is None:
        return [_record(item) for item in items]
    name = nested_name(model, items, nested)
    inner = set(nested_fields(model, items))
    rows: list[dict[str, Any]] = []
    for item in items:
        parent = _record(item)
        children = parent.get(name)
        if children is None:
            continue
        shared = {PARENT + key: value for key, value in parent.items() if key not in inner}
        for child in children if isinstance(children, list) else [children]:
            rows.append({**(child if isinstance(child, dict) else {"value": child}), **shared})
    return rows


def failed_items(answer: Mapping[str, Any]) -> list[tuple[int, Mapping[str, Any]]]:
    """The items of an OKX answer whose ``sCode`` is set and not ``"0"``, with their index."""
    items = answer.get("data")
    if not isinstance(items, list):
        return []
    return [
        (index, item)
        for index, item in enumerate(items)
        if isinstance(item, Mapping) and str(item.get("sCode") or "0") != "0"
    ]


def describe_failures(answer: Mapping[str, Any]) -> str:
    """The failing items of an answer in words: ``51008: Order failed. Insufficient USDT
    balance in account (item 1 of 1, clOrdId b1)``, each of them, then the items that went
    through; ``""`` when none failed."""
    items = answer.get("data")
    failed = failed_items(answer)
    if not failed or not isinstance(items, list):
        return ""
    total = len(items)
    parts = []
    for index, item in failed:
        ids = ", ".join(f"{name} {item[name]}" for name in ("clOrdId", "ordId") if item.get(name))
        where = f"item {index + 1} of {total}" + (f", {ids}" if ids else "")
        parts.append(f"{item.get('sCode')}: {item.get('sMsg') or 'no message'} ({where})")
    text = "; ".join(parts)
    passed = [str(index + 1) for index in range(total) if index not in {i for i, _ in failed}]
    if passed:
        text += f"; item{'s' if len(passed) > 1 else ''} {', '.join(passed)} went through"
    return text
