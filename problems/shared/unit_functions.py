"""Unit functions of the network types and the tables the solvers look them up in.

Equations::

    σ(z) = 1/(1 + e^{−z}),  σ′ = σ(1 − σ)
    tanh′ = 1 − tanh²
    ReLU(z) = max(0, z),  ReLU′(z) = 1 if z > 0 else 0   (ReLU′(0) = 0)
    softmax(z)_i = e^{z_i − max z} / Σ_j e^{z_j − max z},  ln softmax(z)_i = z_i − max z − ln Σ_j e^{z_j − max z}

``DERIV_FROM_OUT`` writes each derivative from the unit's *output* (as hand solutions do:
o(1 − o)), so a step that needs f′(net) reads only the output step. ``VALUE`` holds f(x; α) of
every function the ``activation`` type asks about.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np


def sigmoid(z: Any) -> Any:
    """σ(z) = 1/(1 + e^{−z}), elementwise: an array for an array, a float for a number.

    Written as ``scipy.special.expit`` computes it (1/(1 + e^{−z}) for z ≥ 0, e^{z}/(1 + e^{z})
    below), so no e^{|z|} is ever formed and any finite z is safe, without importing SciPy on the
    path every practice and check takes.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    out = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(out) if out.ndim == 0 else out


def relu(z: Any) -> np.ndarray:
    """max(0, z), elementwise."""
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def softmax(z: Any, axis: int = -1) -> np.ndarray:
    """Stable softmax along ``axis``: e^{z_i − max z} / Σ_j e^{z_j − max z}."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(z: Any) -> np.ndarray:
    """ln softmax(z) = z − max z − ln Σ_j e^{z_j − max z}: finite where softmax underflows to 0."""
    z = np.asarray(z, dtype=float)
    shifted = z - z.max()
    return shifted - np.log(np.exp(shifted).sum())


FORWARD: dict[str, Callable[[Any], Any]] = {"sigmoid": sigmoid, "tanh": np.tanh, "relu": relu}
DERIV_FROM_OUT: dict[str, Callable[[Any], Any]] = {
    "sigmoid": lambda o: o * (1.0 - o),
    "tanh": lambda o: 1.0 - o * o,
    "relu": lambda o: (np.asarray(o) > 0).astype(float),
}
VALUE: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {  # f(x; α) of the activation type
    "sigmoid": lambda v, a: sigmoid(v), "tanh": lambda v, a: np.tanh(v), "relu": lambda v, a: np.maximum(v, 0.0),
    "relu6": lambda v, a: np.clip(v, 0, 6), "leaky-relu": lambda v, a: np.where(v > 0, v, a * v),
    "prelu": lambda v, a: np.where(v > 0, v, a * v), "elu": lambda v, a: np.where(v > 0, v, a * np.expm1(np.minimum(v, 0))),
    "softplus": lambda v, a: np.maximum(v, 0) + np.log1p(np.exp(-np.abs(v))),
}
# f'(net) written from the unit's output, as a factor: it follows "⊙ " in the delta formulas
DERIV_TEXT = {"sigmoid": "out(1 − out)", "tanh": "(1 − out²)", "relu": "(1 if out > 0 else 0)"}
