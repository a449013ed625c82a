"""Reverse-mode accumulation over a Graph, and the steps it emits.

Two walks share one graph type:

* ``forward`` / ``reverse`` run the ops' rules on any backend. With ``NumpyBackend`` they are
  the reference interpreter (numbers); with ``SympyBackend`` and a ``hook`` they produce the
  matrix derivation (``derive_graph``): one step per named node and parameter, each adjoint in
  terms of the symbols of earlier adjoints, so expressions never swell.

      ∂L/∂v = Σ_{c ∈ consumers(v)} vjp_c(∂L/∂c)          (reverse tape order; fan-in sums)

* ``ScalarChain`` differentiates a scalar graph (named weights w1…w8) with SymPy directly and
  writes every local derivative in terms of node symbols (∂out/∂net = out(1 − out)).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

import sympy as sp

from derive.backend import NumpyBackend, SympyBackend
from derive.graph import Graph, Leaf
from derive.notation import Chain, ChainSum, Partial, PartialMatrix
from derive.steps import Result, Step, SymbolInfo

Hook = Callable[[str, Any, list[str]], Any]
LAYOUT_NOTE = ("Layout: vectors are columns; ∂L/∂X has the shape of X (denominator layout); ⊙ is the "
               "elementwise (Hadamard) product, 𝟏 a vector of ones, and functions of matrices act elementwise "
               "(softmax: along each row).")


# --- the generic walk ---------------------------------------------------------------------------

def forward(graph: Graph, B: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Every node's value, in tape order, from the leaves' ``values``."""
    env = dict(values)
    for n in graph.nodes:
        env[n.name] = n.op.forward(B, *(env[i] for i in n.inputs))
    return env


def reverse(graph: Graph, B: Any, env: dict[str, Any], hook: Hook | None = None) -> dict[str, Any]:
    """∂L/∂v for every active node and differentiable leaf, by one reverse sweep of the tape.

    ``env`` holds every leaf's and node's value (``forward``). ``hook(name, adjoint, via)`` is
    called once per named node and differentiable leaf when its adjoint is complete; what it
    returns (e.g. a symbol standing for the adjoint) is what flows further back. ``via`` lists
    where the contributions came from, for the step's explanation.
    """
    live = graph.active()
    waiting = {x.name: len([c for c in graph.consumers(x.name) if c in live]) for x in graph.leaves if x.name in live}
    pending: dict[str, list[tuple[Any, str]]] = defaultdict(list)
    pending[graph.output].append((B.unit() if graph.get(graph.output).shape else 1, ""))
    adjoints: dict[str, Any] = {}
    walk = live | {graph.output}

    def settle(name: str) -> tuple[Any, list[str]]:
        parts = pending.pop(name)
        total = parts[0][0]
        for g, _ in parts[1:]:
            total = total + g if _is_number(total) else B.add(total, g)
        return total, [v for _, v in parts if v]

    for n in reversed(graph.nodes):
        if n.name not in pending or n.name not in walk:
            continue
        g, via = settle(n.name)
        if n.named and hook is not None:
            g = hook(n.name, g, via)
        adjoints[n.name] = g
        origin = f"{n.name}: {n.op.rule}" if n.named else _then(via[0] if via else "", n.op.rule)
        grads = n.op.vjp(B, g, env[n.name], *(env[i] for i in n.inputs))
        for i, gi in zip(n.inputs, grads):
            if i in live:
                pending[i].append((gi, origin))
                if i in waiting:
                    waiting[i] -= 1
                    if waiting[i] == 0:
                        gl, vl = settle(i)
                        adjoints[i] = hook(i, gl, vl) if hook is not None else gl
    return adjoints


def _then(origin: str, rule: str) -> str:
    """``origin, then rule`` (a rule repeated along a chain of anonymous nodes is said once)."""
    if not origin:
        return rule
    return origin if origin.endswith(rule) else f"{origin}, then {rule}"


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) or (isinstance(x, sp.Basic) and not getattr(x, "is_Matrix", False))


