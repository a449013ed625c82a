"""A SymPy expression as a float function, its value at a point, and closeness of two values.

Shared by ``chainrule check diff`` (``derive.check_diff``), which samples the true derivative and
the student's answer at random points, and by ``derive.analytic.slips``, which evaluates each
known slip at the same points:

    value_at(f, p)            f(p) as a finite real float, or None where f is undefined at p
    precise_value_at(f, p)    the same in fixed 30-digit arithmetic (mpmath), for confirmation
    close(a, b)               |a − b| ≤ TOL · max(1, |a|, |b|)

DiracDelta(u), which SymPy writes for the derivative of a step (H′, sign′), is 0 at every point
but u = 0: a random point never hits that set, so both evaluators read it as 0.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable

import sympy as sp

if TYPE_CHECKING:
    import numpy as np

TOL = 1e-8
DIGITS = 30


def _delta(*args: Any) -> float:
    return 0.0


def scalar_function(expr: Any, variables: list[Any]) -> Callable[..., Any]:
    """``expr`` as a Python function of ``variables`` (chainrule's σ, ReLU, … mapped to NumPy, the rest to ``math``)."""
    from derive.functions import NUMPY_MODULE
    return sp.lambdify(variables, expr, modules=[{**NUMPY_MODULE, "DiracDelta": _delta}, "math"])


def value_at(fn: Callable[..., Any], point: tuple[float, ...]) -> float | None:
    """fn(point) as a finite real float, or None where it is undefined (log of a negative, overflow, …)."""
    import numpy as np
    try:
        with np.errstate(all="ignore"):
            v = fn(*point)
        v = complex(v)
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        return None
    if v.imag != 0 or not math.isfinite(v.real):
        return None
    return v.real


def _mpmath_kernels() -> dict[str, Any]:
    import mpmath as mp

    def sigmoid(x: Any) -> Any:
        return 1 / (1 + mp.exp(-x))
    return {"sigmoid": sigmoid, "relu": lambda x: max(mp.mpf(0), x), "softplus": lambda x: mp.log1p(mp.exp(x)),
            "sigmoid_prime": lambda x: sigmoid(x) * (1 - sigmoid(x)), "DiracDelta": _delta}


def precise_function(expr: Any, variables: list[Any]) -> Callable[..., Any]:
    """``expr`` as an mpmath function of ``variables``: fixed precision, cost proportional to its size
    (unlike ``evalf``, which raises the precision again and again where digits cancel)."""
    return sp.lambdify(variables, expr, modules=[_mpmath_kernels(), "mpmath"])


def precise_value_at(fn: Callable[..., Any], point: tuple[float, ...], digits: int = DIGITS) -> float | None:
    """fn(point) computed with ``digits`` significant digits (the point's decimals read exactly),
    as a finite real float, or None where it is undefined."""
    import mpmath as mp
    try:
        with mp.workdps(digits):
            v = complex(fn(*[mp.mpf(repr(float(p))) for p in point]))
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        return None
    if v.imag != 0 or not math.isfinite(v.real):
        return None
    return v.real


def close(a: float, b: float) -> bool:
    """True when a and b agree to the relative tolerance TOL (absolute near 0)."""
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))
