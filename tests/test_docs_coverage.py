"""The coverage page says what the endpoint declarations say, module by module.

``tools/generate.py`` writes ``docs/coverage.md`` from the facts the declarations are made from;
these tests read the page back and compare it with the declarations themselves.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from okx_v5._generated.channels import CHANNELS, PATHS
from okx_v5.endpoint import Endpoint
from okx_v5.endpoints import groups

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
UNCOVERED = json.loads((ROOT / "okx_v5" / "facts" / "uncovered.json").read_text(encoding="utf-8"))
SUMMARY_ROW = re.compile(
    r"\| \[([\w.]+)\]\([^)]+\) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$"
)
MODULES = {module.MODULE: module for module in groups()}


def declared(name: str) -> list[Endpoint[Any]]:
    return [value for value in vars(MODULES[name]).values() if isinstance(value, Endpoint)]


def api_path(name: str) -> str:
    return f"okx_v5.{name}.{MODULES[name].API}"


def section(title: str) -> str:
    """The text of the page's ``## title`` section."""
    return PAGE.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def summary() -> dict[str, tuple[int, ...]]:
    rows = (SUMMARY_ROW.match(line) for line in PAGE.splitlines())
    return {row[1]: tuple(int(number) for number in row.groups()[1:]) for row in rows if row}


GENERATED_MODELS = "okx_v5._generated.models."


def public_model(model_ref: str) -> str:
    """The docs' path of a model: where users import it (``okx_v5.models.trade.Order``)."""
    return model_ref.replace(GENERATED_MODELS, "okx_v5.models.").replace(":", ".")


def test_the_summary_counts_each_modules_declarations() -> None:
    expected = {
        name: (
            sum(endpoint.python_okx for endpoint in declared(name)),
            sum(not endpoint.python_okx for endpoint in declared(name)),
            sum(endpoint.documented for endpoint in declared(name)),
            sum(endpoint.model_ref is not None for endpoint in declared(name)),
            sum(op["module"] == name for op in UNCOVERED["operations"]),
        )
        for name in MODULES
    }
    assert summary() == expected


def test_the_summary_total_adds_up_to_python_okx_s_279_methods() -> None:
    total = re.search(r"\| \*\*Total\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\*", PAGE)
    assert total is not None
    columns = list(zip(*summary().values(), strict=True))
    assert [int(number) for number in total.groups()] == [sum(column) for column in columns[:3]]
    assert sum(endpoint.python_okx for name in MODULES for endpoint in declared(name)) == 279


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_method_has_its_row_with_http_line_and_rate_limit(name: str) -> None:
    rows = {
        re.match(r"\| \[`(\w+)`\]", line)[1]: line  # type: ignore[index]
        for line in section(name).splitlines()
        if line.startswith("| [`")
    }
    for endpoint in declared(name):
        row = rows[endpoint.name]
        limits = "; ".join(limit.describe() for limit in endpoint.limits) or "—"
        assert f"][{api_path(name)}.{endpoint.name}]" in row
        assert f"| `{endpoint.method} {endpoint.path}` |" in row
        assert f"| {limits} |" in row
        if endpoint.model_ref and endpoint.model_ref.startswith(GENERATED_MODELS):
            model = endpoint.model_ref.partition(":")[2]
            assert f"[`{model}`][{public_model(endpoint.model_ref)}]" in row


def test_the_undocumented_endpoints_are_listed_one_by_one() -> None:
    rows = [line for line in section("Undocumented endpoints").splitlines() if line[:3] == "| ["]
    expected = [
        f"| [`{MODULES[name].API}.{endpoint.name}`][{api_path(name)}.{endpoint.name}]"
        f" | `{endpoint.method} {endpoint.path}` |"
        for name in MODULES
        for endpoint in declared(name)
        if not endpoint.documented
    ]
    assert [row.rsplit(" |", 2)[0] + " |" for row in rows] == expected


def test_the_operations_python_okx_lacks_are_listed_under_their_module() -> None:
    for op in UNCOVERED["operations"]:
        where = section(op["module"]) if op["module"] else section("In no module")
        assert f"| `{op['http']} {op['path']}` |" in where


def test_every_websocket_channel_has_its_row_with_path_login_and_model() -> None:
    rows = [line for line in section("WebSocket channels").splitlines() if line[:4] == "| [`"]
    expected = []
    for channel in CHANNELS:
        name = f"`{channel.name}`" + (" + bar" if channel.family else "")
        items = "dict"
        if channel.model_ref:
            model = channel.model_ref.partition(":")[2]
            items = f"[`{model}`][{public_model(channel.model_ref)}]"
        login = "yes" if channel.login else "no"
        expected.append(
            f"| [{name}]({channel.docs_url}) | `{PATHS[channel.path]}` | {login} | {items} |"
        )
    assert rows == expected
