"""The one table of OKX error codes: the classes, the retry rule, the hints and the docs' code
lists all follow from ``okx_v5.exceptions.ERROR_CODES``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from okx_v5 import exceptions
from okx_v5.exceptions import (
    ERROR_CODES,
    OkxAPIException,
    OkxAuthException,
    OkxRateLimitException,
    OkxServerException,
    OkxTimestampException,
    api_exception_class,
    hint,
)
from okx_v5.retry import is_transient

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _codes(cell: str) -> list[str]:
    """A range (``50111``, an en dash, ``50113``) → its codes; ``50011`` → itself."""
    first, _, last = cell.strip().partition("\N{EN DASH}")
    return [str(code) for code in range(int(first), int(last or first) + 1)]


def _errors_table() -> dict[str, tuple[int, str]]:
    """docs/errors.md's "Common OKX codes": code → (HTTP status, class raised)."""
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    section = text.split("## Common OKX codes", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 5 and cells[0][:1].isdigit():
            for code in _codes(cells[0]):
                rows[code] = (int(cells[1]), cells[2].strip("`"))
    return rows


def _tree_codes(text: str, cls: type[OkxAPIException]) -> set[str]:
    """The codes the exception tree in ``text`` lists beside ``cls``."""
    line = re.search(rf"{cls.__name__} +(.*)", text)
    assert line is not None, f"{cls.__name__} is not in the tree"
    return set(re.findall(r"\b5\d{4}\b", line.group(1)))


def _with_class(cls: type[OkxAPIException]) -> set[str]:
    return {code for code, known in ERROR_CODES.items() if known.raised_as is cls}


def test_the_errors_page_lists_every_code_of_the_table_and_no_other() -> None:
    assert set(_errors_table()) == set(ERROR_CODES)


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_the_errors_page_gives_each_code_its_status_and_class(code: str) -> None:
    known = ERROR_CODES[code]
    assert _errors_table()[code] == (known.status, known.raised_as.__name__)


def test_the_resilience_page_retries_exactly_the_transient_codes() -> None:
    text = (DOCS / "resilience.md").read_text(encoding="utf-8")
    section = text.split("## Retries", 1)[1].split("Never retried", 1)[0]
    listed = set(re.findall(r"`(5\d{4})`", section))
    assert listed == {code for code, known in ERROR_CODES.items() if known.transient}


@pytest.mark.parametrize(
    "text",
    [
        exceptions.__doc__ or "",
        (DOCS / "errors.md").read_text(encoding="utf-8"),
        (DOCS / "resilience.md").read_text(encoding="utf-8"),
    ],
    ids=["exceptions-module", "errors-page", "resilience-page"],
)
@pytest.mark.parametrize(
    "cls", [OkxRateLimitException, OkxServerException, OkxTimestampException], ids=str
)
def test_each_exception_tree_lists_the_codes_of_the_table(
    text: str, cls: type[OkxAPIException]
) -> None:
    assert _tree_codes(text, cls) == _with_class(cls)


def test_50061_the_sub_account_order_limit_is_a_transient_rate_limit() -> None:
    assert api_exception_class("50061", 200) is OkxRateLimitException
    assert is_transient("50061", 200)


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_a_code_of_the_table_raises_its_class_whatever_the_status(code: str) -> None:
    assert api_exception_class(code, 503) is ERROR_CODES[code].raised_as


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_the_retry_rule_follows_the_table(code: str) -> None:
    assert is_transient(code, ERROR_CODES[code].status) is ERROR_CODES[code].transient


def test_a_code_not_in_the_table_is_classed_by_its_prefix_then_its_status() -> None:
    assert [
        api_exception_class("50120", 401),
        api_exception_class("59999", 429),
        api_exception_class("59999", 502),
        api_exception_class("59999", 400),
    ] == [OkxAuthException, OkxRateLimitException, OkxServerException, OkxAPIException]


def test_the_hints_come_from_the_table() -> None:
    assert {code for code in ERROR_CODES if hint(code)} == {
        "50101",
        "50102",
        "50105",
        "50111",
        "50113",
        "50119",
    }
    assert hint("50102") == ERROR_CODES["50102"].hint
