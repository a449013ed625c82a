"""Documents written to files, the format named by the extension (``--out`` and ``problems.save``).

Text formats come from the printers (``derive.printing``): ``.md``, ``.tex``, ``.json``,
``.txt``, ``.html`` (one page, MathML, no script). The others have a writer module each:
``.pdf`` (``problems.export.pdf``: Typst, no TeX), ``.apkg`` (``problems.export.anki``: an
Anki deck) and ``.xml`` (``problems.export.moodle``: Moodle cloze questions, practice sheets
only). Every file is written atomically: a temporary file beside it, then renamed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from derive.errors import UserError

TEXT_FORMATS = {".md": "markdown", ".tex": "latex", ".json": "json", ".txt": "text", ".html": "html"}
WRITTEN_FORMATS = {".pdf": "pdf", ".apkg": "anki", ".xml": "moodle"}
SHEET_ONLY = {".xml"}  # a Moodle question needs numbers to check: exercises, not derivations
PACKAGES = {"pdf": "typst", "anki": "genanki", "moodle": None, "html": "latex2mathml"}


def extensions(sheet: bool) -> list[str]:
    """The extensions ``--out`` accepts for a sheet (``sheet``) or a derivation, in order."""
    return [e for e in (*TEXT_FORMATS, *WRITTEN_FORMATS) if sheet or e not in SHEET_ONLY]


def expected(sheet: bool, extra: tuple[str, ...] = ()) -> str:
    """``expected a .md, .tex, … or .xml file name`` for the refusal of an unknown extension."""
    names = [*extensions(sheet), *extra]
    return f"expected a {', '.join(names[:-1])} or {names[-1]} file name"


def file_format(path: Path, sheet: bool, arg: str = "--out") -> str:
    """The format ``path``'s extension names (``markdown``, ``pdf``, ``anki``, …); UserError for
    an extension this kind of document cannot be written as."""
    suffix = path.suffix.lower()
    fmt = TEXT_FORMATS.get(suffix) or WRITTEN_FORMATS.get(suffix)
    if fmt is None or (suffix in SHEET_ONLY and not sheet):
        why = " (Moodle questions are practice exercises)" if fmt else ""
        raise UserError(f"'{path}': {expected(sheet)}{why}", arg)
    return fmt


def require_package(fmt: str, arg: str = "--out") -> None:
    """UserError naming the package a format needs when it is not installed."""
    package = PACKAGES.get(fmt)
    if package is None:
        return
    from importlib.util import find_spec
    if find_spec(package) is None:
        raise UserError(f"writing {fmt} needs the '{package}' package: pip install 'chainrule[export]'", arg)


def content(doc: Any, fmt: str) -> str | bytes:
    """The file's content: text for the printers' formats, bytes for PDF and Anki."""
    if fmt == "pdf":
        from problems.export.pdf import pdf_bytes
        return pdf_bytes(doc)
    if fmt == "anki":
        from problems.export.anki import apkg_bytes
        return apkg_bytes(doc)
    if fmt == "moodle":
        from problems.export.moodle import moodle_xml
        return moodle_xml(doc)
    from derive.printing import render
    return str(render(doc, fmt))


def save(doc: Any, path: str | Path, arg: str = "--out") -> str:
    """Write ``doc`` (a sheet, a derivation, …) to ``path`` in the format its extension names,
    atomically; returns the format (``markdown``, ``pdf``, ``anki``, ``moodle``, …)."""
    from derive.files import atomic_write
    path = Path(path)
    fmt = file_format(path, type(doc).__name__ == "Sheet", arg)
    require_package(fmt, arg)
    atomic_write(path, content(doc, fmt), arg)
    return fmt
