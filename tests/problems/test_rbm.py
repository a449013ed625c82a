"""rbm: energy, conditionals and one CD-1 update worked by hand; CD-1 reversed and the energy sign
diagnosed; follow-through from a wrong net input."""

from __future__ import annotations

import math

import numpy as np
import pytest

import problems.types.rbm as M
from problems import engine

G = {"W": [[1.0, -1.0], [0.5, 0.5], [-1.0, 1.0]], "a": [0.1, 0.0, -0.1], "b": [0.0, 0.5], "v0": [1, 1, 0],
     "h0": [1, 0], "v1": [1, 0, 0], "h1": [1, 1], "lr": 0.5}


def sig(z):
    return 1 / (1 + math.exp(-z))


def solve(g):
    return {s.id: s.value for s in engine.solve(M, M.validate(g))}


def check(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_cd1_by_hand():
    v = solve(G)
    assert v["energy"] == pytest.approx(-0.1 - 0 - (1.0 + 0.5))  # −aᵀv⁰ − bᵀh⁰ − (W11 + W21)
    assert v["net-h0"] == pytest.approx([1.5, 0.0]) and v["ph0"] == pytest.approx([sig(1.5), 0.5])
    assert v["net-v1"] == pytest.approx([1.1, 0.5, -1.1]) and v["pv1"] == pytest.approx([sig(1.1), sig(0.5), sig(-1.1)])
    assert v["net-h1"] == pytest.approx([1.0, -0.5]) and v["ph1"] == pytest.approx([sig(1.0), sig(-0.5)])
    assert v["pos"] == [[1, 0], [1, 0], [0, 0]] and v["neg"] == [[1, 1], [0, 0], [0, 0]]
    assert v["dW"] == [[0, -0.5], [0.5, 0], [0, 0]] and v["W-new"] == [[1, -1.5], [1, 0.5], [-1, 1]]
    assert v["da"] == [0, 0.5, 0] and v["db"] == [0, -0.5]


def test_named_mistakes():
    assert check(G, {"energy": 1.6})["energy"].diagnosis == M.MISTAKES["energy-sign"]
    assert check(G, {"dW": [[0, 0.5], [-0.5, 0], [0, 0]]})["dW"].diagnosis == M.MISTAKES["cd-reversed"]
    assert check(G, {"dW": [[0, -1], [1, 0], [0, 0]]})["dW"].diagnosis == M.MISTAKES["lr-omitted"]


def test_follow_through_from_a_wrong_net_input():
    marks = check(G, {"net-h0": [1.5, 0.5], "ph0": [sig(1.5), sig(0.5)], "dW": [[0, -0.4], [0.4, 0], [0, 0]],
                      "W-new": [[1, -1.4], [0.9, 0.5], [-1, 1]]})
    assert marks["net-h0"].status == "incorrect" and marks["ph0"].status == "follow-through"
    assert marks["dW"].status == "incorrect" and marks["W-new"].status == "follow-through"


def test_conditionals_are_the_energy_ratio_on_generated_exercises():
    for seed in range(5):
        g = engine.make_exercise(M, seed, "hard").givens
        W, a, b, v0 = (np.array(g[k]) for k in ("W", "a", "b", "v0"))
        for j, p in enumerate(solve(g)["ph0"]):
            on, off = np.eye(len(b))[j], np.zeros(len(b))
            E = lambda h: -a @ v0 - b @ h - v0 @ W @ h  # noqa: E731
            assert p == pytest.approx(math.exp(-E(on)) / (math.exp(-E(on)) + math.exp(-E(off))))
