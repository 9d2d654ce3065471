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

``--words`` fills OKX's description of each parameter and each response field (``doc``) into
the facts files in ``--out`` where they have none, and changes nothing else::

    python tools/draft_facts.py --openxapi REPO --coincise REPO --words

``--missing-params`` adds, as okx_v5's keyword arguments at the end of an entry's ``params``,
each key OKX documents for the operation that python-okx's signature does not send, and
changes nothing else (its notes say which keys it left out, and why)::

    python tools/draft_facts.py --openxapi REPO --coincise REPO --missing-params

A run also writes ``uncovered.json``: the operations OKX documents (openxapi's, and those
only coincise has) that no method calls (python-okx's or okx_v5's own), each with the
python-okx module it belongs with, its source and the reason it has none (written by hand,
kept). To rewrite only that file, from the facts files already in ``--out``::

    python tools/draft_facts.py --openxapi REPO --coincise REPO --uncovered

``--operations MODULE ...`` drafts okx_v5's own methods for the operations of
``uncovered.json`` that belong with these modules (``SignalBot`` for those of no python-okx
module), appended to their files, and rewrites ``uncovered.json``::

    python tools/draft_facts.py --openxapi REPO --coincise REPO --operations MarketData

The drafter stops with an error on any python-okx method body it does not understand; such a
method needs an entry in ``OVERRIDES``. Output is deterministic.

The sources are read by ``tools/facts_sources.py`` and OKX's descriptions of parameters by
``tools/facts_rules.py``; this file drafts the entries and models from them, merges them with
the files, checks and writes. Needs PyYAML: ``pip install -e '.[facts]'``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import keyword
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from facts_rules import (
    CODE_NAME,
    EXPLAINS,
    MAX_CODES,
    VALUE,
    VALUE_RUN,
    choices_of,
    ids_of,
    is_id_name,
    is_number_name,
    param_type,
    rate_limits_of,
    requires_of,
)
from facts_sources import (
    COINCISE_DOCS,
    JSON,
    OPENXAPI_DOCS,
    OPENXAPI_SPECS,
    DocField,
    DocOp,
    DocParam,
    DraftError,
    Key,
    Method,
    Snapshot,
    paragraphs,
    read_ccxt,
    read_coincise,
    read_consts,
    read_okx_docs,
    read_openxapi,
    read_python_okx,
    wire,
    words,
)

# Model names that okx_v5 already uses; every other model is named after its method.
MODEL_NAMES = {
    ("Account", "get_leverage"): "LeverageInfo",
    ("PublicData", "get_position_tiers"): "PositionTier",
    ("PublicData", "get_system_time"): "ServerTime",
}


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
    "/api/v5/market/books-full": [("px", "decimal"), ("sz", "decimal"), ("ordCnt", "int")],
}
# The row model of a book whose levels are not BookLevel's (MarketData has both).
BOOK_LEVEL_NAMES = {"/api/v5/market/books-full": "FullBookLevel"}
# What OKX says of each position of a level, in prose under the table (okx-docs): "An example
# of the array of asks and bids values: ["411.8", "10", "0", "4"] - "411.8" is the depth price..."
BOOK_LEVEL_WORDS = {
    "px": "The depth price",
    "sz": (
        "The quantity at the price (number of contracts for derivatives, quantity in base"
        " currency for Spot and Spot Margin)"
    ),
    "deprecated": 'Part of a deprecated feature and it is always "0"',
    "ordCnt": "The number of orders at the price",
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
            level = BOOK_LEVEL_NAMES.get(self.path, "BookLevel")
            if level not in self.models:
                fields = [{"name": n, "type": t} for n, t in BOOK_LEVELS[self.path]]
                self.put(level, fields, row=True)
            return f"list[{level}]"
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
        **written_params(method, params),
        "body": method.body,
        "requires": requires,
        "rate_limits": limits,
        "response": response,
        "example": example,
        "quirk": method.quirk,
        "notes": list(dict.fromkeys(notes)),
    }
    fill_words(entry, builder.models, docs)
    return Draft(entry, builder.models)


def written_params(method: Method, documented: dict[str, JSON]) -> dict[str, JSON]:
    """``params`` (and ``order``) of an entry: python-okx's arguments in signature order, each
    once, with its key, default and send rule written only where they differ from the common
    case, and what OKX documents of its key (``documented``, by key)."""
    by_arg = {wire["arg"]: wire for wire in method.wire}
    params: list[JSON] = []
    for arg in method.args:
        param: dict[str, JSON] = {"name": arg["name"]}
        wire = by_arg.get(arg["name"])
        if wire and wire["key"] != arg["name"]:
            param["key"] = wire["key"]
        if "default" in arg:
            param["default"] = arg["default"]
        if wire is None:
            param["send"] = "never"
        elif wire["send"] != "always":
            param["send"] = wire["send"]
        if wire:
            param.update(documented.get(str(wire["key"]), {}))
        params.append(param)
    sent = [wire["arg"] for wire in method.wire]
    in_signature = [arg["name"] for arg in method.args if arg["name"] in by_arg]
    return {"params": params} | ({"order": sent} if sent != in_signature else {})


