"""regularization: L2 in both forms and L1 by hand; the weight-decay form slip; NumPy fallback."""

from __future__ import annotations

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("regularization")
BASE = {"w": [1, -2], "grad0": [0.5, 0.5], "J0": 1, "lam": 0.1, "lr": 0.5}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_l2_by_hand():
    # Ω = 1 + 4 = 5, λΩ = 0.5, J = 1.5, ∇ = 2λw = (0.2, −0.4), decay 1 − 2·0.5·0.1 = 0.9, w = 0.9w − 0.5·(0.5, 0.5)
    v = values({**BASE, "penalty": "l2"})
    assert (v["omega"], v["reg"], v["J"]) == pytest.approx((5, 0.5, 1.5))
    assert v["grad_reg"] == pytest.approx([0.2, -0.4]) and v["grad"] == pytest.approx([0.7, 0.1])
    assert v["decay"] == pytest.approx(0.9) and v["w_new"] == pytest.approx([0.65, -2.05])


def test_l2_half_and_l1_by_hand():
    v = values({**BASE, "penalty": "l2-half"})
    assert v["omega"] == pytest.approx(2.5) and v["decay"] == pytest.approx(0.95) and v["w_new"] == pytest.approx([0.7, -2.15])
    v = values({**BASE, "penalty": "l1"})
    assert v["omega"] == pytest.approx(3) and v["grad_reg"] == pytest.approx([0.1, -0.1]) and v["w_new"] == pytest.approx([0.7, -2.2])
    assert "decay" not in v


def test_decay_form_and_sign_mistakes_are_named():
    m = marks({**BASE, "penalty": "l2"}, {"decay": 0.95, "w_new": [0.7, -2.15]})
    assert m["decay"].diagnosis == M.MISTAKES["decay-form"] and m["w_new"].status == "follow-through"
    m = marks({**BASE, "penalty": "l1"}, {"grad_reg": [0.1, 0.1]})
    assert m["grad_reg"].diagnosis == M.MISTAKES["sign-dropped"]


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**BASE, "penalty": "l3"})
    with pytest.raises(GivenError):
        M.validate({**BASE, "penalty": "l2", "grad0": [1]})


def test_numpy_path_without_torch(monkeypatch):
    monkeypatch.setattr(M, "load_torch", lambda: None)
    for variant in M.VARIANTS:
        for seed in range(3):
            ex = engine.make_exercise(M, seed, "exam", variant)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=f"{variant} {key}")
