"""LaTeX printer: a complete, compilable article (amsmath, amssymb, booktabs-free tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derive.printing.base import LatexMathPrinter
from derive.printing.statement import Subscripted, is_number, segments
from derive.printing.values import latex_escape

if TYPE_CHECKING:  # annotations only: printers dispatch on the class name, so documents may import printers
    from derive import steps as S

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{amsmath,amssymb}
\usepackage[margin=2cm]{geometry}
\allowdisplaybreaks
\setcounter{MaxMatrixCols}{40}
\begin{document}
"""


class LatexPrinter(LatexMathPrinter):
    """Standalone LaTeX document; formulas in display math, values as bmatrix."""

    def doprint(self, doc: Any) -> str:
        body = super().doprint(doc)
        return PREAMBLE + body + "\\end{document}\n"

    def heading(self, text: str, level: int = 1) -> str:
        cmd = {1: "section*", 2: "subsection*"}.get(level, "paragraph*")
        return f"\\{cmd}{{{latex_escape(text)}}}"

    def para(self, text: str) -> str:
        return self.inline(text)

    def inline(self, text: str) -> str:
        """Plain text with its ``[[…], […]]`` matrices set as bmatrix (statements, conventions)."""
        return "".join(latex_escape(s) if isinstance(s, str) else f"${s.latex()}$" if isinstance(s, Subscripted)
                       else matrix_latex(s) for s in segments(text))

    def bullet(self, items: list[str]) -> str:
        return "\\begin{itemize}\n" + "\n".join(f"\\item {self.inline(i)}" for i in items) + "\n\\end{itemize}"

    def step(self, number: int, step: S.Step) -> str:
        body = self.equation(step.lhs, step.formula, step.value, step.shape, step.factors)
        out = f"\\noindent\\textbf{{{number}. {self.inline(step.title)}}} (\\texttt{{{latex_escape(step.id)}}})"
        if body:
            out += "\n\\begin{equation*}\n" + body + "\n\\end{equation*}"
        if step.because:
            out += "\n\\emph{because} " + latex_escape(step.because) + "\n"
        return out

    def steps(self, steps: list[S.Step]) -> str:
        return "\n\n".join(self.step(i, s) for i, s in enumerate(steps, 1))

    def table(self, table: S.Table) -> str:
        cols = "l" * len(table.columns)
        head = " & ".join(latex_escape(str(c)) for c in table.columns) + r" \\ \hline"
        rows = [" & ".join(self._cell(c) for c in r) + r" \\" for r in table.rows]
        title = f"\\noindent\\textbf{{{latex_escape(table.title)}}}\n\n" if table.title else ""
        return title + "\\begin{tabular}{" + cols + "}\n" + "\n".join([head, *rows]) + "\n\\end{tabular}"

    def _cell(self, c: Any) -> str:
        text = str(c)
        return f"${text}$" if "\\" in text else latex_escape(text)


def matrix_latex(rows: list[list[str]]) -> str:
    """A statement's matrix as inline ``$\\begin{bmatrix}…\\end{bmatrix}$`` (entries as written)."""
    def entry(e: str) -> str:
        if not is_number(e):
            return r"\text{" + latex_escape(e) + "}"
        mantissa, sep, exponent = e.replace("−", "-").lower().partition("e")
        return rf"{mantissa} \cdot 10^{{{int(exponent.replace('+', ''))}}}" if sep else mantissa
    body = r" \\ ".join(" & ".join(entry(e) for e in row) for row in rows)
    return r"$\begin{bmatrix} " + body + r" \end{bmatrix}$"
