"""What ``chainrule practice`` does with its options, without typer: which ones go together,
whether a sheet carries its answer keys, and where the sheet and its key are written.

Keys on request: ``practice`` prints the exercises; ``--key`` adds the worked keys. A sheet
written with ``--out`` carries its keys in a section after all exercises unless
``--no-solutions`` drops them or ``--key-out FILE`` moves them to a second file (the teacher's
copy: the exercises, then the key). ``--focus mistakes`` picks the types and variants of the
student's most frequent named mistakes (``problems.mistake_drills``).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from derive.errors import UserError
from problems import command_line as cl

SHEET_ONLY = ["count", "out", "no_solutions", "key", "key_out"]


def sheet_has_keys(given: Mapping[str, str], out: Path | None, key_out: Path | None, count: int) -> bool:
    """Check the options (``given``: those typed, name → how written) before any work and say
    whether the printed or ``--out`` sheet carries the keys: on the terminal only with
    ``--key``; in an ``--out`` file unless ``--no-solutions`` or ``--key-out``."""
    cl.exclusive(given, "interactive", [*SHEET_ONLY, "list_steps", "topics_", "focus"], " (one exercise, solved here)")
    cl.exclusive(given, "list_steps", [*SHEET_ONLY, "focus"], " (it shows the type's steps)")
    cl.exclusive(given, "focus", ["seed", "variant", "solve_weights"], " (the drill picks fresh exercises)")
    cl.exclusive(given, "key", ["no_solutions"], " (one asks for the key, the other drops it)")
    if out is not None:
        cl.sheet_file(out, count)
    if key_out is not None:
        if key_out.suffix.lower() == ".toml":
            from problems.export import expected
            raise UserError(f"'{key_out}': a key is a sheet: {expected(sheet=True)}", "--key-out")
        cl.sheet_file(key_out, arg="--key-out")
        if out is not None and out.resolve() == key_out.resolve():
            raise UserError("is the same file as --out", "--key-out")
    return "key" in given or (out is not None and key_out is None and "no_solutions" not in given)


def save_key(sheet: Any, path: Path) -> str:
    """Write the teacher's copy of ``sheet`` (its exercises, then the answer key) to ``path``
    (format by extension, atomically); returns the line saying what was written."""
    from problems.export import save
    kind = save(dataclasses.replace(sheet, show_solutions=True), path, "--key-out")  # checked by sheet_has_keys
    return f"wrote the answer key of {len(sheet.exercises)} exercise(s) to {path} ({kind})"


def show(doc: Any, out: Path | None, key_out: Path | None, fmt: Any) -> None:
    """Print ``doc`` (or write the sheet to ``out`` and say so), then write the key to
    ``key_out`` (said on stdout after an ``--out`` line, else on stderr)."""
    if out is not None:  # not with --list-steps or --interactive (refused by sheet_has_keys)
        print(cl.save_sheet(doc, out))
    else:
        cl.show(doc, fmt)
    if key_out is not None:
        print(save_key(doc, key_out), file=sys.stdout if out is not None else sys.stderr)


def prompt(interactive: bool, given: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``ask``/``say`` keywords of a pillar call for ``--interactive`` (none otherwise).

    ``given`` (the options typed, ``command_line.typed_options``): ``--tries`` without
    ``--interactive`` would be ignored, so it is refused.
    """
    if not interactive and given is not None and "tries" in given:
        raise UserError("only with --interactive (the answers per step when solving here)", "--tries")
    return dict(ask=cl.ask, say=print) if interactive else {}
