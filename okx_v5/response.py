"""The response object: python-okx's decoded JSON dict, plus typed attributes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs

from .exceptions import OkxAPIException, OkxResponseException, api_exception_class, excerpt

__all__ = ["OkxResponse"]

T = TypeVar("T")


class OkxResponse(dict[str, Any], Generic[T]):
    """The decoded OKX JSON, exactly as python-okx returns it, with typed attributes.

    ``result["data"][0]["lever"]`` and ``json.dumps(result)`` work as with python-okx;
    ``result.data`` gives the same items as typed attrs objects, ``result.code`` / ``.msg`` the
    OKX code and message, ``result.ok`` whether the code is ``"0"``, and
    [`raise_for_code`][okx_v5.response.OkxResponse.raise_for_code] turns an OKX error into an
    exception.
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

        Raises [`OkxResponseException`][okx_v5.exceptions.OkxResponseException] naming the item
        and field when an item does not fit its model.
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

        Ready for ``pandas.DataFrame(result.to_records())``; numbers stay ``Decimal``. An OKX
        error without items raises its exception (see :meth:`raise_for_code`) rather than
        look like an empty answer; a batch's answer keeps its items, each with its own code.
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

    def raise_for_code(self) -> OkxResponse[T]:
        """Return ``self`` on OKX success, else raise the matching ``OkxAPIException``."""
        if self.ok:
            return self
        cls = api_exception_class(self.code, self.status_code)
        raise self._exception(cls, "")

    def _exception(self, cls: type[OkxAPIException], message: str) -> OkxAPIException:
        return cls(
            message,
            code=self.code,
            msg=self.msg,
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
