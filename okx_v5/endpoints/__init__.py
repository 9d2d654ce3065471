"""The endpoint declarations: one module per python-okx module, generated from ``okx_v5/facts``.

``okx_v5.endpoints.account`` declares ``okx.Account``'s endpoints (``GET_LEVERAGE``, ...), and so
on. Each module names its python-okx module and class in ``MODULE`` and ``API``. Importing this
package imports none of them: ``groups`` and ``every`` do, for the command line, the
docs and ``FakeOKX``; ``find`` looks one up by HTTP method and path.
"""

from __future__ import annotations

import functools
import pkgutil
from importlib import import_module
from types import ModuleType
from typing import Any

from okx_v5.endpoint import Endpoint

__all__ = ["every", "find", "groups"]


@functools.lru_cache(maxsize=1)
def groups() -> tuple[ModuleType, ...]:
    """Every declarations module, in name order (imported on first call)."""
    names = sorted(info.name for info in pkgutil.iter_modules(__path__))
    return tuple(import_module(f"{__name__}.{name}") for name in names)


def every() -> list[Endpoint[Any]]:
    """Every endpoint declaration, module by module, in python-okx's method order."""
    return [
        value
        for module in groups()
        for value in vars(module).values()
        if isinstance(value, Endpoint)
    ]


@functools.lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], Endpoint[Any]]:
    index: dict[tuple[str, str], Endpoint[Any]] = {}
    for endpoint in every():
        index.setdefault((endpoint.method, endpoint.path), endpoint)
    return index


def find(method: str, path: str) -> Endpoint[Any] | None:
    """The declaration of ``method`` ``path`` (without a query string), or ``None``."""
    return _index().get((method.upper(), path))
