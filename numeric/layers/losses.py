"""Losses with their gradients, in stable forms (inputs of ±1000 give finite values).

Equations (mean over the N rows of a batch)::

    softmax CE:  L = −(1/N) Σ_n log softmax(z_n)_{y_n};   ∂L/∂z = (softmax(z) − onehot(y)) / N
    MSE:         L = (1/N) Σ_n ½‖ŷ_n − t_n‖²;             ∂L/∂ŷ = (ŷ − t) / N
    BCE logits:  L = (1/N) Σ [max(z,0) − z t + log(1 + e^(−|z|))];  ∂L/∂z = (σ(z) − t) / N
"""

from __future__ import annotations

import numpy as np

from numeric.layers.activations import sigmoid


def log_sum_exp(z: np.ndarray) -> np.ndarray:
    """log Σ_j e^(z_j) along the last axis, computed as m + log Σ_j e^(z_j − m) with m = max_j z_j."""
    m = z.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))[..., 0]


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax along the last axis via log-sum-exp (shifted by the row maximum)."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    """softmax along the last axis, stable for any finite logits."""
    return np.exp(log_softmax(z))


def softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean categorical cross-entropy of logits z: (N, C) against integer labels y: (N,); returns (L, ∂L/∂z)."""
    n = z.shape[0]
    logp = log_softmax(z)
    loss = -float(logp[np.arange(n), y].mean())
    dz = np.exp(logp)
    dz[np.arange(n), y] -= 1.0
    return loss, dz / n


def mse(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """L = (1/N) Σ ½‖ŷ − t‖² over the N rows; returns (L, ∂L/∂ŷ)."""
    n = pred.shape[0]
    diff = pred - target
    return float(0.5 * np.sum(diff * diff) / n), diff / n


def bce_with_logits(z: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean binary cross-entropy of logits z against targets t ∈ [0, 1]; returns (L, ∂L/∂z)."""
    n = z.shape[0]
    loss = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    return float(loss.sum() / n), (sigmoid(z) - t) / n
