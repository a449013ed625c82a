"""batchnorm: forward and backward by hand for x = (1, 2, 3, 4); divisor and ε slips; NumPy fallback."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _batchnorm_crosscheck

M = get("batchnorm")
G = {"x": [1, 2, 3, 4], "gamma": 2, "beta": 1, "eps": 0}
S = math.sqrt(1.25)


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_forward_by_hand():
    # μ = 2.5, σ² = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25, x̂ = (x − 2.5)/√1.25, y = 2x̂ + 1
    v = values(G)
    xhat = [-1.5 / S, -0.5 / S, 0.5 / S, 1.5 / S]
    assert v["mu"] == 2.5 and v["var"] == 1.25 and v["std"] == pytest.approx(S)
    assert v["xhat"] == pytest.approx(xhat) and v["y"] == pytest.approx([2 * h + 1 for h in xhat])


def test_backward_by_hand():
    # dy = (1, 0, 0, 0), γ = 1: ∂L/∂x_i = (4δ_i0 − 1 − x̂_i x̂_0)/(4s) with x̂_0 x̂_i = (1.8, 0.6, −0.6, −1.8)
    v = values({**G, "gamma": 1, "beta": 0, "dy": [1, 0, 0, 0]})
    assert v["dbeta"] == 1 and v["dgamma"] == pytest.approx(-1.5 / S) and v["dxhat"] == [1, 0, 0, 0]
    assert v["dx"] == pytest.approx([1.2 / (4 * S), -1.6 / (4 * S), -0.4 / (4 * S), 0.8 / (4 * S)])
    assert sum(v["dx"]) == pytest.approx(0, abs=1e-12)


def test_per_column_statistics():
    v = values({"x": [[1, 10], [3, 30]], "gamma": [1, 1], "beta": [0, 0], "eps": 0})
    assert v["mu"] == [2, 20] and v["var"] == [1, 100] and v["xhat"] == [[-1, -1], [1, 1]]


def test_mistakes_are_named_and_followed():
    m = marks(G, {"var": 5 / 3, "std": math.sqrt(5 / 3)})
    assert m["var"].diagnosis == M.MISTAKES["n-minus-1"] and m["std"].status == "follow-through"
    g = {**G, "eps": 0.1}
    assert marks(g, {"std": S})["std"].diagnosis == M.MISTAKES["eps-forgotten"]


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({"x": [2, 2, 2], "eps": 0})
    with pytest.raises(GivenError):
        M.validate({**G, "dy": [1, 2]})


def test_numpy_path_without_torch(monkeypatch):
    monkeypatch.setattr(_batchnorm_crosscheck, "load_torch", lambda: None)
    for difficulty in engine.DIFFICULTIES:
        for seed in range(4):
            ex = engine.make_exercise(M, seed, difficulty)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=key)