def gradients(graph: Graph, values: dict[str, Any]) -> dict[str, Any]:
    """∂L/∂P for every differentiable leaf, in NumPy (the reference interpreter)."""
    B = NumpyBackend()
    env = forward(graph, B, values)
    adj = reverse(graph, B, env)
    return {x.name: adj[x.name] for x in graph.leaves if x.name in adj}


# --- the matrix derivation -----------------------------------------------------------------------

@dataclass
class GraphDerivation:
    """The pieces of a derivation produced from a graph: steps in order, results and legend."""

    forward: list[Step]
    backward: list[Step]
    updates: list[Step]
    results: dict[str, Result] = field(default_factory=dict)
    symbols: dict[str, SymbolInfo] = field(default_factory=dict)
    adjoint: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)  # result key → program variable
    loss: str = "L"

    @property
    def steps(self) -> list[Step]:
        """Forward, backward and update steps in order."""
        return [*self.forward, *self.backward, *self.updates]

    def gradient(self, param: str) -> str:
        """The program variable holding ∂loss/∂param (``dL_dW1``, ``dE_total_dw5``)."""
        return f"d{self.loss}_d{param}"


def adjoint_symbol(graph: Graph, name: str, loss: str) -> Any:
    """The symbol shown for ∂loss/∂name: the node's alias (δ_1) or ∂L/∂name."""
    item = graph.get(name)
    alias = None if isinstance(item, Leaf) else item.adjoint
    rows, cols = item.shape
    return sp.MatrixSymbol(alias, rows, cols) if alias else PartialMatrix.of(loss, name, rows, cols)


def derive_graph(graph: Graph, eta: str = "eta", updates: bool = True) -> GraphDerivation:
    """Steps of a matrix graph: forward formulas, every adjoint by the VJP rules, the updates.

    Step ids: a node's name for its forward step, ``dL_d<name>`` for ∂L/∂name (L being the
    output's name), ``<P>_new`` for the update P − η ∂L/∂P. Values are filled in later by
    running the steps as a program (``derive.verification.Program``). State ``LAYOUT_NOTE`` (or your
    own convention) once in the Derivation's notes.
    """
    if graph.scalar:
        raise ValueError(f"{graph.name} is a scalar graph: use scalar_derivation")
    loss, formulas = graph.output, graph.formulas()
    out = GraphDerivation([], [], [], loss=loss)
    for n in graph.nodes:
        if n.named:
            out.forward.append(Step(n.name, f"forward: {n.meaning or n.name}", formulas[n.name],
                                    lhs=graph.symbol(n.name), shape=n.shape))
    env: dict[str, Any] = {x.name: graph.symbol(x.name) for x in graph.leaves}
    for n in graph.nodes:
        env[n.name] = graph.symbol(n.name) if n.named else formulas[n.name]

    def hook(name: str, g: Any, via: list[str]) -> Any:
        if name == loss:
            return g
        item, sym = graph.get(name), adjoint_symbol(graph, name, loss)
        title = f"∂{loss}/∂{name}" + (f" ({item.meaning})" if item.meaning else "")
        because = "; ".join(f"from {v}" for v in via)
        out.backward.append(Step(f"d{loss}_d{name}", title, g, because=because, lhs=sym, shape=item.shape))
        out.adjoint[name] = sym
        return g if getattr(item, "inline", False) else sym

    reverse(graph, SympyBackend(), env, hook)
    if updates:
        B, eta_sym = SympyBackend(), sp.Symbol(eta)
        for p in graph.params:
            if p.name in out.adjoint:
                new = B.sub(graph.symbol(p.name), B.scale(eta_sym, out.adjoint[p.name]))
                out.updates.append(Step(f"{p.name}_new", f"update {p.name} (gradient descent)", new,
                                        lhs=sp.MatrixSymbol(f"{p.name}_new", *p.shape), shape=p.shape,
                                        because=f"{p.name} ← {p.name} − η ∂{loss}/∂{p.name}"))
    _results_and_legend(graph, out, formulas, eta)
    return out


