"""Replaying a type's solver: on the student's own values (follow-through) and with a known mistake.

During checking (``problems.checking``) the solver runs again on the student's carried values,
so each later step is recomputed *from the student's own earlier answers*: ``follow_through``
hands those values to the comparing stage. The known mistakes are replayed by
``MistakeReplays`` for the diagnosing stage, lazily: a mistake is replayed only when a step is
marked incorrect (most checks are of mostly-right work), and its replay from scratch, which
does not depend on the answers, is cached across checks.

A student who carried more digits than they wrote gets a follow-through value a little off the
one recomputed from their written numbers: ``CarrySpread`` says how far (each carried entry moved
by half a unit in its last written place, the moves propagated to first order and summed).

A replay never crashes a check: the student's values can make later steps meaningless (a unit
number that does not exist); the steps after such a failure are left out of the replay.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any, Iterator

import numpy as np

from problems.work import Work


def replay(module: ModuleType, givens: dict[str, Any], overrides: dict[str, Any], mistake: str | None) -> dict[str, Any]:
    """Values (step id → value) of the solver run on ``overrides`` with ``mistake``; steps after a
    crash are left out. NumPy's floating-point warnings are silenced (odd values are expected)."""
    work = Work(overrides, mistake)
    with np.errstate(all="ignore"):
        try:
            module.solve(givens, work)
        except Exception:  # noqa: BLE001 - any failure on the student's values ends the replay only
            pass
    return work.values


@lru_cache(maxsize=1024)
def _scratch_replay(module: ModuleType, givens_json: str, mistake: str) -> dict[str, Any]:
    """One known mistake replayed from scratch (independent of the answers, so cached)."""
    return replay(module, json.loads(givens_json), {}, mistake)


class MistakeReplays:
    """The type's known mistakes replayed on demand: each once on the student's carried values
    and once from scratch, the first time a step's value under the mistakes is asked for."""

    def __init__(self, module: ModuleType, givens: dict[str, Any], carried: dict[str, Any]):
        self.module, self.givens, self.carried = module, givens, carried
        self.givens_json = json.dumps(givens, sort_keys=True)
        self.on_student: dict[str, dict[str, Any]] = {}

    def values(self, step_id: str) -> Iterator[tuple[str, Any]]:
        """(description, value of ``step_id``) for every mistake: on the student's values, then from scratch."""
        for name, description in self.module.MISTAKES.items():
            if name not in self.on_student:
                self.on_student[name] = replay(self.module, self.givens, self.carried, name)
            yield description, self.on_student[name].get(step_id)
        for name, description in self.module.MISTAKES.items():
            yield description, _scratch_replay(self.module, self.givens_json, name).get(step_id)


MAX_SPREAD_ENTRIES = 200  # carried entries moved one at a time; more than this: no spread (written values only)


class CarrySpread:
    """How far each follow-through value can move when the student carried more digits than they
    wrote: every carried entry anywhere within half a unit in its last written place.

    Entry by entry, the solver is replayed with one carried entry moved by that half unit; the
    changes of every later value are summed (a first-order bound of the propagated rounding).
    Computed once, the first time a width is asked for (most checks never ask).
    """

    def __init__(self, module: ModuleType, givens: dict[str, Any], carried: dict[str, Any],
                 decimals: dict[str, Any], own: dict[str, Any]):
        self.module, self.givens, self.carried, self.decimals, self.own = module, givens, carried, decimals, own
        self._widths: dict[str, Any] | None = None

    def of(self, step_id: str) -> Any:
        """Half-widths of ``step_id``'s follow-through value (nested like it), or None if unknown."""
        if self._widths is None:
            self._widths = self._compute()
        return self._widths.get(step_id)

    def _moves(self) -> list[tuple[str, tuple[int, ...], float]]:
        """(step id, position, half unit) of every carried number written with decimal places."""
        out = []
        for step_id, value in self.carried.items():
            places = self.decimals.get(step_id)
            for pos, leaf, d in _leaves(value, places):
                if isinstance(d, int) and not isinstance(leaf, bool) and isinstance(leaf, (int, float)):
                    out.append((step_id, pos, 0.5 * 10.0 ** (-d)))
        return out

    def _compute(self) -> dict[str, Any]:
        moves = self._moves()
        if not moves or len(moves) > MAX_SPREAD_ENTRIES:
            return {}
        widths: dict[str, Any] = {k: _zeros(v) for k, v in self.own.items() if _numeric(v)}
        order = {k: i for i, k in enumerate(self.own)}  # the solver's step order
        for step_id, pos, half in moves:
            moved = dict(self.carried)
            moved[step_id] = _moved(self.carried[step_id], pos, half)
            values = replay(self.module, self.givens, moved, None)
            for k in list(widths):  # only later steps: a step's own answer may steer it (an eigenvector's sign)
                if k in values and widths[k] is not None and order[k] > order.get(step_id, len(order)):
                    widths[k] = _add_change(widths[k], values[k], self.own[k])
        return {k: w for k, w in widths.items() if w is not None}


def _leaves(value: Any, places: Any, pos: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], Any, Any]]:
    if isinstance(value, list):
        ps = places if isinstance(places, list) and len(places) == len(value) else [None] * len(value)
        for i, (v, p) in enumerate(zip(value, ps)):
            yield from _leaves(v, p, pos + (i,))
    else:
        yield pos, value, places


def _moved(value: Any, pos: tuple[int, ...], by: float) -> Any:
    if not pos:
        return value + by
    out = list(value)
    out[pos[0]] = _moved(value[pos[0]], pos[1:], by)
    return out


def _numeric(value: Any) -> bool:
    if isinstance(value, list):
        return all(_numeric(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _zeros(value: Any) -> Any:
    return [_zeros(v) for v in value] if isinstance(value, list) else 0.0


def _add_change(width: Any, new: Any, old: Any) -> Any:
    """``width`` plus |new − old| entry by entry; None when the shapes part (the value is then unbounded)."""
    if isinstance(width, list):
        if not (isinstance(new, list) and isinstance(old, list) and len(new) == len(old) == len(width)):
            return None
        parts = [_add_change(w, n, o) for w, n, o in zip(width, new, old)]
        return None if any(p is None for p in parts) else parts
    if not (_numeric(new) and _numeric(old)) or isinstance(new, list):
        return None
    change = abs(float(new) - float(old))
    return width + change if change == change and change != float("inf") else None


@dataclass(frozen=True)
class FollowThrough:
    """The follow-through values (step id → value recomputed from the student's own answers) and
    their ``spread`` when the student carried more digits than written."""

    values: dict[str, Any]
    spread: CarrySpread


def follow_through(module: ModuleType, givens: dict[str, Any], carried: dict[str, Any],
                   decimals: dict[str, Any] | None = None) -> FollowThrough:
    """Every step recomputed from the student's ``carried`` values, with the spread of each value
    when every carried entry may be anywhere within half a unit of the ``decimals`` written."""
    values = replay(module, givens, carried, None)
    return FollowThrough(values, CarrySpread(module, givens, carried, decimals or {}, values))
