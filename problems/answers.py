"""Reading answers: text from ``--answer``, TOML values or interactive input, by each step's kind.

Numbers, vectors and matrices go through the safe parser (``derive.parse``) and keep the decimal
places written; choice steps read words (or a list of words) and map synonyms to the canonical
word through the type's ``CHOICES``.

As the reading stage of checking (``problems.checking``), ``read`` also picks the student's
values the solver can be replayed on (``Reading.carried``): the follow-through stage's input.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from derive.errors import UserError
from derive.suggest import did_you_mean
from derive.parse import Answer, ParseError, answer_from_number, parse_answer
from derive.steps import Step, StepSpec
from problems import compare as C
from problems.specs import StepRule, spec_for


class AnswerError(UserError):
    """An answer names no step of the problem, or cannot be read."""


@dataclass(frozen=True)
class Reading:
    """The student's work as read: ``answers`` (step id → Answer, as written) and ``carried``
    (step id → the value later steps can be recomputed from: only answers of the expected shape
    and type, words as their canonical choice)."""

    answers: dict[str, Answer]
    carried: dict[str, Any]


def read(module: ModuleType, raw: dict[str, Any], steps: list[Step], rules: dict[str, StepRule]) -> Reading:
    """Read the raw answers to the solved ``steps`` (refusing any other step) and pick the carried values."""
    answers = read_answers(module, raw, [s.id for s in steps])
    exact = {s.id: s.value for s in steps}
    answers = {k: as_shape_of(a, exact.get(k), rules[k].spec) if k in rules else a for k, a in answers.items()}
    return Reading(answers, carried_values(module, answers, exact, rules))


def as_shape_of(answer: Answer, expected: Any, spec: StepSpec) -> Answer:
    """A one-element answer in the nesting of a one-element expected value: ``0.6`` for ``[0.6]``,
    ``[0.44]`` for ``0.44`` (the same answer wherever the shape is not itself what is asked: a
    step whose id names a shape keeps the answer as written)."""
    if "shape" in spec.id or C.shape_of(answer.value) == C.shape_of(expected):
        return answer
    values, places = C.flatten(answer.value), C.flatten(answer.decimals)
    if len(values) != 1 or len(C.flatten(expected)) != 1 or len(places) != 1:
        return answer

    def nest(template: Any, leaf: Any) -> Any:
        return [nest(template[0], leaf)] if isinstance(template, list) else leaf
    return Answer(nest(expected, values[0]), nest(expected, places[0]), answer.text)


def carried_values(module: ModuleType, answers: dict[str, Answer], exact: dict[str, Any],
                   rules: dict[str, StepRule]) -> dict[str, Any]:
    """The student's values that later steps can be recomputed from (shape and type permitting).

    An answer is carried when it has the shape of the exact value and, for numbers, every entry
    is a number (a whole number for an ``integer`` step); a choice is carried as its canonical
    word(s).
    """
    out: dict[str, Any] = {}
    for step_id, a in answers.items():
        expected = exact.get(step_id)
        if step_id not in exact or C.shape_of(a.value) != C.shape_of(expected):
            continue
        spec = rules[step_id].spec
        leaves = C.flatten(a.value)
        if spec.kind == "choice":
            out[step_id] = canonical_words(module, a.value)
        elif all(C._is_number(x) for x in leaves) and all(C._is_number(x) for x in C.flatten(expected)):
            if spec.kind == "integer" and not all(float(x).is_integer() for x in leaves):
                continue
            out[step_id] = a.value
    return out


def read_answers(module: ModuleType, raw: dict[str, Any], present: list[str] | None = None) -> dict[str, Answer]:
    """Parse raw answers (text from ``--answer`` or TOML values) by each step's kind.

    ``present``: the step ids of this exercise; an answer to any other step is refused. An
    empty string counts as no answer (a line of an answer file left blank).
    """
    out: dict[str, Answer] = {}
    aliases = getattr(module, "ALIASES", {})
    for key, value in _flat_keys(raw).items():
        if isinstance(value, str) and not value.strip():
            continue  # an answer file's line left empty: the step is missing, not wrong
        step_id = aliases.get(key, key)
        spec = spec_for(module, step_id)
        if spec is None:
            hint = did_you_mean(key, [sp.id for sp in module.STEPS] + list(present or []))
            raise AnswerError(f"answer '{key}': {module.NAME} has no such step{hint} (see chainrule practice {module.NAME} --list-steps)")
        if present is not None and step_id not in present:
            shown = ", ".join(present[:12]) + (", …" if len(present) > 12 else "")
            raise AnswerError(f"answer '{key}': this exercise has no step {step_id}{did_you_mean(step_id, present)} (its steps: {shown})")
        try:
            out[step_id] = read_one(spec, value)
        except ParseError as exc:
            raise AnswerError(f"answer '{key}': {exc}") from exc
    return out


def _flat_keys(raw: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """TOML reads an unquoted ``d2.1 = …`` as ``{"d2": {"1": …}}``: join the keys back."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat_keys(value, name + "."))
        else:
            out[name] = value
    return out


def read_one(spec: StepSpec, value: Any) -> Answer:
    """One answer as the step's kind reads it: words for choices, numbers otherwise."""
    if spec.kind == "choice":
        return _read_words(value)
    if isinstance(value, str):
        return parse_answer(value, "number")
    if isinstance(value, list) and any(isinstance(x, str) for x in C.flatten(value)):
        raise ParseError('expected numbers, got text in a list (write a vector as one string: "[0.87, 1.1]")')
    return answer_from_number(value)


def _read_words(value: Any) -> Answer:
    if isinstance(value, str) and value.strip().startswith("[") and value.strip().endswith("]"):
        value = [w for w in value.strip()[1:-1].split(",")]
    if isinstance(value, list):
        if len(value) > 1000 or any(isinstance(v, list) for v in value):
            raise ParseError("expected a list of words like [reject, retain]")
        words = [parse_answer(str(v).strip().strip("'\""), "choice").value for v in value]
        return Answer(words, None, str(value))
    if isinstance(value, bool):
        raise ParseError("expected a word, not true/false")
    return parse_answer(str(value), "choice")


def describe(module: ModuleType, step_id: str, answer: Answer) -> str:
    """How an answer was read, for interactive mode: ``[0.87, 1.1]`` or ``retain``."""
    from derive.printing.values import value_text
    spec = spec_for(module, step_id)
    if spec is not None and spec.kind == "choice":
        canon = canonical_words(module, answer.value)
        return value_text(canon) + ("" if canon == answer.value else f" (you wrote: {value_text(answer.value)})")
    return value_text(answer.value)


def canonical_words(module: ModuleType, value: Any) -> Any:
    """A word (or list of words) as its canonical choice: ``fail to reject`` → ``retain``."""
    if isinstance(value, list):
        return [canonical_words(module, v) for v in value]
    word = C.normalize_word(value)
    for canonical, others in getattr(module, "CHOICES", {}).items():
        if word == canonical or word in [C.normalize_word(o) for o in others]:
            return canonical
    return word
