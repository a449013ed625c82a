"""Checking stays a straight pipeline: the stages documented in ``problems.checking`` are run in
that order, each once, and the modules import one another only downward (no circles).

Read from the source with ``ast`` (nothing is imported to find the imports), so a function-level
import that turns back to an earlier stage fails here as well as a top-level one.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBLEMS = ROOT / "problems"

# The documented order (the docstring of problems/checking.py): helpers first, then the stages.
ORDER = ["problems.compare", "problems.specs", "problems.work", "problems.answers", "problems.replay",
         "problems.comparisons", "problems.marking", "problems.diagnosis", "problems.checking", "problems.engine"]


def _source(module: str) -> str:
    return (ROOT / (module.replace(".", "/") + ".py")).read_text()


def _imports(module: str) -> set[str]:
    """The ``problems.*`` modules (files of problems/, or the ``problems.types`` package) that
    ``module`` imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(_source(module))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "problems" and len(parts) > 1 and ((PROBLEMS / f"{parts[1]}.py").exists()
                                                              or (PROBLEMS / parts[1]).is_dir()):
                found.add(f"problems.{parts[1]}")
    found.discard(module)
    return found


def _documented_order() -> list[str]:
    doc = ast.get_docstring(ast.parse(_source("problems.checking"))) or ""
    return list(dict.fromkeys(f"problems.{m}" for m in re.findall(r"\bproblems\.([a-z_]+)", doc)))


def _documented_stages() -> list[tuple[str, str]]:
    """(module, function) of each numbered stage line of the docstring, in order."""
    doc = ast.get_docstring(ast.parse(_source("problems.checking"))) or ""
    stages = []
    for line in doc.splitlines():
        m = re.match(r"\s*(?:\d+\.\s+[a-z]+\s+)?(problems\.[a-z_]+)\.([a-z_]+)\s", line)
        if m and (re.match(r"\s*\d+\.", line) or stages):
            stages.append((m.group(1), m.group(2)))
    return stages


def test_the_documented_order_is_the_one_tested_here():
    assert _documented_order() == ORDER


@pytest.mark.parametrize("module", ORDER)
def test_each_module_imports_only_modules_before_it(module):
    later = set(ORDER[ORDER.index(module):])
    assert not _imports(module) & later, f"{module} imports a later stage: {sorted(_imports(module) & later)}"


@pytest.mark.parametrize("module", ORDER[:-2])
def test_no_stage_turns_to_the_engine_or_the_problem_types(module):
    assert not {"problems.engine", "problems.checking", "problems.registry", "problems.types"} & _imports(module)


def test_check_runs_every_documented_stage_once_in_order():
    tree = ast.parse(_source("problems.checking"))
    check = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "check")
    aliases: dict[str, str] = {}  # local name → module (or module.function)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("problems"):
            for a in node.names:
                target = f"{node.module}.{a.name}"
                aliases[a.asname or a.name] = target
    calls = []
    for node in ast.walk(check):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in aliases:
                calls.append((node.lineno, node.col_offset, (aliases[f.value.id], f.attr)))
            elif isinstance(f, ast.Name) and f.id in aliases:
                module, _, name = aliases[f.id].rpartition(".")
                calls.append((node.lineno, node.col_offset, (module, name)))
    ran = [c for _, _, c in sorted(calls)]
    documented = [s for s in _documented_stages() if s != ("problems.checking", "check")]
    assert ran == documented
    assert len({m for m, _ in ran}) == len(ran)  # no module is entered twice


def test_problems_modules_import_no_circle():
    modules = [f"problems.{p.stem}" for p in PROBLEMS.glob("*.py") if p.stem != "__init__"]
    graph = {m: _imports(m) - {"problems.types"} for m in modules}
    done: set[str] = set()

    def visit(m: str, path: tuple[str, ...]) -> None:
        assert m not in path, "import circle: " + " → ".join(path[path.index(m):] + (m,))
        if m in done:
            return
        for d in sorted(graph.get(m, ())):
            visit(d, path + (m,))
        done.add(m)

    for m in sorted(graph):
        visit(m, ())


def test_mistakes_are_replayed_only_when_a_step_is_wrong(monkeypatch):
    """The replays of known mistakes are lazy (a check of all-right work runs the solver twice)."""
    from problems import engine, replay
    from problems.types import ttest

    runs: list[str | None] = []
    real = replay.replay

    stops: list[str | None] = []

    def counted(module, givens, overrides, mistake, until=None):
        runs.append(mistake)
        stops.append(until)
        return real(module, givens, overrides, mistake, until)

    monkeypatch.setattr(replay, "replay", counted)
    ex = engine.make_exercise(ttest, 5)
    right = {s.id: s.value for s in ex.steps}
    assert all(m.status == "correct" for m in engine.check(ttest, ex.givens, right).marks)
    assert runs == [None]  # the follow-through replay only
    runs.clear()
    wrong = dict(right, **{ex.steps[0].id: ex.steps[0].value + 1})
    engine.check(ttest, ex.givens, wrong)
    assert runs[0] is None and set(runs[1:]) <= set(ttest.MISTAKES) and len(runs) > 1
    mistaken = {u for r, u in zip(runs, stops) if r is not None}
    assert mistaken - {None} == {ex.steps[0].id}  # the first step is wrong: the catalogue replays stop after it


def test_a_replay_stops_after_the_step_asked_for():
    """``replay(..., until=ID)`` records the steps up to ID and no further, with the values a
    whole replay gives them."""
    from problems import engine, replay
    from problems.types import som
    ex = engine.make_exercise(som, 3)
    ids = [s.id for s in ex.steps]
    name = next(iter(som.MISTAKES))
    whole = replay.replay(som, ex.givens, {}, name)
    part = replay.replay(som, ex.givens, {}, name, until=ids[2])
    assert list(part) == ids[:3] and all(part[k] == whole[k] for k in part)
