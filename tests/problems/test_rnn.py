"""rnn: a 1-unit RNN forward and BPTT worked by hand, the vanishing bound for a matrix whose
singular value is known in closed form, follow-through and named mistakes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import problems.types.rnn as M
from problems import engine

G = {"variant": "bptt", "Wxh": [[0.5]], "Whh": [[0.8]], "bh": [0.1], "Why": [[2.0]], "by": [0.0],
     "x": [[1.0], [-1.0]], "h0": [0.0], "d": [[1.0], [0.0]]}


def solve(g):
    return {s.id: s.value for s in engine.solve(M, M.validate(g))}


def check(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def hand():
    """The same exercise computed line by line from the equations."""
    a1 = 0.8 * 0 + 0.5 * 1 + 0.1
    h1 = math.tanh(a1)
    y1 = 2 * h1
    a2 = 0.8 * h1 + 0.5 * -1 + 0.1
    h2 = math.tanh(a2)
    y2 = 2 * h2
    dy1, dy2 = y1 - 1, y2 - 0
    da2 = (2 * dy2) * (1 - h2 ** 2)
    dh1 = 2 * dy1 + 0.8 * da2
    da1 = dh1 * (1 - h1 ** 2)
    return {"a.1": a1, "h.1": h1, "y.1": y1, "a.2": a2, "h.2": h2, "y.2": y2, "L": 0.5 * (dy1 ** 2 + dy2 ** 2),
            "dy.1": dy1, "dy.2": dy2, "dh.2": 2 * dy2, "da.2": da2, "dh.1": dh1, "da.1": da1,
            "dWhy": dy1 * h1 + dy2 * h2, "dWhh": da1 * 0 + da2 * h1, "dWxh": da1 * 1 + da2 * -1, "dbh": da1 + da2}


def test_one_unit_rnn_forward_and_bptt_by_hand():
    ours, mine = solve(G), hand()
    assert list(ours) == list(mine)
    for key, value in mine.items():
        assert ours[key] == pytest.approx(value, abs=1e-9), key


def test_bptt_gradient_matches_finite_differences_of_the_loss():
    def loss(whh):
        return solve({**G, "Whh": [[whh]]})["L"]
    numeric = (loss(0.8 + 1e-6) - loss(0.8 - 1e-6)) / 2e-6
    assert solve(G)["dWhh"] == pytest.approx(numeric, rel=1e-6)


def test_follow_through_and_diagnosis():
    mine = hand()
    h1_wrong = 0.6  # tanh forgotten
    answers = {"a.1": mine["a.1"], "h.1": h1_wrong, "y.1": 2 * h1_wrong, "a.2": 0.8 * h1_wrong - 0.4}
    marks = check(G, answers)
    assert marks["h.1"].status == "incorrect"
    assert marks["y.1"].status == "follow-through" and marks["a.2"].status == "follow-through"
    stale = check(G, {"a.2": -0.4})  # h_{t−1} not carried: 0.8·h0 − 0.5 + 0.1
    assert stale["a.2"].diagnosis == M.MISTAKES["stale-h"]
    truncated = check(G, {**{k: v for k, v in mine.items() if k not in ("dh.1",)}, "dh.1": 2 * mine["dy.1"]})
    assert truncated["dh.1"].diagnosis == M.MISTAKES["no-recurrent-term"]


def test_vanishing_factor_closed_form():
    # W = [[0.5, 0.5], [0, 0.5]]: WᵀW has λ_max = (0.75 + √0.3125)/2, so σ_max = (1 + √5)/4 (half the golden ratio)
    g = {"variant": "vanishing", "Whh": [[0.5, 0.5], [0.0, 0.5]], "activation": "tanh", "k": 10}
    v = solve(g)
    sigma = (1 + math.sqrt(5)) / 4
    assert v["WtW"] == [[0.25, 0.25], [0.25, 0.5]] and v["sigma-max"] == pytest.approx(sigma)
    assert v["fmax"] == 1 and v["factor"] == pytest.approx(sigma ** 10) and v["regime"] == "vanishing"
    marks = check(g, {"sigma-max": 0.5})  # both eigenvalues of W are 0.5
    assert marks["sigma-max"].diagnosis == M.MISTAKES["eigenvalue"]
    assert check(g, {"regime": "vanishes"})["regime"].status == "correct"
    sig = solve({**g, "activation": "sigmoid"})
    assert sig["gamma"] == pytest.approx(sigma / 4) and sig["regime"] == "vanishing"


def test_hard_bptt_own_answers_and_consistent_follow_through():
    for seed in range(5):
        ex = engine.make_exercise(M, seed, "hard", "bptt")
        clean = {s.id: s.value for s in ex.steps}
        assert all(m.status == "correct" for m in engine.check(M, ex.givens, clean).marks)
        wrong = dict(clean, **{"dy.1": np.add(clean["dy.1"], 0.5).tolist()})
        replay = {s.id: s.value for s in engine.solve(M, ex.givens, overrides=wrong)}
        marks = {m.id: m for m in engine.check(M, ex.givens, {**replay, "dy.1": wrong["dy.1"]}).marks}
        assert marks["dy.1"].status == "incorrect" and marks["dWhy"].status == "follow-through"


def test_numpy_fallback_cross_check_agrees(monkeypatch):
    monkeypatch.setattr(M, "load_torch", lambda: None)
    for seed in range(3):
        ex = engine.make_exercise(M, seed, "hard", "bptt")
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            np.testing.assert_allclose(np.array(ours[key], float), np.array(value, float), rtol=1e-6, atol=1e-8, err_msg=key)


def test_one_unit_givens_may_be_numbers():
    plain = {"variant": "bptt", "Wxh": 0.5, "Whh": 0.8, "bh": 0.1, "Why": 2, "by": 0, "x": [1, -1], "h0": 0, "d": [1, 0]}
    assert M.validate(plain) == M.validate(G)
