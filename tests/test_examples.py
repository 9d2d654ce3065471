"""The scripts in examples/ run: with --sandbox, and with OKX_* credentials (served locally)."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from okx_v5.testing import FakeOKX

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(
    name: str, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """Run ``examples/<name>`` as ``python examples/<name> args...``; return (exit code, stdout)."""
    monkeypatch.setattr("sys.argv", [name, *args])
    with pytest.raises(SystemExit) as exited:
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    return int(exited.value.code or 0), capsys.readouterr().out


def run_script(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python examples/<name> args...`` as a user does, in a process of its own, with
    warnings shown (an unclosed socket would print one) and no ``OKX_*`` variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("OKX_")}
    return subprocess.run(
        [sys.executable, "-W", "default", str(EXAMPLES / name), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_every_example_is_tested() -> None:
    tested = {
        "leverage.py",
        "position_tier.py",
        "environments.py",
        "orders.py",
        "order_history.py",
    }
    assert {path.name for path in EXAMPLES.glob("*.py")} == tested


def test_leverage_in_the_sandbox(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_example(
        "leverage.py",
        "--sandbox",
        "BTC-USDT-SWAP",
        "ETH-USDT-SWAP",
        monkeypatch=monkeypatch,
        capsys=capsys,
    )
    assert code == 0
    assert out.splitlines() == [
        "instrument           side   leverage",
        "BTC-USDT-SWAP        long         25",
        "BTC-USDT-SWAP        short        25",
        "ETH-USDT-SWAP        long         10",
        "ETH-USDT-SWAP        short        10",
    ]


def test_leverage_with_credentials_from_the_environment(
    okx_offline: FakeOKX, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_example(
        "leverage.py", "--mgn-mode", "isolated", "BTC-USDT", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    assert out.splitlines()[1:] == ["BTC-USDT             net          10"]
    assert okx_offline.requests[0].header("OK-ACCESS-KEY") == FakeOKX.DEMO_KEY


def test_position_tier_for_a_size(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_example(
        "position_tier.py", "--sandbox", "BTC-USDT", "12000", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    assert out.splitlines() == [
        "BTC-USDT SWAP cross, size 12000: tier 7",
        "  size range     10500 < size <= 14000",
        "  max leverage   25x",
        "  initial margin 0.04",
        "  maintenance    0.02",
    ]


def test_position_tier_at_a_tier_boundary_is_the_lower_tier(
    okx_offline: FakeOKX, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_example(
        "position_tier.py", "BTC-USDT", "500", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 0
    assert "tier 1" in out.splitlines()[0]
    assert "0 < size <= 500" in out


def test_position_tier_beyond_the_last_tier(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_example(
        "position_tier.py", "--sandbox", "BTC-USDT", "1e9", monkeypatch=monkeypatch, capsys=capsys
    )
    assert code == 1
    assert out == "no BTC-USDT SWAP tier holds a position of 1E+9\n"


@pytest.mark.parametrize(("flag", "environment"), [("1", "demo trading"), ("0", "production")])
def test_environments_follow_okx_flag_in_the_sandbox(
    flag: str,
    environment: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("OKX_FLAG", flag)
    code, out = run_example("environments.py", "--sandbox", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0
    assert out.splitlines() == [
        f"OKX_FLAG={flag}: {environment}",
        "BTC-USDT-SWAP long: 10x",
        "BTC-USDT-SWAP short: 10x",
    ]


def test_environments_explains_a_key_of_the_other_environment(
    okx_offline: FakeOKX, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OKX_FLAG", "0")  # the demo key of OKX_API_KEY, sent to production
    code, out = run_example("environments.py", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1
    assert out.splitlines()[0] == "OKX_FLAG=0: production"
    assert "OKX error 50101" in out
    assert "a demo-trading key needs flag='1'" in out


def test_orders_places_amends_cancels_and_reads_the_fills_in_the_sandbox(tmp_path: Path) -> None:
    done = run_script("orders.py", "--sandbox", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "BTC-USDT last 65000 (tick 0.1, minimum size 0.00001)",
        "placed   limit buy 0.00001 at 32500: ordId 600000000000000001, live",
        "amended  price 32500 -> 26000: live",
        "canceled ordId 600000000000000001: canceled",
        "bought   10 USDT at market: ordId 600000000000000002, filled",
        "fill     0.00015384 BTC at 65000, fee -0.00000015384 BTC (taker), "
        "tradeId 600000000000000003",
    ]


def test_order_history_walks_every_page_in_the_sandbox(tmp_path: Path) -> None:
    done = run_script("order_history.py", "--sandbox", "--limit", "5", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    pages = [line for line in lines if line.startswith("page ")]
    assert pages == ["page 1: 5 orders", "page 2: 5 orders", "page 3: 2 orders"]
    ord_ids = [line.split()[0] for line in lines if line.startswith("  ")]
    assert len(set(ord_ids)) == 12  # each order on one page only
    assert ord_ids == sorted(ord_ids, reverse=True)  # newest first, across pages
    assert (
        "  600000000000000001  BTC-USDT       buy  market filled   sz 100    price 65000" in lines
    )
    assert lines[-1] == "12 orders in 3 pages"
