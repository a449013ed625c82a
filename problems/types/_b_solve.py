"""Shared solver helpers of the types conv … word2vec: array steps, per-variant mistakes, and the
generators' guard that every known mistake stays recognisable.
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np


def put(work: Any, id: str, title: str, value: np.ndarray, formula: str, depends_on: tuple[str, ...] = (),
        because: str = "") -> np.ndarray:
    """``work.put`` for an array, recording a one-element array as a plain number (a 1-unit layer's
    value is a number on paper); returns the carried value as an array of the original shape."""
    if value.size == 1:
        return np.full(value.shape, work.put(id, title, float(value.flat[0]), formula, because, depends_on))
    return work.put(id, title, value, formula, because, depends_on)


def arr(g: dict[str, Any], *keys: str) -> list[np.ndarray]:
    """Givens as float arrays."""
    return [np.array(g[k], dtype=float) for k in keys]


def _same(a: Any, b: Any) -> bool:
    if a == b:
        return True
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return x.shape == y.shape and bool((np.abs(x - y) <= 1e-9 + 1e-9 * np.abs(y)).all())
    except (ValueError, TypeError):
        return False


def other_mistake(work: Any, every: Iterable[str], own: Iterable[str]) -> bool:
    """True while the engine replays a mistake of ``every`` that is not one of ``own`` (it belongs
    to another variant): the solver may then record nothing, as such a replay changes no value."""
    own = set(own)
    return any(work.mistake(n) for n in every if n not in own)


def distinct(module: Any, givens: dict[str, Any], names: Iterable[str] | None = None) -> bool:
    """True when every known mistake, where it first changes a value, changes it beyond rounding.

    Generators redraw givens that fail this: a wrong value that would pass as a rounding of the
    right one (0.5 for 0.53) could be neither marked wrong nor diagnosed.
    """
    from derive.parse import answer_from_number
    from problems import compare
    from problems import engine
    clean = {s.id: s.value for s in engine.solve(module, givens)}
    for name in names if names is not None else module.MISTAKES:
        for step in engine.solve(module, givens, mistake=name):
            if step.id not in clean or _same(step.value, clean[step.id]):
                continue
            if isinstance(step.value, (int, float, list)) and not isinstance(step.value, bool):
                try:
                    a = answer_from_number(step.value)
                    if compare.summarize(compare.compare_array(a.value, clean[step.id], a.decimals)) is not None:
                        return False
                except (ValueError, TypeError):
                    pass
            break
    return True
