"""Kohonen self-organizing map: winner by squared distance, then update the winner (SYLLABUS §12).

Equations::

    d²_j = Σ_i (x_i − w_ji)²          for every unit j
    J    = argmin_j d²_j              (1-based unit number; ties go to the lower number)
    w_J ← w_J + η (x − w_J)           only the winner moves (radius 0)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.engine import GivenError
from problems.givens import matrix, number

NAME = "som"
SUMMARY = "Kohonen SOM: squared distances, winner, winner-only weight update per sample"
SECTIONS = ("12",)
VARIANTS: dict[str, str] = {}
STEPS = [
    StepSpec("d2.k", "Squared distances of sample k to every unit", "vector", 2, "d²_j = Σ_i (x_i − w_ji)²"),
    StepSpec("winner.k", "Winning unit for sample k (1-based)", "integer", None, "J = argmin_j d²_j"),
    StepSpec("weights.k", "Weight matrix after sample k (one row per unit)", "matrix", 2, "w_J ← w_J + η(x − w_J)"),
]
GIVENS = {
    "weights": "initial weight matrix, one row per unit (2–4 units × 3–5 features)",
    "x": "training samples in presentation order, one row each (1–4 × features)",
    "lr": "learning rate η, 0 < η ≤ 1",
}
MISTAKES = {
    "not-squared": "distance not squared: used ‖x − w‖ instead of ‖x − w‖²",
    "sign-flipped": "update sign flipped: w − η(x − w) instead of w + η(x − w)",
    "loser-updated": "losers updated too: every unit moved, not only the winner",
    "lr-misapplied": "learning rate misapplied: ηw + (1 − η)x instead of w + η(x − w)",
    "lr-omitted": "learning rate left out: the winner jumped onto the sample (η = 1)",
    "stale-weights": "weights not carried over: distances computed from the initial weights",
    "argmax": "wrong winner: picked the largest distance instead of the smallest",
}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Random one-decimal weights and samples in [0, 1]; η from a hand-friendly set."""
    sizes = {"easy": ((2, 3), (3, 4), (1, 2)), "exam": ((2, 4), (3, 5), (2, 3)), "hard": ((3, 4), (4, 5), (3, 4))}[difficulty]
    units, feats, samples = (int(rng.integers(lo, hi + 1)) for lo, hi in sizes)
    lr = float(rng.choice([0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6]))
    for _ in range(200):
        w = np.round(rng.integers(0, 11, size=(units, feats)) / 10, 1)
        x = np.round(rng.integers(0, 11, size=(samples, feats)) / 10, 1)
        if difficulty == "hard" or _clear_winners(w, x, lr):
            break
    return {"weights": w.tolist(), "x": x.tolist(), "lr": lr}


def _clear_winners(w: np.ndarray, x: np.ndarray, lr: float) -> bool:
    """True when every sample's two smallest squared distances differ by at least 0.05."""
    w = w.copy()
    for xk in x:
        d2 = np.sort(((w - xk) ** 2).sum(axis=1))
        if d2[1] - d2[0] < 0.05:
            return False
        j = int(np.argmin(((w - xk) ** 2).sum(axis=1)))
        w[j] += lr * (xk - w[j])
    return True


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Check shapes and ranges; return the givens in canonical form."""
    w = matrix(givens, "weights", rows=(1, 20), cols=(1, 20))
    x = matrix(givens, "x", rows=(1, 20), cols=(len(w[0]), len(w[0])))
    lr = number(givens, "lr", low=0.0, high=1.0)
    if lr == 0:
        raise GivenError("lr", "a learning rate η with 0 < η ≤ 1")
    return {"weights": w, "x": x, "lr": lr}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    units, n = len(g["weights"]), len(g["x"])
    rows = "; ".join(f"w{j} = {_vec(w)}" for j, w in enumerate(g["weights"], 1))
    xs = "; ".join(f"x{k} = {_vec(x)}" for k, x in enumerate(g["x"], 1))
    return (f"A Kohonen SOM has {units} units with weight vectors {rows}. The learning rate is "
            f"η = {g['lr']:g}. Present the sample{'s' if n > 1 else ''} {xs} in order. For each sample compute "
            "the squared Euclidean distance to every unit, the winning unit, and the weight matrix after "
            "updating the winner only.")


def _vec(v: list[float]) -> str:
    return "(" + ", ".join(f"{a:g}" for a in v) + ")"


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["Winner J = argmin_j ‖x − w_j‖² (squared Euclidean distance); ties go to the lower unit number.",
            "Only the winner is updated: w_J ← w_J + η(x − w_J) (neighbourhood radius 0).",
            "Units are numbered from 1; weights.k is the whole matrix after sample k."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Distances, winner and updated weights for every sample, in order."""
    W = np.array(g["weights"], dtype=float)
    W0, lr = W.copy(), g["lr"]
    for k, x in enumerate(np.array(g["x"], dtype=float), 1):
        prev = f"weights.{k - 1}" if k > 1 else "weights"
        base = W0 if work.mistake("stale-weights") else W
        d2 = ((base - x) ** 2).sum(axis=1)
        if work.mistake("not-squared"):
            d2 = np.sqrt(d2)
        d2 = work.put(f"d2.{k}", f"Squared distances of x{k} to each unit", d2,
                      formula="Σ_i (x_i − w_ji)²", depends_on=(prev,) if k > 1 else ())
        J = int(np.argmax(d2) if work.mistake("argmax") else np.argmin(d2)) + 1
        J = work.put(f"winner.{k}", f"Winner for x{k}", J, formula="argmin_j d²_j", depends_on=(f"d2.{k}",))
        if not 1 <= J <= len(W):
            raise ValueError("winner out of range")
        W = W.copy()
        rows = range(len(W)) if work.mistake("loser-updated") else [J - 1]
        for j in rows:
            if work.mistake("sign-flipped"):
                W[j] = W[j] - lr * (x - W[j])
            elif work.mistake("lr-misapplied"):
                W[j] = lr * W[j] + (1 - lr) * x
            elif work.mistake("lr-omitted"):
                W[j] = x.copy()
            else:
                W[j] = W[j] + lr * (x - W[j])
        W = work.put(f"weights.{k}", f"Weights after x{k} (unit {J} moved)", W,
                     formula="w_J + η(x − w_J)", depends_on=(f"winner.{k}",) + ((prev,) if k > 1 else ()),
                     because=f"w_{J} ← w_{J} + {lr:g}·(x{k} − w_{J}); other rows unchanged")


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent NumPy computation (tests only): all step values by a different route."""
    W = np.array(g["weights"], dtype=float)
    out: dict[str, Any] = {}
    for k, x in enumerate(np.array(g["x"], dtype=float), 1):
        diffs = np.einsum("jf,jf->j", W - x, W - x)
        J = int(np.flatnonzero(diffs == diffs.min())[0])
        W = W + np.eye(len(W))[:, [J]] * (g["lr"] * (x - W[J]))
        out[f"d2.{k}"], out[f"winner.{k}"], out[f"weights.{k}"] = diffs.tolist(), J + 1, W.tolist()
    return out


if __name__ == "__main__":
    from problems.engine import make_exercise
    from derive.printing import render
    print(render(make_exercise(__import__(__name__), 0), "text"))
