"""Printers: one per output format. ``render(doc, fmt)`` is the only entry point pillars need.

Formats: ``rich`` (terminal renderable), ``text``, ``markdown``, ``latex``, ``json`` (strings).
"""

from __future__ import annotations

from typing import Any

FORMATS = ("rich", "text", "markdown", "latex", "json")


def render(doc: Any, fmt: str) -> Any:
    """Render a document in ``fmt``; a string for every format but ``rich`` (a renderable)."""
    if fmt == "rich":
        from derive.printing.rich import RichPrinter
        return RichPrinter().doprint(doc)
    if fmt == "text":
        from derive.printing.text import TextPrinter
        return TextPrinter().doprint(doc)
    if fmt == "markdown":
        from derive.printing.markdown import MarkdownPrinter
        return MarkdownPrinter().doprint(doc)
    if fmt == "latex":
        from derive.printing.latex import LatexPrinter
        return LatexPrinter().doprint(doc)
    if fmt == "json":
        from derive.printing.json import JsonPrinter
        return JsonPrinter().doprint(doc)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
