"""Fully connected layer.

Equations::

    out = x W + b                    x: (N, D), W: (D, M), b: (M,), out: (N, M)
    ∂L/∂x = Ḡ Wᵀ,  ∂L/∂W = xᵀ Ḡ,  ∂L/∂b = Σ_n Ḡ_n
"""

from __future__ import annotations

from typing import Any

import numpy as np


def forward(params: dict[str, np.ndarray], x: np.ndarray, w: str = "W", b: str = "b",
            need_dx: bool = True) -> tuple[np.ndarray, Any]:
    """out = x W + b; ``w``/``b`` name the parameters in ``params``.

    ``need_dx=False`` (a first layer, whose input is data) lets the backward pass skip Ḡ Wᵀ and
    return None for ∂L/∂x.
    """
    W = params[w]
    out = x @ W
    out += params[b]
    return out, (x, W if need_dx else None, w, b)


def backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
    """dx = Ḡ Wᵀ, dW = xᵀ Ḡ, db = column sums of Ḡ (dx is None if the forward pass said need_dx=False)."""
    x, W, w, b = cache
    return (None if W is None else dout @ W.T), {w: x.T @ dout, b: dout.sum(axis=0)}
