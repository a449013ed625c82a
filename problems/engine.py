"""The problem-bank engine: generate, solve, check with follow-through, and build sheets.

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
                    mistake reproduces; ``ctx`` is a ``problems.marking.Context``.

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
(follow-through) and once per known mistake (diagnosis); the order of judgement is in
``problems.marking``. ``tests/problems/test_conformance.py`` checks every type against this
contract, for every variant.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from types import ModuleType
from typing import Any, Iterator

import numpy as np

from derive.errors import UserError
from derive.parse import Answer
from derive.steps import CheckReport, Exercise, Mark, Sheet, Step, StepList, StepSpec, exercise_id  # noqa: F401
from problems import compare as C
from problems import marking
from problems.answers import AnswerError, canonical_words, describe, read_answers, read_one  # noqa: F401 (public API)
from problems.specs import INDEX_LETTERS, spec_for, step_title, tolerance_for  # noqa: F401 (public API)
from problems.givens import GivenError  # noqa: F401 (public API)
from problems.work import Work

DIFFICULTIES = ("easy", "exam", "hard")
MAX_COUNT = 500
MAX_SEED = 2**32 - 1


# --- generation and solving ------------------------------------------------------------------

def rng_for(topic: str, seed: int) -> np.random.Generator:
    """The generator for exercise ``topic@seed``: depends on nothing but the seed."""
    return np.random.default_rng(seed)


def solve(module: ModuleType, givens: dict[str, Any], overrides: dict[str, Any] | None = None,
          mistake: str | None = None) -> list[Step]:
    """Run the type's solver; returns its steps (values recomputed from overrides, if any)."""
    work = Work(overrides, mistake)
    module.solve(givens, work)
    return work.steps


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


# --- checking --------------------------------------------------------------------------------

def _carried(module: ModuleType, answers: dict[str, Answer], clean: dict[str, Any]) -> dict[str, Any]:
    """The student's values that later steps can be recomputed from (shape and type permitting)."""
    out: dict[str, Any] = {}
    for step_id, a in answers.items():
        spec, expected = spec_for(module, step_id), clean.get(step_id)
        if spec is None or step_id not in clean or C.shape_of(a.value) != C.shape_of(expected):
            continue
        leaves = C.flatten(a.value)
        if spec.kind == "choice":
            out[step_id] = canonical_words(module, a.value)
        elif all(C._is_number(x) for x in leaves) and all(C._is_number(x) for x in C.flatten(expected)):
            if spec.kind == "integer" and not all(float(x).is_integer() for x in leaves):
                continue
            out[step_id] = a.value
    return out


def _replay(module: ModuleType, givens: dict[str, Any], overrides: dict[str, Any], mistake: str | None) -> dict[str, Any]:
    """Values of a replayed solve; steps after a crash (the student's values made later steps
    meaningless, e.g. a unit number that does not exist) are left out."""
    work = Work(overrides, mistake)
    try:
        module.solve(givens, work)
    except Exception:  # noqa: BLE001 - any failure on the student's values ends the replay only
        pass
    return work.values


@lru_cache(maxsize=1024)
def _scratch_replay(module: ModuleType, givens_json: str, mistake: str) -> dict[str, Any]:
    """One known mistake replayed from scratch (independent of the answers, so cached)."""
    with np.errstate(all="ignore"):
        return _replay(module, json.loads(givens_json), {}, mistake)


class _MistakeReplays:
    """The known mistakes replayed on demand: each once on the student's carried values and
    once from scratch. A sheet with every step right never needs them, so none is run until a
    step is marked wrong (most checks are of mostly-right work)."""

    def __init__(self, module: ModuleType, givens: dict[str, Any], student: dict[str, Any]):
        self.module, self.givens, self.student = module, givens, student
        self.givens_json = json.dumps(givens, sort_keys=True)
        self.on_student: dict[str, dict[str, Any]] = {}

    def values(self, step_id: str) -> Iterator[tuple[str, Any]]:
        """(description, value of ``step_id``) for every mistake: on the student's values, then from scratch."""
        for name, description in self.module.MISTAKES.items():
            if name not in self.on_student:
                with np.errstate(all="ignore"):
                    self.on_student[name] = _replay(self.module, self.givens, self.student, name)
            yield description, self.on_student[name].get(step_id)
        for name, description in self.module.MISTAKES.items():
            yield description, _scratch_replay(self.module, self.givens_json, name).get(step_id)


