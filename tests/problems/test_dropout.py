"""dropout: inverted and standard scaling by hand; scaling slips named; the fallback without torch."""

from __future__ import annotations

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("dropout")
G = {"a": [1, 2, 3, 4], "mask": [1, 0, 1, 0], "p": 0.25}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_inverted_dropout_by_hand():
    v = values(G)  # keep 3/4: scale 4/3; E[kept] = 4 · 0.75 = 3
    assert v["kept"] == 2 and v["masked"] == [1, 0, 3, 0]
    assert v["scale"] == pytest.approx(4 / 3) and v["out"] == pytest.approx([4 / 3, 0, 4, 0])
    assert v["test_out"] == [1, 2, 3, 4] and v["expected"] == 3


def test_standard_dropout_by_hand():
    v = values({**G, "mode": "standard"})
    assert v["scale"] == 0.75 and v["out"] == [1, 0, 3, 0] and v["test_out"] == pytest.approx([0.75, 1.5, 2.25, 3])


def test_scaling_slips_are_named_and_followed():
    m = marks(G, {"out": [1, 0, 3, 0]})
    assert m["out"].diagnosis == M.MISTAKES["no-scaling"]
    m = marks(G, {"scale": 4, "out": [4, 0, 12, 0]})  # scaled by 1/p
    assert m["scale"].diagnosis == M.MISTAKES["scale-by-p"] and m["out"].status == "follow-through"
    assert marks(G, {"expected": 1})["expected"].diagnosis == M.MISTAKES["expected-uses-p"]


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**G, "mask": [1, 0, 2, 0]})
    with pytest.raises(GivenError):
        M.validate({**G, "p": 1.0})


def test_without_torch(monkeypatch):
    monkeypatch.setattr(M, "load_torch", lambda: None)
    for seed in range(5):
        ex = engine.make_exercise(M, seed, "hard")
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=key)
