"""word2vec: preprocessing, skip-gram contexts and one CBOW pass worked by hand; stop words kept
and one-sided windows diagnosed; follow-through from a student's own vocabulary order."""

from __future__ import annotations

import math

import numpy as np
import pytest

import problems.types.word2vec as M
import problems.types._word2vec_crosscheck as X
from problems import engine
from problems.givens import GivenError

G = {"corpus": "The cat sat on the mat and the cat ran.", "stopwords": ["the", "on", "and"], "window": 1,
     "target": "mat", "W": [[1, 0], [0, 1], [1, 1], [-1, 0]], "W_out": [[1, 0, 1, -1], [0, 1, 1, 0]]}


def solve(g):
    return {s.id: s.value for s in engine.solve(M, M.validate(g))}


def check(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_worked_example_by_hand():
    v = solve(G)
    assert v["tokens"] == "cat sat mat cat ran" and v["vocab"] == "cat sat mat ran" and v["V"] == 4
    assert v["onehot"] == [0, 0, 1, 0]
    assert [v[f"context.{k}"] for k in range(1, 6)] == ["sat", "cat mat", "sat cat", "mat ran", "cat"]
    assert v["pairs"] == 8
    # CBOW for 'mat': context sat, cat → h = ((0, 1) + (1, 0))/2; u = W'ᵀh = (0.5, 0.5, 1, −0.5)
    e = [math.exp(0.5), math.exp(0.5), math.exp(1.0), math.exp(-0.5)]
    assert v["h"] == [0.5, 0.5] and v["u"] == [0.5, 0.5, 1, -0.5]
    assert v["yhat"] == pytest.approx([x / sum(e) for x in e]) and v["pred"] == "mat"
    assert v["loss"] == pytest.approx(-math.log(e[2] / sum(e)))


def test_mistakes_are_named():
    assert check(G, {"tokens": "the cat sat on the mat and the cat ran"})["tokens"].diagnosis == M.MISTAKES["stopwords-kept"]
    assert check(G, {"context.2": "mat"})["context.2"].diagnosis == M.MISTAKES["one-sided"]
    assert check(G, {"h": [1, 1]})["h"].diagnosis == M.MISTAKES["cbow-sum"]
    assert check(G, {"tokens": "Cat  SAT mat cat ran"})["tokens"].status == "correct"


def test_follow_through_from_the_students_vocabulary_order():
    marks = check(G, {"vocab": "cat mat sat ran", "V": 4, "onehot": [0, 1, 0, 0]})
    assert marks["vocab"].status == "incorrect" and marks["onehot"].status == "follow-through"


def test_target_must_occur_once():
    with pytest.raises(GivenError, match="exactly once"):
        M.validate({**G, "target": "cat"})


def test_numpy_fallback_cross_check_agrees(monkeypatch):
    monkeypatch.setattr(X, "load_torch", lambda: None)
    for seed in range(4):
        ex = engine.make_exercise(M, seed, "hard")
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            if isinstance(value, str):
                assert value == ours[key]
            else:
                np.testing.assert_allclose(np.array(ours[key], float), np.array(value, float), atol=1e-12, err_msg=key)
