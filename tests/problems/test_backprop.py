"""backprop: the textbook 2-2-2 example, a ReLU/softmax example by hand, follow-through, diagnoses."""

from __future__ import annotations

import math
import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _backprop_crosscheck

M = get("backprop")

# Matt Mazur's published 2-2-2 worked example (i1 = .05, i2 = .10, t = (.01, .99), η = .5).
MAZUR = {"x": [0.05, 0.10], "t": [0.01, 0.99], "w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "w5": 0.40,
         "w6": 0.45, "w7": 0.50, "w8": 0.55, "b1": 0.35, "b2": 0.60, "lr": 0.5}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_textbook_example_matches_the_published_numbers():
    v = values(MAZUR)
    expected = {"E": 0.298371109, "dE_dw5": 0.082167041, "w5_new": 0.35891648, "w6_new": 0.408666186,
                "w7_new": 0.511301270, "w8_new": 0.561370121, "w1_new": 0.149780716, "w2_new": 0.19956143,
                "w3_new": 0.24975114, "w4_new": 0.29950229}
    for key, number in expected.items():
        assert v[key] == pytest.approx(number, abs=1e-8), key
    assert v["net_h"] == pytest.approx([0.3775, 0.3925])
    assert v["out_h"][0] == pytest.approx(0.593269992, abs=1e-9)
    assert v["out_o"] == pytest.approx([0.75136507, 0.772928465], abs=1e-8)
    assert v["W2_new"][0] == pytest.approx([0.35891648, 0.408666186], abs=1e-8)
    assert "b1_new" not in v  # shared scalar biases stay fixed by default


def test_relu_softmax_example_by_hand():
    # net_h = [1 − 2, 0.5 + 1] = [−1, 1.5] → out_h = [0, 1.5]; net_o = [0, 1.5];
    # p = [1, e^1.5]/(1 + e^1.5) = [0.182425524, 0.817574476]; E = −ln 0.182425524.
    g = {"x": [1, 2], "t": [1, 0], "W1": [[1, -1], [0.5, 0.5]], "b1": 0, "W2": [[1, 0], [0, 1]], "b2": 0, "lr": 1,
         "activation": "relu", "loss": "ce"}
    v = values(g)
    p1 = math.exp(1.5) / (1 + math.exp(1.5))
    assert v["out_h"] == [0.0, 1.5]
    assert v["E"] == pytest.approx(-math.log(1 - p1), abs=1e-9)
    assert v["delta_o"] == pytest.approx([-p1, p1], abs=1e-9)
    np.testing.assert_allclose(v["dE_dW2"], [[0, -1.5 * p1], [0, 1.5 * p1]], atol=1e-9)
    assert v["delta_h"] == pytest.approx([0.0, p1], abs=1e-9)  # ReLU′(−1) = 0
    np.testing.assert_allclose(v["dE_dW1"], [[0, 0], [p1, 2 * p1]], atol=1e-9)
    assert v["W1_new"][1] == pytest.approx([0.5 - p1, 0.5 - 2 * p1], abs=1e-9)


def test_shared_bias_update_uses_the_sum_of_deltas():
    v = values({**MAZUR, "update_biases": True})
    # δ_o = [0.138498562, −0.038098236] → b2 − η Σδ_o; δ_h = [0.008771354, 0.009954254] → b1 − η Σδ_h.
    assert v["b2_new"] == pytest.approx(0.60 - 0.5 * (0.138498562 - 0.038098236), abs=1e-8)
    assert v["b1_new"] == pytest.approx(0.35 - 0.5 * (0.008771354 + 0.009954254), abs=1e-8)


def test_follow_through_from_a_wrong_hidden_output():
    # The student took out_h = [0.6, 0.6] and went on correctly: net_o = W2·[0.6, 0.6] + 0.6.
    m = marks(MAZUR, {"net_h": [0.3775, 0.3925], "out_h": [0.6, 0.6], "net_o": [1.11, 1.23]})
    assert m["net_h"].status == "correct"
    assert m["out_h"].status == "incorrect"
    assert m["net_o"].status == "follow-through"


def test_known_mistakes_are_named():
    v = values(MAZUR)
    sign = marks(MAZUR, {"delta_o": [-d for d in v["delta_o"]]})["delta_o"]
    assert sign.status == "incorrect" and sign.diagnosis == M.MISTAKES["sign-t-minus-o"]
    # ∂E/∂out_h written as out_h(1 − out_h): δ_h = (out_h(1 − out_h))²
    oh = np.array(v["out_h"])
    wrong = ((oh * (1 - oh)) ** 2).tolist()
    assert marks(MAZUR, {"delta_h": wrong})["delta_h"].diagnosis == M.MISTAKES["dE-dout-as-derivative"]
    assert marks(MAZUR, {"w5_new": 0.40 + 0.5 * 0.082167041})["w5_new"].diagnosis == M.MISTAKES["update-sign"]


def test_rounded_entry_answers_are_credited():
    m = marks(MAZUR, {"dE_dw5": "0.0822", "w1_new": "0.1498"})
    assert m["dE_dw5"].status == "rounded" and m["w1_new"].status == "rounded"


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({"x": [1, 2], "t": [1], "W1": [[1, 2, 3]], "W2": [[1]], "lr": 0.1})
    with pytest.raises(GivenError):
        M.validate({**MAZUR, "loss": "ce", "t": [0.5, 0.7]})


def test_cross_check_without_torch(monkeypatch):
    monkeypatch.setattr(_backprop_crosscheck, "load_torch", lambda: None)  # the NumPy path, as without torch
    for difficulty in engine.DIFFICULTIES:
        for seed in range(5):
            ex = engine.make_exercise(M, seed, difficulty)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("step", ["delta_o", "delta_h"])
def test_delta_formulas_multiply_by_the_whole_derivative(step):
    """'(o − t) ⊙ 1 − out²' read as written is ((o − t)·1) − out²: the derivative must be one factor.
    The printed formula, read with Python's precedence, must equal the tanh delta at a sample point."""
    import problems as api
    exercise = next(e for e in (api.practice("backprop", seed=s, solutions=True).exercises[0] for s in range(200))
                    if e.givens.get("activation") == "tanh" and e.givens.get("loss") == "mse")
    formula = next(s.formula for s in exercise.steps if s.id == step)
    text = (formula.replace("⊙", "*").replace("−", "-").replace("out²", "out**2").replace("(W2ᵀ δ_o)", "back")
            .replace("(o - t)", "back"))
    out, back = 0.6, 2.0
    assert eval(text, {"__builtins__": {}}, {"out": out, "back": back}) == pytest.approx(back * (1 - out ** 2)), formula  # noqa: S307 - our own formula text
