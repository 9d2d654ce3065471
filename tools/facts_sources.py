"""Read the sources of okx_v5's facts: python-okx's code and OKX's documentation snapshots.

What ``tools/draft_facts.py`` drafts the facts from, each read into plain records:

- python-okx 0.4.4's source (parsed, never imported): each method's HTTP method, path,
  arguments and payload keys (``read_python_okx`` → ``Method``);
- the ``openxapi/openxapi`` OpenAPI spec (``read_openxapi``), its snapshot of OKX's docs pages
  (``read_okx_docs``) and ``rosssaunders/coincise``'s markdown pages (``read_coincise``), each
  operation as a ``DocOp`` of ``DocParam`` and ``DocField``, by (HTTP method, path);
- ccxt's table of request costs (``read_ccxt``).

The parsers of one table or one spec fragment (``openxapi_op``, ``docs_op``, ``coincise_op``,
``markdown_rows``, ``nest_rows``, ``read_payload``...) work on text and need no repository.
Needs PyYAML: ``pip install -e '.[facts]'``.
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

JSON = Any
"""A value read from JSON or YAML."""

SKIPPED_MODULES = {"okxclient", "utils", "consts", "exceptions", "__init__"}
OPENXAPI_SPECS = "specs/okx/openapi/rest"
OPENXAPI_DOCS = "samples/okx/rest"
COINCISE_DOCS = "docs/okx"


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
    "int": "integer",  # coincise types gridNum (grid/amend-algo-basic-param) "int"
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


DOCS_SITE = "https://www.okx.com"
DOCS_PAGE = f"{DOCS_SITE}/docs-v5/en/"

# Punctuation of OKX's Chinese input method and typographic quotes, as plain ASCII: the text
# goes into docstrings, where ruff refuses characters that look like others (RUF001/RUF002).
ASCII_PUNCTUATION = str.maketrans(
    {
        "\uff1a": ": ",  # fullwidth colon
        "\uff1b": "; ",
        "\uff0c": ", ",
        "\u3002": ". ",
        "\uff08": " (",
        "\uff09": ") ",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2022": "-",
        "\u00a0": " ",
    }
)


def words(text: str) -> str:
    """OKX's description as the facts keep it (``doc``): plain text, one paragraph per line,
    ``code`` in double backticks (reST and Markdown both read it), links absolute, no HTML,
    no Markdown escapes or bold marks, ASCII punctuation; the words themselves as OKX wrote
    them. ``""`` when OKX wrote nothing."""
    text = re.sub(r"<br\s*/?>|</p>|</li>", "\n", text)
    text = re.sub(r"</?code>", "`", text)
    text = html.unescape(re.sub(r"</?[A-Za-z][^>]*>", "", text))
    text = text.translate(ASCII_PUNCTUATION).replace("**", "")
    text = re.sub(r"\\([^\w\s])", r"\1", text)  # Markdown escapes: 1\. → 1.
    text = re.sub(r"\]\(#", f"]({DOCS_PAGE}#", text)
    text = re.sub(r"\]\(/", f"]({DOCS_SITE}/", text)
    text = re.sub(r"`([^`\n]+)`", r"``\1``", text)
    text = text.replace("````", "`` ``")  # two spans side by side: `MARGIN``SWAP`
    text = re.sub(r"(?<!`)`(?!`)", "", text)  # a lone backtick OKX left in (a typo)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    kept: list[str] = []
    for number, line in enumerate(lines):
        # What a reader of a table cell took past the cell's end: the page's next example or
        # next table (its header row, a row of dashes).
        if re.match(r">?\s*(Response|Request) Example", line) or lines[number : number + 2] == [
            "Parameter",
            "Type",
        ]:
            break
        if not re.fullmatch(r"[-|: ]+", line):
            kept.append(line)
    return "\n".join(kept)


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
    request = coincise_table(markdown_section(text, "request parameters"))
    for name, kind, required, description in markdown_rows(request, columns=4):
        if name.startswith(("\\", ">")):
            continue  # a field of an object parameter
        doc.params[name] = DocParam(name, doc_kind(kind), required.lower() == "yes", description)
    response = coincise_table(markdown_section(text, "response parameters"))
    if response.strip():
        doc.fields = nest_rows(
            (row[0], row[1], row[2]) for row in markdown_rows(response, columns=3)
        )
    return doc


def coincise_table(section: str) -> str:
    """A table of coincise's as the row reader takes it: a nested row's ``&gt;`` marks as
    ``>`` (some pages escape them: ``| &gt;&gt;posId |``), and no quoted line ("> Returned
    results"), which would run on into the last cell of the row above."""
    section = re.sub(r"^>[^|\n]*$", "", section, flags=re.M)
    return re.sub(
        r"\|(\s*)((?:&gt;\s*)+)(?=[A-Za-z_])",
        lambda m: "|" + m[1] + m[2].replace("&gt;", ">"),
        section,
    )


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
