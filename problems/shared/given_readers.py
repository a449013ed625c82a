"""Givens that ``problems.givens`` does not read: words, a sentence, whole numbers, 0/1 states,
and the numbers a 1-unit layer is written with. Each raises ``GivenError`` naming the key."""

from __future__ import annotations

import re
from typing import Any, Iterable

from problems.givens import GivenError
from problems.givens import vector


def words(givens: dict[str, Any], key: str, default: Any = ..., low: int = 0, high: int = 200) -> list[str]:
    """A list of lower-case words, from a list or from text separated by commas/spaces."""
    v = givens.get(key)
    if v is None:
        if default is ...:
            raise GivenError(key, "is missing")
        return list(default)
    items = v if isinstance(v, list) else re.split(r"[,;\s]+", str(v))
    out = [str(w).strip().lower() for w in items if str(w).strip()]
    if not low <= len(out) <= high or any(not re.fullmatch(r"[a-z']{1,20}", w) for w in out):
        raise GivenError(key, f"expected {low}–{high} words of letters a–z")
    return out


def text(givens: dict[str, Any], key: str, limit: int = 400) -> str:
    """A short piece of text (a corpus sentence), whitespace collapsed."""
    v = givens.get(key)
    if not isinstance(v, str) or not v.strip():
        raise GivenError(key, "is missing (a sentence in quotes)")
    if len(v) > limit:
        raise GivenError(key, f"expected at most {limit} characters")
    return " ".join(v.split())


def ints(givens: dict[str, Any], key: str, length: tuple[int, int], low: int, high: int) -> list[int]:
    """A list of whole numbers, each in [low, high]."""
    v = vector(givens, key, length)
    if any(x != int(x) or not low <= x <= high for x in v):
        raise GivenError(key, f"expected whole numbers from {low} to {high}")
    return [int(x) for x in v]


def binary(givens: dict[str, Any], key: str, length: tuple[int, int]) -> list[float]:
    """A vector of 0/1 states."""
    v = vector(givens, key, length)
    if any(x not in (0.0, 1.0) for x in v):
        raise GivenError(key, "expected a vector of 0/1 states")
    return v


def one_unit(givens: dict[str, Any], matrices: Iterable[str] = (), vectors: Iterable[str] = (),
             columns: Iterable[str] = ()) -> dict[str, Any]:
    """Givens of a 1-unit layer written as numbers, made into the lists the validators expect:
    a number becomes [[x]] (``matrices``) or [x] (``vectors``); a flat list in ``columns`` (one
    value per time step) becomes a column [[x₁], [x₂], …]."""
    out = dict(givens)
    for key in matrices:
        if isinstance(out.get(key), (int, float)) and not isinstance(out.get(key), bool):
            out[key] = [[out[key]]]
    for key in vectors:
        if isinstance(out.get(key), (int, float)) and not isinstance(out.get(key), bool):
            out[key] = [out[key]]
    for key in columns:
        v = out.get(key)
        if isinstance(v, list) and v and not any(isinstance(x, list) for x in v):
            out[key] = [[x] for x in v]
    return out