def read_params(entry: JSON) -> tuple[list[JSON], list[JSON]]:
    """python-okx's arguments (``Method.args``) and what they send (``Method.wire``), as an
    entry's ``params`` and ``order`` say them: the inverse of ``written_params``."""
    args: list[JSON] = []
    wire: dict[str, JSON] = {}
    for param in entry["params"]:
        if param.get("keyword"):
            continue  # okx_v5's own argument, not python-okx's
        args.append(
            {"name": param["name"]} | ({"default": param["default"]} if "default" in param else {})
        )
        send = param.get("send", "always")
        if send != "never":
            wire[param["name"]] = {
                "key": param.get("key", param["name"]),
                "arg": param["name"],
                "send": send,
            }
    order = entry.get("order") or list(wire)
    return args, [wire[name] for name in order if name in wire]  # keyword arguments aside


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
        **written_params(method, {}),
        "body": method.body,
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


# --------------------------------------------------------------------------- OKX's words

WORD_SOURCES = ("openxapi", "okx-docs", "coincise")
"""The snapshots whose descriptions the facts keep, in the order they are preferred."""


def snapshots_of(entry: JSON, docs: Docs) -> dict[str, DocOp]:
    """What each snapshot says of the entry's operation, by source key."""
    key = (entry["http"], entry["path"])
    found = {
        "openxapi": docs.openxapi.get(key),
        "okx-docs": docs.okx_docs.get(key),
        "coincise": docs.coincise.get(key),
    }
    return {source: doc for source, doc in found.items() if doc is not None}


def fill_words(entry: JSON, models: dict[str, JSON], docs: Docs) -> None:
    """Give each parameter and each field of the entry's answer OKX's description (``doc``),
    where it has none yet: from the parameter's (the model's) own source, else from the first
    snapshot that describes it, then named in ``doc_source`` (a field's ``source``). Nothing
    else of the entry or the models changes."""
    found = snapshots_of(entry, docs)
    for param in entry["params"]:
        if "doc" in param or param.get("send") == "never":
            continue
        key = param.get("key", param["name"])
        for source in preferred(param.get("source"), found):
            doc = found[source].params.get(key)
            text = words(doc.text) if doc else ""
            if text:
                param["doc"] = text
                if source != param.get("source"):
                    param["doc_source"] = source
                break
    model = response_model(entry)
    if model in models:
        source = models[model]["source"]
        trees = [
            (name, without_envelope(found[name].fields) or [])
            for name in preferred(source, found)
            if found[name].fields
        ]
        fill_fields(model, models, trees, set())


def preferred(source: str | None, found: dict[str, DocOp]) -> list[str]:
    """The snapshots of ``found``, ``source`` first."""
    ordered = [source] if source in found else []
    return ordered + [name for name in WORD_SOURCES if name in found and name != source]


def fill_fields(
    name: str, models: dict[str, JSON], trees: list[tuple[str, list[DocField]]], seen: set[str]
) -> None:
    """Describe the fields of model ``name`` (and of the models they hold) from the documented
    field tables ``trees`` (source, fields), by OKX's field names."""
    if name in seen:
        return
    seen.add(name)
    model = models[name]
    for model_field in model["fields"]:
        hits = [
            (source, doc)
            for source, fields in trees
            for doc in fields
            if doc.name == model_field["name"]
        ]
        if "doc" not in model_field:
            if name in ("BookLevel", *BOOK_LEVEL_NAMES.values()):  # explained in prose
                hits_words = [("okx-docs", BOOK_LEVEL_WORDS[model_field["name"]])]
            else:
                hits_words = [(source, words(doc.text)) for source, doc in hits]
            source, text = next(((s, t) for s, t in hits_words if t), (None, ""))
            if text:
                model_field["doc"] = text
                if source != model["source"]:
                    model_field["source"] = source
        for ref in model_refs(model_field["type"]):
            if ref in models:
                fill_fields(ref, models, [(source, doc.children) for source, doc in hits], seen)


def snapshots(args: argparse.Namespace) -> tuple[Snapshot, Snapshot]:
    """The openxapi and coincise repositories the command line names."""
    return (
        Snapshot(args.openxapi, "openxapi/openxapi"),
        Snapshot(args.coincise, "rosssaunders/coincise"),
    )


def read_docs(args: argparse.Namespace, *, ccxt: bool = False) -> tuple[Docs, dict[str, JSON]]:
    """Every documentation source the command line names, read, and what each source key
    names (for ``sources``); ccxt's rate limits only when ``ccxt`` (a full drafting run)."""
    spec_repo, newer_repo = snapshots(args)
    docs = Docs(
        read_openxapi(spec_repo),
        read_okx_docs(spec_repo),
        read_coincise(newer_repo),
        read_ccxt(args.ccxt) if ccxt else {},
        newer_repo.date,
    )
    sources: dict[str, JSON] = {
        "openxapi": spec_repo.source(OPENXAPI_SPECS),
        "okx-docs": spec_repo.source(OPENXAPI_DOCS),
        "coincise": newer_repo.source(COINCISE_DOCS),
    }
    return docs, sources


