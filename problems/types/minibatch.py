"""Batch vs mini-batch vs stochastic gradient descent: one epoch of updates of ŷ = w·x + b under
the mean squared error, and how many updates an epoch makes (SYLLABUS §1).

Equations::

    batch k (B samples, in the given order):  e_i = ŷ_i − y_i = w x_i + b − y_i
    L_k = (1/B) Σ_i e_i²,   ∂L/∂w = (2/B) Σ_i e_i x_i,   ∂L/∂b = (2/B) Σ_i e_i
    (w, b) ← (w, b) − η ∇L_k   after every batch;  batch GD: B = n, SGD: B = 1
    updates per epoch ⌈n/B⌉,  last batch n − (⌈n/B⌉ − 1)B,  updates in E epochs E·⌈n/B⌉
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, integer, number, vector
from problems.shared.array_steps import put
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.statement_text import num, vec

NAME = "minibatch"
SUMMARY = "Batch vs mini-batch vs SGD: residuals, gradients and parameters after each update of one epoch; updates per epoch"
SECTIONS = ("1",)
VARIANTS = {"batch": "batch gradient descent: one update per epoch from all n samples",
            "minibatch": "mini-batches of B samples: ⌈n/B⌉ updates per epoch", "sgd": "stochastic gradient descent: B = 1",
            "counts": "updates per epoch, size of the last batch, updates over several epochs"}
STEPS = [
    StepSpec("updates", "Updates per epoch", "integer", None, "⌈n/B⌉"),
    StepSpec("err.k", "Residuals ŷ − y of batch k", "vector", 2, "w x_i + b − y_i (current w, b)"),
    StepSpec("grad.k", "Gradient (∂L/∂w, ∂L/∂b) of batch k", "vector", 3, "((2/B) Σ e_i x_i, (2/B) Σ e_i)"),
    StepSpec("w.k", "Parameters (w, b) after update k", "vector", 3, "(w, b) − η ∇L_k"),
    StepSpec("last", "Size of the last batch", "integer", None, "n − (⌈n/B⌉ − 1)B"),
    StepSpec("total", "Updates in all epochs", "integer", None, "E·⌈n/B⌉"),
]
GIVENS = {"variant": "batch, minibatch, sgd or counts", "x, y": "the data (n ≤ 8 samples)", "w0, b0": "initial parameters",
          "lr": "learning rate η", "batch": "batch size B", "n": "counts: number of samples", "epochs": "counts: number of epochs E"}
MISTAKES = {
    "ascent": "update sign flipped: moved along +∇L instead of −∇L",
    "stale-params": "every batch evaluated at the epoch's starting parameters: each update changes w, b for the next batch",
    "no-mean": "gradient summed over the batch: the mean squared error divides by B",
    "no-2": "the 2 from the square left out: ∂(e²)/∂w = 2e·x",
    "residual-sign": "residual taken as y − ŷ: with L = (1/B) Σ (ŷ − y)², the gradient uses ŷ − y",
    "floor-updates": "updates per epoch rounded down: the last, smaller batch is an update too",
    "last-full": "last batch taken as a full batch of B: only n − (⌈n/B⌉ − 1)B samples are left",
    "epochs-forgotten": "updates of one epoch given for all epochs: multiply by E",
}
_COUNT = {"floor-updates", "last-full", "epochs-forgotten"}
APPLIES = {m: (lambda g, m=m: (g["variant"] == "counts") == (m in _COUNT)) for m in MISTAKES}
APPLIES["stale-params"] = lambda g: g["variant"] != "counts" and len(g["x"]) > g["batch"]
APPLIES["floor-updates"] = lambda g: g["variant"] == "counts" and g["n"] % g["batch"] != 0


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Easy: 4 samples; exam: 4 samples, B ∈ {1, 2, 4}; hard: 6 samples with a partial last batch of
    4 + 2; counts with n up to 60000."""
    v = variant or pick(rng, ["batch", "minibatch", "sgd", "counts"])
    if v == "counts":
        n = pick(rng, {"easy": [100, 200, 1000], "exam": [1000, 1500, 5000, 10000], "hard": [50000, 60000, 1234]}[difficulty])
        return {"variant": v, "n": n, "batch": pick(rng, [32, 64, 128] if n > 500 else [16, 32, 64]),
                "epochs": pick(rng, [5, 10, 20])}
    n = 6 if difficulty == "hard" else 4
    B = {"batch": n, "sgd": 1, "minibatch": 4 if difficulty == "hard" else 2}[v]

    def draw() -> dict[str, Any]:
        x = rng.integers(-2, 4, size=n) * (0.5 if difficulty == "hard" else 1.0)
        return {"variant": v, "x": x.tolist(), "y": rng.integers(-2, 4, size=n).astype(float).tolist(),
                "w0": round(float(rng.integers(-5, 6)) / 10, 1), "b0": round(float(rng.integers(-5, 6)) / 10, 1),
                "lr": pick(rng, [0.1, 0.05] if difficulty != "easy" else [0.1]), "batch": B}
    return generate_clear(this(__name__), draw)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Counts: 1 ≤ B ≤ n; updates: equal-length x, y (n ≤ 8), 1 ≤ B ≤ n."""
    v = choice(g, "variant", VARIANTS, default="counts" if "n" in g else "minibatch")
    if v == "counts":
        n = integer(g, "n", 1, 10**9)
        return {"variant": v, "n": n, "batch": integer(g, "batch", 1, n), "epochs": integer(g, "epochs", 1, 10**6)}
    x = vector(g, "x", (1, 8))
    B = integer(g, "batch", 1, len(x), default={"batch": len(x), "sgd": 1, "minibatch": min(2, len(x))}[v])
    if (v == "batch" and B != len(x)) or (v == "sgd" and B != 1):
        raise GivenError("batch", f"{v} means B = {len(x) if v == 'batch' else 1}")
    return {"variant": v, "x": x, "y": vector(g, "y", (len(x), len(x))), "w0": number(g, "w0"), "b0": number(g, "b0"),
            "lr": number(g, "lr", 1e-6, 10), "batch": B}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if g["variant"] == "counts":
        return (f"A training set of n = {g['n']} samples is split into mini-batches of B = {g['batch']}. How many updates does "
                f"one epoch make, how large is the last batch, and how many updates do {g['epochs']} epochs make?")
    name = {"batch": "batch gradient descent", "sgd": "stochastic gradient descent (B = 1)",
            "minibatch": f"mini-batch gradient descent with B = {g['batch']}"}[g["variant"]]
    return (f"Fit ŷ = w·x + b to x = {vec(g['x'])}, y = {vec(g['y'])} by {name}, loss L = (1/B) Σ (ŷ − y)² per batch, "
            f"η = {num(g['lr'])}, from w = {num(g['w0'])}, b = {num(g['b0'])}. For one epoch give the number of updates and, "
            "for every batch in order, the residuals ŷ − y, the gradient (∂L/∂w, ∂L/∂b) and (w, b) after the update.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    if g["variant"] == "counts":
        return ["The last, smaller batch is kept (it is one more update)."]
    return ["Batches in the given order, no shuffling; each batch uses the parameters left by the previous update.",
            "L = (1/B) Σ (ŷ − y)² (no 1/2), so ∇L = (2/B) Σ e·(x, 1); B counts the samples of the batch at hand."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Counts; or, batch by batch, residuals, gradient and the updated parameters."""
    if idle(work, APPLIES, g):
        return
    B = g["batch"]
    if g["variant"] == "counts":
        n, per = g["n"], math.ceil(g["n"] / B)
        upd = work.put("updates", "Updates per epoch", n // B if work.mistake("floor-updates") else per, "⌈n/B⌉")
        work.put("last", "Last batch", B if work.mistake("last-full") else n - (per - 1) * B, "n − (⌈n/B⌉ − 1)B")
        work.put("total", "Updates in all epochs", upd if work.mistake("epochs-forgotten") else g["epochs"] * upd, "E·⌈n/B⌉",
                 depends_on=("updates",))
        return
    x, y = np.array(g["x"], dtype=float), np.array(g["y"], dtype=float)
    work.put("updates", "Updates per epoch", math.ceil(len(x) / B), "⌈n/B⌉")
    theta = start = np.array([g["w0"], g["b0"]])
    for k, lo in enumerate(range(0, len(x), B), 1):
        xb, yb = x[lo:lo + B], y[lo:lo + B]
        w, b = start if work.mistake("stale-params") else theta
        e = put(work, f"err.{k}", f"Residuals of batch {k}", (yb - (w * xb + b)) if work.mistake("residual-sign") else (w * xb + b - yb),
                "w x_i + b − y_i", (f"w.{k - 1}",) if k > 1 else ())
        scale = (1.0 if work.mistake("no-2") else 2.0) / (1 if work.mistake("no-mean") else len(xb))
        grad = work.put(f"grad.{k}", f"Gradient of batch {k}", scale * np.array([np.sum(e * xb), np.sum(e)]),
                        "(2/B)(Σ e_i x_i, Σ e_i)", depends_on=(f"err.{k}",))
        step = grad * g["lr"]
        theta = work.put(f"w.{k}", f"(w, b) after update {k}", theta + step if work.mistake("ascent") else theta - step,
                         "(w, b) − η ∇L_k", depends_on=(f"grad.{k}",) + ((f"w.{k - 1}",) if k > 1 else ()))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch SGD on F.mse_loss batch by batch and a DataLoader
    for the counts; without torch, the matrix form (2/B) Aᵀ(Aθ − y) and Python ranges."""
    from problems.types._minibatch_crosscheck import cross
    return cross(g)
