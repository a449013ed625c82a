"""Batch normalisation (SYLLABUS §4), training and inference modes with running statistics.

Equations (per feature; statistics over the batch, and over H, W for (N, C, H, W) inputs)::

    μ_B = (1/m) Σ x,   σ²_B = (1/m) Σ (x − μ_B)²,   x̂ = (x − μ_B)/√(σ²_B + ε),   y = γ x̂ + β
    ∂L/∂γ = Σ Ḡ ⊙ x̂,   ∂L/∂β = Σ Ḡ,   with d = Ḡ ⊙ γ:
    ∂L/∂x = (1/√(σ²_B + ε)) · (d − mean(d) − x̂ ⊙ mean(d ⊙ x̂))

Running statistics (buffers, not parameters; PyTorch's convention, momentum 0.1)::

    μ_run ← (1 − momentum) μ_run + momentum μ_B
    σ²_run ← (1 − momentum) σ²_run + momentum σ²_B · m/(m − 1)     (unbiased)

Inference uses x̂ = (x − μ_run)/√(σ²_run + ε), so the output of one example does not depend on
the rest of the batch. ``state`` ({"mean", "var"}) is the only thing updated in place.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def init_state(features: int, dtype: type = np.float64) -> dict[str, np.ndarray]:
    """Running statistics before any training: μ_run = 0, σ²_run = 1 (shape (C,))."""
    return {"mean": np.zeros(features, dtype=dtype), "var": np.ones(features, dtype=dtype)}


def _axes(x: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Reduction axes and the broadcast shape of a per-feature vector for x: (N, D) or (N, C, H, W)."""
    if x.ndim == 2:
        return (0,), (1, x.shape[1])
    if x.ndim == 4:
        return (0, 2, 3), (1, x.shape[1], 1, 1)
    raise ValueError(f"batch norm expects (N, D) or (N, C, H, W) inputs, got shape {x.shape}")


def forward(params: dict[str, np.ndarray], x: np.ndarray, train: bool = True,
            state: dict[str, np.ndarray] | None = None, momentum: float = 0.1, eps: float = 1e-5,
            gamma: str = "gamma", beta: str = "beta") -> tuple[np.ndarray, Any]:
    """y = γ x̂ + β with batch statistics (``train``) or the running ones in ``state`` (inference)."""
    axes, bshape = _axes(x)
    g, b = params[gamma].reshape(bshape), params[beta].reshape(bshape)
    if train:
        mu = x.mean(axis=axes, keepdims=True)
        xc = x - mu
        var = (xc * xc).mean(axis=axes, keepdims=True)
        if state is not None:
            m = x.size // x.shape[1]
            state["mean"] *= 1 - momentum
            state["mean"] += momentum * mu.reshape(-1)
            state["var"] *= 1 - momentum
            state["var"] += momentum * var.reshape(-1) * (m / max(m - 1, 1))
    else:
        if state is None:
            raise ValueError("batch norm inference needs the running statistics (state=...)")
        xc = x - state["mean"].reshape(bshape)
        var = state["var"].reshape(bshape)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = xc * inv_std
    return g * xhat + b, (xhat, inv_std, g, axes, train, gamma, beta)


def backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """dx by the batch-norm rule above (or Ḡ γ/√(σ²_run + ε) at inference); dγ = Σ Ḡ x̂, dβ = Σ Ḡ."""
    xhat, inv_std, g, axes, train, gamma, beta = cache
    grads = {gamma: (dout * xhat).sum(axis=axes), beta: dout.sum(axis=axes)}
    d = dout * g
    if not train:
        return d * inv_std, grads
    dx = inv_std * (d - d.mean(axis=axes, keepdims=True) - xhat * (d * xhat).mean(axis=axes, keepdims=True))
    return dx, grads
