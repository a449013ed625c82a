"""Embedding: a lookup table of learned vectors, one row per token.

Equations::

    out[n, t] = W[x[n, t]]                      x: (N, T) ints in [0, V), W: (V, D), out: (N, T, D)
    ∂L/∂W[v] = Σ_{n,t : x[n,t] = v} Ḡ[n, t]     (rows of repeated tokens accumulate)

The lookup is a matrix product with one-hot rows, onehot(x) W, done without building the
one-hot matrix; the gradient scatters Ḡ back with ``np.add.at`` so repeated tokens add up.
Token ids are not differentiable: ``backward`` returns ``dx = None``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def init(rng: np.random.Generator, vocab: int, dim: int, scale: float = 1.0, dtype: Any = np.float64) -> dict[str, np.ndarray]:
    """{"W": (V, D)} drawn from N(0, scale²)."""
    return {"W": (scale * rng.standard_normal((vocab, dim))).astype(dtype)}


def forward(params: dict[str, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, Any]:
    """out = W[x]: x: (...) integer ids → out: (..., D)."""
    W = params["W"]
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise TypeError(f"embedding expects integer token ids, got {x.dtype}")
    return W[x], (x, W.shape, W.dtype)


def backward(dout: np.ndarray, cache: Any) -> tuple[None, dict[str, np.ndarray]]:
    """dW[v] = Σ of dout over every position holding token v; dx is None (ids are discrete)."""
    x, shape, dtype = cache
    dW = np.zeros(shape, dtype=dtype)
    np.add.at(dW, x.reshape(-1), dout.reshape(-1, shape[1]))
    return None, {"W": dW}
