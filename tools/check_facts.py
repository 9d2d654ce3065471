#!/usr/bin/env python3
"""Check every file of ``okx_v5/facts`` against its JSON Schema, and what no schema can say.

Each facts file has a schema (draft 2020-12): ``schema/module.schema.json`` for the files of
the python-okx modules (``Account.json``, ``Finance.Savings.json``, ...),
``schema/consts.schema.json``, ``schema/uncovered.schema.json`` and ``schema/paging.schema.json``
for those three files, and
``websocket.schema.json`` for ``websocket.json``. The schemas close every object whose shape is
known, so a misspelt key, a value of the wrong type or a missing key is an error. Beyond the
schema, a module's facts must cite only the sources they list and refer only to models they
define. Run from anywhere::

    python tools/check_facts.py          # exit 1, naming each error, if any file is wrong
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

__all__ = ["facts_files", "module_errors", "paging_errors", "problems", "schema_for", "validator"]

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "okx_v5" / "facts"
SCHEMAS = FACTS / "schema"
MODULE_SCHEMA = SCHEMAS / "module.schema.json"
SCHEMA_OF = {
    "consts.json": SCHEMAS / "consts.schema.json",
    "paging.json": SCHEMAS / "paging.schema.json",
    "uncovered.json": SCHEMAS / "uncovered.schema.json",
    "websocket.json": FACTS / "websocket.schema.json",
}
"""The facts files that are no python-okx module, each with its own schema."""

# The names of a field type that are no model: ``list[AccountBalanceDetails]`` refers to one.
SCALARS = {"str", "decimal", "int", "bool", "any", "list"}


def facts_files(folder: Path = FACTS) -> list[Path]:
    """Every facts file in ``folder``, in name order (the schemas beside them excluded)."""
    return sorted(path for path in folder.glob("*.json") if not path.name.endswith(".schema.json"))


def schema_for(path: Path) -> Path:
    """The schema a facts file follows."""
    return SCHEMA_OF.get(path.name, MODULE_SCHEMA)


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def registry() -> Registry[Any]:
    """Every schema by its ``$id``, so that one can refer to another's ``$defs``."""
    paths = [*sorted(SCHEMAS.glob("*.schema.json")), FACTS / "websocket.schema.json"]
    resources = [Resource.from_contents(read(path)) for path in paths]
    return Registry().with_resources((resource.id() or "", resource) for resource in resources)


@cache
def validator(schema: Path) -> Draft202012Validator:
    """A validator of the schema in ``schema`` (itself checked against draft 2020-12), made
    once per schema."""
    contents = read(schema)
    Draft202012Validator.check_schema(contents)
    return Draft202012Validator(contents, registry=registry())


def schema_errors(data: Any, schema: Path) -> Iterator[str]:
    """What the schema finds wrong in ``data``, each with where: ``/endpoints/3/params/ccy``."""
    found = validator(schema).iter_errors(data)
    for error in sorted(found, key=lambda error: list(map(str, error.absolute_path))):
        where = "/" + "/".join(map(str, error.absolute_path))
        yield f"{where}: {error.message}"


def module_errors(data: Any) -> Iterator[str]:
    """What a module's schema-valid facts say that no schema can check: each source they cite
    is one they list, each model they name is one they define, each parameter fact is about
    a key the endpoint sends."""
    listed = set(data["sources"])
    for where, source in cited_sources(data, ""):
        if source not in listed:
            yield f"{where}: source {source!r} is not in sources"
    models = data["models"]
    for number, endpoint in enumerate(data["endpoints"]):
        where = f"/endpoints/{number}"
        model = (endpoint["response"] or {}).get("model")
        if model is not None and model not in models:
            yield f"{where}/response: model {model!r} is not in models"
        keys = {wire["key"] for wire in endpoint["wire"]}
        yield from (
            f"{where}/params/{key}: not a key of wire"
            for key in endpoint["params"]
            if key not in keys
        )
    yield from model_errors(models)


def model_errors(models: dict[str, Any]) -> Iterator[str]:
    """Each model a field's type names that is not among ``models``, and each alias that is a
    model's name or another model's alias (one name, one class)."""
    aliased: dict[str, str] = {}
    for name, model in models.items():
        for alias in model.get("aliases", []):
            if alias in models or alias in aliased:
                yield f"/models/{name}/aliases: {alias!r} already names a model"
            aliased[alias] = name
        for number, field in enumerate(model["fields"]):
            for ref in re.findall(r"[A-Za-z_]\w*", field["type"]):
                if ref not in SCALARS and ref not in models:
                    yield f"/models/{name}/fields/{number}: model {ref!r} is not in models"


def cited_sources(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every ``source`` key in the facts, however deep, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "source" and isinstance(item, str):
                yield f"{where}/source", item
            elif key not in ("sources", "example"):  # an example is OKX's answer, verbatim
                yield from cited_sources(item, f"{where}/{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from cited_sources(item, f"{where}/{number}")


def paging_errors(data: Any) -> Iterator[str]:
    """What schema-valid paging facts say that no schema can check: each source they cite is
    one they list, and each method is named once."""
    listed = set(data["sources"])
    seen: set[str] = set()
    for part in ("paged", "left_out"):
        for number, entry in enumerate(data[part]):
            if entry["source"] not in listed:
                yield f"/{part}/{number}/source: source {entry['source']!r} is not in sources"
            if entry["method"] in seen:
                yield f"/{part}/{number}/method: {entry['method']} is named twice"
            seen.add(entry["method"])


def problems(path: Path, data: Any = None) -> list[str]:
    """Everything wrong with the facts file ``path`` (or with ``data`` read as that file)."""
    data = read(path) if data is None else data
    schema = schema_for(path)
    found = list(schema_errors(data, schema))
    if not found and schema == MODULE_SCHEMA:
        found += module_errors(data)
    if not found and path.name == "paging.json":
        found += paging_errors(data)
    return [f"{path.name}: {message}" for message in found]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="facts files (default: all of them)")
    args = parser.parse_args(argv)
    files: list[Path] = args.files or facts_files()
    found = [problem for path in files for problem in problems(path)]
    for problem in found:
        print(problem, file=sys.stderr)
    if not found:
        print(f"{len(files)} facts files follow their schemas")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