def _results_and_legend(graph: Graph, out: GraphDerivation, formulas: dict[str, Any], eta: str) -> None:
    loss = graph.output
    out.results[loss] = Result(loss, formulas[loss], meaning="the loss")
    by_id = {s.id: s for s in out.steps}
    for name in out.adjoint:
        key = out.gradient(name)
        if graph.is_leaf(name):
            out.results[key] = Result(key, by_id[key].formula, meaning=f"∂{loss}/∂{name}")
    for s in out.updates:
        out.results[s.id] = Result(s.id, s.formula, meaning=s.title)
    out.variables = {k: k for k in out.results}
    for x in (*graph.leaves, *(n for n in graph.nodes if n.named)):
        out.symbols[x.name] = SymbolInfo(x.meaning or x.name, x.shape)
    for name, sym in out.adjoint.items():
        out.symbols[str(sym.name)] = SymbolInfo(f"∂{loss}/∂{name}", graph.get(name).shape)
    if out.updates:
        out.symbols[eta] = SymbolInfo("learning rate η", ())


# --- scalar graphs: SymPy differentiates each node --------------------------------------------

class ScalarChain:
    """The chain rule on a scalar graph, piece by piece, with SymPy doing each differentiation.

    ``local(c, v)`` = ∂c/∂v written in node symbols (σ'(net) becomes out(1 − out));
    ``chain(v)`` = ∂E/∂v as a sum over consumers of (∂E/∂c)(∂c/∂v) in ∂-symbols;
    ``expanded(v)`` = the same in node symbols only (what the syllabus writes for ∂E/∂w).
    """

    def __init__(self, graph: Graph) -> None:
        self.graph, self.E = graph, graph.output
        self.live = graph.active() | {graph.output}
        self._local: dict[tuple[str, str], Any] = {}
        self._expanded: dict[str, Any] = {}

    def consumers(self, v: str) -> tuple[str, ...]:
        """Consumers of v that lie on a path to the loss."""
        return tuple(c for c in self.graph.consumers(v) if c in self.live)

    def local(self, c: str, v: str) -> Any:
        """∂c/∂v from SymPy's diff of c's formula, with c's own formula replaced by its symbol."""
        if (c, v) not in self._local:
            expr = self.graph.get(c).op.expr
            d = sp.diff(expr, sp.Symbol(v))
            self._local[(c, v)] = d.xreplace({expr: sp.Symbol(c)}) if not expr.is_Symbol else d
        return self._local[(c, v)]

    def term(self, c: str, v: str, upstream: list[Any]) -> Any:
        """One path's product: upstream factors times ∂c/∂v (or ∂E/∂v itself when c is E)."""
        if c == self.E:
            return Partial.of(self.E, v)
        return Chain(*upstream, Partial.of(c, v))

    def chain(self, v: str, full: bool = False) -> Any:
        """∂E/∂v by the chain rule in ∂-symbols; ``full`` expands through single-consumer nodes."""
        terms = [self.term(c, v, self.factors(c) if full else [Partial.of(self.E, c)]) for c in self.consumers(v)]
        return terms[0] if len(terms) == 1 else ChainSum(*terms)

    def factors(self, c: str) -> list[Any]:
        """∂E/∂c as a product of ∂-factors, followed back to the nearest fan-out (or the loss)."""
        cs = self.consumers(c)
        if len(cs) != 1 or cs[0] == self.E:
            return [Partial.of(self.E, c)]
        return [*self.factors(cs[0]), Partial.of(cs[0], c)]

    def expanded(self, v: str) -> Any:
        """∂E/∂v in node symbols: Σ_c expanded(c)·∂c/∂v, never simplified beyond a cheap cancel."""
        if v not in self._expanded:
            terms = []
            for c in self.consumers(v):
                loc = self.local(c, v)
                if c == self.E:
                    terms.append(loc)
                else:
                    up = self.expanded(c)
                    terms.append(_chain(*_flat(up), *_flat(loc)))
            expr = terms[0] if len(terms) == 1 else ChainSum(*terms)
            self._expanded[v] = expr if self.graph.is_leaf(v) else _tidy(expr)
        return self._expanded[v]

    def path(self, wrt: str) -> list[str]:
        """Nodes between ``wrt`` and the loss, nearest the loss first (reverse tape order)."""
        down, todo = set(), [wrt]
        while todo:
            for c in self.consumers(todo.pop()):
                if c not in down:
                    down.add(c)
                    todo.append(c)
        return [n.name for n in reversed(self.graph.nodes) if n.name in down and n.name != self.E]


