#!/usr/bin/env python3
"""Check every file of ``okx_v5/facts`` against its JSON Schema, and what no schema can say.

Each facts file has a schema (draft 2020-12): ``schema/module.schema.json`` for the files of
the python-okx modules (``Account.json``, ``Finance.Savings.json``, ...),
``schema/consts.schema.json``, ``schema/uncovered.schema.json`` and ``schema/paging.schema.json``
for those three files, and
``websocket.schema.json`` for ``websocket.json``. The schemas close every object whose shape is
known, so a misspelt key, a value of the wrong type or a missing key is an error. Beyond the
schema, a file's facts must cite only the sources it lists, and a module's refer only to models
they define, write each parameter once, and load into the generator's typed classes
(``tools/facts_model.py``). Run from anywhere::

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

from facts_model import CONVERTER, Module, messages
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

__all__ = ["facts_files", "module_errors", "named_twice", "problems", "schema_for", "validator"]

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
    is one they list, each model they name is one they define, each parameter is written once
    and only where it differs from the common case (``param_errors``)."""
    yield from unlisted_sources(data)
    models = data["models"]
    if "python-okx" not in data["sources"] and any(
        endpoint.get("python_okx", True) for endpoint in data["endpoints"]
    ):
        yield "/sources: python-okx's methods, without the python-okx source"
    for number, endpoint in enumerate(data["endpoints"]):
        where = f"/endpoints/{number}"
        yield from own_method_errors(endpoint, where)
        model = (endpoint["response"] or {}).get("model")
        if model is not None and model not in models:
            yield f"{where}/response: model {model!r} is not in models"
        yield from param_errors(endpoint, where)
    yield from model_errors(models)


def param_errors(endpoint: dict[str, Any], where: str) -> Iterator[str]:
    """Each parameter named once, written only where it differs from the common case, and
    each rule about a key one the endpoint sends."""
    params = endpoint["params"]
    names = [param["name"] for param in params]
    yield from argument_errors(endpoint, where)
    sent = [param for param in params if param.get("send") != "never"]
    keys = [param.get("key", param["name"]) for param in sent]
    if len(set(keys)) < len(keys):
        yield f"{where}/params: a key is sent twice"
    body = endpoint["body"]
    if isinstance(body, dict) and body["arg"] not in names:
        yield f"{where}/body: {body['arg']!r} is not an argument"
    order = endpoint.get("order")
    if order is not None:
        in_signature = [param["name"] for param in sent]
        if sorted(order) != sorted(in_signature):
            yield f"{where}/order: not the sent arguments {in_signature}"
        elif order == in_signature:
            yield f"{where}/order: the signature's order: leave it out"
    for number, rule in enumerate(endpoint["requires"]):
        named = [*rule["one_of"], *([rule["when"]["param"]] if rule.get("when") else [])]
        yield from (
            f"{where}/requires/{number}: {key!r} is not a key the endpoint sends"
            for key in named
            if key not in keys
        )


def own_method_errors(endpoint: dict[str, Any], where: str) -> Iterator[str]:
    """okx_v5's own method (``python_okx`` false) has no python-okx constant, and okx_v5's
    signature: the parameters OKX requires positional, without default, then every other one
    keyword-only, ``None`` by default and sent unless ``None``; python-okx's has its constant."""
    own = endpoint.get("python_okx", True) is False
    if own != (endpoint["const"] is None):
        yield f"{where}/const: null exactly for okx_v5's own method (python_okx false)"
    if not own:
        return
    for number, param in enumerate(endpoint["params"]):
        at = f"{where}/params/{number}"
        if param.get("keyword"):
            if param.get("default", "none") is not None or param.get("send") != {"unless": None}:
                yield (
                    f"{at}: an optional argument of okx_v5's method is None by default, sent"
                    " unless None"
                )
        elif "default" in param or not param.get("required") or "send" in param:
            yield f"{at}: okx_v5's method takes positionally only what OKX requires, always sent"


def argument_errors(endpoint: dict[str, Any], where: str) -> Iterator[str]:
    """Each argument named once, its key written only where it is not its name, its
    description's source only where it is not its own, and never sent only where the body or
    a quirk takes it."""
    names = [param["name"] for param in endpoint["params"]]
    for number, param in enumerate(endpoint["params"]):
        at = f"{where}/params/{number}"
        if names.count(param["name"]) > 1:
            yield f"{at}: argument {param['name']!r} is named twice"
        if param.get("key") == param["name"]:
            yield f"{at}/key: {param['key']!r} is the argument's name: leave it out"
        if "doc_source" in param and param["doc_source"] == param.get("source"):
            yield f"{at}/doc_source: {param['doc_source']!r} is the key's source: leave it out"
        if not param.get("keyword") and any(p.get("keyword") for p in endpoint["params"][:number]):
            yield f"{at}: python-okx's argument after okx_v5's keyword-only ones"
        unsent = param.get("send") == "never"
        if unsent and endpoint["body"] != {"arg": param["name"]} and not endpoint["quirk"]:
            yield f"{at}/send: only the body's argument or a quirk's is never sent"


def unlisted_sources(data: Any) -> Iterator[str]:
    """Each source the facts cite (``websocket.json``'s sites, say) that they do not list."""
    listed = set(data["sources"])
    for where, source in cited_sources(data, ""):
        if source not in listed:
            yield f"{where}: source {source!r} is not in sources"


def model_errors(models: dict[str, Any]) -> Iterator[str]:
    """Each model a field's type names that is not among ``models``, each alias that is a
    model's name or another model's alias (one name, one class), and each field's ``source``
    written where it is the model's."""
    aliased: dict[str, str] = {}
    for name, model in models.items():
        for alias in model.get("aliases", []):
            if alias in models or alias in aliased:
                yield f"/models/{name}/aliases: {alias!r} already names a model"
            aliased[alias] = name
        for number, field in enumerate(model["fields"]):
            if field.get("source") == model["source"]:
                yield (
                    f"/models/{name}/fields/{number}/source: {field['source']!r} is the"
                    " model's source: leave it out"
                )
            for ref in re.findall(r"[A-Za-z_]\w*", field["type"]):
                if ref not in SCALARS and ref not in models:
                    yield f"/models/{name}/fields/{number}: model {ref!r} is not in models"


def cited_sources(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every ``source`` key in the facts, however deep, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("source", "doc_source") and isinstance(item, str):
                yield f"{where}/{key}", item
            elif key not in ("sources", "example"):  # an example is OKX's answer, verbatim
                yield from cited_sources(item, f"{where}/{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from cited_sources(item, f"{where}/{number}")


def named_twice(data: Any) -> Iterator[str]:
    """Each method the paging facts name more than once (the sources they cite are checked
    as every file's are, by ``unlisted_sources``)."""
    seen: set[str] = set()
    for part in ("paged", "left_out"):
        for number, entry in enumerate(data[part]):
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
    elif not found and isinstance(data.get("sources"), dict):
        found += unlisted_sources(data)
    if not found and schema == MODULE_SCHEMA:
        found += typed_errors(data)
    if not found and path.name == "paging.json":
        found += named_twice(data)
    return [f"{path.name}: {message}" for message in found]


def typed_errors(data: Any) -> list[str]:
    """What stops the facts loading into ``facts_model.Module``, as the generator loads them."""
    try:
        CONVERTER.structure(data, Module)
    except Exception as exc:  # every failure is a finding, said with its path
        return list(messages(exc))
    return []


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