def check(module: ModuleType, givens: dict[str, Any], raw_answers: dict[str, Any],
          exercise: str | None = None) -> CheckReport:
    """Mark every step: correct, rounded, follow-through, incorrect (with diagnosis) or missing."""
    givens = module.validate(givens)
    steps = solve(module, givens)
    answers = read_answers(module, raw_answers, [s.id for s in steps])
    clean = {s.id: s.value for s in steps}
    student = _carried(module, answers, clean)
    with np.errstate(all="ignore"):
        own = _replay(module, givens, student, None)
    replays = _MistakeReplays(module, givens, student)
    marks: list[Mark] = []
    erroneous: set[str] = set()  # wrong, or carrying an earlier error forward
    inexact: set[str] = set()  # rounded, or carrying a rounding forward
    closure: dict[str, set[str]] = {}  # id → the steps it depends on, transitively (explicit depends_on only)
    for i, step in enumerate(steps):
        ancestors = _ancestors(step, steps[:i], closure)
        # An error upstream explains a follow-through; else the student's rounding does. When
        # depends_on is incomplete (neither is upstream), any earlier error is assumed.
        carried = bool(ancestors & erroneous) or (not ancestors & inexact and bool(erroneous))
        mark = _mark(module, givens, step, answers.get(step.id), own, replays, clean, student, carried_error=carried)
        if mark.status == "incorrect" or (mark.status == "follow-through" and carried):
            erroneous.add(step.id)
        elif mark.status in ("rounded", "follow-through"):
            inexact.add(step.id)
        marks.append(mark)
    return CheckReport(topic=module.NAME, givens=givens, marks=marks, exercise_id=exercise,
                       conventions=list(module.conventions(givens)))


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


def _mark(module: ModuleType, givens: dict[str, Any], step: Step, answer: Answer | None, own: dict[str, Any],
          replays: _MistakeReplays, clean: dict[str, Any],
          student: dict[str, Any], carried_error: bool) -> Mark:
    spec = spec_for(module, step.id) or StepSpec(step.id, step.title, "number")
    synonyms, atol = getattr(module, "CHOICES", {}), tolerance_for(module, step.id)
    mistaken = replays.values(step.id)  # lazy: replayed only if the answer is wrong

    def hook() -> str | None:
        if answer is None or not hasattr(module, "diagnose"):
            return None
        def compared(v: Any) -> tuple[str | None, Any]:
            return marking.match(spec, answer, v, synonyms, atol, min_decimals=0)
        ctx = marking.Context(step.id, answer.value, student, clean, own, matches=lambda v: bool(compared(v)[0]),
                              elements=lambda v: compared(v)[1] if isinstance(v, list) else compared(v)[0])
        try:
            with np.errstate(all="ignore"):
                return module.diagnose(givens, ctx)
        except Exception:  # noqa: BLE001 - a hook must never turn a student's odd value into a crash
            return None

    return marking.mark_step(step, spec, answer, own.get(step.id), synonyms=synonyms, atol=atol,
                             mistaken=mistaken, hook=hook, carried_error=carried_error)


# --- exercise ids ----------------------------------------------------------------------------

def parse_exercise_id(text: str) -> tuple[str, int | None, str, str | None]:
    """``TOPIC@SEED[:difficulty][+variant]`` → (topic, seed, difficulty, variant).

    >>> parse_exercise_id("ttest@12:hard")
    ('ttest', 12, 'hard', None)
    """
    m = re.fullmatch(r"([a-z0-9\-]+)(?:@(\d{1,10}))?(?::(easy|exam|hard))?(?:\+([a-z0-9\-]+))?", text.strip().lower())
    if not m:
        raise ValueError(f"'{text}' is not a topic or an exercise id TOPIC@SEED[:difficulty][+variant]")
    topic, seed, difficulty, variant = m.groups()
    if seed is not None and int(seed) > MAX_SEED:
        raise ValueError(f"seed {seed} is too large (at most {MAX_SEED})")
    return topic, (int(seed) if seed is not None else None), difficulty or "exam", variant
