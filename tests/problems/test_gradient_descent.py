"""gradient-descent: f = x² and f = x² + y² by hand, the stopping rule, follow-through, power-rule slip."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _gradient_descent_crosscheck

M = get("gradient-descent")
SQUARE = {"poly": [0, 0, 1], "w0": 1, "lr": 0.25, "tol": 0.1, "max_iter": 6}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_one_dimension_by_hand():
    # f′(x) = 2x; with η = 1/4 every step halves x: 1 → 0.5 → 0.25 → 0.125 → 0.0625 (|Δw| = 0.0625 < 0.1)
    v = values(SQUARE)
    assert [v[f"grad.{t}"] for t in range(1, 5)] == [2, 1, 0.5, 0.25]
    assert [v[f"w.{t}"] for t in range(1, 5)] == [0.5, 0.25, 0.125, 0.0625]
    assert [v[f"change.{t}"] for t in range(1, 5)] == [0.5, 0.25, 0.125, 0.0625]
    assert v["f.2"] == 0.0625 and v["iterations"] == 4 and "grad.5" not in v


def test_two_dimensions_by_hand():
    v = values({"quad": [1, 1, 0, 0, 0], "w0": [1, 2], "lr": 0.25, "tol": 0.5, "max_iter": 6})
    assert v["grad.1"] == [2, 4] and v["dw.1"] == [-0.5, -1] and v["w.1"] == [0.5, 1]
    assert v["change.1"] == pytest.approx(math.sqrt(1.25)) and v["f.1"] == pytest.approx(1.25)
    # ‖Δw₂‖ = √0.3125 ≈ 0.559 ≥ 0.5 goes on; ‖Δw₃‖ = √(0.125² + 0.25²) ≈ 0.280 < 0.5 stops
    assert v["change.2"] == pytest.approx(math.sqrt(0.3125)) and v["w.3"] == [0.125, 0.25]
    assert v["iterations"] == 3


def test_follow_through_and_power_rule():
    m = marks(SQUARE, {"grad.1": 1})
    assert m["grad.1"].status == "incorrect" and m["grad.1"].diagnosis == M.MISTAKES["power-rule"]
    # w₁ miscopied as 0.6; the next gradient 2·0.6 = 1.2 and Δw = −0.3 follow through
    m = marks(SQUARE, {"w.1": 0.6, "grad.2": 1.2, "dw.2": -0.3, "w.2": 0.3})
    assert m["w.1"].status == "incorrect"
    assert m["grad.2"].status == m["dw.2"].status == m["w.2"].status == "follow-through"


def test_iteration_count_follows_the_students_step_sizes():
    # A student whose |Δw₄| came out as 0.2 would keep going: the next step from w = 0.0625 is 0.03125 < 0.1.
    assert marks(SQUARE, {"change.4": 0.2, "iterations": 5})["iterations"].status == "follow-through"


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({"poly": [0, 1], "quad": [1, 1, 0, 0, 0], "w0": 1, "lr": 0.1, "tol": 0.1})
    with pytest.raises(GivenError):
        M.validate({"quad": [1, 1, 0, 0, 0], "w0": [1, 2, 3], "lr": 0.1, "tol": 0.1})


def test_numpy_path_without_torch(monkeypatch):
    monkeypatch.setattr(_gradient_descent_crosscheck, "load_torch", lambda: None)
    for difficulty in engine.DIFFICULTIES:
        for seed in range(5):
            ex = engine.make_exercise(M, seed, difficulty)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=key)
