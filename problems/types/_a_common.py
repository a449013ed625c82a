"""Helpers shared by the problem types of part A (backprop … metrics); not a problem type.

- ``num``/``vec``/``mat``: how givens are written in statements (``0.25``, ``(0.1, 0.2)``).
- ``generate_clear``: draw givens until every known mistake is *visible* (its first changed step
  would be marked incorrect) and *told apart* (no earlier-listed mistake gives the same number
  there), so a diagnosis names the right mistake; after ``tries`` draws the last one is kept.
- ``ln``/``root``: logarithm and square root that raise ValueError outside their domain (a
  student's impossible value stops the replay instead of producing NaN).
- ``Label``: a step's left-hand side, plain in text, ``\\mathrm{…}`` in LaTeX.
- ``idle``: lets a solver skip the replay of a mistake that cannot occur with its givens.
- ``load_torch``: torch, or None when it is not installed (cross-checks fall back to NumPy).
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any, Callable

import numpy as np

from derive.parse import answer_from_number
from problems import compare as C
from problems.engine import spec_for
from problems.work import Work

Givens = dict[str, Any]


def num(x: float) -> str:
    """A given number as written in a statement (``0.25``, ``−1``, ``1e−8``)."""
    s = f"{x:g}"
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s.replace("-", "−")


def vec(v: Any) -> str:
    """A vector as ``(a, b, c)``."""
    return "(" + ", ".join(num(a) for a in v) + ")"


def mat(m: Any) -> str:
    """A matrix as ``[[a, b], [c, d]]``."""
    return "[" + ", ".join("[" + ", ".join(num(a) for a in row) + "]" for row in m) + "]"


def poly_text(pairs: Any) -> str:
    """``x² − 0.5xy + 3y`` from (coefficient, monomial) pairs."""
    out = ""
    for c, m in pairs:
        if c:
            mag = num(abs(c)) if abs(c) != 1 or not m else ""
            out += (" − " if c < 0 else " + ") + mag + m if out else ("−" if c < 0 else "") + mag + m
    return out or "0"


def pick(rng: np.random.Generator, options: Any) -> Any:
    """One of ``options`` (a list), as a plain Python value."""
    return options[int(rng.integers(len(options)))]


def ln(x: Any) -> Any:
    """Natural logarithm; ValueError unless every entry is positive."""
    a = np.asarray(x, dtype=float)
    if np.any(a <= 0) or not np.all(np.isfinite(a)):
        raise ValueError("logarithm of a non-positive number")
    return np.log(a) if a.ndim else math.log(float(a))


def root(x: Any) -> Any:
    """Square root; ValueError for a negative entry."""
    a = np.asarray(x, dtype=float)
    if np.any(a < 0) or not np.all(np.isfinite(a)):
        raise ValueError("square root of a negative number")
    return np.sqrt(a) if a.ndim else math.sqrt(float(a))


class Label:
    """Left-hand side of a step: ``text`` in plain output, ``latex`` in LaTeX/Markdown math."""

    def __init__(self, text: str, latex: str | None = None):
        self.text, self.latex = text, latex if latex is not None else rf"\mathrm{{{text}}}"

    def _sympystr(self, printer: Any) -> str:
        return self.text

    def _latex(self, printer: Any) -> str:
        return self.latex

    def __repr__(self) -> str:
        return self.text


def idle(work: Any, applies: dict[str, Callable[[Givens], bool]], givens: Givens) -> bool:
    """True while the engine replays a known mistake that cannot occur with these givens.

    ``applies`` maps a mistake to a test on the givens alone (e.g. a cross-entropy slip needs
    ``loss == "ce"``); a solver returns at once when this is True: such a replay could only
    repeat the correct values, which are never a diagnosis, so skipping it changes nothing.
    """
    return any(work.mistake(name) and not test(givens) for name, test in applies.items())


def load_torch() -> Any:
    """The torch module, or None when it cannot be imported."""
    try:
        import torch
    except ImportError:
        return None
    return torch


# --- telling mistakes apart ------------------------------------------------------------------

class _Stop(Exception):
    """Raised by ``_Probe`` at the first step that differs from the clean solution."""


class _Probe(Work):
    """A light notebook for the generator's filter: no step objects, stops at the first change."""

    def __init__(self, mistake: str | None = None, clean: dict[str, Any] | None = None):
        super().__init__(None, mistake)
        self.clean, self.first = clean, None

    def put(self, id: str, title: str, value: Any, formula: Any = None, because: str = "",
            depends_on: tuple[str, ...] = (), lhs: Any = None) -> Any:
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
    spec = spec_for(module, step_id)
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
