"""Comparing each answer with its exact value and its follow-through value (a stage of checking).

For every answered step this stage of ``problems.checking`` records how the student's value
compares — at the precision written, under the step's rules — with the exact value and, when
that fails, with the value recomputed from the student's own earlier answers. The marking stage
decides from these comparisons alone; nothing here depends on the order of the steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from derive.parse import Answer
from derive.steps import Step
from problems import compare as C
from problems.specs import StepRule


@dataclass(frozen=True)
class Comparison:
    """One answer against its targets.

    ``exact``/``exact_elements``: status (``correct``, ``rounded`` or None) and element statuses
    against the exact value. When that fails: ``own``/``own_elements`` against the
    follow-through value; ``own_differs``: that value matched and differs from the exact one
    (a follow-through candidate); ``right_at_places_written``: the exact value matches when the
    step's minimum decimal places are not asked for — asked only where it can explain an
    incorrect number (a step with ``min_decimals``, the expected shape, no follow-through).
    """

    answer: Answer
    exact: str | None
    exact_elements: Any
    own: str | None = None
    own_elements: Any = None
    own_differs: bool = False
    right_at_places_written: bool = False


def compare_answers(steps: list[Step], rules: dict[str, StepRule], answers: dict[str, Answer],
                    own: dict[str, Any], spread: Callable[[str], Any] | None = None) -> list[Comparison | None]:
    """The comparison of each step's answer, in step order (None for an unanswered step).

    ``spread(step_id)``: the half-widths of a follow-through value when the student may have
    carried more digits than written (``problems.replay.CarrySpread.of``), or None.
    """
    return [None if (answer := answers.get(step.id)) is None
            else compare_one(step, rules[step.id], answer, own.get(step.id), spread)
            for step in steps]


def compare_one(step: Step, rule: StepRule, answer: Answer, own: Any,
                spread: Callable[[str], Any] | None = None) -> Comparison:
    """The comparison of one answer with the exact ``step.value`` and the follow-through ``own``
    (widened by ``spread`` when the written follow-through value alone does not match)."""
    spec, synonyms, atol = rule.spec, rule.synonyms, rule.atol
    status, exact = C.match_answer(spec, answer, step.value, synonyms, atol)
    if status:
        return Comparison(answer, status, exact)
    own_status, own_elements = C.match_answer(spec, answer, own, synonyms, atol)
    if not own_status and spread is not None and own is not None and not C.equal_up_to_noise(own, step.value):
        own_status, own_elements = C.match_within(spec, answer, own, spread(step.id), atol)
    own_differs = bool(own_status) and not C.equal_up_to_noise(own, step.value)
    right_as_written = False
    if (not own_differs and spec.min_decimals and spec.kind not in ("choice", "integer")
            and C.shape_of(answer.value) == C.shape_of(step.value)):
        right_as_written = bool(C.match_answer(spec, answer, step.value, synonyms, atol, min_decimals=0)[0])
    return Comparison(answer, status, exact, own_status, own_elements, own_differs, right_as_written)
