"""Gradient clipping by norm or by value (SYLLABUS §6).

Equations::

    by norm:   ‖g‖ = √(Σ g_i²);  factor = θ/‖g‖ if ‖g‖ > θ else 1;  g ← factor · g   (direction kept)
    by value:  g_i ← min(max(g_i, −θ), θ)                              (direction may change)
               cos ∠(g, clipped) = g·c / (‖g‖ ‖c‖)

g may be a vector or a matrix (all entries together: the global norm of one parameter tensor).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError, choice, matrix, number, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import pick
from problems.shared.statement_text import mat, num, vec

NAME = "clipping"
SUMMARY = "Gradient clipping by norm (norm, clip factor, clipped gradient) or by value (and the direction change)"
SECTIONS = ("6",)
VARIANTS = {"norm": "clip by the L2 norm: g ← θg/‖g‖ when ‖g‖ > θ", "value": "clip each component to [−θ, θ]"}
STEPS = [
    StepSpec("norm", "‖g‖ before clipping", "number", 3, "√(Σ g_i²)"),
    StepSpec("factor", "Clip factor (norm clipping)", "number", 4, "θ/‖g‖ if ‖g‖ > θ else 1"),
    StepSpec("clipped", "Clipped gradient", "vector", 3, "factor · g | clip(g, −θ, θ)"),
    StepSpec("norm_after", "‖g‖ after clipping", "number", 3, "‖clipped‖"),
    StepSpec("cos", "cos of the angle between g and the clipped g (value clipping)", "number", 4, "g·c/(‖g‖‖c‖)"),
]
GIVENS = {"g": "gradient: a vector or a matrix", "threshold": "θ > 0", "mode": "norm (default) or value"}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "per-component": "each component clipped to ±θ (value clipping) where norm clipping rescales the whole vector",
    "value-as-norm": "whole vector rescaled by θ/‖g‖ (norm clipping) where value clipping clips each component",
    "factor-inverted": "clip factor inverted: ‖g‖/θ instead of θ/‖g‖",
    "clip-always": "rescaled although ‖g‖ ≤ θ: the factor is 1 when the norm is within the threshold",
    "no-sqrt": "norm without the square root: Σ g_i² instead of √(Σ g_i²)",
    "l1-norm": "L1 norm Σ|g_i| used instead of the L2 norm √(Σ g_i²)",
}
APPLIES = {"per-component": lambda g: g["mode"] == "norm", "value-as-norm": lambda g: g["mode"] == "value",
           "factor-inverted": lambda g: g["mode"] == "norm", "clip-always": lambda g: g["mode"] == "norm"}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Integer (easy) or one-decimal gradients; at hard a 2 × 2 matrix, sometimes already within θ."""
    mode = variant or pick(rng, ["norm"] if difficulty == "easy" else ["norm", "value"])

    def draw() -> dict[str, Any]:
        shape = {"easy": (2,), "exam": (3,), "hard": (2, 2)}[difficulty]
        while True:
            g = rng.integers(-6, 7, size=shape) * (1.0 if difficulty == "easy" else 0.5)
            theta = pick(rng, [1.0, 2.0, 3.0, 5.0] if difficulty != "easy" else [1.0, 2.0, 5.0])
            norm, big = float(np.linalg.norm(g)), np.abs(g) > theta
            inside = difficulty == "hard" and rng.integers(4) == 0
            if norm > 0 and abs(norm - theta) > 1e-3 and (norm < theta) == inside and (mode == "norm" or big.any() and not big.all()):
                return {"g": g.tolist(), "threshold": theta, "mode": mode}
    return generate_clear(this(__name__), draw)


