"""Printers: one per output format. ``render(doc, fmt)`` is the only entry point pillars need.

Formats: ``rich`` (terminal renderable), ``text``, ``markdown``, ``latex``, ``json`` (strings);
for files and notebooks also ``html`` (a page with MathML), ``html-fragment`` (the same as a
``<div>``, for Jupyter) and ``typst`` (the source the PDF is compiled from).
"""

from __future__ import annotations

from typing import Any

FORMATS = ("rich", "text", "markdown", "latex", "json")
FILE_ONLY_FORMATS = ("html", "html-fragment", "typst")


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
    if fmt in ("html", "html-fragment"):
        from derive.printing.html import HtmlPrinter
        return HtmlPrinter(fragment=fmt == "html-fragment").doprint(doc)
    if fmt == "typst":
        from derive.printing.typst import TypstPrinter
        return TypstPrinter().doprint(doc)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS + FILE_ONLY_FORMATS)}")
