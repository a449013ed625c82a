"""esn: the ridge readout of a 2-unit reservoir worked by hand, the reservoir run and ρ(W) for a
real and a complex eigenvalue pair, follow-through, named mistakes, sklearn agreement."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _esn_reservoir

M = get("esn")
G = {"variant": "readout", "X": [[1, 0, 1], [0, 1, 1]], "y": [1, 2, 3], "lam": 1}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_ridge_readout_by_hand():
    # X Xᵀ = [[2, 1], [1, 2]], A = [[3, 1], [1, 3]], det 8, A⁻¹ = [[3, −1], [−1, 3]]/8, y Xᵀ = (4, 5)
    v = values(G)
    assert v["XXt"] == [[2, 1], [1, 2]] and v["A"] == [[3, 1], [1, 3]] and v["det"] == 8
    assert v["inv"] == [[0.375, -0.125], [-0.125, 0.375]] and v["yXt"] == [4, 5]
    assert v["Wout"] == [0.875, 1.375] and v["pred"] == [0.875, 1.375, 2.25]
    assert v["mse"] == pytest.approx((0.125 ** 2 + 0.625 ** 2 + 0.75 ** 2) / 3)


def test_reservoir_states_and_spectral_radius():
    g = {"variant": "reservoir", "Win": [1, -1], "W": [[0.5, 0], [0, 0.5]], "u": [1, 0], "y": [1, 0], "lam": 0.5}
    v = values(g)
    t1 = math.tanh(1)
    assert v["rho"] == 0.5 and v["x.1"] == pytest.approx([t1, -t1]) and v["x.2"] == pytest.approx([math.tanh(t1 / 2), -math.tanh(t1 / 2)])
    rotation = values({**g, "W": [[0, -0.5], [0.5, 0]]})  # eigenvalues ±0.5i: ρ = √det = 0.5
    assert rotation["rho"] == pytest.approx(0.5)
    shear = {**g, "W": [[0.5, 0.5], [0, 0.5]]}  # ρ = 0.5 but ‖W‖₂ = (1 + √5)/4
    assert marks(shear, {"rho": (1 + math.sqrt(5)) / 4})["rho"].diagnosis == M.MISTAKES["rho-singular"]
    assert marks(g, {"x.1": [1, -1]})["x.1"].diagnosis == M.MISTAKES["no-tanh"]


def test_follow_through_and_named_mistakes():
    m = marks(G, {"A": [[3, 2], [2, 3]], "det": 5, "inv": [[0.6, -0.4], [-0.4, 0.6]]})
    assert m["A"].diagnosis == M.MISTAKES["lambda-everywhere"]
    assert m["det"].status == "follow-through" and m["inv"].status == "follow-through"
    assert marks(G, {"A": [[2, 1], [1, 2]]})["A"].diagnosis == M.MISTAKES["no-ridge"]
    assert marks(G, {"det": 10})["det"].diagnosis == M.MISTAKES["det-plus"]
    assert marks(G, {"inv": [[3, -1], [-1, 3]]})["inv"].diagnosis == M.MISTAKES["adjugate-no-det"]
    assert marks(G, {"inv": [[0.375, 0.125], [0.125, 0.375]]})["inv"].diagnosis == M.MISTAKES["adjugate-signs"]
    assert marks(G, {"mse": 0.96875})["mse"].diagnosis == M.MISTAKES["mse-sum"]


def test_agrees_with_sklearn_ridge_over_many_seeds(monkeypatch):
    monkeypatch.setattr(_esn_reservoir, "load_torch", lambda: None)  # the NumPy reservoir path
    for seed in range(20):
        ex = engine.make_exercise(M, seed, "hard" if seed % 2 else "exam")
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            np.testing.assert_allclose(ours[key], value, rtol=1e-7, atol=1e-9, err_msg=f"{seed} {key}")


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**G, "lam": 0})
    with pytest.raises(GivenError):
        M.validate({"variant": "reservoir", "Win": [1, 1], "W": [[1.2, 0], [0, 0.5]], "u": [1, 0], "y": [1, 0], "lam": 1})
