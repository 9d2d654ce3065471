"""Shared test configuration of okx_v5."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # The fake_okx fixture comes from the pytest11 entry point once the package is installed;
    # register the plugin by hand when running from a bare checkout.
    if not config.pluginmanager.has_plugin("okx_v5"):
        from okx_v5.testing import pytest_plugin

        config.pluginmanager.register(pytest_plugin, "okx_v5")
