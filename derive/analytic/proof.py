"""Proofs that one step equals another: SymPy first, numbers at random points where that is costly.

A :class:`Claim` says ``left = right`` for the step ``step``. Its ``method`` is one of

    definition   nothing to prove (the step introduces a name)
    symbolic     some bounded SymPy rewrite of (left − right) is exactly 0
    numeric      left and right agree at random points of ``domain`` (30 significant digits;
                 integrals by adaptive quadrature), for every case of ``functions``
    computed     right was produced from left by SymPy (diff, integrate, solve); re-proving
                 re-runs ``left.doit()`` and proves the result equal to right symbolically

``assume`` holds substitutions made before proving (e.g. y₃ → 1 − y₁ − y₂ when Σy = 1);
``functions`` gives concrete densities for undefined functions such as p_data(x).
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable

import sympy as sp
from sympy.core.function import AppliedUndef, UndefinedFunction

from derive.analytic.timeguard import Timeout, time_limit
from derive.pcg64 import DefaultRng
from derive.scalar_functions import as_expr

if TYPE_CHECKING:
    import numpy as np

DEFAULT_BOX = (-2.0, 2.0)
POSITIVE_BOX = (0.25, 3.0)
REL_TOL = 1e-9
UNEVALUATED = (sp.Derivative, sp.Subs)  # evaluated before a symbolic proof (integrals are not: costly)
QUAD_TOL = 1e-7


@dataclass(frozen=True)
class Claim:
    """``left = right`` for step ``step``, to be shown by ``method`` (see the module docstring)."""

    step: str
    left: Any
    right: Any
    method: str = "symbolic"
    domain: tuple[tuple[Any, float, float], ...] = ()
    assume: tuple[tuple[Any, Any], ...] = ()
    functions: tuple[tuple[tuple[Any, Any], ...], ...] = ()
    points: int = 6


@dataclass(frozen=True)
class Proof:
    """Outcome of proving a claim: whether it holds and how it was shown."""

    ok: bool
    how: str
    error: float = 0.0
    deferred: bool = False  # not run now: left to verify and the tests (recomputations, quadrature)


def assumed(expr: Any, assume: tuple[tuple[Any, Any], ...]) -> Any:
    """``expr`` after ``assume``: named functions replaced, then symbols and integrals substituted."""
    funcs = tuple((k, v) for k, v in assume if isinstance(k, UndefinedFunction))
    subs = {k: v for k, v in assume if not isinstance(k, UndefinedFunction)}
    expr = concrete(as_expr(expr), funcs)
    return expr.subs(subs) if subs else expr


def _assumed(claim: Claim) -> tuple[Any, Any]:
    return assumed(claim.left, claim.assume), assumed(claim.right, claim.assume)


def _linear(e: Any) -> Any:
    """Σ c_i ∫ f_i over the same limits is ∫ Σ c_i f_i: 0 when that integrand expands to 0 (linearity)."""
    groups: dict[Any, Any] = {}
    for term in sp.Add.make_args(sp.expand(e)):
        coeff, rest = term.as_independent(sp.Integral, as_Add=False)
        if not isinstance(rest, sp.Integral):
            return e
        groups[rest.limits] = groups.get(rest.limits, 0) + coeff * rest.function
    for f in groups.values():
        if sp.expand(sp.expand_log(sp.expand(f), force=True)) != 0 and sp.simplify(f) != 0:
            return e
    return sp.S.Zero


def _rewrite_exp(e: Any) -> Any:
    return sp.cancel(sp.expand(e.rewrite(sp.exp)))


def _breakpoints(conds: list[Any], v: Any) -> list[Any] | None:
    """The constants c of conditions made only of comparisons v ⋚ c (and And/Or/True of them), else None."""
    points: set[Any] = set()
    for cond in conds:
        for atom in cond.atoms(sp.core.relational.Relational):
            sides = {atom.lhs, atom.rhs}
            numbers = [t for t in sides if t.is_number]
            if v not in sides or len(numbers) != 1 or not numbers[0].is_real:
                return None
            points.add(numbers[0])
    return sorted(points, key=float)


def _case_values(e: Any, v: Any, points: list[Any]) -> list[Any]:
    """The case of ``e`` active on each open interval between breakpoints, and e at each breakpoint.

    Conditions that compare v with constants are constant on each open interval, so the case
    active at the interval's midpoint is the case active on all of it.
    """
    probes = [points[0] - 1, points[-1] + 1] + [(a + b) / 2 for a, b in zip(points, points[1:])]
    out = [e.subs(v, p) for p in points]
    for p in probes:
        out.append(next(piece for piece, cond in e.args if cond.subs(v, p) == sp.true))
    return out


def _piecewise(e: Any) -> Any:
    """Fold into one Piecewise in one variable and show that every case is 0 where it applies."""
    e = sp.piecewise_fold(e.rewrite(sp.Piecewise))
    if not isinstance(e, sp.Piecewise):
        return sp.simplify(e)
    conds = [c for _, c in e.args]
    cond_vars = set().union(*(c.free_symbols for c in conds))
    if len(cond_vars) != 1:
        return e
    v = cond_vars.pop()
    points = _breakpoints(conds, v)
    if not points:
        return e
    for value in _case_values(e, v, points):
        if value != 0 and sp.cancel(sp.expand(value)) != 0 and sp.simplify(value) != 0:
            return e
    return sp.S.Zero


TRANSFORMS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("the difference is 0 as written", lambda e: e),
    ("expand(difference) = 0", sp.expand),
    ("cancel(difference) = 0", sp.cancel),
    ("difference in exponentials cancels to 0", _rewrite_exp),
    ("expand_log(difference) = 0", lambda e: sp.expand(sp.expand_log(e, force=True))),
    ("trigsimp(difference) = 0", sp.trigsimp),
    ("linearity: the integrands agree", _linear),
    ("each case of the folded Piecewise is 0", _piecewise),
    ("simplify(difference) = 0", sp.simplify),
)


INTEGRAL_TRANSFORMS = tuple(t for t in TRANSFORMS if t[0].startswith(("the difference", "linearity", "expand")))


def needs_quadrature(claim: Claim) -> bool:
    """True for a numeric claim about integrals (SciPy quadrature: too slow to redo on every ``derive``)."""
    return claim.method == "numeric" and any(as_expr(e).has(sp.Integral) for e in (claim.left, claim.right))


CHEAP_TRANSFORMS = tuple(t for t in TRANSFORMS if not t[0].startswith(("simplify", "each case")))
PIECEWISE_TRANSFORMS = TRANSFORMS[:2] + tuple(t for t in TRANSFORMS if t[0].startswith("each case")) + TRANSFORMS[2:]


def zero_by(expr: Any, seconds: float = 10.0, transforms: tuple[tuple[str, Callable[[Any], Any]], ...] | None = None) -> str | None:
    """Name of the first bounded rewrite that turns ``expr`` into exactly 0, or None.

    Every rewrite shares one clock of ``seconds`` (enforced where ``time_limit`` can be);
    ``transforms`` narrows the list (``CHEAP_TRANSFORMS`` leaves out ``simplify``).
    """
    if isinstance(expr, sp.MatrixBase):
        names = [zero_by(v, seconds, transforms) for v in expr]
        return None if None in names else max(names, key=lambda n: [t[0] for t in TRANSFORMS].index(n))
    if transforms is None:
        expr = as_expr(expr)
        transforms = (INTEGRAL_TRANSFORMS if expr.has(sp.Integral) else
                      PIECEWISE_TRANSFORMS if expr.has(sp.Piecewise, sp.Heaviside, sp.Max, sp.Min) else TRANSFORMS)
    try:
        with time_limit(seconds):
            for name, transform in transforms:
                out = transform(expr)
                if out == 0 or (not out.has(sp.Integral) and sp.S(out).is_zero is True):
                    return name
    except Timeout:
        return None
    return None


def free_variables(*exprs: Any) -> list[Any]:
    """Free symbols of ``exprs`` (integration variables are bound, so not included), sorted by name."""
    found: set[Any] = set()
    for e in exprs:
        found |= as_expr(e).free_symbols
    return sorted(found, key=lambda s: s.name)


def sample_point(symbols: list[Any], domain: dict[Any, tuple[float, float]], rng: DefaultRng | np.random.Generator) -> dict[Any, Any]:
    """One random point: each symbol uniform on its box (positive symbols on (0.25, 3))."""
    point = {}
    for s in symbols:
        lo, hi = domain.get(s, POSITIVE_BOX if s.is_positive else DEFAULT_BOX)
        if lo == hi:  # a pinned value, possibly exact (e.g. 1/√2)
            point[s] = as_expr(lo)
        else:
            point[s] = sp.Float(round(float(rng.uniform(float(lo), float(hi))), 6), 30)
    return point


@lru_cache(maxsize=256)
def _integrand(function: Any, variables: tuple[Any, ...], params: tuple[Any, ...]) -> Callable[..., float]:
    from derive.functions import NUMPY_MODULE
    return sp.lambdify([*variables, *params], sp.expand_log(function, force=True), modules=[NUMPY_MODULE, "math"])


def _quad(integral: Any, point: dict[Any, Any]) -> Any:
    """A definite integral at ``point`` by adaptive quadrature (SciPy quad / nquad), as a 30-digit Float."""
    from scipy import integrate
    variables = tuple(lim[0] for lim in integral.limits)
    params = tuple(sorted(integral.free_symbols, key=str))
    f = _integrand(integral.function, variables, params)
    args = [float(point[p]) for p in params]
    ranges = [(float(lim[1]), float(lim[2])) for lim in integral.limits]

    def safe(*xs: float) -> float:
        try:
            v = float(f(*xs, *args))
        except (ValueError, OverflowError, ZeroDivisionError):
            return 0.0  # log 0 where a density underflowed in the far tail
        return v if math.isfinite(v) else 0.0
    if len(variables) == 1:
        value = integrate.quad(safe, *ranges[0], epsabs=1e-12, epsrel=1e-11, limit=200)[0]
    else:
        value = integrate.nquad(safe, ranges, opts={"epsabs": 1e-11, "epsrel": 1e-10, "limit": 100})[0]
    return sp.Float(value, 30)


def concrete(expr: Any, functions: tuple[tuple[Any, Any], ...]) -> Any:
    """``expr`` with each undefined function replaced by its concrete Lambda."""
    for f, lam in functions:
        expr = expr.replace(f, lam)
    return expr


def _numeric_diff(d: Any, point: dict[Any, Any], functions: tuple[tuple[Any, Any], ...]) -> Any:
    """An unevaluated derivative at ``point`` by mpmath's numerical differentiation (not by SymPy diff)."""
    import mpmath
    (var, order), = d.variable_count
    with mpmath.workdps(30):
        f = lambda t: mpmath.mpf(_value30(d.expr, {**point, var: sp.Float(t, 30)}, functions))  # noqa: E731
        value = mpmath.diff(f, mpmath.mpf(point[var]), int(order), h=mpmath.mpf("1e-9"))  # central, error ~ h²
    return sp.Float(value, 30)


