"""VAE pieces: the reparameterization trick and the KL divergence to the standard normal.

Equations (SYLLABUS §9; log σ² is what the encoder outputs)::

    σ = exp(½ log σ²),   z = μ + σ ⊙ ε,   ε ~ N(0, I)          μ, log σ², ε, z: (N, K)
    ∂z/∂μ = 1,   ∂z/∂σ = ε,   ∂z/∂log σ² = ε ⊙ σ / 2

    KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ_k (1 + log σ² − μ² − σ²)        (mean over the N rows)
    ∂KL/∂μ = μ / N,   ∂KL/∂log σ² = ½ (σ² − 1) / N
"""

from __future__ import annotations

from typing import Any

import numpy as np


def forward(mu: np.ndarray, logvar: np.ndarray, eps: np.ndarray) -> tuple[np.ndarray, Any]:
    """z = μ + exp(½ log σ²) ⊙ ε; eps is drawn by the caller from an explicit Generator."""
    sigma = np.exp(0.5 * logvar)
    return mu + sigma * eps, (sigma, eps)


def backward(dz: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray]:
    """(∂L/∂μ, ∂L/∂log σ²) = (dz, dz ⊙ ε ⊙ σ / 2)."""
    sigma, eps = cache
    return dz, 0.5 * dz * eps * sigma


def kl_standard_normal(mu: np.ndarray, logvar: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Mean over rows of −½ Σ(1 + log σ² − μ² − σ²); returns (KL, ∂KL/∂μ, ∂KL/∂log σ²)."""
    n = mu.shape[0]
    var = np.exp(logvar)
    kl = -0.5 * float(np.sum(1.0 + logvar - mu * mu - var)) / n
    return kl, mu / n, 0.5 * (var - 1.0) / n
