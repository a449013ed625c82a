"""Comparers: is a student's number the expected one, at the precision the student wrote?

A number is ``correct`` when it equals the expected value within ``atol`` (an absolute floor)
or a relative 1e-9; ``rounded`` when it equals the expected value rounded *or* truncated to the
decimal places written, and at least ``min_decimals`` places were written. Arrays are compared
element by element (``compare_array`` returns the nested element statuses).
"""

from __future__ import annotations

import math
from typing import Any

ATOL = 1e-6


def _round_half_away(x: float, d: int) -> float:
    q = 10.0 ** d
    return math.copysign(math.floor(abs(x) * q + 0.5) / q, x)


def _truncate(x: float, d: int) -> float:
    q = 10.0 ** d
    return math.copysign(math.floor(abs(x) * q + 1e-9) / q, x)


def compare_number(given: float, expected: float, decimals: int | None, min_decimals: int = 0,
                   atol: float = ATOL) -> str | None:
    """``correct``, ``rounded`` or None (no match) for one number."""
    if not (isinstance(given, (int, float)) and isinstance(expected, (int, float))):
        return None
    if not (math.isfinite(given) and math.isfinite(expected)):
        return "correct" if given == expected else None
    if abs(given - expected) <= max(atol, 1e-9 * abs(expected)):
        return "correct"
    if decimals is None or decimals < min_decimals or decimals > 12:
        return None
    slack = 10.0 ** (-decimals) * 1e-6 + 1e-12
    for candidate in (_round_half_away(expected, decimals), _truncate(expected, decimals)):
        if abs(given - candidate) <= slack:
            return "rounded"
    return None


def shape_of(value: Any) -> tuple[int, ...]:
    """Shape of a nested list (``()`` for a scalar)."""
    if isinstance(value, list):
        return (len(value),) + (shape_of(value[0]) if value else ())
    return ()


def compare_array(given: Any, expected: Any, decimals: Any, min_decimals: int = 0,
                  atol: float = ATOL) -> Any:
    """Nested element statuses (``correct``/``rounded``/None); raises ValueError on shape mismatch."""
    if isinstance(expected, list):
        if not isinstance(given, list) or len(given) != len(expected):
            raise ValueError(f"expected shape {shape_of(expected)}, got {shape_of(given)}")
        decs = decimals if isinstance(decimals, list) else [decimals] * len(expected)
        return [compare_array(g, e, d, min_decimals, atol) for g, e, d in zip(given, expected, decs)]
    if isinstance(given, list):
        raise ValueError(f"expected a number, got a list of {len(given)}")
    return compare_number(given, expected, decimals, min_decimals, atol)


def flatten(value: Any) -> list[Any]:
    """All leaves of a nested list, in order."""
    if isinstance(value, list):
        return [x for v in value for x in flatten(v)]
    return [value]


def summarize(statuses: Any) -> str | None:
    """The status of a whole array from its element statuses (None if any element fails)."""
    flat = flatten(statuses)
    if any(s is None for s in flat):
        return None
    return "correct" if all(s == "correct" for s in flat) else "rounded"
