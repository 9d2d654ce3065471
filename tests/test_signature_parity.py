"""Every module, class and method of python-okx 0.4.4 exists in okx_v5 with the same signature.

Found by walking the installed python-okx, so a method python-okx has and okx_v5 lacks fails
here. Parameters must match in name, kind, order and default; okx_v5 may only add keyword-only
ones: ``validate``, ``extra`` and the keys OKX documents that python-okx's signature lacks, as
the facts name them (``"keyword": true``). python-okx's mutable ``[]`` defaults are ``()`` in
okx_v5: the same wire.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from pathlib import Path
from types import ModuleType

import okx
import pytest

SKIPPED = {"okx.okxclient", "okx.consts", "okx.utils", "okx.exceptions", "okx.websocket"}


def python_okx_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(okx.__path__, "okx."):
        if info.ispkg or any(info.name.startswith(skip) for skip in SKIPPED):
            continue
        names.append(info.name)
    return sorted(names)


def api_classes(module: ModuleType) -> dict[str, type]:
    return {
        name: value
        for name, value in vars(module).items()
        if inspect.isclass(value) and value.__module__ == module.__name__
    }


def ours(name: str) -> ModuleType:
    return importlib.import_module("okx_v5" + name.removeprefix("okx"))


def comparable(signature: inspect.Signature) -> list[tuple[str, object, object]]:
    """Name, kind and default of each parameter python-okx could have, ``[]`` read as ``()``."""
    return [
        (p.name, p.kind, () if p.default == [] else p.default)
        for p in signature.parameters.values()
        if p.kind not in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD)
    ]


MODULES = python_okx_modules()


def test_python_okx_has_the_22_rest_modules_the_issue_names() -> None:
    assert len(MODULES) == 22
    assert "okx.Finance.Savings" in MODULES
    assert sum(len(public_methods(cls)) for name in MODULES for cls in api_classes(
        importlib.import_module(name)).values()) == 279  # fmt: skip


def public_methods(cls: type) -> list[str]:
    return [
        name for name, value in vars(cls).items() if callable(value) and not name.startswith("_")
    ]


@pytest.mark.parametrize("name", MODULES)
def test_every_class_and_method_of_the_module_exists_with_python_okx_signature(
    name: str,
) -> None:
    theirs = importlib.import_module(name)
    mine = ours(name)
    classes = api_classes(theirs)
    assert classes
    for class_name, cls in classes.items():
        counterpart = getattr(mine, class_name)
        assert comparable(inspect.signature(counterpart)) == comparable(inspect.signature(cls))
        for method in public_methods(cls):
            expected = comparable(inspect.signature(getattr(cls, method)))
            assert comparable(inspect.signature(getattr(counterpart, method))) == expected, method


FACTS = Path(__file__).resolve().parent.parent / "okx_v5" / "facts"


def keyword_arguments(name: str) -> dict[str, list[str]]:
    """okx_v5's own keyword arguments of each method of python-okx's module ``name``, as its
    facts file names them."""
    facts = json.loads((FACTS / f"{name.removeprefix('okx.')}.json").read_text(encoding="utf-8"))
    return {
        entry["name"]: [param["name"] for param in entry["params"] if param.get("keyword")]
        for entry in facts["endpoints"]
    }


@pytest.mark.parametrize("name", MODULES)
def test_okx_v5_adds_only_keyword_only_arguments(name: str) -> None:
    documented = keyword_arguments(name)
    for class_name, cls in api_classes(importlib.import_module(name)).items():
        counterpart = getattr(ours(name), class_name)
        for method in public_methods(cls):
            extra = [
                p.name
                for p in inspect.signature(getattr(counterpart, method)).parameters.values()
                if p.kind is inspect.Parameter.KEYWORD_ONLY
            ]
            assert extra == [*documented[method], "validate", "extra"], method


def test_okx_v5_adds_the_parameters_okx_documents_that_python_okx_lacks() -> None:
    from okx_v5.Trade import TradeAPI

    parameters = inspect.signature(TradeAPI.get_fills_history).parameters
    assert [parameters[name].kind for name in ("begin", "end")] == [
        inspect.Parameter.KEYWORD_ONLY
    ] * 2
    assert (parameters["begin"].default, parameters["end"].default) == (None, None)


class _Recorder:
    """Stands in for a client: records what an API method hands to ``_call``."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, dict[str, object], object, object]] = []

    def _call(
        self, endpoint: object, given: dict[str, object], validate: object, *, extra: object
    ) -> None:
        self.calls.append((endpoint, dict(given), validate, extra))


@pytest.mark.parametrize("name", MODULES)
def test_every_method_passes_each_argument_under_its_python_okx_name(name: str) -> None:
    for class_name, cls in api_classes(importlib.import_module(name)).items():
        counterpart = getattr(ours(name), class_name)
        for method in public_methods(cls):
            function = getattr(counterpart, method)
            names = list(inspect.signature(function).parameters)[1:-2]  # not self, the options
            values = {arg: object() for arg in names}
            recorder = _Recorder()
            level, extra = object(), object()
            function(recorder, **values, validate=level, extra=extra)
            ((_, given, validate, passed),) = recorder.calls
            assert (given, validate, passed) == (values, level, extra), method
