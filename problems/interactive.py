"""Solve an exercise at a prompt: each step is read, shown as read, and judged on the spot.

``ask(prompt) -> text`` reads a line (EOFError ends the session) and ``say(text)`` shows one;
the command line passes ``input`` and ``print``. '?' shows the step's formula, Enter skips a
step, 'q' stops; the session ends with the full check report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

from derive.errors import UserError
from derive.steps import CheckReport, Exercise, Step
from problems import engine

Ask = Callable[[str], str]
Say = Callable[[str], Any]
STOP = ("q", "quit")


def session(module: ModuleType, exercise: Exercise, answers: Mapping[str, Any], label: str | None, *,
            ask: Ask, say: Say) -> CheckReport:
    """Ask for each step of ``exercise`` in order (``answers`` pre-fill the ones skipped) and
    return the check of all answers, labelled with the exercise id ``label``."""
    answers = dict(answers)
    say(f"Exercise {label or '(your own givens)'}\n{exercise.statement}")
    for line in exercise.conventions:
        say(f"  - {line}")
    say("Type each answer (numbers, fractions, exp(-0.5), [..] vectors, [[..],[..]] matrices, words).")
    say("'?' shows the formula, Enter skips a step, 'q' stops.\n")
    for step in exercise.steps:
        if _step(module, exercise, step, answers, ask, say) in STOP:
            break
    say("")
    return engine.check(module, exercise.givens, answers, label)


def _prompt(module: ModuleType, step: Step, spec: Any) -> str:
    kind = spec.kind if spec else "number"
    if kind == "choice" and getattr(module, "CHOICES", None):
        kind += ": " + " / ".join(module.CHOICES)
    elif spec is not None and spec.min_decimals:
        kind += f", at least {spec.min_decimals} decimals"
    return f"{step.id} ({engine.step_title(module, step.id)}) [{kind}]> "


def _step(module: ModuleType, exercise: Exercise, step: Step, answers: dict[str, Any], ask: Ask, say: Say) -> str:
    """One step: read until the text can be read (or is empty or 'q'), show how it was read and
    its verdict, record it in ``answers``; returns the text typed ('q' at the end of input)."""
    spec = engine.spec_for(module, step.id)
    prompt = _prompt(module, step, spec)
    while True:
        try:
            text = ask(prompt).strip()
        except EOFError:
            return "q"
        if text == "?":
            say(f"  hint: {spec.hint if spec and spec.hint else 'no formula recorded for this step'}")
            continue
        if text in ("", *STOP):
            return text
        try:
            read = engine.read_answers(module, {step.id: text})[step.id]
        except UserError as exc:
            say(f"  could not read that: {exc}")
            continue
        say(f"  read as: {engine.describe(module, step.id, read)}")
        answers[step.id] = text
        mark = next(m for m in engine.check(module, exercise.givens, answers).marks if m.id == step.id)
        note = " — ".join(x for x in (mark.diagnosis, mark.message) if x)
        say(f"  {mark.status}" + (f" — {note}" if note else ""))
        return text