MIN_NORM = 1e-6  # value mode: the cosine of the angle divides by ‖g‖


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """A vector or matrix gradient, θ > 0, the mode."""
    raw = g.get("g")
    nested = isinstance(raw, list) and raw and isinstance(raw[0], list) or isinstance(raw, str) and raw.strip().startswith("[[")
    grad = matrix(g, "g", rows=(1, 16), cols=(1, 16)) if nested else vector(g, "g", (1, 64))
    out = {"g": grad, "threshold": number(g, "threshold", 1e-9, 1e9), "mode": choice(g, "mode", VARIANTS, default="norm")}
    if out["mode"] == "value" and np.sqrt(np.sum(np.square(grad))) < MIN_NORM:
        raise GivenError("g", f"has a norm below {MIN_NORM:g}: value clipping's cosine needs a direction")
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    show = mat(g["g"]) if isinstance(g["g"][0], list) else vec(g["g"])
    if g["mode"] == "norm":
        return (f"Clip the gradient g = {show} by its L2 norm with threshold θ = {num(g['threshold'])}: give ‖g‖, the clip "
                "factor, the clipped gradient and its norm.")
    return (f"Clip the gradient g = {show} by value with threshold θ = {num(g['threshold'])}: give ‖g‖, the clipped "
            "gradient, its norm and the cosine of the angle between g and the clipped gradient.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    if g["mode"] == "norm":
        return ["Norm clipping: if ‖g‖ > θ then g ← (θ/‖g‖)·g, else g is unchanged (factor 1).",
                "‖·‖ is the L2 norm over all entries."]
    return ["Value clipping: every entry clipped to [−θ, θ]; the direction can change.", "‖·‖ is the L2 norm over all entries."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Norm, factor (norm mode), clipped gradient, its norm, and the angle (value mode)."""
    if idle(work, APPLIES, g):
        return
    grad, theta = np.array(g["g"]), g["threshold"]
    if work.mistake("l1-norm"):
        n = np.abs(grad).sum()
    else:
        n = (grad ** 2).sum() if work.mistake("no-sqrt") else np.sqrt((grad ** 2).sum())
    n = work.put("norm", "‖g‖", float(n), "√(Σ g_i²)")
    if g["mode"] == "norm":
        clips = n > theta or work.mistake("clip-always")
        f = (n / theta if work.mistake("factor-inverted") else theta / n) if clips else 1.0
        f = work.put("factor", "Clip factor", f, "θ/‖g‖ if ‖g‖ > θ else 1", depends_on=("norm",))
        c = np.clip(grad, -theta, theta) if work.mistake("per-component") else f * grad
        c = work.put("clipped", "Clipped gradient", c, "factor · g", depends_on=("factor",))
    else:
        c = grad * min(1.0, theta / n) if work.mistake("value-as-norm") else np.clip(grad, -theta, theta)
        c = work.put("clipped", "Clipped gradient", c, "clip(g, −θ, θ)")
    work.put("norm_after", "‖clipped‖", float(np.sqrt((np.asarray(c) ** 2).sum())), "√(Σ c_i²)", depends_on=("clipped",))
    if g["mode"] == "value":
        c = np.asarray(c)
        work.put("cos", "cos of the angle between g and the clipped g", float((grad * c).sum() / (n * np.sqrt((c ** 2).sum()))), "g·c / (‖g‖ ‖c‖)",
                 depends_on=("clipped", "norm"))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch.nn.utils.clip_grad_norm_/clip_grad_value_, else NumPy."""
    grad, theta, torch = np.array(g["g"], dtype=float), g["threshold"], load_torch()
    if torch is None:
        norm = float(np.linalg.norm(grad.ravel()))
        clipped = grad * min(1.0, theta / norm) if g["mode"] == "norm" else np.clip(grad, -theta, theta)
    else:
        p = torch.zeros(grad.shape, dtype=torch.float64, requires_grad=True)
        p.grad = torch.tensor(grad, dtype=torch.float64)
        if g["mode"] == "norm":
            norm = float(torch.nn.utils.clip_grad_norm_([p], max_norm=theta))
            # torch divides by ‖g‖ + 1e-6; undo that so the factor is exactly θ/‖g‖
            clipped = p.grad.numpy() * ((norm + 1e-6) / norm if norm > theta else 1.0)
        else:
            norm = float(torch.linalg.vector_norm(p.grad))
            torch.nn.utils.clip_grad_value_([p], clip_value=theta)
            clipped = p.grad.numpy()
    out = {"norm": norm, "clipped": clipped.tolist(), "norm_after": float(np.linalg.norm(clipped.ravel()))}
    if g["mode"] == "norm":
        out["factor"] = min(1.0, theta / norm)
    else:
        out["cos"] = float(np.dot(grad.ravel(), clipped.ravel()) / (norm * out["norm_after"]))
    return out
