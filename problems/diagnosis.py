"""Naming the mistake behind each incorrect step (a stage of checking).

This stage of ``problems.checking`` takes the marks and, for every step marked incorrect, looks
for a known mistake that reproduces the student's number: the type's ``MISTAKES`` replayed
(``problems.replay.MistakeReplays``, run only now that a step is wrong) on the student's own
earlier values first, then from scratch; entry by entry at the precision the student wrote, the
mistake that explains the most wrong entries (and contradicts the fewest right ones) is named; a
mistake whose value equals the exact or the follow-through value explains nothing and is skipped.
When no mistake explains at least half the wrong entries without contradicting a right one, the
type's optional ``diagnose(givens, ctx)`` hook may name one (``ctx`` is a ``Context``); a hook that fails or
names nothing leaves the best partial explanation, if any.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable

import numpy as np

from derive.parse import Answer
from derive.steps import Mark, Step
from problems import compare as C
from problems.replay import MistakeReplays
from problems.specs import StepRule


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


def diagnose(module: ModuleType, givens: dict[str, Any], steps: list[Step], rules: dict[str, StepRule],
             answers: dict[str, Answer], carried: dict[str, Any], own: dict[str, Any], marks: list[Mark]) -> list[Mark]:
    """The marks with a diagnosis on every incorrect step that a known mistake (or the hook) explains.

    ``carried``: the student's values the solver was replayed on; ``own``: the follow-through
    values; ``marks``: one per step, in step order.
    """
    replays = MistakeReplays(module, givens, carried)
    exact = {s.id: s.value for s in steps}
    out = []
    for step, mark in zip(steps, marks):
        if mark.status == "incorrect":
            found = diagnosis_of(module, givens, step, rules[step.id], answers[step.id], replays, carried, exact, own)
            if found is not None:
                mark = dataclasses.replace(mark, diagnosis=found)
        out.append(mark)
    return out


def diagnosis_of(module: ModuleType, givens: dict[str, Any], step: Step, rule: StepRule, answer: Answer,
                 replays: MistakeReplays, carried: dict[str, Any], exact: dict[str, Any],
                 own: dict[str, Any]) -> str | None:
    """The known mistake that best explains ``answer``, entry by entry at the precision written
    (replayed on the student's values, then from scratch; the first of equals), else the type's
    hook's diagnosis, else None.

    A mistake *explains* a wrong entry (one that is not the exact or follow-through value even at
    the places written) when it gives that entry at the places written, and *contradicts* a right
    entry when it gives another number there. Its score is explained − contradicted, then (to
    break ties) the entries written with too few places that it gives exactly; the best score
    above zero is named, so a mistake is still named when the other entries are rounded coarsely,
    one entry is also miscopied, or the earlier steps are blank. When the best explains fewer
    than half the wrong entries or contradicts any, the type's hook is asked first.
    """
    spec, synonyms, atol, follow = rule.spec, rule.synonyms, rule.atol, own.get(step.id)

    def compared(v: Any) -> tuple[str | None, Any]:
        return C.match_answer(spec, answer, v, synonyms, atol, min_decimals=0)

    def accepted(v: Any) -> tuple[str | None, Any]:
        return C.match_answer(spec, answer, v, synonyms, atol)

    right = [bool(e or f) for e, f in zip(_entries(compared, step.value, answer.value), _entries(compared, follow, answer.value))]
    ok = [bool(e or f) for e, f in zip(_entries(accepted, step.value, answer.value), _entries(accepted, follow, answer.value))]
    wrong = sum(not r for r in right)
    as_written = dataclasses.replace(answer, decimals=None)  # compared as typed: equal within the floor only
    best, most, clashes = None, (0, 0), 0
    for description, value in replays.values(step.id):
        if value is None or C.equal_up_to_noise(value, step.value) or C.equal_up_to_noise(value, follow):
            continue
        seen = _entries(compared, value, answer.value)
        # an entry right only to the places written (too few) counts, second, when the mistake gives it exactly
        exactly = _entries(lambda v: C.match_answer(spec, as_written, v, synonyms, atol), value, answer.value)
        explained = sum(m and not r for r, m in zip(right, seen))
        coarse = sum(r and x and not o for r, o, x in zip(right, ok, exactly))
        contradicted = sum(r and not m for r, m in zip(right, seen))
        if (explained - contradicted, coarse) > most:
            best, most, clashes = description, (explained - contradicted, coarse), contradicted
    if (best is not None and 2 * most[0] >= wrong and not clashes) or not hasattr(module, "diagnose"):
        return best
    ctx = Context(step.id, answer.value, carried, exact, own, matches=lambda v: bool(compared(v)[0]),
                  elements=lambda v: compared(v)[1] if isinstance(v, list) else compared(v)[0])
    try:
        with np.errstate(all="ignore"):
            return module.diagnose(givens, ctx) or best
    except Exception:  # noqa: BLE001 - a hook must never turn a student's odd value into a crash
        return best


def _entries(compared: Callable[[Any], tuple[str | None, Any]], value: Any, given: Any) -> list[bool]:
    """Per entry of the answer (flattened): does it equal ``value`` there at the precision written?
    All False when ``value`` is absent or of another shape."""
    size = len(C.flatten(given))
    if value is None:
        return [False] * size
    status, elements = compared(value)
    if not isinstance(value, list):
        return [bool(status)] * size if size == 1 else [False] * size
    if elements is None:
        return [False] * size
    flat = [bool(e) for e in C.flatten(elements)]
    return flat if len(flat) == size else [False] * size
