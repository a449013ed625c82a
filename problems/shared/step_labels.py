"""A step's left-hand side: plain in text output, ``\\mathrm{…}`` (or given LaTeX) in LaTeX/Markdown."""

from __future__ import annotations

from typing import Any


class Label:
    """Left-hand side of a step: ``text`` in plain output, ``latex`` in LaTeX/Markdown math."""

    def __init__(self, text: str, latex: str | None = None):
        self.text, self.latex = text, latex if latex is not None else rf"\mathrm{{{text}}}"

    def formula_text(self) -> str:
        """The plain text, as derive.printing writes it (without loading SymPy's printers)."""
        return self.text

    def formula_latex(self) -> str:
        """The LaTeX, as derive.printing writes it (without loading SymPy's printers)."""
        return self.latex

    def _sympystr(self, printer: Any) -> str:
        return self.text

    def _latex(self, printer: Any) -> str:
        return self.latex

    def __repr__(self) -> str:
        return self.text
