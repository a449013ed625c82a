"""metrics with undefined ratios (issue 12 item 8): a class never predicted or never present.

The key follows scikit-learn's ``zero_division=0`` (checked against sklearn.metrics itself, on the
label arrays each matrix stands for), says so in the conventions, marks the conventional answer 0
correct, and computes without a RuntimeWarning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

from derive.errors import UserError
from problems import engine
from problems.registry import get

M = get("metrics")
UNDEFINED = {
    "never-predicted": [[0, 3, 4], [0, 12, 0], [0, 5, 9]],       # column 0 empty: precision 0/0
    "never-present": [[0, 0, 0], [2, 12, 0], [1, 5, 9]],         # row 0 empty: recall 0/0
    "absent-class": [[0, 0, 0], [0, 12, 3], [0, 5, 9]],          # class 0 neither: P, R and F1 0/0
    "never-right": [[0, 2, 1], [3, 0, 4], [5, 6, 0]],            # every TP 0: every F1 has P + R = 0
    "binary-no-positives": [[7, 3], [0, 0]],                     # recall 0/0, precision 0/3
    "binary-never-positive": [[7, 0], [3, 0]],                   # precision 0/0
    "binary-only-positives": [[0, 0], [2, 8]],                   # specificity 0/0
}


def labels(cm):
    pairs = [(i, j) for i in range(len(cm)) for j in range(len(cm)) for _ in range(cm[i][j])]
    return [a for a, _ in pairs], [b for _, b in pairs]


def key(cm):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return {s.id: s.value for s in engine.make_exercise(M, 0, givens={"cm": cm}).steps}


@pytest.mark.parametrize("name", UNDEFINED)
def test_key_is_sklearn_with_zero_division_0(name):
    cm = UNDEFINED[name]
    yt, yp = labels(cm)
    k = list(range(len(cm)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # sklearn warns only when zero_division is left to its default
        p, r, f, _ = skm.precision_recall_fscore_support(yt, yp, labels=k, average=None, zero_division=0)
    v = key(cm)
    if len(cm) == 2:
        assert v["precision"] == pytest.approx(p[1]) and v["recall"] == pytest.approx(r[1]) and v["f1"] == pytest.approx(f[1])
        assert v["specificity"] == pytest.approx(r[0])
    else:
        assert v["precision"] == pytest.approx(p.tolist()) and v["recall"] == pytest.approx(r.tolist())
        assert v["f1"] == pytest.approx(f.tolist())
        assert v["macro_f1"] == pytest.approx(skm.f1_score(yt, yp, labels=k, average="macro", zero_division=0))
    assert v["accuracy"] == pytest.approx(skm.accuracy_score(yt, yp))


def test_the_issue_example_marks_zero_correct_and_says_why():
    cm = UNDEFINED["never-predicted"]
    report = engine.check(M, {"cm": cm}, {"precision": "[0, 0.6, 0.6923]", "f1": "[0, 0.75, 0.6667]", "macro_f1": "0.4722"})
    status = {m.id: m.status for m in report.marks}
    assert status["precision"] in ("correct", "rounded") and status["f1"] in ("correct", "rounded")
    assert status["macro_f1"] in ("correct", "rounded")
    assert any("zero_division=0" in c for c in report.conventions)
    wrong = engine.check(M, {"cm": cm}, {"precision": "[0.5, 0.6, 0.6923]"})
    assert {m.id: m.status for m in wrong.marks}["precision"] == "incorrect"


def test_defined_matrices_do_not_mention_the_convention():
    ex = engine.make_exercise(M, 0, givens={"cm": [[5, 1, 0], [2, 3, 1], [0, 0, 4]]})
    assert not any("zero_division" in c for c in ex.conventions)


@pytest.mark.parametrize("cm", [[[0, 0], [0, 0]], [[0, 0, 0], [0, 0, 0], [0, 0, 0]]])
def test_an_empty_matrix_is_refused(cm):
    with pytest.raises(UserError, match="no samples"):
        engine.make_exercise(M, 0, givens={"cm": cm})


def test_labels_that_never_predict_the_positive_class():
    yt, yp = [1, 0, 1, 0, 0], [0, 0, 0, 0, 0]
    v = {s.id: s.value for s in engine.make_exercise(M, 0, givens={"y_true": yt, "y_pred": yp}).steps}
    assert v["precision"] == skm.precision_score(yt, yp, zero_division=0) == 0
    assert v["f1"] == 0 and v["recall"] == 0 and v["specificity"] == 1.0
    assert np.isfinite(v["accuracy"])
