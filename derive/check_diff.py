"""``chainrule check diff``: is a student's hand-derived derivative equivalent to the true one?

    chainrule check diff -f "tanh(w*x+b)" --wrt w --answer "(1-tanh(w*x+b)**2)*x"

1. Both texts go through the safe parser (:func:`derive.parse.read_formula`) only; how a text
   was read (``^`` as ``**``, ``x(1-x)`` as ``x*(1-x)``) is shown as a step.
2. SymPy differentiates the function; DiracDelta terms (the derivative of a step such as H or
   sign at its jump) are dropped: the derivative holds wherever f is differentiable.
3. The difference as written: answer − derivative = 0 ends here, without further work.
4. Numbers: both sides at random points (every variable uniform on [−3, 3], then on [0.1, 3] if
   too few points are defined there), in floats; a disagreement is confirmed in fixed 30-digit
   arithmetic.
5. Nothing refuted: bounded rewrites of the difference (expand, cancel, exponentials, logs,
   Piecewise cases, ``simplify``) try to show it is 0. If they fail, equal values at the sampled
   points give "equivalent (numeric)", and too few defined points the honest verdict "unknown".
6. A wrong answer that matches a known slip (no chain factor, σ instead of σ′, sign, factor 2,
   wrong variable) gets a diagnosis.

Steps 2–6 share one clock of ``SECONDS``; the confirmation and the rewrites, which can take
unbounded time or memory on some inputs, run in a child process under that clock and a memory
cap (:mod:`derive.analytic.bounded`). Running out gives "too complex to decide in 3 s" (exit 2).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import sympy as sp

from derive.analytic.bounded import TooComplex, bounded
from derive.analytic.pointwise import close, precise_function, precise_value_at, scalar_function, value_at
from derive.analytic.timeguard import Timeout, time_limit
from derive.errors import UserError
from derive.parse import CONSTANTS, MAX_FORMULA_CHARS as MAX_TEXT, NONFINITE_NAMES, read_formula
from derive.steps import EquivalenceReport, Step

MAX_PARTS = 20_000
POINTS = 50
MIN_DEFINED = 10
MAX_CONFIRM = 5
BOXES = ((-3.0, 3.0), (0.1, 3.0))
SECONDS = 3.0
SEED = 0
EXIT_STATUS = {"equivalent": 0, "not-equivalent": 1, "unknown": 2}
TOO_COMPLEX = f"too complex to decide in {SECONDS:g} s"
_SLOW = (Timeout, TooComplex, SyntaxError, RecursionError, MemoryError)  # SyntaxError: lambdify's code nests too deeply


class _Clock:
    """The time left of one check's budget of SECONDS."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def limit(self) -> Any:
        """A signal timer for the rest of the budget (already spent: it fires at once)."""
        return time_limit(max(0.001, self.left()))


def _parse(text: str, arg: str, symbols: list[str] | None = None, variables: list[str] = ()) -> Any:
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise UserError(f"expression too long (at most {MAX_TEXT} characters)", arg)
    try:
        return read_formula(text, symbols, variables)
    except UserError as exc:
        raise UserError(str(exc), arg) from None


def _variable(f: Any, wrt: str | None) -> Any:
    names = sorted(s.name for s in f.free_symbols)
    if wrt is None:
        if not names:
            raise UserError(f"it is the constant {f} (no variable is left): its derivative is 0 with respect to any "
                            "variable; give --wrt VARIABLE to check an answer against that", "--f")
        if len(names) != 1:
            raise UserError(f"needed: the function has the variables {', '.join(names)}", "--wrt")
        return sp.Symbol(names[0], real=True)
    if not isinstance(wrt, str) or not wrt.isidentifier() or len(wrt) > 40:
        raise UserError(f"'{str(wrt)[:40]}' is not a variable name", "--wrt")
    if wrt in CONSTANTS or wrt.lower() in NONFINITE_NAMES:
        raise UserError(f"'{wrt}' is a constant in formulas, not a variable", "--wrt")
    var = sp.Symbol(wrt, real=True)
    if var not in f.free_symbols and names:  # a constant's derivative is 0 for any variable; otherwise a typo is likelier
        raise UserError(f"'{wrt}' does not appear in the function (its variables: {', '.join(names) or 'none'})", "--wrt")
    return var


