"""gru: a 1-unit step in both conventions worked by hand, nn.GRUCell for the PyTorch convention,
the backward step against finite differences, follow-through and named mistakes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import problems.types.gru as M
from problems import engine

G = {"variant": "forward", "convention": "course", "h_prev": [0.5], "x": [1.0], "Wz": [[0.5, -0.5]], "bz": [0.0],
     "Wr": [[1.0, 0.5]], "br": [-0.5], "Wh": [[1.0, 1.0]], "bh": [-0.5]}


def sig(v):
    return 1 / (1 + math.exp(-v))


def solve(g):
    return {s.id: s.value for s in engine.solve(M, M.validate(g))}


def check(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def hand(course=True):
    z, r = sig(0.25 - 0.5), sig(0.5 + 0.5 - 0.5)
    rh = r * 0.5
    ht = math.tanh(rh + 1.0 - 0.5)
    h = (1 - z) * 0.5 + z * ht if course else z * 0.5 + (1 - z) * ht
    return {"hx": [0.5, 1.0], "az": -0.25, "z": z, "ar": 0.5, "r": r, "rh": rh, "ah": rh + 0.5, "htilde": ht, "h": h}


@pytest.mark.parametrize("convention", ["course", "pytorch"])
def test_one_unit_step_by_hand(convention):
    ours, mine = solve({**G, "convention": convention}), hand(convention == "course")
    assert list(ours) == list(mine)
    for key, value in mine.items():
        np.testing.assert_allclose(ours[key], value, atol=1e-12, err_msg=key)


def test_convention_swapped_is_diagnosed_and_carried():
    mine = hand(course=True)
    marks = check(G, {"h": hand(course=False)["h"]})
    assert marks["h"].diagnosis == M.MISTAKES["convention-swapped"]
    r_wrong = 0.5  # σ forgotten on the reset gate
    ft = check(G, {"ar": 0.5, "r": r_wrong, "rh": r_wrong * 0.5})
    assert ft["r"].status == "incorrect" and ft["rh"].status == "follow-through"
    assert mine["h"] != hand(course=False)["h"]


def test_grucell_matches_the_pytorch_convention_for_one_unit():
    torch = pytest.importorskip("torch")
    cell = torch.nn.GRUCell(1, 1, dtype=torch.float64)
    with torch.no_grad():  # PyTorch stacks r, z, n
        cell.weight_hh.copy_(torch.tensor([[1.0], [0.5], [1.0]]))
        cell.weight_ih.copy_(torch.tensor([[0.5], [-0.5], [1.0]]))
        cell.bias_ih.copy_(torch.tensor([-0.5, 0.0, -0.5]))
        cell.bias_hh.zero_()
        h = float(cell(torch.tensor([[1.0]], dtype=torch.float64), torch.tensor([[0.5]], dtype=torch.float64)))
    assert solve({**G, "convention": "pytorch"})["h"] == pytest.approx(h, abs=1e-12)


def test_backward_step_against_finite_differences():
    g = {**G, "variant": "backward", "dh": [1.0]}
    ours = solve(g)

    def h_of(hp):
        return solve({**G, "h_prev": [hp]})["h"]
    assert ours["dhprev"] == pytest.approx((h_of(0.5 + 1e-6) - h_of(0.5 - 1e-6)) / 2e-6, rel=1e-6)
    assert ours["dz"] == pytest.approx(hand()["htilde"] - 0.5)
    assert check(g, {"dz": 0.5 - hand()["htilde"]})["dz"].diagnosis == M.MISTAKES["dz-sign"]


def test_keras_gru64_count_with_one_bias_per_gate():
    # 3·(64·(64 + 32) + 64) = 18,624 (Keras reset_after=False); PyTorch's second bias adds 3·64
    assert solve({"variant": "params", "hidden": 64, "inputs": 32})["total"] == 18_624


def test_hard_backward_own_answers_correct():
    for seed in range(5):
        ex = engine.make_exercise(M, seed, "hard", "backward")
        clean = {s.id: s.value for s in ex.steps}
        assert all(m.status == "correct" for m in engine.check(M, ex.givens, clean).marks)


def test_numpy_fallback_cross_check_agrees(monkeypatch):
    monkeypatch.setattr(M, "load_torch", lambda: None)
    for seed in range(3):
        ex = engine.make_exercise(M, seed, "hard", "backward")
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            np.testing.assert_allclose(np.array(ours[key], float), np.array(value, float), rtol=1e-6, atol=1e-8, err_msg=key)
