"""Vanilla RNN: forward through T steps, BPTT for T ≤ 3, the vanishing-gradient factor (§6).

Equations::

    a_t = W_hh h_{t−1} + W_xh x_t + b_h      h_t = tanh(a_t)      y_t = W_hy h_t + b_y
    L = ½ Σ_t ‖y_t − d_t‖²                   δy_t = y_t − d_t
    δh_t = W_hyᵀ δy_t + W_hhᵀ δa_{t+1}       δa_t = δh_t ⊙ (1 − h_t²)        (t = T … 1)
    ∂L/∂W_hh = Σ_t δa_t h_{t−1}ᵀ,  ∂L/∂W_xh = Σ_t δa_t x_tᵀ,  ∂L/∂b_h = Σ_t δa_t,  ∂L/∂W_hy = Σ_t δy_t h_tᵀ
    vanishing: ‖∂h_t/∂h_{t−k}‖ ≤ (σ_max(W_hh) · max|f'|)ᵏ
Shapes: x_t (D), h_t (H), y_t (O); W_xh (H×D), W_hh (H×H), W_hy (O×H). A 1-unit value is a number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, matrix, vector
from problems.shared.array_steps import arr, put
from problems.shared.clear_mistakes import distinct, this
from problems.shared.given_readers import one_unit
from problems.shared.mistake_replay import other_mistake
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import dec, pick, variant_of
from problems.shared.statement_text import mat_g, vec_g
from problems.shared.unit_functions import sigmoid
from problems.types import _rnn_bptt as bptt
from problems.types import _rnn_vanishing as van

NAME = "rnn"
SUMMARY = "Vanilla RNN: a_t, h_t, y_t over T steps; BPTT gradients; vanishing factor (σ_max·max|f'|)ᵏ"
SECTIONS = ("6",)
VARIANTS = {"forward": "a_t, h_t, y_t for every step", "bptt": "forward, loss and backpropagation through time",
            "vanishing": "largest singular value of W_hh, max|f'| and the factor over k steps"}
_DRAW = {"easy": ["forward", "forward", "vanishing"], "exam": ["forward", "forward", "vanishing"],
         "hard": ["bptt", "bptt", "vanishing"]}
CHOICES = van.CHOICES
STEPS = [
    StepSpec("a.t", "Pre-activation at step t", "vector", 3, "a_t = W_hh h_{t−1} + W_xh x_t + b_h"),
    StepSpec("h.t", "Hidden state at step t", "vector", 3, "h_t = tanh(a_t)"),
    StepSpec("y.t", "Output at step t", "vector", 3, "y_t = W_hy h_t + b_y"),
] + bptt.STEPS + van.STEPS
GIVENS = {"variant": "forward, bptt or vanishing",
          "Wxh, Whh, bh, Why, by": "weights (H×D, H×H, H, O×H, O); a 1-unit RNN may give numbers",
          "x": "inputs x_1 … x_T, one row each, or a plain list for one input (T ≤ 4; T ≤ 3 for bptt)", "h0": "initial state (default zeros)",
          "d": "bptt: targets d_1 … d_T, one row each"} | van.GIVENS
MISTAKES = {
    "swapped": "W_hh and W_xh swapped: W_xh h_{t−1} + W_hh x_t",
    "bias-omitted": "bias b_h left out of a_t",
    "sigmoid-for-tanh": "σ used instead of tanh for the hidden state",
    "stale-h": "h_{t−1} not carried forward: h_0 used at every step",
    "output-pre-activation": "output computed from a_t instead of h_t = tanh(a_t)",
} | bptt.MISTAKES | van.MISTAKES
_OWN = list(MISTAKES)[:8]


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """One-decimal weights in [−1, 1]; a 1-unit RNN at easy, 2 units at exam and hard."""
    v = variant_of(rng, variant, VARIANTS, _DRAW, difficulty)
    if v == "vanishing":
        return {"variant": v} | van.generate(rng, difficulty)
    H = 1 if difficulty == "easy" else 2
    D = H if difficulty == "easy" else pick(rng, [1, 2, 2])
    T = 2 if difficulty == "easy" else pick(rng, [2, 3])
    while True:
        g = _draw(rng, v, H, D, T, difficulty)
        if distinct(this(__name__), g):
            return g


def _draw(rng: np.random.Generator, v: str, H: int, D: int, T: int, difficulty: str) -> dict[str, Any]:
    g = {"variant": v, "Wxh": dec(rng, (H, D), -1, 1, nonzero=True), "Whh": dec(rng, (H, H), -1, 1, nonzero=True),
         "bh": dec(rng, H, -0.5, 0.5, nonzero=True), "Why": dec(rng, (1, H), -1, 1, nonzero=True),
         "by": dec(rng, 1, -0.5, 0.5), "x": dec(rng, (T, D), -1, 1, nonzero=True),
         "h0": np.zeros(H) if difficulty == "easy" else dec(rng, H, -0.5, 0.5)}
    if v == "bptt":
        g["d"] = dec(rng, (T, 1), -1, 1)
    return {k: val.tolist() if isinstance(val, np.ndarray) else val for k, val in g.items()}


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Shapes must agree; return canonical nested lists."""
    v = choice(givens, "variant", VARIANTS, default="bptt" if "d" in givens else "vanishing" if "k" in givens else "forward")
    if v == "vanishing":
        return {"variant": v} | van.validate(givens)
    givens = one_unit(givens, ("Wxh", "Whh", "Why"), ("bh", "by", "h0"))
    Whh = matrix(givens, "Whh", rows=(1, 4), cols=(1, 4))
    H = len(Whh)
    if len(Whh[0]) != H:
        raise GivenError("Whh", "expected a square H×H matrix")
    Wxh = matrix(givens, "Wxh", rows=(H, H), cols=(1, 4))
    Why = matrix(givens, "Why", rows=(1, 4), cols=(H, H))
    givens = one_unit(givens, columns=[k for k, n in (("x", len(Wxh[0])), ("d", len(Why))) if n == 1])
    x = matrix(givens, "x", rows=(1, 3 if v == "bptt" else 4), cols=(len(Wxh[0]),) * 2)
    g = {"variant": v, "Wxh": Wxh, "Whh": Whh,
         "bh": vector(givens, "bh", (H, H)), "Why": Why, "by": vector(givens, "by", (len(Why),) * 2), "x": x,
         "h0": vector(givens, "h0", (H, H), default=[0.0] * H)}
    if v == "bptt":
        g["d"] = matrix(givens, "d", rows=(len(x),) * 2, cols=(len(Why),) * 2)
    return g


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if g["variant"] == "vanishing":
        return van.statement(g)
    xs = "; ".join(f"x_{t} = {vec_g(x)}" for t, x in enumerate(g["x"], 1))
    text = (f"A vanilla RNN has W_xh = {mat_g(g['Wxh'])}, W_hh = {mat_g(g['Whh'])}, b_h = {vec_g(g['bh'])}, "
            f"W_hy = {mat_g(g['Why'])}, b_y = {vec_g(g['by'])} and h_0 = {vec_g(g['h0'])}. Feed {xs}. "
            "For every step compute a_t, h_t = tanh(a_t) and y_t.")
    if g["variant"] == "bptt":
        ds = "; ".join(f"d_{t} = {vec_g(d)}" for t, d in enumerate(g["d"], 1))
        text += (f" The targets are {ds} and L = (1/2)Σ_t‖y_t − d_t‖². Compute L, δy_t, then δh_t and δa_t from "
                 "t = T back to 1, and ∂L/∂W_hy, ∂L/∂W_hh, ∂L/∂W_xh, ∂L/∂b_h.")
    return text


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    if g["variant"] == "vanishing":
        return van.conventions(g)
    return ["h_t = tanh(W_hh h_{t−1} + W_xh x_t + b_h), y_t = W_hy h_t + b_y (no activation on the output).",
            "Values of a 1-unit layer are written as numbers, otherwise as vectors [·, ·]."] + (
        ["BPTT: L = (1/2)Σ_t‖y_t − d_t‖²; gradients summed over all time steps."] if g["variant"] == "bptt" else [])


