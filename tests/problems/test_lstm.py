"""lstm: a 1-unit cell step forward and backward worked by hand, Keras's LSTM(64) count,
follow-through and named mistakes, the NumPy fallback cross-check."""

from __future__ import annotations

import math

import numpy as np
import pytest

import problems.types.lstm as M
from problems import engine

G = {"variant": "backward", "h_prev": [0.5], "c_prev": [1.0], "x": [1.0],
     "Wf": [[0.5, 0.5]], "bf": [0.1], "Wi": [[-0.5, 1.0]], "bi": [0.2], "Wc": [[1.0, -1.0]], "bc": [0.5],
     "Wo": [[0.2, 0.4]], "bo": [-0.1], "dh": [1.0], "dc_next": [0.0]}


def sig(z):
    return 1 / (1 + math.exp(-z))


def solve(g):
    return {s.id: s.value for s in engine.solve(M, M.validate(g))}


def check(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def hand():
    f, i, o = sig(0.25 + 0.5 + 0.1), sig(-0.25 + 1.0 + 0.2), sig(0.1 + 0.4 - 0.1)
    ct = math.tanh(0.5 - 1.0 + 0.5)  # = 0, so c = f·1 + i·0 = f
    c = f * 1.0 + i * ct
    tc = math.tanh(c)
    do, dc = tc, o * (1 - tc ** 2)
    df, di, dct, dcp = dc * 1.0, dc * ct, dc * i, dc * f
    daf, dai, dac, dao = df * f * (1 - f), di * i * (1 - i), dct * (1 - ct ** 2), do * o * (1 - o)
    return {"hx": [0.5, 1.0], "af": 0.85, "f": f, "ai": 0.95, "i": i, "ac": 0.0, "ctilde": ct, "c": c, "ao": 0.4, "o": o,
            "tanhc": tc, "h": o * tc, "do": do, "dc": dc, "df": df, "di": di, "dctilde": dct, "dcprev": dcp,
            "daf": daf, "dai": dai, "dac": dac, "dao": dao, "dWf": [[0.5 * daf, 1.0 * daf]],
            "dhprev": 0.5 * daf - 0.5 * dai + 1.0 * dac + 0.2 * dao}


def test_one_unit_cell_by_hand():
    ours, mine = solve(G), hand()
    assert list(ours) == list(mine)
    for key, value in mine.items():
        np.testing.assert_allclose(ours[key], value, atol=1e-9, err_msg=key)


def test_keras_lstm64_parameter_count():
    # Keras: LSTM(64) on 32 features → 4·(64·(64 + 32) + 64) = 24,832 parameters
    v = solve({"variant": "params", "hidden": 64, "inputs": 32})
    assert v == {"weights": 6144, "per-gate": 6208, "total": 24_832, "bidir": 49_664, "out-size": 128}
    assert check({"variant": "params", "hidden": 64, "inputs": 32}, {"total": 18_624})["total"].diagnosis == M.MISTAKES["gate-count"]


def test_follow_through_and_diagnosis():
    mine = hand()
    f_wrong = 0.85  # σ forgotten on the forget gate
    marks = check(G, {"af": 0.85, "f": f_wrong, "c": f_wrong * 1.0 + mine["i"] * 0.0})
    assert marks["f"].status == "incorrect" and marks["c"].status == "follow-through"
    no_o = check(G, {"h": mine["tanhc"]})
    assert no_o["h"].diagnosis == M.MISTAKES["o-omitted"]
    swapped = check(G, {"c": mine["i"] * 1.0 + mine["f"] * 0.0})
    assert swapped["c"].diagnosis == M.MISTAKES["gates-swapped"]


def test_hard_backward_own_answers_and_follow_through():
    for seed in range(5):
        ex = engine.make_exercise(M, seed, "hard", "backward")
        clean = {s.id: s.value for s in ex.steps}
        assert all(m.status == "correct" for m in engine.check(M, ex.givens, clean).marks)
        wrong = dict(clean, dc=np.add(clean["dc"], 0.5).tolist())
        replay = {s.id: s.value for s in engine.solve(M, ex.givens, overrides=wrong)}
        marks = {m.id: m for m in engine.check(M, ex.givens, {**replay, "dc": wrong["dc"]}).marks}
        assert marks["dc"].status == "incorrect"
        assert {marks[k].status for k in ("df", "di", "dctilde", "dcprev")} == {"follow-through"}


def test_lstmcell_agrees_with_the_concatenated_form():
    torch = pytest.importorskip("torch")
    ex = engine.make_exercise(M, 3, "hard", "forward")
    g, H = ex.givens, len(ex.givens["h_prev"])
    cell = torch.nn.LSTMCell(len(g["x"]), H, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_hh.copy_(torch.tensor(np.vstack([np.array(g[f"W{k}"])[:, :H] for k in "ifco"])))
        cell.weight_ih.copy_(torch.tensor(np.vstack([np.array(g[f"W{k}"])[:, H:] for k in "ifco"])))
        cell.bias_ih.copy_(torch.tensor(np.concatenate([g[f"b{k}"] for k in "ifco"])))
        cell.bias_hh.zero_()
        t = {k: torch.tensor([g[k]], dtype=torch.float64) for k in ("x", "h_prev", "c_prev")}
        h, c = cell(t["x"], (t["h_prev"], t["c_prev"]))
    ours = {s.id: s.value for s in ex.steps}
    np.testing.assert_allclose(np.ravel(ours["h"]), h[0].numpy())
    np.testing.assert_allclose(np.ravel(ours["c"]), c[0].numpy())


def test_numpy_fallback_cross_check_agrees(monkeypatch):
    monkeypatch.setattr(M, "load_torch", lambda: None)
    for seed in range(3):
        ex = engine.make_exercise(M, seed, "hard", "backward")
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            np.testing.assert_allclose(np.array(ours[key], float), np.array(value, float), rtol=1e-6, atol=1e-8, err_msg=key)
