"""The checks of a client's constructor arguments (``okx_v5.checks``): what checking a value
does beyond raising, and what importing the checks pulls in."""

from __future__ import annotations

import subprocess
import sys

from okx_v5 import PublicAPI, ratelimit
from okx_v5.checks import check_rate_limit_storage

# A port no Redis listens on: nothing may connect to it while a URL is checked.
STORAGE = "redis://127.0.0.1:9/0?socket_timeout=0.5"


def test_checking_a_storage_url_builds_no_shared_registry() -> None:
    assert check_rate_limit_storage(STORAGE) == STORAGE
    assert STORAGE not in ratelimit._shared


def test_a_client_builds_its_shared_registry_on_its_first_limited_call_not_before() -> None:
    api = PublicAPI(rate_limit_storage=STORAGE)
    assert STORAGE not in ratelimit._shared
    assert api.rate_limit is True


def test_the_shared_limits_module_does_not_import_the_checks() -> None:
    code = "import sys, okx_v5.ratelimit_redis; print('okx_v5.checks' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_checks_do_not_import_the_rate_limits() -> None:
    code = "import sys, okx_v5.checks; print(sorted(m for m in sys.modules if 'ratelimit' in m))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
