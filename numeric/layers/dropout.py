"""Inverted dropout (SYLLABUS §4): keep each unit with probability 1 − p and scale by 1/(1 − p).

Equations::

    m_i ~ Bernoulli(1 − p),   out = x ⊙ m / (1 − p)      (training)
    out = x                                               (inference: nothing to rescale)
    ∂L/∂x = Ḡ ⊙ m / (1 − p)

E[out] = x, so the expected activation is the same in training and inference; the expected
number of active units out of n is n(1 − p).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def forward(params: dict[str, np.ndarray], x: np.ndarray, p: float = 0.5,
            rng: np.random.Generator | None = None, train: bool = True) -> tuple[np.ndarray, Any]:
    """out = x ⊙ m/(1 − p) with m ~ Bernoulli(1 − p) drawn from ``rng`` (training); x at inference."""
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout probability must lie in [0, 1), got {p}")
    if not train or p == 0.0:
        return x, None
    if rng is None:
        raise ValueError("dropout in training mode needs an explicit numpy Generator (rng=...)")
    scale = np.asarray(1.0 / (1.0 - p), dtype=x.dtype)
    mask = (rng.random(x.shape, dtype=np.float64) >= p) * scale  # (…) entries 0 or 1/(1 − p)
    mask = mask.astype(x.dtype, copy=False)
    return x * mask, mask


def backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """dx = Ḡ ⊙ m/(1 − p) (the same mask as the forward pass); no parameters."""
    mask = cache
    return (dout if mask is None else dout * mask), {}
