"""Numerical gradient checks: central differences and relative error (cs231n / autograd style).

Equations::

    ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h        (float64, h = 1e-6 by default)
    rel_error(a, b) = max |a − b| / max(max|a|, max|b|, 1e-8)
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar ``f()`` with respect to array ``x`` (perturbed in place)."""
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
        it.iternext()
    return grad


def numerical_vjp(f: Callable[[], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference vector-Jacobian product ``Σ dout ⊙ ∂f/∂x`` for an array-valued ``f()``."""
    return numerical_gradient(lambda: float(np.sum(f() * dout)), x, h)


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """Max absolute difference scaled by the larger magnitude (the metric every check reports)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)), 1e-8)
    return float(np.max(np.abs(a - b), initial=0.0) / scale)
