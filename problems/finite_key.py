"""The key of an exercise holds finite numbers only, computed without floating-point warnings.

A type's givens are bounded (``problems.givens``), and its solver computes stably; this is the
net under both: the exact solution (the key) is computed with NumPy's overflow, division and
invalid-value warnings turned into errors, and any of them, an ``OverflowError``, a
``ZeroDivisionError``, a logarithm or root outside its domain, or a step whose value is NaN or
±∞ ends the run as a ``UserError``: bad givens, exit 2, one line. So no RuntimeWarning and no
NaN or ∞ can reach a sheet, a check report or its JSON.
"""

from __future__ import annotations

from typing import Any, Callable

from derive.errors import UserError
from derive.finite import finite, strict_floats
from problems.shared.checked_math import DomainError

ADVICE = "givens too extreme to compute"


def computed_finitely(solve: Callable[[], list[Any]]) -> list[Any]:
    """The steps ``solve()`` returns, or UserError when computing them over- or underflowed into
    something undefined (a warning, an arithmetic error, a non-finite value)."""
    try:
        with strict_floats():
            steps = solve()
    except UserError:
        raise
    except (ArithmeticError, DomainError, RuntimeWarning) as exc:  # FloatingPointError, Overflow, ZeroDivision
        raise UserError(f"{ADVICE}: {_reason(exc)} (the ranges are in docs/limits.md)") from None
    for step in steps:
        if not finite(step.value):
            raise UserError(f"{ADVICE}: step '{step.id}' would not be a finite number (the ranges are in docs/limits.md)")
    return steps


def _reason(exc: BaseException) -> str:
    text = str(exc).split("(")[0].strip() or type(exc).__name__
    return "division by zero" if text == "float division by zero" else text
