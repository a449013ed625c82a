"""``Work``: the notebook a solver writes its steps into.

A problem type's ``solve(givens, work)`` computes each intermediate value and records it with
``work.put(id, title, value, ...)``. ``put`` returns the value to carry forward: normally the
value just computed, but when checking a student's work it returns *the student's own* value for
that step (error carried forward), so later steps are recomputed from the student's numbers.
``work.mistake(name)`` is True while the engine replays the solver with one known mistake, so a
type describes each mistake where it happens, in one line of its solver.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import Step


TINY = 1e-10  # float noise (a least-squares fit's 8.9e-13 residual) is shown as 0


def plain(value: Any) -> Any:
    """NumPy → plain Python (ints, nested lists, floats to 12 significant digits, |x| < 1e-10 → 0)."""
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value != 0.0:
        return 0.0 if abs(value) < TINY else float(f"{value:.12g}")
    return value


class Work:
    """Records steps; hands back overrides (the student's values) when checking."""

    def __init__(self, overrides: dict[str, Any] | None = None, mistake: str | None = None):
        self.steps: list[Step] = []
        self.values: dict[str, Any] = {}
        self.overrides = overrides or {}
        self.active_mistake = mistake

    def mistake(self, name: str) -> bool:
        """True while the engine replays the solver with the known mistake ``name``."""
        return self.active_mistake == name

    def put(self, id: str, title: str, value: Any, formula: Any = None, because: str = "",
            depends_on: tuple[str, ...] = (), lhs: Any = None) -> Any:
        """Record step ``id`` with its value; return the value later steps should use."""
        value = plain(value)
        self.steps.append(Step(id=id, title=title, formula=formula, value=value, because=because,
                               depends_on=tuple(depends_on), lhs=lhs))
        self.values[id] = value
        if id not in self.overrides:
            return _like(value, value)
        return _like(self.overrides[id], value)

    def get(self, id: str) -> Any:
        """The value recorded for an earlier step (as computed, not overridden)."""
        return self.values[id]


def _like(new: Any, template: Any) -> Any:
    """``new`` in the type of ``template``: an ndarray for lists, int for ints, else as is.

    A value of the wrong shape or type (which the engine filters out already) falls back to
    the computed ``template`` rather than crashing the solver.
    """
    if isinstance(template, list) and _has_words(template):
        return new if isinstance(new, list) and len(new) == len(template) else template
    if isinstance(template, list):
        try:
            arr = np.asarray(new, dtype=float)
        except (TypeError, ValueError):
            return np.asarray(template, dtype=float)
        if arr.shape != np.asarray(template, dtype=float).shape:
            return np.asarray(template, dtype=float)
        return arr
    if isinstance(template, (bool, str)):
        return new if isinstance(new, type(template)) else template
    if isinstance(template, (int, float)):
        if isinstance(new, bool) or not isinstance(new, (int, float)):
            return template
        return int(round(float(new))) if isinstance(template, int) else float(new)
    return new


def _has_words(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_words(v) for v in value)
    return isinstance(value, str)
