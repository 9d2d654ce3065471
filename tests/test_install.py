"""How okx_v5 is installed: the commands the docs and the errors give work without PyPI, and
type checkers see the package in the environment the tests run in."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PYPI_INSTALL = re.compile(
    r"pip3?\s+install\b[^\n&;|#]*?(?<![\w/.~-])['\"]?okx[-_.]?v5\b(?![/\\])", re.IGNORECASE
)
"""``pip install okx-v5`` and its spellings (``'okx_v5[redis]'``, ``-U okx-v5``): a name looked
up on PyPI, where okx_v5 is not published. A path (``/path/to/okx_v5``, ``.``) is fine, and so
are the ``okx-v5`` command after ``&&`` and a comment after ``#``."""


def _texts() -> list[Path]:
    """What a user reads: the package's messages, the README, the docs, the examples, tools."""
    return sorted(
        {
            ROOT / "README.md",
            *ROOT.glob("okx_v5/**/*.py"),
            *ROOT.glob("docs/**/*.md"),
            *ROOT.glob("docs/**/*.ipynb"),
            *ROOT.glob("examples/**/*.py"),
            *ROOT.glob("tools/**/*.py"),
        }
    )


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("pip install okx-v5", True),
        ("pip install 'okx-v5[redis]' && export X=1", True),
        ('python -m pip install -U "okx_v5[redis]"', True),
        ("pip install okx_v5", True),
        ("pip install '/path/to/okx_v5[redis]'", False),
        ("pip install -e '.[redis]'", False),
        ("pip install . && okx-v5 --sandbox position-tiers", False),
        ("pip install ../okx_v5/", False),
        ("pip install /path/to/okx_v5  # your checkout of okx_v5", False),
    ],
)
def test_a_pypi_install_of_okx_v5_is_recognised(line: str, found: bool) -> None:
    assert bool(PYPI_INSTALL.search(line)) is found


def test_no_message_or_page_installs_okx_v5_from_pypi() -> None:
    texts = _texts()
    assert ROOT / "okx_v5" / "checks.py" in texts  # the redis extra's install hint
    assert ROOT / "docs" / "fleet.md" in texts
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in texts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PYPI_INSTALL.search(line)
    ]
    assert found == [], "okx_v5 is not on PyPI: install it from a checkout's path"


def type_check(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` of ``script``, as a user's project runs it against the installed okx_v5.

    mypy runs as the Python running these tests, from a folder outside the project, with no
    PYTHONPATH or MYPYPATH: it finds okx_v5 only as that environment has it installed (an
    editable install through an import hook, which mypy cannot follow, fails here)."""
    (tmp_path / "bot.py").write_text(script)
    (tmp_path / "mypy.ini").write_text("[mypy]\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    mypy = [sys.executable, "-m", "mypy", "--strict", "--python-executable", sys.executable]
    return subprocess.run(
        [*mypy, "--config-file", "mypy.ini", "--cache-dir", str(tmp_path / "cache"), "bot.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )


def test_mypy_sees_the_installed_package_and_its_types(tmp_path: Path) -> None:
    done = type_check(
        tmp_path,
        "import okx_v5.PublicData as PublicData\n"
        "\n"
        'api = PublicData.PublicAPI(flag="0")\n'
        'tiers = api.get_position_tiers(instType="SWAP", tdMode="cross", instFamily="BTC-USDT")\n'
        "reveal_type(tiers.data[0].max_lever)\n",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'Revealed type is "decimal.Decimal | None"' in done.stdout


def test_mypy_offers_the_documented_values_and_takes_any_text(tmp_path: Path) -> None:
    # ordType="limit" is one of the values OKX documents; order_type is any str (a value OKX
    # added since, sent with a warning): both type-check, and the signature names the values.
    done = type_check(
        tmp_path,
        "from okx_v5.Trade import TradeAPI\n"
        "\n"
        'api = TradeAPI(flag="0")\n'
        'api.place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit", sz="1")\n'
        'order_type: str = "limit"\n'
        'api.place_order("BTC-USDT", "cash", "buy", order_type, 1, px=30000)\n'
        "reveal_type(TradeAPI.place_order)\n",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ordType: Literal['market'] | Literal['limit'] | " in done.stdout
    assert "Literal['elp'] | str, sz: str | int | float | decimal.Decimal," in done.stdout


def test_mypy_refuses_none_for_an_argument_okx_requires(tmp_path: Path) -> None:
    done = type_check(
        tmp_path,
        "from okx_v5.Trade import TradeAPI\n"
        "\n"
        'api = TradeAPI(flag="0")\n'
        'api.place_order(instId=None, tdMode="cash", side="buy", ordType="limit", sz="1")\n',
    )
    assert done.returncode == 1, done.stdout + done.stderr
    refused = 'Argument "instId" to "place_order" of "TradeAPI" has incompatible type "None"'
    assert f'{refused}; expected "str"' in done.stdout
