"""The key of an exercise holds finite numbers only, computed without floating-point warnings.

A type's givens are bounded (``problems.givens``), and its solver computes stably; this is the
net under both: the exact solution (the key) is computed with NumPy's overflow, division and
invalid-value warnings turned into errors, and any of them, an ``OverflowError``, a
``ZeroDivisionError``, a logarithm or root outside its domain, or a step whose value is NaN or
±∞ ends the run as a ``UserError``: bad givens, exit 2, one line. So no RuntimeWarning and no
NaN or ∞ can reach a sheet, a check report or its JSON.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import numpy as np

from derive.errors import UserError
from problems.shared.checked_math import DomainError

ADVICE = "givens too extreme to compute"


def computed_finitely(solve: Callable[[], list[Any]]) -> list[Any]:
    """The steps ``solve()`` returns, or UserError when computing them over- or underflowed into
    something undefined (a warning, an arithmetic error, a non-finite value)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                steps = solve()
    except UserError:
        raise
    except (ArithmeticError, DomainError, RuntimeWarning) as exc:  # FloatingPointError, Overflow, ZeroDivision
        raise UserError(f"{ADVICE}: {_reason(exc)} (the ranges are in docs/limits.md)") from None
    for step in steps:
        if not finite(step.value):
            raise UserError(f"{ADVICE}: step '{step.id}' would not be a finite number (the ranges are in docs/limits.md)")
    return steps


def finite(value: Any) -> bool:
    """True when every number in ``value`` (a number, nested lists, an array; words pass) is finite."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind not in "fc" or bool(np.all(np.isfinite(value)))
    if isinstance(value, (list, tuple)):
        return all(finite(v) for v in value)
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value)
    return True


def _reason(exc: BaseException) -> str:
    text = str(exc).split("(")[0].strip() or type(exc).__name__
    return {"float division by zero": "division by zero", "division by zero": "division by zero"}.get(text, text)
