"""Gaussian radial-basis layer (SYLLABUS §11).

Equations::

    d²_nj = ‖x_n − c_j‖²,   h_nj = exp(−d²_nj / (2σ_j²))        x: (N, D), C: (K, D), σ: (K,), h: (N, K)
    G_nj  = ∂L/∂d²_nj = −Ḡ_nj h_nj / (2σ_j²)
    ∂L/∂x_n = Σ_j 2 G_nj (x_n − c_j),   ∂L/∂c_j = Σ_n 2 G_nj (c_j − x_n),
    ∂L/∂σ_j = Σ_n Ḡ_nj h_nj d²_nj / σ_j³
"""

from __future__ import annotations

from typing import Any

import numpy as np


def sq_distances(x: np.ndarray, C: np.ndarray) -> np.ndarray:
    """d²_nj = ‖x_n‖² − 2 x_n·c_j + ‖c_j‖², clipped at 0 against rounding: (N, K)."""
    d2 = (x * x).sum(axis=1)[:, None] - 2.0 * (x @ C.T) + (C * C).sum(axis=1)[None, :]
    return np.maximum(d2, 0.0)


def forward(params: dict[str, np.ndarray], x: np.ndarray, c: str = "C", s: str = "sigma") -> tuple[np.ndarray, Any]:
    """h = exp(−‖x − c_j‖² / (2σ_j²)) for every centre; ``c``/``s`` name the parameters."""
    C, sigma = params[c], params[s]
    d2 = sq_distances(x, C)
    h = np.exp(-d2 / (2.0 * sigma * sigma))
    return h, (x, C, sigma, d2, h, c, s)


def backward(dh: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(∂L/∂x, {c: ∂L/∂C, s: ∂L/∂σ}) from ∂L/∂h."""
    x, C, sigma, d2, h, c, s = cache
    gh = dh * h                                            # (N, K)
    G = -gh / (2.0 * sigma * sigma)                        # ∂L/∂d²
    dx = 2.0 * (G.sum(axis=1)[:, None] * x - G @ C)        # Σ_j 2G_nj (x_n − c_j)
    dC = 2.0 * (G.sum(axis=0)[:, None] * C - G.T @ x)      # Σ_n 2G_nj (c_j − x_n)
    dsigma = (gh * d2).sum(axis=0) / sigma ** 3
    return dx, {c: dC, s: dsigma}