def _value30(expr: Any, point: dict[Any, Any], functions: tuple[tuple[Any, Any], ...]) -> Any:
    e = concrete(as_expr(expr), functions)
    if e.has(sp.Derivative):
        e = e.replace(lambda a: isinstance(a, sp.Derivative), lambda d: _numeric_diff(d, point, functions))
    if e.has(sp.Integral):
        e = e.replace(lambda a: isinstance(a, sp.Integral), lambda a: _quad(a, point))
    return e.subs(point).evalf(30)


def evaluate(expr: Any, point: dict[Any, Any], functions: tuple[tuple[Any, Any], ...] = ()) -> complex:
    """Value of ``expr`` at ``point`` (30 digits; integrals by quadrature, derivatives by mpmath); nan where undefined."""
    try:
        v = complex(_value30(expr, point, functions))
    except (TypeError, ValueError):
        return complex("nan")
    return v if abs(v.imag) <= 1e-20 * max(1.0, abs(v.real)) else complex("nan")


def _entries(e: Any) -> list[Any]:
    return list(e) if isinstance(e, sp.MatrixBase) else [e]


def numeric_gap(claim: Claim, seed: int = 0, points: int | None = None,
                functions: tuple[tuple[Any, Any], ...] = (), domain: tuple[tuple[Any, Any, Any], ...] = ()) -> tuple[float, int]:
    """Largest relative gap |left − right| / max(1, |left|, |right|) over random points, and the points used.

    A point counts when both sides are defined there (every entry, for matrices). ``functions``
    gives concrete forms of named functions when the claim has no cases of its own; ``domain``
    gives default sampling boxes (the claim's own boxes win).
    """
    left, right = _assumed(claim)
    pairs = list(zip(_entries(left), _entries(right)))
    symbols = free_variables(left, right)
    domain = {s: (lo, hi) for s, lo, hi in (*domain, *claim.domain)}
    rng = DefaultRng(seed)  # NumPy's default_rng(seed) draws, without importing NumPy
    worst, counted = 0.0, 0
    for case in claim.functions or (functions,):
        for _ in range(1 if _fixed(symbols, domain) else points or claim.points):
            p = sample_point(symbols, domain, rng)
            values = [(evaluate(a, p, case), evaluate(b, p, case)) for a, b in pairs]
            if not all(cmath.isfinite(a) and cmath.isfinite(b) for a, b in values):
                continue
            worst = max([worst] + [abs(a - b) / max(1.0, abs(a), abs(b)) for a, b in values])
            counted += 1
    return worst, counted


