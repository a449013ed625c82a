"""activation: values and derivatives by hand, the softmax Jacobian, ReLU′(0) = 0, complex-step fallback."""

from __future__ import annotations

import math
import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _activation_crosscheck

M = get("activation")


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


@pytest.mark.parametrize("fn, x, alpha, f, df", [
    ("sigmoid", [0, 2], None, [0.5, 0.880797078], [0.25, 0.104993585]),
    ("tanh", [0.5], None, [0.462117157], [0.786447733]),
    ("relu", [-1, 0, 2], None, [0, 0, 2], [0, 0, 1]),
    ("leaky-relu", [-2, 3], 0.01, [-0.02, 3], [0.01, 1]),
    ("elu", [-1, 1], 1.0, [math.exp(-1) - 1, 1], [math.exp(-1), 1]),
    ("relu6", [-1, 3, 7], None, [0, 3, 6], [0, 1, 0]),
    ("swish", [1], None, [0.731058579], [0.731058579 + 0.196611933]),
    ("hard-swish", [1, -4, 4], None, [4 / 6, 0, 4], [5 / 6, 0, 1]),
    ("softplus", [0], None, [math.log(2)], [0.5]),
])
def test_values_and_derivatives_by_hand(fn, x, alpha, f, df):
    g = {"function": fn, "x": x} | ({"alpha": alpha} if alpha is not None else {})
    v = values(g)
    assert v["f"] == pytest.approx(f, abs=1e-8)
    assert v["df"] == pytest.approx(df, abs=1e-8)


def test_prelu_alpha_gradient():
    v = values({"function": "prelu", "x": [-2, 1], "alpha": 0.25})
    assert v["f"] == [-0.5, 1] and v["df"] == [0.25, 1] and v["df_dalpha"] == [-2, 0]


def test_softmax_and_jacobian_by_hand():
    # z = (1, 2, 3): e^(z − 3) = (e^−2, e^−1, 1), Σ = 1.503214724; s = (0.090030573, 0.244728471, 0.665240956)
    v = values({"function": "softmax", "x": [1, 2, 3]})
    assert v["zmax"] == 3
    assert v["softmax"] == pytest.approx([0.090030573, 0.244728471, 0.665240956], abs=1e-9)
    J = np.array(v["jacobian"])
    assert J[0, 0] == pytest.approx(0.090030573 * (1 - 0.090030573), abs=1e-9)
    assert J[0, 1] == pytest.approx(-0.090030573 * 0.244728471, abs=1e-9)
    np.testing.assert_allclose(J.sum(axis=0), 0, atol=1e-12)  # columns of a softmax Jacobian sum to 0


def test_relu_convention_and_follow_through():
    g = {"function": "relu", "x": [-1, 0, 2]}
    m = marks(g, {"df": [0, 1, 1]})
    assert m["df"].status == "incorrect" and m["df"].diagnosis == M.MISTAKES["relu-derivative-at-zero"]
    # σ(0) miscopied as 0.6: σ′ = 0.6 · 0.4 = 0.24 follows through
    m = marks({"function": "sigmoid", "x": [0]}, {"f": [0.6], "df": [0.24]})
    assert m["f"].status == "incorrect" and m["df"].status == "follow-through"


def test_tanh_mistake_is_named():
    m = marks({"function": "tanh", "x": [0.5]}, {"df": [1 - math.tanh(0.5)]})
    assert m["df"].diagnosis == M.MISTAKES["tanh-not-squared"]


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({"function": "gelu", "x": [1]})
    with pytest.raises(GivenError):
        M.validate({"function": "softmax", "x": [1]})


def test_complex_step_fallback_without_torch(monkeypatch):
    monkeypatch.setattr(_activation_crosscheck, "load_torch", lambda: None)  # the NumPy path, as without torch
    for fn in M.VARIANTS:
        for seed in range(3):
            ex = engine.make_exercise(M, seed, "hard", fn)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=f"{fn} {key}")


def test_the_problem_banks_sigmoid_is_scipys_expit_without_scipy():
    """problems.shared.unit_functions.sigmoid equals scipy.special.expit to a unit in the last
    place (at ±800 and random z), finite everywhere, without SciPy on the practice/check path."""
    import numpy as np
    from scipy.special import expit

    from problems.shared.unit_functions import sigmoid
    z = np.concatenate([np.linspace(-800, 800, 20001), np.random.default_rng(0).normal(0, 5, 10000), [0.0, -0.0]])
    np.testing.assert_allclose(sigmoid(z), expit(z), rtol=1e-15, atol=1e-300)
    assert sigmoid(-1000.0) == 0.0 and sigmoid(1000.0) == 1.0 and isinstance(sigmoid(0.5), float)
