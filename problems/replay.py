"""Replaying a type's solver: on the student's own values (follow-through) and with a known mistake.

During checking (``problems.checking``) the solver runs again on the student's carried values,
so each later step is recomputed *from the student's own earlier answers*: ``follow_through``
hands those values to the comparing stage. The known mistakes are replayed by
``MistakeReplays`` for the diagnosing stage, lazily: a mistake is replayed only when a step is
marked incorrect (most checks are of mostly-right work), and its replay from scratch, which
does not depend on the answers, is cached across checks.

A replay never crashes a check: the student's values can make later steps meaningless (a unit
number that does not exist); the steps after such a failure are left out of the replay.
"""

from __future__ import annotations

import json
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


def follow_through(module: ModuleType, givens: dict[str, Any], carried: dict[str, Any]) -> dict[str, Any]:
    """The follow-through values: every step recomputed from the student's ``carried`` values."""
    return replay(module, givens, carried, None)


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
