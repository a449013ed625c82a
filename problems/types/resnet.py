"""Residual block: H(x) = F(x) + x (addition, not concatenation), a projection W_s x when the
shapes differ, the parameter count, and the gradient through the shortcut (SYLLABUS §5).

Equations::

    z₁ = W₁x + b₁,  a₁ = ReLU(z₁),  F = W₂a₁ + b₂                   residual branch
    H = F + x   (identity: d_out = d_in)   or   H = F + W_s x   (projection, W_s: d_out × d_in, no bias)
    y = ReLU(H);   dim H = d_out;   parameters |W₁| + |b₁| + |W₂| + |b₂| (+ |W_s|)
    backward:  δH = δy ⊙ [H > 0],  δa₁ = W₂ᵀδH,  δz₁ = δa₁ ⊙ [z₁ > 0],  δx = W₁ᵀδz₁ + δH  (or + W_sᵀδH)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, matrix, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.statement_text import mat, vec
from problems.shared.unit_functions import relu
from problems.types import _resnet_block as R

NAME = "resnet"
SUMMARY = "Residual block H(x) = F(x) + x: branch, shortcut (identity or projection W_s x), ReLU, parameters, δx"
SECTIONS = ("5",)
VARIANTS = {"identity": "identity shortcut: H = F(x) + x (d_out = d_in)",
            "projection": "projection shortcut: H = F(x) + W_s x when d_out ≠ d_in"}
STEPS = [
    StepSpec("z1", "Pre-activation of the branch z₁", "vector", 2, "W₁x + b₁"),
    StepSpec("a1", "a₁ = ReLU(z₁)", "vector", 2, "max(0, z₁)"),
    StepSpec("F", "Residual branch F(x)", "vector", 3, "W₂a₁ + b₂"),
    StepSpec("shortcut", "Shortcut W_s x (projection)", "vector", 2, "W_s x"),
    StepSpec("H", "H(x) = F(x) + shortcut", "vector", 3, "F(x) + x  or  F(x) + W_s x (added, not concatenated)"),
    StepSpec("size", "Length of H", "integer", None, "d_out (addition keeps the size)"),
    StepSpec("y", "Block output y = ReLU(H)", "vector", 3, "max(0, H)"),
    StepSpec("params", "Parameters of the block", "integer", None, "d_mid(d_in + 1) + d_out(d_mid + 1) (+ d_out·d_in)"),
    StepSpec("dH", "δH = ∂L/∂H", "vector", 3, "δy ⊙ [H > 0]"),
    StepSpec("da1", "δa₁", "vector", 3, "W₂ᵀ δH"),
    StepSpec("dz1", "δz₁", "vector", 3, "δa₁ ⊙ [z₁ > 0]"),
    StepSpec("dx", "δx = ∂L/∂x", "vector", 3, "W₁ᵀ δz₁ + δH  (projection: + W_sᵀ δH)"),
]
GIVENS = {"variant": "identity or projection", "x": "input vector (d_in)", "W1, b1": "first layer of the branch (d_mid × d_in, d_mid)",
          "W2, b2": "second layer of the branch (d_out × d_mid, d_out)", "Ws": "projection: shortcut matrix (d_out × d_in)",
          "dy": "upstream gradient ∂L/∂y (d_out) for the backward pass (optional)"}
MISTAKES = {
    "skip-gradient-omitted": "shortcut path left out of δx: the identity adds δH (projection: W_sᵀ δH) to W₁ᵀ δz₁",
    "mask-from-F": "ReLU mask of the output taken from F(x) instead of from H = F(x) + shortcut",
    "dz1-no-mask": "ReLU derivative forgotten in the branch: δz₁ = δa₁ instead of δa₁ ⊙ [z₁ > 0]",
    "relu-before-add": "ReLU applied before the addition: ReLU(F(x)) + x instead of ReLU(F(x) + x)",
    "skip-omitted": "shortcut left out: H = F(x) (that is a plain block)",
    "concat": "shortcut concatenated: [F(x); x] has length d_out + d_in; ResNet adds, H = F(x) + x",
    "identity-params": "identity shortcut counted as a d × d weight matrix: it has no parameters",
    "projection-bias": "a bias counted for W_s: the projection here has weights only (d_out·d_in)",
}
DIAGNOSES = {"concatenated": "H written as the concatenation [F(x); shortcut]: a residual block adds, H = F(x) + x"}
APPLIES = {"identity-params": lambda g: g["variant"] == "identity", "projection-bias": lambda g: g["variant"] == "projection",
           **{m: (lambda g: "dy" in g) for m in ("skip-gradient-omitted", "mask-from-F", "dz1-no-mask")}}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """One-decimal weights in [−1, 1]; d = 2 at easy, 2–3 at exam; hard adds δy and the backward pass."""
    v = variant or pick(rng, ["identity", "identity", "projection"] if difficulty != "hard" else ["identity", "projection"])
    return generate_clear(this(__name__), lambda: R.draw(rng, v, difficulty), tries=60)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Shapes agree: W₁ d_mid × d_in, W₂ d_out × d_mid, W_s d_out × d_in (identity: d_out = d_in)."""
    v = choice(g, "variant", VARIANTS, default="projection" if "Ws" in g else "identity")
    x = vector(g, "x", (1, 6))
    W1 = matrix(g, "W1", rows=(1, 6), cols=(len(x), len(x)))
    W2 = matrix(g, "W2", rows=(1, 6), cols=(len(W1), len(W1)))
    out = {"variant": v, "x": x, "W1": W1, "b1": vector(g, "b1", (len(W1), len(W1))), "W2": W2,
           "b2": vector(g, "b2", (len(W2), len(W2)))}
    if v == "identity" and len(W2) != len(x):
        raise GivenError("W2", f"an identity shortcut needs d_out = d_in = {len(x)}: give {len(x)} rows, or a projection Ws")
    if v == "projection":
        out["Ws"] = matrix(g, "Ws", rows=(len(W2), len(W2)), cols=(len(x), len(x)))
    if g.get("dy") is not None:
        out["dy"] = vector(g, "dy", (len(W2), len(W2)))
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    short = "the identity shortcut H = F(x) + x" if g["variant"] == "identity" else f"the projection shortcut W_s = {mat(g['Ws'])}, H = F(x) + W_s x"
    text = (f"A residual block computes F(x) = W₂ ReLU(W₁x + b₁) + b₂ with W₁ = {mat(g['W1'])}, b₁ = {vec(g['b1'])}, "
            f"W₂ = {mat(g['W2'])}, b₂ = {vec(g['b2'])}, {short}, and y = ReLU(H). For x = {vec(g['x'])} give z₁, a₁, F(x)"
            + (", W_s x" if g["variant"] == "projection" else "") + ", H, its length, y and the number of parameters.")
    return text + (f" Then backpropagate δy = {vec(g['dy'])}: δH, δa₁, δz₁ and δx." if "dy" in g else "")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["The shortcut is added to F(x) (not concatenated); ReLU comes after the addition.",
            "ReLU′(0) = 0; the projection W_s has no bias (like ResNet's 1×1 projection before batch norm)."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Branch, shortcut, H, y, parameter count; with δy the backward pass through both paths."""
    if idle(work, APPLIES, g):
        return
    x, W1, b1, W2, b2 = (np.array(g[k], dtype=float) for k in ("x", "W1", "b1", "W2", "b2"))
    z1 = work.put("z1", "z₁ = W₁x + b₁", W1 @ x + b1, "W₁x + b₁")
    a1 = work.put("a1", "a₁ = ReLU(z₁)", relu(z1), "max(0, z₁)", depends_on=("z1",))
    F = work.put("F", "F(x) = W₂a₁ + b₂", W2 @ a1 + b2, "W₂a₁ + b₂", depends_on=("a1",))
    Ws = np.array(g["Ws"], dtype=float) if g["variant"] == "projection" else np.eye(len(x))
    s = work.put("shortcut", "W_s x", Ws @ x, "W_s x") if g["variant"] == "projection" else x
    H = work.put("H", "H = F(x) + shortcut", F if work.mistake("skip-omitted") else F + s, "F(x) + x" if g["variant"] == "identity" else "F(x) + W_s x",
                 depends_on=("F", "shortcut") if g["variant"] == "projection" else ("F",))
    work.put("size", "dim H", len(F) + len(x) if work.mistake("concat") else len(F), "d_out", because="addition keeps the length")
    y = relu(F) + s if work.mistake("relu-before-add") else relu(H)
    work.put("y", "y = ReLU(H)", y, "max(0, H)", depends_on=("F", "shortcut") if work.mistake("relu-before-add") else ("H",))
    work.put("params", "Parameters", R.params(g, work), R.params_text(g))
    if "dy" not in g:
        return
    dy = np.array(g["dy"], dtype=float)
    gate = F if work.mistake("mask-from-F") else H
    dH = work.put("dH", "δH", dy * (gate > 0), "δy ⊙ [H > 0]", depends_on=("H",))
    da1 = work.put("da1", "δa₁", W2.T @ dH, "W₂ᵀ δH", depends_on=("dH",))
    dz1 = work.put("dz1", "δz₁", da1 if work.mistake("dz1-no-mask") else da1 * (z1 > 0), "δa₁ ⊙ [z₁ > 0]", depends_on=("da1", "z1"))
    skip = 0.0 if work.mistake("skip-gradient-omitted") else Ws.T @ dH
    work.put("dx", "δx", W1.T @ dz1 + skip, "W₁ᵀ δz₁ + δH" if g["variant"] == "identity" else "W₁ᵀ δz₁ + W_sᵀ δH", depends_on=("dz1", "dH"))


def diagnose(g: dict[str, Any], ctx: Any) -> str | None:
    """H of length d_out + d_in equal to [F(x); shortcut] is the concatenation slip."""
    if ctx.step_id != "H" or not isinstance(ctx.given, list):
        return None
    F = ctx.student.get("F", ctx.expected["F"])
    s = ctx.student.get("shortcut", ctx.expected.get("shortcut", g["x"]))
    return DIAGNOSES["concatenated"] if ctx.matches(list(np.concatenate([F, s]))) else None


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch nn.Linear layers and autograd (NumPy central
    differences without torch); parameters counted from the modules."""
    return R.cross(g)
