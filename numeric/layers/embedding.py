"""Embedding: a lookup table of learned vectors, one row per token.

Equations::

    out[n, t] = W[x[n, t]]                      x: (N, T) ints in [0, V), W: (V, D), out: (N, T, D)
    ∂L/∂W[v] = Σ_{n,t : x[n,t] = v} Ḡ[n, t]     (rows of repeated tokens accumulate)

The lookup is a matrix product with one-hot rows, onehot(x) W, done without building the
one-hot matrix; the gradient scatters Ḡ back with ``np.add.at`` so repeated tokens add up.
For small tables the same sum is computed as the product onehot(x)ᵀ Ḡ, which is one BLAS call
instead of an unbuffered scatter (about ten times faster for a few dozen tokens).
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


ONE_HOT_LIMIT = 1 << 20     # rows × V up to which the one-hot product replaces np.add.at


def backward(dout: np.ndarray, cache: Any, one_hot: bool | None = None) -> tuple[None, dict[str, np.ndarray]]:
    """dW[v] = Σ of dout over every position holding token v; dx is None (ids are discrete).

    ``one_hot`` forces the product onehot(x)ᵀ Ḡ (True) or the scatter ``np.add.at`` (False);
    by default the product is used while rows × V ≤ ONE_HOT_LIMIT.
    """
    x, shape, dtype = cache
    ids, rows = x.reshape(-1), dout.reshape(-1, shape[1])
    if one_hot is None:
        one_hot = ids.size * shape[0] <= ONE_HOT_LIMIT
    if one_hot:
        hot = np.zeros((shape[0], ids.size), dtype=dtype)                 # onehot(x)ᵀ: (V, rows)
        hot[ids, np.arange(ids.size)] = 1.0
        return None, {"W": hot @ rows.astype(dtype, copy=False)}
    dW = np.zeros(shape, dtype=dtype)
    np.add.at(dW, ids, rows)
    return None, {"W": dW}
