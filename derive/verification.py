"""Evaluate and verify a derivation: its steps, run as a program, against independent numbers.

A derivation is a straight-line program: every step assigns its formula to its left-hand side
symbol (``net_h1 = w1·i1 + w2·i2 + b1``, ``δ_1 = (W2ᵀ δ_2) ⊙ a1 ⊙ (𝟏 − a1)``). ``Program``
lambdifies each formula once (``derive.functions.lambdify``) and runs them in order, so the
numbers shown next to a step and the numbers verified are computed from the formula displayed.

``check_program`` compares the program's gradients with central finite differences of its own
forward pass and with torch autograd of an independently written loss (``derive.numcheck``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Iterable

import sympy as sp

from derive.functions import lambdify
from derive.steps import Check, Result, Step

if TYPE_CHECKING:  # NumPy is imported by the functions that compute numbers: a symbolic derivation never loads it
    import numpy as np

SIGNIFICANT = 12
FD_FLOOR = 1e-3  # central differences (h = 1e-6) resolve a gradient only to ~1e-10 absolute
METRIC = ("max |a − b| / max(|a|, |b|, s) over all elements and points; s = 1e-3 against central "
          "differences (they resolve ~1e-10 absolute, so tiny gradients are compared absolutely), 1e-8 otherwise")


def symbol_name(sym: Any) -> str:
    """The plain name of a Symbol or MatrixSymbol (``dE_total_dw5``, ``delta_1``)."""
    return str(sym.name)


class Program:
    """The steps with a symbol on the left, lambdified as one function; ``run(inputs)`` → every value.

    The steps become the body of a single ``lambdify``-generated function (each step one line
    ``lhs = formula``, via lambdify's ``cse`` hook), so compiling costs one call however long
    the derivation. ``inputs`` are the free symbols no step defines (leaves, η), sorted by name.
    """

    def __init__(self, steps: Iterable[Step]) -> None:
        lines = [(s.lhs, s.formula) for s in steps
                 if s.lhs is not None and s.formula is not None and not isinstance(s.formula, str)]
        defined: set[Any] = set()
        free: set[Any] = set()
        for lhs, formula in lines:
            free |= {a for a in formula.free_symbols if a not in defined}
            defined.add(lhs)
        args = sorted(free, key=symbol_name)
        self.inputs = [symbol_name(a) for a in args]
        self.outputs = [symbol_name(lhs) for lhs, _ in lines]
        self.scalar = {symbol_name(lhs): not getattr(lhs, "is_Matrix", False) for lhs, _ in lines}
        # rename every variable _v0, _v1, … so that no name (``ones``, ``exp``, ``e``) can shadow NumPy's
        safe = {sym: _safe(sym, k) for k, sym in enumerate([*args, *dict.fromkeys(lhs for lhs, _ in lines)])}
        body = [(safe[lhs], formula.xreplace(safe)) for lhs, formula in lines]
        self._fn = (lambdify([safe[a] for a in args], [lhs for lhs, _ in body], cse=lambda exprs: (body, list(exprs)))
                    if lines else None)

    def run(self, inputs: dict[str, Any]) -> dict[str, Any]:
        """Every step's value (floats for scalars, float64 arrays for matrices) from the inputs'."""
        env = {k: _as_value(v) for k, v in inputs.items()}
        missing = [a for a in self.inputs if a not in env]
        if missing:
            raise KeyError(f"program needs values for {', '.join(missing)}")
        if self._fn is None:
            return env
        import numpy as np
        values = self._fn(*(env[a] for a in self.inputs))
        for name, value in zip(self.outputs, values):
            arr = np.asarray(value, dtype=float)
            env[name] = np.float64(arr.reshape(-1)[0]) if self.scalar[name] else arr
        return env


def _safe(sym: Any, k: int) -> Any:
    if getattr(sym, "is_Matrix", False):
        return sp.MatrixSymbol(f"_v{k}", *sym.shape)
    return sp.Symbol(f"_v{k}")


def _as_value(v: Any) -> Any:
    import numpy as np
    arr = np.asarray(v, dtype=float)
    return np.float64(arr) if arr.ndim == 0 else arr


def rounded(value: Any) -> Any:
    """A value to 12 significant digits (floats) or nested lists of those (arrays), for display."""
    import numpy as np
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return float(f"{float(arr):.{SIGNIFICANT}g}")
    return [rounded(v) for v in arr]


def with_values(steps: list[Step], env: dict[str, Any]) -> list[Step]:
    """The steps with ``value`` filled in from a program run."""
    return [replace(s, value=rounded(env[symbol_name(s.lhs)])) if s.lhs is not None and symbol_name(s.lhs) in env
            else s for s in steps]


def results_with_values(results: dict[str, Result], env: dict[str, Any], names: dict[str, str]) -> dict[str, Result]:
    """Results with values: ``names`` maps a result key to the program variable holding it."""
    return {k: replace(r, value=rounded(env[names[k]])) if names.get(k) in env else r for k, r in results.items()}


Sampler = Callable[["np.random.Generator"], dict[str, Any]]


def check_program(program: Program, loss: str, grads: dict[str, str], sample: Sampler, points: int, seed: int,
                  torch_loss: Callable[[dict[str, Any]], Any] | None = None, use_torch: bool = True, forward: Program | None = None, fd_floor: float = 1e-8) -> list[Check]:
    """Max relative error of each derived gradient (program variable ``grads[param]``) against
    central differences of the loss (program variable ``loss``, from ``forward`` or the whole
    program) and against torch autograd of ``torch_loss``."""
    import numpy as np

    from derive.numcheck import check_gradients
    fwd = forward or program

    def loss_fn(point: dict[str, Any]) -> float:
        return float(np.asarray(fwd.run(point)[loss]).reshape(-1)[0])

    last: dict[str, Any] = {}  # one program run per point serves every gradient (the point is restored exactly after each FD)

    def run(point: dict[str, Any]) -> dict[str, Any]:
        if last.get("point") is not point:
            last.update(point=point, env=program.run(point))
        return last["env"]

    gradients = {p: (lambda point, k=k: run(point)[k]) for p, k in grads.items()}
    return check_gradients(loss_fn, gradients, sample, points=points, seed=seed, torch_loss=torch_loss,
                           use_torch=use_torch, fd_floor=fd_floor, steps_per_loss=len(fwd.outputs))


ENGINE_METHOD = "reverse-mode engine (NumPy, same graph)"


def check_engine(graph: Any, program: Program, grads: dict[str, str], sample: Sampler, points: int, seed: int,
                 tolerance: float = 1e-9) -> list[Check]:
    """The displayed formulas against the reverse-mode engine run on NumPy over the same graph
    (``derive.backprop.gradients``: every op's VJP rule, accumulated over the tape)."""
    import numpy as np

    from derive.backprop import gradients
    from derive.numcheck import rel_error
    rng = np.random.default_rng(seed)
    err = {p: 0.0 for p in grads}
    for _ in range(points):
        point = {k: np.array(v, dtype=np.float64) for k, v in sample(rng).items()}
        env = program.run(point)
        leaves = {x.name: (float(point[x.name]) if x.shape == () else point[x.name]) for x in graph.leaves}
        ref = gradients(graph, leaves)
        for p, var in grads.items():
            err[p] = max(err[p], rel_error(env[var], ref[p]))
    return [Check(p, e, ENGINE_METHOD, tolerance, points) for p, e in err.items()]


# --- the helpers a topic needs --------------------------------------------------------------------

RANGES = {"param": (-1.0, 1.0), "input": (0.0, 1.0), "target": (0.0, 1.0), "const": (0.0, 1.0)}


def draw_leaves(graph: Any, rng: np.random.Generator, decimals: int | None = 2,
                ranges: dict[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """A value for every leaf, in declaration order: uniform on ``ranges[kind]`` (parameters on
    [−1, 1], inputs and targets on [0, 1]), rounded to ``decimals`` (None: unrounded).
    Scalars are floats, matrices float64 arrays of the leaf's shape."""
    import numpy as np
    spans = {**RANGES, **(ranges or {})}
    out: dict[str, Any] = {}
    for x in graph.leaves:
        low, high = spans[x.kind]
        v = rng.uniform(low, high, size=x.shape or None)
        v = np.round(v, decimals) if decimals is not None else v
        out[x.name] = float(v) if x.shape == () else np.asarray(v, dtype=float)
    return out


def chain_factors(formula: Any, env: dict[str, Any]) -> tuple[tuple[Any, ...], ...] | None:
    """The value of each factor of a chain-rule product, per term of a sum of products; a factor
    that is itself such a sum is given as its terms (δ_h1 = (0.138499 × 0.4 − 0.0380982 × 0.5) ×
    0.241301). None unless the formula is a product of scalars or a sum with numbers to show."""
    from derive.notation import Chain, ChainSum
    if not isinstance(formula, (Chain, ChainSum)):
        return None
    terms = _terms_at(formula, env)
    if terms is None or (len(terms) == 1 and len(terms[0]) == 1):
        return None
    return terms


def _terms_at(formula: Any, env: dict[str, Any]) -> tuple[tuple[Any, ...], ...] | None:
    from derive.notation import Chain, ChainSum
    out = []
    for term in formula.args if isinstance(formula, ChainSum) else (formula,):
        factors = term.args if isinstance(term, Chain) else (term,)
        if len(factors) > 1 and factors[0] == -1:
            factors = (sp.Mul(-1, factors[1], evaluate=False), *factors[2:])
        numbers = tuple(_terms_at(f, env) if isinstance(f, ChainSum) else _scalar_at(f, env) for f in factors)
        if any(n is None for n in numbers):
            return None
        out.append(numbers)
    return tuple(out)


def _scalar_at(expr: Any, env: dict[str, Any]) -> float | None:
    """A scalar factor's value at the program's numbers (None for a matrix or a missing name)."""
    from derive.notation import plain
    try:
        subs = {s: env[s.name] for s in expr.free_symbols}
        value = complex(plain(expr).xreplace({k: sp.Float(float(v)) for k, v in subs.items()}).evalf())
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return value.real if value.imag == 0 and math.isfinite(value.real) else None


def evaluate(doc: Any, d: Any, values: dict[str, Any]) -> Any:
    """Fill a Derivation (built from GraphDerivation ``d``) with numbers: every step's value, every
    result's value and ``inputs`` (the leaves' values), by running ``d``'s steps as a Program."""
    env = Program(d.steps).run(values)
    doc.steps = [replace(s, factors=chain_factors(s.formula, env)) for s in with_values(doc.steps, env)]
    doc.results = results_with_values(doc.results, env, d.variables)
    doc.inputs = {k: rounded(v) for k, v in values.items()}
    return doc


def guard_checks(checks: Iterable[tuple[Any, Any, Iterable[str]]], points: int) -> None:
    """Refuse (``--points``) before compiling anything a verification whose central differences
    over all its ``checks`` (graph, derivation, names of the leaves differentiated) would exceed
    ``numcheck.MAX_FD_WORK``: sizes from the graph's leaves, steps from the derivation's forward steps."""
    import numpy as np

    from derive.numcheck import guard_total
    sizes = []
    for graph, d, names in checks:
        shapes = {x.name: x.shape for x in graph.leaves}
        steps = sum(1 for s in d.forward if s.lhs is not None and s.formula is not None and not isinstance(s.formula, str))
        sizes.append((sum(int(np.prod(shapes.get(n, ()), dtype=np.int64)) for n in names), max(1, steps)))
    guard_total(points, sizes)


def verify_steps(graph: Any, d: Any, sample: Sampler, points: int, seed: int,
                 torch_loss: Callable[[dict[str, Any]], Any] | None = None,
                 wrt: Iterable[str] | None = None) -> list[Check]:
    """Every parameter's derived gradient (``d``'s displayed formulas, lambdified) against central
    differences of the forward steps, the NumPy reverse-mode engine, and torch autograd of
    ``torch_loss`` (an independent implementation; skipped when torch is missing or it is None).
    ``wrt`` names the leaves to check instead of the parameters (e.g. the inputs Q, K, V)."""
    names = list(wrt) if wrt is not None else [p.name for p in graph.params]
    guard_checks([(graph, d, names)], points)
    program, forward = Program(d.steps), Program(d.forward)
    grads = {name: d.gradient(name) for name in names}
    checks = check_program(program, d.loss, grads, sample, points, seed, torch_loss, True, forward, FD_FLOOR)
    return checks + check_engine(graph, program, grads, sample, points, seed)
