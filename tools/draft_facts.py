"""Draft okx_v5/facts/<Module>.json from python-okx 0.4.4 and OKX documentation snapshots.

Usage::

    python tools/draft_facts.py --python-okx DIR --openxapi REPO --coincise REPO \\
        [--ccxt FILE --ccxt-commit SHA] [--out okx_v5/facts] [--force NAME ...] [--check]

``DIR`` is the unpacked python-okx 0.4.4 wheel (the folder that holds ``okx/``); never
imported, only parsed. ``REPO`` is a git repository (a bare clone is enough), read at
``HEAD``: ``openxapi/openxapi`` (the OpenAPI spec ``specs/okx/openapi/rest/`` and the OKX docs
snapshot ``samples/okx/rest/``) and ``rosssaunders/coincise`` (``docs/okx/``). ``FILE`` is
ccxt's ``ts/src/okx.ts``, read only for endpoints that no documentation snapshot has.

Entries already in an output file are kept (they may carry hand corrections); new endpoints
are added. ``--force NAME`` redrafts the endpoint ``NAME`` (a method name, or
``Module.method``). ``--check`` verifies the written files against python-okx instead (and
against ``inspect.signature`` when python-okx is installed) and prints counts.

A run also writes ``uncovered.json``: the operations openxapi documents that no python-okx
method calls, each with the python-okx module it belongs with. To rewrite only that file,
from the facts files already in ``--out``::

    python tools/draft_facts.py --openxapi REPO --uncovered

The drafter stops with an error on any python-okx method body it does not understand; such a
method needs an entry in ``OVERRIDES``. Output is deterministic.

Needs PyYAML: ``pip install -e '.[facts]'``.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import html
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

JSON = Any

SKIPPED_MODULES = {"okxclient", "utils", "consts", "exceptions", "__init__"}
OPENXAPI_SPECS = "specs/okx/openapi/rest"
OPENXAPI_DOCS = "samples/okx/rest"
COINCISE_DOCS = "docs/okx"

# Model names that okx_v5 already uses; every other model is named after its method.
MODEL_NAMES = {
    ("Account", "get_leverage"): "LeverageInfo",
    ("PublicData", "get_position_tiers"): "PositionTier",
    ("PublicData", "get_system_time"): "ServerTime",
}


class DraftError(Exception):
    """A source says something the drafter does not understand."""


# --------------------------------------------------------------------------- python-okx


def wire(key: str, arg: str, send: JSON = "always") -> dict[str, JSON]:
    return {"key": key, "arg": arg, "send": send}


# Methods whose body is not one of the regular patterns, written out by hand. Each entry
# replaces what the parser would read from the body (`body`, `wire`) and sets `quirk`/`notes`.
OVERRIDES: dict[tuple[str, str], dict[str, JSON]] = {
    ("Trade", "cancel_algo_order"): {
        "body": {"arg": "orders_data"},
        "wire": [],
        "quirk": "orders_data_alias",
        "notes": [
            "python-okx takes the payload from `orders_data`, or else from its deprecated alias"
            " `params`, and raises ValueError when both are None"
        ],
    },
    ("Funding", "get_deposit_lightning"): {
        "body": "object",
        "wire": [wire("ccy", "ccy"), wire("amt", "amt"), wire("to", "to", "truthy")],
        "notes": [
            "python-okx replaces the whole payload with {'to': to} when `to` is given, dropping"
            " ccy and amt (a bug); okx_v5 sends all three"
        ],
    },
    ("MarketData", "get_tickers"): {
        "body": "object",
        "wire": [
            wire("instType", "instType"),
            wire("uly", "uly", "truthy"),
            wire("instFamily", "instFamily"),
        ],
        "notes": [
            "python-okx builds one of two dicts depending on `uly`; the same as sending uly only"
            " when it is truthy"
        ],
    },
    ("Account", "get_instruments"): {
        "wire_rename": {"ugly": "uly"},
        "notes": [
            "python-okx sends the key `ugly` (a typo), which OKX ignores; okx_v5 sends `uly`"
            " and keeps the argument name `ugly`"
        ],
    },
    ("Account", "set_risk_offset_typel"): {
        "notes": ["the method name's trailing `l` is python-okx's misspelling, kept as is"],
    },
}


@dataclass
class Method:
    """One python-okx API method, as its source code says."""

    module: str
    name: str
    comment: str | None
    http: str
    const: str
    path: str
    args: list[dict[str, JSON]]
    body: JSON
    wire: list[dict[str, JSON]]
    quirk: str | None = None
    notes: list[str] = field(default_factory=list)


def read_consts(okx_dir: Path) -> list[tuple[str, str]]:
    """Return every `NAME = 'value'` assignment of okx/consts.py, in file order."""
    tree = ast.parse((okx_dir / "consts.py").read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            raise DraftError(f"consts.py line {node.lineno}: not a NAME = 'string' assignment")
        found.append((node.targets[0].id, node.value.value))
    return found


def module_files(okx_dir: Path) -> list[tuple[str, Path]]:
    """Return (module name, file) for every API module: `Account`, ..., `Finance.Savings`."""
    files = sorted(okx_dir.glob("*.py")) + sorted((okx_dir / "Finance").glob("*.py"))
    modules = []
    for path in files:
        if path.stem in SKIPPED_MODULES:
            continue
        relative = path.relative_to(okx_dir).with_suffix("")
        modules.append((".".join(relative.parts), path))
    return modules


def read_methods(module: str, path: Path, consts: dict[str, str]) -> tuple[str, list[Method]]:
    """Return the API class name and its methods in class order.

    As in Python, a later definition of a name replaces the earlier one, in its place.
    """
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    classes = [node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)]
    if len(classes) != 1:
        raise DraftError(f"{path}: expected one class, found {len(classes)}")
    methods: dict[str, Method] = {}
    for node in classes[0].body:
        if isinstance(node, ast.FunctionDef) and node.name != "__init__":
            methods[node.name] = read_method(module, node, consts, lines)
    return classes[0].name, list(methods.values())


def read_method(
    module: str, fn: ast.FunctionDef, consts: dict[str, str], lines: list[str]
) -> Method:
    where = f"{module}.{fn.name} (line {fn.lineno})"
    http, const = request_target(fn, where)
    if const not in consts:
        raise DraftError(f"{where}: unknown constant {const}")
    override = OVERRIDES.get((module, fn.name), {})
    if "wire" in override:
        body, wires = override["body"], override["wire"]
    else:
        body, wires = read_payload(fn, where)
    for entry in wires:
        entry["key"] = override.get("wire_rename", {}).get(entry["key"], entry["key"])
    return Method(
        module=module,
        name=fn.name,
        comment=preceding_comment(fn, lines),
        http=http,
        const=const,
        path=consts[const],
        args=read_args(fn, where),
        body=body,
        wire=wires,
        quirk=override.get("quirk"),
        notes=list(override.get("notes", [])),
    )


def preceding_comment(fn: ast.FunctionDef, lines: list[str]) -> str | None:
    text = lines[fn.lineno - 2].strip() if fn.lineno >= 2 else ""
    return text.lstrip("#").strip() or None if text.startswith("#") else None


def read_args(fn: ast.FunctionDef, where: str) -> list[dict[str, JSON]]:
    spec = fn.args
    if spec.vararg or spec.kwarg or spec.kwonlyargs or spec.posonlyargs:
        raise DraftError(f"{where}: unexpected kind of parameter")
    names = [arg.arg for arg in spec.args[1:]]
    defaults: list[ast.expr | None] = [None] * (len(names) - len(spec.defaults))
    defaults += spec.defaults
    args = []
    for name, default in zip(names, defaults, strict=True):
        entry: dict[str, JSON] = {"name": name}
        if default is not None:
            entry["default"] = ast.literal_eval(default)
        args.append(entry)
    return args


def request_target(fn: ast.FunctionDef, where: str) -> tuple[str, str]:
    """Return (HTTP method, consts name) of the method's one `self._request_*` call."""
    calls = [
        node
        for node in ast.walk(fn)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("_request_with_params", "_request_without_params")
    ]
    if len(calls) != 1:
        raise DraftError(f"{where}: expected one request call, found {len(calls)}")
    http, const = calls[0].args[:2]
    if not (
        isinstance(http, ast.Name) and http.id in ("GET", "POST") and isinstance(const, ast.Name)
    ):
        raise DraftError(f"{where}: request call with unexpected arguments")
    return http.id, const.id


def read_payload(fn: ast.FunctionDef, where: str) -> tuple[JSON, list[dict[str, JSON]]]:
    """Return (`body`, `wire`) for a method body made of the regular patterns only."""
    arg_names = {arg.arg for arg in fn.args.args[1:]}
    statements = [node for node in fn.body if not is_docstring(node)]
    *building, last = statements
    payload_var: str | None = None
    body: JSON = "object"
    wires: list[dict[str, JSON]] = []
    for node in building:
        if payload_var is None:
            payload_var, body, wires = read_initial_payload(node, arg_names, where)
        else:
            wires.append(read_payload_update(node, payload_var, arg_names, where))
    return read_request(last, payload_var, body, wires, arg_names, where)


