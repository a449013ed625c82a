"""Hand-friendly random givens: one option, numbers on a decimal grid, the variant for a difficulty."""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np


def pick(rng: np.random.Generator, options: Iterable[Any]) -> Any:
    """One element of ``options``, drawn uniformly (the element itself, e.g. a Python float)."""
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
    """``variant`` if given (checked against ``options``), else one drawn from ``weights[difficulty]``."""
    if variant is None:
        return pick(rng, weights[difficulty])
    if variant not in options:
        raise ValueError(f"unknown variant {variant!r} (known: {', '.join(options)})")
    return variant
