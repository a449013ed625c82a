"""Unit functions shared by the network problem types (backprop, loss, activation).

Equations::

    σ(z) = 1/(1 + e^{−z}),  σ′ = σ(1 − σ)
    tanh′ = 1 − tanh²
    ReLU(z) = max(0, z),  ReLU′(z) = 1 if z > 0 else 0   (ReLU′(0) = 0)
    softmax(z)_i = e^{z_i − max z} / Σ_j e^{z_j − max z}

The derivatives are written from the unit's *output* (as hand solutions do: o(1 − o)), so a
step that needs f′(net) reads only the output step.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np


def sigmoid(z: Any) -> Any:
    """σ(z) = 1/(1 + e^{−z}), elementwise."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def softmax(z: Any) -> np.ndarray:
    """Numerically stable softmax of a vector: e^{z − max z} / Σ e^{z − max z}."""
    e = np.exp(np.asarray(z, dtype=float) - np.max(z))
    return e / e.sum()


FORWARD: dict[str, Callable[[Any], Any]] = {
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(np.asarray(z, dtype=float), 0.0),
}
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
DERIV_TEXT = {"sigmoid": "out(1 − out)", "tanh": "1 − out²", "relu": "1 if out > 0 else 0"}
