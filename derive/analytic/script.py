"""Scripted derivations: an ordered list of steps, each carrying a claim that SymPy proves.

A script is written as a chain of equalities, the way a lecturer writes on the board::

    s = Script()
    s.define("sig.def", "Definition", sp.Symbol("y"), 1 / (1 + sp.exp(-x)))
    s.derive("sig.diff", "Differentiate", sp.Derivative(sigmoid(x), x), 1 / (1 + sp.exp(-x)), x)
    s.then("sig.course", "In terms of the output", sigmoid(x) * (1 - sigmoid(x)))

``then`` claims the new formula equals the previous one; ``derive`` and ``compute`` let SymPy
produce the formula (diff, integrate, doit) and record how to recompute it; ``fact`` claims a
standalone identity ``left = formula``. :meth:`Script.derivation` proves every claim (cheaply:
the recomputations of ``derive``/``compute`` are left to :meth:`Script.prove_all` and the tests)
and returns the :class:`~derive.steps.Derivation` the printers show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import sympy as sp

from sympy.core.function import AppliedUndef

from derive.analytic import prepared
from derive.analytic.proof import Claim, Proof, assumed, claim_key, concrete, evaluate, needs_quadrature, prove
from derive.scalar_functions import as_expr
from derive.steps import Derivation, Result, Step, SymbolInfo


@dataclass
class _Entry:
    id: str
    title: str
    lhs: Any
    formula: Any
    because: str
    depends_on: tuple[str, ...]
    claim: Claim
    value: Any = None


@dataclass
class Script:
    """An ordered derivation under construction (steps + claims + final results + legend)."""

    entries: list[_Entry] = field(default_factory=list)
    results: dict[str, tuple[Any, str]] = field(default_factory=dict)
    symbols: dict[str, SymbolInfo] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    functions: tuple[tuple[Any, Any], ...] = ()  # concrete forms of named functions (q, p, φ) for --values
    check_functions: tuple[tuple[Any, Any], ...] = ()  # stand-ins used only to check claims numerically (J₀)
    domain: tuple[tuple[Any, Any, Any], ...] = ()  # default sampling boxes for numeric checks, e.g. y ∈ (0, 1)
    _lhs: Any = None

    # --- building -------------------------------------------------------------------------
    def _add(self, id: str, title: str, lhs: Any, formula: Any, because: str, claim: Claim,
             depends_on: tuple[str, ...] = (), value: Any = None) -> Any:
        if any(e.id == id for e in self.entries):
            raise ValueError(f"duplicate step id {id!r}")
        self.entries.append(_Entry(id, title, lhs, formula, because, depends_on, claim, value))
        self._lhs = lhs
        return formula

    @property
    def last(self) -> Any:
        """The formula of the latest step."""
        return self.entries[-1].formula

    def define(self, id: str, title: str, lhs: Any, formula: Any, because: str = "", depends_on: tuple[str, ...] = ()) -> Any:
        """A definition ``lhs := formula`` (nothing to prove); starts a new chain."""
        return self._add(id, title, lhs, formula, because, Claim(id, lhs, formula, "definition"), depends_on)

    def then(self, id: str, title: str, formula: Any, because: str = "", method: str = "symbolic",
             after: str | None = None, depends_on: tuple[str, ...] = (), lhs: Any = None, **claim: Any) -> Any:
        """``… = formula``: the next link of a chain, claimed equal to the previous formula.

        The chain continues from the latest step, or from step ``after`` (its lhs is reused);
        ``lhs`` renames the left-hand side from here on (e.g. V(D*, G) once D* is substituted).
        """
        prev = self.entries[-1] if after is None else next(e for e in self.entries if e.id == after)
        if after is not None:
            self._lhs = prev.lhs
        if lhs is not None:
            self._lhs = lhs
        c = Claim(id, prev.formula, formula, method, **claim)
        return self._add(id, title, self._lhs, formula, because, c, (prev.id, *depends_on))

    def fact(self, id: str, title: str, lhs: Any, formula: Any, because: str = "", left: Any = None,
             method: str = "symbolic", depends_on: tuple[str, ...] = (), right: Any = None, **claim: Any) -> Any:
        """A standalone identity ``lhs = formula``, proved as ``left = right``.

        ``left`` defaults to lhs and ``right`` to formula; give them when the shown formula is general
        (index notation) and the proof runs on an explicit case.
        """
        c = Claim(id, lhs if left is None else left, formula if right is None else right, method, **claim)
        return self._add(id, title, lhs, formula, because, c, depends_on)

    def compute(self, id: str, title: str, lhs: Any, unevaluated: Any, because: str = "",
                depends_on: tuple[str, ...] = (), finish: Callable[[Any], Any] | None = None) -> Any:
        """``lhs = unevaluated.doit()``: SymPy computes the formula (diff, integrate, sum)."""
        formula = prepared.computed("doit", (unevaluated,), unevaluated.doit)
        formula = finish(formula) if finish else formula
        return self._add(id, title, lhs, formula, because, Claim(id, unevaluated, formula, "computed"), depends_on)

    def derive(self, id: str, title: str, lhs: Any, expr: Any, *wrt: Any, because: str = "",
               depends_on: tuple[str, ...] = ()) -> Any:
        """``lhs = ∂expr/∂wrt`` computed by ``sympy.diff``."""
        return self.compute(id, title, lhs, sp.Derivative(expr, *wrt), because or "differentiate (SymPy diff)", depends_on)

    def show(self, id: str, title: str, lhs: Any, formula: Any, because: str = "", depends_on: tuple[str, ...] = (),
             left: Any = None, **claim: Any) -> Any:
        """A number worth seeing (saturation, a wrong formula at a point): ``lhs = formula = value``.

        Proved as ``left = formula`` (left defaulting to lhs), numerically unless ``method`` says otherwise.
        """
        c = Claim(id, lhs if left is None else left, formula, claim.pop("method", "numeric"), **claim)
        value = _number(formula)
        return self._add(id, title, lhs, formula, because, c, depends_on, value)

    def result(self, name: str, expr: Any, meaning: str = "") -> None:
        """Record a final result (shown in the results table and JSON)."""
        self.results[name] = (expr, meaning)

    def symbol(self, name: str, meaning: str, shape: tuple[Any, ...] = ()) -> None:
        """Add a legend entry."""
        self.symbols[name] = SymbolInfo(meaning, shape)

    # --- proving and output ---------------------------------------------------------------
    @property
    def claims(self) -> list[Claim]:
        """Every step's claim, in order."""
        return [e.claim for e in self.entries]

    def prove_all(self, full: bool = True) -> dict[str, Proof]:
        """Prove every claim.

        ``full=False`` (what ``derive`` runs) trusts ``computed`` steps, which are equal by
        construction, and leaves quadrature-based checks to ``verify`` and the tests.
        """
        from derive import cache
        out = {}
        for c in self.claims:
            if full:
                out[c.step] = prove(c)
            elif c.method != "computed" and not needs_quadrature(c):
                key = claim_key(c)
                out[c.step] = Proof(*prepared.proved(key, lambda: cache.remembered(key, lambda: _outcome(prove(c)))))
            elif c.method == "computed":
                out[c.step] = Proof(True, "computed by SymPy", deferred=True)
            else:
                out[c.step] = Proof(True, "checked by verify and the tests: quadrature at random points", deferred=True)
        return out

    def derivation(self, topic: str, options: dict[str, Any], title: str = "",
                   values: dict[Any, Any] | None = None, inputs: dict[str, Any] | None = None) -> Derivation:
        """Prove the claims and build the Derivation (steps evaluated at ``values`` when given)."""
        proofs = self.prove_all(full=False)
        from derive import cache
        cache.save()
        bad = [k for k, p in proofs.items() if not p.ok]
        if bad:
            raise AssertionError(f"{topic}: steps not proved: {', '.join(bad)} ({proofs[bad[0]].how})")
        steps = [self._step(e, proofs[e.id], values) for e in self.entries]
        results = {n: Result(n, expr, _value(expr, values, self.functions), meaning) for n, (expr, meaning) in self.results.items()}
        return Derivation(topic=topic, options=options, steps=steps, results=results, symbols=dict(self.symbols),
                          inputs=inputs or None, notes=list(self.notes), title=title)

    def _step(self, e: _Entry, proof: Proof, values: dict[Any, Any] | None) -> Step:
        check = "" if e.claim.method == "definition" else f"[{proof.how}]" if proof.deferred else f"[checked: {proof.how}]"
        because = " ".join(t for t in (e.because, check) if t)
        shown = assumed(e.formula, e.claim.assume) if e.claim.assume and not isinstance(e.formula, str) else e.formula
        value = e.value if e.value is not None else _value(shown, values, self.functions)
        return Step(e.id, e.title, e.formula, value, because, e.depends_on, e.lhs)


def _number(expr: Any) -> Any:
    """Float (or nested list) of a closed numeric expression; None when it has free symbols."""
    return _value(expr, {})


def _value(expr: Any, values: dict[Any, Any] | None, functions: tuple[tuple[Any, Any], ...] = ()) -> Any:
    if values is None or isinstance(expr, str) or expr is None:
        return None
    if isinstance(expr, sp.MatrixBase):
        rows = [[_value(v, values, functions) for v in row] for row in expr.tolist()]
        return None if any(v is None for r in rows for v in r) else rows
    expr = concrete(as_expr(expr), functions)
    if not expr.free_symbols <= set(values) or expr.has(sp.Sum, sp.Indexed) or expr.atoms(AppliedUndef):
        return None
    v = evaluate(expr, values)
    return float(v.real) if v == v else None


def _outcome(proof: Proof) -> tuple[bool, str, float]:
    """What the proof cache records of a proof: whether it held, how, and the error seen."""
    return proof.ok, proof.how, float(proof.error)
