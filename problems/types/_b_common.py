"""Shared helpers of the problem types conv … word2vec: random hand-friendly numbers, text, torch.

Nothing here is a problem type (the registry skips modules starting with ``_``).
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable

import numpy as np

from problems.givens import GivenError


def pick(rng: np.random.Generator, options: Iterable[Any]) -> Any:
    """One element of ``options`` (a plain Python object, not a NumPy scalar)."""
    options = list(options)
    return options[int(rng.integers(len(options)))]


def dec(rng: np.random.Generator, shape: Any, lo: float, hi: float, places: int = 1,
        nonzero: bool = False) -> np.ndarray:
    """Uniform numbers on the grid 10⁻ᵖˡᵃᶜᵉˢ in [lo, hi] (zeros excluded when ``nonzero``)."""
    q = 10 ** places
    a = rng.integers(round(lo * q), round(hi * q) + 1, size=shape)
    if nonzero:
        a = np.where(a == 0, q // 10 or 1, a)
    return np.round(a / q, places)


def variant_of(rng: np.random.Generator, variant: str | None, options: dict[str, Any],
               weights: dict[str, list[str]], difficulty: str) -> str:
    """``variant`` if given (checked against ``options``), else a random one for the difficulty."""
    if variant is None:
        return pick(rng, weights[difficulty])
    if variant not in options:
        raise ValueError(f"unknown variant {variant!r} (known: {', '.join(options)})")
    return variant


def num(x: float) -> str:
    """A number as a student writes it: ``0.5``, ``-1``, ``2.25``."""
    return f"{x:g}".replace("-", "−")


def vec(v: Any) -> str:
    """``(0.1, −0.2)``."""
    return "(" + ", ".join(num(float(x)) for x in np.ravel(v)) + ")"


def mat(m: Any) -> str:
    """``[[1, 2], [3, 4]]`` row by row."""
    return "[" + ", ".join("[" + ", ".join(num(float(x)) for x in row) + "]" for row in m) + "]"


def sigmoid(x: Any) -> Any:
    """σ(x) = 1/(1 + e^{−x}), elementwise."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def softmax(x: Any, axis: int = -1) -> np.ndarray:
    """Stable softmax along ``axis``: e^{x_i − max}/Σ_j e^{x_j − max}."""
    x = np.asarray(x, dtype=float)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def torch_module() -> Any:
    """The ``torch`` module, or None when it is not installed (cross-checks fall back to NumPy)."""
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return torch


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
    from problems.givens import vector
    v = vector(givens, key, length)
    if any(x != int(x) or not low <= x <= high for x in v):
        raise GivenError(key, f"expected whole numbers from {low} to {high}")
    return [int(x) for x in v]


def binary(givens: dict[str, Any], key: str, length: tuple[int, int]) -> list[float]:
    """A vector of 0/1 states."""
    from problems.givens import vector
    v = vector(givens, key, length)
    if any(x not in (0.0, 1.0) for x in v):
        raise GivenError(key, "expected a vector of 0/1 states")
    return v


def finite(x: float) -> float:
    """``x`` if finite, else ValueError (a replay on nonsense inputs stops cleanly)."""
    if not math.isfinite(x):
        raise ValueError("not finite")
    return x


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
