"""The import graph of webapp/, read from the source (ast), and the rules the layout keeps.

The house (README, Layout): `core` and `geo` at the bottom; the features above them in a fixed
order (a feature imports only features below it, never another feature's views); `map`,
`reports`, `admin`, `pwa` and `api` read the features; `ops` may use anything; the factory
(`webapp/__init__.py`), `webapp.models` and `webapp.wsgi` assemble the whole.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "webapp"

BASE = ("extensions", "config", "core", "geo")
# Lowest first: a feature may import the features before it in this list, never one after it.
FEATURES = (
    "auth",
    "observations",
    "activities",
    "promises",
    "measures",
    "walks",
    "citizen",
)
# Lowest first as well; each reads the features and the consumers before it.
CONSUMERS = ("map", "interop", "reports", "admin", "pwa", "api")
OPS = ("ops",)
ASSEMBLY = ("", "models", "wsgi", "translations")

Graph = dict[str, set[str]]


def module_names(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    names = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, this: str, modules: Iterable[str]) -> set[str]:
    """Every module of ours this one imports, at the top or inside a function (a lazy import is
    still a dependency); imports only for type checkers are left out."""
    known = set(modules)
    found: set[str] = set()
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skip.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in known:
                    found.add(full)
                elif node.module in known:
                    found.add(node.module)
    found.discard(this)
    return found


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> Graph:
    modules = module_names(root, package)
    return {
        name: _imports(ast.parse(path.read_text(), str(path)), name, modules)
        for name, path in modules.items()
    }


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        # Iterative, so a long chain cannot hit Python's recursion limit.
        work = [(node, iter(sorted(graph.get(node, ()))))]
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        while work:
            current, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[current] = min(low[current], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[current])
            if low[current] == index[current]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == current:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def top_package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _is_views(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "views" or last.endswith("_views")


def forbidden(source: str, target: str) -> str | None:
    """Why the arrow source -> target runs against the layering, or None where it may."""
    src, dst = top_package(source), top_package(target)
    if src == dst:
        return None
    if src in ASSEMBLY:
        return None
    if src in OPS:
        return None if dst not in ASSEMBLY else "imports the app"
    if dst in ASSEMBLY:
        return "imports the app factory or the model registry"
    if src in BASE:
        return None if dst in BASE else "core/geo imports a feature"
    if dst in OPS:
        return "imports ops"
    if dst in FEATURES and _is_views(target):
        return "imports another feature's views"
    if src in FEATURES:
        if dst in CONSUMERS:
            return "a feature imports api/map/reports"
        if dst in FEATURES and FEATURES.index(dst) > FEATURES.index(src):
            return "a feature imports a feature above it"
    if src in CONSUMERS and dst in CONSUMERS and CONSUMERS.index(dst) > CONSUMERS.index(src):
        return "imports a consumer above it"
    return None


def forbidden_arrows(graph: Mapping[str, Iterable[str]]) -> list[str]:
    return sorted(
        f"{source} -> {target}: {reason}"
        for source, targets in graph.items()
        for target in targets
        if (reason := forbidden(source, target))
    )


def unknown_packages(graph: Mapping[str, Iterable[str]]) -> list[str]:
    known = set(BASE + FEATURES + CONSUMERS + OPS + ASSEMBLY)
    return sorted({top_package(name) for name in graph} - known)
