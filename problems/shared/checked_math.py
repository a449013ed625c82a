"""Logarithm and square root that raise ValueError outside their domain.

A student's impossible value (a negative variance, a probability of 0) then stops the replay of
the solver instead of producing NaN.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


class DomainError(ValueError):
    """A logarithm or square root asked for outside its domain."""


def ln(x: Any) -> Any:
    """Natural logarithm; ValueError unless every entry is positive."""
    a = np.asarray(x, dtype=float)
    if np.any(a <= 0) or not np.all(np.isfinite(a)):
        raise DomainError("logarithm of a non-positive number")
    return np.log(a) if a.ndim else math.log(float(a))


def root(x: Any) -> Any:
    """Square root; ValueError for a negative entry."""
    a = np.asarray(x, dtype=float)
    if np.any(a < 0) or not np.all(np.isfinite(a)):
        raise DomainError("square root of a negative number")
    return np.sqrt(a) if a.ndim else math.sqrt(float(a))


def log_probability(p: Any, exact_log: Any, log: Any = ln) -> Any:
    """``log(p)`` where the probability ``p`` is positive; where it underflowed to 0 (σ(40) is 1
    to double precision, so 1 − σ(40) is 0), ``exact_log``, the same logarithm computed from the
    logits (log-softmax, −softplus), which stays finite. ``log`` may be a mistaken logarithm
    (base 10): ``exact_log`` is then scaled the same way."""
    p, exact = np.asarray(p, dtype=float), np.asarray(exact_log, dtype=float)
    positive = p > 0
    scale = float(log(np.e))  # 1 for ln, 1/ln 10 for log10
    return np.where(positive, log(np.where(positive, p, 1.0)), exact * scale)