def is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def read_initial_payload(
    node: ast.stmt, arg_names: set[str], where: str
) -> tuple[str, JSON, list[dict[str, JSON]]]:
    """`params = {...}` or `params = [{...}]` (grid_stop_order_algo's one-item list)."""
    if not (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    ):
        raise DraftError(f"{where}: line {node.lineno}: expected the payload assignment")
    value, body = node.value, "object"
    if isinstance(value, ast.List) and len(value.elts) == 1:
        value, body = value.elts[0], "list"
    if not isinstance(value, ast.Dict):
        raise DraftError(f"{where}: line {node.lineno}: payload is not a dict literal")
    wires = []
    for key, item in zip(value.keys, value.values, strict=True):
        if not (
            isinstance(key, ast.Constant)
            and isinstance(key.value, str)
            and isinstance(item, ast.Name)
            and item.id in arg_names
        ):
            raise DraftError(f"{where}: line {node.lineno}: dict entry is not 'key': argument")
        wires.append(wire(key.value, item.id))
    return node.targets[0].id, body, wires


def read_payload_update(
    node: ast.stmt, payload_var: str, arg_names: set[str], where: str
) -> dict[str, JSON]:
    """`params['k'] = k`, alone or under `if k is not None:` / `if k != '':` / `if k:`."""
    if isinstance(node, ast.If) and not node.orelse and len(node.body) == 1:
        key, arg = read_key_assignment(node.body[0], payload_var, arg_names, where)
        return wire(key, arg, read_send_condition(node.test, arg, where))
    key, arg = read_key_assignment(node, payload_var, arg_names, where)
    return wire(key, arg)


def read_key_assignment(
    node: ast.stmt, payload_var: str, arg_names: set[str], where: str
) -> tuple[str, str]:
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(target := node.targets[0], ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id == payload_var
        and isinstance(target.slice, ast.Constant)
        and isinstance(target.slice.value, str)
        and isinstance(node.value, ast.Name)
        and node.value.id in arg_names
    ):
        return target.slice.value, node.value.id
    raise DraftError(f"{where}: line {node.lineno}: expected {payload_var}['key'] = argument")


def read_send_condition(test: ast.expr, arg: str, where: str) -> JSON:
    if isinstance(test, ast.Name) and test.id == arg:
        return "truthy"
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == arg
        and len(test.ops) == 1
        and isinstance(test.comparators[0], ast.Constant)
    ):
        op, value = test.ops[0], test.comparators[0].value
        if isinstance(op, ast.IsNot) and value is None:
            return {"unless": None}
        if isinstance(op, ast.NotEq) and isinstance(value, str):
            return {"unless": value}
    raise DraftError(f"{where}: line {test.lineno}: unexpected condition {ast.unparse(test)}")


def read_request(
    node: ast.stmt,
    payload_var: str | None,
    body: JSON,
    wires: list[dict[str, JSON]],
    arg_names: set[str],
    where: str,
) -> tuple[JSON, list[dict[str, JSON]]]:
    """The final `return self._request_with_params(M, PATH, payload)` (or `_without_params`)."""
    call = node.value if isinstance(node, ast.Return) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
        raise DraftError(f"{where}: line {node.lineno}: expected return self._request_...()")
    if call.func.attr == "_request_without_params" and payload_var is None:
        return "none", []
    sent = call.args[2] if len(call.args) == 3 else None
    if isinstance(sent, ast.Name) and sent.id == payload_var:
        return body, wires
    if isinstance(sent, ast.Name) and payload_var is None and sent.id in arg_names:
        return {"arg": sent.id}, []
    raise DraftError(f"{where}: line {node.lineno}: unexpected request payload")


def read_python_okx(okx_dir: Path) -> tuple[dict[str, str], dict[str, tuple[str, list[Method]]]]:
    """Return (consts, {module: (class name, methods)})."""
    assignments = read_consts(okx_dir)
    consts = dict(assignments)
    modules = {}
    for module, path in module_files(okx_dir):
        modules[module] = read_methods(module, path, consts)
    for _, methods in modules.values():
        for method in methods:
            values = [value for name, value in assignments if name == method.const]
            if len(values) > 1:
                method.notes.append(
                    f"python-okx assigns {method.const} twice"
                    f" ({', '.join(values)}); Python keeps the last one, which"
                    " is the path this method calls"
                )
    return consts, modules


# --------------------------------------------------------------------------- git snapshots


class Snapshot:
    """Files of a git repository at HEAD (a bare clone is enough)."""

    def __init__(self, repo: Path, name: str) -> None:
        self.repo, self.name = repo, name
        self.commit, self.date = self._git("log", "-1", "--format=%H %cI").split()

    def _git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.repo), *args], check=True, capture_output=True, text=True
        )
        return done.stdout

    def files(self, folder: str) -> list[str]:
        return sorted(self._git("ls-tree", "-r", "--name-only", "HEAD", folder).splitlines())

    def read_all(self, paths: list[str]) -> Iterator[tuple[str, str]]:
        """Yield (path, text) for `paths`, read through one `git cat-file --batch`."""
        request = "".join(f"HEAD:{path}\n" for path in paths).encode()
        done = subprocess.run(
            ["git", "-C", str(self.repo), "cat-file", "--batch"],
            input=request,
            check=True,
            capture_output=True,
        )
        out, at = done.stdout, 0
        for path in paths:
            header_end = out.index(b"\n", at)
            size = int(out[at:header_end].split()[2])
            yield path, out[header_end + 1 : header_end + 1 + size].decode("utf-8")
            at = header_end + 1 + size + 1

    def source(self, path: str) -> dict[str, str]:
        return {"repository": self.name, "commit": self.commit, "date": self.date, "path": path}


# --------------------------------------------------------------------------- documentation


@dataclass
class DocParam:
    """A documented request parameter (a query parameter or a request-body property)."""

    name: str
    kind: str  # string, number, integer, boolean, object, array:string, array:object, ...
    required: bool
    text: str  # the description, `code` in backticks, one paragraph per line
    first_table: bool = True  # False: from a later table, whose "required" is per order type


@dataclass
class DocField:
    """A documented response field of the `data` items, with its nested fields."""

    name: str
    kind: str
    text: str
    children: list[DocField] = field(default_factory=list)


@dataclass
class DocOp:
    """What one documentation snapshot says about one endpoint."""

    source: str
    title: str | None = None
    anchor: str | None = None
    signed: bool | None = None
    limit_lines: list[str] = field(default_factory=list)
    params: dict[str, DocParam] = field(default_factory=dict)
    fields: list[DocField] | None = None  # None: the answer is not documented
    data_kind: str = "array:object"  # or array:array (rows), array:string, object
    example: JSON = None
    example_given: bool = False
    tag: str | None = None  # openxapi's tag: the section of OKX's docs ("Trading Account")


Key = tuple[str, str]  # (HTTP method, path)

TYPE_WORDS = {
    "string": "string",
    "boolean": "boolean",
    "integer": "integer",
    "number": "number",
    "object": "object",
    "array": "array",
    "array of strings": "array:string",
    "array of string": "array:string",
    "array of objects": "array:object",
    "array of object": "array:object",
    "array of arrays": "array:array",
    "array of array": "array:array",
    "array of numbers": "array:string",
}


def doc_kind(word: str) -> str:
    """Map a docs table's type column ("Array of objects") to a kind."""
    return TYPE_WORDS.get(" ".join(word.lower().split()), "string")


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# openxapi: one OpenAPI file per operation


def read_openxapi(snapshot: Snapshot) -> dict[Key, DocOp]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    ops: dict[Key, DocOp] = {}
    paths = [p for p in snapshot.files(OPENXAPI_SPECS) if p.endswith(".yaml")]
    for _, text in snapshot.read_all(paths):
        spec = yaml.load(text, Loader=loader)
        schemas = spec.get("components", {}).get("schemas", {})
        for path, operations in spec["paths"].items():
            for http, op in operations.items():
                ops[(http.upper(), path)] = openxapi_op(op, schemas)
    return ops


def openxapi_op(op: dict[str, JSON], schemas: dict[str, JSON]) -> DocOp:
    doc = DocOp(source="openxapi", title=strip_title(op.get("summary")), signed="security" in op)
    doc.tag = (op.get("tags") or [None])[0]
    doc.limit_lines = [
        line.lstrip("#").strip()
        for line in op.get("description", "").splitlines()
        if re.match(r"#+\s*rate limit", line, re.I)
    ]
    for param in op.get("parameters", []):
        doc.params[param["name"]] = DocParam(
            param["name"],
            schema_kind(param.get("schema", {})),
            bool(param.get("required")),
            clean_markdown(param.get("description", "")),
        )
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    body_schema = resolve(body.get("schema", {}), schemas)
    required = set(body_schema.get("required", []))
    for name, prop in body_schema.get("properties", {}).items():
        doc.params[name] = DocParam(
            name, schema_kind(prop), name in required, clean_markdown(prop.get("description", ""))
        )
    answer = op.get("responses", {}).get("200", {}).get("content", {})
    answer_schema = resolve(answer.get("application/json", {}).get("schema", {}), schemas)
    data = answer_schema.get("properties", {}).get("data")
    if data:
        doc.data_kind = schema_kind(data) if data.get("type") == "array" else "object"
        item = data.get("items", {}) if data.get("type") == "array" else data
        doc.fields = schema_fields(item)
    if "example" in answer_schema:
        doc.example_given = True
        doc.example = parse_example(answer_schema["example"])
    return doc


def strip_title(summary: str | None) -> str | None:
    """OKX titles some operations "POST / Place order"; the title is "Place order"."""
    if not summary:
        return None
    return re.sub(r"^(GET|POST)\s*/\s*", "", summary.strip())


def resolve(schema: dict[str, JSON], schemas: dict[str, JSON]) -> dict[str, JSON]:
    if "$ref" in schema:
        return dict(schemas[schema["$ref"].rsplit("/", 1)[-1]])
    return schema


