"""Automatic differentiation by hand: an evaluation trace in forward mode (tangents) and reverse
mode (adjoints), and how many passes each mode needs for a Jacobian (SYLLABUS §1).

Equations::

    trace      v_i = op(earlier v's or inputs x₁, x₂),  f = v_K
    forward    v̇_i = Σ_args ∂v_i/∂a · ȧ,  seeded with (ẋ₁, ẋ₂) = e_j: one pass gives ∂f/∂x_j
    reverse    v̄_K = 1,  ā += v̄_i ∂v_i/∂a over every use of a: one pass gives ∇f
    Jacobian of f: ℝ^n → ℝ^m:  n forward passes or m reverse passes;  central differences 2n evaluations
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, integer, number, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import dec, pick
from problems.shared.statement_text import num
from problems.types import _autodiff_traces as A

NAME = "autodiff"
SUMMARY = "Automatic differentiation: evaluation trace, forward-mode tangents, reverse-mode adjoints; passes for a Jacobian"
SECTIONS = ("1",)
VARIANTS = {"trace": "values, tangents (forward mode) and adjoints (reverse mode) of a small evaluation trace",
            "passes": "forward vs reverse passes and finite-difference evaluations for the Jacobian of f: ℝ^n → ℝ^m"}
STEPS = [
    StepSpec("v.i", "Value of v_i", "number", 4, "v_i = op(arguments)"),
    StepSpec("tan.i", "Tangent v_i′ (forward mode, along the seed)", "number", 4, "v_i′ = Σ_args (∂v_i/∂a)·a′"),
    StepSpec("adj.i", "Adjoint ∂f/∂v_i (reverse mode)", "number", 4, "∂f/∂v_i = Σ_users u (∂f/∂u)(∂u/∂v_i)"),
    StepSpec("grad", "Gradient (∂f/∂x₁, ∂f/∂x₂) from the reverse pass", "vector", 4, "adjoints of x₁ and x₂"),
    StepSpec("fwd-passes", "Forward-mode passes for the whole Jacobian", "integer", None, "n (one per input direction)"),
    StepSpec("rev-passes", "Reverse-mode passes for the whole Jacobian", "integer", None, "m (one per output)"),
    StepSpec("cheaper", "Cheaper mode (forward or reverse)", "choice", None, "forward if n < m, else reverse"),
    StepSpec("fd-evals", "Evaluations of f for a central-difference Jacobian", "integer", None, "2n"),
]
CHOICES = {"forward": ["forward mode", "tangent mode", "jvp"], "reverse": ["reverse mode", "backprop", "backpropagation", "adjoint mode", "vjp"]}
GIVENS = {"variant": "trace or passes", "trace": "trace: " + ", ".join(A.TRACES), "x1, x2": "trace: the input values",
          "seed": "trace: tangent seed (x₁′, x₂′), [1, 0] or [0, 1]", "n, m": "passes: inputs and outputs of f"}
MISTAKES = {
    "seed-both": "forward mode seeded with (1, 1): that is the directional derivative along (1, 1), not one partial",
    "product-one-term": "product rule with one term: (ab)′ = a′b + ab′",
    "local-value": "local derivative of a function taken as its value (e.g. σ instead of σ(1 − σ), sin instead of cos)",
    "mul-swapped": "product adjoints swapped: for v = a·b, ∂f/∂a gets (∂f/∂v)·a instead of (∂f/∂v)·b",
    "sub-sign": "adjoint through a subtraction not negated: for v = a − b, ∂v/∂b = −1",
    "not-accumulated": "adjoints overwritten instead of accumulated: a variable used twice gets the sum of both contributions",
    "modes-swapped": "pass counts swapped: forward mode needs one pass per input (n), reverse mode one per output (m)",
    "fd-one-sided": "counted one-sided differences (n + 1); central differences need f(x ± h e_i): 2n",
    "fd-per-output": "evaluations counted per output (2nm): one evaluation of f gives all m outputs",
}
_PASSES = {"modes-swapped", "fd-one-sided", "fd-per-output"}
APPLIES = {m: (lambda g, m=m: (g["variant"] == "passes") == (m in _PASSES)) for m in MISTAKES}
APPLIES["sub-sign"] = lambda g: g["variant"] == "trace" and any(op == "sub" for op, _ in A.TRACES[g["trace"]][1])


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Easy: a 3-node trace; exam: 3–4 nodes; hard: the 5-node trace of Baydin et al. or e^(x₁x₂) + x₁²."""
    v = variant or pick(rng, ["trace", "trace", "passes"])
    if v == "passes":
        n, m = pick(rng, [(pick(rng, [1000, 2500, 5000]), 1), (pick(rng, [2, 3, 4]), pick(rng, [50, 100, 200])),
                          (784, 10), (pick(rng, [3, 5]), 1), (1, pick(rng, [3, 8]))])
        return {"variant": v, "n": n, "m": m}
    names = {"easy": ["neuron", "tanh-product"], "exam": ["neuron", "tanh-product", "exp-square"],
             "hard": ["baydin", "exp-square"]}[difficulty]

    def draw() -> dict[str, Any]:
        trace = pick(rng, names)
        x1 = float(dec(rng, (), 0.5, 3.0 if trace == "baydin" else 1.5))
        return {"variant": v, "trace": trace, "x1": x1, "x2": float(dec(rng, (), -1.5, 1.5, nonzero=True)),
                "seed": pick(rng, [[1, 0], [0, 1]])}
    return generate_clear(this(__name__), draw)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """A known trace with x₁ > 0 where ln x₁ is taken and a unit seed; or 1 ≤ n, m ≤ 10⁹ with n ≠ m."""
    v = choice(g, "variant", VARIANTS, default="passes" if "n" in g else "trace")
    if v == "passes":
        n, m = integer(g, "n", 1, 10**9), integer(g, "m", 1, 10**9)
        if n == m:
            raise GivenError("m", "n = m: both modes need the same number of passes; choose n ≠ m")
        return {"variant": v, "n": n, "m": m}
    trace = choice(g, "trace", A.TRACES)
    x1 = number(g, "x1", 1e-6 if trace == "baydin" else -20, 20)
    seed = [int(s) for s in vector(g, "seed", (2, 2), default=[1, 0])]
    if seed not in ([1, 0], [0, 1]):
        raise GivenError("seed", "expected [1, 0] (∂f/∂x₁) or [0, 1] (∂f/∂x₂)")
    return {"variant": v, "trace": trace, "x1": x1, "x2": number(g, "x2", -20, 20), "seed": seed}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if g["variant"] == "passes":
        plural = lambda k, word: f"{k} {word}" + ("s" if k != 1 else "")  # noqa: E731
        return (f"A function f: ℝ^n → ℝ^m has n = {plural(g['n'], 'input')} and m = {plural(g['m'], 'output')}. How many forward-mode and "
                "reverse-mode passes give its whole Jacobian, which mode is cheaper, and how many evaluations of f does a "
                "central-difference Jacobian need?")
    text, nodes = A.TRACES[g["trace"]]
    trace = "; ".join(A.node_text(i, op, args) for i, (op, args) in enumerate(nodes, 1))
    j = "₁" if g["seed"] == [1, 0] else "₂"
    return (f"f(x₁, x₂) = {text} is evaluated by the trace {trace} at x₁ = {num(g['x1'])}, x₂ = {num(g['x2'])}. Give every "
            f"v_i; in forward mode with seed (x₁′, x₂′) = ({g['seed'][0]}, {g['seed'][1]}) every tangent v_i′ (the last is ∂f/∂x{j}); "
            f"in reverse mode every adjoint ∂f/∂v_i from v{len(nodes)} down to v1, and the gradient.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    if g["variant"] == "passes":
        return ["One forward pass computes one Jacobian-vector product, one reverse pass one vector-Jacobian product.",
                "One evaluation of f returns all m outputs."]
    return ["Natural logarithm; angles in radians.", "Adjoints are listed from the last node down to v1."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Trace: values, tangents, adjoints, gradient; passes: the counts and the cheaper mode."""
    if idle(work, APPLIES, g):
        return
    if g["variant"] == "passes":
        n, m = g["n"], g["m"]
        fwd = work.put("fwd-passes", "Forward passes", m if work.mistake("modes-swapped") else n, "n")
        rev = work.put("rev-passes", "Reverse passes", n if work.mistake("modes-swapped") else m, "m")
        work.put("cheaper", "Cheaper mode", "forward" if fwd < rev else "reverse", "fewer passes", depends_on=("fwd-passes", "rev-passes"))
        evals = n + 1 if work.mistake("fd-one-sided") else 2 * n * m if work.mistake("fd-per-output") else 2 * n
        work.put("fd-evals", "Evaluations of f", evals, "2n", because="f(x + h e_i) and f(x − h e_i) for every input i")
        return
    nodes, env, K = A.TRACES[g["trace"]][1], {"x1": g["x1"], "x2": g["x2"]}, len(A.TRACES[g["trace"]][1])
    dep = lambda args: tuple(f"v.{a[1:]}" for a in args if a.startswith("v"))  # noqa: E731
    for i, (op, args) in enumerate(nodes, 1):
        env[f"v{i}"] = work.put(f"v.{i}", A.node_text(i, op, args), A.value(op, [env[a] for a in args]), A.SYMBOL[op].format(*args),
                                depends_on=dep(args))
    tan = dict(zip(("x1", "x2"), (1.0, 1.0) if work.mistake("seed-both") else g["seed"]))
    for i, (op, args) in enumerate(nodes, 1):
        d = A.partials(op, [env[a] for a in args], env[f"v{i}"], work, reverse=False)
        terms = [d[k] * tan[a] for k, a in enumerate(args)]
        t = terms[0] if op == "mul" and work.mistake("product-one-term") else sum(terms)
        tan[f"v{i}"] = work.put(f"tan.{i}", f"Tangent v{i}′", t, A.tangent_text(i, op, args),
                                depends_on=dep(args) + tuple(f"tan.{a[1:]}" for a in args if a.startswith("v")) + (f"v.{i}",))
    adj, uses = {f"v{K}": 1.0}, A.users(nodes)
    for i in range(K, 0, -1):
        op, args = nodes[i - 1]
        a_i = work.put(f"adj.{i}", f"Adjoint of v{i}", adj.get(f"v{i}", 0.0), A.adjoint_text(i, uses.get(f"v{i}", [])),
                       depends_on=tuple(f"adj.{u}" for u in uses.get(f"v{i}", [])) + tuple(f"v.{u}" for u in uses.get(f"v{i}", [])))
        for a, d in zip(args, A.partials(op, [env[x] for x in args], env[f"v{i}"], work, reverse=True)):
            adj[a] = a_i * d if work.mistake("not-accumulated") else adj.get(a, 0.0) + a_i * d
    work.put("grad", "(∂f/∂x₁, ∂f/∂x₂)", np.array([adj.get("x1", 0.0), adj.get("x2", 0.0)]), "adjoints of x₁, x₂",
             depends_on=tuple(f"adj.{u}" for u in uses.get("x1", []) + uses.get("x2", [])))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch reverse-mode autograd with retain_grad and forward-mode
    dual numbers (central differences without torch); pass counts by building a Jacobian."""
    if g["variant"] == "passes":
        return A.cross_passes(g)
    torch = load_torch()
    return A.cross_torch(g, torch) if torch is not None else A.cross_numpy(g)
