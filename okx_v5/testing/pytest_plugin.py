"""pytest plugin of okx_v5: the ``fake_okx`` fixture, registered by the pytest11 entry point.

pytest loads this module before coverage starts, so it imports nothing of okx_v5 at the top:
the fake exchange is imported when the fixture first runs, and is measured like any module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from okx_v5.testing.fake import FakeOKX

__all__ = ["fake_okx"]


@pytest.fixture
def fake_okx() -> Iterator[FakeOKX]:
    """Yield a running ``FakeOKX`` (demo key registered), stopped after."""
    from okx_v5.testing.fake import FakeOKX

    with FakeOKX() as okx:
        yield okx
