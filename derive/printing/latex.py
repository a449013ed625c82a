"""LaTeX printer: a complete, compilable article (amsmath, amssymb, booktabs-free tables)."""

from __future__ import annotations

from typing import Any

from derive import steps as S
from derive.printing.base import LatexMathPrinter
from derive.printing.math import latex_escape

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{amsmath,amssymb}
\usepackage[margin=2cm]{geometry}
\allowdisplaybreaks
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
        return latex_escape(text)

    def bullet(self, items: list[str]) -> str:
        return "\\begin{itemize}\n" + "\n".join(f"\\item {latex_escape(i)}" for i in items) + "\n\\end{itemize}"

    def step(self, number: int, step: S.Step) -> str:
        body = self.equation(step.lhs, step.formula, step.value, step.shape, step.factors)
        out = f"\\noindent\\textbf{{{number}. {latex_escape(step.title)}}} (\\texttt{{{latex_escape(step.id)}}})"
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
