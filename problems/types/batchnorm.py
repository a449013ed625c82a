"""Batch normalisation of a mini-batch, forward and (at ``hard``) backward (SYLLABUS §4).

Equations::

    μ_B = (1/m) Σ_i x_i,   σ²_B = (1/m) Σ_i (x_i − μ_B)²,   s = √(σ²_B + ε)
    x̂_i = (x_i − μ_B)/s,   y_i = γ x̂_i + β
    ∂L/∂β = Σ dy_i,   ∂L/∂γ = Σ dy_i x̂_i,   ∂L/∂x̂ = γ dy
    ∂L/∂x_i = (1/(m s)) (m ∂L/∂x̂_i − Σ_j ∂L/∂x̂_j − x̂_i Σ_j ∂L/∂x̂_j x̂_j)

x is a list of m values (one feature) or an m × d matrix (statistics per column).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import matrix, number, vector
from problems.shared.checked_math import root
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.statement_text import mat, num, vec
from problems.work import noise_floor

NAME = "batchnorm"
SUMMARY = "Batch norm: μ_B, σ²_B (divisor m), x̂, y = γx̂ + β; backward ∂L/∂γ, ∂L/∂β, ∂L/∂x at hard"
SECTIONS = ("4",)
VARIANTS = {"forward": "forward pass only", "backward": "forward pass and the backward pass for a given upstream gradient dy"}
STEPS = [
    StepSpec("mu", "Batch mean μ_B", "vector", 3, "(1/m) Σ x_i"),
    StepSpec("var", "Batch variance σ²_B (divisor m)", "vector", 4, "(1/m) Σ (x_i − μ_B)²"),
    StepSpec("std", "√(σ²_B + ε)", "vector", 4, "√(σ²_B + ε)"),
    StepSpec("xhat", "Normalised x̂", "vector", 4, "(x − μ_B)/√(σ²_B + ε)"),
    StepSpec("y", "Output y = γx̂ + β", "vector", 4, "γ x̂ + β"),
    StepSpec("dbeta", "∂L/∂β", "vector", 4, "Σ dy"),
    StepSpec("dgamma", "∂L/∂γ", "vector", 4, "Σ dy ⊙ x̂"),
    StepSpec("dxhat", "∂L/∂x̂", "vector", 4, "γ dy"),
    StepSpec("dx", "∂L/∂x", "vector", 4, "(m dx̂ − Σdx̂ − x̂ Σ dx̂ x̂)/(m s)"),
]
GIVENS = {"x": "the batch: m values, or an m × d matrix (one column per feature)", "gamma": "scale γ (number or one per feature)",
          "beta": "shift β (number or one per feature)", "eps": "ε (default 1e-5)",
          "dy": "upstream gradient ∂L/∂y (same shape as x), for the backward pass"}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "dx-no-mean-terms": "∂L/∂x taken as γ dy/√(σ² + ε): the paths through μ_B and σ²_B are missing",
    "dgamma-as-dbeta": "∂L/∂γ written as Σ dy: the factor x̂ is missing",
    "gamma-beta-swapped": "γ and β swapped: y = β x̂ + γ",
    "no-root": "divided by σ² + ε instead of √(σ² + ε)",
    "eps-forgotten": "ε forgotten: divided by √σ² instead of √(σ² + ε)",
    "n-minus-1": "variance with divisor m − 1; batch norm uses 1/m",
}
APPLIES = {"dx-no-mean-terms": lambda g: "dy" in g, "dgamma-as-dbeta": lambda g: "dy" in g, "eps-forgotten": lambda g: g["eps"] >= 1e-4}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Easy: 4 integers; exam: 4 one-decimal values; hard: a 4 × 2 batch with dy (backward)."""
    backward = (variant or ("backward" if difficulty == "hard" else "forward")) == "backward"

    def draw() -> dict[str, Any]:
        shape = (4, 2) if difficulty == "hard" else (pick(rng, [4, 5]) if difficulty == "exam" else 4,)
        while True:
            x = rng.integers(0, 10, size=shape) * (1.0 if difficulty == "easy" else 0.5)
            if np.all(np.ptp(x, axis=0) > 0):
                break
        d = 1 if x.ndim == 1 else shape[1]
        pair = lambda opts: pick(rng, opts) if d == 1 else [pick(rng, opts) for _ in range(d)]  # noqa: E731
        g = {"x": x.tolist(), "gamma": pair([1.0, 0.5, 2.0, 1.5]), "beta": pair([0.0, 0.5, -0.5, 1.0]),
             "eps": pick(rng, [1e-5] if difficulty == "easy" else [1e-5, 0.01, 0.1])}
        if backward:
            g["dy"] = (rng.integers(-10, 11, size=shape) / 10).tolist()
        return g
    return generate_clear(this(__name__), draw)


