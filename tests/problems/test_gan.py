"""gan: losses and slopes from D outputs, D*, V*, JSD and −log 4 worked by hand; follow-through;
named mistakes; the NumPy fallback of the cross-check."""

from __future__ import annotations

import math

import numpy as np
import pytest

import problems.types.gan as M
import problems.types._gan_crosscheck as X
from problems import engine

L = {"variant": "losses", "D_real": [0.9, 0.8], "D_fake": [0.1, 0.3]}
O = {"variant": "optimal", "p_data": [0.5, 0.5], "p_g": [0.25, 0.75]}


def solve(g):
    return {s.id: s.value for s in engine.solve(M, M.validate(g))}


def check(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_losses_by_hand():
    v = solve(L)
    V = (math.log(0.9) + math.log(0.8)) / 2 + (math.log(0.9) + math.log(0.7)) / 2
    assert v["V"] == pytest.approx(V) and v["LD"] == pytest.approx(-V)
    assert v["LG-sat"] == pytest.approx((math.log(0.9) + math.log(0.7)) / 2)
    assert v["LG-ns"] == pytest.approx(-(math.log(0.1) + math.log(0.3)) / 2)
    assert v["grad-sat"] == pytest.approx([-1 / 0.9, -1 / 0.7]) and v["grad-ns"] == pytest.approx([-10, -1 / 0.3])
    assert v["V"] == pytest.approx(-0.39527, abs=1e-5)  # the same number as written in a hand solution


def test_optimal_discriminator_by_hand():
    v = solve(O)
    Vs = 0.5 * math.log(2 / 3) + 0.5 * math.log(0.4) + 0.25 * math.log(1 / 3) + 0.75 * math.log(0.6)
    assert v["Dstar"] == pytest.approx([2 / 3, 0.4]) and v["Vstar"] == pytest.approx(Vs)
    assert v["JSD"] == pytest.approx((Vs + math.log(4)) / 2) and v["V-equal"] == pytest.approx(-math.log(4))
    assert check(O, {"Dstar": [1 / 3, 0.6]})["Dstar"].diagnosis == M.MISTAKES["dstar-inverted"]


def test_mistakes_and_follow_through():
    V10 = (math.log10(0.9) + math.log10(0.8)) / 2 + (math.log10(0.9) + math.log10(0.7)) / 2
    marks = check(L, {"V": V10, "LD": -V10})
    assert marks["V"].diagnosis == M.MISTAKES["log10"] and marks["LD"].status == "follow-through"
    assert check(L, {"LG-ns": -(math.log(0.9) + math.log(0.7)) / 2})["LG-ns"].diagnosis == M.MISTAKES["ns-wrong-term"]
    assert check(L, {"grad-sat": [1 / 0.9, 1 / 0.7]})["grad-sat"].diagnosis == M.MISTAKES["grad-no-chain"]


def test_value_equals_minus_log4_plus_twice_jsd_on_generated_exercises():
    spatial = pytest.importorskip("scipy.spatial.distance")
    for seed in range(6):
        g = engine.make_exercise(M, seed, "exam", "optimal").givens
        v = solve(g)
        assert v["Vstar"] == pytest.approx(-math.log(4) + 2 * spatial.jensenshannon(g["p_data"], g["p_g"]) ** 2)


def test_numpy_fallback_cross_check_agrees(monkeypatch):
    monkeypatch.setattr(X, "load_torch", lambda: None)
    for seed in range(4):
        ex = engine.make_exercise(M, seed, "hard", "losses")
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            np.testing.assert_allclose(np.array(ours[key], float), np.array(value, float), err_msg=key)
