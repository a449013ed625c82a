"""Typst printer: the source that ``problems.export.pdf`` compiles to a PDF (no TeX needed).

All prose is written as Typst string literals (``#"…"``), so no character of a statement or a
title can be read as markup; formulas are Typst math (``derive.printing.typst_math``), values
and the matrices of statements are ``mat(…)``; a displayed equation wider than the page is
scaled down to fit (``#fit``). A sheet's answer key starts on a page of its own,
after all the exercises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derive.printing.base import DocumentPrinter, LatexMathPrinter, product_latex
from derive.printing.fragments import Fragments
from derive.printing.math import as_plain, number_text, shape_latex, shape_text, to_latex, to_text
from derive.printing.statement import Subscripted, is_number, segments
from derive.printing.typst_math import convert, string

if TYPE_CHECKING:  # annotations only
    from derive import steps as S

PREAMBLE = """#set document(title: {title}, date: none)
#set page(paper: "a4", margin: 2cm, numbering: "1")
#set text(size: 10.5pt, lang: "en")
#set par(justify: false)
#let fit(body) = layout(size => {{
  let width = measure(body).width
  if width > size.width {{ scale(x: size.width / width * 100%, y: size.width / width * 100%, reflow: true, body) }} else {{ body }}
}})
"""


def number(x: Any) -> str:
    """A number in Typst math: ``−0.25``, ``1.5 times 10^(-7)``."""
    written = number_text(x).replace("−", "-")
    if written in ("∞", "-∞"):
        return written.replace("∞", "infinity")
    mantissa, e, exponent = written.partition("e")
    return f"{mantissa} times 10^({exponent})" if e else written


def value_math(value: Any) -> str:
    """Typst math for a value: a number, a bracketed ``mat`` for vectors and matrices, text for words."""
    value = as_plain(value)
    if isinstance(value, bool):
        return string(str(value).lower())
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list):
        rows = value if value and isinstance(value[0], list) else [value]
        return 'mat(delim: "[", ' + "; ".join(", ".join(value_math(v) for v in row) for row in rows) + ")"
    return "" if value is None else number(value)


def entry_math(entry: str) -> str:
    """One entry of a statement's matrix, as written: a number, else its text."""
    if not is_number(entry):
        return string(entry)
    mantissa, e, exponent = entry.replace("−", "-").lower().partition("e")
    return f"{mantissa} times 10^({int(exponent.replace('+', ''))})" if e else mantissa


class TypstPrinter(DocumentPrinter):
    """A complete Typst document (compiled by ``typst.compile``)."""

    def __init__(self, plain_formulas: bool = False) -> None:
        self.tex = LatexMathPrinter()
        self.formulas = Fragments()
        self.plain_formulas = plain_formulas  # formulas as their one-line text: the fallback that always compiles

    def doprint(self, doc: Any) -> str:
        body = self.formulas.restore(super().doprint(doc))
        title = getattr(doc, "title", "") or f"chainrule: {getattr(doc, 'topic', type(doc).__name__)}"
        return PREAMBLE.format(title=string(title)) + "\n" + body

    def text(self, words: Any) -> str:
        """Prose as Typst string literals, the formulas written into it put back as math."""
        return self.formulas.weave(str(words), lambda part: "#" + string(part) if part else "")

    def heading(self, text_: str, level: int = 1) -> str:
        return f"#heading(level: {level})[{self.text(text_)}]"

    def para(self, text_: str) -> str:
        return self.inline(text_)

    def inline(self, words: str) -> str:
        """Prose with its ``[[…], […]]`` matrices set as matrices."""
        out = []
        for part in segments(words):
            if isinstance(part, str):
                out.append(self.text(part))
            elif isinstance(part, Subscripted):
                out.append(f"${convert(part.latex())}$")
            else:
                out.append('$mat(delim: "[", ' + "; ".join(", ".join(entry_math(e) for e in row) for row in part) + ")$")
        return "".join(out)

    def labelled_math(self, label: str, expr: Any) -> str:
        return self.inline(label + ": ") + self.math(expr)

    def bullet(self, items: list[str]) -> str:
        return "\n".join(f"- {self.inline(i)}" for i in items)

    def _math(self, expr: Any) -> str:
        if self.plain_formulas:
            return string(to_text(expr))
        return convert(to_latex(expr))  # a formula written as text too: its subscripts set (values.math_text)

    def math(self, expr: Any) -> str:
        return self.formulas.keep(f"${self._math(expr)}$") if expr is not None else ""

    def value(self, value: Any) -> str:
        return self.formulas.keep(f"${value_math(value)}$") if value is not None else ""

    def shape(self, shape: Any) -> str:
        s = shape_latex(shape)
        if not s:
            return ""
        return f" ∈ {string(shape_text(shape)) if self.plain_formulas else convert(s)}"

    def equation(self, lhs: Any, formula: Any, value: Any, shape: Any = None, factors: Any = None) -> str:
        parts = [self._math(x) for x in (lhs, formula) if x is not None and x != ""]
        if factors:
            parts.append(convert(product_latex(factors)))
        if value is not None:
            parts.append(value_math(value))
        if not parts:
            return ""
        return self.formulas.keep("#fit[$ " + " = ".join(parts) + (self.shape(shape) if shape else "") + " $]")

    def step(self, number_: int, step: S.Step) -> str:
        head = f"*{number_}.* {self.inline(step.title)} #raw({string(step.id)})"
        body = self.equation(step.lhs, step.formula, step.value, step.shape, step.factors)
        because = f"\n\n_because_ {self.inline(step.because)}" if step.because else ""
        return head + (f"\n{body}" if body else "") + because

    def steps(self, steps: list[S.Step]) -> str:
        return "\n\n".join(self.step(i, s) for i, s in enumerate(steps, 1))

    def table(self, table: S.Table) -> str:
        cells = [f"[*{self.text(c)}*]" for c in table.columns]
        cells += [f"[{self.text(c)}]" for row in table.rows for c in row]
        caption = f"{self.text(table.title)}\n\n" if table.title else ""
        return caption + f"#table(columns: {len(table.columns)}, stroke: 0.4pt, " + ", ".join(cells) + ")"

    def given_cell(self, m: S.Mark) -> str:
        if m.given is None:
            return "—"
        if self.plain_formulas:
            return super().given_cell(m)
        return self.formulas.keep(f"${convert(self.tex.given_cell(m))}$")

    def _latex_values(self) -> bool:
        return True  # wrong entries are boxed, as in LaTeX

    def _print_Sheet(self, sheet: S.Sheet) -> list[str]:
        blocks = super()._print_Sheet(sheet)
        key = self.heading("Answer key", 1)
        if key in blocks:  # the key: on pages of its own, after all the exercises
            blocks.insert(blocks.index(key), "#pagebreak()")
        return blocks
