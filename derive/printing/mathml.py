"""LaTeX formulas as MathML, for the HTML page and notebook display (needs ``latex2mathml``).

The formulas come from SymPy's LaTeX printer in the course's notation (``to_latex``,
``value_latex``); prose never passes through here (it is written as ``<mtext>``), so a
``\\text{…}`` holding ``$…$`` is not asked of the converter.
"""

from __future__ import annotations

import html
import re

MATH_OPEN = re.compile(r"^<math[^>]*>")


def available() -> bool:
    """True when latex2mathml is installed (``pip install chainrule[export]``)."""
    try:
        import latex2mathml.converter  # noqa: F401
    except ImportError:
        return False
    return True


def inner(latex: str) -> str:
    """The MathML inside ``<math>`` for ``latex``; a formula the converter cannot read is kept
    as its text in ``<mtext>`` (still MathML, never raw LaTeX in the page)."""
    from latex2mathml.converter import convert
    try:
        out = convert(latex)
    except Exception:  # noqa: BLE001 - the converter raises many kinds on LaTeX it does not know
        return text(latex)
    return MATH_OPEN.sub("", out).removesuffix("</math>")


def text(words: str) -> str:
    """Prose inside a formula: ``<mtext>`` with the text escaped."""
    return f"<mtext>{html.escape(words)}</mtext>"


def math(body: str, display: bool = False) -> str:
    """A ``<math>`` element around MathML ``body`` (block for a displayed equation)."""
    mode = "block" if display else "inline"
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="{mode}">{body}</math>'


def matrix(rows: list[list[str]]) -> str:
    """A bracketed matrix of already-written entries (numbers as ``<mn>``, others as text)."""
    from derive.printing.statement import is_number

    def cell(entry: str) -> str:
        return f"<mn>{html.escape(entry)}</mn>" if is_number(entry) else text(entry)
    body = "".join("<mtr>" + "".join(f"<mtd>{cell(e)}</mtd>" for e in row) + "</mtr>" for row in rows)
    return f"<mrow><mo>[</mo><mtable>{body}</mtable><mo>]</mo></mrow>"
