"""problems.checking.check end to end on one SOM exercise worked by hand here.

The SOM step (winner-take-all, η = 0.6) is recomputed with plain NumPy in this file, so the
pipeline's key, marks, diagnosis and report are compared with an independent computation.
"""

from __future__ import annotations

import numpy as np

from problems.checking import check
from problems.registry import get

M = get("som")
GIVENS = {"weights": [[0.6, 1.0, 0.4, 0.6], [0.4, 0.6, 0.4, 0.7], [0.6, 0.7, 1.0, 0.1], [0.6, 0.4, 0.3, 0.2]],
          "x": [[0.0, 0.4, 0.9, 0.1]], "lr": 0.6}


def _by_hand():
    """Squared distances, the winner (1-based) and the weights after the single sample."""
    W, x = np.array(GIVENS["weights"]), np.array(GIVENS["x"][0])
    d2 = ((W - x) ** 2).sum(axis=1)
    J = int(np.argmin(d2))
    W[J] += 0.6 * (x - W[J])
    return d2.tolist(), J + 1, W.tolist()


def test_givens_written_as_text_are_validated_before_solving():
    raw = {k: str(v) for k, v in GIVENS.items()}  # as an answer file or --given would carry them
    report = check(M, raw, {})
    assert report.givens == GIVENS
    assert [m.status for m in report.marks] == ["missing"] * 3


def test_marks_diagnosis_and_report():
    d2, winner, weights = _by_hand()
    flipped = (np.array(GIVENS["weights"]) * 1.0)
    flipped[winner - 1] -= 0.6 * (np.array(GIVENS["x"][0]) - flipped[winner - 1])  # the update's sign flipped
    report = check(M, GIVENS, {"d2.1": d2, "winner.1": winner, "weights.1": flipped.tolist()}, exercise="som@hand")
    marks = {m.id: m for m in report.marks}
    assert marks["d2.1"].status == "correct" and marks["winner.1"].status == "correct"
    assert marks["weights.1"].status == "incorrect" and "sign" in (marks["weights.1"].diagnosis or "")
    np.testing.assert_allclose(marks["weights.1"].expected, weights, atol=1e-12)
    assert report.first_error == "weights.1" and report.exercise_id == "som@hand" and report.topic == "som"
    assert report.conventions == list(M.conventions(GIVENS)) and report.conventions