def module_files(out: Path) -> Iterator[tuple[Path, JSON]]:
    """Each python-okx module's facts file in ``out`` (those with ``endpoints``), read."""
    for target in sorted(out.glob("*.json")):
        if target.name.endswith(".schema.json"):
            continue
        data = load(target)
        if isinstance(data, dict) and "endpoints" in data:
            yield target, data


def list_cited(data: JSON, sources: dict[str, JSON]) -> None:
    """Add to ``data``'s ``sources`` each snapshot its facts cite that it does not list yet
    (one only a new description or argument cites)."""
    cited = set(re.findall(r'"(?:doc_)?source": "([^"]+)"', json.dumps(data)))
    for key in sorted(cited - set(data["sources"])):
        data["sources"][key] = sources[key]


def words_all(args: argparse.Namespace) -> int:
    """Fill OKX's descriptions into the facts files in ``--out`` (``--words``)."""
    docs, sources = read_docs(args)
    for target, data in module_files(args.out):
        for entry in data["endpoints"]:
            fill_words(entry, data["models"], docs)
        list_cited(data, sources)
        changed = write_if_changed(target, dump(data))
        print(f"{data['module']:22} {'written' if changed else 'unchanged'}")
    return 0


# --------------------------------------------------------------------------- missing parameters

DEPRECATED = re.compile(r"\bdeprecated\b", re.I)
"""OKX's mark on a key it keeps documenting but no longer wants ("... (Deprecated)")."""
KEY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
OPTION_NAMES = {"self", "validate", "extra"}
"""Names every API method already takes besides python-okx's arguments."""


def missing_params(entry: JSON, docs: Docs) -> tuple[list[JSON], list[str]]:
    """OKX's documented keys of ``entry``'s operation that none of python-okx's arguments sends,
    as okx_v5's keyword arguments (default ``None``, sent unless ``None``), with what OKX
    documents of each; and a note for each key left out (deprecated, or its name taken).

    Keys come in the order of OKX's page (its tables one after the other, so a key of one
    order type's table only comes once), then the spec's, then coincise's (newer keys). A
    batch endpoint (``body`` ``{"arg": ...}``) documents each item's keys: none is added.
    ``required`` is kept only where every snapshot documenting the key marks it required in
    its first table: python-okx's callers never send the key, and a key that only some
    snapshots (or only one order type) require is not what OKX refuses without.
    """
    found = snapshots_of(entry, docs)
    primary = found.get(entry["source"] or "")
    if primary is None or isinstance(entry["body"], dict):
        return [], []
    page, newer = found.get("okx-docs"), found.get("coincise")
    sent = {p.get("key", p["name"]) for p in entry["params"] if p.get("send") != "never"}
    taken = {p["name"] for p in entry["params"]} | OPTION_NAMES
    keys = dict.fromkeys(k for doc in (page, primary, newer) if doc for k in doc.params)
    added: list[JSON] = []
    notes: list[str] = []
    for key in keys:
        if key in sent or not KEY_NAME.fullmatch(key):
            continue
        doc, _ = documented_param(key, primary, page, newer)
        if doc is None:  # for the type checker: every key comes from one of the three
            continue
        name = f"{key}_" if keyword.iskeyword(key) else key
        if DEPRECATED.search(doc.text):
            notes.append(
                f"params: OKX documents {key} as deprecated; not added as an argument"
                " (extra= sends it)"
            )
            continue
        if name in taken:
            notes.append(f"params: {key} is not added: {name} is already an argument")
            continue
        facts, _ = draft_params(primary, page, newer, [key], notes)
        documented = [
            d.params[key] for d in (primary, page, newer) if d is not None and key in d.params
        ]
        if not all(d.required and d.first_table for d in documented):
            facts[key].pop("required", None)
        param: dict[str, JSON] = {"name": name} | ({"key": key} if name != key else {})
        param |= {"default": None, "keyword": True, "send": {"unless": None}, **facts[key]}
        taken.add(name)
        added.append(param)
    fill_words({"http": entry["http"], "path": entry["path"], "params": added}, {}, docs)
    for param in added:
        if "doc" in param:
            # coincise's reader runs an object's cell on into its nested rows ("> acct", ...)
            param["doc"] = str(param["doc"]).split("\n>", 1)[0]
    return added, notes


def add_missing_params(entry: JSON, docs: Docs) -> list[str]:
    """Add ``missing_params`` to the end of ``entry``'s ``params`` (and ``order``) and their
    notes to its ``notes``; return the names added. Nothing else of the entry changes, and an
    entry that already has them is left as it is."""
    added, notes = missing_params(entry, docs)
    entry["params"] += added
    if entry.get("order"):
        entry["order"] += [param["name"] for param in added]
    entry["notes"] += [note for note in dict.fromkeys(notes) if note not in entry["notes"]]
    return [param["name"] for param in added]


