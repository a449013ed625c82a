"""hpsearch: grid and random-search counts worked by hand, follow-through and named mistakes."""

from __future__ import annotations

import math

import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("hpsearch")
GRID = {"variant": "grid", "levels": [3, 4, 2], "names": ["learning rate", "batch size", "depth"], "folds": 5, "minutes": 6}
RAND = {"variant": "random", "trials": 60, "q": 0.05, "target": 0.95}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_grid_by_hand():
    # 3·4·2 = 24 configurations, ×5 folds = 120 runs, ×6 min = 720 min = 12 h
    assert values(GRID) == {"grid": 24, "fits": 120, "hours": 12, "values-grid": 3, "values-random": 24}


def test_random_search_by_hand():
    # the "60 random trials find the top 5 % with 95 % probability" rule: 0.95^60 = 0.0461
    v = values(RAND)
    assert v["p-miss"] == pytest.approx(0.046069, abs=1e-6) and v["p-hit"] == pytest.approx(0.953931, abs=1e-6)
    assert v["expected"] == pytest.approx(3.0)
    assert v["n-needed"] == 59  # ln 0.05 / ln 0.95 = 58.40…, rounded up


def test_follow_through_and_named_mistakes():
    m = marks(GRID, {"grid": 9, "fits": 45, "hours": 4.5})
    assert m["grid"].diagnosis == M.MISTAKES["sum-not-product"]
    assert m["fits"].status == "follow-through" and m["hours"].status == "follow-through"
    assert marks(GRID, {"fits": 24})["fits"].diagnosis == M.MISTAKES["folds-forgotten"]
    r = marks(RAND, {"p-miss": 0.05, "p-hit": 0.95})  # a rounded 0.0461 carried into p-hit
    assert r["p-miss"].status == "incorrect" and r["p-hit"].status == "follow-through"
    assert marks(RAND, {"p-hit": 3})["p-hit"].diagnosis == M.MISTAKES["union-bound"]
    assert marks(RAND, {"n-needed": 58})["n-needed"].diagnosis == M.MISTAKES["floor-not-ceil"]
    assert marks(RAND, {"p-miss": 0.05 ** 60})["p-miss"].diagnosis == M.MISTAKES["miss-q-power"]


def test_cross_check_over_many_seeds():
    for seed in range(40):
        ex = engine.make_exercise(M, seed, "hard")
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            assert ours[key] == pytest.approx(value, rel=1e-9), (seed, key)


def test_trials_needed_is_the_smallest_sufficient_n():
    for q in (0.01, 0.02, 0.05, 0.1):
        for P in (0.9, 0.95, 0.99):
            n = values({"variant": "random", "trials": 10, "q": q, "target": P})["n-needed"]
            assert 1 - (1 - q) ** n >= P > 1 - (1 - q) ** (n - 1)
            assert n == math.ceil(math.log(1 - P) / math.log(1 - q))


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**GRID, "levels": [3, 0.5]})
    with pytest.raises(GivenError):
        M.validate({**GRID, "names": ["lr"]})
    with pytest.raises(GivenError):
        M.validate({**RAND, "q": 1.5})
