"""The problem-bank engine: generate, solve, check with follow-through, and build sheets.

Every problem type is a module in ``problems/types`` (see ``problems.registry``) providing
``NAME``, ``SUMMARY``, ``SECTIONS``, ``STEPS`` (StepSpec list; ``k``/``p``/``t`` segments stand
for 1-based indices), ``GIVENS``, ``MISTAKES``, ``generate(rng, difficulty, variant)``,
``validate(givens)``, ``statement(givens)``, ``conventions(givens)`` and
``solve(givens, work)``. Checking is generic: the solver is replayed on the student's own
earlier values (follow-through) and once per known mistake (diagnosis).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from types import ModuleType
from typing import Any

import numpy as np

from derive.errors import UserError
from derive.parse import Answer, ParseError, answer_from_number, parse_answer
from derive.steps import CheckReport, Exercise, Mark, Sheet, Step, StepList, StepSpec, exercise_id
from problems import compare as C
from problems.work import Work

DIFFICULTIES = ("easy", "exam", "hard")
MAX_COUNT = 500


class GivenError(UserError):
    """A given is missing or malformed; ``key`` names it, the message says what is expected."""

    def __init__(self, key: str, expected: str):
        super().__init__(f"given '{key}' {expected}" if expected.startswith("is ") else f"given '{key}': {expected}")
        self.key = key


class AnswerError(UserError):
    """An answer names no step of the problem, or cannot be read."""


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
        raise ValueError(f"count must be between 1 and {MAX_COUNT}")
    seen: set[str] = set()
    exercises: list[Exercise] = []
    s = seed
    while len(exercises) < count and s < seed + 50 * count + 100:
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


# --- step specs ------------------------------------------------------------------------------

INDEX_LETTERS = {"k", "p", "t", "e", "i", "j", "l", "s", "n", "m"}


@lru_cache(maxsize=512)
def _spec_regex(spec_id: str) -> re.Pattern[str]:
    parts = [r"\d+" if p in INDEX_LETTERS else re.escape(p) for p in spec_id.split(".")]
    return re.compile(r"\.".join(parts) + r"\Z")


def spec_for(module: ModuleType, step_id: str) -> StepSpec | None:
    """The documented spec of a concrete step id (``d2.3`` matches ``d2.k``)."""
    for spec in module.STEPS:
        if spec.id == step_id or _spec_regex(spec.id).match(step_id):
            return spec
    return None


def step_list(module: ModuleType) -> StepList:
    """What ``--list-steps`` shows: step ids, kinds, minimum precision, givens, mistakes."""
    return StepList(module.NAME, list(module.STEPS), dict(module.GIVENS), dict(module.MISTAKES))


# --- checking --------------------------------------------------------------------------------

def read_answers(module: ModuleType, raw: dict[str, Any]) -> dict[str, Answer]:
    """Parse raw answers (text from ``--answer`` or TOML values) by each step's kind."""
    out: dict[str, Answer] = {}
    aliases = getattr(module, "ALIASES", {})
    for key, value in raw.items():
        step_id = aliases.get(key, key)
        spec = spec_for(module, step_id)
        if spec is None:
            raise AnswerError(f"answer '{key}': {module.NAME} has no such step (see chainrule practice {module.NAME} --list-steps)")
        try:
            if isinstance(value, str):
                out[step_id] = parse_answer(value, "choice" if spec.kind == "choice" else "number")
            elif spec.kind == "choice":
                out[step_id] = Answer(str(value).lower(), None, str(value))
            else:
                out[step_id] = answer_from_number(value)
        except ParseError as exc:
            raise AnswerError(f"answer '{key}': {exc}") from exc
    return out


def _normalize_choice(module: ModuleType, text: Any) -> Any:
    if not isinstance(text, str):
        return text
    text = " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
    for canonical, synonyms in getattr(module, "CHOICES", {}).items():
        if text == canonical or text in synonyms:
            return canonical
    return text


def _match(module: ModuleType, spec: StepSpec, answer: Answer, target: Any) -> tuple[str | None, Any]:
    """Status (correct/rounded/None) of ``answer`` against ``target`` and element statuses."""
    if target is None:
        return None, None
    if spec.kind == "choice":
        ok = _normalize_choice(module, answer.value) == _normalize_choice(module, target)
        return ("correct" if ok else None), None
    if spec.kind == "integer":
        ok = not isinstance(answer.value, list) and not isinstance(target, list) and abs(answer.value - float(target)) < 1e-9
        return ("correct" if ok else None), None
    atol = getattr(spec, "atol", None) or C.ATOL
    try:
        elements = C.compare_array(answer.value, target, answer.decimals, spec.min_decimals or 0, atol)
    except (ValueError, TypeError):
        return None, None
    if isinstance(target, list):
        return C.summarize(elements), elements
    return elements, None


