"""A derivation line's values at many random points at once (vectorised NumPy), for the checker.

``check derivation`` compares two lines, and then up to a hundred mistaken versions of one, at
the same 50 points: one NumPy call per expression instead of one Python call per point. Where
an expression is undefined (log of a negative, 0/0, overflow) its value is NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from derive.analytic.pointwise import TOL, scalar_function, value_at


def _delta(*args: Any) -> float:
    return 0.0


def values(expr: Any, variables: list[Any], points: np.ndarray) -> np.ndarray:
    """``expr`` at each row of ``points`` (one column per variable): finite real floats, NaN elsewhere."""
    from derive.functions import NUMPY_MODULE, numpy_extras
    n = len(points)
    if not expr.free_symbols <= set(variables):  # a name the points do not fix: no value anywhere
        return np.full(n, np.nan)
    try:
        fn = sp.lambdify(variables, expr, modules=[{**NUMPY_MODULE, "DiracDelta": _delta}, numpy_extras(), np])
        with np.errstate(all="ignore"):
            out = np.broadcast_to(np.asarray(fn(*points.T), dtype=complex), (n,))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, AttributeError, NameError):  # a kernel without arrays: point by point
        fn = scalar_function(expr, variables)
        out = np.array([complex(v) if (v := value_at(fn, tuple(p))) is not None else complex("nan") for p in points])
    return np.where((out.imag == 0) & np.isfinite(out.real), out.real, np.nan)


def close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise: a and b agree to the relative tolerance TOL of ``pointwise.close`` (NaN: False)."""
    with np.errstate(all="ignore"):
        return np.abs(a - b) <= TOL * np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