def missing_params_all(args: argparse.Namespace) -> int:
    """Add OKX's documented keys that python-okx's signatures lack to the facts files in
    ``--out`` as keyword arguments (``--missing-params``)."""
    docs, sources = read_docs(args)
    for target, data in module_files(args.out):
        added = {
            entry["name"]: names
            for entry in data["endpoints"]
            if entry.get("python_okx", True)  # okx_v5's own entries take every documented key
            and (names := add_missing_params(entry, docs))
        }
        list_cited(data, sources)
        changed = write_if_changed(target, dump(data))
        count = sum(len(names) for names in added.values())
        print(f"{data['module']:22} {count:3} arguments added{', written' if changed else ''}")
    return 0


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
    "params",
    "body",
    "requires",
    "rate_limits",
    "response",
    "example",
    "quirk",
    "notes",
]


# Written by hand, never drafted: extra method names okx_v5 offers for the same endpoint, the
# parameter that is the client's ID of the order an endpoint places, and a batch's size limit;
# and ``order``, drafted only where the keys are not sent in the signature's order.
OPTIONAL_KEYS = ("aliases", "client_order_id", "batch", "order", "python_okx")


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


def keep_own(entries: list[JSON], models: dict[str, JSON], existing: JSON | None) -> None:
    """Add okx_v5's own entries of ``existing`` (operations python-okx has no method for,
    drafted by ``--operations``) after python-okx's, with their models, as they are."""
    if existing is None:
        return
    for entry in existing["endpoints"]:
        if entry.get("python_okx") is False:
            entries.append(entry)
            for model in models_used(response_model(entry), existing["models"]):
                models.setdefault(model, existing["models"][model])


def module_sources(
    python_okx: JSON,
    entries: list[JSON],
    models: dict[str, JSON],
    sources: dict[str, JSON],
    kept: dict[str, JSON] | None = None,
) -> dict[str, JSON]:
    """The sources the entries cite: this run's, else the existing file's (``kept``), so that a
    source added by hand, or one this run was not given (``--ccxt``), is not lost."""
    used = set(re.findall(r'"(?:doc_)?source": "([^"]+)"', json.dumps([entries, models])))
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
    docs, sources = read_docs(args, ccxt=True)
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
        keep_own(entries, models, existing)
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
    write_uncovered(*snapshots(args), args.out)
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
    names = [entry["name"] for entry in data["endpoints"] if entry.get("python_okx", True)]
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
        args, wire = read_params(entry)
        if args != method.args:
            problems.append(f"{where}: params differ from python-okx's signature")
        if wire != method.wire:
            problems.append(f"{where}: params differ from what python-okx sends")
        if (entry["http"], entry["path"], entry["const"]) != (
            method.http,
            consts[method.const],
            method.const,
        ):
            problems.append(f"{where}: http, path or const differ from python-okx")
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
        params = entry["params"]
        totals["with choices"] += any("choices" in p for p in params)
        totals["with ids"] += any("ids" in p for p in params)
        totals["with requires"] += bool(entry["requires"])
        totals["with notes"] += bool(entry["notes"])
    totals["models"] += len(data["models"])


# --------------------------------------------------------------------------- not in python-okx

UNCOVERED_FILE = "uncovered.json"
WEBSOCKET_FILES = ("websocket.json", "websocket.schema.json")


def uncovered_file(
    openxapi: dict[Key, DocOp],
    okx_docs: dict[Key, DocOp],
    facts: Path,
    reasons: dict[Key, str | None] | None = None,
    coincise: dict[Key, DocOp] | None = None,
) -> JSON:
    """The operations OKX documents that no method calls (python-okx's, or okx_v5's own), each
    under the python-okx module it belongs with (``None`` when no module has that part of the
    API), with its source and the reason it has none (``reasons``, written by hand; ``None``
    until then). OKX's documented operations are openxapi's, and those only coincise has
    (``coincise_only``), each counted under its source.

    The module is the one most python-okx calls of the same openxapi tag (the section of
    OKX's docs) go to, preferring those under the same ``/api/v5/<first segment>/``; a tag
    python-okx never calls goes to the module of the same name ("Affiliate"), if any. An
    operation only coincise has takes the tag of the section its docs anchor is in
    (``anchor_tag``).
    """
    called: dict[Key, str] = {}
    own: set[Key] = set()
    for path in sorted(facts.glob("*.json")):
        data = load(path)
        for entry in data.get("endpoints", []):
            if entry.get("python_okx") is False:
                own.add((entry["http"], entry["path"]))
            else:
                called.setdefault((entry["http"], entry["path"]), data["module"])
    by_tag: dict[str, list[tuple[str, str]]] = {}
    for key, doc in openxapi.items():
        if key in called and doc.tag:
            by_tag.setdefault(doc.tag, []).append((first_segment(key[1]), called[key]))
    modules = set(called.values())
    documented = {"openxapi": openxapi, "coincise": coincise_only(openxapi, coincise or {})}
    operations = []
    for source, ops in documented.items():
        for key, doc in sorted(ops.items()):
            if key in called or key in own:
                continue
            page = okx_docs.get(key)
            tag = doc.tag if source == "openxapi" else anchor_tag(doc, openxapi, okx_docs)
            tagged = by_tag.get(tag or "", [])
            near = [module for segment, module in tagged if segment == first_segment(key[1])]
            named = tag.replace(" ", "") if tag else None
            module = majority(near) or majority([module for _, module in tagged])
            if module is None and named in modules:
                module = named
            operations.append(
                {
                    "module": module,
                    "tag": tag,
                    "http": key[0],
                    "path": key[1],
                    "summary": doc.title,
                    "docs": (page and page.anchor) or doc.anchor,
                    "source": source,
                    "reason": (reasons or {}).get(key),
                }
            )
    operations.sort(key=lambda op: (op["module"] is None, op["module"] or op["tag"] or ""))
    return {
        "documented": {source: len(ops) for source, ops in documented.items()},
        "called": {
            source: sum(1 for key in ops if key in called) for source, ops in documented.items()
        },
        "added": {
            source: sum(1 for key in ops if key in own and key not in called)
            for source, ops in documented.items()
        },
        "operations": operations,
    }


