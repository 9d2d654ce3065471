"""FakeOKX as a server: lifecycle, keep-alive, connection counting, recorded requests."""

from __future__ import annotations

import http.client
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from okx_v5.testing import FakeOKX

TIME = "/api/v5/public/time"


def ask(conn: http.client.HTTPConnection) -> http.client.HTTPResponse:
    conn.request("GET", TIME)
    return conn.getresponse()


def test_url_is_local_with_an_ephemeral_port(okx: FakeOKX) -> None:
    assert okx.url == f"http://127.0.0.1:{okx.port}"
    assert okx.port > 0


def test_many_requests_on_one_session_use_one_connection(
    okx: FakeOKX, session: requests.Session
) -> None:
    okx.rate_limits = False
    for _ in range(50):
        assert session.get(okx.url + TIME).status_code == 200
    assert okx.connections == 1


def test_each_new_client_is_a_new_connection(okx: FakeOKX) -> None:
    for _ in range(3):
        with requests.Session() as session:
            session.get(okx.url + TIME)
    assert okx.connections == 3


def test_concurrent_clients_are_served_and_recorded(okx: FakeOKX) -> None:
    okx.rate_limits = False

    def client() -> set[int]:
        with requests.Session() as session:
            return {session.get(okx.url + TIME).status_code for _ in range(20)}

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: client(), range(8)))
    assert results == [{200}] * 8
    assert okx.connections == 8
    assert len(okx.requests) == 160


def test_answers_are_http_1_1_with_content_length(okx: FakeOKX) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", okx.port, timeout=5)
    try:
        for _ in range(2):
            conn.request("GET", TIME)
            response = conn.getresponse()
            body = response.read()
            assert response.version == 11
            assert response.getheader("Content-Length") == str(len(body))
            assert response.getheader("Content-Type") == "application/json"
    finally:
        conn.close()
    assert okx.connections == 1


def test_requests_are_recorded_raw(okx: FakeOKX, session: requests.Session) -> None:
    path = "/api/v5/public/position-tiers?instType=SWAP&tdMode=cross&instFamily=BTC-USDT%2CETH-USDT"
    session.get(okx.url + path, headers={"X-Probe": "yes"})
    session.post(okx.url + TIME, data='{"a":1}')
    first, second = okx.requests
    assert (first.method, first.path, first.body) == ("GET", path, "")
    assert first.header("x-probe") == "yes"
    assert first.headers["X-Probe"] == "yes"
    assert first.client == "127.0.0.1"
    assert first.time <= second.time
    assert (second.method, second.body) == ("POST", '{"a":1}')


def test_recorded_requests_are_a_snapshot_and_can_be_cleared(
    okx: FakeOKX, session: requests.Session
) -> None:
    session.get(okx.url + TIME)
    snapshot = okx.requests
    session.get(okx.url + TIME)
    assert (len(snapshot), len(okx.requests)) == (1, 2)
    okx.clear_requests()
    assert okx.requests == []


def test_start_and_stop_without_a_with_block() -> None:
    okx = FakeOKX().start()
    try:
        assert okx.running
        url = okx.url
        with requests.Session() as session:
            assert session.get(url + TIME).status_code == 200
        with pytest.raises(RuntimeError, match="already running"):
            okx.start()
    finally:
        okx.stop()
    assert not okx.running
    okx.stop()  # twice is fine
    with pytest.raises(RuntimeError, match="not running"):
        _ = okx.url
    with pytest.raises(requests.exceptions.ConnectionError), requests.Session() as session:
        session.get(url + TIME, timeout=2)


def test_stop_closes_idle_keep_alive_connections(okx: FakeOKX) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", okx.port, timeout=5)
    try:
        conn.request("GET", TIME)
        conn.getresponse().read()
        okx.stop()
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            ask(conn)
    finally:
        conn.close()


def test_package_exports_only_its_names() -> None:
    import okx_v5.testing

    assert okx_v5.testing.FakeOKX is FakeOKX
    with pytest.raises(AttributeError, match="Nothing"):
        _ = okx_v5.testing.Nothing


def test_clock_offset_can_be_read_back(okx: FakeOKX) -> None:
    okx.clock_offset = -12.5
    assert okx.clock_offset == -12.5


def test_importing_starts_no_thread() -> None:
    code = (
        "import threading, okx_v5.testing, okx_v5.testing.pytest_plugin;"
        "assert threading.active_count() == 1, threading.enumerate()"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)


def test_the_pytest_fixture_yields_a_running_server(fake_okx: FakeOKX) -> None:
    assert fake_okx.running
    with requests.Session() as session:
        body = session.get(fake_okx.url + TIME).json()
    assert body["code"] == "0"
    assert set(body["data"][0]) == {"ts"}


def test_the_fixture_reaches_user_suites_through_the_entry_point(tmp_path: Path) -> None:
    # A user's project: no conftest of ours, only the installed package's pytest11 plugin.
    (tmp_path / "test_user.py").write_text(
        "import okx_v5.PublicData as PublicData\n"
        "def test_tiers(fake_okx):\n"
        "    api = PublicData.PublicAPI(flag='1', domain=fake_okx.url)\n"
        "    result = api.get_position_tiers('SWAP', 'cross', instFamily='BTC-USDT')\n"
        "    assert result.ok and result.data[0].tier == 1\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_the_fixture_reaches_a_test_written_in_this_checkout(tmp_path: Path) -> None:
    # The same user test, run with this repository's own pytest settings (pyproject.toml).
    (tmp_path / "test_readme.py").write_text(
        "from okx_v5 import PublicAPI\n"
        "def test_tiers(fake_okx):\n"
        "    with PublicAPI(domain=fake_okx.url) as api:\n"
        "        assert api.get_position_tiers('SWAP', 'cross', instFamily='BTC-USDT').ok\n"
    )
    config = Path(__file__).resolve().parents[2] / "pyproject.toml"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(config)]
    run = subprocess.run(
        [*command, str(tmp_path / "test_readme.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_running_one_test_file_of_the_suite_is_not_failed_by_the_coverage_gate() -> None:
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_utils.py"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert "Required test coverage" not in run.stdout
