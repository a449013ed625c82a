"""attention: a scaled dot-product example (with and without the causal mask) worked by hand,
Transformer-base multi-head numbers, PE(1, ·) for d = 4, follow-through and named mistakes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import problems.types.attention as M
from problems import engine

G = {"variant": "scaled", "Q": [[1, 2, 0, 0], [0, 0, 1, 1]], "K": [[1, 0, 0, 0], [0, 1, 1, 0]], "V": [[2], [4]], "mask": "none"}
E = math.exp(0.5)


def solve(g):
    return {s.id: s.value for s in engine.solve(M, M.validate(g))}


def check(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_scaled_dot_product_by_hand():
    # S = [[1, 2], [0, 1]], /√4 → [[0.5, 1], [0, 0.5]]; each row's softmax is (1, e^0.5)/(1 + e^0.5)
    v = solve(G)
    w = [1 / (1 + E), E / (1 + E)]
    assert v["scores"] == [[1, 2], [0, 1]] and v["scaled"] == [[0.5, 1], [0, 0.5]]
    np.testing.assert_allclose(v["weights"], [w, w])
    np.testing.assert_allclose(v["output"], [[2 * w[0] + 4 * w[1]]] * 2)


def test_causal_mask_by_hand():
    v = solve({**G, "mask": "causal"})
    np.testing.assert_allclose(v["weights"], [[1, 0], [1 / (1 + E), E / (1 + E)]])
    np.testing.assert_allclose(v["output"], [[2], [(2 + 4 * E) / (1 + E)]])
    unmasked = solve(G)["weights"]
    assert check({**G, "mask": "causal"}, {"weights": unmasked})["weights"].diagnosis == M.MISTAKES["mask-not-applied"]


def test_mistakes_and_follow_through():
    assert check(G, {"scaled": [[1, 2], [0, 1]]})["scaled"].diagnosis == M.MISTAKES["no-scaling"]
    assert check(G, {"scaled": [[0.25, 0.5], [0, 0.25]]})["scaled"].diagnosis == M.MISTAKES["scaled-by-dk"]
    # a student who forgot √d_k and carried the unscaled scores into the softmax
    own = [[1 / (1 + math.e), math.e / (1 + math.e)]] * 2
    marks = check(G, {"scaled": [[1, 2], [0, 1]], "weights": own})
    assert marks["weights"].status == "follow-through"


def test_multihead_transformer_base():
    v = solve({"variant": "multihead", "d_model": 512, "heads": 8, "n": 10})
    assert v["dk"] == 64 and v["wq-shape"] == [512, 64] and v["q-shape"] == [10, 64]
    assert v["scores-shape"] == [10, 10] and v["concat-shape"] == [10, 512] and v["params"] == 1_050_624
    assert check({"variant": "multihead", "d_model": 512, "heads": 8, "n": 10}, {"dk": 512})["dk"].diagnosis == M.MISTAKES["dk-not-divided"]


def test_positional_encoding_pos1_d4():
    v = solve({"variant": "posenc", "pos": 1, "d": 4})
    assert v["denom"] == [1, 100] and v["angle"] == [1, 0.01]
    np.testing.assert_allclose(v["pe"], [math.sin(1), math.cos(1), math.sin(0.01), math.cos(0.01)])
    deg = [math.sin(math.radians(1)), math.cos(math.radians(1)), math.sin(math.radians(0.01)), math.cos(math.radians(0.01))]
    assert check({"variant": "posenc", "pos": 1, "d": 4}, {"pe": deg})["pe"].diagnosis == M.MISTAKES["degrees"]


def test_sdpa_agrees_on_generated_exercises():
    torch = pytest.importorskip("torch")
    for seed in range(5):
        g = engine.make_exercise(M, seed, "hard", "scaled").givens
        q, k, v = (torch.tensor(g[x], dtype=torch.float64)[None] for x in "QKV")
        out = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)[0].numpy()
        np.testing.assert_allclose(solve(g)["output"], out)


def test_numpy_fallback_cross_check_agrees(monkeypatch):
    monkeypatch.setattr(M, "load_torch", lambda: None)
    for variant in M.VARIANTS:
        ex = engine.make_exercise(M, 2, "hard", variant)
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            np.testing.assert_allclose(np.array(ours[key], float), np.array(value, float), err_msg=key)