def coincise_only(openxapi: dict[Key, DocOp], coincise: dict[Key, DocOp]) -> dict[Key, DocOp]:
    """The operations coincise documents that openxapi does not, under any casing of the path
    (OKX's paths mix cases, ``set-riskOffset-type``): coincise's newer pages of OKX's docs add
    these."""
    known = {(http, path.lower()) for http, path in openxapi}
    return {key: doc for key, doc in coincise.items() if (key[0], key[1].lower()) not in known}


def anchor_tag(doc: DocOp, openxapi: dict[Key, DocOp], okx_docs: dict[Key, DocOp]) -> str | None:
    """openxapi's tag for an operation only coincise documents: the tag of the documented
    operations whose docs anchor shares the most leading words with its own (OKX's anchors
    begin with their section, ``funding-account-rest-api-...``), or ``None``."""
    if not doc.anchor:
        return None
    words = doc.anchor.split("-")
    best: list[str] = []
    longest = 0
    for key, spec in openxapi.items():
        page = okx_docs.get(key)
        if not (spec.tag and page and page.anchor):
            continue
        theirs = page.anchor.split("-")
        shared = next(
            (i for i, (a, b) in enumerate(zip(words, theirs, strict=False)) if a != b),
            min(len(words), len(theirs)),
        )
        if shared > longest:
            best, longest = [spec.tag], shared
        elif shared == longest and shared:
            best.append(spec.tag)
    return majority(best)


def first_segment(path: str) -> str:
    """``/api/v5/market/books-full`` → ``market``."""
    return path.removeprefix("/api/v5/").split("/", 1)[0]


def majority(names: list[str]) -> str | None:
    """The most frequent name (the first in name order on a tie), or ``None``."""
    if not names:
        return None
    return min(set(names), key=lambda name: (-names.count(name), name))


def write_uncovered(spec_repo: Snapshot, newer_repo: Snapshot, out: Path) -> None:
    """Write ``uncovered.json`` from the openxapi and coincise snapshots and python-okx's calls
    as the facts files in ``out`` record them."""
    data = uncovered_file(
        read_openxapi(spec_repo),
        read_okx_docs(spec_repo),
        out,
        uncovered_reasons(out),
        read_coincise(newer_repo),
    )
    versions = {
        load(path)["sources"]["python-okx"]["version"]
        for path in out.glob("*.json")
        if path.name not in {UNCOVERED_FILE, *WEBSOCKET_FILES}  # these are no python-okx module
        and "python-okx" in load(path)["sources"]  # okx_v5's own module (SignalBot) is none
    }
    if len(versions) != 1:
        raise DraftError(f"the facts files come from several python-okx versions: {versions}")
    sources = {
        "python-okx": {"package": "python-okx", "version": versions.pop(), "path": "okx/"},
        "openxapi": spec_repo.source(OPENXAPI_SPECS),
        "okx-docs": spec_repo.source(OPENXAPI_DOCS),
        "coincise": newer_repo.source(COINCISE_DOCS),
    }
    changed = write_if_changed(out / UNCOVERED_FILE, dump({"sources": sources} | data))
    counts = [
        f"{source}: {data['documented'][source]} documented, {data['called'][source]} called by"
        f" python-okx, {data['added'][source]} by okx_v5's own methods"
        for source in data["documented"]
    ]
    print(
        f"{UNCOVERED_FILE}: {'; '.join(counts)}; {len(data['operations'])} by none"
        f"{', written' if changed else ''}"
    )


def uncovered_reasons(out: Path) -> dict[Key, str | None]:
    """The reasons written by hand in ``out``'s ``uncovered.json``, by operation."""
    path = out / UNCOVERED_FILE
    if not path.exists():
        return {}
    return {(op["http"], op["path"]): op.get("reason") for op in load(path)["operations"]}


# --------------------------------------------------------------------------- okx_v5's own

OWN_MODULES = {None: ("SignalBot", "SignalBotAPI")}
"""okx_v5's own modules, for the operations of ``uncovered.json`` that belong with no
python-okx module (``module`` null), named in python-okx's style."""

