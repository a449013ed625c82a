"""Known slips in a hand-derived derivative ∂f/∂w, each a small function that reproduces one.

For an inner application F(u) of f (σ, tanh, exp, log, …, or a power uⁿ) the true derivative is

    ∂f/∂w = A + B · F′(u) · ∂u/∂w,   A = ∂f/∂w with F(u) held fixed,  B = ∂f/∂F(u)

and the slips replace one factor: ∂u/∂w → 1 (chain factor forgotten), F′ → F (σ instead of σ′),
1 − tanh² → 1 − tanh. Global slips: the sign, a factor 2 (the ½ of ½(t − o)²) and differentiating
by another variable. :func:`diagnose` names the first slip whose formula matches the student's
answer at every sampled point.
"""

from __future__ import annotations

from typing import Any, Iterator

import sympy as sp

from derive.analytic.pointwise import close, scalar_function, value_at
from derive.analytic.timeguard import Timeout, time_limit
from derive.scalar_functions import relu, sigmoid, softplus

NAMES = {sigmoid: "σ", sp.tanh: "tanh", sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos",
         relu: "ReLU", softplus: "softplus"}
MAX_CANDIDATES = 24


def _applications(f: Any, var: Any) -> Iterator[tuple[Any, Any, Any, str]]:
    """(node, inner u, F as a function of a dummy, name) for each F(u) in f whose u depends on var."""
    for node in sp.preorder_traversal(f):
        if isinstance(node, sp.Function) and len(node.args) == 1 and node.func in NAMES:
            u = node.args[0]
            if u.has(var):
                yield node, u, node.func, NAMES[node.func]
        elif isinstance(node, sp.Pow) and node.exp.is_number and node.base.has(var) and node.exp != -1:
            yield node, node.base, (lambda t, n=node.exp: t ** n), f"(·)^{node.exp}"


def _pieces(f: Any, var: Any, node: Any) -> tuple[Any, Any]:
    """A = ∂f/∂var with node held fixed, B = ∂f/∂node."""
    t = sp.Dummy("t")
    ft = f.xreplace({node: t})
    return sp.diff(ft, var).subs(t, node), sp.diff(ft, t).subs(t, node)


def named_candidates(f: Any, var: Any) -> list[tuple[str, str, Any]]:
    """(kind, description, wrong derivative) for every known slip that applies to f and var.

    Kinds: ``sign``, ``chain-factor`` (inner derivative dropped), ``function-for-derivative``
    (σ instead of σ′), ``tanh-prime`` (1 − tanh for 1 − tanh²), ``derivative-form`` (σ(1 + σ)),
    ``half`` (the ½ of ½(t − o)² ignored), ``factor-2`` and ``wrong-variable``.
    """
    true = sp.diff(f, var)
    out: list[tuple[str, str, Any]] = []
    for node, u, func, name in _applications(f, var):
        a, b = _pieces(f, var, node)
        t = sp.Dummy("t")
        fprime = sp.diff(func(t), t).subs(t, u)
        du = sp.diff(u, var)
        if du == -1:
            out.append(("sign", f"sign error: the inner derivative ∂({u})/∂{var} = −1 was dropped", a + b * fprime))
        elif du != 1:
            out.append(("chain-factor", f"missing the inner derivative (chain factor) ∂({u})/∂{var} = {du}", a + b * fprime))
        if func in (sigmoid, sp.tanh, relu, softplus):
            out.append(("function-for-derivative", f"used {name}({u}) instead of its derivative {name}′({u})", a + b * func(u) * du))
        if func is sp.tanh:
            out.append(("tanh-prime", "wrote tanh′ = 1 − tanh instead of 1 − tanh²", a + b * (1 - sp.tanh(u)) * du))
        if func is sigmoid:
            out.append(("derivative-form", "wrote σ′ = σ(1 + σ) or similar instead of σ(1 − σ)", a + b * sigmoid(u) * (1 + sigmoid(u)) * du))
    out.append(("sign", "sign error (the negative of the derivative)", -true))
    out.append(("half", "twice the derivative (e.g. the ½ of E = ½(t − o)² ignored)", 2 * true))
    out.append(("factor-2", "half the derivative (e.g. the 2 from differentiating a square dropped)", true / 2))
    for other in sorted(f.free_symbols - {var}, key=lambda s: s.name):
        out.append(("wrong-variable", f"differentiated with respect to {other} instead of {var}", sp.diff(f, other)))
    return out[:MAX_CANDIDATES]


def candidates(f: Any, var: Any) -> list[tuple[str, Any]]:
    """(description, wrong derivative) for every known slip that applies to f and var."""
    return [(text, wrong) for _, text, wrong in named_candidates(f, var)]


def power_candidates(f: Any, var: Any) -> list[tuple[str, str, Any]]:
    """(``wrong-power``, description, wrong derivative) for each power uⁿ in f: the exponent kept
    (n·uⁿ·u′) or lowered twice (n·uⁿ⁻²·u′) instead of n·uⁿ⁻¹·u′."""
    out: list[tuple[str, str, Any]] = []
    for node in sp.preorder_traversal(f):
        if isinstance(node, sp.Pow) and node.exp.is_number and node.exp not in (0, 1) and node.base.has(var):
            a, b = _pieces(f, var, node)
            u, n = node.base, node.exp
            du = sp.diff(u, var)
            out.append(("wrong-power", f"wrong power: d/d{var} ({u})^{n} written with ({u})^{n} instead of ({u})^{n - 1}",
                        a + b * n * u ** n * du))
            out.append(("wrong-power", f"wrong power: d/d{var} ({u})^{n} written with ({u})^{n - 2} instead of ({u})^{n - 1}",
                        a + b * n * u ** (n - 2) * du))
    return out[:MAX_CANDIDATES]


def diagnose(f: Any, var: Any, answer: Any, rows: list[Any], variables: list[Any], seconds: float = 3.0) -> str | None:
    """The first slip that reproduces ``answer`` at every sampled point where both are defined, or None.

    ``rows`` are (point, true derivative, answer or None) from the sampler; a slip that happens
    to equal the true derivative everywhere sampled is skipped. Gives up (None) after ``seconds``.
    """
    if seconds <= 0:
        return None
    try:
        with time_limit(seconds):
            for text, wrong in candidates(f, var):
                fn = scalar_function(wrong, variables)
                seen = [(value_at(fn, point), ev, av) for point, ev, av in rows if av is not None]
                seen = [(w, ev, av) for w, ev, av in seen if w is not None]
                if seen and any(not close(w, ev) for w, ev, _ in seen) and all(close(w, av) for w, _, av in seen):
                    return text
    except (Timeout, SyntaxError, RecursionError, MemoryError):  # SyntaxError: lambdify's code nested too deeply
        return None
    return None
