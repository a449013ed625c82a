"""``chainrule check derivation FILE``: a hand derivation checked line by line.

Each step is compared with the line before it (the first with ∂f/∂wrt when ``f:`` and ``wrt:``
are given, with f when only ``f:`` is): the difference as written; then both sides at random
points (every variable uniform on [−3, 3], then on [0.1, 3] when too few points are defined on
both), in floats, a disagreement confirmed in 30-digit arithmetic; when nothing refutes it,
bounded SymPy rewrites try to show the difference is exactly 0 (``check diff``'s
:func:`derive.check_diff.exact_equal`), and equal values at all defined points give
"equivalent (numeric)". Each line is ✓ equivalent, ✗ not equivalent or ? undecided.

Evaluating a step (its ``d/dNAME`` and definitions), confirming a disagreement and the exact
rewrites run in a forked child under the line's clock (:mod:`derive.analytic.bounded`), so no
line can hang: each line has ``SECONDS_PER_LINE`` and the file ``TOTAL_SECONDS``; a line out of
time is undecided. The first wrong line is named from the slips catalogue
(:mod:`derive.derivation_slips`) and every wrong line says what it differs by.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from derive.analytic.bounded import TooComplex, bounded
from derive.analytic.pointwise import close, precise_function, precise_value_at
from derive.analytic.timeguard import Timeout, time_limit
from derive.check_diff import BOXES, MAX_CONFIRM, MIN_DEFINED, POINTS, SEED, exact_equal
from derive.derivation_algebra import Definitions, NotPolynomial, TooLarge, contains, evaluate
from derive.derivation_points import values
from derive.derivation_reader import WrittenDerivation, read_derivation, read_source
from derive.steps import DerivationCheck, DerivationLine

SECONDS_PER_LINE = 8.0
TOTAL_SECONDS = 30.0
EXACT_SECONDS = 3.0  # the exact rewrites of one line (check diff's whole budget): then "equivalent (numeric)"
EXIT_STATUS = {"equivalent": 0, "not-equivalent": 1, "undecided": 2}
_SLOW = (Timeout, TooComplex, SyntaxError, RecursionError, MemoryError, ArithmeticError, ValueError, TypeError)

Row = tuple[tuple[float, ...], float, float]


class _Clock:
    """The time left of one line: its own SECONDS_PER_LINE within the file's TOTAL_SECONDS."""

    def __init__(self, end_of_file: float):
        self.end = min(end_of_file, time.monotonic() + SECONDS_PER_LINE)

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())


class Comparison:
    """The outcome of comparing a line's value with the one before: status, reason, sampled rows."""

    def __init__(self, status: str, reason: str, rows: list[Row] | None = None, variables: list[Any] | None = None,
                 counterexample: dict[str, float] | None = None):
        self.status, self.reason, self.rows, self.variables = status, reason, rows or [], variables or []
        self.counterexample = counterexample


def _sample(before: Any, line: Any, variables: list[Any]) -> tuple[list[Row], tuple[float, float]]:
    """(point, value before, value of the line) where both are defined, on the first box with enough."""
    rows: list[Row] = []
    for box in BOXES:
        points = np.round(np.random.default_rng(SEED).uniform(*box, size=(POINTS, len(variables))), 4)
        b, v = values(before, variables, points), values(line, variables, points)
        rows = [(tuple(float(x) for x in p), float(bi), float(vi)) for p, bi, vi in zip(points, b, v)
                if not (np.isnan(bi) or np.isnan(vi))]
        if len(rows) >= MIN_DEFINED:
            return rows, box
    return rows, box


def _first_confirmed(before: Any, line: Any, variables: list[Any], points: list[tuple[float, ...]]) -> int | None:
    """Index of the first point where the two differ in 30-digit arithmetic too, or None."""
    fb, fl = precise_function(before, variables), precise_function(line, variables)
    for i, point in enumerate(points):
        b, v = precise_value_at(fb, point), precise_value_at(fl, point)
        if b is not None and v is not None and not close(b, v):
            return i
    return None