def _chain(*factors: Any) -> Any:
    """An ordered product of the factors (1 when there are none, the factor itself when one)."""
    return sp.Integer(1) if not factors else factors[0] if len(factors) == 1 else Chain(*factors)


def _flat(expr: Any) -> tuple[Any, ...]:
    """The factors of a product kept in order (factors equal to 1 dropped)."""
    return tuple(a for a in (expr.args if isinstance(expr, Chain) else (expr,)) if a != 1)


def _tidy(expr: Any) -> Any:
    """``cancel`` a small expression when that makes it shorter (σ' cancels against BCE's 1/σ)."""
    if not any(p.exp.is_negative for p in expr.atoms(sp.Pow)):
        return expr  # no quotient to cancel
    before = sp.count_ops(expr)
    if before > 40:
        return expr
    plain = sp.cancel(expr)
    return plain if sp.count_ops(plain) < before else expr


def scalar_derivation(graph: Graph, showcase: tuple[str, ...] = (), eta: str = "eta",
                      deltas: tuple[str, ...] = ()) -> GraphDerivation:
    """Steps of a scalar graph: forward; for each ``showcase`` parameter every chain-rule factor;
    then ∂E/∂P for every parameter P, and P_new = P − η ∂E/∂P.

    With ``deltas`` (the units' net inputs, nearest the loss first) each δ_n = ∂E/∂n gets a step
    written with the δs after it (δ_h1 = (δ_o1·w5 + δ_o2·w7)·out_h1·(1 − out_h1)) and every ∂E/∂P is
    written with them (∂E/∂w5 = δ_o1·out_h1), as the course does; without, ∂E/∂P is multiplied
    out in node symbols. The results are in node symbols either way.

    Step ids: a node's name (forward); ``d<c>_d<v>`` for a local derivative ∂c/∂v and
    ``d<E>_d<v>`` for ∂E/∂v (chains); ``delta_<unit>`` for δ of the unit whose net input is
    ``net_<unit>``; ``dE_d<P>`` for the gradient of P; ``<P>_new``.
    """
    sc, E = ScalarChain(graph), graph.output
    out = GraphDerivation([], [], [], loss=E)
    for n in graph.nodes:
        out.forward.append(Step(n.name, f"forward: {n.meaning or n.name}", n.op.display, lhs=sp.Symbol(n.name)))
    done: set[str] = set()
    for p in showcase:
        for v in [*sc.path(p), p]:
            out.backward += _chain_steps(sc, v, p, done)
    named = {n: delta_symbol(n) for n in deltas}
    for n in deltas:
        sym = named[n]
        out.backward.append(Step(sym.name, f"δ notation: {_greek_text(sym.name)} = ∂{E}/∂{n}", _tidy(in_deltas(sc, n, named)),
                                 because=_delta_because(sc, n, named), lhs=sym))
        out.symbols[sym.name] = SymbolInfo(f"{_greek_text(sym.name)} = ∂{E}/∂{n}, the error signal at {n}", ())
    for p in graph.params:
        lhs = Partial.of(E, p.name)
        if named:
            formula, title = in_deltas(sc, p.name, named), f"gradient: ∂{E}/∂{p.name} in δ notation"
            because = f"δ of each unit {p.name} feeds, times what {p.name} multiplies there (1 for a bias)"
        else:
            formula, title = sc.expanded(p.name), f"gradient: ∂{E}/∂{p.name} in node values"
            because = "the chain-rule products multiplied out, old weights throughout"
        out.backward.append(Step(f"dE_d{p.name}", title, formula, because=because, lhs=lhs))
        new = ChainSum(sp.Symbol(p.name), Chain(-1, sp.Symbol(eta), lhs))
        out.updates.append(Step(f"{p.name}_new", f"update: {p.name} by gradient descent", new,
                                because=f"{p.name} ← {p.name} − η·∂{E}/∂{p.name}",
                                lhs=sp.Symbol(f"{p.name}_new")))
        out.results[f"dE_d{p.name}"] = Result(f"dE_d{p.name}", sc.expanded(p.name), meaning=f"∂{E}/∂{p.name}")
        update = ChainSum(sp.Symbol(p.name), _chain(-1, sp.Symbol(eta), *_flat(sc.expanded(p.name))))
        out.results[f"{p.name}_new"] = Result(f"{p.name}_new", update,
                                              meaning=f"{p.name} after one gradient-descent step")
    ordered = sorted(out.results.items(), key=lambda kv: not kv[0].startswith("dE_d"))  # gradients, then updates
    out.results = {E: Result(E, graph.get(E).op.display, meaning="the error"), **dict(ordered)}
    out.variables = {k: (out.gradient(k[len("dE_d"):]) if k.startswith("dE_d") else k) for k in out.results}
    for x in (*graph.leaves, *graph.nodes):
        out.symbols[x.name] = SymbolInfo(x.meaning or x.name, ())
    out.symbols[eta] = SymbolInfo("learning rate η", ())
    for s in out.backward:  # the ∂-symbols the steps' formulas use (names as in the JSON sympy strings)
        num, den = _num_den(s.lhs.name)
        out.symbols.setdefault(s.lhs.name, SymbolInfo(f"∂{num}/∂{den}", ()))
    return out


