"""Reading answers: text from ``--answer``, TOML values or interactive input, by each step's kind.

Numbers, vectors and matrices go through the safe parser (``derive.parse``) and keep the decimal
places written; choice steps read words (or a list of words) and map synonyms to the canonical
word through the type's ``CHOICES``.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from derive.errors import UserError
from derive.parse import Answer, ParseError, answer_from_number, parse_answer
from derive.steps import StepSpec
from problems import compare as C
from problems.specs import spec_for


class AnswerError(UserError):
    """An answer names no step of the problem, or cannot be read."""


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
            raise AnswerError(f"answer '{key}': {module.NAME} has no such step (see chainrule practice {module.NAME} --list-steps)")
        if present is not None and step_id not in present:
            shown = ", ".join(present[:12]) + (", …" if len(present) > 12 else "")
            raise AnswerError(f"answer '{key}': this exercise has no step {step_id} (its steps: {shown})")
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
    from derive.printing.math import value_text
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
