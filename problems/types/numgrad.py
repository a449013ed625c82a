"""Chain rule and numerical gradient: f(x) = φ(g(x)) by the chain rule, by central and forward
differences, and through a chain of k sigmoid neurons (vanishing factor 0.25ᵏ) (SYLLABUS §1, §2).

Equations::

    u = g(x) (a·x + b, or a·x² + b),   f = φ(u),   df/dx = φ′(u)·g′(x)
    central  (f(x + h) − f(x − h))/(2h)   error O(h²);    forward  (f(x + h) − f(x))/h   error O(h)
    chain:   z_l = w_l a_(l−1) + b_l,  a_l = σ(z_l),  a_0 = x;   ∂a_l/∂a_(l−1) = w_l a_l(1 − a_l)
             ∂a_k/∂x = Π_l w_l a_l(1 − a_l),   |∂a_k/∂x| ≤ 0.25ᵏ Π_l |w_l|   (σ′ ≤ 1/4)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import choice, number, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.statement_text import num, vec
from problems.types import _numgrad_functions as G

NAME = "numgrad"
SUMMARY = "Chain rule for φ(g(x)) checked by central and forward differences; a chain of k sigmoids and 0.25ᵏ"
SECTIONS = ("1", "2")
VARIANTS = {"composite": "df/dx of φ(g(x)) by the chain rule, then (f(x + h) − f(x − h))/(2h) and (f(x + h) − f(x))/h",
            "chain": "∂a_k/∂x through k sigmoid neurons as a product of local derivatives; the bound 0.25ᵏ"}
STEPS = [
    StepSpec("u", "Inner value u = g(x)", "number", 3, "a·x + b  or  a·x² + b"),
    StepSpec("f", "f(x) = φ(u)", "number", 4, "φ(u)"),
    StepSpec("dg", "Inner derivative g′(x)", "number", 3, "a  or  2a·x"),
    StepSpec("dphi", "Outer derivative φ′(u)", "number", 4, "φ′ evaluated at u = g(x)"),
    StepSpec("grad", "Derivative by the chain rule", "number", 4, "φ′(g(x))·g′(x)  |  Π_l w_l a_l(1 − a_l)"),
    StepSpec("fplus", "f(x + h)", "number", 5, "φ(g(x + h))"),
    StepSpec("fminus", "f(x − h)", "number", 5, "φ(g(x − h))"),
    StepSpec("central", "Central difference", "number", 3, "(f(x + h) − f(x − h))/(2h)"),
    StepSpec("forward", "Forward difference", "number", 3, "(f(x + h) − f(x))/h"),
    StepSpec("err-central", "Error of the central difference", "number", 4, "|central − df/dx|"),
    StepSpec("err-forward", "Error of the forward difference", "number", 4, "|forward − df/dx|"),
    StepSpec("z.l", "Net input of neuron l", "number", 3, "z_l = w_l a_(l−1) + b_l"),
    StepSpec("a.l", "Output of neuron l", "number", 4, "a_l = σ(z_l)"),
    StepSpec("local.l", "Local derivative ∂a_l/∂a_(l−1)", "number", 4, "w_l a_l(1 − a_l)"),
    StepSpec("vanish", "Largest product of k sigmoid derivatives", "number", 4, "0.25ᵏ"),
    StepSpec("bound", "Bound on |∂a_k/∂x| for these weights", "number", 4, "0.25ᵏ Π_l |w_l|"),
]
TOLERANCES = {k: 1e-9 for k in ("err-central", "err-forward", "grad", "local.l", "vanish", "bound")}  # small values: no 1e-6 floor
GIVENS = {"variant": "composite or chain", "outer": "composite: sigmoid, tanh, exp, softplus or square (φ(u) = u²)",
          "inner": "composite: affine (g = a·x + b) or square (g = a·x² + b)", "a, b": "composite: coefficients of g",
          "x": "the point", "h": "composite: step of the differences", "w, b": "chain: weights and biases of the k neurons"}
MISTAKES = {
    "inner-derivative-dropped": "chain rule stopped at the outer function: φ′(g(x)) without the factor g′(x)",
    "outer-at-x": "outer derivative evaluated at x instead of at u = g(x)",
    "value-as-derivative": "the function's value used as its derivative (σ(u) instead of σ(u)(1 − σ(u)))",
    "tanh-not-squared": "tanh′ written 1 − tanh(u) instead of 1 − tanh²(u)",
    "power-rule": "derivative of a·x² written a·x: the factor 2 is missing",
    "central-no-2": "central difference divided by h instead of 2h",
    "one-sided": "forward difference (f(x + h) − f(x))/h given as the central difference",
    "difference-sign": "difference taken the wrong way round: (f(x − h) − f(x + h))/(2h)",
    "weight-dropped": "local derivative without the weight: a_l(1 − a_l) instead of w_l a_l(1 − a_l)",
    "sum-not-product": "local derivatives added instead of multiplied along the chain",
    "max-derivative-half": "largest σ′ taken as 1/2 (that is σ(0)); σ′(0) = 1/4, so the factor is 0.25ᵏ",
}
_CHAIN = {"weight-dropped", "sum-not-product", "max-derivative-half"}
APPLIES = {**{m: (lambda g: g["variant"] == "composite") for m in MISTAKES if m not in _CHAIN},
           **{m: (lambda g: g["variant"] == "chain") for m in _CHAIN},
           "tanh-not-squared": lambda g: g.get("outer") == "tanh", "power-rule": lambda g: g.get("inner") == "square",
           "value-as-derivative": lambda g: g.get("outer") != "exp"}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Easy: affine inner, h = 0.1, or 2 neurons; exam: any φ, h ∈ {0.1, 0.2}; hard: x², h ∈ {0.05, 0.1}, 4 neurons."""
    v = variant or pick(rng, {"easy": ["composite", "composite", "chain"], "exam": ["composite", "chain"],
                              "hard": ["composite", "chain"]}[difficulty])
    one = lambda lo, hi: round(float(rng.integers(lo, hi + 1)) / 10, 1) or 0.5  # noqa: E731

    def draw() -> dict[str, Any]:
        if v == "chain":
            k = {"easy": 2, "exam": pick(rng, [2, 3]), "hard": 4}[difficulty]
            return {"variant": v, "x": one(-10, 10), "w": [one(-20, 20) for _ in range(k)], "b": [one(-5, 5) for _ in range(k)]}
        inner = "square" if difficulty == "hard" or (difficulty == "exam" and rng.integers(3) == 0) else "affine"
        outer = pick(rng, ["sigmoid", "tanh", "exp"] if difficulty == "easy" else list(G.OUTER))
        return {"variant": v, "outer": outer, "inner": inner, "a": pick(rng, [0.5, 1.0, 2.0, -1.0, 1.5, -0.5]),
                "b": one(-5, 5), "x": one(-10, 10), "h": {"easy": 0.1, "exam": pick(rng, [0.1, 0.2]), "hard": pick(rng, [0.05, 0.1])}[difficulty]}
    return generate_clear(this(__name__), draw)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Composite: φ, g, a, b, x and 0 < h ≤ 1; chain: x and 1–6 weights and biases."""
    v = choice(g, "variant", VARIANTS, default="chain" if isinstance(g.get("w"), list) else "composite")
    if v == "chain":
        w = vector(g, "w", (1, 6))
        return {"variant": v, "x": number(g, "x", -100, 100), "w": w, "b": vector(g, "b", (len(w), len(w)))}
    return {"variant": v, "outer": choice(g, "outer", G.OUTER), "inner": choice(g, "inner", ("affine", "square"), default="affine"),
            "a": number(g, "a", -100, 100), "b": number(g, "b", -100, 100), "x": number(g, "x", -100, 100),
            "h": number(g, "h", 1e-6, 1.0)}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if g["variant"] == "chain":
        return (f"A chain of {len(g['w'])} sigmoid neurons computes a_l = σ(w_l a_(l−1) + b_l) from a_0 = x = {num(g['x'])}, "
                f"with w = {vec(g['w'])} and b = {vec(g['b'])}. Give z_l and a_l for every neuron, each local derivative "
                "∂a_l/∂a_(l−1), ∂a_k/∂x by the chain rule, 0.25ᵏ and the bound 0.25ᵏ Π|w_l|.")
    return (f"Let f(x) = φ(g(x)) with φ(u) = {G.OUTER[g['outer']]} and g(x) = {G.inner_text(g)}. At x = {num(g['x'])} give "
            f"u, f, g′(x), φ′(u) and df/dx by the chain rule; then, with h = {num(g['h'])}, f(x + h), f(x − h), the central "
            "and the forward difference and the error of each.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    if g["variant"] == "chain":
        return ["σ(z) = 1/(1 + e^(−z)), σ′(z) = σ(z)(1 − σ(z)) ≤ 1/4.", "Local derivatives and ∂a_k/∂x are signed; the bound is positive."]
    return ["Natural logarithm and e; errors are absolute values |estimate − df/dx|.",
            "Keep at least 5 decimals in f(x ± h): their difference is divided by 2h."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Composite: chain rule, then the differences; chain: forward pass, local derivatives, product, bounds."""
    if idle(work, APPLIES, g):
        return
    if g["variant"] == "chain":
        G.solve_chain(g, work)
        return
    x, h, phi, dphi = g["x"], g["h"], G.phi(g["outer"]), G.dphi(g["outer"], work)
    u = work.put("u", "u = g(x)", G.inner(g, x), "g(x)")
    f = work.put("f", "f(x)", phi(u), "φ(u)", depends_on=("u",))
    dg = work.put("dg", "g′(x)", G.dinner(g, x, work), "2a·x" if g["inner"] == "square" else "a")
    d_outer = work.put("dphi", "φ′(u)", dphi(x if work.mistake("outer-at-x") else u), "φ′(u)", depends_on=("u",))
    grad = work.put("grad", "df/dx", d_outer if work.mistake("inner-derivative-dropped") else d_outer * dg, "φ′(u)·g′(x)",
                    depends_on=("dphi", "dg"))
    fp = work.put("fplus", "f(x + h)", phi(G.inner(g, x + h)), "φ(g(x + h))")
    fm = work.put("fminus", "f(x − h)", phi(G.inner(g, x - h)), "φ(g(x − h))")
    if work.mistake("one-sided"):
        central = (fp - f) / h
    else:
        central = (fp - fm) / (h if work.mistake("central-no-2") else 2 * h) * (-1 if work.mistake("difference-sign") else 1)
    central = work.put("central", "Central difference", central, "(f(x + h) − f(x − h))/(2h)", depends_on=("fplus", "fminus"))
    forward = work.put("forward", "Forward difference", (fp - f) / h, "(f(x + h) − f(x))/h", depends_on=("fplus", "f"))
    work.put("err-central", "|central − df/dx|", abs(central - grad), "|central − df/dx|", depends_on=("central", "grad"))
    work.put("err-forward", "|forward − df/dx|", abs(forward - grad), "|forward − df/dx|", depends_on=("forward", "grad"))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch autograd (NumPy complex step without it) and
    ``derive.numcheck.numerical_gradient`` for the central difference."""
    return G.cross(g) if g["variant"] == "composite" else G.cross_chain(g)

