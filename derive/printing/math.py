"""How one formula or one value is written in each format.

Values (numbers, vectors, matrices) are written by ``derive.printing.values``, which needs no
SymPy; the names are re-exported here. ``to_text`` prints a SymPy expression on one line with Unicode (σ, ⊙, ᵀ, ², ∂E/∂w₅);
``to_latex`` uses SymPy's LaTeX printer with the course's notation (⊙ as ``\\odot``,
∂ fractions); ``to_sympy_string`` gives a string that ``sympy.parse_expr`` turns back into the
same expression (our own output only). ``value_text`` / ``value_latex`` format numbers,
vectors, matrices and strings deterministically.
"""

from __future__ import annotations

import math
import re
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from derive.printing.values import (  # noqa: F401  (re-exported: the printers' one import)
    ACCENTS, DIGITS, SUBSCRIPTS, SUPERSCRIPTS, TEXT_SPECIALS, UNICODE_LATEX, as_plain, latex_escape, latex_writable,
    number_text, shape_latex, shape_text, to_sympy_string, value_latex, value_text,
)

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "lamda": "λ", "mu": "μ", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "phi": "φ", "omega": "ω", "Delta": "Δ", "Sigma": "Σ", "beta1": "β₁",
    "beta2": "β₂",
}
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
FUNCTION_TEXT = {"sigmoid": "σ", "sigmoid_prime": "σ′", "Heaviside": "H", "log": "ln"}


def _greek(name: str) -> str:
    """Replace a leading Greek word in a symbol name (``eta`` → η, ``delta_o1`` → δ_o1)."""
    head, sep, tail = name.partition("_")
    if head in GREEK:
        return GREEK[head] + sep + tail
    return name


class UnicodeTextPrinter(StrPrinter):
    """One-line Unicode printer used by the text, rich and markdown-fallback formats."""

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return _greek(expr.name)

    _print_Dummy = _print_Symbol

    def _print_MatrixSymbol(self, expr: Any) -> str:
        return _greek(str(expr.name))

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exp = expr.as_base_exp()
        if exp == sp.Rational(1, 2):
            return f"√({self._print(base)})"
        if exp == -1:
            return f"1/{self.parenthesize(base, 60)}"
        if exp.is_Integer and 1 < int(exp) < 10:
            return self.parenthesize(base, 60) + str(int(exp)).translate(SUPERSCRIPT)
        return super()._print_Pow(expr, rational)

    def _print_Mul(self, expr: sp.Mul) -> str:
        return re.sub(r"(?<!\*)\*(?!\*)", "·", super()._print_Mul(expr))

    def _print_MatrixBase(self, expr: Any) -> str:
        rows = ["[" + ", ".join(self._print(e) for e in expr.row(i)) + "]" for i in range(expr.rows)]
        return "[" + ", ".join(rows) + "]"

    _print_ImmutableDenseMatrix = _print_MutableDenseMatrix = _print_MatrixBase

    def _print_Piecewise(self, expr: Any) -> str:
        parts = []
        for value, cond in expr.args:
            parts.append(self._print(value) + ("" if cond is sp.true else f" if {self._print(cond)}"))
        return "{" + "; ".join(parts) + "}"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        var = "".join(f"∂{self._print(v)}" for v, n in expr.variable_count for _ in range(n))
        return f"∂{self._print(expr.expr)}/{var}"

    def _print_Function(self, expr: Any) -> str:
        name = FUNCTION_TEXT.get(expr.func.__name__, expr.func.__name__)
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    def _print_exp(self, expr: Any) -> str:
        return f"exp({self._print(expr.args[0])})"

    def _print_Transpose(self, expr: Any) -> str:
        return self.parenthesize(expr.arg, 60) + "ᵀ"

    def _print_HadamardProduct(self, expr: Any) -> str:
        return " ⊙ ".join(self.parenthesize(a, 45) for a in expr.args)

    def _print_MatMul(self, expr: Any) -> str:
        return " ".join(self.parenthesize(a, 45) for a in expr.args).replace("*", "·")

    def _print_Heaviside(self, expr: Any) -> str:
        return f"H({self._print(expr.args[0])})"

    def _print_Float(self, expr: sp.Float) -> str:
        return number_text(float(expr))


class CourseLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the course's notation."""

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        den = " ".join(rf"\partial {self._print(v)}" for v, n in expr.variable_count for _ in range(n))
        return rf"\frac{{\partial {self._print(expr.expr)}}}{{{den}}}"

    def _print_HadamardProduct(self, expr: Any) -> str:
        return r" \odot ".join(self.parenthesize(a, 45) for a in expr.args)

    def _print_Float(self, expr: sp.Float) -> str:
        return number_text(float(expr))


_TEXT = UnicodeTextPrinter()
_LATEX = CourseLatexPrinter()


def to_text(expr: Any) -> str:
    """One-line Unicode text of a SymPy expression (strings pass through unchanged)."""
    if expr is None:
        return ""
    if isinstance(expr, str):
        return expr
    return _TEXT.doprint(expr)


def to_latex(expr: Any) -> str:
    """LaTeX of a SymPy expression in the course's notation (strings become ``\\text{}``)."""
    if expr is None:
        return ""
    if isinstance(expr, str):
        return r"\text{" + latex_escape(expr) + "}"
    return _LATEX.doprint(expr)
