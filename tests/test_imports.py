"""No import cycles between chainrule's modules: dependencies run one way.

The graph is read from the source with ``ast`` (nothing is imported): every ``import`` and
``from … import`` anywhere in a module, at module level or inside a function (a lazy import back
into a module that imports you is still a circle), but not under ``if TYPE_CHECKING:`` (never
run); relative imports resolved against the module's package, and ``from pkg import name`` pointing at the submodule ``pkg.name`` when there is one.
Importing ``a.b.c`` is an edge to ``a.b.c`` only, not to the packages ``a`` and ``a.b`` above it.
Imports by computed name (``importlib.import_module(f"…")`` in the registries) are not seen.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("derive", "numeric", "problems")

# Cycles being broken on other branches: each entry is the exact set of modules in one cycle.
# Empty this list when they are merged; the test below fails as soon as an entry no longer exists.
KNOWN_CYCLES: list[frozenset[str]] = []


def module_files(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Dotted module name → file, for every module of ``packages`` and every top-level ``*.py`` (cli.py)."""
    files = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            files[".".join(parts)] = path
    for path in sorted(root.glob("*.py")):
        files[path.stem] = path
    return files


def import_graph(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, dict[str, int]]:
    """module → {module it imports: line of the first such import}, within the modules of ``root``."""
    files = module_files(root, packages)

    def known(name: str) -> str | None:
        """The module ``name`` is, or the innermost one of ours it lies in (``derive.functions.sigmoid`` → ``derive.functions``)."""
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, dict[str, int]] = {}
    for module, path in files.items():
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        edges: dict[str, int] = {}
        for node in _runtime_nodes(ast.parse(path.read_text(), str(path))):
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [known(alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[:len(package) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    sub = known(f"{source}.{alias.name}")
                    targets.append(sub if sub and sub != module else known(source))
            for target in targets:
                if target and target != module and (target not in edges or node.lineno < edges[target]):
                    edges[target] = node.lineno
        graph[module] = edges
    return graph


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` except the bodies of ``if TYPE_CHECKING:`` (imports for annotations
    only, which never run: the printers name the documents they print there)."""
    out: list[ast.AST] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return out


def _reachable(graph: dict[str, dict[str, int]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def cycles(graph: dict[str, dict[str, int]]) -> list[frozenset[str]]:
    """The strongly connected sets of two or more modules (each module in one), sorted."""
    reach = {m: _reachable(graph, m) for m in graph}
    found, done = [], set()
    for m in sorted(graph):
        if m in done:
            continue
        group = frozenset(n for n in reach[m] if m in reach[n])
        done |= group
        if len(group) > 1:
            found.append(group)
    return found


def cycle_path(graph: dict[str, dict[str, int]], group: frozenset[str]) -> str:
    """One shortest circle through the group's first module, e.g. ``a:12 → b:40 → a`` (line of each import)."""
    start = min(group)
    back: dict[str, str] = {}
    todo = deque([start])
    while todo:
        here = todo.popleft()
        for nxt in sorted(graph[here]):
            if nxt == start:
                path = [here]
                while path[-1] != start:
                    path.append(back[path[-1]])
                path.reverse()
                return " → ".join(f"{m}:{graph[m][n]}" for m, n in zip(path, path[1:] + [start])) + f" → {start}"
            if nxt in group and nxt not in back and nxt != start:
                back[nxt] = here
                todo.append(nxt)
    raise AssertionError(f"no circle through {start}")  # pragma: no cover - a group always has one


@pytest.fixture(scope="module")
def graph() -> dict[str, dict[str, int]]:
    return import_graph(ROOT)


def test_no_import_cycles(graph):
    """Every module's imports (lazy ones included) lead only to modules that never import it back."""
    new = [group for group in cycles(graph) if group not in KNOWN_CYCLES]
    assert not new, "import cycles (module:line of the import → …):\n" + "\n".join(
        f"{', '.join(sorted(g))}: {cycle_path(graph, g)}" for g in new)


def test_known_cycles_still_exist(graph):
    """KNOWN_CYCLES lists only cycles that are still there, so the allow-list cannot go stale."""
    found = cycles(graph)
    gone = [sorted(group) for group in KNOWN_CYCLES if group not in found]
    assert not gone, f"these allow-listed cycles are gone (or changed); remove them from KNOWN_CYCLES: {gone}"


def test_the_graph_sees_lazy_relative_and_submodule_imports(tmp_path):
    """The reader finds a circle made of a lazy relative import and ``from pkg import submodule``."""
    pkg = tmp_path / "pkg"
    (pkg / "inner").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "inner" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from .inner import b\n    return b\n")
    (pkg / "inner" / "b.py").write_text("from pkg.inner import c\n")
    (pkg / "inner" / "c.py").write_text("import pkg.a\nfrom .. import d\n")
    (pkg / "d.py").write_text("from pkg.a import f\n")
    (tmp_path / "tool.py").write_text("import pkg.d\n")
    g = import_graph(tmp_path, ("pkg",))
    assert g["pkg.a"] == {"pkg.inner.b": 2} and g["pkg.inner.b"] == {"pkg.inner.c": 1}
    assert g["pkg.inner.c"] == {"pkg.a": 1, "pkg.d": 2} and g["tool"] == {"pkg.d": 1}
    assert cycles(g) == [frozenset({"pkg.a", "pkg.inner.b", "pkg.inner.c", "pkg.d"})]
    assert cycle_path(g, cycles(g)[0]) == "pkg.a:2 → pkg.inner.b:1 → pkg.inner.c:1 → pkg.a"


def test_imports_for_annotations_only_are_not_edges(tmp_path):
    """An import under ``if TYPE_CHECKING:`` never runs, so it closes no circle; one beside it does."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from pkg import b\n    return b\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\nelse:\n    import pkg.c\n")
    (pkg / "c.py").write_text("")
    g = import_graph(tmp_path, ("pkg",))
    assert g["pkg.b"] == {"pkg.c": 5} and cycles(g) == []
