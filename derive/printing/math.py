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
from sympy.printing.printer import Printer
from sympy.printing.str import StrPrinter

from derive.printing.term_order import ordered_terms
from derive.printing.values import (  # noqa: F401  (re-exported: the printers' one import)
    ACCENTS, DIGITS, SUBSCRIPTS, SUPERSCRIPTS, TEXT_SPECIALS, UNICODE_LATEX, as_plain, latex_escape, latex_writable,
    math_text, number_text, shape_latex, shape_text, to_sympy_string, value_latex, value_text,
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


def printed_order(printer: Any, expr: Any, order: Any = None) -> list[Any]:
    """The terms of the sum ``expr`` in ``printer``'s order: SymPy's, through
    :func:`~derive.printing.term_order.ordered_terms` (no quadrature of undefined functions)."""
    order = order or printer.order
    if order in ("old", "none"):
        return Printer._as_ordered_terms(printer, expr, order=order)
    return ordered_terms(expr, order)


def signs_last(terms: list[Any]) -> list[Any]:
    """The terms of a sum with the subtracted ones after the added ones (stable): ``x − μ``,
    ``μ² + σ² − ln(σ²) − 1``, as a person writes a sum, never ``-μ + x``."""
    minus = [t.could_extract_minus_sign() for t in terms]
    if not any(minus) or all(minus):
        return terms
    return [t for t, m in zip(terms, minus) if not m] + [t for t, m in zip(terms, minus) if m]


def half_of_sum(expr: Any) -> tuple[int, Any] | None:
    """(sign, sum) when ``expr`` is ±½·(a sum) (``-(…)/2`` in SymPy's form), with the sign moved
    into the sum when at least half of its terms are subtracted (a sum written in a chosen order,
    such as the course's −½(1 + log σ² − μ² − σ²), is kept); None otherwise."""
    coeff, rest = expr.as_coeff_Mul()
    if abs(coeff) != sp.Rational(1, 2) or not isinstance(rest, sp.Add):
        return None
    sign = 1 if coeff > 0 else -1
    negative = sum(t.could_extract_minus_sign() for t in rest.args)
    if sign < 0 and 2 * negative >= len(rest.args) and type(rest) is sp.Add:
        return 1, sp.Add(*[-t for t in rest.args], evaluate=False)
    return sign, rest


def _integral_limits(limit: tuple[Any, ...], printer: Any, text: bool) -> tuple[str, str]:
    """(the ∫ with its bounds, the d-variable) of one limit of an Integral."""
    var = printer._print(limit[0])
    if len(limit) == 3:
        lo, hi = (printer._print(b) for b in limit[1:])
        return (f"∫_{{{lo}}}^{{{hi}}}" if text else rf"\int_{{{lo}}}^{{{hi}}}"), var
    return ("∫" if text else r"\int"), var


def _derivative_parts(expr: sp.Derivative, printer: Any, partial: str) -> tuple[str, str]:
    """(∂ⁿ, ∂x∂y² …) of a derivative: repeated variables become powers, as written by hand."""
    total = sum(int(n) for _, n in expr.variable_count)
    if partial == "∂":
        power = lambda n: str(n).translate(SUPERSCRIPT) if n > 1 else ""  # noqa: E731
        num = "∂" + power(total)
        den = "".join(f"∂{printer._print(v)}{power(int(n))}" for v, n in expr.variable_count)
    else:
        power = lambda n: f"^{{{n}}}" if n > 1 else ""  # noqa: E731
        num = partial + power(total)
        den = " ".join(rf"{partial} {printer._print(v)}{power(int(n))}" for v, n in expr.variable_count)
    return num, den


class UnicodeTextPrinter(StrPrinter):
    """One-line Unicode printer used by the text, rich and markdown-fallback formats."""

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return _greek(expr.name)

    _print_Dummy = _print_Symbol

    def _print_MatrixSymbol(self, expr: Any) -> str:
        return _greek(str(expr.name))

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        return signs_last(printed_order(self, expr, order))

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base, exp = expr.as_base_exp()
        if exp == sp.Rational(1, 2):
            inner = self._print(base)
            return f"√{inner}" if base.is_Atom else f"√({inner})"
        if exp == -sp.Rational(1, 2):
            inner = self._print(base)
            return f"1/√{inner}" if base.is_Atom else f"1/√({inner})"
        if exp == -1:
            return f"1/{self.parenthesize(base, 60)}"
        if exp.is_Integer and 1 < int(exp) < 10:
            return self.parenthesize(base, 60) + str(int(exp)).translate(SUPERSCRIPT)
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_Mul(self, expr: sp.Mul) -> str:
        half = half_of_sum(expr) if type(expr) is sp.Mul else None
        if half is not None:
            return ("-" if half[0] < 0 else "") + f"½·({self._print(half[1])})"
        return re.sub(r"(?<!\*)\*(?!\*)", "·", super()._print_Mul(expr))

    def _print_Integral(self, expr: Any) -> str:
        heads, dvars = zip(*(_integral_limits(lim, self, True) for lim in reversed(expr.limits)))
        body = self.parenthesize(expr.function, 45) if isinstance(expr.function, sp.Add) else self._print(expr.function)
        return " ".join(heads) + f" {body} " + " ".join(f"d{v}" for v in reversed(dvars))

    def _print_Sum(self, expr: Any) -> str:
        heads = []
        for var, lo, hi in expr.limits:
            heads.append(f"Σ_{{{self._print(var)}={self._print(lo)}}}^{{{self._print(hi)}}}")
        body = self._print(expr.function)
        return " ".join(heads) + (f" ({body})" if isinstance(expr.function, sp.Add) else f" {body}")

    def _print_KroneckerDelta(self, expr: Any) -> str:
        i, j = (self._print(a) for a in expr.args)
        return f"δ_{i}{j}" if len(i) == len(j) == 1 else f"δ_{{{i},{j}}}"

    def _print_Pi(self, expr: Any) -> str:
        return "π"

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Infinity(self, expr: Any) -> str:
        return "∞"

    def _print_NegativeInfinity(self, expr: Any) -> str:
        return "−∞"

    def _print_ComplexInfinity(self, expr: Any) -> str:
        return "∞ (complex)"

    def _print_Abs(self, expr: Any) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Max(self, expr: Any) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr: Any) -> str:
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_MatrixBase(self, expr: Any) -> str:
        rows = ["[" + ", ".join(self._print(e) for e in expr.row(i)) + "]" for i in range(expr.rows)]
        return "[" + ", ".join(rows) + "]"

    _print_ImmutableDenseMatrix = _print_MutableDenseMatrix = _print_MatrixBase

    def _print_Piecewise(self, expr: Any) -> str:
        parts = []
        for value, cond in expr.args:
            parts.append(self._print(value) + (" otherwise" if cond is sp.true else f" if {self._print(cond)}"))
        return "{" + "; ".join(parts) + "}"

    def _print_Relational(self, expr: Any) -> str:
        return super()._print_Relational(expr).replace("<=", "≤").replace(">=", "≥").replace("!=", "≠")

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        num, den = _derivative_parts(expr, self, "∂")
        return f"{num}{self._print(expr.expr)}/{den}"

    def _print_Function(self, expr: Any) -> str:
        name = FUNCTION_TEXT.get(expr.func.__name__) or _greek(expr.func.__name__)
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
    r"""SymPy's LaTeX printer with the course's notation: ∂²f/∂y², sums with the subtracted
    terms last, ±½(…), and names of several letters upright (``\mathrm{out}_{o1}``,
    ``E_{\mathrm{total}}``, ``\mathrm{logvar}``), never a product of italic letters."""

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list[Any]:
        return signs_last(printed_order(self, expr, order))

    def _split_super_sub(self, name: str) -> tuple[str, list[str], list[str]]:
        head, supers, subs = super()._split_super_sub(name)
        if head and "{" not in name and head.isalpha() and len(head) > 1:
            head = rf"\mathrm{{{head}}}"
        subs = [rf"\mathrm{{{s}}}" if re.fullmatch(r"[A-Za-z]{3,}\d*", s) else s for s in subs]
        return head, supers, subs

    def _print_Mul(self, expr: Any) -> str:
        half = half_of_sum(expr) if type(expr) is sp.Mul else None
        if half is not None:
            return ("-" if half[0] < 0 else "") + rf"\frac{{1}}{{2}}\left({self._print(half[1])}\right)"
        return super()._print_Mul(expr)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        num, den = _derivative_parts(expr, self, r"\partial")
        return rf"\frac{{{num} {self._print(expr.expr)}}}{{{den}}}"

    def _print_KroneckerDelta(self, expr: Any, exp: Any = None) -> str:
        i, j = (self._print(a) for a in expr.args)
        out = rf"\delta_{{{i}{j}}}" if len(i) == len(j) == 1 else rf"\delta_{{{i},{j}}}"
        return f"{out}^{{{exp}}}" if exp else out

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
        return math_text(expr)
    return _LATEX.doprint(expr)
