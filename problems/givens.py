"""Validators for givens: each returns the canonical value or raises GivenError naming the key.

Every number a given holds is finite and, unless a type states its own range, at most
``MAX_GIVEN`` (10⁶) in size: the solvers square, multiply and exponentiate givens, and within
±10⁶ every step stays a finite float (docs/limits.md, "Problem givens").
"""

from __future__ import annotations

import math
from typing import Any, Iterable

from derive.parse import ParseError, parse_value
from derive.errors import UserError

MAX_GIVEN = 1e6  # the size of any given number unless the type states its own range


class GivenError(UserError):
    """A given is missing or malformed; ``key`` names it, the message says what is expected."""

    def __init__(self, key: str, expected: str):
        super().__init__(f"given '{key}' {expected}" if expected.startswith("is ") else f"given '{key}': {expected}")
        self.key = key


def _raw(givens: dict[str, Any], key: str, default: Any = ...) -> Any:
    if key not in givens or givens[key] is None:
        if default is ...:
            raise GivenError(key, "is missing")
        return default
    value = givens[key]
    if isinstance(value, str):
        try:
            return parse_value(value)
        except ParseError as exc:
            raise GivenError(key, str(exc)) from exc
    return value


def _finite(key: str, v: Any, limit: float = math.inf) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise GivenError(key, f"expected a finite number, got {v!r}")
    if abs(v) > limit:
        raise GivenError(key, f"{v:g} is too large (at most ±{limit:g})")
    return float(v) + 0.0  # -0.0 → 0.0: a sign on zero means nothing in a given


def number(givens: dict[str, Any], key: str, low: float = -MAX_GIVEN, high: float = MAX_GIVEN,
           default: Any = ...) -> float:
    """A finite number in [low, high] (by default ±``MAX_GIVEN``)."""
    v = _raw(givens, key, default)
    v = _finite(key, v)
    if not low <= v <= high:
        raise GivenError(key, f"expected a number between {low:g} and {high:g}, got {v:g}")
    return v


def integer(givens: dict[str, Any], key: str, low: int, high: int, default: Any = ...) -> int:
    """A whole number in [low, high]."""
    v = _finite(key, _raw(givens, key, default))
    if v != int(v) or not low <= v <= high:
        raise GivenError(key, f"expected a whole number from {low} to {high}, got {v:g}")
    return int(v)


def vector(givens: dict[str, Any], key: str, length: tuple[int, int] = (1, 10_000),
           default: Any = ..., limit: float = MAX_GIVEN) -> list[float]:
    """A list of finite numbers, each at most ``limit`` in size, with length in the given range."""
    v = _raw(givens, key, default)
    if not isinstance(v, list) or any(isinstance(x, list) for x in v):
        raise GivenError(key, "expected a list of numbers like [0.1, 0.2]")
    if not length[0] <= len(v) <= length[1]:
        raise GivenError(key, f"expected {length[0]}–{length[1]} numbers, got {len(v)}")
    return [_finite(key, x, limit) for x in v]


def matrix(givens: dict[str, Any], key: str, rows: tuple[int, int] = (1, 1000),
           cols: tuple[int, int] = (1, 1000), default: Any = ..., limit: float = MAX_GIVEN) -> list[list[float]]:
    """A rectangular nested list ``[[…], […]]`` with rows and columns in the given ranges, each
    number at most ``limit`` in size."""
    v = _raw(givens, key, default)
    if isinstance(v, list) and v and not any(isinstance(r, list) for r in v):
        v = [v]  # a single row given as a flat list
    if not isinstance(v, list) or not v or not all(isinstance(r, list) for r in v):
        raise GivenError(key, "expected a matrix like [[0.1, 0.2], [0.3, 0.4]]")
    if len({len(r) for r in v}) != 1:
        raise GivenError(key, "expected rows of equal length")
    if not rows[0] <= len(v) <= rows[1] or not cols[0] <= len(v[0]) <= cols[1]:
        want = f"{rows[0]}–{rows[1]} rows × {cols[0]}–{cols[1]} columns" if cols[0] != cols[1] else f"{rows[0]}–{rows[1]} rows of {cols[0]} numbers"
        raise GivenError(key, f"expected {want}, got {len(v)}×{len(v[0])}")
    return [[_finite(key, x, limit) for x in r] for r in v]


def choice(givens: dict[str, Any], key: str, options: Iterable[str], default: Any = ...) -> str:
    """One of a fixed set of words."""
    options = list(options)
    if key not in givens or givens[key] is None:
        if default is ...:
            raise GivenError(key, f"is missing (one of {', '.join(options)})")
        return default
    v = str(givens[key]).strip().lower()
    if v not in options:
        raise GivenError(key, f"expected one of {', '.join(options)}, got {givens[key]!r}")
    return v


def flag(givens: dict[str, Any], key: str, default: bool = False) -> bool:
    """A true/false given (true, false, yes, no, 1, 0)."""
    if key not in givens or givens[key] is None:
        return default
    v = givens[key]
    if isinstance(v, bool):
        return v
    text = str(v).strip().lower()
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise GivenError(key, f"expected true or false, got {v!r}")
