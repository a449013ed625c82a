"""metrics: binary, label-list and 3-class confusion matrices by hand; swapped precision/recall named."""

from __future__ import annotations

import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("metrics")
CM = {"cm": [[50, 10], [5, 35]]}  # TN 50, FP 10, FN 5, TP 35


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_binary_by_hand():
    v = values(CM)
    assert (v["tp"], v["fp"], v["fn"], v["tn"]) == (35, 10, 5, 50)
    assert v["accuracy"] == 0.85 and v["precision"] == pytest.approx(35 / 45) and v["recall"] == 0.875
    assert v["specificity"] == pytest.approx(50 / 60) and v["f1"] == pytest.approx(70 / 85)  # 2TP/(2TP + FP + FN)


def test_labels_by_hand():
    v = values({"y_true": [1, 0, 1, 1, 0], "y_pred": [1, 0, 0, 1, 1]})
    assert v["cm"] == [[1, 1], [1, 2]]
    assert v["accuracy"] == 0.6 and v["precision"] == pytest.approx(2 / 3) and v["specificity"] == 0.5


def test_three_classes_by_hand():
    v = values({"cm": [[5, 1, 0], [2, 3, 1], [0, 0, 4]]})
    assert v["tp"] == [5, 3, 4] and v["fp"] == [2, 1, 1] and v["fn"] == [1, 3, 0] and v["accuracy"] == 0.75
    assert v["precision"] == pytest.approx([5 / 7, 0.75, 0.8]) and v["recall"] == pytest.approx([5 / 6, 0.5, 1])
    assert v["f1"] == pytest.approx([10 / 13, 0.6, 8 / 9])
    assert v["macro_f1"] == pytest.approx((10 / 13 + 0.6 + 8 / 9) / 3)


def test_mistakes_are_named_and_followed():
    m = marks(CM, {"precision": 0.875, "recall": 35 / 45, "f1": 70 / 85})
    assert m["precision"].diagnosis == M.MISTAKES["precision-recall-swapped"] and m["f1"].status == "correct"
    m = marks(CM, {"fp": 5, "fn": 10, "precision": 0.875})
    assert m["fp"].diagnosis == M.MISTAKES["fp-fn-swapped"] and m["precision"].status == "follow-through"
    assert marks(CM, {"f1": (35 / 45 + 0.875) / 2})["f1"].diagnosis == M.MISTAKES["f1-arithmetic-mean"]


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({"cm": [[1, 2, 3], [4, 5, 6]]})
    with pytest.raises(GivenError):
        M.validate({"y_true": [0, 2], "y_pred": [0, 1]})
