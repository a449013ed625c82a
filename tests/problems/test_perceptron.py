"""perceptron: AND from zero by hand (six epochs), the ≥ 0 convention, XOR never converging."""

from __future__ import annotations

import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("perceptron")
AND = {"gate": "and", "w": [0, 0], "b": 0, "lr": 1, "max_epochs": 8}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_and_from_zero_by_hand():
    # Epoch 1: (0,0): net 0 → y 1 (net ≥ 0), err −1, b = −1; (0,1), (1,0): net −1 → y 0 ok;
    # (1,1): net −1 → y 0, err +1 → w = (1, 1), b = 0.  Errors per epoch: 2, 3, 3, 2, 1, 0.
    v = values(AND)
    assert [v[f"net.{p}"] for p in range(1, 5)] == [0, -1, -1, -1]
    assert [v[f"y.{p}"] for p in range(1, 5)] == [1, 0, 0, 0]
    assert [v[f"err.{p}"] for p in range(1, 5)] == [-1, 0, 0, 1]
    assert v["w.4"] == [1, 1] and v["b.4"] == 0
    assert [v[f"errors.{e}"] for e in range(1, 7)] == [2, 3, 3, 2, 1, 0]
    assert v["w.24"] == [2, 1] and v["b.24"] == -3
    assert v["epochs"] == 6 and v["converged"] == "yes"
    assert "net.25" not in v


def test_xor_never_converges():
    v = values({"gate": "xor", "w": [0, 0], "b": 0, "lr": 1, "max_epochs": 3})
    assert v["epochs"] == 3 and v["converged"] == "no"
    assert all(v[f"errors.{e}"] > 0 for e in (1, 2, 3))


def test_output_convention_and_error_sign_are_diagnosed():
    m = marks(AND, {"net.1": 0, "y.1": 0})
    assert m["y.1"].status == "incorrect" and m["y.1"].diagnosis == M.MISTAKES["net-greater"]
    m = marks(AND, {"y.1": 1, "err.1": 1})
    assert m["err.1"].diagnosis == M.MISTAKES["error-sign"]


def test_follow_through_after_a_wrong_error():
    # err.1 = +1 (sign slip); then b.1 = 0 + 1·1 = 1 is consistent with it, w.1 stays (0, 0) since x = (0, 0).
    m = marks(AND, {"err.1": 1, "w.1": [0, 0], "b.1": 1})
    assert m["err.1"].status == "incorrect"
    assert m["w.1"].status == "correct"
    assert m["b.1"].status == "follow-through"


def test_answers_as_text_and_choice_synonyms():
    m = marks(AND, {"w.4": "[1, 1]", "converged": "Yes", "epochs": "6"})
    assert m["w.4"].status == m["converged"].status == m["epochs"].status == "correct"


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**AND, "gate": "xnor2"})
    with pytest.raises(GivenError):
        M.validate({**AND, "lr": 0})


def test_cross_check_agrees_on_generated_runs():
    for difficulty in engine.DIFFICULTIES:
        for seed in range(6):
            ex = engine.make_exercise(M, seed, difficulty)
            ours = {s.id: s.value for s in ex.steps}
            theirs = M.cross_check(ex.givens)
            assert theirs.keys() == ours.keys()
            for key, value in theirs.items():
                assert value == ours[key] if isinstance(value, str) else value == pytest.approx(ours[key]), key


def test_xnor_is_not_learnable_either():
    """XNOR = NOT XOR (SYLLABUS §1): no line separates it, so the rule never reaches an error-free epoch."""
    v = values({"gate": "xnor", "w": [0, 0], "b": 0, "lr": 1, "max_epochs": 5})
    assert v["converged"] == "no" and v["epochs"] == 5
    assert all(v[f"errors.{e}"] > 0 for e in range(1, 6))
