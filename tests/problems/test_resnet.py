"""resnet: a residual block worked by hand forward and backward, the projection shortcut's
parameters, the concatenation slip (by inspection), follow-through, named mistakes, and the
cross-check without torch."""

from __future__ import annotations

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _resnet_block

M = get("resnet")
G = {"variant": "identity", "x": [1, -1], "W1": [[0.5, -0.5], [1, 1]], "b1": [0, -0.5],
     "W2": [[1, 2], [-1, 0.5]], "b2": [0.1, 0], "dy": [1, 1]}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_identity_block_by_hand():
    # z₁ = (0.5 + 0.5, 1 − 1 − 0.5) = (1, −0.5); a₁ = (1, 0); F = (1 + 0.1, −1); H = F + x = (2.1, −2)
    v = values(G)
    assert v["z1"] == [1, -0.5] and v["a1"] == [1, 0] and v["F"] == [1.1, -1]
    assert v["H"] == pytest.approx([2.1, -2]) and v["size"] == 2 and v["y"] == pytest.approx([2.1, 0])
    assert v["params"] == 12  # 2(2 + 1) + 2(2 + 1); the identity adds none
    # δH = (1, 0); δa₁ = W₂ᵀδH = (1, 2); δz₁ = (1, 0); δx = W₁ᵀδz₁ + δH = (0.5, −0.5) + (1, 0)
    assert v["dH"] == [1, 0] and v["da1"] == [1, 2] and v["dz1"] == [1, 0] and v["dx"] == [1.5, -0.5]


def test_projection_parameters():
    g = {"variant": "projection", "x": [1, 0, -1], "W1": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "b1": [0, 0],
         "W2": [[1, 0], [0, 1]], "b2": [0, 0], "Ws": [[1, 1, 1], [0, 1, 0]]}
    v = values(g)
    assert v["shortcut"] == [0, 0] and v["params"] == 2 * 4 + 2 * 3 + 2 * 3
    assert marks(g, {"params": 22})["params"].diagnosis == M.MISTAKES["projection-bias"]


def test_follow_through_and_named_mistakes():
    m = marks(G, {"z1": [1, 0.5], "a1": [1, 0.5]})
    assert m["z1"].status == "incorrect" and m["a1"].status == "follow-through"
    assert marks(G, {"H": [1.1, -1]})["H"].diagnosis == M.MISTAKES["skip-omitted"]
    assert marks(G, {"H": [1.1, -1, 1, -1]})["H"].diagnosis == M.DIAGNOSES["concatenated"]
    assert marks(G, {"size": 4})["size"].diagnosis == M.MISTAKES["concat"]
    assert marks(G, {"y": [2.1, -1]})["y"].diagnosis == M.MISTAKES["relu-before-add"]
    assert marks(G, {"dx": [0.5, -0.5]})["dx"].diagnosis == M.MISTAKES["skip-gradient-omitted"]
    assert marks(G, {"params": 16})["params"].diagnosis == M.MISTAKES["identity-params"]


def test_cross_check_without_torch(monkeypatch):
    monkeypatch.setattr(_resnet_block, "load_torch", lambda: None)
    for seed in range(8):
        for variant in M.VARIANTS:
            ex = engine.make_exercise(M, seed, "hard", variant)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-6, atol=1e-7, err_msg=f"{seed} {variant} {key}")


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**G, "W2": [[1, 2], [-1, 0.5], [0, 1]], "b2": [0, 0, 0]})  # identity needs d_out = d_in
    with pytest.raises(GivenError):
        M.validate({**G, "variant": "projection", "Ws": [[1, 0]]})