def _fixed(symbols: list[Any], domain: dict[Any, tuple[float, float]]) -> bool:
    """True when every variable is pinned to one value (the claim is about a single point)."""
    return all(s in domain and domain[s][0] == domain[s][1] for s in symbols)


def _numeric_proof(claim: Claim) -> Proof:
    gap, counted = numeric_gap(claim)
    left, right = as_expr(claim.left), as_expr(claim.right)
    tol = QUAD_TOL if left.has(sp.Integral) or right.has(sp.Integral) else REL_TOL
    domain = {s: (lo, hi) for s, lo, hi in claim.domain}
    if _fixed(free_variables(left, right), domain):
        what = "equal when evaluated to 30 digits"
    else:
        what = f"equal at {counted} random points"
    if claim.functions:
        what += f" for {len(claim.functions)} pairs of concrete densities"
    if counted == 0:
        return Proof(False, "no point where both sides are defined", math.nan)
    return Proof(gap <= tol, f"{what}, max relative gap {gap:.1e}", gap)


def claim_key(claim: Claim) -> str:
    """The claim written out exactly (every part's expression tree, symbols with their
    assumptions): the key of the proof cache and of the prepared table."""
    parts = (claim.left, claim.right, claim.method, claim.domain, claim.assume, claim.functions, claim.points)
    return "|".join(exact_text(p) for p in parts)


