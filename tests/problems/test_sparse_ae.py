"""sparse-ae: the KL sparsity penalty worked by hand, follow-through, named mistakes, and the
scipy cross-check without torch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("sparse-ae")
G = {"A": [[0.1, 0.3], [0.3, 0.5]], "rho": 0.2, "beta": 2, "J0": 1}
KL2 = 0.2 * math.log(0.2 / 0.4) + 0.8 * math.log(0.8 / 0.6)  # unit 2: ρ̂ = 0.4


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_penalty_by_hand():
    v = values(G)
    assert v["rhohat"] == pytest.approx([0.2, 0.4])
    assert v["kl"] == pytest.approx([0, 0.091516], abs=1e-6)  # unit 1 already at ρ: no penalty
    assert v["penalty"] == pytest.approx(2 * KL2) and v["total"] == pytest.approx(1 + 2 * KL2)
    assert v["grad"] == pytest.approx([0, 2 * (-0.5 + 0.8 / 0.6)])  # too active unit: positive slope


def test_activations_from_the_encoder():
    v = values({"X": [[1, 0], [0, 1]], "W": [[0, 0], [2, -2]], "b": [0, 0], "rho": 0.1, "beta": 1})
    s2 = 1 / (1 + math.exp(-2))
    np.testing.assert_allclose(v["A"], [[0.5, s2], [0.5, 1 - s2]], rtol=1e-9)
    assert v["rhohat"] == pytest.approx([0.5, 0.5])


def test_follow_through_and_named_mistakes():
    m = marks(G, {"rhohat": [0.2, 0.5], "kl": [0, 0.2 * math.log(0.4) + 0.8 * math.log(1.6)]})
    assert m["rhohat"].status == "incorrect" and m["kl"].status == "follow-through"
    reversed_kl = 0.4 * math.log(2) + 0.6 * math.log(0.6 / 0.8)
    assert marks(G, {"kl": [0, reversed_kl]})["kl"].diagnosis == M.MISTAKES["kl-reversed"]
    assert marks(G, {"kl": [0, 0.2 * math.log(0.5)]})["kl"].diagnosis == M.MISTAKES["second-term-dropped"]
    assert marks(G, {"penalty": KL2})["penalty"].diagnosis == M.MISTAKES["beta-omitted"]
    assert marks(G, {"rhohat": [0.4, 0.8]})["rhohat"].diagnosis == M.MISTAKES["rhohat-sum"]
    assert marks(G, {"kl": [0, KL2 / math.log(10)]})["kl"].diagnosis == M.MISTAKES["log10"]


def test_cross_check_without_torch(monkeypatch):
    monkeypatch.setattr(M, "load_torch", lambda: None)
    for seed in range(10):
        for difficulty in ("easy", "exam", "hard"):
            ex = engine.make_exercise(M, seed, difficulty)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=f"{seed} {key}")


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**G, "A": [[0, 0.3], [0.3, 0.5]]})
    with pytest.raises(GivenError):
        M.validate({**G, "rho": 1})