def schema_kind(schema: dict[str, JSON]) -> str:
    kind = schema.get("type", "string")
    if kind == "array":
        items = schema.get("items", {})
        return f"array:{items.get('type', 'string')}"
    return str(kind)


def schema_fields(schema: dict[str, JSON]) -> list[DocField]:
    fields = []
    for name, prop in schema.get("properties", {}).items():
        nested = prop.get("items", {}) if prop.get("type") == "array" else prop
        fields.append(
            DocField(
                name,
                schema_kind(prop),
                clean_markdown(prop.get("description", "")),
                schema_fields(nested),
            )
        )
    return fields


def clean_markdown(text: str) -> str:
    return "\n".join(paragraphs(str(text)))


def parse_example(text: JSON) -> JSON:
    """The `data` of a documented answer, or None when it does not parse as JSON."""
    try:
        answer = json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError:
        return None
    return answer.get("data") if isinstance(answer, dict) else None


# okx-docs: the snapshot of OKX's single-page docs


HEADING = re.compile(r"<h([1-6]) id='([^']*)'>(.*?)</h\1>", re.S)
REQUEST_LINE = re.compile(r"<p><code>(GET|POST) (/api/v5/[^<\s?]*)[^<]*</code></p>")


def read_okx_docs(snapshot: Snapshot) -> dict[Key, DocOp]:
    """Sections of the docs page(s), by the HTTP request line they document."""
    ops: dict[Key, DocOp] = {}
    seen: set[str] = set()
    for _, page in snapshot.read_all(snapshot.files(OPENXAPI_DOCS)):
        digest = hashlib.sha256(page.encode()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        for key, doc in docs_sections(page):
            ops.setdefault(key, doc)
    return ops


def docs_sections(page: str) -> Iterator[tuple[Key, DocOp]]:
    headings = [m for m in HEADING.finditer(page) if int(m.group(1)) <= 3]
    starts = [m.start() for m in headings] + [len(page)]
    for heading, end in zip(headings, starts[1:], strict=True):
        section = page[heading.start() : end]
        for line in REQUEST_LINE.finditer(section):
            yield (line.group(1), line.group(2)), docs_op(heading, section)


def docs_op(heading: re.Match[str], section: str) -> DocOp:
    doc = DocOp(
        source="okx-docs", anchor=heading.group(2), title=strip_title(html_text(heading.group(3)))
    )
    subheads = list(HEADING.finditer(section))
    doc.limit_lines = [
        html_text(h.group(3))
        for h in subheads
        if re.match(r"rate limit", html_text(h.group(3)), re.I)
    ]
    for i, sub in enumerate(subheads):
        title = html_text(sub.group(3)).lower()
        following = section[sub.end() : subheads[i + 1].start() if i + 1 < len(subheads) else None]
        tables = html_tables(following)
        if title == "request parameters":
            # Some endpoints document their parameters in several tables (by order type).
            for index, table in enumerate(tables):
                for row in table:
                    if len(row) >= 4 and not row[0].startswith(">"):
                        doc.params.setdefault(
                            row[0],
                            DocParam(
                                row[0],
                                doc_kind(row[1]),
                                row[2].lower() == "yes",
                                row[3],
                                first_table=index == 0,
                            ),
                        )
        elif title == "response parameters" and tables:
            doc.fields = nest_rows(
                [(row[0], row[1], row[-1]) for row in tables[0] if len(row) >= 3]
            )
    example = re.search(
        r"Response Example.*?<pre class=\"highlight json[^>]*><code>(.*?)</code>", section, re.S
    )
    if example:
        doc.example_given = True
        doc.example = parse_example(html.unescape(re.sub(r"<[^>]+>", "", example.group(1))))
    return doc


def html_text(fragment: str) -> str:
    """Plain text of an HTML fragment: `code` in backticks, one paragraph per line."""
    text = re.sub(r"<code>(.*?)</code>", r"`\1`", fragment, flags=re.S)
    text = re.sub(r"<br\s*/?>|</p>|</li>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def html_tables(fragment: str) -> list[list[list[str]]]:
    """Body rows of every table in `fragment`, as cell texts."""
    tables = []
    for body in re.findall(r"<table>.*?<tbody>(.*?)</tbody>", fragment, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        tables.append(
            [
                [html_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                for row in rows
            ]
        )
    return tables


def nest_rows(rows: Iterable[tuple[str, str, str]]) -> list[DocField]:
    """Build the field tree of a response table whose nested rows start with "> "."""
    top: list[DocField] = []
    stack: list[list[DocField]] = [top]
    for name_cell, kind, text in rows:
        marks = re.match(r"^(\s*\\?>\s*)*", name_cell)  # always matches, maybe empty
        depth = len(marks.group(0).replace("\\", "").replace(" ", "")) if marks else 0
        name = name_cell.replace("\\>", ">").lstrip("> ").strip()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            continue
        depth = min(depth, len(stack) - 1)  # OKX sometimes writes ">>" for ">"
        del stack[depth + 1 :]
        entry = DocField(name, doc_kind(kind), text)
        stack[depth].append(entry)
        stack.append(entry.children)
    return top


# coincise: one markdown file per endpoint


def read_coincise(snapshot: Snapshot) -> dict[Key, DocOp]:
    """Endpoints of the one-endpoint files first, then of the section files (docs/okx/*.md)."""
    ops: dict[Key, DocOp] = {}
    endpoint_files = [p for p in snapshot.files(f"{COINCISE_DOCS}/endpoints") if p.endswith(".md")]
    section_files = [
        p for p in snapshot.files(COINCISE_DOCS) if p.endswith(".md") and p.count("/") == 2
    ]
    for path, text in snapshot.read_all(endpoint_files + section_files):
        chunks = [text] if "/endpoints/" in path else re.split(r"^(?=#{1,3} )", text, flags=re.M)
        for chunk in chunks:
            request = re.search(r"^`(GET|POST) (/api/v5/[^`\s?]*)", chunk, re.M)
            if request:
                ops.setdefault((request.group(1), request.group(2)), coincise_op(path, chunk))
    return ops


def coincise_op(path: str, text: str) -> DocOp:
    anchor = re.search(r"docs-v5/en/#([^)\]\s\"]+)", text)
    title = re.search(r"^### ([^\[\n]+)", text, re.M) or re.search(
        r"^#{1,2} ([^\[\n]+)", text, re.M
    )
    signed = {"private": True, "public": False}.get(path.split("/")[-2])
    doc = DocOp(
        source="coincise",
        anchor=anchor.group(1) if anchor else None,
        title=strip_title(title.group(1).strip()) if title else None,
        signed=signed,
    )
    doc.limit_lines = [
        line.lstrip("#").strip()
        for line in text.splitlines()
        if re.match(r"#+\s*rate limit", line, re.I)
    ]
    request = markdown_section(text, "request parameters")
    for name, kind, required, description in markdown_rows(request, columns=4):
        if name.startswith(("\\", ">")):
            continue  # a field of an object parameter
        doc.params[name] = DocParam(name, doc_kind(kind), required.lower() == "yes", description)
    response = markdown_section(text, "response parameters")
    if response.strip():
        doc.fields = nest_rows(
            (row[0], row[1], row[2]) for row in markdown_rows(response, columns=3)
        )
    return doc


def markdown_section(text: str, title: str) -> str:
    match = re.search(rf"^#+\s*{title}\s*$(.*?)(?=^#+\s|\Z)", text, re.M | re.S | re.I)
    return match.group(1) if match else ""


def markdown_rows(section: str, columns: int) -> Iterator[list[str]]:
    """Rows of a markdown table, tolerating tables whose rows were re-wrapped as prose.

    A row starts wherever a cell holding a name is followed by a cell holding a type (and,
    for request tables, one holding Yes/No/Conditional); its last cell runs until the next
    row starts. Paragraph breaks ("  " at a line end, <br>) become new lines.
    """
    text = re.sub(r"<br\s*/?>| {2,}\n", "\u2029", section)
    text = re.sub(r"\s*\n\s*", " ", text).replace("\u2029", "\n")
    cells = [cell.strip() for cell in text.split("|")]
    starts = [i for i in range(len(cells) - columns + 1) if is_row_start(cells, i, columns)]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(cells)
        last = "\n".join(cells[start + columns - 1 : end]).strip()
        yield [*cells[start : start + columns - 1], unescape_markdown(last)]


def is_row_start(cells: list[str], i: int, columns: int) -> bool:
    name_ok = re.fullmatch(r"(\\?>\s*)*[A-Za-z_][A-Za-z0-9_]*", cells[i]) is not None
    kind_ok = " ".join(cells[i + 1].lower().split()) in TYPE_WORDS
    required_ok = columns == 3 or cells[i + 2].lower() in ("yes", "no", "conditional", "optional")
    return name_ok and kind_ok and required_ok and cells[i].lower() != "parameter"


def unescape_markdown(text: str) -> str:
    text = re.sub(r"\\([\[\]_*>|`])", r"\1", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"</?code>", "`", text)))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


# --------------------------------------------------------------------------- ccxt


def read_ccxt(path: Path | None) -> dict[Key, tuple[str, float]]:
    """ccxt's cost per (method, path) from the `'api': {...}` table of its okx.ts."""
    if path is None:
        return {}
    costs: dict[Key, tuple[str, float]] = {}
    section = http = ""
    text = path.read_text(encoding="utf-8")
    table = text[text.index("'api': {") : text.index("'fees': {")]
    for line in table.splitlines():
        line = line.split("//", 1)[0].strip()
        if opened := re.fullmatch(r"'(public|private|get|post)': \{", line):
            if opened.group(1) in ("public", "private"):
                section = opened.group(1)
            else:
                http = opened.group(1).upper()
        elif entry := re.fullmatch(r"'([^']+)': ([\d.\s/*]+),", line):
            costs[(http, f"/api/v5/{entry.group(1)}")] = (section, arithmetic(entry.group(2)))
    return costs


def arithmetic(expression: str) -> float:
    """Value of a cost such as `5 / 3`."""
    tree = ast.parse(expression, mode="eval").body
    if isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Div | ast.Mult):
        left, right = arithmetic(ast.unparse(tree.left)), arithmetic(ast.unparse(tree.right))
        return left / right if isinstance(tree.op, ast.Div) else left * right
    if isinstance(tree, ast.Constant) and isinstance(tree.value, int | float):
        return float(tree.value)
    raise DraftError(f"ccxt cost not understood: {expression}")


# --------------------------------------------------------------------------- reading descriptions

ID_NAME = re.compile(
    r"(Id|ID|Ids|IDs|Ccy|Ccys|Addr|Uid|Code|code)$|^(ccy|uly|instFamily|tag|chain|"
    r"addr|subAcct|apiKey|uid|label|ip|sprdId|instId|instIdCode|from|to)$"
)
NUMBER_NAME = re.compile(
    r"(Px|Sz|Amt|Qty|Lever|Rate|Ratio|Cnt|Count|Limit|Val|Fraction|Spread|"
    r"Var|Price|Size|Amount|Quantity|Num|Fee|Pnl|Eq|Bal|Vol|Usd)$"
)
MAX_CODES = 12  # a longer list of numeric codes (bill types) grows with OKX's products
NUMBER_PARAMS = {
    "after",
    "before",
    "begin",
    "end",
    "limit",
    "page",
    "percent",
    "tier",
    "days",
    "year",
    "expiresIn",
    "timeInterval",
    "recurringTime",
    "timeZone",
}
CODE_NAME = re.compile(
    r"(Type|type|Mode|mode|State|state|Side|side|Status|status|Lv|Code|code|"
    r"Flag|flag|confirm|category)$|Code"
)
MS_TIME = re.compile(r"unix timestamp|millisecond", re.I)
OPEN_SET = re.compile(r"e\.g\.|\beg[.:]|such as|for example|\betc\b|\.\.\.", re.I)
VALUE = re.compile(r"[A-Za-z0-9_.\-]+")
# After a listed value OKX writes a colon (at times a fullwidth one), "(", "-" or an en dash.
EXPLAINS = ":\uff1a(\\-\u2013"
CHOICE_LINE = re.compile(rf"`([^`]+)`\s*(?:[{EXPLAINS}]|$)")
VALUE_RUN = re.compile(r"(`[^`]+`(?:\s*(?:,|/|or|and)?\s*))+")
NOT_A_LABEL = re.compile(
    r"applicable|only|default|required|when|\bif\b|support|unit|note|not\b|"
    r"return|\b(on|of|in|to|for|by|with|from|is|are|be)\s*$",
    re.I,
)


def is_id_name(name: str) -> bool:
    return ID_NAME.search(name) is not None


def is_number_name(name: str) -> bool:
    return NUMBER_NAME.search(name[:1].upper() + name[1:]) is not None


def choices_of(text: str, other_params: set[str]) -> list[str] | None:
    """The closed set of values a description lists explicitly, or None.

    A value is listed on a line of its own ("`cross`: ...") or in a run after a short label
    ("Order side, `buy` `sell`"). Any hint of an open set (e.g., such as, etc.) or a line that
    starts with a value in a form not understood gives None: a wrong closed set would refuse
    values OKX accepts.
    """
    if OPEN_SET.search(text):
        return None
    values: list[str] = []
    for line in paragraphs(text):
        found = choice_line_values(line, other_params)
        if found is None:
            return None
        values += [value for value in found if value not in values]
    if len(values) < 2 or not all(VALUE.fullmatch(value) for value in values):
        return None
    return values


def choice_line_values(line: str, other_params: set[str]) -> list[str] | None:
    """Values one description line lists: [] for prose, None for a line not understood."""
    if VALUE_RUN.fullmatch(line):
        return re.findall(r"`([^`]+)`", line)
    if line.startswith("`"):
        match = CHOICE_LINE.match(line)
        if match:  # "`7D`: 7 Days, `30D`: 30 Days" lists several on one line
            rest = line[match.end() :]
            return [match.group(1), *re.findall(r"`([^`]+)`\s*[:\uff1a]", rest)]
        first = re.match(r"`([^`]+)`", line)
        return [] if first and first.group(1) in other_params else None
    label = re.match(r"([A-Za-z][A-Za-z \-]{0,30}?)[,:]?\s*(`.*)$", line)
    if label and VALUE_RUN.fullmatch(label.group(2)) and not NOT_A_LABEL.search(label.group(1)):
        return re.findall(r"`([^`]+)`", label.group(2))
    return []


def ids_of(text: str) -> int | None:
    """N for "(no more than N) separated with comma" and the like."""
    for line in paragraphs(text):
        if re.search(r"comma|separated", line, re.I):
            match = re.search(
                r"(?:no more than|up to|maximum(?: of)?|at most)\s+`?(\d+)`?", line, re.I
            )
            if match:
                return int(match.group(1))
    return None


def param_type(name: str, kind: str, text: str) -> str:
    simple = {
        "boolean": "bool",
        "integer": "number",
        "number": "number",
        "object": "object",
        "array:object": "list[object]",
    }
    if kind in simple:
        return simple[kind]
    if kind.startswith("array"):
        return "list[str]"
    if name in NUMBER_PARAMS or is_number_name(name) or MS_TIME.search(text):
        return "number"
    return "str"


REQUIRES = re.compile(
    r"(?:if (?P<param>\w+) is (?P<values>`[^`]+`(?:\s*,\s*`[^`]+`)*)\s*,\s*)?"
    r"either\s+`?(?P<a>\w+)`?\s+or\s+`?(?P<b>\w+)`?\s*is\s+required",
    re.I,
)
APPLIES_TO = re.compile(r"(?:required for|applicable to)\s+((?:`[^`]+`\s*/?\s*)+)", re.I)
IGNORED_WHEN = re.compile(
    r"ignore when (?P<param>\w+) is one of "
    r"(?P<values>`[^`]+`(?:\s*,\s*`[^`]+`)*)",
    re.I,
)


def requires_of(
    params: dict[str, DocParam], keys: list[str], choices: dict[str, list[str]], source: str
) -> tuple[list[JSON], list[str]]:
    """Documented "Either `a` or `b` is required" rules between wire keys, and notes.

    `choices` (closed sets of other parameters) turns "..., ignore when instType is one of
    `SWAP`,`FUTURES`,`OPTION`" into a `when` on the remaining values. When the descriptions of
    the two parameters say it differently, the least strict reading wins.
    """
    found: dict[tuple[str, str], list[dict[str, JSON] | None]] = {}
    for param in params.values():
        for line in paragraphs(param.text):
            match = REQUIRES.search(line)
            if match:
                one_of = (match.group("a"), match.group("b"))
                rule = requires_rule(match, line, param.text, choices, set(params))
                found.setdefault(one_of, []).append(rule)
    rules: list[JSON] = []
    notes: list[str] = []
    for one_of, readings in found.items():
        if None in readings:
            notes.append(
                f"requires: OKX makes one of {list(one_of)} required under a condition"
                " the drafter cannot state; not a rule"
            )
        elif not all(key in keys for key in one_of):
            notes.append(
                f"requires: OKX says one of {list(one_of)} is required; python-okx does"
                " not send them all, so it is not a rule"
            )
        else:
            stated = [rule for rule in readings if rule is not None]  # None: see above
            conditional = [rule for rule in stated if "when" in rule]
            rules.append({**(conditional[0] if conditional else stated[0]), "source": source})
    return rules, notes


def requires_rule(
    match: re.Match[str], line: str, text: str, choices: dict[str, list[str]], names: set[str]
) -> dict[str, JSON] | None:
    """The rule a matched sentence states, or None when its condition cannot be stated.

    A description that limits the parameter to some instrument types ("Required for
    `FUTURES`/`SWAP`") makes the rule hold for those types only.
    """
    rule: dict[str, JSON] = {"one_of": [match.group("a"), match.group("b")]}
    before = line[: match.start()].rsplit(".", 1)[-1]
    after = re.sub(r"if both (are )?passed( in)?,[^,]*,?", "", line[match.end() :].split(".")[0])
    applies = APPLIES_TO.search(text)
    if match.group("param"):
        values = re.findall(r"`([^`]+)`", match.group("values"))
        values = [v for value in values for v in value.split("/")]
        rule["when"] = {"param": match.group("param"), "in": values}
    elif ignored := IGNORED_WHEN.search(after):
        excluded = set(re.findall(r"`([^`]+)`", ignored.group("values")))
        return when_in(rule, ignored.group("param"), excluded, choices, names, exclude=True)
    elif re.search(r"\bunder\b|\bwhen\b|\bif\b|\bonly\b", before + after, re.I):
        return None
    elif applies:
        types = {
            v for value in re.findall(r"`([^`]+)`", applies.group(1)) for v in value.split("/")
        }
        return when_in(rule, "instType", types, choices, names, exclude=False)
    return rule


def when_in(
    rule: dict[str, JSON],
    name: str,
    values: set[str],
    choices: dict[str, list[str]],
    names: set[str],
    exclude: bool,
) -> dict[str, JSON] | None:
    """Add `when` for the values of `name` in (or not in) `values`; none when that is all.

    Without a parameter `name` the endpoint serves those values only: the rule always holds.
    """
    if name not in names:
        return rule
    if name not in choices:
        return None
    kept = [v for v in choices[name] if (v in values) != exclude]
    if len(kept) < len(choices[name]):
        rule["when"] = {"param": name, "in": kept}
    return rule


LIMIT = re.compile(
    r"(\d+)\s+(requests?|orders?)\s+per\s+(?:(\d+)\s+)?"
    r"(second|minute|hour|day|month)s?",
    re.I,
)
UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "month": 30 * 86400}
RULE_PARTS = {
    "user id": ("scope", "user"),
    "master account userid": ("scope", "user"),
    "master account user id": ("scope", "user"),
    "ip": ("scope", "ip"),
    "instrument id": ("per", "instId"),
    "instrument": ("per", "instId"),
    "instrument family": ("per", "instFamily"),
    "instfamily": ("per", "instFamily"),
    "instrument type": ("per", "instType"),
    "currency": ("per", "ccy"),
    "uly": ("per", "uly"),
    "tag": ("per", "tag"),
}