# Names of okx_v5's own methods where python-okx's neighbours suggest better than the rule of
# ``operation_name``, each with the reason, which the entry's ``notes`` keep.
OPERATION_NAMES: dict[Key, tuple[str, str]] = {
    ("GET", "/api/v5/market/books-full"): (
        "get_full_orderbook",
        "as python-okx's get_orderbook (books) and get_rpi_orderbook (books-rpi)",
    ),
    ("GET", "/api/v5/market/option/instrument-family-trades"): (
        "get_option_instrument_family_trades",
        "an option operation, as python-okx's get_option_trades",
    ),
    ("POST", "/api/v5/trade/cancel-advance-algos"): (
        "cancel_advance_algo_order",
        "as python-okx's cancel_algo_order (cancel-algos)",
    ),
    ("POST", "/api/v5/trade/order-precheck"): (
        "precheck_order",
        "verb first, as python-okx's precheck_set_delta_neutral",
    ),
    ("GET", "/api/v5/account/bills-history-archive"): (
        "get_account_bills_history_archive",
        "as python-okx's get_account_bills_archive; its apply_bills is the POST of this path",
    ),
    ("GET", "/api/v5/account/set-account-switch-precheck"): (
        "precheck_set_account_level",
        "as python-okx's precheck_set_delta_neutral and set_account_level (the account mode)",
    ),
    ("POST", "/api/v5/account/account-level-switch-preset"): (
        "preset_account_level_switch",
        "verb first; the account mode is the account level of python-okx's set_account_level",
    ),
    ("POST", "/api/v5/account/mmp-config"): (
        "set_mmp_config",
        "get_mmp_config is the GET of this path; set_ as python-okx's setters",
    ),
    ("POST", "/api/v5/account/mmp-reset"): (
        "reset_mmp",
        "as python-okx's BlockTradingAPI.reset_mmp (rfq/mmp-reset)",
    ),
    ("POST", "/api/v5/asset/monthly-statement"): (
        "apply_monthly_statement",
        "get_monthly_statement is the GET of this path; apply_ as python-okx's apply_bills",
    ),
    ("POST", "/api/v5/rfq/mmp-config"): (
        "set_mmp_config",
        "get_mmp_config is the GET of this path; set_ as python-okx's setters",
    ),
    ("GET", "/api/v5/rubik/stat/contracts/long-short-account-ratio-contract"): (
        "get_contract_long_short_ratio",
        "OKX's title, as python-okx's get_long_short_ratio",
    ),
    ("GET", "/api/v5/rubik/stat/contracts/long-short-account-ratio-contract-top-trader"): (
        "get_top_traders_contract_long_short_ratio",
        "OKX's title, as python-okx's get_long_short_ratio",
    ),
    ("GET", "/api/v5/rubik/stat/contracts/long-short-position-ratio-contract-top-trader"): (
        "get_top_traders_contract_long_short_position_ratio",
        "OKX's title (by position), as python-okx's get_long_short_ratio",
    ),
    ("GET", "/api/v5/rubik/stat/taker-volume-contract"): (
        "get_contract_taker_volume",
        "OKX's title, as python-okx's get_taker_volume",
    ),
    ("GET", "/api/v5/affiliate/invitee/detail"): (
        "get_invitee_detail",
        "the path's last segment says too little; as python-okx's get_tvb_invitee_detail",
    ),
    ("GET", "/api/v5/users/partner/if-rebate"): (
        "get_affiliate_rebate_info",
        "OKX's title (the user's affiliate rebate information); if-rebate says too little",
    ),
    ("GET", "/api/v5/copytrading/config"): (
        "get_account_configuration",
        "OKX's title (Account configuration); config says too little",
    ),
    ("POST", "/api/v5/copytrading/first-copy-settings"): (
        "set_first_copy_settings",
        "verb first, as python-okx's setters; amend_copy_settings amends them",
    ),
    ("GET", "/api/v5/fiat/buy-sell/currencies"): (
        "get_fiat_buy_sell_currencies",
        "OKX's title (buy/sell currencies): the path's last segment says too little",
    ),
    ("GET", "/api/v5/fiat/buy-sell/currency-pair"): (
        "get_fiat_buy_sell_currency_pair",
        "OKX's title (buy/sell currency pair): the path's last segment says too little",
    ),
    ("GET", "/api/v5/fiat/buy-sell/history"): (
        "get_fiat_buy_sell_history",
        "OKX's title (buy/sell trade history): the path's last segment says too little",
    ),
    ("POST", "/api/v5/fiat/buy-sell/quote"): (
        "request_fiat_buy_sell_quote",
        "requests a quote, as python-okx's DualInvestAPI.request_quote (sfp/dcd/quote)",
    ),
    ("POST", "/api/v5/fiat/buy-sell/trade"): (
        "fiat_buy_sell_trade",
        "as python-okx's ConvertAPI.convert_trade (convert/trade) and DualInvestAPI.trade",
    ),
    ("GET", "/api/v5/users/subaccount/apikey"): (
        "get_subaccount_apikey",
        "as python-okx's reset_subaccount_apikey (modify-apikey); apikey says too little",
    ),
    ("POST", "/api/v5/users/subaccount/apikey"): (
        "create_subaccount_apikey",
        "get_subaccount_apikey is the GET of this path; as python-okx's reset_subaccount_apikey",
    ),
    ("POST", "/api/v5/users/subaccount/delete-apikey"): (
        "delete_subaccount_apikey",
        "as python-okx's reset_subaccount_apikey (modify-apikey)",
    ),
    ("GET", "/api/v5/tradingBot/signal/signals"): (
        "get_signals",
        "the signals themselves, not a bot's: signal_signals says it twice",
    ),
    ("POST", "/api/v5/tradingBot/signal/create-signal"): (
        "create_signal",
        "creates a signal, not a bot's: signal_create_signal says it twice",
    ),
    ("POST", "/api/v5/tradingBot/signal/margin-balance"): (
        "signal_adjust_margin_balance",
        "as python-okx's grid_adjust_margin_balance (grid/margin-balance)",
    ),
    ("POST", "/api/v5/tradingBot/signal/sub-order"): (
        "signal_place_sub_order",
        "places an order: verb first, as python-okx's place_ methods",
    ),
}

