"""Marking the steps: correct, rounded, follow-through, incorrect or missing (a stage of checking).

This stage of ``problems.checking`` turns the comparisons of the stage before (each answer
against its exact and its follow-through value) into one ``Mark`` per step, in step order.
Nothing here solves, replays or compares values; an incorrect step's diagnosis is left for the
diagnosing stage.

Order of judgement for an answered step::

    1. equal to the exact value (at the precision written)      → correct / rounded
    2. equal to the value recomputed from the student's own
       earlier answers (and different from the exact one)       → follow-through, except a
       decision (integer/choice step) that only the student's rounding changed: incorrect
    3. otherwise                                                → incorrect, with a message
       about shape or precision when that is what went wrong (the diagnosing stage then names
       a known mistake that reproduces the number, if any).

Whether a follow-through carries an *error* or only the student's rounding is decided from the
steps' ``depends_on``: an incorrect step upstream (or one carrying an error) explains it; else
a rounded one does; when ``depends_on`` is incomplete (neither is upstream), any earlier error
is assumed.
"""

from __future__ import annotations

from typing import Any

from derive.printing.values import counted
from derive.steps import Mark, Step
from problems import compare as C
from problems.comparisons import Comparison
from problems.specs import StepRule

PRECISION_MESSAGE = ("right to the decimal places you wrote, but this step asks for at least {} "
                     "and the digits you left off are not zeros (information lost)")


FLIPPED_MESSAGE = ("your rounded earlier values flip this decision: the margin is small, so keep more "
                   "decimal places before deciding")


def mark_steps(steps: list[Step], rules: dict[str, StepRule], comparisons: list[Comparison | None],
               own: dict[str, Any]) -> list[Mark]:
    """One mark per step, in step order, from the step's comparison (None: unanswered) and the
    follow-through values ``own``; incorrect marks carry no diagnosis yet."""
    marks: list[Mark] = []
    erroneous: set[str] = set()  # wrong, or carrying an earlier error forward
    inexact: set[str] = set()  # rounded, or carrying a rounding forward
    closure: dict[str, set[str]] = {}  # id → the steps it depends on, transitively (explicit depends_on only)
    for i, (step, comparison) in enumerate(zip(steps, comparisons)):
        ancestors = _ancestors(step, steps[:i], closure)
        carried = bool(ancestors & erroneous) or (not ancestors & inexact and bool(erroneous))
        mark = mark_step(step, rules[step.id], comparison, own.get(step.id), carried_error=carried)
        if mark.status == "incorrect" or (mark.status == "follow-through" and carried):
            erroneous.add(step.id)
        elif mark.status in ("rounded", "follow-through"):
            inexact.add(step.id)
        marks.append(mark)
    return marks


def _ancestors(step: Step, earlier: list[Step], closure: dict[str, set[str]]) -> set[str]:
    """Ids of the earlier steps ``step`` depends on, transitively (all earlier ones if unknown).

    ``closure`` memoises each earlier step's transitive explicit dependencies (filled here, in
    step order), so marking an exercise costs O(steps × dependencies), not O(steps²).
    """
    explicit: set[str] = set()
    for d in step.depends_on:
        if d in closure:
            explicit |= {d} | closure[d]
    closure[step.id] = explicit
    if not step.depends_on:
        return {s.id for s in earlier}
    return explicit


def mark_step(step: Step, rule: StepRule, comparison: Comparison | None, own: Any, carried_error: bool) -> Mark:
    """The mark of one step (see the module docstring for the order of judgement).

    ``own``: the step's follow-through value; ``carried_error``: True when an earlier step this
    one depends on was wrong (else a follow-through came from the student's rounding).
    """
    if comparison is None:
        return Mark(step.id, step.title, "missing", step.value)
    given, spec = comparison.answer.value, rule.spec
    if comparison.exact:
        return Mark(step.id, step.title, comparison.exact, step.value, given,
                    elements=element_marks(comparison.exact_elements, None))
    elements = element_marks(comparison.exact_elements, comparison.own_elements)
    # A decision (unit number, class, reject/retain) that only your *rounding* changed is
    # wrong: decide on enough decimals. An error carried forward earns follow-through.
    flipped = comparison.own_differs and spec.kind in ("integer", "choice") and not carried_error
    if comparison.own_differs and not flipped:
        msg = ("wrong, but correct from your own earlier values (error carried forward)" if carried_error
               else "correct from your own rounded earlier values")
        return Mark(step.id, step.title, "follow-through", step.value, given, message=msg,
                    elements=elements, follow_through_value=own)
    if flipped:
        message = FLIPPED_MESSAGE
    else:
        message = (shape_message(given, step.value)
                   or (PRECISION_MESSAGE.format(counted(spec.min_decimals, 'decimal place')) if comparison.right_at_places_written else "")
                   or wrong_positions_message(elements))
    return Mark(step.id, step.title, "incorrect", step.value, given, message=message, elements=elements,
                follow_through_value=own)


def element_marks(exact: Any, own: Any) -> Any:
    """Per-element statuses: the exact comparison, else ``follow-through`` where ``own`` matches."""
    if not isinstance(exact, list):
        return None
    owns = own if isinstance(own, list) else [None] * len(exact)
    out = []
    for e, o in zip(exact, owns):
        if isinstance(e, list):
            out.append(element_marks(e, o))
        else:
            out.append(e or ("follow-through" if o else "incorrect"))
    return out


def shape_message(given: Any, expected: Any) -> str:
    """``expected shape (4,), got (2,)`` when a vector/matrix answer has the wrong shape."""
    if isinstance(expected, list) or isinstance(given, list):
        if C.shape_of(given) != C.shape_of(expected):
            return f"expected shape {C.shape_of(expected)}, got {C.shape_of(given)}"
    return ""


def wrong_positions_message(elements: Any) -> str:
    """``wrong entries: 2, (3, 1)`` (1-based) for a partly wrong vector or matrix."""
    where = C.positions(elements, "incorrect")
    if not where or len(where) == len(C.flatten(elements)):
        return ""
    text = ", ".join(str(p[0]) if len(p) == 1 else "(" + ", ".join(map(str, p)) + ")" for p in where)
    return f"wrong entr{'y' if len(where) == 1 else 'ies'}: {text}"