def rate_limits_of(lines: list[str], batch: bool, source: str) -> tuple[list[JSON], list[str]]:
    """Parse "Rate Limit: N requests per S seconds" lines and the rule line after each.

    A limit without a rule gets scope None; the caller decides it from signing.
    """
    limits: list[dict[str, JSON]] = []
    notes: list[str] = []
    pending: list[dict[str, JSON]] = []
    for line in lines:
        head, _, rest = line.replace("\uff1a", ":").partition(":")
        head, rest = head.strip().lower(), rest.strip()
        if "copy trading" in head:
            notes.append(
                f"rate limit: lead instruments of copy trading have their own limit ({rest})"
            )
        elif "options only" in head:
            notes.append(f"rate limit: for options the rule is {rest}")
        elif head.startswith("rate limit rule"):
            scope, per, rule_notes = parse_rule(rest)
            notes += rule_notes
            if "except options" in head:
                notes.append("rate limit: the rule given is OKX's rule except for options")
            for entry in pending:
                entry.update(scope=scope, per=per)
            pending = []
        elif head == "rate limit":
            pending = [limit_entry(amount, batch) for amount in LIMIT.finditer(rest)]
            limits += pending
    if any(entry["seconds"] % UNIT_SECONDS["month"] == 0 for entry in limits):
        notes.append("rate limit: a month is counted as 30 days")
    return [finish_limit(entry, source) for entry in limits], notes


