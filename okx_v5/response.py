"""The response object: python-okx's decoded JSON dict, plus typed attributes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs

from .exceptions import OkxAPIException, OkxResponseException, api_exception_class, excerpt

__all__ = ["OkxResponse", "describe_failures", "failed_items"]

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
            # Imported here: cattrs and the models are only needed once typed data is asked for.
            from .converter import StructureError, structure_items

            model = self.model
            try:
                if model is None:
                    self._items = _untyped(self.get("data", []))
                else:
                    self._items = structure_items(self.get("data", []), model)
            except StructureError as bad:
                raise self._exception(OkxResponseException, f"malformed answer: {bad}") from None
        return self._items

    @property
    def model(self) -> type[T] | None:
        """The class of the typed items, or ``None`` when the answer is not typed (no
        documentation describes it): ``data`` then holds the items as they came."""
        model = self._model
        if isinstance(model, str):
            from .endpoint import resolve  # a model module is imported only when used

            model = self._model = resolve(model)
        return model

    def to_records(self) -> list[dict[str, Any]]:
        """Return the ``data`` items as plain dicts of typed values, keyed by snake_case name.

        Ready for ``pandas.DataFrame(result.to_records())``; numbers stay ``Decimal``. An OKX error
        without items raises its exception (see ``raise_for_code``) rather than look like an empty
        answer; a batch's answer keeps its items, each with its own code.
        """
        if not self.ok and not self.get("data"):
            self.raise_for_code()
        return [_record(item) for item in self.data]

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


def _untyped(items: object) -> list[Any]:
    from .converter import StructureError

    if not isinstance(items, list):
        raise StructureError(f"data is {type(items).__name__}, not a list")
    return items


def _record(item: object) -> dict[str, Any]:
    if attrs.has(type(item)):
        return attrs.asdict(item, recurse=False)  # type: ignore[arg-type]
    if isinstance(item, dict):
        return dict(item)
    return {"value": item}


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