def tree_size(expr: Any) -> int:
    """Nodes of ``expr`` written out as a tree (a part shared n times counts n times), in time
    proportional to its distinct parts."""
    sizes: dict[Any, int] = {}
    stack = [expr]
    while stack:
        node = stack[-1]
        pending = [a for a in node.args if a not in sizes]
        if pending:
            stack.extend(pending)
            continue
        sizes[node] = 1 + sum(sizes[a] for a in node.args)
        stack.pop()
    return sizes[expr]


def _differentiate(f: Any, var: Any, clock: _Clock) -> tuple[Any, bool]:
    """∂f/∂var with DiracDelta terms dropped (and whether there were any); bounded in time and size."""
    try:
        with clock.limit():
            d = sp.diff(f, var)
            dropped = d.has(sp.DiracDelta)
            if dropped:
                d = d.replace(sp.DiracDelta, lambda *args: sp.S.Zero)
            size = tree_size(d)
    except _SLOW:
        raise UserError(TOO_COMPLEX + " (differentiating)", "--f") from None
    if size > MAX_PARTS:
        raise UserError(f"its derivative is too large to compare ({size} parts; at most {MAX_PARTS})", "--f")
    if d.has(sp.zoo, sp.oo, sp.S.NegativeInfinity, sp.nan):
        raise UserError(f"its derivative is undefined ({d}): log(0), 0 to a negative power or similar", "--f")
    return d, dropped


def exact_equal(a: Any, b: Any, thorough: bool = True, seconds: float = SECONDS) -> str | None:
    """How a bounded SymPy rewrite shows a − b = 0, or None (also when it runs out of time or memory).

    ``thorough=False`` tries only the cheap rewrites (no ``simplify``). The rewrites run in a
    child process (:func:`derive.analytic.bounded.bounded`) that is ended after ``seconds``.
    """
    from derive.analytic.proof import CHEAP_TRANSFORMS, zero_by
    transforms = None if thorough else CHEAP_TRANSFORMS
    try:
        return bounded(lambda: zero_by(a - b, max(0.05, seconds - 0.2), transforms), seconds)
    except Exception:  # noqa: BLE001 - out of time or memory, or a rewrite that failed: no proof either way
        return None


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
        if not names:
            return "no variables: both sides are constants, compared once"
        boxes = ", then ".join(f"[{lo:g}, {hi:g}]" for lo, hi in self.tried)
        return f"{names} each uniform on {boxes} ({POINTS} points, seed {SEED}; {len(self.rows)} where the function is defined)"

    def mismatches(self) -> list[tuple[tuple[float, ...], float, float | None]]:
        """The sampled rows where the answer differs from the derivative in floats (at most MAX_CONFIRM)."""
        return [row for row in self.rows if row[2] is None or not close(row[2], row[1])][:MAX_CONFIRM]


def _first_confirmed(answer: Any, expected: Any, variables: list[Any], points: list[tuple[float, ...]]) -> int | None:
    """Index of the first point where answer and derivative differ in 30-digit arithmetic too, or None.

    An answer without a (real) value where the derivative has one differs there.
    """
    fa, fe = precise_function(answer, variables), precise_function(expected, variables)
    for i, point in enumerate(points):
        e = precise_value_at(fe, point)
        if e is None:
            continue
        a = precise_value_at(fa, point)
        if a is None or not close(a, e):
            return i
    return None


def _confirmed_mismatch(sample: _Sample, answer: Any, expected: Any, clock: _Clock) -> tuple[tuple[float, ...], float, float | None] | None:
    """The first sampled disagreement that 30-digit arithmetic confirms (in a bounded child process)."""
    rows = sample.mismatches()
    if not rows:
        return None
    try:
        i = bounded(lambda: _first_confirmed(answer, expected, sample.variables, [r[0] for r in rows]), clock.left())
    except (*_SLOW, ArithmeticError, ValueError, TypeError):
        raise UserError(TOO_COMPLEX + " (evaluating at a random point)", "check diff") from None
    return None if i is None else rows[i]


def _equivalent(function_text: str, wrt: str, answer_text: str, expected: Any, how: str, steps: list[Step]) -> EquivalenceReport:
    steps.append(Step("exact", "Exact comparison", sp.Integer(0), because=how, lhs=sp.Symbol("answer") - sp.Symbol("derivative")))
    return EquivalenceReport(function_text, wrt, answer_text, "equivalent", f"exact: {how}", expected, None, "", steps)


