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


class Definitions:
    """The ``where:`` definitions, expanded on demand (acyclic: checked by the reader)."""

    def __init__(self, definitions: dict[str, Any]):
        self.raw = {sp.Symbol(name, real=True): value for name, value in definitions.items()}
        self.cache: dict[Any, dict[Any, Any]] = {}

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

    def is_defined(self, name: str) -> bool:
        """True when ``name`` has a ``where:`` definition."""
        return sp.Symbol(name, real=True) in self.raw


def differentiated(expr: Any, definitions: Definitions) -> Any:
    """``expr`` with its d/dNAME parts done (innermost first); defined names elsewhere kept."""
    if isinstance(expr, sp.Derivative):
        out = differentiated(expr.expr, definitions)
        for var, count in expr.variable_count:
            out = sp.diff(definitions.expanded(out, var), var, count)
        return out
    if not expr.args or not expr.has(sp.Derivative):
        return expr
    args = [differentiated(a, definitions) for a in expr.args]
    return expr.func(*args)


def evaluate(expr: Any, definitions: Definitions) -> Any:
    """The step ``expr`` in base variables: derivatives done (innermost first), names expanded."""
    out = definitions.expanded(differentiated(expr, definitions))
    if out.has(sp.DiracDelta):
        out = out.replace(sp.DiracDelta, lambda *args: sp.S.Zero)
    return out


def derivative_nodes(expr: Any) -> list[Any]:
    """The ``d/dNAME`` nodes of a written step by one variable, outermost first."""
    return [n for n in sp.preorder_traversal(expr) if isinstance(n, sp.Derivative) and len(n.variables) == 1]
