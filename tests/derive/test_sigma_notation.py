"""σ(z), the course's notation for the sigmoid, in hand derivations and ``check diff``: read as
sigmoid(z) (and said so), unless σ is one of the formula's variables (a Gaussian's σ), where
σ(…) stays the product σ·(…)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from derive.check_diff import check_derivative
from derive.derivation_check import check_text
from derive.parse import read_formula
from derive.scalar_functions import sigmoid

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "derivations"
WITH_SIGMOID = sorted(p for p in EXAMPLES.glob("*.txt")
                      if any("sigmoid(" in line for line in p.read_text(encoding="utf-8").splitlines() if not line.startswith("#")))


def _as_sigma(text: str) -> str:
    """The same derivation with every sigmoid(…) outside comments written σ(…)."""
    return "\n".join(line if line.lstrip().startswith("#") else re.sub(r"\bsigmoid\(", "σ(", line)
                     for line in text.splitlines()) + "\n"


def _symbols(expr, names: str) -> list:
    """The symbols of ``expr`` named ``names`` (the parser decides their assumptions)."""
    found = {str(v): v for v in expr.free_symbols}
    return [found[n] for n in names.split()]


def test_there_are_examples_to_rewrite():
    assert len(WITH_SIGMOID) >= 4


@pytest.mark.parametrize("path", WITH_SIGMOID, ids=lambda p: p.stem)
def test_a_derivation_written_with_sigma_gets_the_verdicts_of_the_one_written_with_sigmoid(path):
    text = path.read_text(encoding="utf-8")
    plain, greek = check_text(text, path.name), check_text(_as_sigma(text), path.name)
    assert "σ(" in _as_sigma(text)
    assert greek.verdict == plain.verdict and greek.first_wrong == plain.first_wrong
    assert [(a.line, a.status, a.slip) for a in greek.lines] == [(b.line, b.status, b.slip) for b in plain.lines]


def test_the_reading_is_said():
    formula = read_formula("σ(w*x + b)")
    w, x, b = _symbols(formula.expr, "w x b")
    assert formula.expr == sigmoid(w * x + b)
    assert any("read as sigmoid(w*x + b)" in note for note in formula.notes)


@pytest.mark.parametrize("declared", [dict(symbols={"σ", "x"}), dict(variables={"σ"})])
def test_a_declared_sigma_before_brackets_is_a_product(declared):
    formula = read_formula("σ(x + 1)", **declared)
    s, x = _symbols(formula.expr, "σ x")
    assert formula.expr == s * (x + 1)


def test_sigma_used_as_a_variable_elsewhere_is_a_product():
    expr = read_formula("σ**2 + σ(x)").expr
    s, x = _symbols(expr, "σ x")
    assert expr == s ** 2 + s * x


def test_check_diff_with_sigma_agrees_with_central_differences():
    report = check_derivative("σ(w*x)", "w", "x*σ(w*x)*(1-σ(w*x))")
    assert report.verdict == "equivalent"
    wrong = check_derivative("σ(w*x)", "w", "σ(w*x)*(1-σ(w*x))")
    assert wrong.verdict == "not-equivalent"
    # the accepted answer is the derivative of 1/(1 + e^(−wx)) by an independent path
    f = lambda w, x: 1 / (1 + math.exp(-w * x))  # noqa: E731
    answer = lambda w, x: x * f(w, x) * (1 - f(w, x))  # noqa: E731
    for w, x in ((0.3, -1.2), (-2.0, 0.7), (1.1, 2.5)):
        h = 1e-6
        assert abs((f(w + h, x) - f(w - h, x)) / (2 * h) - answer(w, x)) < 1e-8
