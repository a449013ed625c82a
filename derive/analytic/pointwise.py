"""A SymPy expression as a float function, its value at a point, and closeness of two values.

Shared by ``chainrule check diff`` (``derive.check_diff``), which samples the true derivative and
the student's answer at random points, and by ``derive.analytic.slips``, which evaluates each
known slip at the same points:

    value_at(f, p)   f(p) as a finite real float, or None where f is undefined at p
    close(a, b)      |a − b| ≤ TOL · max(1, |a|, |b|)
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import sympy as sp

TOL = 1e-8


def scalar_function(expr: Any, variables: list[Any]) -> Callable[..., Any]:
    """``expr`` as a Python function of ``variables`` (chainrule's σ, ReLU, … mapped to NumPy, the rest to ``math``)."""
    from derive.functions import NUMPY_MODULE
    return sp.lambdify(variables, expr, modules=[NUMPY_MODULE, "math"])


def value_at(fn: Callable[..., Any], point: tuple[float, ...]) -> float | None:
    """fn(point) as a finite real float, or None where it is undefined (log of a negative, overflow, …)."""
    try:
        with np.errstate(all="ignore"):
            v = fn(*point)
        v = complex(v)
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        return None
    if v.imag != 0 or not math.isfinite(v.real):
        return None
    return v.real


def close(a: float, b: float) -> bool:
    """True when a and b agree to the relative tolerance TOL (absolute near 0)."""
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))
