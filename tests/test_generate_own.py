"""``tools/generate.py`` on okx_v5's own methods (``python_okx`` false) and modules: the
declaration says so, the docstring says so, and a module python-okx lacks is named as okx_v5's."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import attrs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # the tools import each other as scripts do


def load_generator() -> ModuleType:
    """``tools/generate.py`` as a module (``tools`` is no package)."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "tools" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = load_generator()
TRADE = generate.load_module(ROOT / "okx_v5" / "facts" / "Trade.json")


def own_get_order() -> object:
    """``TradeAPI.get_order``'s facts, as if it were okx_v5's own method."""
    endpoint = next(e for e in TRADE.endpoints if e.name == "get_order")
    return attrs.evolve(endpoint, const=None, python_okx=False)


def test_an_own_method_is_declared_as_none_of_python_okx_s() -> None:
    text = "\n".join(generate.render_endpoint(own_get_order(), "trade"))
    assert "python_okx=False" in text


def test_a_python_okx_method_is_declared_without_the_flag() -> None:
    endpoint = next(e for e in TRADE.endpoints if e.name == "get_order")
    assert "python_okx" not in "\n".join(generate.render_endpoint(endpoint, "trade"))


def test_an_own_method_s_docstring_says_python_okx_has_none() -> None:
    assert "okx_v5's own method" in generate.method_doc(own_get_order(), TRADE)


def test_a_module_without_the_python_okx_source_is_named_as_okx_v5_s() -> None:
    sources = {k: v for k, v in TRADE.sources.items() if k != "python-okx"}
    own = attrs.evolve(TRADE, module="SignalBot", class_="SignalBotAPI", sources=sources)
    assert generate.whose(own) == "okx_v5's ``okx_v5.SignalBot``"
    assert generate.whose(TRADE) == "python-okx's ``okx.Trade``"
