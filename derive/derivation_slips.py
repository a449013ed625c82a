"""Naming the first wrong line of a hand derivation, and saying what a wrong line differs by.

A wrong line is matched against mistaken versions of the line before it, in this order:

1. each ``d/dNAME G`` written on the line before (for the first line, ∂f/∂wrt itself) with G's
   derivative replaced by one of the slips catalogue's wrong derivatives
   (:func:`derive.analytic.slips.named_candidates` and ``power_candidates``: chain factor
   dropped, sign, σ instead of σ′, tanh′ written 1 − tanh, the ½ ignored, wrong power, …);
2. local edits of the line before: a factor dropped (``(1 − σ)`` of σ′ = σ(1 − σ) is "σ instead
   of σ′"), ``tanh²`` written ``tanh``, a power off by one, a term's sign flipped or a term
   dropped, the whole line negated, doubled or halved.

The first mistaken version equal to the wrong line at every sampled point (and different from
the line before) names the slip. :func:`describe` gives "differs by a factor r" or "differs by
the term d" (with defined names folded back in), computed in a bounded child.
"""

from __future__ import annotations

from typing import Any, Iterator

import sympy as sp

from derive.analytic.bounded import bounded
import numpy as np

from derive.derivation_points import close, values
from derive.analytic.slips import named_candidates, power_candidates
from derive.analytic.timeguard import Timeout, time_limit
from derive.derivation_algebra import (
    Definitions, Expectation, NotPolynomial, TooLarge, contains, derivative_nodes, differentiated, evaluate,
)
from derive.printing.math import to_text
from derive.scalar_functions import sigmoid

MAX_CANDIDATES = 120
MAX_DESCRIBED = 30  # tree nodes of a factor or term worth showing


def _derivative_slips(written: Any, definitions: Definitions) -> Iterator[tuple[str, str, Any]]:
    """Mistaken versions of ``written`` with one of its d/dNAME G replaced by a slip of G′."""
    whole = isinstance(written, sp.Derivative)  # ∂f/∂wrt itself: differentiating by another variable is a slip worth naming
    for node in derivative_nodes(written):
        var = node.variables[0]
        inner = definitions.expanded(differentiated(node.expr, definitions), keep=var)
        shown = to_text(node.expr)
        for kind, text, wrong in [*named_candidates(inner, var), *power_candidates(inner, var)]:
            if wrong == 0 or (kind == "wrong-variable" and not whole):  # 0 names nothing; inside a line, by
                continue                                                 # another variable is rarely the slip and costly to try
            yield kind, f"in d/d{var} {shown}: {text}", written.xreplace({node: wrong})


def _is_sigmoid(expr: Any, definitions: Definitions) -> bool:
    return not expr.has(sp.Derivative) and isinstance(definitions.expanded(expr), sigmoid)


def _outside_derivatives(expr: Any) -> Iterator[Any]:
    """The parts of ``expr`` in preorder, without going inside a d/dNAME."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, sp.Derivative):
            stack.extend(reversed(node.args))


def _edits(written: Any, definitions: Definitions) -> Iterator[tuple[str, str, Any]]:
    """Mistaken versions of ``written`` by one local edit (outside its d/dNAME parts)."""
    for node in _outside_derivatives(written):
        if isinstance(node, sp.Mul):
            for factor in node.args:
                if factor.is_number:
                    continue
                rest = node.func(*[a for a in node.args if a is not factor])
                one_minus = sp.expand(1 - factor)
                if _is_sigmoid(one_minus, definitions) and any(a == one_minus for a in node.args):
                    yield ("function-for-derivative", f"σ instead of σ′: the factor {to_text(factor)} of "
                           f"σ′ = σ(1 − σ) was dropped", written.xreplace({node: rest}))
                else:
                    yield "dropped-factor", f"dropped the factor {to_text(factor)}", written.xreplace({node: rest})
        if isinstance(node, sp.Pow) and node.exp.is_number and node.exp not in (0, 1, -1):
            if node.exp == 2 and isinstance(node.base, sp.tanh):
                yield "tanh-prime", "tanh′ written 1 − tanh instead of 1 − tanh²", written.xreplace({node: node.base})
            for n in (node.exp - 1, node.exp + 1):
                yield ("wrong-power", f"wrong power: ({to_text(node.base)})^{n} instead of ({to_text(node.base)})^{node.exp}",
                       written.xreplace({node: node.base ** n}))
        if isinstance(node, sp.Add):
            for term in node.args:
                rest = node.func(*[a for a in node.args if a is not term])
                yield "sign", f"sign error in the term {to_text(term)}", written.xreplace({node: rest - term})
                yield "dropped-term", f"dropped the term {to_text(term)}", written.xreplace({node: rest})
    yield "sign", "sign error: this line is the negative of the line before", -written
    yield "half", "missing ½: this line is twice the line before", 2 * written
    yield "factor-2", "lost a factor 2: this line is half the line before", written / 2


class _Values:
    """Values of mistaken versions of a written line at the sampled points, computed without
    expanding the definitions: each defined name's values are computed once, each d/dNAME once."""

    def __init__(self, definitions: Definitions, variables: list[Any], points: np.ndarray):
        self.definitions, self.variables, self.points = definitions, variables, points
        self.names = {symbol: values(definitions.expanded(symbol), variables, points) for symbol in definitions.raw}
        self.cache: dict[Any, Any] = {}

    def of_written(self, written: Any) -> np.ndarray:
        """The values of ``written`` (a step as written, or a mistaken version of one) at the points."""
        if contains(written, Expectation):  # E(…) needs its argument expanded: the full value
            return values(evaluate(written, self.definitions), self.variables, self.points)
        partial = differentiated(written, self.definitions, self.cache)
        symbols = sorted(partial.free_symbols, key=lambda s: s.name)
        columns = []
        for symbol in symbols:
            if symbol in self.variables:
                columns.append(self.points[:, self.variables.index(symbol)])
            elif symbol in self.names:
                columns.append(self.names[symbol])
            else:  # a name the sampled points do not fix
                return np.full(len(self.points), np.nan)
        return values(partial, symbols, np.column_stack(columns) if columns else np.empty((len(self.points), 0)))


