"""A local fake of the OKX V5 REST API for tests: ``with FakeOKX() as okx: ... okx.url``.

Importing this package starts nothing; the server runs only between ``start()`` and
``stop()`` (or inside a ``with`` block). The pytest fixture ``fake_okx`` lives in
:mod:`okx_v5.testing.pytest_plugin`.
"""

from __future__ import annotations

from okx_v5.testing.exchange import RecordedRequest
from okx_v5.testing.fake import FakeOKX
from okx_v5.testing.faults import Fault

__all__ = ["FakeOKX", "Fault", "RecordedRequest"]
