"""Docstrings read well in ``help()`` and an editor: plain names in backticks, no mkdocs link
markup, no Sphinx roles; the docs build links those names (``tools/docs_crossrefs.py``)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import griffe
import pytest

import okx_v5

from .helpers import tool

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "okx_v5"

MKDOCS_LINK = re.compile(r"\]\[okx_v5\.")
SPHINX_ROLE = re.compile(r"(?<!\w):(?:[a-z]+:)?[a-z]+:`")


def markup(text: str | None) -> list[str]:
    """Each mkdocs link and Sphinx role in ``text``, with some text around it."""
    return [
        text[max(0, found.start() - 30) : found.end() + 30]
        for pattern in (MKDOCS_LINK, SPHINX_ROLE)
        for found in pattern.finditer(text or "")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "see [`OkxClient`][okx_v5.okxclient.OkxClient].",
        "see :class:`OkxClient`.",
        "see :meth:`~okx_v5.okxclient.OkxClient.request`.",
        "see :py:func:`get_timestamp`.",
    ],
)
def test_the_check_finds_each_kind_of_markup(text: str) -> None:
    assert markup(text)


def test_the_check_leaves_plain_names_and_colons_alone() -> None:
    assert not markup("see ``OkxClient.request`` and ``okx_v5:rl:`` keys; ``a: b``; `x`.")


def modules() -> list[ModuleType]:
    names = [
        info.name
        for info in pkgutil.walk_packages(okx_v5.__path__, "okx_v5.")
        if not info.name.endswith("__main__")  # runs the command line when imported
    ]
    return [okx_v5, *(importlib.import_module(name) for name in sorted(names))]


def documented(module: ModuleType) -> Iterator[tuple[str, Any]]:
    """The module and every class, function, method and property defined in it."""
    yield module.__name__, module
    for name, value in vars(module).items():
        if getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isclass(value):
            yield from members(f"{module.__name__}.{name}", value)
        elif inspect.isfunction(value):
            yield f"{module.__name__}.{name}", value


def members(path: str, cls: type) -> Iterator[tuple[str, Any]]:
    yield path, cls
    for name, value in vars(cls).items():
        inner = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
        if inspect.isclass(inner) and inner.__qualname__.startswith(cls.__qualname__ + "."):
            yield from members(f"{path}.{name}", inner)
        elif inspect.isfunction(inner) or isinstance(inner, property):
            yield f"{path}.{name}", inner


def test_the_walk_reaches_the_generated_and_the_hand_written_docstrings() -> None:
    paths = {path for module in modules() for path, _ in documented(module)}
    assert "okx_v5.Trade.TradeAPI.place_order" in paths
    assert "okx_v5._generated.models.trade.PlaceOrder" in paths
    assert "okx_v5.okxclient.OkxClient.API_SECRET_KEY" in paths
    assert "okx_v5.websocket.link.Link.receive" in paths
    assert len(paths) > 2000


def test_no_docstring_in_the_package_has_mkdocs_links_or_sphinx_roles() -> None:
    # Each object's own docstring (inspect.getdoc would also bring requests' to OkxAdapter).
    found = {
        path: markup(value.__doc__)
        for module in modules()
        for path, value in documented(module)
        if markup(value.__doc__)
    }
    assert found == {}


def test_no_attribute_docstring_or_source_string_has_them_either() -> None:
    # Attribute docstrings (a string after an assignment) exist only in the source, and an
    # editor shows them on hover.
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            is_string = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            text = node.value.value if is_string else None  # type: ignore[attr-defined]
            if isinstance(text, str) and markup(text):
                found[f"{path.relative_to(ROOT)}:{node.lineno}"] = markup(text)
    assert found == {}


# -- the docs build's links ------------------------------------------------------------------


@pytest.fixture(scope="module")
def linked() -> griffe.Module:
    """okx_v5 as mkdocstrings loads it, with the extension mkdocs.yml names."""
    extension = tool("docs_crossrefs").CrossReferences
    package = griffe.load(
        "okx_v5", search_paths=[str(ROOT)], extensions=griffe.load_extensions(extension)
    )
    assert isinstance(package, griffe.Module)
    return package


def autoref(path: str, name: str) -> str:
    return f'<autoref identifier="{path}" optional>``{name}``</autoref>'


def docstring(package: griffe.Module, path: str) -> str:
    found = package[path].docstring
    assert found is not None
    return str(found.value)


def test_mkdocs_yml_loads_the_extension() -> None:
    assert "tools/docs_crossrefs.py" in (ROOT / "mkdocs.yml").read_text()


def test_a_model_named_in_a_method_docstring_links_to_the_model(linked: griffe.Module) -> None:
    text = docstring(linked, "Trade.TradeAPI.place_order")
    assert text.startswith(
        "Place order: " + autoref("okx_v5.models.trade.PlaceOrder", "PlaceOrder")
    )


def test_a_class_imported_by_the_module_links_to_where_it_is_defined(
    linked: griffe.Module,
) -> None:
    text = docstring(linked, "Trade.TradeAPI")
    assert autoref("okx_v5.okxclient.OkxClient", "OkxClient") in text
    assert "``TradeAPI``" in text  # itself: no link
    assert "``okx.Trade``" in text  # python-okx's: not ours


def test_a_method_named_by_its_class_links_from_another_module(linked: griffe.Module) -> None:
    text = docstring(linked, "models.account.LeverageInfo")
    assert autoref("okx_v5.Account.AccountAPI.get_leverage", "AccountAPI.get_leverage") in text


def test_a_member_of_the_same_class_links_by_its_bare_name(linked: griffe.Module) -> None:
    text = docstring(linked, "okxclient.OkxClient.request")
    assert autoref("okx_v5.okxclient.OkxClient.retry_policy", "retry_policy") in text


def test_the_resolver_links_only_public_okx_v5_objects(linked: griffe.Module) -> None:
    resolver = tool("docs_crossrefs").Resolver(linked)
    scope = linked["okxclient.OkxClient"]
    assert resolver.resolve(scope, "OkxResponse.data") == "okx_v5.response.OkxResponse.data"
    assert resolver.resolve(scope, "okx_v5.retry.RetryPolicy") == "okx_v5.retry.RetryPolicy"
    assert resolver.resolve(scope, "TradeAPI") == "okx_v5.Trade.TradeAPI"  # the only one
    assert resolver.resolve(scope, "json") is None  # imported, not ours
    assert resolver.resolve(scope, "_send_once") is None  # private
    assert resolver.resolve(scope, "params") is None  # a bare module name: an argument, mostly
    assert resolver.resolve(scope, "okx_v5.params") == "okx_v5.params"
    assert resolver.resolve(scope, "cross") is None


def test_code_in_a_fence_and_a_link_text_stay_as_written(linked: griffe.Module) -> None:
    resolver = tool("docs_crossrefs").Resolver(linked)
    scope = linked["okxclient.OkxClient"]
    text = "```python\n``OkxResponse``\n```\n[`OkxResponse`](https://x) and `sync_time()`"
    assert resolver.link(scope, text) == (
        "```python\n``OkxResponse``\n```\n[`OkxResponse`](https://x) and "
        '<autoref identifier="okx_v5.okxclient.OkxClient.sync_time" optional>`sync_time()`'
        "</autoref>"
    )
