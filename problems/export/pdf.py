"""``--out FILE.pdf``: a document typeset by Typst (the ``typst`` package ships its compiler, so
no TeX installation is needed). The source is ``derive.printing.typst``'s; the PDF carries no
date, so the same document gives the same bytes."""

from __future__ import annotations

from typing import Any

from derive.errors import UserError


def pdf_bytes(doc: Any) -> bytes:
    """The PDF of ``doc`` (a sheet: exercises first, the key on pages of its own)."""
    import typst

    from derive.printing import render
    source = str(render(doc, "typst"))
    try:
        return bytes(typst.compile(source.encode("utf-8")))
    except typst.TypstError as exc:  # a bug in the Typst printer, reported on one line
        raise UserError(f"typesetting the PDF failed: {' '.join(str(exc).split())[:200]}", "--out") from None
