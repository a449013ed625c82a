"""Gradient-check helpers shared by the numeric tests (float64 central differences)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from numeric.gradcheck import numerical_vjp


def rel_error(a: Any, b: Any, floor: float = 1e-8) -> float:
    """max |a − b| over max(|a|, |b|, floor), for arrays of the same shape only.

    The product's ``rel_error`` broadcasts, so a (1, 3) gradient would pass for a (3,) one; a test
    comparing a gradient with its numerical estimate must see the shape as part of the answer.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, f"shapes differ: {a.shape} vs {b.shape}"
    scale = max(float(np.abs(a).max(initial=0.0)), float(np.abs(b).max(initial=0.0)), floor)
    return float(np.abs(a - b).max(initial=0.0)) / scale


def check_layer(forward: Callable[..., tuple[np.ndarray, Any]], backward: Callable[..., Any],
                params: dict[str, np.ndarray], x: np.ndarray, rng: np.random.Generator,
                tol: float = 1e-7, **hyper: Any) -> dict[str, float]:
    """Relative error of a layer's backward (dx and every parameter gradient) against central differences.

    A random upstream gradient Ḡ makes the scalar Σ Ḡ ⊙ out, whose gradient is the layer's VJP.
    """
    out, cache = forward(params, x, **hyper)
    dout = rng.standard_normal(out.shape)
    dx, grads = backward(dout, cache)
    errors = {}
    if dx is not None:
        errors["x"] = rel_error(dx, numerical_vjp(lambda: forward(params, x, **hyper)[0], x, dout))
    for name, g in grads.items():
        errors[name] = rel_error(g, numerical_vjp(lambda: forward(params, x, **hyper)[0], params[name], dout))
    bad = {k: v for k, v in errors.items() if not v < tol}
    assert not bad, f"gradient check failed: {bad}"
    return errors