def _student_values(answers: dict[str, Answer], clean: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, a in answers.items():
        if k in clean and isinstance(clean[k], list) and C.shape_of(a.value) != C.shape_of(clean[k]):
            continue  # wrong shape: cannot carry forward; computed value is used instead
        out[k] = a.value
    return out


def _replay(module: ModuleType, givens: dict[str, Any], overrides: dict[str, Any], mistake: str | None) -> dict[str, Any]:
    """Values of a replayed solve; steps after a crash (nonsense inputs) are left out."""
    work = Work(overrides, mistake)
    try:
        module.solve(givens, work)
    except (ValueError, IndexError, ZeroDivisionError, FloatingPointError, KeyError, TypeError, OverflowError):
        pass
    return work.values


def check(module: ModuleType, givens: dict[str, Any], raw_answers: dict[str, Any],
          exercise: str | None = None) -> CheckReport:
    """Mark every step: correct, rounded, follow-through, incorrect (with diagnosis) or missing."""
    givens = module.validate(givens)
    answers = read_answers(module, raw_answers)
    steps = solve(module, givens)
    clean = {s.id: s.value for s in steps}
    student = _student_values(answers, clean)
    with np.errstate(all="ignore"):
        ft = _replay(module, givens, student, None)
        wrong = {name: (_replay(module, givens, student, name), _replay(module, givens, {}, name))
                 for name in module.MISTAKES}
    marks = [_mark(module, s, answers.get(s.id), ft.get(s.id), wrong) for s in steps]
    return CheckReport(topic=module.NAME, givens=givens, marks=marks, exercise_id=exercise,
                       conventions=list(module.conventions(givens)))


def _mark(module: ModuleType, step: Step, answer: Answer | None, ft_value: Any,
          wrong: dict[str, tuple[dict[str, Any], dict[str, Any]]]) -> Mark:
    spec = spec_for(module, step.id) or StepSpec(step.id, step.title, "number")
    if answer is None:
        return Mark(step.id, step.title, "missing", step.value)
    status, elements = _match(module, spec, answer, step.value)
    if status:
        return Mark(step.id, step.title, status, step.value, answer.value, elements=_elements(elements))
    ft_status, ft_elements = _match(module, spec, answer, ft_value)
    if ft_status and ft_value != step.value:
        msg = "wrong, but correct from your own earlier values (error carried forward)"
        return Mark(step.id, step.title, "follow-through", step.value, answer.value, message=msg,
                    elements=_elements(_merge(elements, ft_elements)), follow_through_value=ft_value)
    diagnosis = _diagnose(module, spec, answer, step, wrong)
    message = _shape_message(answer.value, step.value, spec)
    return Mark(step.id, step.title, "incorrect", step.value, answer.value, diagnosis=diagnosis,
                message=message, elements=_elements(elements), follow_through_value=ft_value)


def _diagnose(module: ModuleType, spec: StepSpec, answer: Answer, step: Step,
              wrong: dict[str, tuple[dict[str, Any], dict[str, Any]]]) -> str | None:
    for name, (with_own, from_scratch) in wrong.items():
        for values in (with_own, from_scratch):
            v = values.get(step.id)
            if v is not None and v != step.value and _match(module, spec, answer, v)[0]:
                return module.MISTAKES[name]
    return None


def _shape_message(given: Any, expected: Any, spec: StepSpec) -> str:
    if spec.kind in ("vector", "matrix") and C.shape_of(given) != C.shape_of(expected):
        return f"expected shape {C.shape_of(expected)}, got {C.shape_of(given)}"
    return ""


def _merge(elements: Any, ft_elements: Any) -> Any:
    if isinstance(elements, list):
        fts = ft_elements if isinstance(ft_elements, list) else [None] * len(elements)
        return [_merge(e, f) for e, f in zip(elements, fts)]
    return elements or ("follow-through" if ft_elements else None)


def _elements(elements: Any) -> Any:
    if elements is None or not isinstance(elements, list):
        return None
    return [_elements(e) if isinstance(e, list) else (e or "incorrect") for e in elements]


def parse_exercise_id(text: str) -> tuple[str, int | None, str, str | None]:
    """``TOPIC@SEED[:difficulty][+variant]`` → (topic, seed, difficulty, variant)."""
    m = re.fullmatch(r"([a-z0-9\-]+)(?:@(\d{1,9}))?(?::(easy|exam|hard))?(?:\+([a-z0-9\-]+))?", text.strip())
    if not m:
        raise ValueError(f"'{text}' is not a topic or an exercise id TOPIC@SEED")
    topic, seed, difficulty, variant = m.groups()
    return topic, (int(seed) if seed is not None else None), difficulty or "exam", variant
