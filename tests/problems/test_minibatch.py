"""minibatch: one epoch of batch, mini-batch and stochastic gradient descent worked by hand,
update counts, follow-through, named mistakes, and the cross-check without torch."""

from __future__ import annotations

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _minibatch_crosscheck

M = get("minibatch")
DATA = {"x": [1, -1, 2, 0], "y": [2, 0, 3, 1], "w0": 0, "b0": 0, "lr": 0.1}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_batch_gradient_descent_by_hand():
    # e = (−2, 0, −3, −1); ∂L/∂w = (2/4)(−2 − 6) = −4, ∂L/∂b = (2/4)(−6) = −3
    v = values({**DATA, "variant": "batch"})
    assert v["updates"] == 1 and v["err.1"] == [-2, 0, -3, -1] and v["grad.1"] == [-4, -3] and v["w.1"] == pytest.approx([0.4, 0.3])


def test_minibatch_by_hand():
    # batch 1: e = (−2, 0), ∇ = (−2, −2) → (0.2, 0.2); batch 2 at the NEW parameters: e = (−2.4, −0.8), ∇ = (−4.8, −3.2)
    v = values({**DATA, "variant": "minibatch", "batch": 2})
    assert v["updates"] == 2 and v["grad.1"] == [-2, -2] and v["w.1"] == pytest.approx([0.2, 0.2])
    assert v["err.2"] == pytest.approx([-2.4, -0.8]) and v["grad.2"] == pytest.approx([-4.8, -3.2])
    assert v["w.2"] == pytest.approx([0.68, 0.52])


def test_sgd_by_hand():
    v = values({**DATA, "variant": "sgd"})
    assert v["updates"] == 4 and v["err.1"] == -2 and v["w.1"] == pytest.approx([0.4, 0.4])
    assert v["err.2"] == pytest.approx(0) and v["err.3"] == pytest.approx(-1.8)
    assert v["w.3"] == pytest.approx([1.12, 0.76]) and v["w.4"] == pytest.approx([1.12, 0.808])


def test_counts_by_hand():
    g = {"variant": "counts", "n": 1000, "batch": 32, "epochs": 10}
    assert values(g) == {"updates": 32, "last": 8, "total": 320}  # 31 full batches of 32 and one of 8
    m = marks(g, {"updates": 31, "last": 32, "total": 310})
    assert m["updates"].diagnosis == M.MISTAKES["floor-updates"] and m["total"].status == "follow-through"
    assert m["last"].diagnosis == M.MISTAKES["last-full"]


def test_follow_through_and_named_mistakes():
    g = {**DATA, "variant": "minibatch", "batch": 2}
    assert marks(g, {"err.2": [-3, -1]})["err.2"].diagnosis == M.MISTAKES["stale-params"]
    assert marks(g, {"grad.1": [-4, -4]})["grad.1"].diagnosis == M.MISTAKES["no-mean"]
    assert marks(g, {"w.1": [-0.2, -0.2]})["w.1"].diagnosis == M.MISTAKES["ascent"]
    m = marks(g, {"grad.1": [-2, -1], "w.1": [0.2, 0.1]})
    assert m["grad.1"].status == "incorrect" and m["w.1"].status == "follow-through"


def test_cross_check_without_torch(monkeypatch):
    monkeypatch.setattr(_minibatch_crosscheck, "load_torch", lambda: None)
    for seed in range(6):
        for variant in M.VARIANTS:
            ex = engine.make_exercise(M, seed, "hard", variant)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=f"{seed} {variant} {key}")


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**DATA, "variant": "sgd", "batch": 2})
    with pytest.raises(GivenError):
        M.validate({"variant": "counts", "n": 10, "batch": 20, "epochs": 1})
