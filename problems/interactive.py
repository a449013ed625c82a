"""Solve an exercise at a prompt: each step is read, shown as read, and judged on the spot.

``ask(prompt) -> text`` reads a line (EOFError ends the session) and ``say(text)`` shows one;
the command line passes ``input`` and ``print``. At a step: '?' shows its formula, 'h' a hint
drawn from the likely mistake (the one that reproduces your last wrong number, else a known
mistake that changes this step), 'r' reveals the expected value (the step stays blank), Enter
skips, 'q' stops. A wrong answer may be tried again, up to ``tries`` answers per step. The
session ends with a summary table (tries, hints, reveals per step) and the full check report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from derive.errors import UserError
from derive.printing.values import value_text
from derive.steps import CheckReport, Exercise, Step, Table
from problems import engine
from problems.answer_keys import hide_blank_steps

Ask = Callable[[str], str]
Say = Callable[[str], Any]
STOP = ("q", "quit")
MAX_TRIES = 20


@dataclass
class StepLog:
    """What happened at one step: answers typed, formula/hint requests, revealed, last verdict."""

    tries: int = 0
    helps: int = 0
    revealed: bool = False
    status: str = "missing"


def session(module: ModuleType, exercise: Exercise, answers: Mapping[str, Any], label: str | None, *,
            ask: Ask, say: Say, tries: int = 3, reveal: bool = False, logs: dict[str, StepLog] | None = None) -> CheckReport:
    """Ask for each step of ``exercise`` in order (``answers`` pre-fill the ones skipped), up to
    ``tries`` answers per step, and return the check of all answers labelled ``label`` (blank
    steps' keys hidden unless ``reveal`` or revealed with 'r'). ``logs`` (a dict) receives what
    happened at each step asked (step id → StepLog)."""
    if not 1 <= tries <= MAX_TRIES:
        raise UserError(f"expected 1 to {MAX_TRIES}, got {tries}", "--tries")
    answers = dict(answers)
    say(f"Exercise {label or '(your own givens)'}\n{exercise.statement}")
    for line in exercise.conventions:
        say(f"  - {line}")
    say("Type each answer (numbers, fractions, exp(-0.5), [..] vectors, [[..],[..]] matrices, words).")
    say(f"'?' formula, 'h' hint, 'r' reveal, Enter skips, 'q' stops; {tries} tr{'y' if tries == 1 else 'ies'} per step.\n")
    logs = {} if logs is None else logs
    for step in exercise.steps:
        logs[step.id] = StepLog()
        if _step(module, exercise, step, answers, ask, say, tries, logs[step.id]) in STOP:
            break
    report = engine.check(module, exercise.givens, answers, label)
    report = hide_blank_steps(report, reveal, [i for i, log in logs.items() if log.revealed])
    say("\n" + summary_text(report, logs) + "\n")
    return report


def summary_table(report: CheckReport, logs: Mapping[str, StepLog]) -> Table:
    """One row per step: final status, answers typed, formula/hint requests, revealed."""
    rows = tuple((m.id, m.status, logs[m.id].tries if m.id in logs else 0, logs[m.id].helps if m.id in logs else 0,
                  "yes" if m.id in logs and logs[m.id].revealed else "") for m in report.marks)
    return Table("Session summary", ("step", "status", "tries", "hints", "revealed"), rows)


def summary_text(report: CheckReport, logs: Mapping[str, StepLog]) -> str:
    """The summary table as plain text (what ``say`` shows)."""
    from derive.printing import render
    return render(summary_table(report, logs), "text").rstrip("\n")


def _prompt(module: ModuleType, step: Step, spec: Any) -> str:
    kind = spec.kind if spec else "number"
    if kind == "choice" and getattr(module, "CHOICES", None):
        kind += ": " + " / ".join(module.CHOICES)
    elif spec is not None and spec.min_decimals:
        kind += f", at least {spec.min_decimals} decimals"
    return f"{step.id} ({engine.step_title(module, step.id)}) [{kind}]> "


def likely_mistakes(module: ModuleType, givens: dict[str, Any], step_id: str, expected: Any) -> list[str]:
    """Descriptions of the type's known mistakes that change this step's value (from scratch)."""
    from problems import compare as C
    from problems.replay import replay
    out = []
    for description in (module.MISTAKES[name] for name in module.MISTAKES
                        if (v := replay(module, givens, {}, name).get(step_id)) is not None
                        and not C.equal_up_to_noise(v, expected)):
        out.append(description)
    return out


def _hint(module: ModuleType, exercise: Exercise, step: Step, last_diagnosis: str | None, shown: int) -> str:
    """The hint for the ``shown``-th 'h' at this step: the mistake that reproduced the last wrong
    number, else the known mistakes that change this step, in turn."""
    if last_diagnosis:
        return f"your number matches a known mistake: {last_diagnosis}"
    likely = likely_mistakes(module, exercise.givens, step.id, step.value)
    if not likely:
        return "no known mistake changes this step: check the formula ('?') and your arithmetic"
    return f"a common mistake here: {likely[shown % len(likely)]}"


def _step(module: ModuleType, exercise: Exercise, step: Step, answers: dict[str, Any], ask: Ask, say: Say,
          tries: int, log: StepLog) -> str:
    """One step: read until the text can be read (or is empty, 'r' or 'q'); judge it; a wrong
    answer may be retried while tries remain. Records the last answer in ``answers``; returns
    the text that ended the step ('q' at the end of input)."""
    spec = engine.spec_for(module, step.id)
    prompt = _prompt(module, step, spec)
    diagnosis, hints = None, 0
    while True:
        try:
            text = ask(prompt).strip()
        except EOFError:
            return "q"
        if text == "?":
            log.helps += 1
            say(f"  formula: {spec.hint if spec and spec.hint else 'no formula recorded for this step'}")
            continue
        if text.lower() == "h":
            log.helps += 1
            say(f"  hint: {_hint(module, exercise, step, diagnosis, hints)}")
            hints += 1
            continue
        if text.lower() == "r":
            log.revealed = True
            answers.pop(step.id, None)
            say(f"  expected: {value_text(step.value)} (revealed: the step stays blank)")
            return text
        if text in ("", *STOP):
            return text
        try:
            read = engine.read_answers(module, {step.id: text})[step.id]
        except UserError as exc:
            say(f"  could not read that: {exc}")
            continue
        say(f"  read as: {engine.describe(module, step.id, read)}")
        answers[step.id] = text
        log.tries += 1
        mark = next(m for m in engine.check(module, exercise.givens, answers).marks if m.id == step.id)
        log.status, diagnosis = mark.status, mark.diagnosis
        note = " — ".join(x for x in (mark.diagnosis, mark.message) if x)
        say(f"  {mark.status}" + (f" — {note}" if note else ""))
        if mark.status != "incorrect" or log.tries >= tries:
            return text
        left = tries - log.tries
        say(f"  try again ({left} tr{'y' if left == 1 else 'ies'} left; 'h' hint, '?' formula, 'r' reveal, Enter moves on)")

