"""A local fake of the OKX V5 REST and WebSocket APIs for tests: ``with FakeOKX() as okx: ...``.

Importing this package starts nothing; the server runs only between ``start()`` and
``stop()`` (or inside a ``with`` block). The pytest fixture ``fake_okx`` lives in
``okx_v5.testing.pytest_plugin``.

The names below are imported on first use: pytest imports this package (as the parent of
the plugin) before coverage starts, and the modules should be measured like the others.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from okx_v5.testing.exchange import RecordedRequest
    from okx_v5.testing.fake import FakeOKX
    from okx_v5.testing.faults import Fault
    from okx_v5.testing.script import Answer
    from okx_v5.testing.streams import ReceivedFrame, Streams

__all__ = ["Answer", "FakeOKX", "Fault", "ReceivedFrame", "RecordedRequest", "Streams"]

_HOMES = {
    "Answer": "okx_v5.testing.script",
    "FakeOKX": "okx_v5.testing.fake",
    "Fault": "okx_v5.testing.faults",
    "ReceivedFrame": "okx_v5.testing.streams",
    "RecordedRequest": "okx_v5.testing.exchange",
    "Streams": "okx_v5.testing.streams",
}


def __getattr__(name: str) -> object:
    """Import the names of ``__all__`` on first use."""
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
