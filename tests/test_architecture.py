"""The walls of ARCHITECTURE.md, checked on every run: import contracts, modules that import on
their own, no import cycle, no module over 400 lines.

Where the code does not meet the target yet, the exception is named here (or in the
contracts' `ignore_imports`), so that it can only shrink.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "store")
MAX_LINES = 400

IMPORT_EACH = """
import importlib, sys
failed = []
import store.models
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("bot", "handlers", "store")]:
        if not loaded.startswith("store.models"):
            del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as error:
        failed.append(f"{name}: {type(error).__name__}: {error}")
print("\\n".join(failed))
"""


def modules() -> list[str]:
    """Every module but Alembic's scripts (`env.py` and the revisions run inside Alembic)."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or path.name == "__main__.py":
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found.append(name.removesuffix(".__init__"))
    return found


def test_the_import_contracts_are_kept() -> None:
    assert lint_imports(no_cache=True, no_logo=True) == 0


def test_every_module_imports_on_its_own() -> None:
    """Each module in a fresh set of project modules: an import loop or a missing import shows
    up as that module's failure. Third-party modules and the models (the bottom floor, which
    imports nothing of ours) stay loaded, for speed."""
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH, *modules()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == ""


def test_no_import_cycle() -> None:
    """Type-checking imports count too: a cycle there is still two rooms that need each other."""
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=False)
    assert [sorted(c) for c in strongly_connected(edges(graph))] == []


def test_no_module_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_models_come_from_one_place() -> None:
    """One public surface for the models: classes from `store.models`; a submodule such as
    `store.models.ideas` is imported only for its constants (statuses, kinds)."""
    found = []
    for package in (*PACKAGES, "tests"):
        for path in (ROOT / package).rglob("*.py"):
            if {"models", "migrations"} & set(path.relative_to(ROOT).parts[:2]):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "store.models."
                ):
                    found += [
                        f"{path.relative_to(ROOT)}: {alias.name}"
                        for alias in node.names
                        if not alias.name.isupper()
                    ]
    assert found == []


def test_the_cycle_check_sees_a_cycle() -> None:
    """The check above would catch a cycle: two modules importing each other are found."""
    graph = grimp.ImportGraph()
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.one")
    graph.add_import(importer="a.two", imported="a.three")
    assert strongly_connected(edges(graph)) == [frozenset({"a.one", "a.two"})]


def edges(graph: grimp.ImportGraph) -> dict[str, list[str]]:
    return {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}


def strongly_connected(imports: Mapping[str, Iterable[str]]) -> list[frozenset[str]]:
    """Groups of more than one module that import each other, directly or not (Tarjan); also
    used by bench/seam_counts.py on the graph it reads from the source."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []
    for root in imports:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        work = [(root, iter(imports[root]))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(imports.get(child, []))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = {stack.pop()}
                while node not in component:
                    component.add(stack.pop())
                if len(component) > 1:
                    found.append(frozenset(component))
    return found