def limit_entry(amount: re.Match[str], batch: bool) -> dict[str, JSON]:
    unit = amount.group(4).lower()
    counts_items = amount.group(2).lower().startswith("order") and batch
    return {
        "requests": int(amount.group(1)),
        "seconds": int(amount.group(3) or 1) * UNIT_SECONDS[unit],
        "scope": None,
        "per": [],
        "count": "item" if counts_items else "request",
    }


def finish_limit(entry: dict[str, JSON], source: str) -> dict[str, JSON]:
    """Key order of the README; `per` and `count` only when they say something."""
    done = {"requests": entry["requests"], "seconds": entry["seconds"], "scope": entry["scope"]}
    if entry["per"]:
        done["per"] = entry["per"]
    if entry["count"] != "request":
        done["count"] = entry["count"]
    done["source"] = source
    return done


def parse_rule(rule: str) -> tuple[str | None, list[str], list[str]]:
    """ "User ID + Instrument ID" -> ("user", ["instId"], notes); scope None when none is named.

    "User ID(Private) or IP(Public)" (an endpoint callable with or without a key) is read as
    its public alternative, with a note.
    """
    notes = []
    if " or " in rule:
        notes.append(f"rate limit: OKX's rule is {rule!r}; the public alternative is kept")
        rule = rule.rsplit(" or ", 1)[1]
    rule = re.sub(r"\((public|private)\)", "", rule, flags=re.I)
    scope, per = None, []
    for part in rule.replace("(", "").replace(")", "").split("+"):
        name = " ".join(part.lower().split())
        if name not in RULE_PARTS:
            raise DraftError(f"rate limit rule not understood: {rule!r}")
        what, value = RULE_PARTS[name]
        if what == "scope":
            scope = value
        else:
            per.append(value)
    return scope, per, notes


# --------------------------------------------------------------------------- response models

# Order-book levels are arrays whose positions OKX explains in prose under the response table.
BOOK_LEVELS = {
    "/api/v5/market/books": [
        ("px", "decimal"),
        ("sz", "decimal"),
        ("deprecated", "str"),
        ("ordCnt", "int"),
    ],
    "/api/v5/sprd/books": [("px", "decimal"), ("sz", "decimal"), ("ordCnt", "int")],
}
NUMERIC = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
COUNT_TEXT = re.compile(r"^(the )?(number|count) of", re.I)
COUNT_NAME = re.compile(r"(Cnt|Count|Num|Number|Page|Pages)$")
TIME_NAME = re.compile(r"(Time|Ts)$|^ts$")
INT_NAMES = {"tier"}  # a tier number; okx_v5's PositionTier already reads it as int


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\s]+", name) if part)


def model_name_of(module: str, method: str) -> str:
    return MODEL_NAMES.get((module, method), pascal(re.sub(r"^get_", "", method)))


def is_ms_time(text: str) -> bool:
    return bool(re.search(r"timestamp", text, re.I) and re.search(r"milli", text, re.I))


def lists_values(text: str) -> bool:
    """True when a description explains values one by one (`0`: failed): a code, not a number."""
    for line in paragraphs(text):
        if re.match(rf"`[A-Za-z0-9_.\-]+`\s*(?:[{EXPLAINS}=]|$)", line):
            return True
        if VALUE_RUN.fullmatch(line) and all(
            VALUE.fullmatch(v) for v in re.findall(r"`([^`]+)`", line)
        ):
            return True
    return False


def scalar_type(name: str, text: str, values: list[JSON]) -> str:
    """Type of a string field: str, int (ms timestamps, counts) or decimal.

    Amounts in a currency (`oiCcy`) are told from currency names by their example values.
    """
    given = [value for value in values if value not in ("", None)]
    numeric = bool(given) and all(isinstance(v, str) and NUMERIC.fullmatch(v) for v in given)
    whole = numeric and all(re.fullmatch(r"-?\d+", v) for v in given)
    if is_id_name(name) and not (name.endswith("Ccy") and numeric):
        return "str"
    if is_ms_time(text) or (TIME_NAME.search(name) and whole and all(len(v) >= 10 for v in given)):
        return "int"
    if re.search(r"YYYY", text):
        return "str"
    if is_number_name(name) and (numeric or not given):
        return "decimal"
    if CODE_NAME.search(name) or lists_values(text):
        return "str"
    if name in INT_NAMES or (whole and (COUNT_NAME.search(name) or COUNT_TEXT.match(text))):
        return "int"
    return "decimal" if numeric else "str"


@dataclass
class ModelBuilder:
    """Collects the models of one endpoint's answer."""

    source: str
    path: str
    models: dict[str, JSON] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, fields: list[DocField], items: list[JSON]) -> str:
        rows = []
        for doc_field in fields:
            values = [item.get(doc_field.name) for item in items if isinstance(item, dict)]
            rows.append({"name": doc_field.name, "type": self.field_type(name, doc_field, values)})
        self.put(name, rows, row=False)
        return name

    def put(self, name: str, fields: list[JSON], row: bool) -> None:
        if name in self.models:
            raise DraftError(f"model name {name} used twice")
        self.models[name] = {"source": self.source, "row": row, "fields": fields}

    def field_type(self, parent: str, doc_field: DocField, values: list[JSON]) -> str:
        kind, name = doc_field.kind, doc_field.name
        if doc_field.children and kind in ("array", "array:string"):
            kind = "array:object"  # the table says "Array" and lists the items' fields
        simple = {"boolean": "bool", "integer": "int", "number": "decimal"}
        if kind in simple:
            return simple[kind]
        if kind == "object":
            items = [v for v in values if isinstance(v, dict)]
            return (
                self.add(parent + pascal(name), doc_field.children, items)
                if doc_field.children
                else "any"
            )
        if kind == "array:object":
            items = [i for v in values if isinstance(v, list) for i in v if isinstance(i, dict)]
            return (
                f"list[{self.add(parent + pascal(name), doc_field.children, items)}]"
                if doc_field.children
                else "list[any]"
            )
        if kind == "array:array":
            return self.nested_rows(name)
        if kind.startswith("array"):
            return "list[str]"
        return scalar_type(name, doc_field.text, values)

    def nested_rows(self, name: str) -> str:
        if self.path in BOOK_LEVELS:
            if "BookLevel" not in self.models:
                fields = [{"name": n, "type": t} for n, t in BOOK_LEVELS[self.path]]
                self.put("BookLevel", fields, row=True)
            return "list[BookLevel]"
        self.notes.append(
            f"response: {name} is an array of arrays whose positions OKX does not"
            " name; typed list[any]"
        )
        return "list[any]"

    def add_rows(self, name: str, fields: list[DocField], items: list[JSON]) -> str:
        """A row model: `data` items are arrays read by position, as the table lists them."""
        rows = []
        for position, doc_field in enumerate(fields):
            values = [
                item[position] for item in items if isinstance(item, list) and position < len(item)
            ]
            rows.append(
                {
                    "name": doc_field.name,
                    "type": scalar_type(doc_field.name, doc_field.text, values),
                }
            )
        self.put(name, rows, row=True)
        return name


