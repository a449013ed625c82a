"""early-stopping: waits, stop, best and restored epoch by hand; min_delta; off-by-one slips named."""

from __future__ import annotations

import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("early-stopping")
G = {"val": [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6], "patience": 3}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_patience_by_hand():
    v = values(G)  # best 0.7 at epoch 3; epochs 4, 5, 6 do not improve → wait 3 ≥ 3 after epoch 6
    assert [v[f"wait.{e}"] for e in range(1, 7)] == [0, 0, 0, 1, 2, 3] and "wait.7" not in v
    assert (v["stop"], v["best"], v["best_loss"], v["restored"]) == (6, 3, 0.7, 3)


def test_curve_that_never_stops():
    v = values({**G, "patience": 4})  # epoch 7 improves before the patience runs out
    assert v["wait.7"] == 0 and (v["stop"], v["best"], v["best_loss"]) == (7, 7, 0.6)


def test_min_delta_by_hand():
    # improvement needs val < best − 0.05: 0.9 < 0.95 yes, 0.87 < 0.85 no, 0.84 < 0.85 yes, 0.83 < 0.79 no, 0.86 no
    v = values({"val": [1.0, 0.9, 0.87, 0.84, 0.83, 0.86], "patience": 2, "min_delta": 0.05})
    assert [v[f"wait.{e}"] for e in range(1, 7)] == [0, 0, 1, 0, 1, 2]
    assert (v["stop"], v["best"], v["best_loss"]) == (6, 4, 0.84)


def test_mistakes_are_named_and_followed():
    assert marks(G, {"restored": 6})["restored"].diagnosis == M.MISTAKES["restore-last"]
    assert marks(G, {"stop": 7})["stop"].diagnosis == M.MISTAKES["stop-late"]
    # a student who reset nothing at epoch 4 (wait 0) stops later: stop 7 follows from the own waits
    m = marks(G, {"wait.4": 0, "wait.5": 1, "wait.6": 2, "stop": 7})
    assert m["wait.4"].status == "incorrect" and m["stop"].status == "follow-through"


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({"val": [1.0], "patience": 1})
    with pytest.raises(GivenError):
        M.validate({**G, "patience": 0})
