"""Logarithm and square root that raise ValueError outside their domain.

A student's impossible value (a negative variance, a probability of 0) then stops the replay of
the solver instead of producing NaN.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def ln(x: Any) -> Any:
    """Natural logarithm; ValueError unless every entry is positive."""
    a = np.asarray(x, dtype=float)
    if np.any(a <= 0) or not np.all(np.isfinite(a)):
        raise ValueError("logarithm of a non-positive number")
    return np.log(a) if a.ndim else math.log(float(a))


def root(x: Any) -> Any:
    """Square root; ValueError for a negative entry."""
    a = np.asarray(x, dtype=float)
    if np.any(a < 0) or not np.all(np.isfinite(a)):
        raise ValueError("square root of a negative number")
    return np.sqrt(a) if a.ndim else math.sqrt(float(a))
