"""The problem-bank engine: generate and solve exercises, build sheets and step lists.

Checking is the pipeline in ``problems.checking`` (read the answers, replay, compare, mark,
diagnose, report); ``check`` is re-exported here, with the other names the CLI and the tests
use (``read_answers``, ``describe``, ``spec_for``, ``step_title`` …).

The problem-type contract
=========================
A problem type is one module in ``problems/types/`` (discovered by ``problems.registry``;
modules whose name starts with ``_`` are helpers, not types). It provides:

Required
    ``NAME``        the CLI name (kebab-case, e.g. ``rbf-xor``).
    ``SUMMARY``     one line for ``chainrule topics``.
    ``SECTIONS``    SYLLABUS.md sections covered, e.g. ``("14",)``.
    ``STEPS``       list of ``StepSpec(id, title, kind, min_decimals, hint)``: every step id the
                    solver can produce. A segment that is one of ``INDEX_LETTERS`` (``k``, ``p``,
                    ``t``, ``e``, …) stands for a 1-based number (``d2.k`` documents ``d2.1``,
                    ``d2.2``, …). ``kind`` is ``number``, ``vector``, ``matrix`` (numbers, at the
                    precision written), ``integer`` (exact whole numbers, e.g. a unit number) or
                    ``choice`` (words such as ``reject``; a list of words for a vector of
                    labels). ``min_decimals``: the fewest decimal places that earn ``rounded``
                    credit (None: any). ``hint``: the formula, shown by ``--list-steps`` and on
                    ``?`` in interactive mode.
    ``GIVENS``      ``{key: description}`` of the givens (the TOML ``[givens]`` keys).
    ``MISTAKES``    ``{name: description}``: known mistakes, each reproduced in the solver by a
                    line guarded with ``work.mistake(name)``; the description is the diagnosis.
    ``generate(rng, difficulty, variant)`` → givens (plain Python numbers, lists, strings);
                    ``difficulty`` is ``easy``, ``exam`` or ``hard``; ``variant`` is None or a
                    key of ``VARIANTS``. Everything the solver needs, including the variant,
                    must be in the givens. Use only ``rng`` (a ``numpy.random.Generator``).
    ``validate(givens)`` → canonical givens (idempotent; JSON-safe), or raise ``GivenError``
                    naming the key. Degenerate givens (zero variance, …) are refused here.
    ``statement(givens)`` → the exercise text (ASCII or the Unicode the printers map).
    ``conventions(givens)`` → list of conventions stated with every exercise and check.
    ``solve(givens, work)`` → None: records every step with ``work.put(id, title, value,
                    formula=, because=, depends_on=)`` and computes later steps *from the value
                    ``put`` returns* (during checking that is the student's own value).
    ``cross_check(givens)`` → ``{step id: value}`` by an independent route (tests only).

Optional (additive; defaults in brackets)
    ``VARIANTS``    ``{name: description}`` for ``--variant`` [``{}``].
    ``CHOICES``     ``{canonical word: [synonyms]}`` for choice steps [``{}``], e.g.
                    ``{"retain": ["fail to reject", "accept"]}``.
    ``ALIASES``     ``{other step id: step id}`` accepted in answers [``{}``].
    ``TOLERANCES``  ``{step id or pattern: absolute tolerance}`` replacing the 1e-6 floor [``{}``].
    ``DIAGNOSES``   ``{name: description}`` of mistakes recognised by ``diagnose`` rather than
                    by replay (listed by ``--list-steps``) [``{}``].
    ``diagnose(givens, ctx)`` → str | None: called for an incorrect step that no catalogued
                    mistake reproduces; ``ctx`` is a ``problems.diagnosis.Context``.

The solver's notebook (``problems.work.Work``)
    ``work.put(id, title, value, formula=None, because="", depends_on=(), lhs=None)`` records a
    step and returns the value later steps must use: the computed one, or during checking the
    student's own (same shape and type; ints stay ints, lists become float ndarrays).
    ``work.mistake(name)`` is True while the engine replays one known mistake. Declare
    ``depends_on`` completely (it decides whether a follow-through comes from an error or from
    rounding). Values are stored to 12 significant digits; |x| < 1e-10 is stored as 0.

Step ids
    Segments that are a single ``INDEX_LETTERS`` letter are placeholders (``d2.k``, ``lr.e``);
    a whole id that is such a letter (``t``, ``p``) still matches itself exactly first.
    Ids are a public contract: never rename one, add new ids instead.

Checking (``check``) is generic: the solver is replayed on the student's own earlier values
(follow-through) and once per known mistake (diagnosis); the stages are listed in
``problems.checking``, the order of judgement in ``problems.marking``.
``tests/problems/test_conformance.py`` checks every type against this contract, for every variant.
"""

from __future__ import annotations

import json
import re
from types import ModuleType
from typing import Any

import numpy as np

