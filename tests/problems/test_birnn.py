"""birnn: a one-unit bidirectional RNN worked by hand (the backward direction starts at t = T),
h_t = [h→_t ; h←_t], parameters, follow-through, named mistakes, torch-free cross-check."""

from __future__ import annotations

import math

import numpy as np
import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get
from problems.types import _birnn_layer

M = get("birnn")
G = {"Wxh_f": 1, "Whh_f": 0.5, "bh_f": 0, "Wxh_b": -1, "Whh_b": 0.5, "bh_b": 0, "x": [1, 2]}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def hand():
    f1 = math.tanh(1)
    f2 = math.tanh(2 + 0.5 * f1)
    b2 = math.tanh(-2)  # the backward direction starts at t = T = 2
    b1 = math.tanh(-1 + 0.5 * b2)
    return f1, f2, b1, b2


def test_bidirectional_rnn_by_hand():
    f1, f2, b1, b2 = hand()
    v = values(G)
    assert list(v)[:4] == ["hf.1", "hf.2", "hb.2", "hb.1"]
    assert [v["hf.1"], v["hf.2"], v["hb.1"], v["hb.2"]] == pytest.approx([f1, f2, b1, b2])
    assert v["h.1"] == pytest.approx([f1, b1]) and v["h.2"] == pytest.approx([f2, b2])
    assert v["size"] == 2 and v["params"] == 6  # 2[1(1 + 1) + 1]


def test_output_layer_and_parameters():
    f1, f2, b1, b2 = hand()
    v = values({**G, "Wy": [[1, -2]], "by": [0.5]})
    assert v["y.1"] == pytest.approx(f1 - 2 * b1 + 0.5) and v["params"] == 6 + 3


def test_follow_through_and_named_mistakes():
    f1, f2, b1, b2 = hand()
    m = marks(G, {"hb.2": -0.96, "hb.1": math.tanh(-1 - 0.48)})
    assert m["hb.2"].status == "incorrect" and m["hb.1"].status == "follow-through"
    assert marks(G, {"h.1": [f1, b2]})["h.1"].diagnosis == M.MISTAKES["misaligned"]
    assert marks(G, {"h.1": [b1, f1]})["h.1"].diagnosis == M.MISTAKES["order-swapped"]
    assert marks(G, {"h.1": f1 + b1})["h.1"].diagnosis == M.DIAGNOSES["states-added"]
    assert marks(G, {"hb.1": math.tanh(-1)})["hb.1"].diagnosis == M.MISTAKES["backward-not-reversed"]
    assert marks(G, {"size": 1})["size"].diagnosis == M.MISTAKES["summed"]
    assert marks(G, {"params": 3})["params"].diagnosis == M.MISTAKES["params-once"]


def test_cross_check_without_torch(monkeypatch):
    monkeypatch.setattr(_birnn_layer, "load_torch", lambda: None)
    for seed in range(8):
        for difficulty in ("exam", "hard"):
            ex = engine.make_exercise(M, seed, difficulty)
            ours = {s.id: s.value for s in ex.steps}
            for key, value in M.cross_check(ex.givens).items():
                np.testing.assert_allclose(ours[key], value, rtol=1e-9, atol=1e-12, err_msg=f"{seed} {key}")


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**G, "Whh_b": [[0.5, 0], [0, 0.5]]})  # H differs between the directions
    with pytest.raises(GivenError):
        M.validate({**G, "Wy": [[1, 2, 3]]})  # W_y acts on 2H = 2 values