BOT_PREFIXES = {"/api/v5/tradingBot/grid/": "grid_", "/api/v5/tradingBot/signal/": "signal_"}
"""Bots' operations are named as python-okx's GridAPI names them: ``grid_`` and the path's last
segment, a read with no ``get_`` (``grid_orders_algo_pending``)."""


def operation_name(http: str, path: str) -> str:
    """The name of okx_v5's method for an operation, in python-okx's style: the last segment of
    the path in snake_case, ``get_`` first for a read (python-okx's ``get_history_candlesticks``
    for ``/market/history-candles``: a ``candles`` segment says ``candlesticks``, as python-okx
    does); a bot's with its prefix (``BOT_PREFIXES``); a fiat one with ``fiat_`` after the verb
    (``get_fiat_deposit``, ``cancel_fiat_withdrawal``: python-okx's ``cancel_withdrawal`` is a
    crypto withdrawal's)."""
    segment = path.rstrip("/").rsplit("/", 1)[-1]
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", segment).replace("-", "_").lower()
    name = re.sub(r"(^|_)candles($|_)", r"\1candlesticks\2", name)
    for folder, prefix in BOT_PREFIXES.items():
        if path.startswith(folder):
            return prefix + name.removeprefix(prefix)
    if path.startswith("/api/v5/fiat/"):  # apart from python-okx's crypto deposits, withdrawals
        verb, _, rest = name.partition("_")
        return f"get_fiat_{name}" if http == "GET" else f"{verb}_fiat_{rest}"
    return f"get_{name}" if http == "GET" and not name.startswith("get_") else name


def argument_name(key: str) -> str:
    """The argument sending OKX's ``key``: the key itself, as python-okx names them (``from_``
    for a Python keyword)."""
    return key + "_" if keyword.iskeyword(key) else key


def own_method(module: str, op: JSON, doc: DocOp, page: DocOp | None) -> Method:
    """okx_v5's own method for a documented operation: the parameters OKX requires positional,
    in OKX's order (its page's: the OpenAPI spec sorts a body's keys), the others keyword-only,
    ``None`` by default and sent unless ``None``."""
    key: Key = (op["http"], op["path"])
    name, why = OPERATION_NAMES.get(key, (operation_name(*key), ""))
    ordered = [k for k in (page.params if page else {}) if k in doc.params]
    ordered += [k for k in doc.params if k not in ordered]
    required = [k for k in ordered if doc.params[k].required and doc.params[k].first_table]
    optional = [k for k in ordered if k not in required]
    args: list[dict[str, JSON]] = [{"name": argument_name(k)} for k in required]
    args += [{"name": argument_name(k), "default": None} for k in optional]
    wires = [wire(k, argument_name(k)) for k in required]
    wires += [wire(k, argument_name(k), {"unless": None}) for k in optional]
    return Method(
        module=module,
        name=name,
        comment=None,
        http=op["http"],
        const="",
        path=op["path"],
        args=args,
        body="object",
        wire=wires,
        notes=[f"name: {why}"] if why else [],
    )


def own_entry(draft: Draft) -> Draft:
    """A drafted entry as okx_v5's own: no python-okx constant, ``python_okx`` false, and its
    optional arguments keyword-only."""
    entry: dict[str, JSON] = {}
    for key, value in draft.entry.items():
        entry[key] = value
        if key == "const":
            entry["const"] = None
            entry["python_okx"] = False
    for param in entry["params"]:
        if len(set(param.get("choices", []))) < len(param.get("choices", [])):
            param["choices"] = list(dict.fromkeys(param["choices"]))
            entry["notes"].append(
                f"params: OKX lists some of {param['name']}'s values twice; each is kept once"
            )
    for number, param in enumerate(entry["params"]):
        if "default" in param:
            items = list(param.items())
            at = [k for k, _ in items].index("default") + 1
            entry["params"][number] = dict([*items[:at], ("keyword", True), *items[at:]])
    return Draft(entry, draft.models)


