"""Bidirectional RNN: a forward and a backward tanh RNN over the same sequence, concatenated per
time step, h_t = [h→_t ; h←_t]; output size and parameter count (SYLLABUS §7).

Equations::

    h→_t = tanh(W→_xh x_t + W→_hh h→_(t−1) + b→)     t = 1 … T,   h→_0 = 0
    h←_t = tanh(W←_xh x_t + W←_hh h←_(t+1) + b←)     t = T … 1,   h←_(T+1) = 0
    h_t = [h→_t ; h←_t]  (length 2H),   y_t = W_y h_t + b_y  (W_y: O × 2H)
    parameters 2[H(H + D) + H] (+ O(2H + 1) for the output layer)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.shared.array_steps import put
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.types import _birnn_layer as B

NAME = "birnn"
SUMMARY = "Bidirectional RNN: forward states h→_t, backward states h←_t (t = T … 1), h_t = [h→_t ; h←_t], y_t, size, parameters"
SECTIONS = ("7",)
STEPS = [
    StepSpec("hf.t", "Forward state h→_t", "vector", 3, "tanh(W→_xh x_t + W→_hh h→_(t−1) + b→)"),
    StepSpec("hb.t", "Backward state h←_t (computed from t = T down)", "vector", 3, "tanh(W←_xh x_t + W←_hh h←_(t+1) + b←)"),
    StepSpec("h.t", "Concatenated state h_t", "vector", 3, "[h→_t ; h←_t]"),
    StepSpec("y.t", "Output y_t", "vector", 3, "W_y h_t + b_y"),
    StepSpec("size", "Length of h_t", "integer", None, "2H"),
    StepSpec("params", "Parameters (both directions, output layer if any)", "integer", None, "2[H(H + D) + H] + O(2H + 1)"),
]
GIVENS = B.GIVENS
MISTAKES = {
    "backward-not-reversed": "backward direction run from t = 1: it must start at t = T and read the sequence in reverse",
    "shared-weights": "backward direction computed with the forward weights: each direction has its own",
    "misaligned": "backward states paired by computation order: h_t needs h←_t of the same time step, not the t-th one computed",
    "order-swapped": "concatenated in the other order: h_t = [h→_t ; h←_t], forward part first",
    "summed": "directions added (length H): a bidirectional layer concatenates them (length 2H)",
    "params-once": "parameters of one direction only: the backward direction has its own H(H + D) + H",
    "params-bias-forgotten": "biases forgotten in the count: each direction has H(H + D) + H",
}
DIAGNOSES = {"states-added": "h_t written as h→_t + h←_t: the two directions are concatenated, [h→_t ; h←_t]"}
APPLIES = {"order-swapped": lambda g: g["Wxh_f"] != g["Wxh_b"] or g["bh_f"] != g["bh_b"]}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """One unit per direction at easy and exam (states are numbers), 2 units and 2 inputs at hard;
    an output layer except at easy."""
    return generate_clear(this(__name__), lambda: B.draw(rng, difficulty, pick), tries=60)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Both directions H units over D inputs; x is T × D (a plain list when D = 1); W_y is O × 2H."""
    return B.validate(g)


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    return B.statement(g)


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["h→_0 = 0 and h←_(T+1) = 0; both directions use tanh.",
            "h_t = [h→_t ; h←_t]: the forward state first, both of the same time step t.",
            "One bias vector per direction (PyTorch keeps two: add H per direction to compare)."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Forward states, backward states from t = T down, concatenations, outputs, size and parameters."""
    if idle(work, APPLIES, g):
        return
    X = np.array(g["x"], dtype=float)
    T, H = len(X), len(g["Whh_f"])
    fw = B.weights(g, "f")
    bw = fw if work.mistake("shared-weights") else B.weights(g, "b")
    hf, h = [], np.zeros(H)
    for t in range(1, T + 1):
        h = put(work, f"hf.{t}", f"h→_{t}", B.cell(fw, X[t - 1], h), "tanh(W→_xh x_t + W→_hh h→_(t−1) + b→)",
                (f"hf.{t - 1}",) if t > 1 else ())
        hf.append(h)
    order = range(1, T + 1) if work.mistake("backward-not-reversed") else range(T, 0, -1)
    hb, h, prev = {}, np.zeros(H), None
    for t in order:
        h = put(work, f"hb.{t}", f"h←_{t}", B.cell(bw, X[t - 1], h), "tanh(W←_xh x_t + W←_hh h←_(t+1) + b←)",
                (f"hb.{prev}",) if prev else ())
        hb[t], prev = h, t
    ys = g.get("Wy") is not None
    for t in range(1, T + 1):
        back = hb[T + 1 - t] if work.mistake("misaligned") else hb[t]
        parts = (back, hf[t - 1]) if work.mistake("order-swapped") else (hf[t - 1], back)
        ht = put(work, f"h.{t}", f"h_{t}", np.concatenate(parts), "[h→_t ; h←_t]", (f"hf.{t}", f"hb.{t}"))
        if ys:
            put(work, f"y.{t}", f"y_{t}", np.array(g["Wy"]) @ ht + np.array(g["by"]), "W_y h_t + b_y", (f"h.{t}",))
    work.put("size", "dim h_t", H if work.mistake("summed") else 2 * H, "2H")
    work.put("params", "Parameters", B.params(g, work), B.params_text(g))


def diagnose(g: dict[str, Any], ctx: Any) -> str | None:
    """h_t of length H equal to h→_t + h←_t: the directions were added, not concatenated."""
    if not ctx.step_id.startswith("h.") or ctx.step_id.count(".") != 1:
        return None
    t = ctx.step_id.split(".")[1]
    f, b = ctx.student.get(f"hf.{t}", ctx.expected[f"hf.{t}"]), ctx.student.get(f"hb.{t}", ctx.expected[f"hb.{t}"])
    added = np.add(f, b)
    return DIAGNOSES["states-added"] if ctx.matches(added.tolist() if added.ndim else float(added)) else None


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch nn.RNN(bidirectional=True) with the given weights
    (its output at t is [h→_t ; h←_t]) and nn.Linear; without torch, a forward RNN over the
    reversed sequence, flipped back."""
    return B.cross(g)