def name_slip(before_written: Any, line_written: Any, definitions: Definitions, rows: list[Any], variables: list[Any],
              seconds: float, at: tuple[Any, Any] | None = None) -> tuple[str, str] | None:
    """(kind, description) of the first catalogued slip that turns the line before into ``line``
    (or whose repair turns ``line`` back into the line before) at every sampled point, or None
    (also when ``seconds`` run out)."""
    if before_written is None or not rows or seconds <= 0.05:
        return None
    points = np.array([p for p, _, _ in rows], dtype=float).reshape(len(rows), len(variables))
    before_values, line_values = np.array([b for _, b, _ in rows]), np.array([v for _, _, v in rows])
    try:
        with time_limit(seconds):
            at_value = evaluate(at[1], definitions) if at is not None else None
            numbers = _Values(definitions, variables, points)
            for tried, (repair, kind, text, candidate) in enumerate(_candidates(before_written, line_written, definitions)):
                if tried >= MAX_CANDIDATES:
                    return None
                if repair:
                    w = numbers.of_written(candidate)
                    target, other = before_values, line_values
                else:
                    w = numbers.of_written(candidate) if at is None else \
                        values(evaluate(candidate, definitions).subs(at[0], at_value), variables, points)
                    target, other = line_values, before_values
                if not np.isnan(w).any() and not close(w, other).all() and close(w, target).all():
                    return kind, text
    except (Timeout, TooLarge, NotPolynomial, SyntaxError, RecursionError, MemoryError, ArithmeticError, ValueError, TypeError):
        return None
    return None


def _candidates(written: Any, line: Any, definitions: Definitions) -> Iterator[tuple[bool, str, str, Any]]:
    """(is a repair of the line, kind, description, expression) in the order they are tried."""
    yield from ((False, *c) for c in _derivative_slips(written, definitions))
    yield from ((True, *c) for c in repairs(line))
    yield from ((False, *c) for c in _edits(written, definitions))


def repairs(line: Any) -> Iterator[tuple[str, str, Any]]:
    """Versions of a wrong line (as written) with one known slip undone: ``1 − tanh(u)`` read
    as ``1 − tanh(u)²``, ``σ(u)`` as σ′(u) = σ(u)(1 − σ(u)). A repair that restores the line
    before names the slip, however the line before was written."""
    for node in dict.fromkeys(_outside_derivatives(line)):  # each distinct part once
        if isinstance(node, sp.Add) and len(node.args) == 2 and 1 in node.args:
            other = next(a for a in node.args if a != 1)
            if isinstance(-other, sp.tanh):
                yield ("tanh-prime", f"tanh′ written 1 − tanh instead of 1 − tanh²: {to_text(node)} should be "
                       f"{to_text(1 - (-other) ** 2)}", line.xreplace({node: 1 - (-other) ** 2}))
        if isinstance(node, sigmoid):
            yield ("function-for-derivative", f"σ instead of σ′: {to_text(node)} where σ′ = {to_text(node * (1 - node))} belongs",
                   line.xreplace({node: node * (1 - node)}))


def describe(before: Any, line: Any, definitions: Definitions, seconds: float) -> str | None:
    """"differs by a factor r" (line = before·r) or "differs by the term d" (line = before + d),
    whichever is simpler, with defined names folded back in; None when neither is short or in time."""
    if seconds <= 0.05:
        return None
    try:
        return bounded(lambda: _describe(before, line, definitions), min(seconds, 1.0))
    except Exception:  # noqa: BLE001 - out of time or memory: no description
        return None


def _without_leading_minus(expr: Any) -> Any:
    """−1·(a − b)ⁿ·… written (b − a)ⁿ·… for one factor with an odd power, as a student would:
    ``-1/(out - 1)`` becomes ``1/(1 - out)``."""
    if not (isinstance(expr, sp.Mul) and expr.args[0] == -1):
        return expr
    rest = list(expr.args[1:])
    for i, factor in enumerate(rest):
        base, exponent = factor.as_base_exp()
        if isinstance(base, sp.Add) and exponent.is_integer and exponent.is_odd:
            rest[i] = sp.Pow(sp.expand(-base), exponent, evaluate=False)
            return sp.Mul(*rest, evaluate=False)
    return expr


def _describe(before: Any, line: Any, definitions: Definitions) -> str | None:
    from derive.check_diff import tree_size
    before, line = sp.expand_log(before, force=True), sp.expand_log(line, force=True)  # log(s²) and 2·log(s) alike
    options = []
    if before != 0:
        ratio = _without_leading_minus(definitions.folded(sp.factor(sp.cancel(line / before))))
        if ratio.free_symbols or ratio != 1:
            options.append((tree_size(ratio), f"differs by a factor {to_text(ratio)} (this line = the line before × that)"))
    term = _without_leading_minus(definitions.folded(sp.factor(sp.cancel(line - before))))
    options.append((tree_size(term) + 2, f"differs by the term {to_text(term)} (this line = the line before + that)"))
    size, text = min(options, key=lambda o: o[0])
    return text if size <= MAX_DESCRIBED else None
