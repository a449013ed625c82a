"""rnn variant vanishing: the bound (σ_max(W_hh) · max|f'|)ᵏ on ‖∂h_t/∂h_{t−k}‖ (SYLLABUS §6).

Equations::

    σ_max(W) = √λ_max(WᵀW),  λ_max = (tr + √(tr² − 4 det))/2 for a 2×2 matrix
    max|f'| = 1 (tanh, at 0), 0.25 (sigmoid, at 0)
    γ = σ_max · max|f'|;  factor = γᵏ;  γ < 1 → vanishing, γ > 1 → may explode
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, integer, matrix
from problems.shared.random_givens import dec, pick
from problems.shared.statement_text import mat_g

FMAX = {"tanh": 1.0, "sigmoid": 0.25}
CHOICES = {"vanishing": ["vanish", "vanishes", "gradient vanishes"],
           "exploding": ["explode", "explodes", "may explode", "can explode"]}
STEPS = [
    StepSpec("WtW", "W_hhᵀ W_hh", "matrix", 3, "W_hhᵀ W_hh"),
    StepSpec("sigma-max", "Largest singular value of W_hh", "number", 3, "√λ_max(W_hhᵀ W_hh)"),
    StepSpec("fmax", "max|f'| of the activation", "number", 2, "tanh: 1, sigmoid: 0.25"),
    StepSpec("gamma", "Per-step factor σ_max · max|f'|", "number", 3, "γ = σ_max · max|f'|"),
    StepSpec("factor", "Bound after k steps", "number", 4, "γᵏ"),
    StepSpec("regime", "vanishing or exploding", "choice", None, "γ < 1: vanishing; γ > 1: may explode"),
]
GIVENS = {"Whh (vanishing)": "2×2 recurrent matrix", "activation": "tanh or sigmoid", "k": "number of steps back"}
MISTAKES = {
    "eigenvalue": "largest |eigenvalue| of W_hh used instead of its largest singular value",
    "no-sqrt": "λ_max(W_hhᵀW_hh) used without the square root (σ_max = √λ_max)",
    "fmax-swapped": "max|f'| confused: tanh' peaks at 1, σ' peaks at 0.25",
}


def generate(rng: np.random.Generator, d: str) -> dict[str, Any]:
    """A 2×2 W_hh (symmetric at easy) with γ at least 0.05 away from 1."""
    act = "tanh" if d == "easy" else pick(rng, ["tanh", "sigmoid"] if d == "hard" else ["tanh", "tanh", "sigmoid"])
    while True:
        W = dec(rng, (2, 2), -1.5, 1.5, nonzero=True) * (4 if act == "sigmoid" else 1)
        if d == "easy":
            W[1, 0] = W[0, 1]
        gamma = np.linalg.norm(W, 2) * FMAX[act]
        if abs(gamma - 1) > 0.05 and (d == "easy" or abs(np.abs(np.linalg.eigvals(W)).max() - np.linalg.norm(W, 2)) > 0.05):
            return {"Whh": np.round(W, 1).tolist(), "activation": act, "k": pick(rng, [5, 10, 20])}


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Check W_hh (2×2), the activation and k; canonical givens of the vanishing variant."""
    W = matrix(g, "Whh", rows=(2, 2), cols=(2, 2))
    if not np.any(W):
        raise GivenError("Whh", "expected a non-zero matrix")
    out = {"Whh": W, "activation": choice(g, "activation", FMAX, default="tanh"), "k": integer(g, "k", 1, 200)}
    gamma = float(np.linalg.norm(np.array(W), 2)) * FMAX[out["activation"]]
    if out["k"] * np.log10(gamma) > MAX_FACTOR_DIGITS:
        raise GivenError("k", f"makes the bound γᵏ = {gamma:.4g}^{out['k']} larger than 1e{MAX_FACTOR_DIGITS} "
                         "(not a float): fewer steps or a smaller W_hh")
    return out


MAX_FACTOR_DIGITS = 300  # γᵏ stays a float (the key shows it)


def statement(g: dict[str, Any]) -> str:
    """The exercise text of the vanishing variant."""
    return (f"An RNN has W_hh = {mat_g(g['Whh'])} and activation {g['activation']}. Bound how a gradient changes "
            f"over k = {g['k']} steps back: compute W_hhᵀW_hh, the largest singular value σ_max, max|f'|, "
            "γ = σ_max·max|f'|, the factor γᵏ, and say whether gradients vanish or may explode.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with the vanishing variant."""
    return ["‖∂h_t/∂h_{t−k}‖ ≤ (σ_max(W_hh)·max|f'|)ᵏ; σ_max is the largest singular value (√ of the largest "
            "eigenvalue of W_hhᵀW_hh), not the largest eigenvalue of W_hh.",
            "regime: 'vanishing' when γ < 1, 'exploding' when γ > 1 (the bound grows, so gradients may explode)."]


def solve(g: dict[str, Any], work: Any) -> None:
    """WᵀW, σ_max, max|f′|, γ, γᵏ and the verdict, each known mistake replayed where it happens."""
    W = np.array(g["Whh"], dtype=float)
    WtW = work.put("WtW", "W_hhᵀ W_hh", W.T @ W, "W_hhᵀ W_hh")
    tr, det = WtW[0, 0] + WtW[1, 1], WtW[0, 0] * WtW[1, 1] - WtW[0, 1] * WtW[1, 0]
    lam = (tr + np.sqrt(max(tr * tr - 4 * det, 0.0))) / 2
    s = np.abs(np.linalg.eigvals(W)).max() if work.mistake("eigenvalue") else lam if work.mistake("no-sqrt") else np.sqrt(lam)
    s = work.put("sigma-max", "Largest singular value σ_max", s, "√λ_max(W_hhᵀW_hh)", f"λ_max = {lam:.4g}", ("WtW",))
    other = {"tanh": "sigmoid", "sigmoid": "tanh"}[g["activation"]]
    fm = work.put("fmax", f"max|f'| for {g['activation']}", FMAX[other if work.mistake("fmax-swapped") else g["activation"]],
                  "tanh'(0) = 1, σ'(0) = 0.25")
    gamma = work.put("gamma", "γ = σ_max · max|f'|", s * fm, "σ_max · max|f'|", depends_on=("sigma-max", "fmax"))
    work.put("factor", f"Bound after k = {g['k']} steps", gamma ** g["k"], "γᵏ", depends_on=("gamma",))
    work.put("regime", "Vanishing or exploding", "vanishing" if gamma < 1 else "exploding", "γ < 1: vanishing",
             depends_on=("gamma",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """numpy.linalg.svd for σ_max; the activation's slope maximised on a grid by finite differences."""
    W = np.array(g["Whh"], dtype=float)
    s = float(np.linalg.svd(W, compute_uv=False)[0])
    x = np.linspace(-5, 5, 10001)
    f = np.tanh if g["activation"] == "tanh" else (lambda z: 1 / (1 + np.exp(-z)))
    fm = float(np.max((f(x + 1e-6) - f(x - 1e-6)) / 2e-6))
    fm = round(fm, 6)
    return {"WtW": (W.T @ W).tolist(), "sigma-max": s, "fmax": fm, "gamma": s * fm, "factor": (s * fm) ** g["k"],
            "regime": "vanishing" if s * fm < 1 else "exploding"}
