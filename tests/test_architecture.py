"""The house holds its shape: no import cycle anywhere in the package, and a tree by family.

import-linter (``lint-imports`` in CI, contracts in pyproject.toml) holds the layers; this
checks what it does not: that no two modules need each other, counting imports inside
functions and under ``TYPE_CHECKING`` too, since those only hide a cycle.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "personalize_mock"
FAMILIES = ("core", "data", "training", "deployment", "inference", "events")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imported_modules(name: str, path: Path) -> Iterator[str]:
    """Every package module ``name`` imports, wherever the import statement stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:
                    yield f"{base}.{alias.name}"
                elif base in MODULES:
                    yield base
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in MODULES)


def graph() -> dict[str, set[str]]:
    return {name: set(imported_modules(name, path)) - {name} for name, path in MODULES.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(edges)))
    try:
        for node in edges:
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_the_package_has_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_sees_imports_inside_functions() -> None:
    edges = graph()
    # activation/mock.py imports the operation table inside a function (it loads lazily).
    assert "personalize_mock.interception.operations" in edges["personalize_mock.activation.mock"]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_is_a_package_with_its_own_tests(family: str) -> None:
    folder = PACKAGE / "service" / family
    assert (folder / "__init__.py").is_file()
    modules = {path.stem for path in folder.glob("*.py")} - {"__init__"}
    tests = PACKAGE.parent / "tests" / "service" / family
    assert modules
    assert tests.is_dir()
    assert any(tests.glob("test_*.py"))


def test_no_service_module_is_left_outside_a_family() -> None:
    assert sorted(path.name for path in (PACKAGE / "service").glob("*.py")) == ["__init__.py"]


def test_every_path_the_architecture_page_names_exists() -> None:
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w/]+\.py)", page))
    assert len(named) >= 20
    missing = sorted(
        path for path in named if not (PACKAGE / path).is_file() and not (PACKAGE.parent / path).is_file()
    )
    assert missing == []
