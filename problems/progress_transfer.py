"""Moving a study history between machines: ``progress --export FILE`` / ``--import FILE`` (JSON).

The file: ``{"format": "chainrule-progress", "version": 1, "attempts": [{"uuid", "exercise",
"type", "variant", "difficulty", "at", "source", "steps": [{"step", "status", "mistake",
"revealed", "tries", "hints"}]}]}`` (``tries``/``hints``: null or a count, optional). Every attempt keeps its uuid, so importing a file twice (or a file exported
from a store that already holds some of its attempts) adds nothing twice. An import is checked
whole before anything is written and added in one transaction.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from derive.errors import UserError
from problems.progress_store import Attempt, StepRecord

FORMAT, VERSION = "chainrule-progress", 1
MAX_IMPORT_BYTES = 50_000_000
MAX_TEXT = 200  # characters of any one text field
MAX_COUNT = 1_000_000  # tries or hints at one step
STATUSES = ("correct", "rounded", "follow-through", "incorrect", "missing")
SOURCES = ("check", "interactive", "review", "import")


def export_text(attempts: list[Attempt]) -> str:
    """The export file's text for ``attempts``."""
    items = [{"uuid": a.uuid, "exercise": a.exercise, "type": a.type, "variant": a.variant, "difficulty": a.difficulty,
              "at": a.at, "source": a.source, "steps": [vars(s) for s in a.steps]} for a in attempts]
    return json.dumps({"format": FORMAT, "version": VERSION, "attempts": items}, ensure_ascii=False, indent=1) + "\n"


def export(attempts: list[Attempt], path: Path) -> str:
    """Write ``attempts`` to ``path`` (atomically); returns the line saying so."""
    from derive.files import atomic_write
    atomic_write(path, export_text(attempts), "--export")
    return f"exported {len(attempts)} attempt(s) to {path}"


def read(path: Path) -> list[Attempt]:
    """The attempts of an export file; UserError naming ``--import`` for anything malformed."""
    from derive.files import read_text
    try:
        doc = json.loads(read_text(path, "--import", cap=MAX_IMPORT_BYTES))
    except json.JSONDecodeError as exc:
        raise UserError(f"'{path}' is not JSON ({exc.msg}, line {exc.lineno})", "--import") from None
    except RecursionError:
        raise UserError(f"'{path}' nests too deeply to be a chainrule progress export", "--import") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise UserError(f"'{path}' is not a chainrule progress export (format {FORMAT}, version {VERSION})", "--import")
    items = doc.get("attempts")
    if not isinstance(items, list):
        raise UserError(f"'{path}': 'attempts' must be a list", "--import")
    return [_attempt(item, i) for i, item in enumerate(items)]


def _text(item: dict[str, Any], key: str, where: str, optional: bool = False, choices: tuple[str, ...] = ()) -> Any:
    value = item.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT or (choices and value not in choices):
        expected = f"one of {', '.join(choices)}" if choices else f"a text of 1 to {MAX_TEXT} characters"
        raise UserError(f"{where}: '{key}' must be {expected}", "--import")
    return value


def _attempt(item: Any, index: int) -> Attempt:
    where = f"attempt {index + 1}"
    if not isinstance(item, dict) or not isinstance(item.get("steps"), list):
        raise UserError(f"{where}: expected an object with a list of steps", "--import")
    at = _text(item, "at", where)
    from problems.study_clock import EARLIEST, LATEST, in_range, iso, parse_iso
    try:
        at = iso(in_range(parse_iso(at)))
    except (ValueError, OverflowError):
        raise UserError(f"{where}: 'at' must be an ISO 8601 time in the years {EARLIEST.year} to {LATEST.year - 1}",
                        "--import") from None
    steps = []
    for j, s in enumerate(item["steps"]):
        sw = f"{where}, step {j + 1}"
        if not isinstance(s, dict) or not isinstance(s.get("revealed", False), bool):
            raise UserError(f"{sw}: expected an object with a boolean 'revealed'", "--import")
        counts = [s.get(k) for k in ("tries", "hints")]
        if any(c is not None and (type(c) is not int or not 0 <= c <= MAX_COUNT) for c in counts):
            raise UserError(f"{sw}: 'tries' and 'hints' must be null or whole numbers from 0 to {MAX_COUNT}", "--import")
        steps.append(StepRecord(_text(s, "step", sw), _text(s, "status", sw, choices=STATUSES),
                                _text(s, "mistake", sw, optional=True), s.get("revealed", False), *counts))
    return Attempt(type=_text(item, "type", where), difficulty=_text(item, "difficulty", where, choices=("easy", "exam", "hard")),
                   at=at, exercise=_text(item, "exercise", where, optional=True), variant=_text(item, "variant", where, optional=True),
                   source=_text(item, "source", where, choices=SOURCES), steps=steps, uuid=_text(item, "uuid", where))
