"""``tools/generate.py`` renders what the facts say: one rendering rule per test, on an entry
of the real facts changed the way a new fact would change it."""

from __future__ import annotations

from pathlib import Path

import attrs

from .helpers import tool

ROOT = Path(__file__).resolve().parent.parent


generate = tool("generate")


def bills_archive() -> object:
    """``AccountAPI.get_account_bills_archive``'s facts, typed."""
    facts = generate.load_module(ROOT / "okx_v5" / "facts" / "Account.json")
    return next(e for e in facts.endpoints if e.name == "get_account_bills_archive")


def test_a_keyword_argument_of_okx_v5_goes_after_python_okxs_behind_the_star() -> None:
    endpoint = bills_archive()
    added = attrs.evolve(
        endpoint.params[0], name="newFilter", key="newFilter", keyword=True, default=None
    )
    endpoint = attrs.evolve(endpoint, params=(*endpoint.params, added))
    text = "\n".join(generate.signature(endpoint, endpoint.name, 4))
    head, star, tail = text.partition("*,")
    assert star
    assert "newFilter:" in tail
    assert "newFilter:" not in head
    assert tail.index("newFilter:") < tail.index("validate:") < tail.index("extra:")
    assert '"newFilter": newFilter' in generate.given(endpoint)


def test_without_keyword_arguments_the_star_only_guards_the_options() -> None:
    endpoint = bills_archive()
    endpoint = attrs.evolve(endpoint, params=tuple(p for p in endpoint.params if not p.keyword))
    text = "\n".join(generate.signature(endpoint, "get_account_bills_archive", 4))
    assert text.count("*,") == 1
    assert text.split("*,")[1].split(",")[0].strip().startswith("validate:")


def test_the_coverage_page_counts_okx_v5_s_keyword_arguments_by_module() -> None:
    every = generate.module_facts()
    counted = {
        facts.module: sum(p.keyword for e in facts.endpoints if e.python_okx for p in e.params)
        for _, facts in every
    }  # okx_v5's own methods take every documented parameter: none is "beyond python-okx"
    sentence = generate.keyword_coverage(every)
    assert f"takes {sum(counted.values())} parameters" in sentence
    for module, count in counted.items():
        assert (f"{module} {count}," in sentence or f"{module} {count})" in sentence) == bool(count)
