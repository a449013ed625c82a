"""optimizer: Adam's first step, both momentum forms, RMSProp with ε inside/outside, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _optimizer_crosscheck

M = get("optimizer")
ADAM = {"optimizer": "adam", "w0": [1.0], "grads": [[0.5]], "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
MOM = {"optimizer": "momentum", "w0": [1.0], "grads": [[1.0], [1.0]], "lr": 0.1, "beta": 0.9}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_adam_first_step_by_hand():
    # m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025, m̂ = 0.5, v̂ = 0.25, w = 1 − 0.1·0.5/(0.5 + 1e−8)
    v = values(ADAM)
    assert v["mean.1"] == pytest.approx([0.05]) and v["v.1"] == pytest.approx([0.00025])
    assert v["mhat.1"] == pytest.approx([0.5]) and v["vhat.1"] == pytest.approx([0.25])
    assert v["w.1"] == pytest.approx([1 - 0.05 / (0.5 + 1e-8)], abs=1e-12)


def test_missing_bias_correction_is_named():
    # without correction the step is 0.1·0.05/√0.00025 = 0.316: 3.16 times too large
    m = marks(ADAM, {"mhat.1": [0.05], "vhat.1": [0.00025], "w.1": [1 - 0.1 * 0.05 / math.sqrt(0.00025)]})
    assert m["mhat.1"].diagnosis == M.MISTAKES["no-bias-correction"]
    assert m["w.1"].status == "follow-through"


def test_momentum_forms_by_hand():
    v = values(MOM)  # classical: v = −0.1, w = 0.9; v = −0.09 − 0.1 = −0.19, w = 0.71
    assert v["v.1"] == pytest.approx([-0.1]) and v["w.1"] == pytest.approx([0.9])
    assert v["v.2"] == pytest.approx([-0.19]) and v["w.2"] == pytest.approx([0.71])
    v = values({**MOM, "optimizer": "momentum-ema"})  # EMA: v = 0.1, w = 0.99; v = 0.19, w = 0.971
    assert v["v.2"] == pytest.approx([0.19]) and v["w.2"] == pytest.approx([0.971])
    assert marks(MOM, {"v.1": [0.1]})["v.1"].diagnosis == M.MISTAKES["momentum-form"]


def test_rmsprop_epsilon_placement():
    g = {"optimizer": "rmsprop", "w0": [1.0], "grads": [[1.0]], "lr": 0.1, "beta": 0.9, "eps": 0.01}
    v = values(g)  # s = 0.1, w = 1 − 0.1/(√0.1 + 0.01)
    assert v["sqavg.1"] == pytest.approx([0.1]) and v["w.1"] == pytest.approx([1 - 0.1 / (math.sqrt(0.1) + 0.01)])
    inside = [1 - 0.1 / math.sqrt(0.11)]
    assert marks(g, {"w.1": inside})["w.1"].diagnosis == M.MISTAKES["eps-placement"]
    assert values({**g, "eps_inside": True})["w.1"] == pytest.approx(inside)


def test_gradients_from_a_quadratic():
    v = values({"optimizer": "momentum", "w0": [1.0, -2.0], "curvature": [2.0, 0.5], "steps": 2, "lr": 0.1, "beta": 0.5})
    assert v["g.1"] == [2.0, -1.0] and v["w.1"] == pytest.approx([0.8, -1.9])
    assert v["g.2"] == pytest.approx([1.6, -0.95])  # a ⊙ w₁


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**ADAM, "grads": [[0.5, 1.0]]})
    with pytest.raises(GivenError):
        M.validate({**ADAM, "lr": 0})


def test_numpy_reference_without_torch(monkeypatch):
    monkeypatch.setattr(_optimizer_crosscheck, "load_torch", lambda: None)
    for variant in M.VARIANTS:
        for seed in range(3):
            ex = engine.make_exercise(M, seed, "hard", variant)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=f"{variant} {key}")
