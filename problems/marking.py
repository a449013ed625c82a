"""Marking one step: compare the student's value with the exact, follow-through and mistaken values.

The engine (``problems.engine.check``) computes, per exercise, the exact values, the values
replayed from the student's own earlier answers (follow-through) and the values each known
mistake produces; this module turns them into one ``Mark`` per step. Nothing here solves.

Order of judgement for an answered step::

    1. equal to the exact value (at the precision written)      → correct / rounded
    2. equal to the value recomputed from the student's own
       earlier answers (and different from the exact one)       → follow-through, except a
       decision (integer/choice step) that only the student's rounding changed: incorrect
    3. otherwise                                                → incorrect, with
       a diagnosis when a known mistake reproduces the number (replayed on the student's own
       earlier values first, then from scratch), else the type's ``diagnose`` hook, and a
       message about shape or precision when that is what went wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from derive.parse import Answer
from derive.steps import Mark, Step, StepSpec
from problems import compare as C


@dataclass
class Context:
    """What a type's ``diagnose`` hook may look at for one incorrect step.

    ``student``: the student's values carried forward (step id → value, only answered steps);
    ``expected``: the exact values; ``own``: the values recomputed from the student's own
    earlier answers; ``matches(value)``: True when the student's answer equals ``value`` at the
    precision written (the same rule as for ``rounded``); ``elements(value)``: the element
    statuses of that comparison (nested like the value, None where an entry differs; None for
    a shape mismatch).
    """

    step_id: str
    given: Any
    student: dict[str, Any]
    expected: dict[str, Any]
    own: dict[str, Any]
    matches: Callable[[Any], bool] = field(repr=False, default=lambda v: False)
    elements: Callable[[Any], Any] = field(repr=False, default=lambda v: None)


def match(spec: StepSpec, answer: Answer, target: Any, synonyms: dict[str, Any], atol: float,
          min_decimals: int | None = None) -> tuple[str | None, Any]:
    """(status, element statuses) of ``answer`` against ``target``; status None means no match."""
    if target is None:
        return None, None
    kind = spec.kind if spec.kind in ("choice", "integer") else "number"
    md = (spec.min_decimals or 0) if min_decimals is None else min_decimals
    try:
        elements = C.compare_array(answer.value, target, answer.decimals, md, atol, kind, synonyms)
    except (ValueError, TypeError):
        return None, None
    if isinstance(target, list):
        return C.summarize(elements), elements
    return elements, None


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


def precision_message(spec: StepSpec, answer: Answer, target: Any, synonyms: dict[str, Any], atol: float) -> str:
    """Why a value that is right at the places written still fails: too few decimal places."""
    if not spec.min_decimals or spec.kind in ("choice", "integer"):
        return ""
    if match(spec, answer, target, synonyms, atol, min_decimals=0)[0]:
        return (f"right to the decimal places you wrote, but this step asks for at least "
                f"{spec.min_decimals} decimal places")
    return ""


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


def mark_step(step: Step, spec: StepSpec, answer: Answer | None, own: Any, *, synonyms: dict[str, Any],
              atol: float, mistaken: Iterable[tuple[str, Any]], hook: Callable[[], str | None],
              carried_error: bool) -> Mark:
    """The mark of one step (see the module docstring for the order of judgement).

    ``mistaken``: (description, value) pairs from the known-mistake replays; ``hook``: the
    type's extra diagnosis (called only when nothing else explains the number);
    ``carried_error``: True when an earlier step this one depends on was wrong (else the
    follow-through came from the student's rounding).
    """
    if answer is None:
        return Mark(step.id, step.title, "missing", step.value)
    status, exact = match(spec, answer, step.value, synonyms, atol)
    if status:
        return Mark(step.id, step.title, status, step.value, answer.value, elements=element_marks(exact, None))
    own_status, own_elements = match(spec, answer, own, synonyms, atol)
    flipped = False
    if own_status and not _same(own, step.value):
        # A decision (unit number, class, reject/retain) that only your *rounding* changed is
        # wrong: decide on enough decimals. An error carried forward earns follow-through.
        flipped = spec.kind in ("integer", "choice") and not carried_error
        if not flipped:
            msg = ("wrong, but correct from your own earlier values (error carried forward)" if carried_error
                   else "correct from your own rounded earlier values")
            return Mark(step.id, step.title, "follow-through", step.value, answer.value, message=msg,
                        elements=element_marks(exact, own_elements), follow_through_value=own)
    diagnosis = next((d for d, v in mistaken if v is not None and not _same(v, step.value)
                      and not _same(v, own) and match(spec, answer, v, synonyms, atol)[0]), None)
    if diagnosis is None:
        diagnosis = hook()
    elements = element_marks(exact, own_elements)
    message = (shape_message(answer.value, step.value) or precision_message(spec, answer, step.value, synonyms, atol)
               or wrong_positions_message(elements))
    if flipped:
        message = ("your rounded earlier values flip this decision: the margin is small, so keep more "
                   "decimal places before deciding")
    return Mark(step.id, step.title, "incorrect", step.value, answer.value, diagnosis=diagnosis,
                message=message, elements=elements, follow_through_value=own)


def _same(a: Any, b: Any) -> bool:
    """Exact values equal up to float noise (strings and nested lists compared leaf by leaf)."""
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    if C._is_number(a) and C._is_number(b):
        return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))
    return a == b