from derive.errors import UserError
from derive.steps import CheckReport, Exercise, Mark, Sheet, Step, StepList, StepSpec, exercise_id  # noqa: F401
# Re-exported: the public API the CLI, the tests and the problem types import from the engine.
from problems.answers import AnswerError, canonical_words, describe, read_answers, read_one  # noqa: F401
from problems.checking import check  # noqa: F401
from problems.givens import GivenError  # noqa: F401
from problems.specs import INDEX_LETTERS, spec_for, step_title, tolerance_for  # noqa: F401
from problems.work import solve  # noqa: F401

DIFFICULTIES = ("easy", "exam", "hard")
MAX_COUNT = 500
MAX_SEED = 2**32 - 1


# --- generation and solving ------------------------------------------------------------------

def rng_for(topic: str, seed: int) -> np.random.Generator:
    """The generator for exercise ``topic@seed``: depends on nothing but the seed."""
    return np.random.default_rng(seed)


def make_exercise(module: ModuleType, seed: int, difficulty: str = "exam", variant: str | None = None,
                  givens: dict[str, Any] | None = None) -> Exercise:
    """Generate (or take) the givens, validate them and solve: one exercise with its key."""
    if difficulty not in DIFFICULTIES:
        raise UserError(f"expected one of {', '.join(DIFFICULTIES)}, got '{difficulty}'", "--difficulty")
    if variant is not None and variant not in getattr(module, "VARIANTS", {}):
        known = ", ".join(getattr(module, "VARIANTS", {})) or "none"
        raise UserError(f"'{variant}' is not a variant of {module.NAME} (variants: {known})", "--variant")
    if givens is None:
        givens = module.generate(rng_for(module.NAME, seed), difficulty, variant)
    givens = module.validate(givens)
    return Exercise(topic=module.NAME, seed=seed, difficulty=difficulty, givens=givens,
                    statement=module.statement(givens), steps=solve(module, givens),
                    conventions=list(module.conventions(givens)), variant=variant)


def make_sheet(modules: list[ModuleType], seed: int, count: int, difficulty: str = "exam",
               variant: str | None = None, show_solutions: bool = True) -> Sheet:
    """``count`` distinct exercises, cycling through ``modules``, seeds ``seed, seed+1, …``.

    A seed whose givens repeat an earlier exercise's is skipped, so every exercise differs.
    """
    if not 1 <= count <= MAX_COUNT:
        raise UserError(f"expected 1 to {MAX_COUNT}, got {count}", "--count")
    seen: set[str] = set()
    exercises: list[Exercise] = []
    s = seed
    while len(exercises) < count and s < seed + 50 * count + 100 and s <= MAX_SEED:
        module = modules[len(exercises) % len(modules)]
        ex = make_exercise(module, s, difficulty, variant)
        key = module.NAME + json.dumps(ex.givens, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            exercises.append(ex)
        s += 1
    names = ", ".join(dict.fromkeys(m.NAME for m in modules))
    title = f"chainrule practice: {names} ({len(exercises)} exercise{'s' if len(exercises) != 1 else ''}, seed {seed})"
    return Sheet(title=title, exercises=exercises, show_solutions=show_solutions, single=count == 1)


# --- step lists ------------------------------------------------------------------------------

def step_list(module: ModuleType) -> StepList:
    """What ``--list-steps`` shows: step ids, kinds, minimum precision, givens, variants, mistakes."""
    givens = dict(module.GIVENS)
    givens.update({f"(--variant {k})": v for k, v in getattr(module, "VARIANTS", {}).items()})
    mistakes = {**module.MISTAKES, **getattr(module, "DIAGNOSES", {})}
    return StepList(module.NAME, list(module.STEPS), givens, mistakes)


# --- exercise ids ----------------------------------------------------------------------------

def parse_exercise_id(text: str) -> tuple[str, int | None, str, str | None]:
    """``TOPIC@SEED[:difficulty][+variant]`` → (topic, seed, difficulty, variant).

    >>> parse_exercise_id("ttest@12:hard")
    ('ttest', 12, 'hard', None)
    """
    m = re.fullmatch(r"([a-z0-9\-]+)(?:@(\d{1,10}))?(?::(easy|exam|hard))?(?:\+([a-z0-9\-]+))?", text.strip().lower())
    if not m:
        from derive.discovery import index
        from derive.suggest import did_you_mean
        hint = did_you_mean(re.split(r"[@:+]", text.strip(), maxsplit=1)[0], index("problems.types"))
        raise ValueError(f"'{text}' is not a topic or an exercise id TOPIC@SEED[:difficulty][+variant]{hint}")
    topic, seed, difficulty, variant = m.groups()
    if seed is not None and int(seed) > MAX_SEED:
        raise ValueError(f"seed {seed} is too large (at most {MAX_SEED})")
    return topic, (int(seed) if seed is not None else None), difficulty or "exam", variant
