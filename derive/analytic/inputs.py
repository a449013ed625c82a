"""Numbers for ``--values`` / ``--seed N`` / ``--given KEY=VALUE``: drawn, overridden, validated.

A topic lists its :class:`Input` s (a name the user types, the SymPy symbols it sets, how to draw
it, its allowed range). ``resolve`` draws every input from ``numpy.random.default_rng(seed)``,
then replaces the ones the user gave, refusing unknown names, wrong lengths and values outside
the allowed range with a :class:`~derive.errors.UserError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import sympy as sp

from derive.errors import UserError

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Input:
    """One numeric input: ``--given name=VALUE`` sets ``symbols`` (one for a scalar, n for a vector)."""

    name: str
    symbols: tuple[Any, ...]
    meaning: str
    low: float
    high: float
    allowed: tuple[float, float] = (-math.inf, math.inf)
    shape: tuple[int, ...] = ()
    post: Callable[[Any], Any] | None = None  # e.g. one-hot or normalise a drawn vector

    def draw(self, rng: np.random.Generator) -> Any:
        """A random value (rounded to 3 decimals, so hand-checkable)."""
        if not self.shape:
            return round(float(rng.uniform(self.low, self.high)), 3)
        v = [round(float(x), 3) for x in rng.uniform(self.low, self.high, size=self.shape)]
        return self.post(v) if self.post else v


def resolve(inputs: list[Input], given: dict[str, Any] | None, seed: int | None) -> tuple[dict[str, Any], dict[Any, Any]]:
    """``({name: value}, {symbol: value})`` from a seed and the user's ``--given`` values."""
    import numpy as np
    given = dict(given or {})
    known = {i.name: i for i in inputs}
    for key in given:
        if key not in known:
            raise UserError(f"unknown input '{key}' (this topic takes: {', '.join(known) or 'none'})", "--given")
    rng = np.random.default_rng(seed or 0)
    named: dict[str, Any] = {}
    for inp in inputs:
        drawn = inp.draw(rng)  # always draw, so a given value does not shift the others
        named[inp.name] = _checked(inp, given[inp.name]) if inp.name in given else drawn
    subs: dict[Any, Any] = {}
    for inp in inputs:
        vals = named[inp.name] if inp.shape else [named[inp.name]]
        subs.update({s: sp.Float(v, 30) for s, v in zip(inp.symbols, vals)})
    return named, subs


def _checked(inp: Input, value: Any) -> Any:
    lo, hi = inp.allowed
    if isinstance(value, str):
        raise UserError(f"{inp.name}: expected a number, got '{value[:30]}'", "--given")
    if inp.shape:
        if not isinstance(value, list) or len(value) != inp.shape[0] or any(isinstance(v, list) for v in value):
            raise UserError(f"{inp.name}: expected a list of {inp.shape[0]} numbers ({inp.meaning})", "--given")
        items = value
    else:
        if isinstance(value, list):
            raise UserError(f"{inp.name}: expected one number ({inp.meaning})", "--given")
        items = [value]
    for v in items:
        if not (lo <= v <= hi):
            raise UserError(f"{inp.name}: {v:g} is outside the allowed range {_range(lo, hi)} ({inp.meaning})", "--given")
    return [float(v) for v in value] if inp.shape else float(value)


def _range(lo: float, hi: float) -> str:
    return f"[{lo:g}, {hi:g}]".replace("inf", "∞")
