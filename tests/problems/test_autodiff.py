"""autodiff: the evaluation trace of Baydin et al. (2018) worked in both modes, pass counts,
follow-through, named mistakes, and the cross-check without torch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("autodiff")
BAYDIN = {"variant": "trace", "trace": "baydin", "x1": 2, "x2": 5, "seed": [1, 0]}
PASSES = {"variant": "passes", "n": 1000, "m": 1}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_baydin_trace_by_hand():
    # the published example: f(2, 5) = ln 2 + 10 − sin 5 = 11.652, ∂f/∂x₁ = 5.5, ∂f/∂x₂ = 2 − cos 5 = 1.716
    v = values(BAYDIN)
    assert v["v.1"] == pytest.approx(math.log(2)) and v["v.2"] == 10 and v["v.3"] == pytest.approx(-0.958924, abs=1e-6)
    assert v["v.5"] == pytest.approx(11.652071, abs=1e-6)
    assert [v[f"tan.{i}"] for i in range(1, 6)] == pytest.approx([0.5, 5, 0, 5.5, 5.5])
    assert [v[f"adj.{i}"] for i in (5, 4, 3, 2, 1)] == pytest.approx([1, 1, -1, 1, 1])
    assert v["grad"] == pytest.approx([5.5, 1.716338], abs=1e-6)
    assert list(v)[10:15] == ["adj.5", "adj.4", "adj.3", "adj.2", "adj.1"]  # reverse order


def test_seed_selects_the_partial():
    v = values({**BAYDIN, "seed": [0, 1]})
    assert v["tan.5"] == pytest.approx(2 - math.cos(5))


def test_follow_through_and_named_mistakes():
    m = marks(BAYDIN, {"adj.3": 1, "grad": [5.5, 2 + math.cos(5)]})  # −v̄ forgotten, then carried into x̄₂
    assert m["adj.3"].diagnosis == M.MISTAKES["sub-sign"] and m["grad"].status == "follow-through"
    assert marks(BAYDIN, {"grad": [0.5, 2]})["grad"].diagnosis == M.MISTAKES["not-accumulated"]
    assert marks(BAYDIN, {"grad": [2.5, 5 - math.cos(5)]})["grad"].diagnosis == M.MISTAKES["mul-swapped"]
    assert marks({**BAYDIN, "seed": [0, 1]}, {"tan.2": 0})["tan.2"].diagnosis == M.MISTAKES["product-one-term"]
    assert marks(BAYDIN, {"tan.2": 7})["tan.2"].diagnosis == M.MISTAKES["seed-both"]


def test_pass_counts():
    assert values(PASSES) == {"fwd-passes": 1000, "rev-passes": 1, "cheaper": "reverse", "fd-evals": 2000}
    assert values({**PASSES, "n": 3, "m": 100})["cheaper"] == "forward"
    m = marks(PASSES, {"fwd-passes": 1, "rev-passes": 1000, "cheaper": "forward", "fd-evals": 1001})
    assert m["fwd-passes"].diagnosis == M.MISTAKES["modes-swapped"] and m["cheaper"].status == "follow-through"
    assert m["fd-evals"].diagnosis == M.MISTAKES["fd-one-sided"]
    assert marks(PASSES, {"cheaper": "backprop"})["cheaper"].status == "correct"


def test_cross_check_without_torch(monkeypatch):
    monkeypatch.setattr(M, "load_torch", lambda: None)
    for seed in range(10):
        ex = engine.make_exercise(M, seed, "hard", "trace")
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            np.testing.assert_allclose(ours[key], value, rtol=1e-6, atol=1e-7, err_msg=f"{seed} {key}")


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**BAYDIN, "x1": -1})  # ln x₁
    with pytest.raises(GivenError):
        M.validate({**BAYDIN, "seed": [1, 1]})
    with pytest.raises(GivenError):
        M.validate({**PASSES, "m": 1000})
