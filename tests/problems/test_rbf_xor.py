"""RBF-XOR: hand-computed forward passes, least-squares weights against numpy.linalg.solve/lstsq,
generated weights that solve XOR, margins that rounding flips at hard, named mistakes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

RBF = get("rbf-xor")
E1, E2 = math.exp(-1), math.exp(-2)


def values(givens, variant=None):
    return {s.id: s.value for s in engine.make_exercise(RBF, 0, variant=variant, givens=givens).steps}


def test_classic_two_centres_by_hand():
    # centres (1,1), (0,0); h = exp(−d²); the two middle patterns map onto the same point (e⁻¹, e⁻¹)
    g = {"centres": [[1, 1], [0, 0]], "kernel": "unit", "w": [-2.5, -2.5], "bias": 2.84, "threshold": 0.5}
    v = values(g)
    assert v["d2.1"] == [2, 0] and v["d2.2"] == [1, 1] and v["d2.3"] == [1, 1] and v["d2.4"] == [0, 2]
    np.testing.assert_allclose(v["h.1"], [E2, 1.0])
    np.testing.assert_allclose(v["h.2"], [E1, E1])
    y = [2.84 - 2.5 * (E2 + 1), 2.84 - 5 * E1, 2.84 - 5 * E1, 2.84 - 2.5 * (1 + E2)]
    np.testing.assert_allclose([v[f"y.{p}"] for p in range(1, 5)], y)
    assert [v[f"class.{p}"] for p in range(1, 5)] == [0, 1, 1, 0]


def test_four_corners_gauss_by_hand():
    g = {"kernel": "gauss", "sigma": 1.0, "w": [1, -1, -1, 1], "threshold": 0.0}
    v = values(g)
    assert v["d2.2"] == [1, 0, 2, 1]
    np.testing.assert_allclose(v["h.2"], [math.exp(-0.5), 1.0, math.exp(-1.0), math.exp(-0.5)])
    assert v["y.1"] == pytest.approx(1 - 2 * math.exp(-0.5) + math.exp(-1))
    assert [v[f"class.{p}"] for p in range(1, 5)] == [1, 0, 0, 1]  # this w computes XNOR


def test_gamma_kernel_uses_gamma_squared():
    v = values({"kernel": "gamma", "gamma": 2.0, "w": [1, 1, 1, 1]})
    np.testing.assert_allclose(v["h.1"], [1.0, math.exp(-1 / 4), math.exp(-1 / 4), math.exp(-2 / 4)])


def test_solved_weights_interpolate_xor_exactly_with_four_centres():
    v = values({"kernel": "gauss", "sigma": 1.0, "solve_weights": True}, "solve-weights")
    D = np.array([[0, 1, 1, 2], [1, 0, 2, 1], [1, 2, 0, 1], [2, 1, 1, 0]], dtype=float)
    Phi = np.exp(-D / 2)
    np.testing.assert_allclose(v["Phi"], Phi)
    np.testing.assert_allclose(v["w"], np.linalg.solve(Phi, [0, 1, 1, 0]), rtol=1e-9)
    np.testing.assert_allclose([v[f"y.{p}"] for p in range(1, 5)], [0, 1, 1, 0], atol=1e-9)
    assert [v[f"class.{p}"] for p in range(1, 5)] == [0, 1, 1, 0]


def test_classic_centres_with_bias_are_a_least_squares_fit():
    v = values({"centres": [[1, 1], [0, 0]], "kernel": "unit", "solve_weights": True, "use_bias": True}, "solve-weights")
    Phi = np.array([[E2, 1, 1], [E1, E1, 1], [E1, E1, 1], [1, E2, 1]])
    np.testing.assert_allclose(v["Phi"], Phi)
    w, *_ = np.linalg.lstsq(Phi, np.array([0.0, 1, 1, 0]), rcond=None)
    np.testing.assert_allclose(v["w"], w, rtol=1e-9)
    assert [v[f"class.{p}"] for p in range(1, 5)] == [0, 1, 1, 0]


@pytest.mark.parametrize("difficulty", ["easy", "exam"])
def test_generated_weights_solve_xor_with_a_clear_margin(difficulty):
    for seed in range(40):
        v = {s.id: s.value for s in engine.make_exercise(RBF, seed, difficulty).steps}
        ys = np.array([v[f"y.{p}"] for p in range(1, 5)])
        assert [v[f"class.{p}"] for p in range(1, 5)] == [0, 1, 1, 0], seed
        assert np.abs(ys - 0.5).min() >= 0.1 - 1e-9, seed


def test_hard_exercises_include_margins_that_coarse_rounding_flips():
    flips = 0
    for seed in range(30):
        ex = engine.make_exercise(RBF, seed, "hard")
        v = {s.id: s.value for s in ex.steps}
        H = np.array([v[f"h.{p}"] for p in range(1, 5)])
        y_coarse = np.round(H, 1) @ np.array(ex.givens["w"]) + ex.givens["bias"]
        flips += bool(((y_coarse > 0.5) != (np.array([v[f"y.{p}"] for p in range(1, 5)]) > 0.5)).any())
    assert flips >= 8, flips


def test_mistakes_by_hand_are_named():
    g = {"kernel": "gauss", "sigma": 1.0, "w": [1, -1, -1, 1]}
    def diagnosis(step, text):
        return next(m for m in engine.check(RBF, g, {step: text}).marks if m.id == step).diagnosis
    assert diagnosis("h.1", f"[0, {math.exp(-0.5):.4f}, {math.exp(-0.5):.4f}, {math.exp(-1):.4f}]").startswith("e⁰ taken as 0")
    assert diagnosis("h.1", f"[1, {math.exp(-1):.4f}, {math.exp(-1):.4f}, {math.exp(-2):.4f}]").startswith("wrong divisor")
    assert diagnosis("d2.1", "[0, 1, 1, 1.414]").startswith("distance not squared")
    assert diagnosis("h.1", "[1, 0.6, 0.6, 0.4]").startswith("activations rounded to one decimal")


def test_coarse_activations_carry_forward_but_a_flipped_class_is_wrong():
    for seed in range(30):
        ex = engine.make_exercise(RBF, seed, "hard")
        coarse = {s.id: s.value for s in engine.solve(RBF, ex.givens, mistake="rounding-flip")}
        flipped = [p for p in range(1, 5) if coarse[f"class.{p}"] != next(s.value for s in ex.steps if s.id == f"class.{p}")]
        if flipped:
            out = {m.id: m for m in engine.check(RBF, ex.givens, coarse).marks}
            p = flipped[0]
            assert out[f"h.{p}"].status == "incorrect"
            assert out[f"y.{p}"].status in ("follow-through", "correct", "rounded")
            assert out[f"class.{p}"].status == "follow-through"  # consistent with the student's wrong h
            return
    pytest.fail("no hard exercise where coarse rounding flips a class")


@pytest.mark.parametrize("givens, key", [
    ({"w": [1, 2, 3]}, "w"),
    ({"kernel": "cauchy", "w": [1, 1, 1, 1]}, "kernel"),
    ({"centres": [[0, 0, 0]], "w": [1]}, "centres"),
    ({"solve_weights": True, "w": [1, 1, 1, 1]}, "w"),
    ({"solve_weights": True, "targets": [0, 1, 1]}, "targets"),
    ({"sigma": 0, "w": [1, 1, 1, 1]}, "sigma"),
])
def test_bad_givens_name_the_key(givens, key):
    with pytest.raises(GivenError) as err:
        RBF.validate(givens)
    assert err.value.key == key
