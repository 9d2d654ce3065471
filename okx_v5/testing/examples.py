"""OKX's documented example answers, from the facts shipped with okx_v5.

The fake exchange answers an endpoint it has no behaviour of its own for with the example of
OKX's documentation (the ``example`` of the endpoint's facts, ``okx_v5/facts/*.json``), or an
empty list when no documentation describes it. Read once per process, on first use.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any

__all__ = ["example"]


@functools.cache
def _examples() -> dict[tuple[str, str], list[Any]]:
    found: dict[tuple[str, str], list[Any]] = {}
    for entry in resources.files("okx_v5").joinpath("facts").iterdir():
        if not entry.name.endswith(".json"):
            continue
        facts = json.loads(entry.read_text(encoding="utf-8"))
        for endpoint in facts.get("endpoints", ()):  # consts.json and uncovered.json have none
            if endpoint.get("example") is not None:
                found.setdefault((endpoint["http"], endpoint["path"]), endpoint["example"])
    return found


def example(method: str, path: str) -> list[Any]:
    """The documented ``data`` of an answer of ``method`` ``path`` (a copy), or ``[]``."""
    return copy.deepcopy(_examples().get((method, path), []))
