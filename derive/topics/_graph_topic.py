"""Helpers shared by the topics built on a graph spec: options, values, checks.

Option parsing (:func:`whole`, :func:`merged`) serves every graph topic (mlp, rnn, lstm, gru,
attention, batchnorm, conv); values and checks serve attention, batchnorm and conv.
(The leading underscore keeps this module out of the topic registry.)
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Callable, Iterable

from derive.errors import UserError
from derive.graph import Graph
from derive.steps import Check

if TYPE_CHECKING:
    import numpy as np

Draw = Callable[["np.random.Generator"], dict[str, Any]]


# --- options ---------------------------------------------------------------------------------------

def whole(value: Any, arg: str, low: int, high: int) -> int:
    """A whole number in [low, high] from an option value (text or int); UserError naming ``arg``."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.lstrip("-").isdigit() or not low <= int(text) <= high:
        raise UserError(f"expected a whole number from {low} to {high}, got '{text[:20]}'", arg)
    return int(text)


def choice(value: Any, arg: str, aliases: dict[str, str]) -> str:
    """The canonical name of an option value (``aliases`` maps every accepted spelling to it)."""
    text = str(value).strip().lower()
    if text not in aliases:
        names = ", ".join(dict.fromkeys(aliases.values()))
        raise UserError(f"expected one of {names}, got '{text[:20]}'", arg)
    return aliases[text]


def merged(defaults: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """The topic's defaults overridden by the options that were given (None means not given)."""
    return {**defaults, **{k: v for k, v in options.items() if v is not None}}


# --- values ----------------------------------------------------------------------------------------

def given_value(graph: Graph, name: str, value: Any) -> np.ndarray:
    """A user-given value as a float64 matrix of the leaf's shape.

    A flat list is accepted for a row or a column; a single number for a 1×1 leaf or for a row of
    equal entries (such as ε)."""
    import numpy as np
    rows, cols = graph.get(name).shape
    if isinstance(value, str):
        raise UserError(f"'{value[:20]}' is not a number or matrix", f"--given {name}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise UserError("expected a number or a matrix such as [[1,2],[3,4]]", f"--given {name}") from None
    if arr.ndim == 0 and (rows == 1 or cols == 1):
        arr = np.full((rows, cols), float(arr))
    elif arr.ndim == 1 and 1 in (rows, cols) and arr.size == rows * cols:
        arr = arr.reshape(rows, cols)
    if arr.shape != (rows, cols):
        got = "×".join(map(str, arr.shape)) or "a number"
        raise UserError(f"expected a {rows}×{cols} matrix, got {got}", f"--given {name}")
    if not np.all(np.isfinite(arr)):
        raise UserError("values must be finite", f"--given {name}")
    return arr


def leaf_values(graph: Graph, given: dict[str, Any], seed: int, draw: Draw) -> tuple[dict[str, Any], list[str]]:
    """Every leaf's value: the given ones, the rest from ``draw(rng)`` (seeded, drawn in full so
    giving one value never changes another). Returns the values and the names that were drawn."""
    import numpy as np
    known = [x.name for x in graph.leaves]
    unknown = [k for k in given if k not in known]
    if unknown:
        raise UserError(f"unknown name '{unknown[0]}' (this graph's givens: {', '.join(known)})", "--given")
    values = draw(np.random.default_rng(seed))
    values.update({k: given_value(graph, k, v) for k, v in given.items()})
    return values, [k for k in known if k not in given]


def value_note(given: dict[str, Any], drawn: list[str], seed: int, how: str) -> str:
    """Which values were given and which drawn (and how)."""
    parts = ["given: " + ", ".join(given)] if given else []
    if drawn:
        parts.append(f"drawn from seed {seed} ({how}): " + ", ".join(drawn))
    return "Values: " + "; ".join(parts) + "."


def uniform(rng: np.random.Generator, shape: tuple[int, ...], low: float, high: float,
            decimals: int | None) -> np.ndarray:
    """Uniform values on [low, high] of ``shape``, rounded to ``decimals`` (None: unrounded)."""
    import numpy as np
    v = rng.uniform(low, high, size=shape)
    return np.round(v, decimals) if decimals is not None else v


# --- verification ----------------------------------------------------------------------------------

def labelled(checks: Iterable[Check], suffix: str) -> list[Check]:
    """The checks with ``suffix`` (e.g. the shape they ran at) added to each parameter's name."""
    return [dataclasses.replace(c, parameter=f"{c.parameter} {suffix}".rstrip()) for c in checks]


def zero_check(name: str, values: Iterable[float], method: str, points: int) -> Check:
    """A check that some quantity is exactly zero (max |·| reported, tolerance 0)."""
    worst = max((abs(float(v)) for v in values), default=0.0)
    return Check(name, worst, method, 0.0, points)
