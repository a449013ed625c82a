"""Elementwise activations of SYLLABUS §2 with their derivatives (numerically stable forms).

Each entry of ``ACTIVATIONS`` is ``(f, f')`` with f' written as the course writes it where it
can be (σ' = σ(1 − σ), tanh' = 1 − tanh²). ReLU'(0) = 0 by convention.

    forward(x, name, alpha) -> (out, cache);  backward(dout, cache) -> dx = dout ⊙ f'(x)
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1/(1 + e^(−x)), computed without overflow for |x| up to 1e308."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(x: np.ndarray) -> np.ndarray:
    """softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|))."""
    return np.logaddexp(0.0, x)


def relu6(x: np.ndarray) -> np.ndarray:
    """ReLU6(x) = min(max(0, x), 6)."""
    return np.clip(x, 0.0, 6.0)


def _elu(x: np.ndarray, a: float) -> np.ndarray:
    return np.where(x > 0, x, a * np.expm1(np.minimum(x, 0.0)))


ACTIVATIONS: dict[str, tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]] = {
    "identity": (lambda x, a: x, lambda x, a: np.ones_like(x)),
    "sigmoid": (lambda x, a: sigmoid(x), lambda x, a: sigmoid(x) * (1 - sigmoid(x))),
    "tanh": (lambda x, a: np.tanh(x), lambda x, a: 1 - np.tanh(x) ** 2),
    "relu": (lambda x, a: np.maximum(x, 0.0), lambda x, a: (x > 0).astype(x.dtype)),
    "leaky_relu": (lambda x, a: np.where(x > 0, x, a * x), lambda x, a: np.where(x > 0, 1.0, a).astype(x.dtype)),
    "elu": (_elu, lambda x, a: np.where(x > 0, 1.0, a * np.exp(np.minimum(x, 0.0))).astype(x.dtype)),
    "relu6": (lambda x, a: relu6(x), lambda x, a: ((x > 0) & (x < 6)).astype(x.dtype)),
    "swish": (lambda x, a: x * sigmoid(x), lambda x, a: sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))),
    "hard_swish": (lambda x, a: x * relu6(x + 3) / 6,
                   lambda x, a: np.where(x <= -3, 0.0, np.where(x >= 3, 1.0, (2 * x + 3) / 6)).astype(x.dtype)),
    "softplus": (lambda x, a: softplus(x), lambda x, a: sigmoid(x)),
}
DEFAULT_ALPHA = {"leaky_relu": 0.01, "elu": 1.0}


def forward(x: np.ndarray, name: str = "relu", alpha: float | None = None) -> tuple[np.ndarray, Any]:
    """out = f(x) elementwise."""
    a = DEFAULT_ALPHA.get(name, 0.0) if alpha is None else alpha
    f, _ = ACTIVATIONS[name]
    return f(x, a), (x, name, a)


def backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dx = dout ⊙ f'(x)."""
    x, name, a = cache
    return dout * ACTIVATIONS[name][1](x, a)


def prelu_forward(x: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, Any]:
    """PReLU: out = x for x > 0, αx otherwise (α learnable, one per feature: (D,))."""
    return np.where(x > 0, x, alpha * x), (x, alpha)


def prelu_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray]:
    """dx = dout ⊙ (1 or α);  ∂L/∂α = Σ_n dout ⊙ x where x ≤ 0."""
    x, alpha = cache
    dx = dout * np.where(x > 0, 1.0, alpha)
    dalpha = (dout * np.where(x > 0, 0.0, x)).reshape(-1, x.shape[-1]).sum(axis=0)
    return dx, dalpha


def softmax_forward(z: np.ndarray) -> tuple[np.ndarray, Any]:
    """s = softmax(z) along the last axis: s_i = e^(z_i − max z) / Σ_j e^(z_j − max z)."""
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    s = e / e.sum(axis=-1, keepdims=True)
    return s, s


def softmax_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """Vector-Jacobian product with ∂s_i/∂z_j = s_i(δ_ij − s_j):  dz = s ⊙ (Ḡ − Σ_j Ḡ_j s_j)."""
    s = cache
    return s * (dout - np.sum(dout * s, axis=-1, keepdims=True))


def softmax_jacobian(z: np.ndarray) -> np.ndarray:
    """The full Jacobian J_ij = s_i(δ_ij − s_j) of one vector z: (C,) → (C, C) (for teaching and tests)."""
    s, _ = softmax_forward(z)
    return np.diag(s) - np.outer(s, s)
