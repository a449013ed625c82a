"""rnn variant bptt: loss, backpropagation through time and the summed gradients (SYLLABUS §6).

Equations::

    L = ½ Σ_t ‖y_t − d_t‖²      δy_t = y_t − d_t
    δh_t = W_hyᵀ δy_t + W_hhᵀ δa_{t+1}      δa_t = δh_t ⊙ (1 − h_t²)      (t = T … 1, δa_{T+1} = 0)
    ∂L/∂W_hy = Σ_t δy_t h_tᵀ   ∂L/∂W_hh = Σ_t δa_t h_{t−1}ᵀ   ∂L/∂W_xh = Σ_t δa_t x_tᵀ   ∂L/∂b_h = Σ_t δa_t
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.shared.array_steps import arr, put

STEPS = [
    StepSpec("L", "Loss (1/2)Σ_t ‖y_t − d_t‖²", "number", 3, "L = (1/2) Σ_t ‖y_t − d_t‖²"),
    StepSpec("dy.t", "∂L/∂y_t", "vector", 3, "y_t − d_t"),
    StepSpec("dh.t", "∂L/∂h_t (from y_t and from step t + 1)", "vector", 3, "W_hyᵀ δy_t + W_hhᵀ δa_{t+1}"),
    StepSpec("da.t", "∂L/∂a_t", "vector", 3, "δh_t ⊙ (1 − h_t²)"),
    StepSpec("dWhy", "∂L/∂W_hy", "matrix", 3, "Σ_t δy_t h_tᵀ"),
    StepSpec("dWhh", "∂L/∂W_hh", "matrix", 3, "Σ_t δa_t h_{t−1}ᵀ"),
    StepSpec("dWxh", "∂L/∂W_xh", "matrix", 3, "Σ_t δa_t x_tᵀ"),
    StepSpec("dbh", "∂L/∂b_h", "vector", 3, "Σ_t δa_t"),
]
MISTAKES = {
    "no-recurrent-term": "gradient from step t + 1 dropped: δh_t = W_hyᵀ δy_t only (W_hhᵀ δa_{t+1} missing)",
    "tanh-deriv-of-a": "tanh' evaluated as 1 − a_t² instead of 1 − h_t² = 1 − tanh²(a_t)",
    "last-step-only": "gradient not summed over time: only the last step's term kept",
}


def backward(g: dict[str, Any], work: Any, Whh: np.ndarray, Why: np.ndarray, X: np.ndarray, h0: np.ndarray,
             As: list[np.ndarray], hs: list[np.ndarray], ys: list[np.ndarray]) -> None:
    """The loss, δy_t, then δh_t and δa_t from t = T back to 1, then the gradients summed over t."""
    T = len(X)
    D = arr(g, "d")[0]
    work.put("L", "Loss", 0.5 * sum(float(((y - d) ** 2).sum()) for y, d in zip(ys, D)), "(1/2) Σ_t ‖y_t − d_t‖²",
             depends_on=tuple(f"y.{t}" for t in range(1, T + 1)))
    dys = [put(work, f"dy.{t}", f"∂L/∂y_{t}", ys[t - 1] - D[t - 1], "y_t − d_t", (f"y.{t}",)) for t in range(1, T + 1)]
    das: dict[int, np.ndarray] = {T + 1: np.zeros_like(h0)}
    for t in range(T, 0, -1):
        rec = 0.0 if work.mistake("no-recurrent-term") else Whh.T @ das[t + 1]
        dh = put(work, f"dh.{t}", f"∂L/∂h_{t}", Why.T @ dys[t - 1] + rec, "W_hyᵀ δy_t + W_hhᵀ δa_{t+1}",
                 (f"dy.{t}",) + ((f"da.{t + 1}",) if t < T else ()))
        slope = 1 - As[t - 1] ** 2 if work.mistake("tanh-deriv-of-a") else 1 - hs[t] ** 2
        das[t] = put(work, f"da.{t}", f"∂L/∂a_{t}", dh * slope, "δh_t ⊙ (1 − h_t²)", (f"dh.{t}", f"h.{t}"))
    ts = [T] if work.mistake("last-step-only") else range(1, T + 1)
    for sid, terms, f in (("dWhy", [np.outer(dys[t - 1], hs[t]) for t in ts], "Σ_t δy_t h_tᵀ"),
                          ("dWhh", [np.outer(das[t], hs[t - 1]) for t in ts], "Σ_t δa_t h_{t−1}ᵀ"),
                          ("dWxh", [np.outer(das[t], X[t - 1]) for t in ts], "Σ_t δa_t x_tᵀ"),
                          ("dbh", [das[t] for t in ts], "Σ_t δa_t")):
        put(work, sid, f"∂L/∂{sid[1:]}", sum(terms), f, tuple(f"da.{t}" for t in range(1, T + 1)))
    return None
