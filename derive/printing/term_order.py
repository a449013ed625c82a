"""The terms of a sum in SymPy's printing order, without numerical quadrature.

SymPy's printers order the terms of an ``Add`` with ``Expr.as_ordered_terms``, whose
``as_terms`` tries ``complex(factor)`` on every factor that ``is_number``. A definite integral of
an undefined function, ∫ p_data(x) dx over ℝ, has no free symbols, so it "is a number", and
``complex`` runs mpmath's quadrature on it before failing: in ``derive gan`` that was two thirds of
the text printer's time (about 80 ms of a cold run). A factor containing an undefined function
applied to something (``AppliedUndef``) cannot evaluate to a number, so :func:`ordered_terms`
skips that attempt and otherwise follows ``Expr.as_ordered_terms`` / ``as_terms`` of SymPy 1.14
line by line (BSD licence), giving the same order; ``tests/derive/test_term_order.py`` checks it
against SymPy's own function on every sum of every topic.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.core.exprtools import decompose_power
from sympy.core.function import AppliedUndef
from sympy.core.numbers import Number, NumberSymbol

Term = tuple[Any, tuple[tuple[float, float], tuple[Any, ...], tuple[Any, ...]]]


def _as_complex(factor: Any) -> complex | None:
    """complex(factor) when it is a number SymPy can evaluate; None otherwise (undefined functions
    are never evaluated)."""
    if factor.has(AppliedUndef):
        return None
    try:
        return complex(factor)
    except (TypeError, ValueError):
        return None


def as_terms(expr: Any) -> tuple[list[Term], list[Any]]:
    """``Expr.as_terms``: each term of the sum with (its numeric coefficient as (re, im), the
    exponents of the generators, its noncommutative factors), and the sorted generators."""
    gens: set[Any] = set()
    terms = []
    for term in sp.Add.make_args(expr):
        coeff_part, rest = term.as_coeff_Mul()
        coeff = complex(coeff_part)
        cpart: dict[Any, Any] = {}
        ncpart = []
        if rest is not sp.S.One:
            for factor in sp.Mul.make_args(rest):
                if factor.is_number:
                    value = _as_complex(factor)
                    if value is not None:
                        coeff *= value
                        continue
                if factor.is_commutative:
                    base, exp = decompose_power(factor)
                    cpart[base] = exp
                    gens.add(base)
                else:
                    ncpart.append(factor)
        terms.append((term, ((coeff.real, coeff.imag), cpart, tuple(ncpart))))
    ordered_gens = sorted(gens, key=sp.default_sort_key)
    index = {g: i for i, g in enumerate(ordered_gens)}
    result = []
    for term, (coeff2, cpart, ncpart) in terms:
        monom = [0] * len(ordered_gens)
        for base, exp in cpart.items():
            monom[index[base]] = exp
        result.append((term, (coeff2, tuple(monom), ncpart)))
    return result, ordered_gens


def ordered_terms(expr: Any, order: Any = None) -> list[Any]:
    """``expr.as_ordered_terms(order)``: the terms of the sum ``expr`` in SymPy's printing order
    (lex by default), computed without evaluating integrals of undefined functions."""
    if order is None and expr.is_Add:
        def not_number(t: Any) -> bool:
            return not isinstance(t, (Number, NumberSymbol))
        add_args = sorted(sp.Add.make_args(expr), key=not_number)
        if len(add_args) == 2 and isinstance(add_args[0], (Number, NumberSymbol)) and isinstance(add_args[1], sp.Mul):
            mul_args = sorted(sp.Mul.make_args(add_args[1]), key=not_number)
            if (len(mul_args) == 2 and isinstance(mul_args[0], Number)
                    and add_args[0].is_positive and mul_args[0].is_negative):
                return add_args
    key, reverse = expr._parse_order(order)
    terms, _ = as_terms(expr)
    if not any(term.is_Order for term, _ in terms):
        ordered = sorted(terms, key=key, reverse=reverse)
    else:
        ordered = (sorted([t for t in terms if not t[0].is_Order], key=key, reverse=True)
                   + sorted([t for t in terms if t[0].is_Order], key=key, reverse=True))
    return [term for term, _ in ordered]
