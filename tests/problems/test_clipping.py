"""clipping: norm clipping of (3, 4) and value clipping by hand; slips named; NumPy fallback."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("clipping")
G = {"g": [3, 4], "threshold": 1}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_norm_clipping_by_hand():
    v = values(G)  # ‖g‖ = 5, factor 1/5
    assert (v["norm"], v["factor"], v["norm_after"]) == pytest.approx((5, 0.2, 1)) and v["clipped"] == pytest.approx([0.6, 0.8])
    v = values({**G, "threshold": 10})
    assert v["factor"] == 1 and v["clipped"] == [3, 4]


def test_value_clipping_by_hand():
    # (3, 0.5) → (1, 0.5): cos = (3 + 0.25)/(√9.25 · √1.25)
    v = values({"g": [3, 0.5], "threshold": 1, "mode": "value"})
    assert v["clipped"] == [1, 0.5] and v["norm_after"] == pytest.approx(math.sqrt(1.25))
    assert v["cos"] == pytest.approx(3.25 / (math.sqrt(9.25) * math.sqrt(1.25)))


def test_mistakes_are_named_and_followed():
    assert marks(G, {"clipped": [1, 1]})["clipped"].diagnosis == M.MISTAKES["per-component"]
    assert marks({**G, "threshold": 10}, {"factor": 2})["factor"].diagnosis == M.MISTAKES["clip-always"]
    m = marks(G, {"norm": 25, "factor": 0.04, "clipped": [0.12, 0.16]})
    assert m["norm"].diagnosis == M.MISTAKES["no-sqrt"]
    assert m["factor"].status == m["clipped"].status == "follow-through"


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({"g": [1, 2], "threshold": 0})
    with pytest.raises(GivenError):
        M.validate({"g": [1, 2], "threshold": 1, "mode": "l1"})


def test_without_torch(monkeypatch):
    monkeypatch.setattr(M, "load_torch", lambda: None)
    for difficulty in engine.DIFFICULTIES:
        for seed in range(4):
            ex = engine.make_exercise(M, seed, difficulty)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=key)
