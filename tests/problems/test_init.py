"""init: Glorot/He/LeCun variances and bounds by hand, conv fans; slips named; fallback without torch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("init")


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_dense_schemes_by_hand():
    v = values({"scheme": "glorot-uniform", "n_in": 100, "n_out": 50})  # Var = 2/150, a = √(6/150) = 0.2
    assert (v["fanin"], v["fanout"]) == (100, 50) and v["var"] == pytest.approx(2 / 150) and v["bound"] == pytest.approx(0.2)
    v = values({"scheme": "he-normal", "n_in": 50, "n_out": 10})  # Var = 2/50 = 0.04, σ = 0.2
    assert v["var"] == pytest.approx(0.04) and v["std"] == pytest.approx(0.2)
    assert values({"scheme": "lecun-normal", "n_in": 100, "n_out": 3})["std"] == pytest.approx(0.1)


def test_conv_fans_by_hand():
    v = values({"scheme": "he-normal", "layer": "conv", "kernel": 3, "c_in": 16, "c_out": 32})
    assert (v["fanin"], v["fanout"]) == (144, 288) and v["std"] == pytest.approx(math.sqrt(2 / 144))


def test_mistakes_are_named_and_followed():
    g = {"scheme": "glorot-uniform", "n_in": 100, "n_out": 50}
    m = marks(g, {"var": 0.02, "bound": math.sqrt(0.06)})
    assert m["var"].diagnosis == M.MISTAKES["glorot-fan-in-only"] and m["bound"].status == "follow-through"
    assert marks(g, {"bound": math.sqrt(2 / 150)})["bound"].diagnosis == M.MISTAKES["bound-no-3"]
    g = {"scheme": "he-normal", "layer": "conv", "kernel": 3, "c_in": 16, "c_out": 32}
    assert marks(g, {"fanin": 16})["fanin"].diagnosis == M.MISTAKES["conv-fan-no-kernel"]


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({"scheme": "orthogonal", "n_in": 2, "n_out": 2})
    with pytest.raises(GivenError):
        M.validate({"scheme": "he-normal", "n_in": 0, "n_out": 2})


def test_without_torch(monkeypatch):
    import problems.shared.optional_torch as optional_torch
    monkeypatch.setattr(optional_torch, "load_torch", lambda: None)
    for difficulty in engine.DIFFICULTIES:
        for seed in range(4):
            ex = engine.make_exercise(M, seed, difficulty)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=key)
