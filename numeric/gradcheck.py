"""Numerical gradient checks for numeric layers (the implementation lives in ``derive.numcheck``).

Equations::

    ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / 2h        (float64, h = 1e-6 by default)
    rel_error(a, b) = max |a − b| / max(max|a|, max|b|, 1e-8)
"""

from derive.numcheck import numerical_gradient, numerical_vjp, rel_error

__all__ = ["numerical_gradient", "numerical_vjp", "rel_error"]
