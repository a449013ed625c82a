"""Feature scaling: min-max, z-score (standardisation) and max-abs (SYLLABUS §4).

Equations::

    min-max   x' = (x − min x)/(max x − min x)           ∈ [0, 1]
    z-score   x' = (x − μ)/σ,  σ² = (1/n) Σ (x − μ)²     (population σ, as StandardScaler)
    max-abs   x' = x / max |x|                            ∈ [−1, 1]

x is a list (one feature) or an n × d matrix (each column scaled on its own).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, matrix, vector
from problems.shared.checked_math import root
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.statement_text import mat, vec

NAME = "normalize"
SUMMARY = "Feature scaling of a small data set: min-max, z-score (population σ) and max-abs"
SECTIONS = ("4",)
VARIANTS = {"min-max": "(x − min)/(max − min)", "z-score": "(x − μ)/σ with σ² = (1/n)Σ(x − μ)²", "max-abs": "x / max|x|"}
STEPS = [
    StepSpec("min", "Minimum (min-max)", "vector", 2, "min x"),
    StepSpec("max", "Maximum (min-max)", "vector", 2, "max x"),
    StepSpec("mean", "Mean μ (z-score)", "vector", 3, "(1/n) Σ x"),
    StepSpec("var", "Variance σ² with divisor n (z-score)", "vector", 4, "(1/n) Σ (x − μ)²"),
    StepSpec("std", "Standard deviation σ (z-score)", "vector", 4, "√σ²"),
    StepSpec("maxabs", "Largest absolute value (max-abs)", "vector", 2, "max |x|"),
    StepSpec("scaled", "Scaled values", "vector", 4, "the method's formula"),
]
GIVENS = {"x": "values of one feature, or an n × d matrix (one column per feature)", "method": ", ".join(VARIANTS)}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "minmax-divide-by-max": "min-max divided by max x instead of the range max x − min x",
    "zscore-variance": "z-score divided by the variance σ² instead of the standard deviation σ",
    "no-centering": "z-score without subtracting the mean: x/σ instead of (x − μ)/σ",
    "maxabs-signed-max": "max-abs divided by max x instead of max |x| (a negative value has the largest magnitude)",
    "zscore-n-minus-1": "sample variance (divisor n − 1) where the scaler uses the population variance (divisor n)",
}
APPLIES = {"minmax-divide-by-max": lambda g: g["method"] == "min-max", "zscore-variance": lambda g: g["method"] == "z-score",
           "no-centering": lambda g: g["method"] == "z-score", "maxabs-signed-max": lambda g: g["method"] == "max-abs",
           "zscore-n-minus-1": lambda g: g["method"] == "z-score"}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Small integers (easy) or one-decimal values; max-abs data include negative values."""
    method = variant or pick(rng, list(VARIANTS))

    def draw() -> dict[str, Any]:
        shape = {"easy": (4,), "exam": (5,), "hard": (4, 2)}[difficulty]
        while True:
            x = rng.integers(-10 if method == "max-abs" else 0, 11, size=shape) * (1.0 if difficulty == "easy" else 0.5)
            if np.all(np.ptp(x, axis=0) > 0) and np.all(np.abs(x).max(axis=0) > 0):
                return {"x": x.tolist(), "method": method}
    return generate_clear(this(__name__), draw)


