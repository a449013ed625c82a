"""``chainrule check diff``: is a student's hand-derived derivative equivalent to the true one?

    chainrule check diff --f "tanh(w*x+b)" --wrt w --answer "(1-tanh(w*x+b)**2)*x"

1. Both texts go through the safe parser (:func:`derive.parse.parse_expression`) only.
2. SymPy differentiates the function (under a time limit).
3. Exact: cheap bounded rewrites of (answer − derivative) — expand, cancel, exponentials, logs;
   reaching 0 proves equivalence.
4. Numbers: both sides at random points (every variable uniform on [−3, 3], then on [0.1, 3] if
   too few points are defined there); a disagreement confirmed at 30 digits is a counterexample.
5. Nothing refuted: the thorough rewrites (Piecewise cases, ``simplify``) get one time limit; if
   they fail, equal values at the sampled points give "equivalent (numeric)", and too few defined
   points the honest verdict "unknown".
6. A wrong answer that matches a known slip (no chain factor, σ instead of σ′, sign, factor 2,
   wrong variable) gets a diagnosis.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy as sp

from derive.analytic.pointwise import close, scalar_function, value_at
from derive.analytic.timeguard import Timeout, can_guard, time_limit
from derive.errors import UserError
from derive.steps import EquivalenceReport, Step

MAX_TEXT = 500
POINTS = 50
MIN_DEFINED = 10
BOXES = ((-3.0, 3.0), (0.1, 3.0))
SECONDS = 3.0
SEED = 0


def _parse(text: str, arg: str, symbols: list[str] | None = None) -> Any:
    from derive.parse import parse_expression
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise UserError(f"expression too long (at most {MAX_TEXT} characters)", arg)
    try:
        return parse_expression(text, symbols)
    except UserError as exc:
        raise UserError(str(exc), arg) from None


def _variable(f: Any, wrt: str) -> Any:
    names = sorted(s.name for s in f.free_symbols)
    if not isinstance(wrt, str) or not wrt.isidentifier() or len(wrt) > 40:
        raise UserError(f"'{str(wrt)[:40]}' is not a variable name", "--wrt")
    var = sp.Symbol(wrt, real=True)
    if var not in f.free_symbols:
        raise UserError(f"'{wrt}' does not appear in the function (its variables: {', '.join(names) or 'none'})", "--wrt")
    return var


def _differentiate(f: Any, var: Any) -> Any:
    try:
        with time_limit(SECONDS):
            return sp.diff(f, var)
    except Timeout:
        raise UserError("the function is too complex to differentiate in time", "--f") from None


def exact_equal(a: Any, b: Any, thorough: bool = True) -> str | None:
    """How a bounded SymPy rewrite shows a − b = 0, or None (also when no time limit can be enforced).

    ``thorough=False`` tries only the cheap rewrites (no ``simplify``).
    """
    from derive.analytic.proof import CHEAP_TRANSFORMS, zero_by
    if not can_guard():
        return None
    return zero_by(a - b, SECONDS, None if thorough else CHEAP_TRANSFORMS)


class _Sample:
    """Random points on a box where the function and its derivative are defined, with values there."""

    def __init__(self, f: Any, expected: Any, answer: Any, variables: list[Any]):
        self.variables = variables
        self.fns = [scalar_function(e, variables) for e in (f, expected, answer)]
        self.rows: list[tuple[tuple[float, ...], float, float | None]] = []
        self.tried: list[tuple[float, float]] = []
        for box in BOXES:
            self.tried.append(box)
            self.rows = self._draw(box)
            if len(self.rows) >= MIN_DEFINED:
                break

    def _draw(self, box: tuple[float, float]) -> list[tuple[tuple[float, ...], float, float | None]]:
        rng = np.random.default_rng(SEED)
        rows = []
        for _ in range(POINTS):
            point = tuple(round(float(v), 4) for v in rng.uniform(*box, size=len(self.variables)))
            fv, ev = value_at(self.fns[0], point), value_at(self.fns[1], point)
            if fv is not None and ev is not None:
                rows.append((point, ev, value_at(self.fns[2], point)))
        return rows

    @property
    def domain(self) -> str:
        """Where the points were drawn, e.g. 'w, x each uniform on [−3, 3] (50 points, seed 0; 50 defined)'."""
        names = ", ".join(v.name for v in self.variables)
        boxes = ", then ".join(f"[{lo:g}, {hi:g}]" for lo, hi in self.tried)
        return f"{names} each uniform on {boxes} ({POINTS} points, seed {SEED}; {len(self.rows)} where the function is defined)"


def _confirmed(answer: Any, expected: Any, variables: list[Any], point: tuple[float, ...]) -> bool:
    """True when the answer and the derivative differ at ``point`` in 30-digit arithmetic too."""
    subs = {v: sp.Rational(str(p)) for v, p in zip(variables, point)}
    try:
        a, e = complex(answer.subs(subs).evalf(30)), complex(expected.subs(subs).evalf(30))
    except (TypeError, ValueError):
        return True  # the answer has no value there while the derivative has one
    if not (math.isfinite(a.real) and a.imag == 0):
        return True
    return not close(a.real, e.real)


def _mismatch(sample: _Sample, answer: Any, expected: Any) -> tuple[tuple[float, ...], float, float | None] | None:
    """The first sampled point where the answer differs from the derivative (confirmed at 30 digits)."""
    for point, ev, av in sample.rows:
        if (av is None or not close(av, ev)) and _confirmed(answer, expected, sample.variables, point):
            return point, ev, av
    return None


def _equivalent(function_text: str, wrt: str, answer_text: str, expected: Any, how: str, steps: list[Step]) -> EquivalenceReport:
    steps.append(Step("exact", "Exact comparison", sp.Integer(0), because=how, lhs=sp.Symbol("answer") - sp.Symbol("derivative")))
    return EquivalenceReport(function_text, wrt, answer_text, "equivalent", f"exact: {how}", expected, None, "", steps)


def check_derivative(function_text: str, wrt: str, answer_text: str) -> EquivalenceReport:
    """Compare ``answer`` with ∂f/∂wrt: exact SymPy rewrites first, then random points; diagnose slips."""
    from derive.analytic.slips import diagnose
    f = _parse(function_text, "--f")
    var = _variable(f, wrt)
    variables = sorted(f.free_symbols, key=lambda s: s.name)
    answer = _parse(answer_text, "--answer", [v.name for v in variables])
    expected = _differentiate(f, var)
    steps = [Step("function", "Function", f, lhs=sp.Symbol("f")),
             Step("derivative", "SymPy's derivative", expected, lhs=sp.Derivative(sp.Symbol("f"), var)),
             Step("answer", "Your answer", answer)]
    how = exact_equal(answer, expected, thorough=False)
    if how is not None:
        return _equivalent(function_text, wrt, answer_text, expected, how, steps)
    sample = _Sample(f, expected, answer, variables)
    bad = _mismatch(sample, answer, expected) if sample.rows else None
    if bad is None:  # nothing refutes it: worth the full (slower) exact attempt
        how = exact_equal(answer, expected)
        if how is not None:
            return _equivalent(function_text, wrt, answer_text, expected, how, steps)
    if bad is None and len(sample.rows) < MIN_DEFINED:
        why = f"only {len(sample.rows)} of {POINTS} sampled points are inside the function's domain; no exact proof found in time"
        steps.append(Step("numeric", "Random points", because=why))
        return EquivalenceReport(function_text, wrt, answer_text, "unknown", why, expected, None, sample.domain, steps)
    if bad is None:
        method = f"numeric: equal at all {len(sample.rows)} defined random points (no exact proof found in time)"
        steps.append(Step("numeric", "Random points", because=method))
        return EquivalenceReport(function_text, wrt, answer_text, "equivalent", method, expected, None, sample.domain, steps)
    point, ev, av = bad
    counter = {v.name: p for v, p in zip(variables, point)}
    yours = "undefined" if av is None else f"{av:.6g}"
    steps.append(Step("counterexample", "A point where they differ",
                      because=f"yours = {yours}, derivative = {ev:.6g} at " + ", ".join(f"{k} = {p:g}" for k, p in counter.items())))
    method = "numeric: differs at a random point (confirmed in 30-digit arithmetic)"
    slip = diagnose(f, var, answer, sample.rows, variables)
    if slip:
        steps.append(Step("diagnosis", "Diagnosis", because=slip))
    return EquivalenceReport(function_text, wrt, answer_text, "not-equivalent", method, expected, counter,
                             sample.domain, steps, diagnosis=slip or None)
