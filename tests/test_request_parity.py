"""Every python-okx 0.4.4 method sends the same request and returns the same dict on okx_v5.

Each method is called through python-okx and through okx_v5, with the same arguments, against
the same fake exchange (its state reset before each call): the HTTP method, the request target
byte for byte (path and query), the body byte for byte and the returned dict must be equal.
The arguments are built from the facts: every argument python-okx requires and every
parameter OKX documents as required gets a value OKX accepts, the others keep their defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from okx_v5.testing import FakeOKX

from .helpers import arguments, call, python_okx_methods

# Where okx_v5 sends something else on purpose (see the facts' notes): what python-okx's target
# becomes on okx_v5.
DIVERGENCES = {
    # python-okx misspells uly as ugly, which OKX ignores; okx_v5 sends uly
    "Account.get_instruments": lambda target: target.replace("&ugly=", "&uly="),
}


# Fields that say when the exchange answered or when the account last changed.
CLOCK_FIELDS = {"ts", "uTime", "cTime", "fillTime"}


def timeless(value: Any) -> Any:
    """``value`` with the times the exchange's clock gave replaced by a placeholder."""
    if isinstance(value, dict):
        return {k: "<time>" if k in CLOCK_FIELDS else timeless(v) for k, v in value.items()}
    if isinstance(value, list):
        return [timeless(item) for item in value]
    return value


@pytest.mark.parametrize(("facts", "endpoint"), list(python_okx_methods()))
def test_okx_v5_sends_what_python_okx_sends_and_returns_the_same_dict(
    facts: dict[str, Any],
    endpoint: dict[str, Any],
    exchange: FakeOKX,
    clients: Callable[[str, str], Any],
) -> None:
    given = arguments(endpoint)
    results, sent = [], []
    for package in ("okx", "okx_v5"):
        exchange.reset()
        module = f"{package}.{facts['module']}"
        results.append(call(clients(module, facts["class"]), endpoint["name"], given))
        sent.append([(r.method, r.path, r.body) for r in exchange.requests])
    theirs, ours = sent
    assert len(theirs) == 1
    fixed = DIVERGENCES.get(f"{facts['module']}.{endpoint['name']}")
    if fixed:
        theirs = [(method, fixed(target), body) for method, target, body in theirs]
    assert ours == theirs
    assert (ours[0][0], ours[0][1].partition("?")[0]) == (endpoint["http"], endpoint["path"])
    # The clock moved between the two calls: compare the answers without their times.
    assert timeless(results[1]) == timeless(results[0])
