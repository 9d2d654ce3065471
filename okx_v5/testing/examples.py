"""OKX's documented example answers, from the facts shipped with okx_v5.

The fake exchange answers an endpoint it has no behaviour of its own for with the example of
OKX's documentation (the ``example`` of the endpoint's facts, ``okx_v5/facts/*.json``), or an
empty list when no documentation describes it. Read once per process, on first use. The example
keeps its documented shape: a list of items, or one object for the few endpoints whose ``data``
OKX documents as an object (``/api/v5/market/index-components``,
``/api/v5/rubik/stat/trading-data/support-coin``).

The endpoints with behaviour of their own answer with the same fields: ``shaped`` fills the
documented fields of an item (``template``) with the exchange's values.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

__all__ = ["blank", "example", "shaped", "template"]


@functools.cache
def _examples() -> dict[tuple[str, str], list[Any] | dict[str, Any]]:
    found: dict[tuple[str, str], list[Any] | dict[str, Any]] = {}
    for entry in resources.files("okx_v5").joinpath("facts").iterdir():
        if not entry.name.endswith(".json"):
            continue
        facts = json.loads(entry.read_text(encoding="utf-8"))
        for endpoint in facts.get("endpoints", ()):  # consts.json and uncovered.json have none
            if endpoint.get("example") is not None:
                found.setdefault((endpoint["http"], endpoint["path"]), endpoint["example"])
    return found


def example(method: str, path: str) -> Any:
    """The documented ``data`` of an answer of ``method`` ``path`` (a copy), or ``[]``: a list
    of items, or an object where OKX documents one."""
    return copy.deepcopy(_examples().get((method, path), []))


def blank(item: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``item`` with its values emptied as OKX empties them: ``""`` for text and
    numbers, ``[]`` for lists, nested objects blanked; booleans keep their documented value."""
    return {name: _blank(value) for name, value in item.items()}


def _blank(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, Mapping):
        return blank(value)
    if isinstance(value, list):
        return []
    return ""


def template(method: str, path: str) -> dict[str, Any]:
    """The fields of the first documented item of ``method`` ``path``, blanked (``blank``)."""
    items = _examples().get((method, path)) or [{}]
    first = items[0] if isinstance(items, list) else items
    return blank(first) if isinstance(first, Mapping) else {}


def shaped(fields: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``fields`` (a ``template``) in their order, with ``values`` where given.

    Only documented fields are answered: a value for a field OKX does not document is left out.
    """
    return {name: values.get(name, empty) for name, empty in fields.items()}
