"""Shared fixtures: clients on a mocked OKX."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import responses

import okx_v5.Account as Account
import okx_v5.PublicData as PublicData

from .helpers import KEY, LEVERAGE_ANSWER, LEVERAGE_URL, PASSPHRASE, SECRET, TIERS_ANSWER, TIERS_URL


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """A mocked OKX: requests to unregistered URLs fail with ConnectionError."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def account() -> Iterator[Account.AccountAPI]:
    with Account.AccountAPI(KEY, SECRET, PASSPHRASE, False, "1") as api:
        yield api


@pytest.fixture
def public() -> Iterator[PublicData.PublicAPI]:
    with PublicData.PublicAPI(flag="0") as api:
        yield api


@pytest.fixture
def leverage_ok(mocked: responses.RequestsMock) -> responses.RequestsMock:
    mocked.get(LEVERAGE_URL, json=LEVERAGE_ANSWER)
    return mocked


@pytest.fixture
def tiers_ok(mocked: responses.RequestsMock) -> responses.RequestsMock:
    mocked.get(TIERS_URL, json=TIERS_ANSWER)
    return mocked


class LocalOKX:
    """A real HTTP/1.1 server on 127.0.0.1 answering every GET with ``answer``."""

    def __init__(self) -> None:
        self.answer: dict[str, Any] = TIERS_ANSWER
        self.delay = 0.0
        self.request_lines: list[str] = []
        self.connections = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                owner.connections += 1
                super().setup()

            def do_GET(self) -> None:
                owner.request_lines.append(self.requestline)
                time.sleep(owner.delay)
                body = json.dumps(owner.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Set-Cookie", "session=abc; Path=/")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def local_okx() -> Iterator[LocalOKX]:
    """A local server (not mocked): for what only a real connection shows."""
    server = LocalOKX()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