MIN_VAR_EPS = 1e-12  # σ² + ε: √(σ² + ε) ≥ 1e-6 stays a number the key can show and divide by


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """A batch of at least 2 values per feature with non-zero spread or ε > 0; γ, β per feature."""
    raw = g.get("x")
    nested = isinstance(raw, list) and raw and isinstance(raw[0], list) or isinstance(raw, str) and raw.strip().startswith("[[")
    x = matrix(g, "x", rows=(2, 64), cols=(1, 8)) if nested else vector(g, "x", (2, 64))
    d = len(x[0]) if nested else 1
    side = lambda k, dflt: vector(g, k, (d, d)) if isinstance(g.get(k), list) else number(g, k, default=dflt)  # noqa: E731
    out: dict[str, Any] = {"x": x, "gamma": side("gamma", 1.0), "beta": side("beta", 0.0), "eps": number(g, "eps", 0.0, 1.0, default=1e-5)}
    if out["eps"] == 0 and np.any(np.ptp(np.array(x), axis=0) == 0):
        raise GivenError("x", "a batch with zero variance needs ε > 0")
    if np.min(np.var(np.array(x), axis=0)) + out["eps"] < MIN_VAR_EPS:
        raise GivenError("eps", f"σ² + ε must be at least {MIN_VAR_EPS:g} (√(σ² + ε) divides every x̂): give a larger ε "
                         "or values that vary more")
    if "dy" in g:
        out["dy"] = matrix(g, "dy", rows=(len(x), len(x)), cols=(d, d)) if nested else vector(g, "dy", (len(x), len(x)))
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    show = mat if isinstance(g["x"][0], list) else vec
    side = lambda v: vec(v) if isinstance(v, list) else num(v)  # noqa: E731
    text = (f"Batch-normalise the mini-batch x = {show(g['x'])} with γ = {side(g['gamma'])}, β = {side(g['beta'])}, "
            f"ε = {num(g['eps'])}: give μ_B, σ²_B, √(σ²_B + ε), x̂ and y.")
    return text + (f" Then backpropagate dy = {show(g['dy'])}: ∂L/∂β, ∂L/∂γ, ∂L/∂x̂ and ∂L/∂x." if "dy" in g else "")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    per = " of each column (feature)" if isinstance(g["x"][0], list) else ""
    return [f"Batch statistics{per} with divisor m (not m − 1).", "x̂ = (x − μ_B)/√(σ²_B + ε), y = γ x̂ + β."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Forward statistics and outputs; with dy, the backward pass."""
    if idle(work, APPLIES, g):
        return
    x, gamma, beta, eps = np.array(g["x"]), np.array(g["gamma"]), np.array(g["beta"]), g["eps"]
    m = len(x)
    mu = work.put("mu", "Batch mean", x.mean(axis=0), "(1/m) Σ x_i", tiny=noise_floor(x))
    var = work.put("var", "Batch variance", ((x - mu) ** 2).sum(axis=0) / (m - 1 if work.mistake("n-minus-1") else m),
                   "(1/m) Σ (x_i − μ_B)²", depends_on=("mu",), tiny=noise_floor(x, 2))
    e = 0.0 if work.mistake("eps-forgotten") and eps >= 1e-4 else eps  # a tiny ε hides the slip
    std = var + e if work.mistake("no-root") else root(var + e)
    std = work.put("std", "√(σ²_B + ε)", std, "√(σ²_B + ε)", depends_on=("var",))
    xhat = work.put("xhat", "x̂", (x - mu) / std, "(x − μ_B)/√(σ²_B + ε)", depends_on=("mu", "std"))
    a, b = (beta, gamma) if work.mistake("gamma-beta-swapped") else (gamma, beta)
    work.put("y", "y = γx̂ + β", a * xhat + b, "γ x̂ + β", depends_on=("xhat",))
    if "dy" not in g:
        return
    dy = np.array(g["dy"])
    work.put("dbeta", "∂L/∂β", dy.sum(axis=0), "Σ dy")
    dgamma = dy.sum(axis=0) if work.mistake("dgamma-as-dbeta") else (dy * xhat).sum(axis=0)
    work.put("dgamma", "∂L/∂γ", dgamma, "Σ dy ⊙ x̂", depends_on=("xhat",))
    dxh = work.put("dxhat", "∂L/∂x̂", gamma * dy, "γ dy")
    dx = dxh / std if work.mistake("dx-no-mean-terms") else \
        (m * dxh - dxh.sum(axis=0) - xhat * (dxh * xhat).sum(axis=0)) / (m * std)
    work.put("dx", "∂L/∂x", dx, "(m dx̂ − Σ dx̂ − x̂ Σ dx̂ x̂)/(m √(σ² + ε))", depends_on=("dxhat", "xhat", "std"))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch F.batch_norm + autograd, else an explicit Jacobian in NumPy."""
    from problems.types._batchnorm_crosscheck import cross_check as run
    return run(g)
