"""Every cross-check is an independent path: no function the solver runs is run by a cross-check.

A cross-check that reuses the solver's reader of the givens (``params()``, ``parse_layer``) or its
primitive table would agree with a solver that misreads them. This test reads the source of
``problems/`` (no imports), builds the call graph over its modules (direct calls, names imported
from ``problems.*`` and ``alias.function`` through imported modules) and checks that the functions
reachable from the cross-checks (``cross*`` functions and every function of a ``*_crosscheck``
module) and those reachable from the solvers (``solve*`` functions) share nothing beyond the list
below, each entry with the reason it cannot hide a solver mistake.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Shared on purpose; each is too small to carry a mistake the cross-check should catch.
SHARED = {
    ("problems.shared.array_steps", "arr"): "np.array(g[key], dtype=float) per key: the givens themselves",
}

Func = tuple[str, str]  # (module, function or class name)


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted((ROOT / "problems").rglob("*.py")):
        out[".".join(path.relative_to(ROOT).with_suffix("").parts)] = ast.parse(path.read_text(encoding="utf-8"))
    return out


class CallGraph:
    """Module-level functions and classes of ``problems`` and the names each one uses."""

    def __init__(self, modules: dict[str, ast.Module]) -> None:
        self.defs = {m: {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
                     for m, tree in modules.items()}
        self.aliases = {m: self._aliases(tree) for m, tree in modules.items()}

    def _aliases(self, tree: ast.Module) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("problems"):
                for a in node.names:
                    full = f"{node.module}.{a.name}"
                    out[a.asname or a.name] = ("module", full) if full in self.defs else ("function", node.module, a.name)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in self.defs:
                        out[a.asname or a.name] = ("module", a.name)
        return out

    def uses(self, func: Func) -> set[Func]:
        """The ``problems`` functions and classes that ``func``'s body names."""
        module, name = func
        defs, aliases, out = self.defs[module], self.aliases[module], set()
        for n in ast.walk(defs[name]):
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and aliases.get(n.value.id, ("",))[0] == "module":
                target = aliases[n.value.id][1]
                if n.attr in self.defs[target]:
                    out.add((target, n.attr))
            elif isinstance(n, ast.Name) and n.id != name:
                if n.id in defs:
                    out.add((module, n.id))
                elif aliases.get(n.id, ("",))[0] == "function":
                    _, target, attr = aliases[n.id]
                    if attr in self.defs.get(target, {}):
                        out.add((target, attr))
        return out

    def reachable(self, starts: list[Func]) -> set[Func]:
        """Every function reachable from ``starts``, the starts included."""
        seen: set[Func] = set()
        todo = list(starts)
        while todo:
            f = todo.pop()
            if f not in seen:
                seen.add(f)
                todo.extend(self.uses(f))
        return seen

    def select(self, keep) -> list[Func]:
        """The functions of ``problems.types`` for which ``keep(module, name)`` holds."""
        return [(m, f) for m, defs in self.defs.items() if m.startswith("problems.types") for f in defs if keep(m, f)]


def _is_cross(module: str, name: str) -> bool:
    return name.startswith("cross") or module.endswith("_crosscheck")


def _graph_sets(modules: dict[str, ast.Module]) -> tuple[set[Func], set[Func], list[Func]]:
    graph = CallGraph(modules)
    crosses = graph.select(_is_cross)
    solvers = graph.select(lambda m, f: f.startswith("solve") and not _is_cross(m, f))
    return graph.reachable(crosses), graph.reachable(solvers), crosses


def test_cross_checks_share_no_function_with_the_solvers():
    cross, solve, starts = _graph_sets(_modules())
    assert len(starts) >= 40  # the graph found the cross-checks (one per problem type and more)
    shared = sorted((cross & solve) - set(SHARED))
    assert not shared, f"cross-checks run solver code: {shared}"


def test_the_graph_sees_a_reused_solver_helper():
    """The check itself can fail: a cross-check that calls the solver's reader is reported."""
    modules = _modules()
    fake = ast.parse("from problems.types._conv_network import parse_layer\n"
                     "def cross_fake(g):\n    return parse_layer(g['layers'][0])\n")
    modules["problems.types._fake_crosscheck"] = fake
    cross, solve, _ = _graph_sets(modules)
    assert ("problems.types._conv_network", "parse_layer") in cross & solve


def test_every_shared_entry_is_still_used_by_both_sides():
    cross, solve, _ = _graph_sets(_modules())
    assert set(SHARED) <= cross & solve, "a SHARED entry is no longer shared: remove it"
