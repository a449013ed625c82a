"""HTML printer: one self-contained page (or a fragment for notebooks) with MathML formulas.

No script, no stylesheet or font from the network: formulas, values and the matrices of
exercise statements are MathML (``derive.printing.mathml``), which browsers render natively;
all other text is escaped (formulas written into a sentence are kept aside meanwhile:
``derive.printing.fragments``). The answer key of a sheet is a section of its own after all the
exercises.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from derive.printing import mathml
from derive.printing.base import DocumentPrinter, LatexMathPrinter, product_latex
from derive.printing.fragments import Fragments
from derive.printing.math import shape_latex, to_latex, value_latex
from derive.printing.statement import Subscripted, segments

if TYPE_CHECKING:  # annotations only
    from derive import steps as S

STYLE = """body{font-family:Georgia,serif;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.5}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left}
ol.steps>li{margin:.6em 0}code{font-size:90%}.because{color:#444}section.key{border-top:2px solid #444;margin-top:2em}"""


class HtmlPrinter(DocumentPrinter):
    """A page (``fragment=False``) or a ``<div>`` for Jupyter's ``_repr_html_``."""

    def __init__(self, fragment: bool = False) -> None:
        self.fragment = fragment
        self.tex = LatexMathPrinter()
        self.formulas = Fragments()

    def doprint(self, doc: Any) -> str:
        body = self.formulas.restore(super().doprint(doc))
        if self.fragment:
            return f'<div class="chainrule">\n{body}</div>\n'
        title = html.escape(getattr(doc, "title", "") or type(doc).__name__)
        return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n")

    def join(self, blocks: list[str]) -> str:
        return "\n".join(b for b in blocks if b)

    def escape(self, text: Any) -> str:
        """Plain text as HTML, the formulas written into it put back as MathML."""
        return self.formulas.weave(str(text), html.escape)

    def heading(self, text: str, level: int = 1) -> str:
        tag = f"h{min(level + (1 if self.fragment else 0), 6)}"
        return f"<{tag}>{self.escape(text)}</{tag}>"

    def para(self, text: str) -> str:
        return f"<p>{self.inline(text)}</p>"

    def inline(self, text: str) -> str:
        """Plain text with its ``[[…], […]]`` matrices as MathML."""
        return "".join(self.escape(s) if isinstance(s, str)
                       else f"{self.escape(s.base)}<sub>{self.escape(s.subscript)}</sub>" if isinstance(s, Subscripted)
                       else mathml.math(mathml.matrix(s)) for s in segments(text))

    def labelled_math(self, label: str, expr: Any) -> str:
        return f"<p>{self.inline(label + ': ')}{self.math(expr)}</p>"

    def bullet(self, items: list[str]) -> str:
        return "<ul>\n" + "\n".join(f"<li>{self.inline(i)}</li>" for i in items) + "\n</ul>"

    def _inner(self, expr: Any) -> str:
        return mathml.text(expr) if isinstance(expr, str) else mathml.inner(to_latex(expr))

    def _inner_value(self, value: Any) -> str:
        return mathml.text(value) if isinstance(value, str) else mathml.inner(value_latex(value))

    def math(self, expr: Any) -> str:
        return self.formulas.keep(mathml.math(self._inner(expr))) if expr is not None else ""

    def value(self, value: Any) -> str:
        return self.formulas.keep(mathml.math(self._inner_value(value))) if value is not None else ""

    def shape(self, shape: Any) -> str:
        s = shape_latex(shape)
        return self.formulas.keep(mathml.math(mathml.inner(rf"\in {s}"))) if s else ""

    def equation(self, lhs: Any, formula: Any, value: Any, shape: Any = None, display: bool = False,
                 factors: Any = None) -> str:
        """One ``<math>``: lhs = formula = numbers of the chain product = value ∈ shape (the parts given)."""
        parts = [self._inner(x) for x in (lhs, formula) if x is not None and (not isinstance(x, str) or x)]
        if factors:
            parts.append(mathml.inner(product_latex(factors)))
        if value is not None:
            parts.append(self._inner_value(value))
        if not parts:
            return ""
        body = "<mo>=</mo>".join(parts)
        if shape and shape_latex(shape):
            body += mathml.inner(rf"\in {shape_latex(shape)}")
        return self.formulas.keep(mathml.math(f"<mrow>{body}</mrow>", display))

    def step(self, number: int, step: S.Step) -> str:
        body = self.equation(step.lhs, step.formula, step.value, step.shape, display=True, factors=step.factors)
        because = f'\n<div class="because"><em>because</em> {self.inline(step.because)}</div>' if step.because else ""
        return f"<li><strong>{self.inline(step.title)}</strong> (<code>{self.escape(step.id)}</code>){body}{because}</li>"

    def steps(self, steps: list[S.Step]) -> str:
        return '<ol class="steps">\n' + "\n".join(self.step(i, s) for i, s in enumerate(steps, 1)) + "\n</ol>"

    def table(self, table: S.Table) -> str:
        head = "".join(f"<th>{self.escape(c)}</th>" for c in table.columns)
        rows = "".join("<tr>" + "".join(f"<td>{self.escape(c)}</td>" for c in r) + "</tr>\n" for r in table.rows)
        caption = f"<caption>{self.escape(table.title)}</caption>" if table.title else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody></table>"

    def given_cell(self, m: S.Mark) -> str:
        if m.given is None:
            return "—"
        if isinstance(m.given, str):
            return self.value(m.given)
        return self.formulas.keep(mathml.math(mathml.inner(self.tex.given_cell(m))))

    def _latex_values(self) -> bool:
        return True  # wrong entries are boxed inside the MathML of ``given_cell``

    def _print_Sheet(self, sheet: S.Sheet) -> list[str]:
        blocks = super()._print_Sheet(sheet)
        key = self.heading("Answer key", 1)
        if key in blocks:  # the answer key: a section of its own after all the exercises
            start = blocks.index(key)
            blocks = blocks[:start] + ['<section class="key">'] + blocks[start:] + ["</section>"]
        return blocks