MIN_SCALE = 1e-4     # spread (max-abs: largest |x|): the variance step (≥ 1e-10) is not shown as 0
MIN_RELATIVE = 1e-6  # spread relative to the data's size: x − min keeps 6+ significant digits


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """At least two values per feature, not all equal (min-max, z-score) nor all zero (max-abs)."""
    method = choice(g, "method", VARIANTS)
    raw = g.get("x")
    nested = isinstance(raw, list) and raw and isinstance(raw[0], list) or isinstance(raw, str) and raw.strip().startswith("[[")
    x = matrix(g, "x", rows=(2, 64), cols=(1, 8)) if nested else vector(g, "x", (2, 64))
    a = np.array(x)
    if method != "max-abs" and np.any(np.ptp(a, axis=0) == 0) or np.any(np.abs(a).max(axis=0) == 0):
        raise GivenError("x", "values that are not all equal (the scale would be 0)")
    size = np.abs(a).max(axis=0)
    scale = size if method == "max-abs" else np.ptp(a, axis=0)
    if np.any(scale < MIN_SCALE) or np.any(scale < MIN_RELATIVE * size):
        what = "largest |value|" if method == "max-abs" else "spread (max − min)"
        raise GivenError("x", f"a {what} of at least {MIN_SCALE:g} and {MIN_RELATIVE:g} of the largest |value| in "
                         "every column (less and the scale is lost to rounding): rescale the data")
    return {"x": x, "method": method}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    cols = " Scale each column separately." if isinstance(g["x"][0], list) else ""
    show = mat(g["x"]) if isinstance(g["x"][0], list) else vec(g["x"])
    return f"Apply {g['method']} scaling, {VARIANTS[g['method']]}, to x = {show}.{cols} Give the statistics you need and the scaled values."


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return {"min-max": ["Range [0, 1]: (x − min)/(max − min)."],
            "z-score": ["Population standard deviation: σ² = (1/n) Σ (x − μ)² (as sklearn's StandardScaler)."],
            "max-abs": ["x / max|x| keeps signs and zeros; the result lies in [−1, 1]."]}[g["method"]]


def solve(g: dict[str, Any], work: Any) -> None:
    """The statistics of the chosen method, then the scaled values."""
    if idle(work, APPLIES, g):
        return
    x, method = np.array(g["x"]), g["method"]
    if method == "min-max":
        lo = work.put("min", "Minimum", x.min(axis=0), "min x")
        hi = work.put("max", "Maximum", x.max(axis=0), "max x")
        den = hi if work.mistake("minmax-divide-by-max") else hi - lo
        work.put("scaled", "Scaled values", (x - lo) / den, "(x − min)/(max − min)", depends_on=("min", "max"))
    elif method == "z-score":
        mu = work.put("mean", "Mean", x.mean(axis=0), "(1/n) Σ x")
        var = work.put("var", "Variance", ((x - mu) ** 2).sum(axis=0) / (len(x) - work.mistake("zscore-n-minus-1")),
                       "(1/n) Σ (x − μ)²", depends_on=("mean",))
        sd = work.put("std", "Standard deviation", root(var), "√σ²", depends_on=("var",))
        centred = x if work.mistake("no-centering") else x - mu
        work.put("scaled", "Scaled values", centred / (sd * sd if work.mistake("zscore-variance") else sd), "(x − μ)/σ",
                 depends_on=("mean", "std"))
    else:
        top = work.put("maxabs", "max |x|", x.max(axis=0) if work.mistake("maxabs-signed-max") else np.abs(x).max(axis=0), "max |x|")
        work.put("scaled", "Scaled values", x / top, "x / max|x|", depends_on=("maxabs",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): sklearn.preprocessing's MinMaxScaler, StandardScaler, MaxAbsScaler."""
    from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, StandardScaler
    x = np.array(g["x"], dtype=float)
    flat = x.ndim == 1
    X = x[:, None] if flat else x
    unpack = (lambda a: float(np.ravel(a)[0])) if flat else (lambda a: np.asarray(a).tolist())  # noqa: E731
    shape = (lambda a: np.ravel(a).tolist()) if flat else (lambda a: a.tolist())  # noqa: E731
    if g["method"] == "min-max":
        s = MinMaxScaler().fit(X)
        return {"min": unpack(s.data_min_), "max": unpack(s.data_max_), "scaled": shape(s.transform(X))}
    if g["method"] == "z-score":
        s = StandardScaler().fit(X)
        return {"mean": unpack(s.mean_), "var": unpack(s.var_), "std": unpack(s.scale_), "scaled": shape(s.transform(X))}
    s = MaxAbsScaler().fit(X)
    return {"maxabs": unpack(s.max_abs_), "scaled": shape(s.transform(X))}