def exact_text(value: Any) -> str:
    """An exact, deterministic text of ``value``: what ``sympy.srepr`` shows, without its printer
    (the tree walked once: class names, symbol names and assumptions, exact numbers)."""
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(exact_text(v) for v in value) + ")"
    if not isinstance(value, sp.Basic):
        return repr(value)
    if isinstance(value, sp.Symbol):
        extra = f",{value.dummy_index}" if isinstance(value, sp.Dummy) else ""
        return f"{type(value).__name__}({value.name!r},{sorted(value.assumptions0.items())!r}{extra})"
    if isinstance(value, sp.Rational):
        return f"Q({value.p},{value.q})"
    if isinstance(value, sp.Float):
        return f"F({value._mpf_!r},{value._prec})"
    if not value.args:
        return sp.srepr(value)
    head = f"{type(value).__name__}{sorted(value.func._kwargs.items())!r}" if isinstance(value, AppliedUndef) else type(value).__name__
    return head + "(" + ",".join(exact_text(a) for a in value.args) + ")"


def prove(claim: Claim, seconds: float = 20.0) -> Proof:
    """Prove ``claim`` by its method; a failed proof is a bug in the script that made it."""
    if claim.method == "definition":
        return Proof(True, "definition")
    if claim.method == "numeric":
        return _numeric_proof(claim)
    left, right = _assumed(claim)
    if claim.method == "computed" or left.has(*UNEVALUATED):
        left = left.doit()
    if right.has(*UNEVALUATED):
        right = right.doit()
    how = zero_by(left - right, seconds)
    if how is None:
        return Proof(False, "no bounded SymPy rewrite reached 0")
    return Proof(True, ("SymPy recomputed it; " if claim.method == "computed" else "") + how)