def merge_fields(
    spec: list[DocField],
    table: list[DocField] | None,
    order: list[DocField] | None,
    items: list[JSON],
) -> list[DocField]:
    """The spec's fields plus the docs table's, in documented order (else the example's).

    The table's kind wins where the spec says "string" for an array or object.
    """
    spec_by_name = {f.name: f for f in spec}
    table_by_name = {f.name: f for f in table or []}
    order_by_name = {f.name: f for f in order or []}
    example_keys = [k for item in items if isinstance(item, dict) for k in item]
    names = dict.fromkeys(
        [f.name for f in order or []]
        + example_keys
        + [f.name for f in table or []]
        + list(spec_by_name)
    )
    merged = []
    for name in names:
        ours, theirs = spec_by_name.get(name), table_by_name.get(name)
        described = ours or theirs
        if described is None:
            continue
        kind = described.kind
        if theirs and kind == "string" and theirs.kind != "string":
            kind = theirs.kind
        children_items = [
            c for item in items if isinstance(item, dict) for c in as_list(item.get(name))
        ]
        order_children = order_by_name[name].children if name in order_by_name else None
        children = merge_fields(
            ours.children if ours else [],
            theirs.children if theirs else None,
            order_children,
            children_items,
        )
        merged.append(DocField(name, kind, described.text, children))
    return merged


def as_list(value: JSON) -> list[JSON]:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []


# --------------------------------------------------------------------------- endpoints


@dataclass
class Docs:
    """Every documentation source, by (HTTP method, path)."""

    openxapi: dict[Key, DocOp]
    okx_docs: dict[Key, DocOp]
    coincise: dict[Key, DocOp]
    ccxt: dict[Key, tuple[str, float]]
    coincise_date: str


@dataclass
class Draft:
    """One drafted endpoint and the models its answer needs."""

    entry: dict[str, JSON]
    models: dict[str, JSON]


def draft_endpoint(method: Method, docs: Docs) -> Draft:
    key = (method.http, method.path)
    spec, page, newer = docs.openxapi.get(key), docs.okx_docs.get(key), docs.coincise.get(key)
    primary = spec or newer or page
    if primary is None:
        return Draft(undocumented_entry(method, docs.ccxt.get(key)), {})
    notes = list(method.notes)
    keys = [entry["key"] for entry in method.wire]
    limits = draft_limits(method, primary, newer, docs.coincise_date, notes)
    signed = signed_of(primary, limits, notes)
    fill_limit_scope(limits, signed, primary, method, notes)
    params, choices = draft_params(primary, page, newer, keys, notes)
    requires, requires_notes = requires_of(primary.params, keys, choices, primary.source)
    notes += requires_notes if keys else []
    builder = ModelBuilder(primary.source, method.path)
    response, example = draft_response(
        model_name_of(method.module, method.name), primary, page, newer, builder
    )
    notes += builder.notes
    entry = {
        "name": method.name,
        "summary": next((doc.title for doc in (spec, page, newer) if doc and doc.title), None),
        "http": method.http,
        "path": method.path,
        "const": method.const,
        "signed": signed,
        "docs": (page and page.anchor) or (newer and newer.anchor) or None,
        "source": primary.source,
        "args": method.args,
        "body": method.body,
        "wire": method.wire,
        "params": params,
        "requires": requires,
        "rate_limits": limits,
        "response": response,
        "example": example,
        "quirk": method.quirk,
        "notes": list(dict.fromkeys(notes)),
    }
    return Draft(entry, builder.models)


def undocumented_entry(method: Method, ccxt_cost: tuple[str, float] | None) -> dict[str, JSON]:
    notes = list(method.notes)
    limits = []
    if ccxt_cost:
        limits = [ccxt_limit(*ccxt_cost)]
        notes.append(
            f"rate limit: from ccxt's cost {ccxt_cost[1]:g} for this path (ccxt spends"
            " 10 cost units per second); no OKX documentation snapshot has it"
        )
    return {
        "name": method.name,
        "summary": plain_title(method),
        "http": method.http,
        "path": method.path,
        "const": method.const,
        "signed": "if_key",
        "docs": None,
        "source": None,
        "args": method.args,
        "body": method.body,
        "wire": method.wire,
        "params": {},
        "requires": [],
        "rate_limits": limits,
        "response": None,
        "example": None,
        "quirk": method.quirk,
        "notes": notes,
    }


def plain_title(method: Method) -> str:
    """python-okx's comment when it reads as a title, else the method name in words."""
    comment = (method.comment or "").strip("-% ").strip()
    if re.fullmatch(r"[A-Z][A-Za-z _/]*", comment):
        return comment
    words = method.name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def ccxt_limit(section: str, cost: float) -> dict[str, JSON]:
    """ccxt's cost as a limit: 10 cost units per second, so 20 / cost requests per 2 seconds."""
    for seconds in (1, 2):
        requests = seconds * 10 / cost
        if abs(requests - round(requests)) < 1e-9 and round(requests) >= 1:
            break
    else:
        requests, seconds = 1, round(cost / 10)
    return {
        "requests": round(requests),
        "seconds": seconds,
        "scope": "user" if section == "private" else "ip",
        "source": "ccxt",
    }


def draft_limits(
    method: Method, primary: DocOp, newer: DocOp | None, newer_date: str, notes: list[str]
) -> list[JSON]:
    """Limits of the primary source; coincise's instead where it (newer) says otherwise."""
    batch = isinstance(method.body, dict)
    limits, limit_notes = rate_limits_of(primary.limit_lines, batch, primary.source)
    if newer is not None and newer is not primary:
        newer_limits, newer_notes = rate_limits_of(newer.limit_lines, batch, "coincise")
        if newer_limits and without_source(newer_limits) != without_source(limits):
            notes.append(
                f"rate limit: coincise ({newer_date[:10]}) documents"
                f" {describe_limits(newer_limits)} where {primary.source} has"
                f" {describe_limits(limits) or 'none'}"
            )
            limits, limit_notes = newer_limits, newer_notes
    notes += limit_notes
    return limits


def without_source(limits: list[JSON]) -> list[JSON]:
    return [{k: v for k, v in limit.items() if k != "source"} for limit in limits]


def describe_limits(limits: list[JSON]) -> str:
    return "; ".join(
        f"{x['requests']}/{x['seconds']}s {x['scope']}"
        + (f"+{'+'.join(x['per'])}" if x.get("per") else "")
        for x in limits
    )


def signed_of(primary: DocOp, limits: list[JSON], notes: list[str]) -> JSON:
    """Private endpoints are the ones OKX limits per User ID; public ones are limited per IP.

    openxapi's `security` agrees with that rule except where it forgets it (trade endpoints);
    coincise's public/private folders are less reliable, so the limit's rule decides.
    """
    if any("(private) or" in line.lower() for line in primary.limit_lines):
        notes.append("signed: OKX documents it for calls with and without a key")
        return "if_key"
    scopes = {limit["scope"] for limit in limits}
    if primary.source == "openxapi" and primary.signed:
        return True
    if "user" in scopes:
        if primary.signed is False:
            said = "gives no security" if primary.source == "openxapi" else "files it as public"
            notes.append(
                f"signed: {primary.source} {said}, but OKX limits it per User ID, which needs a key"
            )
        return True
    if "ip" in scopes and primary.signed:
        notes.append(
            f"signed: {primary.source} files it as private, but OKX limits it per IP"
            " as it does public endpoints"
        )
        return False
    return bool(primary.signed)


def fill_limit_scope(
    limits: list[JSON], signed: JSON, primary: DocOp, method: Method, notes: list[str]
) -> None:
    """Give a scope to limits whose rule names none; drop `per` keys the endpoint lacks."""
    for limit in limits:
        if limit["scope"] is None:
            limit["scope"] = "user" if signed is True else "ip"
            notes.append(
                f"rate limit: OKX names no user or IP for {limit['requests']} per"
                f" {limit['seconds']}s; counted per {limit['scope']} as the endpoint"
                f" is {'private' if signed is True else 'public'}"
            )
        missing = [p for p in limit.get("per", []) if p not in primary.params]
        if missing and not isinstance(method.body, dict):
            notes.append(
                f"rate limit: OKX counts per {', '.join(missing)}, which this endpoint"
                " does not take; dropped"
            )
            limit["per"] = [p for p in limit["per"] if p not in missing]
            if not limit["per"]:
                del limit["per"]


def draft_params(
    primary: DocOp, page: DocOp | None, newer: DocOp | None, keys: list[str], notes: list[str]
) -> tuple[dict[str, JSON], dict[str, list[str]]]:
    params: dict[str, JSON] = {}
    choices: dict[str, list[str]] = {}
    names = set(primary.params) | set(page.params if page else ())
    for key in keys:
        doc, source = documented_param(key, primary, page, newer)
        if doc is None:
            continue
        facts: dict[str, JSON] = {"type": param_type(key, doc.kind, doc.text)}
        if doc.required and doc.first_table and (source == primary.source or source == "okx-docs"):
            facts["required"] = True
        values = param_choices(key, facts["type"], doc, newer, names, notes)
        if values:
            facts["choices"] = choices[key] = values
        count = ids_of(doc.text) if facts["type"] == "str" else None
        if count:
            facts["ids"] = count
        facts["source"] = source
        params[key] = facts
    return params, choices


def documented_param(key: str, *docs: DocOp | None) -> tuple[DocParam | None, str | None]:
    """The first description of `key`: the primary source's, else the docs page's (which has
    the extra tables openxapi leaves out), else coincise's."""
    for doc in docs:
        if doc is not None and key in doc.params:
            return doc.params[key], doc.source
    return None, None


