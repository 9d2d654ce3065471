"""pytest plugin of okx_v5: the ``fake_okx`` fixture, registered by the pytest11 entry point."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from okx_v5.testing.fake import FakeOKX

__all__ = ["fake_okx"]


@pytest.fixture
def fake_okx() -> Iterator[FakeOKX]:
    """Yield a running :class:`FakeOKX` (demo key registered), stopped after the test."""
    with FakeOKX() as okx:
        yield okx