def _reading(f_notes: tuple[str, ...], a_notes: tuple[str, ...]) -> list[Step]:
    notes = [f"--f: {n}" for n in f_notes] + [f"--answer: {n}" for n in a_notes]
    return [Step("reading", "How your input was read", because="; ".join(notes))] if notes else []


def check_derivative(function_text: str, wrt: str | None, answer_text: str) -> EquivalenceReport:
    """Compare ``answer`` with ∂f/∂wrt: as written, then random points, then bounded rewrites; diagnose slips.

    ``wrt`` may be None when the function has exactly one variable.
    """
    clock = _Clock(SECONDS)
    f_read = _parse(function_text, "--f", None, [wrt] if isinstance(wrt, str) else [])
    f = f_read.expr
    var = _variable(f, wrt)
    wrt = var.name
    variables = sorted(f.free_symbols, key=lambda s: s.name)
    a_read = _parse(answer_text, "--answer", [v.name for v in variables])
    answer = a_read.expr
    expected, dropped = _differentiate(f, var, clock)
    why = "DiracDelta terms dropped: this derivative holds wherever the function is differentiable" if dropped else ""
    steps = _reading(f_read.notes, a_read.notes) + [
        Step("function", "Function", f, lhs=sp.Symbol("f")),
        Step("derivative", "SymPy's derivative", expected, because=why, lhs=sp.Derivative(sp.Symbol("f"), var)),
        Step("answer", "Your answer", answer)]
    if answer - expected == 0:
        return _equivalent(function_text, wrt, answer_text, expected, "the difference is 0 as written", steps)
    try:
        with clock.limit():
            sample = _Sample(f, expected, answer, variables)
    except _SLOW:
        raise UserError(TOO_COMPLEX + " (sampling random points)", "check diff") from None
    bad = _confirmed_mismatch(sample, answer, expected, clock) if sample.rows else None
    if bad is None:  # nothing refutes it: worth the exact attempt
        how = exact_equal(answer, expected, seconds=clock.left())
        if how is not None:
            return _equivalent(function_text, wrt, answer_text, expected, how, steps)
    if bad is None and len(sample.rows) < MIN_DEFINED:
        why = f"only {len(sample.rows)} of {POINTS} sampled points are inside the function's domain; no exact proof found in {SECONDS:g} s"
        steps.append(Step("numeric", "Random points", because=why))
        return EquivalenceReport(function_text, wrt, answer_text, "unknown", why, expected, None, sample.domain, steps)
    if bad is None:
        method = f"numeric: equal at all {len(sample.rows)} defined random points (no exact proof found in {SECONDS:g} s)"
        steps.append(Step("numeric", "Random points", because=method))
        return EquivalenceReport(function_text, wrt, answer_text, "equivalent", method, expected, None, sample.domain, steps)
    return _refuted(function_text, wrt, answer_text, f, var, answer, expected, sample, bad, steps, clock)


def _refuted(function_text: str, wrt: str, answer_text: str, f: Any, var: Any, answer: Any, expected: Any, sample: _Sample,
             bad: tuple[tuple[float, ...], float, float | None], steps: list[Step], clock: _Clock) -> EquivalenceReport:
    """The not-equivalent report: the counterexample and, when one matches, the likely slip."""
    from derive.analytic.slips import diagnose
    point, ev, av = bad
    counter = {v.name: p for v, p in zip(sample.variables, point)}
    yours = "undefined" if av is None else f"{av:.6g}"
    where = " at " + ", ".join(f"{k} = {p:g}" for k, p in counter.items()) if counter else " (both are constants)"
    steps.append(Step("counterexample", "A point where they differ", because=f"yours = {yours}, derivative = {ev:.6g}{where}"))
    method = ("numeric: differs at a random point" if counter else "numeric: the constants differ") + " (confirmed in 30-digit arithmetic)"
    slip = diagnose(f, var, answer, sample.rows, sample.variables, seconds=clock.left())
    if slip:
        steps.append(Step("diagnosis", "Diagnosis", because=slip))
    return EquivalenceReport(function_text, wrt, answer_text, "not-equivalent", method, expected, counter,
                             sample.domain, steps, diagnosis=slip or None)
