"""normalize: min-max, z-score (population σ) and max-abs by hand; slips named; per-column scaling."""

from __future__ import annotations

import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("normalize")


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_min_max_by_hand():
    v = values({"x": [2, 4, 6, 10], "method": "min-max"})
    assert (v["min"], v["max"], v["scaled"]) == (2, 10, [0, 0.25, 0.5, 1])


def test_z_score_by_hand():
    # the classic data set 2, 4, 4, 4, 5, 5, 7, 9: μ = 5, σ² = 32/8 = 4, σ = 2
    v = values({"x": [2, 4, 4, 4, 5, 5, 7, 9], "method": "z-score"})
    assert (v["mean"], v["var"], v["std"]) == (5, 4, 2)
    assert v["scaled"] == [-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]


def test_max_abs_by_hand_and_per_column():
    v = values({"x": [-4, 2, 1], "method": "max-abs"})
    assert v["maxabs"] == 4 and v["scaled"] == [-1, 0.5, 0.25]
    v = values({"x": [[1, -10], [2, 5]], "method": "max-abs"})
    assert v["maxabs"] == [2, 10] and v["scaled"] == [[0.5, -1], [1, 0.5]]


def test_mistakes_are_named_and_followed():
    g = {"x": [2, 4, 4, 4, 5, 5, 7, 9], "method": "z-score"}
    m = marks(g, {"var": 32 / 7, "std": (32 / 7) ** 0.5})
    assert m["var"].diagnosis == M.MISTAKES["zscore-n-minus-1"] and m["std"].status == "follow-through"
    assert marks({"x": [-4, 2, 1], "method": "max-abs"}, {"maxabs": 2})["maxabs"].diagnosis == M.MISTAKES["maxabs-signed-max"]
    m = marks({"x": [2, 4, 6, 10], "method": "min-max"}, {"scaled": [0, 0.2, 0.4, 0.8]})
    assert m["scaled"].diagnosis == M.MISTAKES["minmax-divide-by-max"]


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({"x": [3, 3, 3], "method": "z-score"})
    with pytest.raises(GivenError):
        M.validate({"x": [1, 2], "method": "robust"})
