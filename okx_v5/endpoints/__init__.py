"""The endpoint declarations: one module per python-okx module, generated from ``okx_v5/facts``.

``okx_v5.endpoints.account`` declares ``okx.Account``'s endpoints (``GET_LEVERAGE``, ...), and so
on: each is an import of its generated module, ``okx_v5._generated.endpoints.account``. Each
module names its python-okx module and class in ``MODULE`` and ``API``. Importing this package
imports none of them: ``groups`` and ``every`` do (the generated modules), for the command line,
the docs and ``FakeOKX``; ``find`` looks one up by HTTP method and path, in the module of the
caller's class first, so that a call imports the other modules only when that one lacks it.
"""

from __future__ import annotations

import functools
import pkgutil
import re
from importlib import import_module
from types import ModuleType
from typing import Any

from okx_v5._generated import endpoints as _generated
from okx_v5.endpoint import Endpoint

__all__ = ["every", "find", "group_of", "groups"]


def group_of(module: str) -> str:
    """The declarations module of python-okx's ``module``: ``PublicData`` → ``public_data``;
    ``Finance.Savings`` → ``finance_savings`` (the generator names the files by this rule)."""
    return "_".join(
        re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", part).lower() for part in module.split(".")
    )


@functools.lru_cache(maxsize=1)
def groups() -> tuple[ModuleType, ...]:
    """Every declarations module (the generated ones), in name order (imported on first
    call)."""
    names = sorted(info.name for info in pkgutil.iter_modules(_generated.__path__))
    return tuple(import_module(f"{_generated.__name__}.{name}") for name in names)


def every() -> list[Endpoint[Any]]:
    """Every endpoint declaration, module by module, in python-okx's method order."""
    return [
        value
        for module in groups()
        for value in vars(module).values()
        if isinstance(value, Endpoint)
    ]


@functools.lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str, str], Endpoint[Any]]:
    # Keyed by module too: two python-okx modules call the same path with answers of their
    # own model (MarketAPI.get_tier and PublicAPI.get_position_tiers). The module "" holds
    # the first declaration of each path, for callers of no module.
    index: dict[tuple[str, str, str], Endpoint[Any]] = {}
    for module in groups():
        for value in vars(module).values():
            if isinstance(value, Endpoint):
                index.setdefault((module.MODULE, value.method, value.path), value)
                index.setdefault(("", value.method, value.path), value)
    return index


@functools.cache
def _own_index(module: str) -> dict[tuple[str, str], Endpoint[Any]]:
    """The declarations of python-okx's ``module`` alone, by (method, path); empty for a module
    that declares none (a bare ``OkxClient``'s)."""
    try:
        declared = import_module(f"{_generated.__name__}.{group_of(module)}")
    except ImportError:
        return {}
    index: dict[tuple[str, str], Endpoint[Any]] = {}
    for value in vars(declared).values():
        if isinstance(value, Endpoint):
            index.setdefault((value.method, value.path), value)
    return index


def find(method: str, path: str, module: str = "") -> Endpoint[Any] | None:
    """The declaration of ``method`` ``path`` (without a query string), or ``None``; the one
    of python-okx's ``module`` (``"PublicData"``, ``"Finance.Savings"``) where it has one."""
    key = (method.upper(), path)
    if module:
        own = _own_index(module).get(key)
        if own is not None:
            return own
    index = _index()
    return index.get((module, *key)) or index.get(("", *key))
