"""The layout keeps its shape: no import cycles, no arrow against the layering, one place each
for geopy and pyproj, and templates/ and tests/ mirroring the packages (tests/architecture.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.architecture import (
    ASSEMBLY,
    ROOT,
    cycles,
    forbidden,
    forbidden_arrows,
    import_graph,
    module_names,
    unknown_packages,
)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_graph_is_read_from_the_source(graph: dict[str, set[str]]) -> None:
    # A checker that read nothing would pass everything: it must see the factory's imports.
    assert "webapp.observations.models" in graph
    assert "webapp.extensions" in graph["webapp.observations.models"]
    assert len(graph) > 100


def test_no_import_cycles(graph: dict[str, set[str]]) -> None:
    assert cycles(graph) == []


def test_no_import_runs_against_the_layering(graph: dict[str, set[str]]) -> None:
    assert forbidden_arrows(graph) == []


def test_every_package_has_a_place_in_the_layering(graph: dict[str, set[str]]) -> None:
    assert unknown_packages(graph) == []


def test_an_injected_cycle_is_found(graph: dict[str, set[str]]) -> None:
    # The observations model imports core's database types; core importing it back closes a loop.
    injected = {name: set(targets) for name, targets in graph.items()}
    injected["webapp.core.dbtypes"].add("webapp.observations.models")
    found = cycles(injected)
    assert any({"webapp.core.dbtypes", "webapp.observations.models"} <= set(c) for c in found)


def test_a_cycle_in_real_files_is_found(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "a").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a" / "__init__.py").write_text("")
    (package / "a" / "one.py").write_text("from pkg.a import two\n")
    (package / "a" / "two.py").write_text("def f():\n    from pkg.a.one import x\n")
    (package / "three.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import one\n"
    )
    graph = import_graph(tmp_path, "pkg")
    assert cycles(graph) == [["pkg.a.one", "pkg.a.two"]]
    assert graph["pkg.three"] == set()  # imports for type checkers only are no dependency


@pytest.mark.parametrize(
    ("source", "target", "allowed"),
    [
        ("webapp.core.errors", "webapp.auth.views", False),  # core knows no feature
        ("webapp.observations.service", "webapp.walks.models", False),  # a feature above it
        ("webapp.walks.records", "webapp.observations.validation", True),  # a feature below it
        ("webapp.measures.views", "webapp.observations.views", False),  # another feature's views
        ("webapp.observations.api", "webapp.map.geojson", False),  # a feature reads no consumer
        ("webapp.map.api", "webapp.observations.models", True),
        ("webapp.reports.views", "webapp.map.skeleton", True),
        ("webapp.map.views", "webapp.reports.charts", False),
        ("webapp.ops.demo.cli", "webapp.walks.service", True),
        ("webapp.walks.service", "webapp.ops.retention.rules", False),
        ("webapp.models", "webapp.citizen.models", True),
    ],
)
def test_the_layering_rule(source: str, target: str, allowed: bool) -> None:
    assert (forbidden(source, target) is None) is allowed


def test_geopy_and_pyproj_are_imported_only_in_geo() -> None:
    importers = set()
    for name, path in module_names().items():
        for node in ast.walk(ast.parse(path.read_text())):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            if any(m.split(".")[0] in ("geopy", "pyproj") for m in modules):
                importers.add(name)
    assert importers
    assert {name for name in importers if not name.startswith("webapp.geo")} == set()


def _packages_with_templates() -> set[str]:
    packages = set()
    for name, path in module_names().items():
        if "render_template" in path.read_text() and len(name.split(".")) > 1:
            packages.add(name.split(".")[1])
    return packages - set(ASSEMBLY)


def test_templates_and_tests_mirror_the_packages() -> None:
    webapp = {p.name for p in (ROOT / "webapp").iterdir() if (p / "__init__.py").exists()}
    template_dirs = {p.name for p in (ROOT / "templates").iterdir() if p.is_dir()}
    assert template_dirs <= webapp, "a templates/ folder with no package"
    missing = {
        package: [d for d in ("templates", "tests") if not (ROOT / d / package).is_dir()]
        for package in _packages_with_templates()
    }
    assert {package: dirs for package, dirs in missing.items() if dirs} == {}
