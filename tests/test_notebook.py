"""The example notebook runs from top to bottom in a real kernel, and is committed clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "notebook.ipynb"


def _html(cell: Any) -> str:
    return "".join(
        output.get("data", {}).get("text/html", "")
        for output in cell.outputs
        if output.output_type == "execute_result"
    )


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # Run with the tests' own Python ("python3" resolves to it) in a scratch directory.
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=60,
        resources={"metadata": {"path": str(tmp_path_factory.mktemp("notebook"))}},
    )
    client.execute()
    return notebook


def test_the_notebook_is_committed_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(not cell.outputs and cell.execution_count is None for cell in code)


def test_the_notebook_shows_results_as_tables(executed: Any) -> None:
    tables = [_html(cell) for cell in executed.cells if cell.cell_type == "code"]
    leverage = next(html for html in tables if "LeverageInfo" in html)
    assert "4 rows" in leverage
    assert "<th" in leverage
    assert ">25<" in leverage  # the leverage set on the simulated exchange
    assert any("PositionTier" in html and "25 rows" in html for html in tables)
    assert any("OKX error 50101" in html for html in tables)
    assert any("no rows" in html for html in tables)


def test_the_notebook_finds_the_tier_of_a_position(executed: Any) -> None:
    answers = [
        output["data"]["text/plain"]
        for cell in executed.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "execute_result"
    ]
    assert "(7, Decimal('25'), Decimal('0.04'), Decimal('0.02'))" in answers
