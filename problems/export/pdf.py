"""``--out FILE.pdf``: a document typeset by Typst (the ``typst`` package ships its compiler, so
no TeX installation is needed). The source is ``derive.printing.typst``'s; the PDF carries no
date, so the same document gives the same bytes. Should a formula's Typst math not compile (no
topic or type does: the tests typeset them all), the document is typeset again with every
formula as its one-line text, so a PDF is still written."""

from __future__ import annotations

from typing import Any

from derive.errors import UserError


def pdf_bytes(doc: Any) -> bytes:
    """The PDF of ``doc`` (a sheet: exercises first, the key on pages of its own)."""
    import typst

    from derive.printing.typst import TypstPrinter
    failure = ""
    for plain in (False, True):
        source = TypstPrinter(plain_formulas=plain).doprint(doc)
        try:
            return bytes(typst.compile(source.encode("utf-8")))
        except typst.TypstError as exc:
            failure = " ".join(str(exc).split())[:200]
    raise UserError(f"typesetting the PDF failed: {failure}", "--out")  # a bug in the Typst printer, on one line
