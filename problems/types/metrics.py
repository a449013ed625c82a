"""Classification metrics from a confusion matrix (SYLLABUS §14).

Equations::

    confusion matrix C: rows = actual class, columns = predicted class (sklearn's layout);
    binary: C = [[TN, FP], [FN, TP]] with class 1 positive
    accuracy = (TP + TN)/N,  precision = TP/(TP + FP),  recall = TP/(TP + FN)
    specificity = TN/(TN + FP),  F1 = 2PR/(P + R)
    K classes: per class k, TP_k = C_kk, FP_k = Σ_i C_ik − C_kk, FN_k = Σ_j C_kj − C_kk;
    macro-F1 = mean_k F1_k
    a ratio whose denominator is 0 (a class never predicted, never present) is 0: scikit-learn's
    zero_division=0 convention (precision_score, recall_score, f1_score)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import matrix, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.statement_text import mat

NAME = "metrics"
SUMMARY = "Confusion matrix → accuracy, precision, recall, specificity, F1 (binary) or per-class and macro-F1"
SECTIONS = ("14",)
VARIANTS = {"binary": "a 2 × 2 confusion matrix", "labels": "actual and predicted 0/1 labels (build the matrix first)",
            "multiclass": "a 3 × 3 confusion matrix: per-class precision, recall, F1 and macro-F1"}
STEPS = [
    StepSpec("cm", "Confusion matrix (rows actual, columns predicted)", "matrix", 0, "C_ij = #{actual i, predicted j}"),
    StepSpec("tp", "True positives (per class)", "vector", 0, "C[1][1] | C_kk"),
    StepSpec("fp", "False positives (per class)", "vector", 0, "C[0][1] | column sum − C_kk"),
    StepSpec("fn", "False negatives (per class)", "vector", 0, "C[1][0] | row sum − C_kk"),
    StepSpec("tn", "True negatives", "integer", None, "C[0][0]"),
    StepSpec("accuracy", "Accuracy", "number", 4, "(TP + TN)/N | trace/N"),
    StepSpec("precision", "Precision (per class)", "vector", 4, "TP/(TP + FP)"),
    StepSpec("recall", "Recall (per class)", "vector", 4, "TP/(TP + FN)"),
    StepSpec("specificity", "Specificity", "number", 4, "TN/(TN + FP)"),
    StepSpec("f1", "F1 (per class)", "vector", 4, "2PR/(P + R)"),
    StepSpec("macro_f1", "Macro-averaged F1", "number", 4, "mean of the per-class F1"),
]
GIVENS = {"cm": "confusion matrix, rows = actual class, columns = predicted class", "y_true": "actual labels (instead of cm)",
          "y_pred": "predicted labels (with y_true)"}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "f1-of-means": "macro-F1 computed as the F1 of the mean precision and mean recall instead of the mean of the F1s",
    "f1-arithmetic-mean": "F1 taken as the arithmetic mean (P + R)/2 instead of the harmonic mean 2PR/(P + R)",
    "specificity-wrong-denominator": "specificity computed as TN/(TN + FN) instead of TN/(TN + FP)",
    "precision-recall-swapped": "precision and recall swapped: TP/(TP + FN) is the recall",
    "accuracy-without-tn": "accuracy computed as TP/N: the true negatives are correct predictions too",
    "fp-fn-swapped": "matrix read transposed (rows as predictions): FP and FN swapped",
}
_K = lambda g: 2 if "y_true" in g else len(g["cm"])  # noqa: E731
APPLIES = {"f1-of-means": lambda g: _K(g) > 2, "specificity-wrong-denominator": lambda g: _K(g) == 2,
           "accuracy-without-tn": lambda g: _K(g) == 2}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Counts 1–40 (easy: 1–12); labels of length 10–12; a 3-class matrix with a heavy diagonal."""
    kind = variant or {"easy": "binary", "exam": pick(rng, ["binary", "labels"]), "hard": pick(rng, ["multiclass", "labels"])}[difficulty]

    def draw() -> dict[str, Any]:
        if kind == "labels":
            n = int(rng.integers(10, 13))
            while True:
                yt, yp = rng.integers(0, 2, size=n), rng.integers(0, 2, size=n)
                if _valid(_from_labels(yt.tolist(), yp.tolist(), 2)):
                    return {"y_true": yt.tolist(), "y_pred": yp.tolist()}
        k, hi = (3, 12) if kind == "multiclass" else (2, 12 if difficulty == "easy" else 40)
        while True:
            cm = rng.integers(0, hi // 2, size=(k, k)) + np.diag(rng.integers(hi // 2, hi + 1, size=k))
            if _valid(cm):
                return {"cm": cm.astype(int).tolist()}
    return generate_clear(this(__name__), draw)


def _valid(cm: np.ndarray) -> bool:
    """Every precision, recall (and specificity) defined: no empty row or column."""
    return bool(np.all(cm.sum(axis=0) > 0) and np.all(cm.sum(axis=1) > 0) and np.all(np.diag(cm) > 0))


def _from_labels(y_true: list[int], y_pred: list[int], k: int) -> np.ndarray:
    cm = np.zeros((k, k), dtype=int)
    for a, p in zip(y_true, y_pred):
        cm[a, p] += 1
    return cm


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """A square matrix of counts (2–6 classes), or two equally long label lists."""
    if "cm" in g:
        cm = matrix(g, "cm", rows=(2, 6), cols=(2, 6))
        if len(cm) != len(cm[0]) or any(v < 0 or v != int(v) for r in cm for v in r):
            raise GivenError("cm", "a square matrix of non-negative whole counts")
        if sum(map(sum, cm)) == 0:
            raise GivenError("cm", "holds no samples (every count is 0): there is nothing to score")
        return {"cm": [[int(v) for v in r] for r in cm]}
    yt = vector(g, "y_true", (2, 500))
    yp = vector(g, "y_pred", (len(yt), len(yt)))
    if any(v not in (0, 1) for v in yt + yp):
        raise GivenError("y_true", "labels 0 or 1")
    return {"y_true": [int(v) for v in yt], "y_pred": [int(v) for v in yp]}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if "y_true" in g:
        return (f"Actual labels {g['y_true']} and predicted labels {g['y_pred']} (class 1 is positive). Build the confusion "
                "matrix, then give TP, FP, FN, TN, accuracy, precision, recall, specificity and F1.")
    if len(g["cm"]) == 2:
        return (f"A binary classifier has the confusion matrix {mat(g['cm'])} (rows: actual 0, 1; columns: predicted 0, 1). "
                "Give TP, FP, FN, TN, accuracy, precision, recall, specificity and F1 (class 1 is positive).")
    return (f"A {len(g['cm'])}-class classifier has the confusion matrix {mat(g['cm'])} (rows: actual class, columns: predicted). "
            "Give per-class TP, FP, FN, the accuracy, per-class precision, recall and F1, and the macro-F1.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    out = ["Confusion matrix rows are the actual class, columns the predicted class (sklearn's layout)."]
    k = 2 if "y_true" in g else len(g["cm"])
    out += (["Class 1 is the positive class: C = [[TN, FP], [FN, TP]]."] if k == 2 else
            ["Per-class vectors are in class order 0, 1, 2, …; macro-F1 is the plain mean of the per-class F1."])
    if not _valid(np.array(g["cm"]) if "cm" in g else _from_labels(g["y_true"], g["y_pred"], 2)):
        out.append(ZERO_DIVISION)
    return out


ZERO_DIVISION = ("A ratio with denominator 0 (a class never predicted or never present; F1 with P + R = 0) is 0, "
                 "scikit-learn's zero_division=0 convention.")


def _ratio(num: Any, den: Any) -> Any:
    """num/den, and 0 where den is 0 (zero_division=0); a float for numbers, an array for arrays."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den != 0)
    return float(out) if out.ndim == 0 else out


def solve(g: dict[str, Any], work: Any) -> None:
    """Counts, then accuracy, precision, recall (specificity), F1 (macro-F1)."""
    if idle(work, APPLIES, g):
        return
    if "cm" in g:
        cm = np.array(g["cm"])
    else:
        cm = work.put("cm", "Confusion matrix", _from_labels(g["y_true"], g["y_pred"], 2), "C_ij = #{actual i, predicted j}")
    cm = np.asarray(cm, dtype=float)
    if work.mistake("fp-fn-swapped"):
        cm = cm.T
    dep = ("cm",) if "y_true" in g else ()
    if len(cm) == 2:
        tp, fp, fn, tn = cm[1, 1], cm[0, 1], cm[1, 0], cm[0, 0]
        tp, fp, fn, tn = (work.put(k, k.upper(), int(v), f, depends_on=dep) for k, v, f in
                          (("tp", tp, "C[1][1]"), ("fp", fp, "C[0][1]"), ("fn", fn, "C[1][0]"), ("tn", tn, "C[0][0]")))
        right = tp if work.mistake("accuracy-without-tn") else tp + tn
        work.put("accuracy", "Accuracy", _ratio(right, tp + fp + fn + tn),
                 "(TP + TN)/N", depends_on=("tp", "fp", "fn", "tn"))
    else:
        d = np.diag(cm)
        tp = work.put("tp", "TP per class", d, "C_kk")
        fp = work.put("fp", "FP per class", cm.sum(axis=0) - d, "column sum − C_kk")
        fn = work.put("fn", "FN per class", cm.sum(axis=1) - d, "row sum − C_kk")
        work.put("accuracy", "Accuracy", float(np.sum(tp) / cm.sum()), "Σ TP_k / N", depends_on=("tp",))
    swap = work.mistake("precision-recall-swapped")
    p = work.put("precision", "Precision", _ratio(tp, tp + (fn if swap else fp)), "TP/(TP + FP)", depends_on=("tp", "fp"))
    r = work.put("recall", "Recall", _ratio(tp, tp + (fp if swap else fn)), "TP/(TP + FN)", depends_on=("tp", "fn"))
    if len(cm) == 2:
        work.put("specificity", "Specificity", _ratio(tn, tn + (fn if work.mistake("specificity-wrong-denominator") else fp)), "TN/(TN + FP)",
                 depends_on=("tn", "fp"))
    f1 = (p + r) / 2 if work.mistake("f1-arithmetic-mean") else _ratio(2 * p * r, p + r)
    f1 = work.put("f1", "F1", f1, "2PR/(P + R)", depends_on=("precision", "recall"))
    if len(cm) > 2:
        mp, mr = float(np.mean(p)), float(np.mean(r))
        work.put("macro_f1", "Macro-F1", _ratio(2 * mp * mr, mp + mr) if work.mistake("f1-of-means") else float(np.mean(f1)), "mean_k F1_k",
                 depends_on=("f1",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): sklearn.metrics on label arrays expanded from the matrix."""
    from problems.types._metrics_crosscheck import cross_check as run
    return run(g)
