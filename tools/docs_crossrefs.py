"""A griffe extension for the docs build: names in backticks in a docstring become links.

Docstrings name other objects in plain backticks (``TradeAPI.place_order``, ``OkxResponse``),
which reads well in ``help()`` and in an editor's hover. When mkdocstrings renders a docstring,
this extension wraps each such name that is an okx_v5 object in an optional autorefs
cross-reference: the site links it where that object has a place, and shows it as plain code
where it has none (a private helper, a module without a page), so no name can break the
strict build.

A name is looked up as Python looks a name up from where the docstring is (the object itself,
its class with inherited members, its module with its imports, the package), then as a full
``okx_v5.`` path, then as the one public class of that name in the package. A module is linked
only by its full path (a bare ``params`` is more often an argument). A trailing ``()`` is
allowed (``sync_time()``). Code in fenced blocks is left alone. An object of the generated
code (``okx_v5._generated``) is linked where the site shows it: under the public module that
imports it (``okx_v5.Account.AccountAPI``, ``okx_v5.models.trade.Order``).

mkdocs.yml loads it as a file (``plugins: mkdocstrings: handlers: python: options:
extensions``); ``find_links`` lets a test see what it links without building the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import griffe

PACKAGE = "okx_v5"

# One or two backticks around a dotted Python name, maybe called; not a link's text ([`x`]).
CODE_SPAN = re.compile(
    r"(?<![`\w\[])(?P<ticks>``?)(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:\(\))?(?P=ticks)"
    r"(?![`\w\]])"
)
FENCE = re.compile(r"^\s*(```|~~~)")


class CrossReferences(griffe.Extension):
    """Link the names in backticks in okx_v5's docstrings (see the module's docstring)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        if pkg.name != PACKAGE:
            return
        resolver = Resolver(pkg)
        for obj in walk(pkg):
            if obj.docstring is not None:
                obj.docstring.value = resolver.link(obj, obj.docstring.value)


class Resolver:
    """Finds the okx_v5 object a name in a docstring stands for."""

    def __init__(self, package: griffe.Module) -> None:
        self.package = package
        found: dict[str, list[griffe.Object]] = {}
        for obj in walk(package):
            if obj.is_class and not obj.name.startswith("_"):
                found.setdefault(obj.name, []).append(obj)
        self.classes = {name: objs[0] for name, objs in found.items() if len(objs) == 1}
        """Each public class name that only one class of the package has."""
        self.public = public_names(package)
        """The public path of each object of a private module that a public module imports."""

    def resolve(self, scope: griffe.Object, name: str) -> str | None:
        """The path of the public okx_v5 object ``name`` stands for in ``scope``'s docstring,
        or ``None`` (not ours, private, unknown, or ``scope`` itself)."""
        head, *rest = name.split(".")
        if head == PACKAGE:
            found = _follow(self.package, rest)
        else:
            found = None
            node: griffe.Object | None = scope
            while node is not None:
                member = _member(node, head)
                if member is not None:
                    found = _follow(member, rest)
                    break
                node = node.parent
            if found is None and head in self.classes:
                found = _follow(self.classes[head], rest)
        if found is None or found.path == scope.path:
            return None
        if found.is_module and head != PACKAGE:
            return None
        path = self.public_path(found.path)
        parts = path.split(".")
        if parts[0] != PACKAGE or any(part.startswith("_") for part in parts):
            return None
        return path

    def public_path(self, path: str) -> str:
        """``path``, or where a public module shows it: ``okx_v5._generated.api.account.
        AccountAPI.get_leverage`` is ``okx_v5.Account.AccountAPI.get_leverage``."""
        parts = path.split(".")
        for end in range(len(parts), 1, -1):
            public = self.public.get(".".join(parts[:end]))
            if public is not None:
                return ".".join([public, *parts[end:]])
        return path

    def link(self, scope: griffe.Object, text: str) -> str:
        """``text`` with each name in backticks that resolves wrapped in an optional autoref."""

        def wrap(match: re.Match[str]) -> str:
            path = self.resolve(scope, match["name"])
            if path is None:
                return match[0]
            return f'<autoref identifier="{path}" optional>{match[0]}</autoref>'

        lines, fenced = [], False
        for line in text.split("\n"):
            if FENCE.match(line):
                fenced = not fenced
            lines.append(line if fenced else CODE_SPAN.sub(wrap, line))
        return "\n".join(lines)


def find_links(package: griffe.Module) -> dict[str, set[str]]:
    """Each object's path, with the paths its docstring's names would link to."""
    resolver = Resolver(package)
    links: dict[str, set[str]] = {}
    for obj in walk(package):
        if obj.docstring is not None:
            linked = resolver.link(obj, obj.docstring.value)
            links[obj.path] = set(re.findall(r'<autoref identifier="([^"]+)"', linked))
    return links


def public_names(package: griffe.Module) -> dict[str, str]:
    """Each object of a private module (``okx_v5._generated...``) imported by a public module,
    with its path there (the first such import, modules in name order)."""
    names: dict[str, str] = {}
    for module in walk(package):
        if not module.is_module or any(part.startswith("_") for part in module.path.split(".")):
            continue
        for name, member in sorted(module.members.items()):
            if isinstance(member, griffe.Alias) and not name.startswith("_"):
                target = member.target_path
                if target.startswith(PACKAGE + ".") and "._" in target:
                    names.setdefault(target, member.path)
    return names


def walk(obj: griffe.Object) -> Iterator[griffe.Object]:
    """``obj`` and every object defined in it, depth first (imports left out)."""
    yield obj
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            yield from walk(member)


def _member(node: griffe.Object, name: str) -> griffe.Object | None:
    """``node``'s member ``name`` (inherited ones too), the imported object for an import."""
    try:
        members = node.all_members if node.is_class else node.members
        member = members.get(name)
        if isinstance(member, griffe.Alias):
            member = member.final_target
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    return member if isinstance(member, griffe.Object) else None


def _follow(obj: griffe.Object | None, parts: list[str]) -> griffe.Object | None:
    for part in parts:
        if obj is None:
            return None
        obj = _member(obj, part)
    return obj
