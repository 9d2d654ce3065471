"""Find and run the code examples of the Markdown pages, so the docs cannot drift from the code.

A page's ```` ```python ```` blocks are executed in order in one namespace; its
```` ```pycon ```` blocks (``>>>`` prompts and their output) run as doctests in that same
namespace, so the shown output is checked too. A block preceded by the line
``<!-- not-run -->`` is shown but not run (the "before" side of a migration, say).
"""

from __future__ import annotations

import doctest
import io
import re
import textwrap
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOT_RUN = "<!-- not-run -->"
"""The marker line, directly above a fence, of a block that is deliberately not executed."""

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,})(?P<lang>[\w-]*)")
_RUNNABLE = ("python", "py", "pycon")
_DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass(frozen=True)
class Block:
    """One fenced code block: where it is, its language, its code and whether it runs."""

    path: Path
    line: int  # of the first code line, 1-based
    lang: str
    code: str
    run: bool

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


class ExampleFailed(AssertionError):
    """A code example raised, or printed something other than its shown output."""


def blocks(path: Path) -> Iterator[Block]:
    """Yield the Python code blocks of a Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        ticks, lang = opening["ticks"], opening["lang"].lower()
        previous = next((line.strip() for line in reversed(lines[:index]) if line.strip()), "")
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(ticks):
            end += 1
        if lang in _RUNNABLE:
            code = textwrap.dedent("\n".join(lines[index + 1 : end]))
            yield Block(path, index + 2, lang, code + "\n", run=previous != NOT_RUN)
        index = end + 1


def run_page(path: Path, namespace: dict[str, Any] | None = None) -> int:
    """Run every runnable block of ``path`` in order in one namespace; return how many ran.

    Raises :class:`ExampleFailed` naming the file and line of the first block that fails.
    """
    namespace = {"__name__": "__docs__"} if namespace is None else namespace
    ran = 0
    for block in blocks(path):
        if not block.run:
            continue
        if block.lang == "pycon":
            _run_doctest(block, namespace)
        else:
            _run_python(block, namespace)
        ran += 1
    return ran


def _run_python(block: Block, namespace: dict[str, Any]) -> None:
    # Padding puts the traceback's line numbers on the Markdown file's own lines.
    code = compile("\n" * (block.line - 1) + block.code, str(block.path), "exec")
    try:
        exec(code, namespace)
    except Exception as exc:
        frames = exc.__traceback__.tb_next if exc.__traceback__ else None  # skip this frame
        detail = "".join(traceback.format_exception(type(exc), exc, frames))
        raise ExampleFailed(f"{block.where}: the example failed\n{detail}") from exc


def _run_doctest(block: Block, namespace: dict[str, Any]) -> None:
    test = doctest.DocTestParser().get_doctest(
        block.code, namespace, block.where, str(block.path), block.line - 1
    )
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=_DOCTEST_FLAGS)
    runner.run(test, out=report.write, clear_globs=False)
    namespace.update(test.globs)  # DocTest works on a copy; later blocks see its names
    if runner.failures:
        raise ExampleFailed(f"{block.where}: the example's output differs\n{report.getvalue()}")