def delta_symbol(node: str) -> sp.Symbol:
    """δ of a unit from its net input's name: net_o1 → delta_o1 (shown δ_o1)."""
    return sp.Symbol("delta_" + node.split("_", 1)[-1])


def _greek_text(name: str) -> str:
    return "δ" + name[len("delta"):] if name.startswith("delta") else name


def in_deltas(sc: ScalarChain, v: str, named: dict[str, Any]) -> Any:
    """∂E/∂v by the chain rule, stopping at the next δ on every path (a δ symbol stands for the rest)."""
    terms = []
    for c in sc.consumers(v):
        loc = sc.local(c, v)
        if c == sc.E:
            terms.append(loc)
        elif c in named:
            terms.append(_chain(named[c], *_flat(loc)))
        else:
            terms.append(_chain(*_flat(in_deltas(sc, c, named)), *_flat(loc)))
    return terms[0] if len(terms) == 1 else ChainSum(*terms)


def _delta_because(sc: ScalarChain, n: str, named: dict[str, Any]) -> str:
    after = sorted({_greek_text(named[c].name) for c in named if c != n and c in sc.path(n)})
    if after:
        return f"chain rule back from {', '.join(after)} (δ of the units {n} feeds), times the unit's local derivative"
    return f"∂{sc.E}/∂out times the unit's local derivative ∂out/∂{n}"


def _num_den(name: str) -> tuple[str, str]:
    from derive.notation import _split
    return _split(name)


def _chain_steps(sc: ScalarChain, v: str, showcase: str, done: set[str]) -> list[Step]:
    """Local derivatives into v (once each), then ∂E/∂v by the chain rule."""
    E, steps = sc.E, []
    cs = sc.consumers(v)
    for c in cs:
        key = f"d{c}_d{v}"
        if c != E and key not in done:
            done.add(key)
            steps.append(Step(key, f"backward ({showcase}): local derivative ∂{c}/∂{v}", sc.local(c, v),
                              because=f"SymPy differentiates {c}'s formula by {v}, written in node symbols",
                              lhs=Partial.of(c, v)))
    key = f"d{E}_d{v}"
    if key in done:
        return steps
    done.add(key)
    if cs == (E,):
        formula, because = sc.local(E, v), f"{v} enters the error directly"
    else:
        full = sc.graph.is_leaf(v)
        formula = sc.chain(v, full=full)
        because = ("chain rule: sum over every path from the error, one term per consumer (" + ", ".join(cs) + ")"
                   if len(cs) > 1 else "chain rule: upstream gradient × local derivative")
    steps.append(Step(key, f"backward ({showcase}): ∂{E}/∂{v}", formula, because=because, lhs=Partial.of(E, v)))
    return steps
