"""Givens on which every known mistake can be diagnosed: generators redraw until it holds.

Two guards, used by different types:

- ``generate_clear(module, draw)``: draw givens until every known mistake is *visible* (its
  first changed step would be marked incorrect) and *told apart* (no earlier-listed mistake
  gives the same number there), so a diagnosis names the right mistake; after ``tries`` draws
  the last one is kept.
- ``distinct(module, givens)``: every mistake, where it first changes a value, changes it
  beyond rounding (a wrong 0.5 for a right 0.53 could be neither marked wrong nor diagnosed).

``this(__name__)`` hands a type its own module object for ``generate_clear``.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any, Callable, Iterable

import numpy as np

from derive.parse import answer_from_number
from problems import compare as C
from problems import engine
from problems.work import Work

Givens = dict[str, Any]


def this(name: str) -> ModuleType:
    """The module object of a problem type from its ``__name__`` (for ``generate_clear``)."""
    return sys.modules[name]


class _Stop(Exception):
    """Raised by ``_Probe`` at the first step that differs from the clean solution."""


class _Probe(Work):
    """A light notebook for the generator's filter: no step objects, stops at the first change."""

    def __init__(self, mistake: str | None = None, clean: dict[str, Any] | None = None):
        super().__init__(None, mistake)
        self.clean, self.first = clean, None

    def put(self, id: str, title: str, value: Any, formula: Any = None, because: str = "",
            depends_on: tuple[str, ...] = (), lhs: Any = None, tiny: float = 0.0) -> Any:
        plain = value.tolist() if isinstance(value, np.ndarray) else value.item() if isinstance(value, np.generic) else value
        self.values[id] = plain
        if self.clean is not None and id in self.clean and not same(plain, self.clean[id]):
            self.first = id
            raise _Stop
        return np.asarray(plain, dtype=float) if isinstance(plain, list) else plain  # as Work.put returns it


def _run(module: ModuleType, givens: Givens, work: _Probe) -> _Probe:
    try:
        with np.errstate(all="ignore"):
            module.solve(givens, work)
    except (_Stop, ValueError, IndexError, ZeroDivisionError, OverflowError):
        pass
    return work


def _flat(a: Any) -> list[Any]:
    return [y for x in a for y in _flat(x)] if isinstance(a, (list, tuple)) else [a]


def same(a: Any, b: Any) -> bool:
    """Equal within 1e-9 (strings exactly), for numbers and nested lists."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    fa, fb = _flat(a), _flat(b)
    if len(fa) != len(fb) or (isinstance(a, list) != isinstance(b, list)):
        return False
    return all(abs(float(x) - float(y)) <= 1e-9 + 1e-9 * abs(float(y)) for x, y in zip(fa, fb))


def credited(module: ModuleType, step_id: str, given: Any, expected: Any) -> bool:
    """Would ``given`` (typed at full precision) be credited for a step whose value is ``expected``?"""
    spec = engine.spec_for(module, step_id)
    kind = spec.kind if spec else "number"
    if kind == "choice" or isinstance(given, str) or isinstance(expected, str):
        return str(given).lower() == str(expected).lower()
    if kind == "integer":
        return abs(float(given) - float(expected)) < 1e-9
    answer = answer_from_number(given)
    try:
        status = C.compare_array(answer.value, expected, answer.decimals, (spec.min_decimals or 0) if spec else 0, C.ATOL)
    except (ValueError, TypeError):
        return False
    return (C.summarize(status) if isinstance(expected, list) else status) is not None


def mistakes_clear(module: ModuleType, givens: Givens) -> bool:
    """True when every mistake that changes something is graded wrong and named unambiguously.

    For each mistake (in MISTAKES order) the solver runs until its first changed step; that
    value must not be credited against the right value, nor against an earlier-listed
    mistake's value at the same step (which the diagnosis would name first).
    """
    clean = _run(module, givens, _Probe()).values
    firsts: dict[str, list[Any]] = {}
    for name in module.MISTAKES:
        probe = _run(module, givens, _Probe(name, clean))
        if probe.first is None:
            continue
        value = probe.values[probe.first]
        if credited(module, probe.first, value, clean[probe.first]):
            return False
        if any(credited(module, probe.first, value, v) for v in firsts.get(probe.first, [])):
            return False
        firsts.setdefault(probe.first, []).append(value)
    return True


def generate_clear(module: ModuleType, draw: Callable[[], Givens], tries: int = 40) -> Givens:
    """Givens from ``draw()`` (repeated up to ``tries`` times) whose mistakes are all clear."""
    givens = draw()
    for _ in range(tries - 1):
        if mistakes_clear(module, module.validate(givens)):
            break
        givens = draw()
    return givens


def _same_value(a: Any, b: Any) -> bool:
    """Equal, or equal in shape and within 1e-9 as float arrays (strings exactly)."""
    if a == b:
        return True
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    try:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return x.shape == y.shape and bool((np.abs(x - y) <= 1e-9 + 1e-9 * np.abs(y)).all())
    except (ValueError, TypeError):
        return False


def distinct(module: Any, givens: Givens, names: Iterable[str] | None = None) -> bool:
    """True when every known mistake (of ``names``, default all), where it first changes a value,
    changes it beyond rounding: the wrong value is not credited as a rounding of the right one."""
    clean = {s.id: s.value for s in engine.solve(module, givens)}
    for name in names if names is not None else module.MISTAKES:
        for step in engine.solve(module, givens, mistake=name):
            if step.id not in clean or _same_value(step.value, clean[step.id]):
                continue
            if isinstance(step.value, (int, float, list)) and not isinstance(step.value, bool):
                try:
                    a = answer_from_number(step.value)
                    if C.summarize(C.compare_array(a.value, clean[step.id], a.decimals)) is not None:
                        return False
                except (ValueError, TypeError):
                    pass
            break
    return True
