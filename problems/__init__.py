"""problems: randomized, seed-reproducible worked exercises that check a student's numbers.

``practice(...)`` and ``check(...)`` are the Python API that ``chainrule practice`` and
``chainrule check`` call; ``save(doc, path)`` writes any document as ``--out`` does. They load NumPy and SymPy only when called, so ``import problems``
stays light. Bad input raises ``derive.errors.UserError`` with the CLI's one-line message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any


def practice(topic: str | None = None, *, topics: str | Iterable[str] | None = None, seed: int | None = None,
             count: int = 1, difficulty: str | None = None, variant: str | None = None, solutions: bool = False,
             steps: bool = False, ask: Callable[[str], str] | None = None,
             say: Callable[[str], Any] | None = None, tries: int = 3, record: bool = False, focus: str | None = None) -> Any:
    """A practice sheet (``derive.steps.Sheet``) of ``count`` distinct exercises of ``topic`` (a
    type or an exercise id ``TOPIC@SEED[:difficulty][+variant]``) and/or ``topics``, seeds
    ``seed, seed+1, …`` (no seed: a random one), with the answer key shown when ``solutions``.
    ``difficulty`` None is the id's or ``exam``; a seed, difficulty or variant given both in the
    id and as an argument must agree (UserError otherwise).

    ``steps=True``: the first type's step list instead (``StepList``: step ids, givens, mistakes).
    With ``ask`` (and ``say``, see ``problems.interactive``): the first exercise solved at a
    prompt (``tries`` per step), returning its check report, recorded in the progress store
    when ``record``. ``focus="mistakes"``: a drill of the types and variants of the most
    frequent named mistakes in the progress store (``problems.mistake_drills``).
    """
    from derive.options import SEED_MAX, require_whole
    from problems import engine
    from problems.targets import practice_targets
    require_whole(seed, 0, SEED_MAX, "--seed")
    if focus is not None:
        from problems.mistake_drills import drill_sheet
        return drill_sheet(focus, count, topic, topics, difficulty, solutions)
    modules, seed, difficulty, variant = practice_targets(topic, topics, seed, difficulty, variant)
    if steps:
        return engine.step_list(modules[0])
    if ask is not None:
        from problems.interactive import session
        exercise = engine.make_exercise(modules[0], seed, difficulty, variant)
        logs: dict[str, Any] = {}
        report = session(modules[0], exercise, {}, exercise.id, ask=ask, say=say or _silent, tries=tries, logs=logs)
        if record:
            from problems.progress_store import record_check
            record_check(report, exercise, "interactive", logs)
        return report
    return engine.make_sheet(modules, seed, count, difficulty, variant, show_solutions=solutions)


def check(target: str | ModuleType, *, givens: Mapping[str, Any] | None = None,
          answers: Mapping[str, Any] | None = None, seed: int | None = None, difficulty: str | None = None,
          variant: str | None = None, toml: str | Path | None = None, ask: Callable[[str], str] | None = None,
          say: Callable[[str], Any] | None = None, reveal: bool = False, tries: int = 3, record: bool = False) -> Any:
    """The check report (``derive.steps.CheckReport``) of ``answers`` ({step id: value or text})
    to one exercise: each step correct, rounded, follow-through, incorrect (with the known
    mistake that explains it) or missing.

    The exercise is ``target`` (a type or its module, an exercise id, or a ``.toml`` answer file)
    with ``seed``/``difficulty``/``variant``, or the exercise ``toml`` names; ``givens`` replace
    generated ones (without a seed they are the whole exercise); a seed, difficulty (None: the
    id's, the file's or ``exam``) or variant named in several places must agree, and a given key
    the type does not know is refused. With ``ask`` (and ``say``, see
    ``problems.interactive``) the answers are entered at a prompt first, ``tries`` per step.

    The expected value of a blank step is marked not revealed unless ``reveal`` (or ``r`` at
    the prompt). ``record``: the attempt is appended to the progress store
    (``problems.progress_store``).
    """
    from derive.options import SEED_MAX, require_whole
    from problems import engine
    from problems.answer_keys import hide_blank_steps
    from problems.targets import check_target
    require_whole(seed, 0, SEED_MAX, "--seed")
    name = target if isinstance(target, str) else target.NAME
    module, exercise, raw, label = check_target(name, None if toml is None else Path(toml), seed, difficulty, variant,
                                                dict(givens or {}), dict(answers or {}))
    logs: dict[str, Any] = {}
    if ask is not None:
        from problems.interactive import session
        report = session(module, exercise, raw, label, ask=ask, say=say or _silent, tries=tries, reveal=reveal, logs=logs)
    else:
        report = hide_blank_steps(engine.check(module, exercise.givens, raw, label), reveal)
    if record:
        from problems.progress_store import record_check
        record_check(report, exercise, "interactive" if ask is not None else "check", logs)
    return report


def progress(plot: str | Path | None = None, export: str | Path | None = None,
             import_: str | Path | None = None) -> Any:
    """The progress report (``derive.steps.StudyReport``) of the progress store: per type
    attempts, accuracy and its trend, last seen, the most frequent named mistakes; first
    importing ``import_`` (a JSON export; attempts already present are skipped), then exporting
    to ``export`` and plotting accuracy over time to the PNG ``plot`` when given."""
    from problems.progress_report import progress as report
    return report(*(None if p is None else Path(p) for p in (plot, export, import_)))


def review(count: int = 3, topics: str | None = None, ask: Callable[[str], str] | None = None,
           say: Callable[[str], Any] | None = None, tries: int = 3, record: bool = False) -> Any:
    """The next ``count`` exercises by spaced repetition over the (type, step) items of the
    progress store (``problems.spaced_review``), optionally only of ``topics`` (comma-separated); with
    ``ask``: solved at the prompt, each attempt recorded when ``record``."""
    from problems.spaced_review import review as plan
    return plan(count, topics, ask=ask, say=say or _silent, tries=tries, record=record)


def save(doc: Any, path: str | Path) -> str:
    """Write ``doc`` (a sheet, a derivation, a report) to ``path`` in the format its extension
    names, as ``--out`` does: ``.md``, ``.tex``, ``.json``, ``.txt``, ``.html``, ``.pdf``,
    ``.apkg`` (Anki) or ``.xml`` (Moodle, sheets only); atomically. Returns the format's name."""
    from problems.export import save as save_file
    return save_file(doc, path)


def _silent(text: str) -> None:
    """A ``say`` that shows nothing."""
