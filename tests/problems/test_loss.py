"""loss: MSE (both forms), BCE and softmax CE by hand; log10 and sign slips; sklearn fallback."""

from __future__ import annotations

import math
import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _loss_crosscheck

M = get("loss")


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_mse_half_sum_and_mean_by_hand():
    v = values({"loss": "mse", "o": [0.8, 0.2], "t": [1, 0]})
    assert v["err"] == pytest.approx([-0.2, 0.2]) and v["E"] == pytest.approx(0.04) and v["grad"] == pytest.approx([-0.2, 0.2])
    # mean form: E = (0.25 + 0 + 1)/3, ∂E/∂o = 2(o − t)/3
    v = values({"loss": "mse", "o": [0.5, 1, 0], "t": [1, 1, 1], "form": "mean"})
    assert v["E"] == pytest.approx(1.25 / 3) and v["grad"] == pytest.approx([-1 / 3, 0, -2 / 3])


def test_bce_by_hand():
    v = values({"loss": "bce", "o": [0.9, 0.2], "t": [1, 0]})
    assert v["terms"] == pytest.approx([-math.log(0.9), -math.log(0.8)])
    assert v["E"] == pytest.approx((0.105360516 + 0.223143551) / 2, abs=1e-9)
    assert v["grad"] == pytest.approx([-0.1 / (2 * 0.09), 0.2 / (2 * 0.16)])
    assert v["grad_z"] == pytest.approx([-0.05, 0.1])


def test_softmax_cross_entropy_by_hand():
    # z = (2, 1, 0): e^(z − 2) = (1, 0.367879441, 0.135335283), Σ = 1.503214724, p₁ = 0.665240956
    v = values({"loss": "ce", "z": [2, 1, 0], "t": [1, 0, 0]})
    assert v["exp"] == pytest.approx([1, 0.367879441, 0.135335283], abs=1e-9)
    assert v["softmax"] == pytest.approx([0.665240956, 0.244728471, 0.090030573], abs=1e-9)
    assert v["E"] == pytest.approx(0.407605964, abs=1e-9)
    assert v["grad"] == pytest.approx([0.665240956 - 1, 0.244728471, 0.090030573], abs=1e-9)


def test_mistakes_and_follow_through():
    g = {"loss": "ce", "z": [2, 1, 0], "t": [1, 0, 0]}
    assert marks(g, {"E": 0.407605964 / math.log(10)})["E"].diagnosis == M.MISTAKES["log10"]
    assert marks(g, {"grad": [0.334759044, -0.244728471, -0.090030573]})["grad"].diagnosis == M.MISTAKES["sign"]
    # exponentials miscopied as (1, 0.37, 0.14): p = e/Σe follows through
    m = marks(g, {"exp": [1, 0.37, 0.14], "softmax": [1 / 1.51, 0.37 / 1.51, 0.14 / 1.51]})
    assert m["exp"].status == "incorrect" and m["softmax"].status == "follow-through"


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({"loss": "bce", "o": [1.0, 0.5], "t": [1, 0]})
    with pytest.raises(GivenError):
        M.validate({"loss": "ce", "z": [1, 2], "t": [0.5, 0.6]})


def test_fallback_without_torch(monkeypatch):
    monkeypatch.setattr(_loss_crosscheck, "load_torch", lambda: None)  # the NumPy path, as without torch
    for variant in M.VARIANTS:
        for seed in range(4):
            ex = engine.make_exercise(M, seed, "hard", variant)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=f"{variant} {key}")
