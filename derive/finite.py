"""Finite numbers only: a test for NaN/±∞ in any value, and a block in which NumPy's overflow,
division and invalid-value warnings (and every RuntimeWarning) are errors.

Used where numbers reach the user: the key of a problem (``problems.finite_key``) and a
derivation evaluated at given numbers (``derive.given_bounds``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def strict_floats() -> Iterator[None]:
    """Inside: a RuntimeWarning is raised as an error, and NumPy raises FloatingPointError on
    overflow, division by zero and invalid values (underflow to 0 stays quiet: it is exact enough)."""
    import numpy as np
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            yield


def finite(value: Any) -> bool:
    """True when every number in ``value`` (a number, nested lists, an array, a SymPy number;
    words and None pass) is finite."""
    import numpy as np
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "fc" or bool(np.all(np.isfinite(value)))
    if isinstance(value, (list, tuple)):
        return all(finite(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, (np.floating, complex, np.complexfloating)):
        return bool(np.isfinite(value))
    if getattr(value, "is_number", False) and hasattr(value, "is_finite"):  # a SymPy number
        return bool(value.is_finite)
    return True
