"""Checking a student's work on one exercise: a straight pipeline of stages.

``check`` runs each stage once, in this order, and hands its result to the next; no stage
calls back into an earlier one, and each module imports only modules listed before it::

    problems.compare      comparers of values (used by the stages below; no stage itself)
    problems.specs        step specs and tolerances (used by the stages below)
    problems.work         the solver's notebook and ``solve``
    1. key        problems.work.solve               validated givens → the exact steps (the key);
                  problems.specs.step_rules         and each step's rule (spec, tolerance, synonyms)
    2. read       problems.answers.read             raw answers → Reading: the answers as written
                                                    (unknown or absent steps refused) and the values
                                                    the solver can be replayed on (``carried``)
    3. replay     problems.replay.follow_through    carried values → the follow-through values: each
                                                    step recomputed from the student's own answers,
                                                    and how far each may move when the student carried
                                                    more digits than written (computed only if asked)
    4. compare    problems.comparisons.compare_answers  answers, exact and follow-through values →
                                                    one Comparison per step (None: unanswered)
    5. mark       problems.marking.mark_steps       comparisons, in step order with depends_on →
                                                    one Mark per step (no diagnosis yet)
    6. diagnose   problems.diagnosis.diagnose       incorrect marks → the known mistake that
                                                    reproduces each (mistakes replayed only now, by
                                                    problems.replay.MistakeReplays), else the hook's
    7. report     problems.checking.check           marks → CheckReport (with the conventions)

``problems.engine`` re-exports ``check`` (its public home for the CLI and the tests).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from derive.steps import CheckReport
from problems import answers, comparisons, diagnosis, marking, replay, specs
from problems.work import solve


def check(module: ModuleType, givens: dict[str, Any], raw_answers: dict[str, Any],
          exercise: str | None = None) -> CheckReport:
    """Mark every step: correct, rounded, follow-through, incorrect (with diagnosis) or missing."""
    givens = module.validate(givens)
    steps = solve(module, givens)                                                   # 1. key
    rules = specs.step_rules(module, steps)
    reading = answers.read(module, raw_answers, steps, rules)                       # 2. read
    follow = replay.follow_through(module, givens, reading.carried,                 # 3. replay
                                   {k: a.decimals for k, a in reading.answers.items()})
    own = follow.values
    compared = comparisons.compare_answers(steps, rules, reading.answers, own, follow.spread.of)  # 4. compare
    marks = marking.mark_steps(steps, rules, compared, own)                         # 5. mark
    marks = diagnosis.diagnose(module, givens, steps, rules, reading.answers,      # 6. diagnose
                               reading.carried, own, marks)
    return CheckReport(topic=module.NAME, givens=givens, marks=marks, exercise_id=exercise,  # 7. report
                       conventions=list(module.conventions(givens)))
