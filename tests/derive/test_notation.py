"""Derivations and worked solutions read like a textbook: no SymPy internals on screen.

Every topic (every option combination of ``tests/rendered_documents.TOPIC_OPTIONS``, symbolic and
with numbers) and every problem type (every variant) is rendered in text, rich (no colour) and
Markdown; no SymPy class name or token may appear: ``Integral(``, ``Sum(``, ``KroneckerDelta``,
``oo``, ``pi`` as a word, ``sqrt(``, ``∂f/∂y∂y`` … The printers' individual forms are checked on
expressions built here (∫, Σ, δ_ij, ∂², π, ±½(…), signs).
"""

from __future__ import annotations

import re

import pytest
import sympy as sp

from derive.printing.math import to_latex, to_text
from tests.rendered_documents import HUMAN_FORMATS, case_id, output, topic_cases, type_cases

SYMPY_TOKENS = [
    r"\bIntegral\(", r"\bSum\(", r"\bProduct\(", r"KroneckerDelta", r"\bDerivative\(", r"\bPiecewise\(",
    r"\bHeaviside\(", r"\bMax\(", r"\bMin\(", r"\bAbs\(", r"(?<![\\\w])oo\b", r"\bzoo\b", r"(?<![\\\w])pi\b",
    r"\bsqrt\(", r"\bExpr\(", r"\bSymbol\(", r"\bMatrixSymbol\(", r"\bLambda\(", r"\bDummy\(", r"\bFunction\(",
    r"\bUnevaluatedExpr", r"\bexp_polar", r"\bHadamardProduct\(", r"\bMatMul\(", r"\bTranspose\(", r"\bNaN\b",
    r"\bnan\b", r"\bEq\(", r"\bAnd\(", r"∂\w+/∂(\w+)∂\1\b", r"\*\*", r"\bI\*", r"\bE\*\*",
]
BAD = re.compile("|".join(SYMPY_TOKENS))
CASES = topic_cases() + type_cases()


@pytest.mark.parametrize("fmt", HUMAN_FORMATS)
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_no_sympy_internals_on_screen(case, fmt):
    text = output(case, fmt)
    if fmt == "markdown":  # code spans hold step ids such as `kl.dmu`, ** is bold: neither is mathematics
        text = re.sub(r"`[^`\n]*`", "``", text).replace("**", "")
    found = [(m.group(0), line.strip()[:160]) for line in text.splitlines() for m in BAD.finditer(line)]
    assert not found, found[:5]


x, y, mu, sigma, i, j, n = sp.symbols("x y mu sigma i j n")
f, phi = sp.Function("f"), sp.Function("phi")


@pytest.mark.parametrize("expr, text, latex", [
    (sp.Integral(f(x), (x, -sp.oo, sp.oo)), "∫_{−∞}^{∞} f(x) dx", r"\int"),
    (sp.Sum(sp.exp(sp.Symbol("z_j")), (j, 1, n)), "Σ_{j=1}^{n} exp(z_j)", r"\sum_{j=1}^{n}"),
    (sp.KroneckerDelta(i, j), "δ_ij", r"\delta_{ij}"),
    (sp.Derivative(f(y), y, 2), "∂²f(y)/∂y²", r"\partial y^{2}"),
    (sp.Derivative(f(x, y), x, y), "∂²f(x, y)/∂x∂y", r"\partial x \partial y"),
    (1 / sp.sqrt(2 * sp.pi), "√2/(2·√π)", r"\sqrt{\pi}"),
    (sp.Max(0, x), "max(0, x)", r"\max"),
    (sp.Abs(x), "|x|", r"\left|"),
    (phi(x), "φ(x)", r"\phi"),
    (sp.exp(-(x - mu) ** 2), "exp(-(x - μ)²)", r"\left(x - \mu\right)"),
    (sp.Mul(-sp.Rational(1, 2), sp.Add(-mu ** 2, -sigma ** 2, sp.log(sigma ** 2, evaluate=False), 1, evaluate=False),
            evaluate=False), "½·(μ² + σ² - ln(σ²) - 1)",  # -(-μ² - σ² + ln(σ²) + 1)/2: no double negative
     r"\frac{1}{2}\left(\mu^{2} + \sigma^{2}"),
    (sp.Symbol("out_o1") + sp.Symbol("logvar") + sp.Symbol("E_total"), None, r"\mathrm{out}_{o1}"),
    (sp.Symbol("logvar"), "logvar", r"\mathrm{logvar}"),
    (sp.Symbol("E_total"), "E_total", r"E_{\mathrm{total}}"),
])
def test_printer_writes_textbook_forms(expr, text, latex):
    if text is not None:
        assert to_text(expr) == text
    assert latex in to_latex(expr)


def test_course_form_of_the_vae_kl_keeps_the_course_order():
    from derive.analytic.vae import closed_form, course_form
    assert to_text(course_form()) == "-½·(1 + ln(σ²) - μ² - σ²)"
    assert to_text(closed_form()) == "½·(μ² + σ² - ln(σ²) - 1)"
    # the forms are still the same number as the KL's closed form
    m, s = sp.Symbol("mu", real=True), sp.Symbol("sigma", positive=True)
    kl = (m ** 2 + s ** 2 - 2 * sp.log(s) - 1) / 2
    for form in (course_form(), closed_form()):
        assert float((form.doit() - kl).subs({m: 0.3, s: 1.7})) == pytest.approx(0, abs=1e-12)
