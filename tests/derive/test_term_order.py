"""derive.printing.term_order: the printers' order of a sum's terms equals SymPy's own
``Expr.as_ordered_terms`` (the independent path), and never integrates an undefined function."""

from __future__ import annotations

import pytest
import sympy as sp

import derive
from derive.printing import math as printing_math
from derive.printing.term_order import ordered_terms
from derive.registry import all_topics

x, y, t = sp.symbols("x y t", real=True)
f, g = sp.Function("f"), sp.Function("g")
ORDERS = (None, "lex", "rev-lex", "grlex")


def _sums(expr):
    """Every Add inside ``expr`` (a SymPy expression or matrix; strings and numbers have none)."""
    if not isinstance(expr, sp.Basic):
        return []
    return [a for a in sp.preorder_traversal(expr) if isinstance(a, sp.Add)]


def _derivation_sums(topic):
    d = derive.derive(topic)
    exprs = [s.formula for s in d.steps] + [s.lhs for s in d.steps] + [r.expr for r in d.results.values()]
    return list(dict.fromkeys(a for e in exprs for a in _sums(e)))


@pytest.mark.parametrize("topic", sorted(all_topics()))
def test_every_sum_of_every_topic_in_sympys_order(topic):
    sums = _derivation_sums(topic)
    for a in sums:
        for order in ORDERS:
            assert ordered_terms(a, order) == a.as_ordered_terms(order=order), (topic, a, order)


HAND_MADE = [
    1 - 2 * x,  # the special case: positive number first
    sp.pi - 3 * x, -1 + 2 * x, sp.sqrt(2) * x + sp.pi * y + sp.E,
    sp.I * x + 2 * y - sp.I, sp.log(2) * sp.Integral(f(x), (x, -sp.oo, sp.oo)) - x ** 2 + sp.exp(y),
    -sp.log(4) + sp.Integral(f(x) * sp.log(f(x) / g(x)), (x, -sp.oo, sp.oo)) + sp.Integral(g(x), (x, 0, 1)),
    sp.Integral(x ** 2, (x, 0, 1)) * y + 3 * x,  # an integral that does evaluate: its value orders the term
    f(2) + f(1) + 2 * g(3) * x, x ** 2 * y + x * y ** 2 + x ** 3 + y,
    x + sp.O(x ** 3) + x ** 2, sp.Symbol("A", commutative=False) * x + sp.Symbol("B", commutative=False) + 1,
]


@pytest.mark.parametrize("expr", HAND_MADE, ids=range(len(HAND_MADE)))
@pytest.mark.parametrize("order", ORDERS)
def test_hand_made_sums_in_sympys_order(expr, order):
    assert ordered_terms(expr, order) == expr.as_ordered_terms(order=order)


class Integrated(AssertionError):
    pass


def test_no_quadrature_while_printing(monkeypatch):
    """The reason for the module: SymPy's own ordering integrates ∫ p_data numerically (and fails);
    ours never does. The stand-in for SymPy's quadrature raises, so the first assertion shows the
    probe works and the second that the printers do not reach it."""
    import sympy.core.evalf as evalf

    def integrate(*args, **kwargs):
        raise Integrated

    monkeypatch.setattr(evalf, "do_integral", integrate)
    gan_sum = -sp.log(2) * sp.Integral(f(x), (x, -sp.oo, sp.oo)) + sp.Integral(f(x) * sp.log(f(x) / g(x)), (x, -sp.oo, sp.oo))
    with pytest.raises(Integrated):
        gan_sum.as_ordered_terms()
    assert printing_math.to_text(gan_sum) and printing_math.to_latex(gan_sum)
    assert sorted(map(str, ordered_terms(gan_sum))) == sorted(map(str, gan_sum.args))
