"""denoising-ae: masking noise worked by hand (noisy in, clean target), the BCE variant,
follow-through, named mistakes, and the cross-check without torch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("denoising-ae")
G = {"noise": "masking", "x": [1, 0.5, 0], "mask": [1, 0, 1], "W": [[1, 1, 1], [0, 2, -1]], "b": [0, 0],
     "W2": [[1, 0], [0, 1], [1, -1]], "c": [0, 0, 0]}
S1 = 1 / (1 + math.exp(-1))


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_masking_noise_by_hand():
    # x̃ = (1, 0, 0); z = (1, 0); h = (σ(1), 1/2); x̂ = (σ(1), 1/2, σ(1) − 1/2); error against the CLEAN x
    v = values(G)
    assert v["xtilde"] == [1, 0, 0] and v["z"] == [1, 0] and v["h"] == pytest.approx([S1, 0.5])
    assert v["xhat"] == pytest.approx([S1, 0.5, S1 - 0.5]) and v["err"] == pytest.approx([S1 - 1, 0, S1 - 0.5])
    assert v["loss"] == pytest.approx(((S1 - 1) ** 2 + (S1 - 0.5) ** 2) / 3)


def test_gaussian_noise_and_bce():
    g = {**G, "noise": "gaussian", "eps": [-0.5, 0.5, 0.5], "output": "sigmoid"}
    g.pop("mask")
    v = values(g)
    assert v["xtilde"] == [0.5, 1, 0.5] and v["z"] == [2, 1.5]
    xhat = [1 / (1 + math.exp(-a)) for a in np.array(g["W2"]) @ [1 / (1 + math.exp(-2)), 1 / (1 + math.exp(-1.5))]]
    bce = -sum(t * math.log(p) + (1 - t) * math.log(1 - p) for t, p in zip(g["x"], xhat)) / 3
    assert v["xhat"] == pytest.approx(xhat) and v["loss"] == pytest.approx(bce)


def test_follow_through_and_named_mistakes():
    m = marks(G, {"z": [1, 1], "h": [S1, S1]})
    assert m["z"].status == "incorrect" and m["h"].status == "follow-through"
    assert marks(G, {"err": [S1 - 1, 0.5, S1 - 0.5]})["err"].diagnosis == M.MISTAKES["noisy-target"]
    assert marks(G, {"xtilde": [1, 0.5, 0]})["xtilde"].diagnosis == M.MISTAKES["clean-input"]
    assert marks(G, {"xtilde": [0, 0.5, 0]})["xtilde"].diagnosis == M.MISTAKES["mask-inverted"]
    assert marks(G, {"h": [1, 0]})["h"].diagnosis == M.MISTAKES["sigmoid-omitted"]


def test_cross_check_without_torch(monkeypatch):
    monkeypatch.setattr(M, "load_torch", lambda: None)
    for seed in range(8):
        for difficulty in ("exam", "hard"):
            ex = engine.make_exercise(M, seed, difficulty)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=f"{seed} {key}")


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**G, "mask": [1, 0.5, 1]})
    with pytest.raises(GivenError):
        M.validate({**G, "output": "sigmoid", "x": [1.5, 0.5, 0]})