def shared_models(draft: Draft, existing: dict[str, JSON]) -> Draft:
    """The draft with each of its models that has the shape of one of ``existing`` (the same
    fields, in the same order, from the same source) named as that one: a shape is written
    once. Another model of the same name is an error, to be named by hand."""
    renamed: dict[str, str] = {}
    for name, model in draft.models.items():
        same = next((old for old, known in existing.items() if shape(known) == shape(model)), None)
        if same is not None:
            renamed[name] = same
        elif name in existing:
            raise DraftError(f"model {name} exists with other fields: name the method by hand")
    if not renamed:
        return draft
    entry = json.loads(json.dumps(draft.entry))
    model = response_model(entry)
    if model in renamed:
        entry["response"]["model"] = renamed[model]
    models = {k: v for k, v in draft.models.items() if k not in renamed}
    for kept in models.values():
        for model_field in kept["fields"]:
            model_field["type"] = re.sub(
                r"[A-Za-z_]\w*", lambda m: renamed.get(m[0], m[0]), model_field["type"]
            )
    return Draft(entry, models)


def shape(model: JSON) -> JSON:
    """What makes two models one: their source, row or not, and their fields' names and
    types in order (their descriptions, their aliases aside)."""
    fields = [(f["name"], f["type"]) for f in model["fields"]]
    return (model["source"], model["row"], fields)


def draft_operations(args: argparse.Namespace) -> int:
    """Draft okx_v5's own methods for the operations of ``uncovered.json`` that belong with the
    modules ``args.operations`` (python-okx's names; ``SignalBot`` for those of no python-okx
    module), appended to their facts files; then rewrite ``uncovered.json``."""
    docs, sources = read_docs(args)
    wanted = set(args.operations)
    for op in load(args.out / UNCOVERED_FILE)["operations"]:
        module, class_name = OWN_MODULES.get(op["module"], (op["module"], ""))
        if module not in wanted:
            continue
        target = args.out / f"{module}.json"
        data = (
            load(target)
            if target.exists()
            else {
                "module": module,
                "class": class_name,
                "sources": {},
                "endpoints": [],
                "models": {},
            }
        )
        key = (op["http"], op["path"])
        documented = docs.openxapi[key] if op["source"] == "openxapi" else docs.coincise[key]
        method = own_method(module, op, documented, docs.okx_docs.get(key))
        names = [entry["name"] for entry in data["endpoints"]]
        if method.name in names:
            raise DraftError(f"{module}.{method.name} exists: name {op['path']} by hand")
        draft = shared_models(own_entry(draft_endpoint(method, docs)), data["models"])
        data["endpoints"].append(draft.entry)
        data["models"].update(draft.models)
        cited = set(re.findall(r'"(?:doc_)?source": "([^"]+)"', json.dumps(data)))
        for key in sorted(cited - set(data["sources"])):
            data["sources"][key] = sources[key]
        write_if_changed(target, dump(data))
        print(f"{module:22} {method.name}: {op['http']} {op['path']}")
    write_uncovered(*snapshots(args), args.out)
    return 0


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
        "--words",
        action="store_true",
        help="only fill OKX's descriptions (doc) into the facts files in --out, from --openxapi"
        " and --coincise",
    )
    parser.add_argument(
        "--missing-params",
        action="store_true",
        help="only add the keys OKX documents that python-okx's signatures lack, as keyword"
        " arguments, to the facts files in --out, from --openxapi and --coincise",
    )
    parser.add_argument(
        "--uncovered",
        action="store_true",
        help=f"only write {UNCOVERED_FILE}, from --openxapi, --coincise and the facts files"
        " in --out",
    )
    parser.add_argument(
        "--operations",
        nargs="+",
        metavar="MODULE",
        help=f"only draft okx_v5's own methods for the operations of {UNCOVERED_FILE} of these"
        " modules (SignalBot: those of no python-okx module), from --openxapi and --coincise",
    )
    args = parser.parse_args(argv)
    drafting = not (args.uncovered or args.check)
    if args.operations:
        if args.coincise is None:
            parser.error("--operations needs --openxapi and --coincise")
    elif args.words or args.missing_params:
        if args.coincise is None:
            parser.error("--words and --missing-params need --openxapi and --coincise")
    elif args.uncovered:
        if args.coincise is None:
            parser.error("--uncovered needs --openxapi and --coincise")
    elif not args.uncovered and (args.python_okx is None or (drafting and args.coincise is None)):
        parser.error("--python-okx and --coincise are required (--check needs --python-okx only)")
    try:
        return run(args)
    except DraftError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    """Do what the command line asks."""
    if args.operations:
        return draft_operations(args)
    if args.words:
        return words_all(args)
    if args.missing_params:
        return missing_params_all(args)
    if args.uncovered:
        write_uncovered(*snapshots(args), args.out)
        return 0
    return check_all(args) if args.check else draft_all(args)


if __name__ == "__main__":
    sys.exit(main())
