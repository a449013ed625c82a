"""Answer keys on request: which expected values a check shows, and where a sheet's key goes.

``practice`` prints the exercises; ``--key`` adds the worked keys. A sheet written with ``--out``
carries its keys in a section after all exercises unless ``--no-solutions`` drops them or
``--key-out FILE`` moves them to a second file (the teacher's copy: exercises and keys).
``check`` shows the expected value of every answered step; a step left blank keeps its key
hidden unless ``--reveal`` (or ``r`` at the interactive prompt) reveals it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from derive.errors import UserError


def hide_blank_steps(report: Any, reveal: bool, revealed: Iterable[str] = ()) -> Any:
    """``report`` with the expected value of each blank (``missing``) step marked not revealed,
    unless ``reveal`` or its id is in ``revealed`` (steps revealed at the prompt)."""
    shown = set(revealed)
    marks = [m if reveal or m.status != "missing" or m.id in shown else dataclasses.replace(m, revealed=False)
             for m in report.marks]
    return dataclasses.replace(report, marks=marks)


def sheet_has_keys(given: Mapping[str, str], out: Path | None, key_out: Path | None) -> bool:
    """Whether the printed or ``--out`` sheet carries the keys (``given``: the options typed,
    name → how written). On the terminal only with ``--key``; in an ``--out`` file unless
    ``--no-solutions`` or ``--key-out``. ``--key`` with ``--no-solutions`` is refused."""
    if "key" in given and "no_solutions" in given:
        raise UserError("cannot be combined with --no-solutions (one asks for the key, the other drops it)", "--key")
    if key_out is not None:
        from problems.command_line import sheet_file
        if key_out.suffix.lower() == ".toml":
            raise UserError(f"'{key_out}': a key is a sheet: expected a .md, .tex, .json or .txt file name", "--key-out")
        sheet_file(key_out)
        if out is not None and out.resolve() == key_out.resolve():
            raise UserError("is the same file as --out", "--key-out")
    return "key" in given or (out is not None and key_out is None and "no_solutions" not in given)


def save_key(sheet: Any, path: Path) -> str:
    """Write the teacher's copy of ``sheet`` (its exercises, then the answer key) to ``path``
    (format by extension, atomically); returns the line saying what was written."""
    from derive.files import atomic_write
    from derive.printing import render
    from problems.command_line import FILE_FORMATS
    kind = FILE_FORMATS[path.suffix.lower()]  # checked by sheet_has_keys
    atomic_write(path, render(dataclasses.replace(sheet, show_solutions=True), kind), "--key-out")
    return f"wrote the answer key of {len(sheet.exercises)} exercise(s) to {path} ({kind})"