def param_choices(
    key: str, kind: str, doc: DocParam, newer: DocOp | None, names: set[str], notes: list[str]
) -> list[str] | None:
    """Closed set of the primary source, widened by coincise's where it lists more values.

    A long list of numeric codes (bill types) is not kept: OKX adds codes with new products.
    """
    if kind != "str" or is_id_name(key):
        return None
    values = choices_of(doc.text, names)
    if not values:
        return None
    newer_doc = newer.params.get(key) if newer is not None else None
    newer_values = choices_of(newer_doc.text, names) if newer_doc is not None else None
    extra = [v for v in newer_values or [] if v not in values]
    if len(values) + len(extra) > MAX_CODES and all(v.isdigit() for v in values + extra):
        notes.append(
            f"params: {key} lists {len(values) + len(extra)} numeric codes; not kept as"
            " choices, as OKX adds codes with new products"
        )
        return None
    if extra:
        notes.append(f"params: {key} choices add {extra} from coincise")
    return values + extra


def draft_response(
    name: str, primary: DocOp, page: DocOp | None, newer: DocOp | None, builder: ModelBuilder
) -> tuple[JSON, JSON]:
    """(`response`, `example`) and the models, from the first source documenting the answer.

    The example is the first that parses; the field order is the docs page's table, else
    coincise's (the OpenAPI spec lists fields alphabetically).
    """
    example = next(
        (doc.example for doc in (primary, page) if doc and doc.example is not None), None
    )
    answer = next((doc for doc in (primary, page, newer) if doc and doc.fields is not None), None)
    if answer is None or answer.fields is None:  # the second test, for the type checker
        return None, example
    builder.source = answer.source
    items = example if isinstance(example, list) else [example] if example else []
    table = without_envelope(page.fields if page is not None and page is not answer else None)
    order = without_envelope(
        next((doc.fields for doc in (page, newer) if doc and doc.fields), None)
    )
    kind = answer.data_kind
    if items and all(isinstance(item, list) for item in items):
        kind = "array:array"  # openxapi sometimes types the rows as objects; the example tells
    elif items and all(isinstance(item, str) for item in items) and len(answer.fields) > 1:
        builder.notes.append("data is one row (an array read by position), not a list of rows")
        kind, items = "array:array", [items]
    if kind == "array:array":
        documented = order or answer.fields
        if len(documented) == 1 and documented[0].kind.startswith("array"):
            builder.notes.append("response: each item of data is a list of strings")
            return {"type": "list[str]", "source": answer.source}, example
        builder.add_rows(name, documented, items)
        return {"model": name, "source": answer.source}, example
    fields = merge_fields(answer.fields, table, order, items)
    if not fields:
        builder.notes.append(f"response: {answer.source} documents no fields in data")
        return None, example
    if kind == "object":
        builder.notes.append("data is an object")
    builder.add(name, fields, items)
    return {"model": name, "source": answer.source}, example


ENVELOPE = ("code", "msg", "data", "inTime", "outTime")
"""The fields of OKX's answer around ``data``, which some tables list with the items' own."""


def without_envelope(fields: list[DocField] | None) -> list[DocField] | None:
    """A table of the whole answer (``code``, ``msg``, ``data`` and its fields, ``inTime``...)
    read as the table of ``data``'s items; any other table as it is."""
    names = {f.name: f for f in fields or []}
    data = names.get("data")
    if fields is None or data is None or not data.children or "code" not in names:
        return fields
    return [*data.children, *(f for f in fields if f.name not in ENVELOPE)]


# --------------------------------------------------------------------------- files

ENTRY_KEYS = [
    "name",
    "summary",
    "http",
    "path",
    "const",
    "signed",
    "docs",
    "source",
    "args",
    "body",
    "wire",
    "params",
    "requires",
    "rate_limits",
    "response",
    "example",
    "quirk",
    "notes",
]


# Written by hand, never drafted: extra method names okx_v5 offers for the same endpoint, the
# parameter that is the client's ID of the order an endpoint places, and a batch's size limit.
OPTIONAL_KEYS = ("aliases", "client_order_id", "batch")


def dump(data: JSON) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def load(path: Path) -> JSON:
    def no_duplicates(pairs: list[tuple[str, JSON]]) -> dict[str, JSON]:
        keys = [key for key, _ in pairs]
        if len(keys) != len(set(keys)):
            raise DraftError(f"{path}: duplicate key among {sorted(keys)}")
        return dict(pairs)

    return json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=no_duplicates)


def model_refs(type_name: str) -> list[str]:
    """Model names a field type refers to: "list[AccountBalanceDetails]" -> [that name]."""
    builtin = {"str", "int", "decimal", "bool", "any", "list"}
    return [name for name in re.findall(r"[A-Za-z_]\w*", type_name) if name not in builtin]


def models_used(root: str | None, models: dict[str, JSON]) -> list[str]:
    """`root` and every model it reaches, depth first."""
    found: list[str] = []
    stack = [root] if root else []
    while stack:
        name = stack.pop()
        if name in found or name not in models:
            continue
        found.append(name)
        for model_field in models[name]["fields"]:
            stack += reversed(model_refs(model_field["type"]))
    return found


def response_model(entry: dict[str, JSON]) -> str | None:
    response = entry.get("response")
    return response.get("model") if isinstance(response, dict) else None


def merge_module(
    drafts: list[Draft], existing: JSON | None, forced: set[str]
) -> tuple[list[JSON], dict[str, JSON], list[str]]:
    """Existing entries (and their models) win unless forced; new endpoints are added."""
    old_entries = {e["name"]: e for e in existing["endpoints"]} if existing else {}
    old_models = existing["models"] if existing else {}
    entries: list[JSON] = []
    models: dict[str, JSON] = {}
    kept: list[str] = []
    for draft in drafts:
        name = draft.entry["name"]
        if name in old_entries and name not in forced:
            entry, pool = old_entries[name], old_models
            kept.append(name)
        else:
            entry, pool = draft.entry, draft.models
        entries.append(entry)
        for model in models_used(response_model(entry), pool):
            if model in models and models[model] != pool[model]:
                raise DraftError(f"model {model} drafted twice with different fields")
            models[model] = pool[model]
    return entries, models, kept


def module_sources(
    python_okx: JSON,
    entries: list[JSON],
    models: dict[str, JSON],
    sources: dict[str, JSON],
    kept: dict[str, JSON] | None = None,
) -> dict[str, JSON]:
    """The sources the entries cite: this run's, else the existing file's (``kept``), so that a
    source added by hand, or one this run was not given (``--ccxt``), is not lost."""
    used = set(re.findall(r'"source": "([^"]+)"', json.dumps([entries, models])))
    used |= {e["source"] for e in entries if e.get("source")}
    known = {**(kept or {}), **sources}
    return {"python-okx": python_okx} | {key: known[key] for key in known if key in used}


