#!/usr/bin/env python3
"""Run python-okx's own WebSocket unit tests against okx_v5, their import changed.

python-okx keeps 48 unit tests of its ``okx.websocket`` classes in a checkout of its
repository (``test/unit/okx/websocket/``; they are not in its PyPI packages). This copies
them into a temporary folder with ``okx.websocket`` replaced by ``okx_v5.websocket`` and runs
pytest there, so that anyone with a checkout can see okx_v5's classes pass python-okx's own
tests. Nothing of python-okx is kept.

    python tools/python_okx_ws_tests.py ~/src/python-okx          # a checkout
    python tools/python_okx_ws_tests.py ~/src/python-okx.git      # a bare clone (HEAD)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = "test/unit/okx/websocket"


def test_files(source: Path) -> dict[str, str]:
    """The test files' names and texts, from a checkout or a bare git repository."""
    folder = source / TESTS
    if folder.is_dir():
        return {path.name: path.read_text() for path in sorted(folder.glob("test_*.py"))}
    listing = subprocess.run(
        ["git", "--git-dir", str(source), "ls-tree", "--name-only", f"HEAD:{TESTS}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return {
        name: subprocess.run(
            ["git", "--git-dir", str(source), "show", f"HEAD:{TESTS}/{name}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for name in listing
        if name.startswith("test_") and name.endswith(".py")
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a python-okx checkout or bare repository")
    options = parser.parse_args(argv)
    files = test_files(options.source)
    if not files:
        print(f"no test files under {TESTS} in {options.source}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            Path(folder, name).write_text(text.replace("okx.websocket", "okx_v5.websocket"))
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", folder]
        return subprocess.run(command, cwd=folder, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
