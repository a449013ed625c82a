"""Formulas written in each format, with SymPy's printers loaded only for a SymPy expression.

The document printers (``derive.printing.base``, ``json``) write formulas through these, so a
sheet, a check report or a table whose formulas are plain text, or objects that write
themselves (``formula_text()`` / ``formula_latex()``, e.g. a step label), never loads SymPy.
"""

from __future__ import annotations

from typing import Any

from derive.printing.values import math_text


def formula_text(expr: Any) -> str:
    """``derive.printing.math.to_text`` of ``expr``, loading SymPy's printers only for a SymPy
    expression (``None`` is empty, a string passes through)."""
    if expr is None or isinstance(expr, str):
        return "" if expr is None else expr
    if hasattr(expr, "formula_text"):  # an object that writes itself (problems' step labels): no SymPy
        return expr.formula_text()
    from derive.printing.math import to_text
    return to_text(expr)


def formula_latex(expr: Any) -> str:
    """``derive.printing.math.to_latex`` of ``expr``, loading SymPy's printers only for a SymPy
    expression (``None`` is empty, a string becomes ``\\text{…}`` runs with its mathematics between)."""
    if expr is None or isinstance(expr, str):
        return "" if expr is None else math_text(expr)
    if hasattr(expr, "formula_latex"):  # an object that writes itself (problems' step labels): no SymPy
        return expr.formula_latex()
    from derive.printing.math import to_latex
    return to_latex(expr)

