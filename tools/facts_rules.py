"""Read OKX's descriptions of parameters into facts: closed value sets, ID lists, types,
"one of these is required" rules and rate limits.

Only what OKX states explicitly becomes a rule (refusing what OKX accepts is a bug), so each
reader answers ``None`` (or nothing) for a sentence it does not fully understand.
"""

from __future__ import annotations

import re

from facts_sources import JSON, DocParam, DraftError, paragraphs

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
