"""What a written derivation step means: defined names replaced, ``d/dNAME`` done by SymPy's diff.

A derivative by a defined name is the textbook partial derivative: in ``d/dnet out`` with
``out = sigmoid(net)`` and ``net = w*x + b``, every definition except net's is expanded, the
result is differentiated by the symbol ``net`` (σ′(net)), and only then is net expanded. A
derivative by a base variable expands everything first. DiracDelta terms (the derivative of a
step at its jump) are dropped, as in ``check diff``: a step holds wherever it is differentiable.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from derive.check_diff import MAX_PARTS, tree_size


class TooLarge(Exception):
    """An expression that would have more than MAX_PARTS parts written out (before diff sees it)."""

    def __init__(self, size: int):
        super().__init__(f"too large to compare ({size:,} parts written out; at most {MAX_PARTS:,})")
        self.size = size


def _bounded_size(expr: Any) -> Any:
    size = tree_size(expr)
    if size > MAX_PARTS:
        raise TooLarge(size)
    return expr


MAX_MOMENT = 12  # highest power of x under E(…)


class Expectation(sp.Function):
    """E(g(x)) = ∫ g(x) N(x; μ, s²) dx, unevaluated as written (``expect: x ~ normal(mu, s)``)."""

    nargs = 1

    def _sympystr(self, printer: Any) -> str:
        return f"E({printer.doprint(self.args[0])})"

    def _latex(self, printer: Any) -> str:
        return rf"\mathbb{{E}}\left[{printer.doprint(self.args[0])}\right]"


class NotPolynomial(Exception):
    """E(…) of something that is not a polynomial in x of degree ≤ MAX_MOMENT after expanding logs."""


def normal_moment(k: int, mean: Any, sd: Any) -> Any:
    """E[x^k] for x ~ N(mean, sd²): Σ over even j of C(k, j)·mean^(k−j)·sd^j·(j − 1)!!."""
    return sp.Add(*[sp.binomial(k, j) * mean ** (k - j) * sd ** j * sp.factorial2(j - 1) for j in range(0, k + 1, 2)])


class Definitions:
    """The ``where:`` definitions, expanded on demand (acyclic: checked by the reader), and the
    distribution of ``expect:`` (variable, mean, standard deviation) or None."""

    def __init__(self, definitions: dict[str, Any], expectation: tuple[Any, Any, Any] | None = None):
        self.raw = {sp.Symbol(name, real=True): value for name, value in definitions.items()}
        self.cache: dict[Any, dict[Any, Any]] = {}
        self.expectation = expectation

    def expected(self, expr: Any) -> Any:
        """``expr`` with each E(g) replaced by ∫ g N(x; μ, s²) dx, for g a polynomial in x (logs expanded)."""
        if not contains(expr, Expectation):
            return expr
        if self.expectation is None:
            raise NotPolynomial("E(…) needs the header 'expect: x ~ normal(mean, sd)'")
        x, mean, sd = self.expectation

        def mean_of(g: Any) -> Any:
            g = sp.expand(sp.expand_log(g, force=True))
            try:
                poly = sp.Poly(g, x)
            except sp.PolynomialError:
                raise NotPolynomial(f"E(…) of something that is not a polynomial in {x} (after expanding logs)") from None
            if poly.degree() > MAX_MOMENT:
                raise NotPolynomial(f"E(…) of a polynomial of degree {poly.degree()} in {x} (at most {MAX_MOMENT})")
            return sp.Add(*[c * normal_moment(k, mean, sd) for (k,), c in poly.terms()])
        return expr.replace(lambda n: isinstance(n, Expectation), lambda n: mean_of(n.args[0]))

    def expanded(self, expr: Any, keep: Any = None) -> Any:
        """``expr`` with every defined name replaced by its (recursively expanded) definition,
        except the symbol ``keep``."""
        return expr.xreplace(self._mapping(keep))

    def _mapping(self, keep: Any) -> dict[Any, Any]:
        if keep not in self.cache:
            mapping: dict[Any, Any] = {}

            def full(symbol: Any) -> Any:
                if symbol not in mapping:
                    value = self.raw[symbol]
                    mapping[symbol] = value.xreplace({s: full(s) for s in value.free_symbols if s in self.raw and s != keep})
                return mapping[symbol]
            for symbol in self.raw:
                if symbol != keep:
                    full(symbol)
            self.cache[keep] = mapping
        return self.cache[keep]

    def folded(self, expr: Any) -> Any:
        """``expr`` with each defined name's expansion written as the name again (for display)."""
        return expr.xreplace({self.expanded(symbol): symbol for symbol in self.raw})


def differentiated(expr: Any, definitions: Definitions, cache: dict[Any, Any] | None = None) -> Any:
    """``expr`` with its d/dNAME parts done (innermost first); defined names elsewhere kept.
    ``cache`` keeps each d/dNAME's result for the next call (mistaken versions of one line)."""
    if isinstance(expr, sp.Derivative):
        if cache is not None and expr in cache:
            return cache[expr]
        out = differentiated(expr.expr, definitions, cache)
        for var, count in expr.variable_count:
            out = _bounded_size(sp.diff(_bounded_size(definitions.expanded(out, var)), var, count))
        if cache is not None:
            cache[expr] = out
        return out
    if not expr.args or not expr.has(sp.Derivative):
        return expr
    args = [differentiated(a, definitions, cache) for a in expr.args]
    return expr.func(*args)


def evaluate(expr: Any, definitions: Definitions) -> Any:
    """The step ``expr`` in base variables: derivatives done (innermost first), names expanded;
    :class:`TooLarge` when a part would have more than MAX_PARTS parts written out."""
    out = _bounded_size(definitions.expected(definitions.expanded(differentiated(expr, definitions))))
    if contains(out, sp.DiracDelta):
        out = out.replace(sp.DiracDelta, lambda *args: sp.S.Zero)
    return out


def contains(expr: Any, *kinds: Any) -> bool:
    """True when a part of ``expr`` is one of ``kinds`` (classes, or atoms such as ``sp.zoo``),
    visiting each distinct part once: linear where ``has`` walks a shared part again and again."""
    classes = tuple(k for k in kinds if isinstance(k, type))
    atoms = {k for k in kinds if not isinstance(k, type)}
    seen, stack = set(), [expr]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if (classes and isinstance(node, classes)) or node in atoms:
            return True
        stack.extend(node.args)
    return False


def derivative_nodes(expr: Any) -> list[Any]:
    """The ``d/dNAME`` nodes of a written step by one variable, outermost first."""
    return [n for n in sp.preorder_traversal(expr) if isinstance(n, sp.Derivative) and len(n.variables) == 1]