def compare(before: Any, line: Any, clock: _Clock) -> Comparison:
    """✓/✗/? for ``line`` against ``before`` (both in base variables) within the clock."""
    if line - before == 0:
        return Comparison("equivalent", "exact: the difference is 0 as written")
    variables = sorted(before.free_symbols | line.free_symbols, key=lambda s: s.name)
    try:
        with time_limit(max(0.001, clock.left())):
            rows, box = _sample(before, line, variables)
    except _SLOW:
        return Comparison("undecided", f"too complex to evaluate at random points in {SECONDS_PER_LINE:g} s")
    names = ", ".join(v.name for v in variables) or "no variables"
    domain = f"{names} uniform on [{box[0]:g}, {box[1]:g}], {len(rows)} of {POINTS} points defined on both lines"
    wrong = [r for r in rows if not close(r[1], r[2])][:MAX_CONFIRM]
    if wrong:
        try:
            i = bounded(lambda: _first_confirmed(before, line, variables, [r[0] for r in wrong]), clock.left())
        except _SLOW:
            return Comparison("undecided", f"too complex to confirm a difference in {SECONDS_PER_LINE:g} s")
        if i is not None:
            point, b, v = wrong[i]
            counter = {var.name: p for var, p in zip(variables, point)}
            where = ", ".join(f"{k} = {p:g}" for k, p in counter.items()) or "every point"
            return Comparison("not-equivalent", f"differs at {where}: this line = {v:.6g}, the line before = {b:.6g} "
                              "(confirmed in 30-digit arithmetic)", rows, variables, counter)
    how = exact_equal(line, before, seconds=min(EXACT_SECONDS, clock.left())) if clock.left() > 0.05 else None
    if how is not None:
        return Comparison("equivalent", f"exact: {how}", rows, variables)
    if len(rows) < MIN_DEFINED:
        return Comparison("undecided", f"only {len(rows)} of {POINTS} random points are defined on both lines; "
                          f"no exact proof in {SECONDS_PER_LINE:g} s", rows, variables)
    return Comparison("equivalent", f"numeric: equal at all {len(rows)} random points ({domain}); no exact proof in {EXACT_SECONDS:g} s",
                      rows, variables)


def _value_if_usable(expr: Any, definitions: Definitions) -> tuple[Any, str]:
    """(In the child) (the step's value, "") or (None, why): undefined (zoo, nan, ∞) or more
    than MAX_PARTS parts written out (definitions that double at each level)."""
    try:
        value = evaluate(expr, definitions)
    except (TooLarge, NotPolynomial) as exc:
        return None, str(exc)
    if contains(value, sp.zoo, sp.oo, sp.S.NegativeInfinity, sp.nan):
        return None, "undefined (division by zero, log(0), …)"
    return value, ""


def _evaluated(expr: Any, definitions: Definitions, clock: _Clock) -> tuple[Any, str]:
    """(the step's value in base variables, "") computed in a bounded child, or (None, why)."""
    try:
        return bounded(lambda: _value_if_usable(expr, definitions), clock.left())
    except _SLOW:
        return None, f"too complex to evaluate in {SECONDS_PER_LINE:g} s"


def check_derivation_file(path: str | Path) -> DerivationCheck:
    """``check derivation FILE``: read the file (``-`` for stdin) and check it line by line."""
    source, text = read_source(path)
    return check_written(read_derivation(text, source))


def check_text(text: str, source: str = "FILE") -> DerivationCheck:
    """Check the derivation written in ``text`` (tests, the API)."""
    return check_written(read_derivation(text, source))


def check_written(written: WrittenDerivation) -> DerivationCheck:
    """Every step of ``written`` compared with the line before; the first wrong one named."""
    from derive.derivation_slips import describe, name_slip
    end = time.monotonic() + TOTAL_SECONDS
    definitions = Definitions(written.definitions, written.expectation)
    before_written, before, start = None, None, None
    if written.function is not None:
        before_written = sp.Derivative(written.function, sp.Symbol(written.wrt, real=True)) if written.wrt else written.function
        before, why = _evaluated(before_written, definitions, _Clock(end))
        if before is None:
            from derive.errors import UserError
            raise UserError(f"f{f' differentiated by {written.wrt}' if written.wrt else ''}: {why}", written.source)
        start = definitions.folded(before)
    lines: list[DerivationLine] = []
    named = False
    for step in written.steps:
        clock = _Clock(end)
        value, why = _evaluated(step.expr, definitions, clock)
        reference = before
        if step.at is not None and reference is not None:
            reference = reference.subs(step.at[0], evaluate(step.at[1], definitions))
        at = f"at {step.at_text}" if step.at else ""
        if value is None:
            entry = DerivationLine(step.number, step.text, "undecided", f"this line is {why}", at=at)
        elif reference is None and not lines:
            entry = DerivationLine(step.number, step.text, "start", "the chain starts here", at=at)
            start = definitions.folded(value)
        elif reference is None:
            entry = DerivationLine(step.number, step.text, "undecided", "the line before could not be evaluated", at=at)
        else:
            result = compare(reference, value, clock)
            entry = DerivationLine(step.number, step.text, result.status, result.reason,
                                   counterexample=result.counterexample, at=at)
            if result.status == "not-equivalent":
                entry.difference = describe(reference, value, definitions, clock.left())
                if not named:
                    slip = name_slip(before_written, step.expr, definitions, result.rows, result.variables,
                                     clock.left(), at=step.at)
                    if slip is not None:
                        entry.slip, entry.diagnosis = slip
                named = True
        lines.append(entry)
        before_written, before = step.expr, value
    statuses = {ln.status for ln in lines}
    verdict = "not-equivalent" if "not-equivalent" in statuses else "undecided" if "undecided" in statuses else "equivalent"
    return DerivationCheck(written.source, written.function_text, written.wrt, written.definition_texts, start, lines, verdict,
                           SECONDS_PER_LINE)
