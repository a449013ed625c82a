"""Every hostile case (tests/hostile/cases_*.py) ends with exit 0 or 2 (1 only for a failed
write), at most one line on stderr, no traceback or warning, no NaN/∞, within its time bound,
under a memory limit. See harness.py for how cases run."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import pytest

from tests.hostile import harness
from tests.hostile.harness import Case

MIN_CASES = 300


def all_cases() -> list[Case]:
    """Every case of every ``cases_*`` module in this folder, in a fixed order, named ``area:name``."""
    import tests.hostile as here
    cases: list[Case] = []
    for info in sorted(pkgutil.iter_modules(here.__path__), key=lambda i: i.name):
        if info.name.startswith("cases_"):
            module = importlib.import_module(f"tests.hostile.{info.name}")
            area = info.name.removeprefix("cases_")
            cases += [dataclasses.replace(c, name=f"{area}:{c.name}") for c in module.CASES]
    return cases


CASES = all_cases()


@pytest.fixture(scope="session")
def worker():
    w = harness.Worker()
    yield w
    w.close()


def test_case_names_are_unique():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_case(case, worker, tmp_path):
    if case.setup is not None:
        case.setup(tmp_path)
    out = harness.run_subprocess(case, tmp_path) if case.subprocess else worker.run(case, tmp_path)
    found = harness.problems(case, out)
    assert not found, f"chainrule {' '.join(case.args)}: {'; '.join(found)}\nstderr: {out.stderr[-600:]}"


def test_the_harness_catches_what_it_must(worker, tmp_path):
    """The verdict is not vacuous: a traceback, two stderr lines, NaN in JSON and a slow run fail."""
    case = Case("probe", ["topics"])
    bad = [harness.Outcome(1, "", "Traceback (most recent call last):\nValueError", 0.1),
           harness.Outcome(2, "", "one\ntwo\n", 0.1),
           harness.Outcome(0, '{"x": NaN}', "", 0.1),
           harness.Outcome(0, "E = nan", "", 0.1),
           harness.Outcome(0, "", "", 99.0),
           harness.Outcome(None, "", "", 1.0, note="hung (stopped)")]
    for out in bad:
        assert harness.problems(case, out), out
    assert harness.problems(case, harness.Outcome(0, "Σ inference", "", 0.1)) == []
    ok = worker.run(Case("topics", ["topics", "--format", "json"]), tmp_path)
    assert harness.problems(case, ok) == [], ok.stderr


@pytest.mark.skipif(len(CASES) >= MIN_CASES, reason="corpus complete")
def test_corpus_size_is_growing():
    """Issue 12 asks for at least 300 cases; until the case files are written this reports the count."""
    pytest.xfail(f"{len(CASES)} hostile cases so far (target {MIN_CASES})")
