"""Every public method of every API class, called with awkward arguments at every validation
level, raises nothing but ``OkxException``: ``None``, huge ints, NaN and infinities, nested
and self-referencing containers, objects whose ``__str__`` raises, bytes, very long text,
wrong types and batches of 301 items. Nothing leaves the machine: ``responses`` answers every
request with a valid OKX answer, and an unregistered request would fail as a connection
error."""

from __future__ import annotations

import inspect
import re
import warnings
from collections.abc import Iterator
from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okx_v5 import OkxException
from okx_v5.endpoints import groups
from okx_v5.okxclient import OkxClient

from .helpers import nested, self_referencing_dict, self_referencing_list

KEY = ("key", "secret", "passphrase", False, "1")
ANSWER = {"code": "0", "msg": "", "data": []}


class Unprintable:
    """An object whose ``__str__`` and ``__repr__`` raise."""

    def __str__(self) -> str:
        raise RuntimeError("no text")

    __repr__ = __str__


ORDER = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "1"}

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**5000, -(10**5000), 2**64]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("1E+999999999"), Decimal("-1E-999999999"), Decimal("sNaN")]),
    st.text(max_size=12),
    st.sampled_from(["x" * 100_000, "BTC\ud800", ",", " "]),
    st.binary(max_size=8),
    st.builds(Unprintable),
    st.builds(object),
)
AWKWARD = st.one_of(
    SCALARS,
    st.builds(self_referencing_list),
    st.builds(self_referencing_dict),
    st.sampled_from([nested(2000), nested(40), [ORDER] * 301, [ORDER] * 21, ["BTC-USDT"] * 301]),
    st.lists(SCALARS, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=4), st.builds(Unprintable)), SCALARS, max_size=3),
    st.lists(st.dictionaries(st.sampled_from(list(ORDER)), SCALARS, max_size=3), max_size=3),
    st.sampled_from([(), set(), frozenset({1}), iter(())]),
)
LEVELS = st.sampled_from([True, "strict", False])


def api_methods() -> list[tuple[type[OkxClient], str]]:
    """Every public method of every API class, as the surface tests enumerate them."""
    found = []
    for module in groups():
        api: type[OkxClient] = getattr(import_module(f"okx_v5.{module.MODULE}"), module.API)
        found += [
            (api, name)
            for name, value in vars(api).items()
            if callable(value) and not name.startswith("_")
        ]
    return found


METHODS = api_methods()


@pytest.fixture(scope="module")
def okx_answers_everything() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in (responses.GET, responses.POST):
            mock.add(method, re.compile(r".*"), json=ANSWER)
        yield mock


def test_every_api_method_is_fuzzed() -> None:
    assert len(METHODS) >= 279


@pytest.mark.parametrize(("api", "name"), METHODS, ids=[f"{a.__name__}.{n}" for a, n in METHODS])
@settings(
    max_examples=6,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), level=LEVELS)
def test_any_argument_at_any_level_raises_only_okx_exceptions(
    api: type[OkxClient],
    name: str,
    data: st.DataObject,
    level: Any,
    okx_answers_everything: responses.RequestsMock,
) -> None:
    parameters = [
        parameter
        for parameter in inspect.signature(getattr(api, name)).parameters.values()
        if parameter.name not in ("self", "validate")
        and parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    ]
    given_args: dict[str, object] = {}
    for parameter in parameters:
        required = parameter.default is inspect.Parameter.empty
        if required or data.draw(st.booleans(), label=f"give {parameter.name}"):
            given_args[parameter.name] = data.draw(AWKWARD, label=parameter.name)
    with (
        api(*KEY, rate_limit=False, max_retries=0) as client,
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", DeprecationWarning)  # python-okx's old argument order
        try:
            getattr(client, name)(**given_args, validate=level)
        except OkxException:
            pass
        except Exception as other:  # pragma: no cover - what this test exists to catch
            pytest.fail(f"{api.__name__}.{name} raised {type(other).__name__}, not OkxException")
