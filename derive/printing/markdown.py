"""Markdown printer: headings, ``$…$`` LaTeX formulas, pipe tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derive.printing.base import LatexMathPrinter

if TYPE_CHECKING:  # annotations only: printers dispatch on the class name, so documents may import printers
    from derive import steps as S


class MarkdownPrinter(LatexMathPrinter):
    """Markdown with inline LaTeX math, suitable for a practice sheet or notes."""

    def heading(self, text: str, level: int = 1) -> str:
        return "#" * level + " " + text

    def equation(self, lhs: Any, formula: Any, value: Any, shape: Any = None, factors: Any = None) -> str:
        body = super().equation(lhs, formula, value, shape, factors)
        return f"${body}$" if body else ""

    def step(self, number: int, step: S.Step) -> str:
        body = self.equation(step.lhs, step.formula, step.value, step.shape, step.factors)
        text = f"{number}. **{step.title}** (`{step.id}`)" + (f": {body}" if body else "")
        return text + (f"  \n   *because* {step.because}" if step.because else "")

    def code(self, text: str) -> str:
        return "`" + text.replace("`", "'") + "`"

    def table(self, table: S.Table) -> str:
        cell = lambda c: str(c).replace("|", r"\|")  # noqa: E731
        rows = [f"| {' | '.join(cell(c) for c in table.columns)} |", "|" + "---|" * len(table.columns)]
        rows += [f"| {' | '.join(self._cell(c) for c in r)} |" for r in table.rows]
        return (f"**{table.title}**\n\n" if table.title else "") + "\n".join(rows)

    def _cell(self, c: Any) -> str:
        """A table cell: LaTeX (a formula or value the printer wrote) in ``$…$`` with ``|`` as
        ``\\vert``; prose (symbol meanings, titles) as text with ``|`` escaped for the table."""
        text = str(c)
        if "\\" in text and not text.startswith("$"):
            return "$" + text.replace("|", r"\vert ") + "$"
        return text.replace("|", r"\|")
