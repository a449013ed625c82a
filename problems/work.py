"""``Work``: the notebook a solver writes its steps into.

A problem type's ``solve(givens, work)`` computes each intermediate value and records it with
``work.put(id, title, value, ...)``. ``put`` returns the value to carry forward: normally the
value just computed, but when checking a student's work it returns *the student's own* value for
that step (error carried forward), so later steps are recomputed from the student's numbers.
``work.mistake(name)`` is True while the engine replays the solver with one known mistake, so a
type describes each mistake where it happens, in one line of its solver.

``solve`` runs a type's solver in a fresh notebook: the exact solution (the key), or a replay
on overrides and one known mistake. It is the first stage of checking (``problems.checking``)
and what ``problems.engine`` solves exercises with; the replays that must survive a crash are
in ``problems.replay``.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np

from derive.steps import Step


TINY = 1e-10  # float noise (a least-squares fit's 8.9e-13 residual) is shown as 0


def noise_floor(data: Any, power: int = 1) -> float:
    """The ``tiny`` of a statistic of ``data`` (a mean: ``power`` 1; a variance or Σx²: 2): TINY, or
    less where the data are small, so that a statistic real at the data's own scale (the variance
    1e-12 of [0, 2e-6]) is not taken for float noise. Noise is a thousand rounding errors of the
    largest |value| (to the ``power``), so equal values' cancellation residue (1e-34) stays 0."""
    scale = float(np.max(np.abs(np.asarray(data, dtype=float)), initial=0.0))
    return min(TINY, (1e3 * float(np.finfo(float).eps) * scale) ** power)


def plain(value: Any, tiny: float = TINY) -> Any:
    """NumPy → plain Python (ints, nested lists, floats to 12 significant digits, |x| < ``tiny``
    → 0: float noise; a step whose small values are real, as Adam's v = (1 − β₂)g², passes 0)."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":  # the checker's hot path: one pass of NumPy, or a tight loop when small
            return _plain_floats(value, tiny) if value.size > 48 else _plain_small(value.tolist(), value.ndim, tiny)
        return plain(value.tolist(), tiny)
    if isinstance(value, np.generic):
        return plain(value.item(), tiny)
    if isinstance(value, (list, tuple)):
        return [plain(v, tiny) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value != 0.0:
        return 0.0 if abs(value) < tiny else float(f"{value:.12g}")
    return value


def _round12(x: float, tiny: float = TINY, isfinite: Any = math.isfinite) -> float:
    """One float as ``plain`` gives it: 12 significant digits, |x| < ``tiny`` → 0."""
    if x != 0.0 and isfinite(x):
        return 0.0 if -tiny < x < tiny else float(format(x, ".12g"))
    return x


def _plain_small(rows: Any, ndim: int, tiny: float = TINY) -> Any:
    """``plain`` for the nested float lists of a small array (no per-element type dispatch)."""
    if ndim == 0:
        return _round12(rows, tiny)
    if ndim == 1:
        return [_round12(x, tiny) for x in rows]
    return [_plain_small(r, ndim - 1, tiny) for r in rows]


def _plain_floats(a: np.ndarray, tiny: float = TINY) -> Any:
    """``plain`` for a float array in one pass of NumPy (the checker's hot path).

    Rounding to 12 significant digits is done as round(x·10ᵏ)/10ᵏ where 10ᵏ is exact (k ≤ 22)
    — the correctly rounded quotient, as ``float(f"{x:.12g}")`` gives; other entries (huge,
    tiny, non-finite, or within 10⁻³ of a decimal tie) take the scalar path, so the result is
    identical to the scalar loop.
    """
    a = np.asarray(a, dtype=np.float64)
    out = a.copy()
    finite = np.isfinite(a) & (a != 0.0)
    out[finite & (np.abs(a) < tiny)] = 0.0
    big = finite & (np.abs(a) >= tiny)
    k = np.zeros(a.shape)
    k[big] = 11 - np.floor(np.log10(np.abs(a[big])))
    fast = big & (k >= 0) & (k <= 22)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = a * 10.0 ** np.where(fast, k, 0.0)
        frac = scaled - np.floor(scaled)
    fast &= np.abs(frac - 0.5) > 1e-3  # near a decimal tie the product's own rounding can decide it
    out[fast] = np.round(scaled[fast]) / 10.0 ** k[fast]
    for idx in zip(*np.nonzero(big & ~fast)):
        out[idx] = float(f"{a[idx]:.12g}")
    return out.tolist()


def solve(module: ModuleType, givens: dict[str, Any], overrides: dict[str, Any] | None = None,
          mistake: str | None = None) -> list[Step]:
    """Run the type's solver; returns its steps (values recomputed from overrides, if any).

    The key (no overrides, no mistake) is computed under ``problems.finite_key``: a warning or a
    non-finite value there is the givens' fault, a UserError."""
    work = Work(overrides, mistake)
    if overrides or mistake:
        module.solve(givens, work)
        return work.steps
    from problems.finite_key import computed_finitely

    def key() -> list[Step]:
        module.solve(givens, work)
        return work.steps
    return computed_finitely(key)


class ReplayDone(BaseException):
    """Raised by ``Work.put`` right after the step a replay was asked to stop at (not an
    ``Exception``, so no solver's own error handling can swallow it)."""


class Work:
    """Records steps; hands back overrides (the student's values) when checking."""

    def __init__(self, overrides: dict[str, Any] | None = None, mistake: str | None = None,
                 stop_after: str | None = None):
        self.steps: list[Step] = []
        self.values: dict[str, Any] = {}
        self.overrides = overrides or {}
        self.active_mistake = mistake
        self.stop_after = stop_after

    def mistake(self, name: str) -> bool:
        """True while the engine replays the solver with the known mistake ``name``."""
        return self.active_mistake == name

    def put(self, id: str, title: str, value: Any, formula: Any = None, because: str = "",
            depends_on: tuple[str, ...] = (), lhs: Any = None, tiny: float = TINY) -> Any:
        """Record step ``id`` with its value; return the value later steps should use. Values
        below ``tiny`` in size are float noise, recorded (and carried) as 0."""
        numeric = isinstance(value, np.ndarray) and value.dtype.kind in "fiub"
        value = plain(value, tiny)
        self.steps.append(Step(id=id, title=title, formula=formula, value=value, because=because,
                               depends_on=tuple(depends_on), lhs=lhs))
        self.values[id] = value
        if id == self.stop_after:
            raise ReplayDone
        if not numeric:
            return _like(self.overrides.get(id, value), value)
        # a numeric array needs no word checks: it comes back as itself or the student's same-shaped values
        computed = np.array(value, dtype=float)
        if id not in self.overrides:
            return computed
        try:
            arr = np.asarray(self.overrides[id], dtype=float)
        except (TypeError, ValueError):
            return computed
        return arr if arr.shape == computed.shape else computed

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