def solve(g: dict[str, Any], work: Any) -> None:
    """Forward through every step, then (bptt) the backward pass and the summed gradients."""
    if g["variant"] == "vanishing":
        return None if other_mistake(work, MISTAKES, van.MISTAKES) else van.solve(g, work)
    if other_mistake(work, MISTAKES, _OWN if g["variant"] == "bptt" else _OWN[:5]):
        return None
    Wxh, Whh, bh, Why, by, X, h0 = arr(g, "Wxh", "Whh", "bh", "Why", "by", "x", "h0")
    Wa, Wb = (Whh, Wxh) if work.mistake("swapped") and Wxh.shape == Whh.shape else (Wxh, Whh)
    hs, As, ys, T = [h0], [], [], len(X)
    for t in range(1, T + 1):
        hp = h0 if work.mistake("stale-h") else hs[-1]
        a = Wb @ hp + Wa @ X[t - 1] + (0.0 if work.mistake("bias-omitted") else bh)
        As.append(put(work, f"a.{t}", f"Pre-activation a_{t}", a, "W_hh h_{t−1} + W_xh x_t + b_h", (f"h.{t - 1}",) if t > 1 else ()))
        hs.append(put(work, f"h.{t}", f"Hidden state h_{t}", (sigmoid if work.mistake("sigmoid-for-tanh") else np.tanh)(As[-1]), "tanh(a_t)", (f"a.{t}",)))
        out = As[-1] if work.mistake("output-pre-activation") else hs[-1]
        ys.append(put(work, f"y.{t}", f"Output y_{t}", Why @ out + by, "W_hy h_t + b_y", (f"h.{t}",)))
    if g["variant"] == "bptt":
        bptt.backward(g, work, Whh, Why, X, h0, As, hs, ys)
    return None


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch nn.RNN + autograd, or NumPy finite differences."""
    from problems.types._rnn_crosscheck import rnn_cross
    return van.cross_check(g) if g["variant"] == "vanishing" else rnn_cross(g, load_torch())


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0, "hard"), "text"))
