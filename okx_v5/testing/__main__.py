"""``python -m okx_v5.testing``: serve a ``FakeOKX`` until Ctrl-C, for scripts run offline.

It prints the ``export`` line of the ``OKX_*`` variables that point okx_v5 at it (see
``FakeOKX.environment()``): paste it into another shell and run any okx_v5 script or
``okx-v5`` command there, unchanged, against the simulated exchange. Its WebSocket API is on
the same port (``ws://127.0.0.1:<port>/ws/v5/public``, ``/business``, ``/private``).
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import signal
import sys
import threading
from collections.abc import Sequence

from okx_v5.testing.fake import FakeOKX


def main(argv: Sequence[str] | None = None, *, stop: threading.Event | None = None) -> int:
    """Serve until interrupted (or until ``stop`` is set); return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m okx_v5.testing",
        description="Serve a simulated OKX exchange on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (default: a free one)"
    )
    args = parser.parse_args(argv)
    with FakeOKX(port=args.port) as okx:
        exports = " ".join(
            f"{name}={shlex.quote(value)}" for name, value in okx.environment().items()
        )
        print(
            f"FakeOKX is serving on {okx.url} (streams: {okx.ws_url}/ws/v5/...); "
            "Ctrl-C stops it. In another shell:"
        )
        print(f"export {exports}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            _wait(stop or threading.Event())
    print("FakeOKX stopped", file=sys.stderr)
    return 0


def _wait(stop: threading.Event) -> None:
    """Wait until ``stop`` is set, or until SIGTERM (``kill``, ``timeout``) or Ctrl-C."""
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
