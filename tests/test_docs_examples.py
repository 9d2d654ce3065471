"""Every code example of the README and the docs runs, against the simulated exchange.

The examples read like real use: credentials from ``OKX_*`` variables via ``from_env()`` and
the default host ``https://www.okx.com``; the ``okx_offline`` fixture (``conftest.py``) serves
them from a local :class:`FakeOKX`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from okx_v5.exceptions import api_exception_class
from okx_v5.testing import FakeOKX

from .docs_examples import NOT_RUN, ExampleFailed, blocks, run_page

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLE_PAGES = [page for page in PAGES if any(block.run for block in blocks(page))]
MAX_NOT_RUN = 4
"""Blocks shown but not run must stay rare: each is a place the docs could drift."""


@pytest.mark.parametrize("page", EXAMPLE_PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_the_page_examples_run(page: Path, okx_offline: FakeOKX) -> None:
    with page_run(page):
        pass


@contextlib.contextmanager
def page_run(page: Path) -> Iterator[dict[str, Any]]:
    """Run ``page`` and yield its namespace; then undo what it did to the environment and stop
    any FakeOKX it started (the quickstart starts its own, as a reader does)."""
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    with mock.patch.dict(os.environ):
        try:
            run_page(page, namespace)
            yield namespace
        finally:
            for value in namespace.values():
                if isinstance(value, FakeOKX):
                    value.stop()


def test_the_quickstart_runs_on_its_own_sandbox(okx_offline: FakeOKX) -> None:
    with page_run(ROOT / "docs" / "index.md") as namespace:
        sandbox = namespace["sandbox"]
        paths = {request.path.partition("?")[0] for request in sandbox.requests}
    assert paths == {"/api/v5/public/position-tiers", "/api/v5/account/leverage-info"}
    assert okx_offline.requests == []  # the page's own switch, not the test's, sent them there


def test_the_docs_are_mostly_runnable_examples() -> None:
    names = {page.name for page in EXAMPLE_PAGES}
    assert {"README.md", "index.md", "migration.md", "results.md", "errors.md"} <= names
    found = [block for page in PAGES for block in blocks(page)]
    skipped = [block.where for block in found if not block.run]
    assert len(found) - len(skipped) >= 30
    assert len(skipped) <= MAX_NOT_RUN, skipped


def test_a_failing_example_names_its_file_and_line(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n```python\nx = 1\n```\n\nText.\n\n```python\n\ny = x + 1\nraise KeyError(y)\n```\n"
    )
    with pytest.raises(ExampleFailed, match=r"page\.md:10: the example failed") as caught:
        run_page(page)
    assert f'File "{page}", line 12' in str(caught.value)
    assert "KeyError: 2" in str(caught.value)


def test_a_wrong_shown_output_fails(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```pycon\n>>> 1 + 1\n3\n```\n")
    with pytest.raises(ExampleFailed, match=r"page\.md:2: the example's output differs"):
        run_page(page)


def test_blocks_share_one_namespace_and_marked_blocks_do_not_run(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        f"```python\nx = 41\n```\n\n{NOT_RUN}\n```python\nraise SystemExit\n```\n"
        "  ```pycon\n  >>> x + 1\n  42\n  ```\n\n```bash\nexit 1\n```\n"
    )
    assert [block.run for block in blocks(page)] == [True, False, True]
    assert run_page(page) == 2


def _codes(cell: str) -> list[str]:
    first, _, last = cell.replace("\u2013", "-").partition("-")
    return [str(code) for code in range(int(first), int(last or first) + 1)]


def test_the_error_code_table_matches_the_exception_classes() -> None:
    rows = [
        [cell.strip(" `") for cell in line.strip("|").split("|")]
        for line in (ROOT / "docs" / "errors.md").read_text(encoding="utf-8").splitlines()
        if re.match(r"\| 5\d{4}", line)
    ]
    table = {code: (int(row[1]), row[2]) for row in rows for code in _codes(row[0])}
    assert {"50001", "50011", "50102", "50105", "50113", "51000"} <= table.keys()
    for code, (status, documented) in table.items():
        assert api_exception_class(code, status).__name__ == documented, code