def python_okx_source(okx_dir: Path, path: Path) -> dict[str, str]:
    metadata = next(okx_dir.parent.glob("python_okx-*.dist-info/METADATA"), None)
    version = "unknown"
    if metadata is not None:
        found = re.search(r"^Version: (\S+)", metadata.read_text(encoding="utf-8"), re.M)
        version = found.group(1) if found else version
    return {
        "package": "python-okx",
        "version": version,
        "path": path.relative_to(okx_dir.parent).as_posix(),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def consts_file(okx_dir: Path) -> JSON:
    assignments = read_consts(okx_dir)
    names = [name for name, _ in assignments]
    twice = sorted({name for name in names if names.count(name) > 1})
    return {
        "module": "consts",
        "sources": {"python-okx": python_okx_source(okx_dir, okx_dir / "consts.py")},
        "consts": [{"name": name, "value": value} for name, value in assignments],
        "notes": [
            f"{name} is assigned more than once; Python keeps the last value" for name in twice
        ],
    }


def write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def draft_all(args: argparse.Namespace) -> int:
    okx_dir = args.python_okx / "okx" if (args.python_okx / "okx").is_dir() else args.python_okx
    _, modules = read_python_okx(okx_dir)
    spec_repo = Snapshot(args.openxapi, "openxapi/openxapi")
    newer_repo = Snapshot(args.coincise, "rosssaunders/coincise")
    docs = Docs(
        read_openxapi(spec_repo),
        read_okx_docs(spec_repo),
        read_coincise(newer_repo),
        read_ccxt(args.ccxt),
        newer_repo.date,
    )
    sources = {
        "openxapi": spec_repo.source(OPENXAPI_SPECS),
        "okx-docs": spec_repo.source(OPENXAPI_DOCS),
        "coincise": newer_repo.source(COINCISE_DOCS),
    }
    if args.ccxt:
        sources["ccxt"] = {
            "repository": "ccxt/ccxt",
            "commit": args.ccxt_commit,
            "path": "ts/src/okx.ts",
        }
    args.out.mkdir(parents=True, exist_ok=True)
    write_if_changed(args.out / "consts.json", dump(consts_file(okx_dir)))
    for module, (class_name, methods) in modules.items():
        forced = {
            n.split(".")[-1] for n in args.force if "." not in n or n.rsplit(".", 1)[0] == module
        }
        target = args.out / f"{module}.json"
        existing = load(target) if target.exists() else None
        drafts = [draft_endpoint(method, docs) for method in methods]
        entries, models, kept = merge_module(drafts, existing, forced)
        path = okx_dir / (module.replace(".", "/") + ".py")
        data = {
            "module": module,
            "class": class_name,
            "sources": module_sources(
                python_okx_source(okx_dir, path),
                entries,
                models,
                sources,
                existing["sources"] if existing else None,
            ),
            "endpoints": entries,
            "models": models,
        }
        if existing and "init_defaults" in existing:  # written by hand, kept
            data["init_defaults"] = existing["init_defaults"]
        changed = write_if_changed(target, dump(data))
        print(
            f"{module:22} {len(entries):3} endpoints, {len(kept):3} kept"
            f"{', written' if changed else ''}"
        )
    write_uncovered(spec_repo, args.out)
    return 0


# --------------------------------------------------------------------------- check


def check_all(args: argparse.Namespace) -> int:
    """Check the facts files against python-okx; print the problems and some counts."""
    okx_dir = args.python_okx / "okx" if (args.python_okx / "okx").is_dir() else args.python_okx
    consts, modules = read_python_okx(okx_dir)
    problems: list[str] = []
    totals: dict[str, int] = dict.fromkeys(
        [
            "endpoints",
            "documented",
            "undocumented",
            "with choices",
            "with ids",
            "with requires",
            "with notes",
            "models",
        ],
        0,
    )
    for module, (_, methods) in modules.items():
        data = load(args.out / f"{module}.json")
        problems += check_module(module, data, methods, consts)
        count_module(data, totals)
    problems += check_signatures(modules)
    for problem in problems:
        print("PROBLEM", problem)
    print(", ".join(f"{value} {name}" for name, value in totals.items()))
    return 1 if problems else 0


def check_module(
    module: str, data: JSON, methods: list[Method], consts: dict[str, str]
) -> list[str]:
    problems = []
    names = [entry["name"] for entry in data["endpoints"]]
    if names != [method.name for method in methods]:
        problems.append(f"{module}: endpoints are not python-okx's methods, once each, in order")
    by_name = {method.name: method for method in methods}
    for entry in data["endpoints"]:
        where = f"{module}.{entry['name']}"
        method = by_name.get(entry["name"])
        if [key for key in entry if key not in OPTIONAL_KEYS] != ENTRY_KEYS:
            problems.append(f"{where}: keys are not in the README's order")
        if method is None:
            continue
        if entry["args"] != method.args:
            problems.append(f"{where}: args differ from python-okx's signature")
        if (entry["http"], entry["path"], entry["const"]) != (
            method.http,
            consts[method.const],
            method.const,
        ):
            problems.append(f"{where}: http, path or const differ from python-okx")
        arg_names = {arg["name"] for arg in entry["args"]}
        sent = [w["arg"] for w in entry["wire"]]
        if isinstance(entry["body"], dict):
            sent.append(entry["body"]["arg"])
        problems += [
            f"{where}: wire argument {a} is not an argument" for a in sent if a not in arg_names
        ]
        problems += [
            f"{where}: param {k} is not a wire key"
            for k in entry["params"]
            if k not in {w["key"] for w in entry["wire"]}
        ]
        model = response_model(entry)
        if model is not None and model not in data["models"]:
            problems.append(f"{where}: model {model} is missing")
    for name, model in data["models"].items():
        problems += [
            f"{module}: model {name} refers to missing {ref}"
            for f in model["fields"]
            for ref in model_refs(f["type"])
            if ref not in data["models"]
        ]
    return problems


def check_signatures(modules: dict[str, tuple[str, list[Method]]]) -> list[str]:
    """Compare with inspect.signature when python-okx is importable (installed)."""
    try:
        import importlib
        import inspect

        importlib.import_module("okx")
    except ImportError:
        print("python-okx is not installed: signatures checked against its source only")
        return []
    problems = []
    for module, (class_name, methods) in modules.items():
        cls = getattr(importlib.import_module(f"okx.{module}"), class_name)
        public = [n for n, v in vars(cls).items() if callable(v) and not n.startswith("_")]
        if public != [m.name for m in methods]:
            problems.append(f"{module}: python-okx's methods differ from the drafted ones")
        for method in methods:
            signature = inspect.signature(getattr(cls, method.name))
            found = [
                {"name": p.name} | ({} if p.default is p.empty else {"default": p.default})
                for p in list(signature.parameters.values())[1:]
            ]
            if found != method.args:
                problems.append(f"{module}.{method.name}: signature differs: {signature}")
    return problems


def count_module(data: JSON, totals: dict[str, int]) -> None:
    for entry in data["endpoints"]:
        totals["endpoints"] += 1
        totals["documented" if entry["source"] else "undocumented"] += 1
        params = entry["params"].values()
        totals["with choices"] += any("choices" in p for p in params)
        totals["with ids"] += any("ids" in p for p in params)
        totals["with requires"] += bool(entry["requires"])
        totals["with notes"] += bool(entry["notes"])
    totals["models"] += len(data["models"])


# --------------------------------------------------------------------------- not in python-okx

UNCOVERED_FILE = "uncovered.json"
WEBSOCKET_FILES = ("websocket.json", "websocket.schema.json")


def uncovered_file(openxapi: dict[Key, DocOp], okx_docs: dict[Key, DocOp], facts: Path) -> JSON:
    """The operations openxapi documents that no python-okx method calls, each under the
    python-okx module it belongs with (``None`` when no module has that part of the API).

    The module is the one most python-okx calls of the same openxapi tag (the section of
    OKX's docs) go to, preferring those under the same ``/api/v5/<first segment>/``; a tag
    python-okx never calls goes to the module of the same name ("Affiliate"), if any.
    """
    called: dict[Key, str] = {}
    for path in sorted(facts.glob("*.json")):
        data = load(path)
        for entry in data.get("endpoints", []):
            called.setdefault((entry["http"], entry["path"]), data["module"])
    by_tag: dict[str, list[tuple[str, str]]] = {}
    for key, doc in openxapi.items():
        if key in called and doc.tag:
            by_tag.setdefault(doc.tag, []).append((first_segment(key[1]), called[key]))
    modules = set(called.values())
    operations = []
    for key, doc in sorted(openxapi.items()):
        if key in called:
            continue
        tagged = by_tag.get(doc.tag or "", [])
        near = [module for segment, module in tagged if segment == first_segment(key[1])]
        named = doc.tag.replace(" ", "") if doc.tag else None
        module = majority(near) or majority([module for _, module in tagged])
        if module is None and named in modules:
            module = named
        page = okx_docs.get(key)
        operations.append(
            {
                "module": module,
                "tag": doc.tag,
                "http": key[0],
                "path": key[1],
                "summary": doc.title,
                "docs": page.anchor if page else None,
            }
        )
    operations.sort(key=lambda op: (op["module"] is None, op["module"] or op["tag"] or ""))
    return {
        "documented": len(openxapi),
        "called": sum(1 for key in openxapi if key in called),
        "operations": operations,
    }


def first_segment(path: str) -> str:
    """``/api/v5/market/books-full`` → ``market``."""
    return path.removeprefix("/api/v5/").split("/", 1)[0]


def majority(names: list[str]) -> str | None:
    """The most frequent name (the first in name order on a tie), or ``None``."""
    if not names:
        return None
    return min(set(names), key=lambda name: (-names.count(name), name))


def write_uncovered(spec_repo: Snapshot, out: Path) -> None:
    """Write ``uncovered.json`` from the openxapi snapshot and python-okx's calls as the facts
    files in ``out`` record them."""
    data = uncovered_file(read_openxapi(spec_repo), read_okx_docs(spec_repo), out)
    versions = {
        load(path)["sources"]["python-okx"]["version"]
        for path in out.glob("*.json")
        if path.name not in {UNCOVERED_FILE, *WEBSOCKET_FILES}  # these are no python-okx module
    }
    if len(versions) != 1:
        raise DraftError(f"the facts files come from several python-okx versions: {versions}")
    sources = {
        "python-okx": {"package": "python-okx", "version": versions.pop(), "path": "okx/"},
        "openxapi": spec_repo.source(OPENXAPI_SPECS),
        "okx-docs": spec_repo.source(OPENXAPI_DOCS),
    }
    changed = write_if_changed(out / UNCOVERED_FILE, dump({"sources": sources} | data))
    print(
        f"{UNCOVERED_FILE}: {data['documented']} documented operations, {data['called']} called"
        f" by python-okx, {len(data['operations'])} not{', written' if changed else ''}"
    )


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--python-okx",
        type=Path,
        help="unpacked python-okx 0.4.4 wheel (the folder holding okx/)",
    )
    parser.add_argument("--openxapi", type=Path, required=True, help="openxapi/openxapi git repo")
    parser.add_argument("--coincise", type=Path, help="rosssaunders/coincise git repo")
    parser.add_argument(
        "--ccxt",
        type=Path,
        help="ccxt's ts/src/okx.ts (limits of endpoints no documentation snapshot has)",
    )
    parser.add_argument("--ccxt-commit", default=None, help="the ccxt commit --ccxt comes from")
    parser.add_argument("--out", type=Path, default=Path("okx_v5/facts"))
    parser.add_argument(
        "--force",
        nargs="*",
        default=[],
        metavar="NAME",
        help="redraft these endpoints (method or Module.method)",
    )
    parser.add_argument("--check", action="store_true", help="check the files, draft nothing")
    parser.add_argument(
        "--uncovered",
        action="store_true",
        help=f"only write {UNCOVERED_FILE}, from --openxapi and the facts files in --out",
    )
    args = parser.parse_args(argv)
    drafting = not (args.uncovered or args.check)
    if not args.uncovered and (args.python_okx is None or (drafting and args.coincise is None)):
        parser.error("--python-okx and --coincise are required (--check needs --python-okx only)")
    try:
        if args.uncovered:
            write_uncovered(Snapshot(args.openxapi, "openxapi/openxapi"), args.out)
            return 0
        return check_all(args) if args.check else draft_all(args)
    except DraftError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
