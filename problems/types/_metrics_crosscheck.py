"""``metrics`` cross-check (tests only): sklearn.metrics on the label arrays a matrix stands for."""

from __future__ import annotations

from typing import Any

import numpy as np


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Every step value, from sklearn.metrics on label arrays expanded from the matrix; an undefined
    ratio is 0 (``zero_division=0``, the convention the type states)."""
    from sklearn import metrics as M
    if "cm" in g:
        cm = np.array(g["cm"])
        pairs = [(i, j) for i in range(len(cm)) for j in range(len(cm)) for _ in range(cm[i, j])]
        yt, yp = np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])
    else:
        yt, yp = np.array(g["y_true"]), np.array(g["y_pred"])
    labels = list(range(len(g["cm"]) if "cm" in g else 2))
    C = M.confusion_matrix(yt, yp, labels=labels)
    out: dict[str, Any] = {"accuracy": M.accuracy_score(yt, yp)}
    if "y_true" in g:
        out["cm"] = C.tolist()
    if len(labels) == 2:
        tn, fp, fn, tp = C.ravel()
        return {**out, "tp": int(tp), "fp": int(fp), "fn": int(fn), "tn": int(tn), "precision": M.precision_score(yt, yp, zero_division=0),
                "recall": M.recall_score(yt, yp, zero_division=0),
                "specificity": M.recall_score(yt, yp, pos_label=0, zero_division=0), "f1": M.f1_score(yt, yp, zero_division=0)}
    mcm = M.multilabel_confusion_matrix(yt, yp, labels=labels)  # per class [[tn, fp], [fn, tp]]
    p, r, f, _ = M.precision_recall_fscore_support(yt, yp, labels=labels, average=None, zero_division=0)
    return {**out, "tp": mcm[:, 1, 1].tolist(), "fp": mcm[:, 0, 1].tolist(), "fn": mcm[:, 1, 0].tolist(), "precision": p.tolist(),
            "recall": r.tolist(), "f1": f.tolist(), "macro_f1": M.f1_score(yt, yp, labels=labels, average="macro", zero_division=0)}
