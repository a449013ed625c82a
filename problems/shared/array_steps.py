"""Array-valued steps: givens as float arrays, and a 1-unit layer's value recorded as a number."""

from __future__ import annotations

from typing import Any

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


def as_step_value(v: Any) -> Any:
    """A value as ``put`` records it: a number for one element, else nested lists (for cross-checks)."""
    v = np.asarray(v, dtype=float)
    return float(v.reshape(-1)[0]) if v.size == 1 else v.tolist()
