"""Fully connected layer.

Equations::

    out = x W + b                    x: (N, D), W: (D, M), b: (M,), out: (N, M)
    ∂L/∂x = Ḡ Wᵀ,  ∂L/∂W = xᵀ Ḡ,  ∂L/∂b = Σ_n Ḡ_n
"""

from __future__ import annotations

from typing import Any

import numpy as np


def forward(params: dict[str, np.ndarray], x: np.ndarray, w: str = "W", b: str = "b") -> tuple[np.ndarray, Any]:
    """out = x W + b; ``w``/``b`` name the parameters in ``params``."""
    return x @ params[w] + params[b], (x, params[w], w, b)


def backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """dx = Ḡ Wᵀ, dW = xᵀ Ḡ, db = column sums of Ḡ."""
    x, W, w, b = cache
    return dout @ W.T, {w: x.T @ dout, b: dout.sum(axis=0)}
