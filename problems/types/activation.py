"""Activation functions: values and derivatives at given points; softmax and its Jacobian (SYLLABUS §2).

Equations::

    σ′ = σ(1 − σ);  tanh′ = 1 − tanh²;  ReLU′(x) = [x > 0] (ReLU′(0) = 0)
    leaky/PReLU: f = x or αx, f′ = 1 or α, ∂f/∂α = 0 or x;  ELU: α(eˣ − 1), f′ = αeˣ for x ≤ 0
    ReLU6 = min(max(0, x), 6);  swish = x σ(x), swish′ = σ + xσ(1 − σ)
    hard-swish = x ReLU6(x + 3)/6, derivative (2x + 3)/6 on (−3, 3);  softplus′ = σ
    softmax s = e^{z − max z}/Σ e^{z − max z},  J_ij = ∂s_i/∂z_j = s_i(δ_ij − s_j)
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
from problems.shared.unit_functions import VALUE, sigmoid

NAME = "activation"
SUMMARY = "Activation value and derivative at given points (σ, tanh, ReLU family, swish, softplus); softmax Jacobian"
SECTIONS = ("2",)
DEFS = {"sigmoid": "σ(x) = 1/(1 + e^(−x))", "tanh": "tanh(x)", "relu": "ReLU(x) = max(0, x)",
        "leaky-relu": "x if x > 0 else αx", "prelu": "x if x > 0 else αx (α learnable)", "elu": "x if x > 0 else α(e^x − 1)",
        "relu6": "min(max(0, x), 6)", "swish": "x·σ(x)", "hard-swish": "x·ReLU6(x + 3)/6",
        "softplus": "ln(1 + e^x)", "softmax": "s_i = e^(z_i)/Σ_j e^(z_j)"}
VARIANTS = {k: f"the function {v}" for k, v in DEFS.items()}
STEPS = [
    StepSpec("sig", "σ(x) at each point (swish)", "vector", 4, "1/(1 + e^(−x))"),
    StepSpec("r6", "ReLU6(x + 3) at each point (hard-swish)", "vector", 3, "min(max(0, x + 3), 6)"),
    StepSpec("f", "f(x) at each point", "vector", 4, "the function's value"),
    StepSpec("df", "f′(x) at each point", "vector", 4, "the derivative"),
    StepSpec("df_dalpha", "∂f/∂α at each point (PReLU)", "vector", 4, "0 if x > 0 else x"),
    StepSpec("zmax", "max z (softmax, stable form)", "number", 2, "max_j z_j"),
    StepSpec("exp", "e^(z − max z)", "vector", 4, "exp(z_i − max z)"),
    StepSpec("softmax", "Softmax probabilities", "vector", 4, "e_i / Σ_j e_j"),
    StepSpec("jacobian", "Softmax Jacobian ∂s_i/∂z_j", "matrix", 4, "s_i(δ_ij − s_j)"),
]
GIVENS = {"function": ", ".join(DEFS), "x": "points (softmax: the logit vector z)",
          "alpha": "slope/scale α for leaky-relu (default 0.01), prelu, elu (default 1)"}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "prelu-dalpha-as-dx": "∂f/∂α written as ∂f/∂x (α for x ≤ 0) instead of x",
    "softmax-jacobian-diagonal": "Jacobian off-diagonal −s_i s_j forgotten: only diag(s(1 − s))",
    "tanh-not-squared": "tanh′ written as 1 − tanh(x) instead of 1 − tanh²(x)",
    "relu-derivative-at-zero": "ReLU′(0) taken as 1; the convention here is ReLU′(0) = 0",
    "leaky-slope-forgotten": "derivative for x < 0 taken as 0 (as for ReLU) instead of α",
    "elu-alpha-dropped": "ELU′ for x ≤ 0 written as e^x instead of α·e^x",
    "relu6-cap-forgotten": "ReLU6′ taken as 1 above 6: the cap at 6 makes it 0",
    "swish-product-rule": "swish′ written as σ(x): the product rule's xσ(x)(1 − σ(x)) is missing",
    "hard-swish-product-rule": "hard-swish′ on (−3, 3) written as (x + 3)/6 instead of (2x + 3)/6",
    "softplus-sign": "softplus′ written as 1/(1 + e^x) = σ(−x) instead of σ(x)",
    "value-as-derivative": "the function's value f(x) used as its derivative f′(x)",
    "sigmoid-exponent-sign": "σ(x) computed as 1/(1 + e^x): the exponent's sign is −x",
}
_ONLY = {"prelu-dalpha-as-dx": ("prelu",), "softmax-jacobian-diagonal": ("softmax",), "tanh-not-squared": ("tanh",),
         "leaky-slope-forgotten": ("leaky-relu", "prelu", "elu"), "elu-alpha-dropped": ("elu",), "relu6-cap-forgotten": ("relu6",),
         "swish-product-rule": ("swish",), "hard-swish-product-rule": ("hard-swish",), "softplus-sign": ("softplus",),
         "sigmoid-exponent-sign": ("sigmoid",)}
APPLIES = {**{k: (lambda fns: lambda g: g["function"] in fns)(v) for k, v in _ONLY.items()},
           "relu-derivative-at-zero": lambda g: g["function"] == "relu" and 0.0 in g["x"],
           "value-as-derivative": lambda g: g["function"] != "softmax"}
_ALPHA = {"leaky-relu": [0.01, 0.1], "prelu": [0.1, 0.2, 0.25], "elu": [0.5, 1.0, 2.0]}
_KINKS = {"leaky-relu": (0,), "prelu": (0,), "elu": (0,), "relu6": (0, 6), "hard-swish": (-3, 3)}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Two to four one-decimal points avoiding kinks (ReLU includes 0 at exam and hard)."""
    fn = variant or pick(rng, list(DEFS))
    n = {"easy": 2, "exam": 3, "hard": 4}[difficulty] + (fn == "softmax")
    lo, hi = {"relu6": (-2.0, 8.0), "hard-swish": (-4.5, 4.5)}.get(fn, (-2.0, 2.0))

    def draw() -> dict[str, Any]:
        while True:
            x = np.round(rng.integers(round(lo * 10), round(hi * 10) + 1, size=n) / 10, 1)
            if fn == "relu" and difficulty != "easy":
                x[0] = 0.0
            inside = bool(((x > 0) & (x < 6)).any()) and x.max() > 6
            if len(set(x.tolist())) == n and not set(x.tolist()) & set(_KINKS.get(fn, ())) and (fn != "relu6" or inside):
                break
        g: dict[str, Any] = {"function": fn, "x": x.tolist()}
        if fn in _ALPHA:
            g["alpha"] = pick(rng, _ALPHA[fn])
        return g
    return generate_clear(this(__name__), draw)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Function name, 1–6 points (softmax: 2–6 logits), α where the function has one."""
    fn = choice(g, "function", DEFS)
    out: dict[str, Any] = {"function": fn, "x": vector(g, "x", (2 if fn == "softmax" else 1, 6))}
    if fn in _ALPHA:
        out["alpha"] = number(g, "alpha", 0.0, 10.0, default={"leaky-relu": 0.01, "elu": 1.0}.get(fn, ...))
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    fn, x = g["function"], vec(g["x"])
    alpha = f" with α = {num(g['alpha'])}" if "alpha" in g else ""
    if fn == "softmax":
        return f"Compute the softmax {DEFS[fn]} of z = {x} in the numerically stable form, and its Jacobian ∂s_i/∂z_j."
    extra = " and ∂f/∂α" if fn == "prelu" else ""
    return f"For {fn}: f(x) = {DEFS[fn]}{alpha}, compute f(x) and f′(x){extra} at x = {x}."


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return {"relu": ["ReLU′(0) = 0."], "softmax": ["Stable form: subtract max z first (the result is unchanged).",
            "J_ij = ∂s_i/∂z_j = s_i(δ_ij − s_j): row i, column j."]}.get(g["function"], []) + \
        ["Values and derivatives are vectors over the given points, in order."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Value(s) then derivative(s); softmax: max, shifted exponentials, probabilities, Jacobian."""
    if idle(work, APPLIES, g):
        return
    fn, x, a = g["function"], np.array(g["x"]), g.get("alpha", 0.0)
    pos = x > 0
    if fn == "softmax":
        zmax = work.put("zmax", "Largest logit", float(x.max()), "max_j z_j")
        e = work.put("exp", "Shifted exponentials", np.exp(x - zmax), "e^(z_i − max z)", depends_on=("zmax",))
        s = work.put("softmax", "Softmax", e / e.sum(), "e_i / Σ_j e_j", because=f"Σ e = {e.sum():.6g}", depends_on=("exp",))
        J = np.diag(s * (1 - s)) if work.mistake("softmax-jacobian-diagonal") else np.diag(s) - np.outer(s, s)
        work.put("jacobian", "Jacobian ∂s_i/∂z_j", J, "s_i(δ_ij − s_j)", depends_on=("softmax",))
        return
    deps: tuple[str, ...] = ()
    if fn == "swish":
        sig = work.put("sig", "σ(x)", sigmoid(x), "1/(1 + e^(−x))")
        f, df, deps = x * sig, (sig if work.mistake("swish-product-rule") else sig + x * sig * (1 - sig)), ("sig",)
    elif fn == "hard-swish":
        r6 = work.put("r6", "ReLU6(x + 3)", np.clip(x + 3, 0, 6), "min(max(0, x + 3), 6)")
        mid = (x + 3) / 6 if work.mistake("hard-swish-product-rule") else (2 * x + 3) / 6
        f, df, deps = x * r6 / 6, np.where(x <= -3, 0.0, np.where(x >= 3, 1.0, mid)), ("r6",)
    if not deps:
        f = sigmoid(-x) if work.mistake("sigmoid-exponent-sign") else VALUE[fn](x, a)
    f = work.put("f", f"{fn}(x)", f, DEFS[fn], depends_on=deps)
    if fn == "sigmoid":
        df = f * (1 - f)
    elif fn == "tanh":
        df = 1 - f if work.mistake("tanh-not-squared") else 1 - f * f
    elif fn in ("relu", "leaky-relu", "prelu", "elu"):
        slope = 0.0 if work.mistake("leaky-slope-forgotten") and fn != "relu" else a
        e = np.exp(np.minimum(x, 0.0))  # used for x ≤ 0 only: no overflow from the other side
        left = e if work.mistake("elu-alpha-dropped") else slope * e if fn == "elu" else slope
        df = np.where(pos, 1.0, np.where((x == 0) & work.mistake("relu-derivative-at-zero"), 1.0, left))
    elif fn == "relu6":
        df = np.where(pos & ((x < 6) | work.mistake("relu6-cap-forgotten")), 1.0, 0.0)
    elif fn == "softplus":
        df = sigmoid(-x) if work.mistake("softplus-sign") else sigmoid(x)
    df = f if work.mistake("value-as-derivative") else df
    work.put("df", f"{fn}′(x)", df, "f′(x)", depends_on=("f",) if fn in ("sigmoid", "tanh") else deps)
    if fn == "prelu":
        work.put("df_dalpha", "∂f/∂α", np.where(pos, 0.0, a if work.mistake("prelu-dalpha-as-dx") else x), "0 if x > 0 else x")


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent step values (torch, else complex-step differentiation); tests only, so the
    module is loaded here rather than on every practice and check."""
    from problems.types._activation_crosscheck import cross_check as run
    return run(g)
