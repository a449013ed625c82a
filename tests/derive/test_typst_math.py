"""The LaTeX → Typst math rewriting (``derive.printing.typst_math``) on what SymPy's printer
writes: every expression compiles with the real Typst compiler and the PDF holds its numbers
and names (read back with pypdf), and the structures come out as Typst's own."""

from __future__ import annotations

import io

import pytest
import sympy as sp

from derive.printing.math import to_latex
from derive.printing.typst_math import convert

typst = pytest.importorskip("typst")
pypdf = pytest.importorskip("pypdf")

x, y = sp.symbols("x y")
n = sp.Symbol("n", integer=True)
W, X, A = sp.MatrixSymbol("W", 2, 3), sp.MatrixSymbol("X", 3, 1), sp.MatrixSymbol("A", 2, 2)
EXPRESSIONS = [
    sp.Abs(x), sp.floor(x / y), sp.Max(x, y, 0), sp.Piecewise((x, x > 0), (0, True)), sp.Sum(x**n, (n, 1, 10)),
    sp.Integral(sp.exp(-x**2), (x, -sp.oo, sp.oo)), sp.Derivative(sp.Function("f")(x, y), x, 2),
    sp.Matrix([[1, x], [y**2, sp.Rational(1, 3)]]), sp.sqrt(x + 1), sp.root(x, 3), sp.factorial(n), sp.binomial(n, 2),
    sp.Heaviside(x), sp.atan2(y, x), W * X, W.T, sp.HadamardProduct(W, W), sp.Inverse(A), sp.Trace(A), sp.Eq(x, y),
    sp.And(x > 0, y < 1), sp.Symbol("W_{hy,new}"), sp.Symbol("a#b"), sp.Symbol("theta_{i,j}"), sp.Float(1.5e-12) * x,
    sp.log(x, 2), sp.Mod(n, 3), sp.KroneckerDelta(n, 1), sp.Subs(sp.Function("f")(x), x, 0), sp.Limit(sp.sin(x) / x, x, 0),
    sp.Product(n, (n, 1, 5)), sp.Symbol("d\"q"), sp.FiniteSet(7, 8), sp.Interval(0, 1),
]


def typeset(math: str) -> str:
    pdf = typst.compile(f"$ {math} $".encode("utf-8"))
    return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("expr", EXPRESSIONS, ids=lambda e: sp.srepr(e)[:40])
def test_sympys_latex_becomes_typst_that_compiles_and_keeps_its_numbers(expr):
    text = typeset(convert(to_latex(expr)))
    digits = [c for c in to_latex(expr) if c.isdigit()]
    assert all(d in text for d in digits), (to_latex(expr), text)


def test_structures_are_typsts_own():
    assert convert(r"\frac{\partial L}{\partial W_{f}}") == "frac(∂ L, ∂ W_(f))"
    assert convert(r"\begin{bmatrix} 1 & -2 \\ x & 4 \end{bmatrix}") == 'mat(delim: "[", 1, - 2; x, 4)'
    assert convert(r"\left(a, b\right)") == r"lr(( a \, b ))"  # a comma inside is a character, not an argument
    assert convert(r"\text{max\_j a\_j}") == '"max_j a_j"' and convert(r"\unknown x") == '"unknown" x'
    assert convert("hx_{1}^{T}") == "h x_(1)^(T)"  # letters stand apart: no variable named hx
