"""Gradient descent on a given 1-D polynomial or 2-D quadratic until a tolerance (SYLLABUS §1).

Equations::

    f(x) = Σ_k c_k x^k                 (1-D, given as poly = [c0, c1, c2, …])
    f(x, y) = a x² + b y² + c xy + d x + e y    (2-D, given as quad = [a, b, c, d, e])
    g_t = ∇f(w_{t−1}),  Δw_t = −η g_t,  w_t = w_{t−1} + Δw_t
    stop after iteration t when ‖Δw_t‖ < tol (or at max_iter)

The number of recorded iterations is fixed by the correct run; ``iterations`` is recomputed
from the student's own step sizes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import integer, number, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.statement_text import num, poly_text, vec

NAME = "gradient-descent"
SUMMARY = "Gradient descent loop on a 1-D polynomial or 2-D quadratic until ‖Δw‖ < tol"
SECTIONS = ("1",)
VARIANTS = {"1d": "a 1-D quadratic (hard: quartic) f(x)", "2d": "a 2-D quadratic with a cross term"}
STEPS = [
    StepSpec("grad.t", "Gradient at the current point", "vector", 3, "∇f(w_{t−1})"),
    StepSpec("dw.t", "Step Δw = −η∇f", "vector", 3, "−η g_t"),
    StepSpec("w.t", "New point", "vector", 3, "w_{t−1} + Δw_t"),
    StepSpec("f.t", "Function value at the new point", "number", 3, "f(w_t)"),
    StepSpec("change.t", "Step size ‖Δw_t‖ for the stopping test", "number", 3, "‖Δw_t‖"),
    StepSpec("iterations", "Iterations until ‖Δw‖ < tol (or max_iter)", "integer", None, "first t with ‖Δw_t‖ < tol"),
]
GIVENS = {"poly": "1-D: coefficients [c0, c1, …, c4] of f(x) = Σ c_k x^k",
          "quad": "2-D: [a, b, c, d, e] of a x² + b y² + c xy + d x + e y", "w0": "start point (number, or [x, y])",
          "lr": "learning rate η", "tol": "tolerance on ‖Δw‖", "max_iter": "iteration cap (1–8)"}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "tolerance-on-gradient": "stopping test applied to ‖∇f‖ instead of the step size ‖Δw‖",
    "ascent": "moved uphill: w + η∇f instead of w − η∇f",
    "lr-omitted": "learning rate left out: Δw = −∇f",
    "power-rule": "power rule: derivative of c·x^n written as c·x^(n−1) (factor n dropped)",
    "cross-term-dropped": "cross term c·xy left out of the partial derivatives (∂/∂x must include c·y)",
}
APPLIES = {"cross-term-dropped": lambda g: "quad" in g and g["quad"][2] != 0}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Small integer/half coefficients; η and tol chosen so the loop stops after 2–6 iterations."""
    kind = variant or ("2d" if difficulty == "hard" and rng.integers(2) else "1d")
    want = {"easy": (2, 3), "exam": (3, 4), "hard": (3, 6)}[difficulty]

    def draw() -> dict[str, Any]:
        while True:
            if kind == "2d":
                a, b = pick(rng, [0.5, 1.0, 1.5, 2.0]), pick(rng, [0.5, 1.0, 2.0])
                cross, d, e = pick(rng, [-1.0, -0.5, 0.5, 1.0]), float(rng.integers(-4, 5)), float(rng.integers(-4, 5))
                g: dict[str, Any] = {"quad": [a, b, cross, d, e],
                                     "w0": rng.integers(-3, 4, size=2).astype(float).tolist(), "lr": pick(rng, [0.1, 0.2, 0.25])}
            else:
                c4 = pick(rng, [0.25, 0.5]) if difficulty == "hard" else 0.0
                poly = [float(rng.integers(-3, 4)), float(rng.integers(-6, 7)), pick(rng, [0.5, 1.0, 1.5, 2.0]), 0.0, c4]
                g = {"poly": poly if c4 else poly[:3], "w0": float(rng.integers(-4, 5)), "lr": pick(rng, [0.1, 0.2, 0.25])}
            g["max_iter"] = 6
            for tol in (1.0, 0.5, 0.2, 0.1, 0.05, 0.01):
                g["tol"] = tol
                T, w, margin = _run(validate(g))
                if want[0] <= T <= want[1] and np.all(np.abs(w) < 20) and T < g["max_iter"] and margin > 1e-3:
                    return g
    return generate_clear(this(__name__), draw)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Exactly one of poly (1-D) and quad (2-D), a start point of the right size, η, tol, cap."""
    if ("poly" in g) == ("quad" in g):
        raise GivenError("poly", "give either poly (1-D) or quad (2-D), not both")
    out: dict[str, Any] = {"poly": vector(g, "poly", (2, 5))} if "poly" in g else {"quad": vector(g, "quad", (5, 5))}
    out["w0"] = number(g, "w0", -1e6, 1e6) if "poly" in g else vector(g, "w0", (2, 2))
    out.update(lr=number(g, "lr", 1e-9, 10.0), tol=number(g, "tol", 1e-12, 1e6), max_iter=integer(g, "max_iter", 1, 8, default=6))
    return out


def _grad(g: dict[str, Any], w: Any, work: Any = None) -> Any:
    n = (lambda k: 1.0) if work and work.mistake("power-rule") else float
    if "poly" in g:
        return sum(n(k) * c * w ** (k - 1) for k, c in enumerate(g["poly"]) if k)
    a, b, c, d, e = g["quad"]
    c = 0.0 if work and work.mistake("cross-term-dropped") else c
    return np.array([n(2) * a * w[0] + c * w[1] + d, n(2) * b * w[1] + c * w[0] + e])


def _f(g: dict[str, Any], w: Any) -> float:
    if "poly" in g:
        return float(sum(c * w ** k for k, c in enumerate(g["poly"])))
    a, b, c, d, e = g["quad"]
    return float(a * w[0] ** 2 + b * w[1] ** 2 + c * w[0] * w[1] + d * w[0] + e * w[1])


def _run(g: dict[str, Any]) -> tuple[int, Any, float]:
    """Iterations of the correct run, its last point and min |‖Δw‖ − tol| (fixes the step list)."""
    w, margin = np.array(g["w0"], dtype=float), np.inf
    for t in range(1, g["max_iter"] + 1):
        with np.errstate(all="ignore"):
            dw = -g["lr"] * _grad(g, w)
            w, size = w + dw, float(np.linalg.norm(dw))
        margin = min(margin, abs(size - g["tol"]))
        if size < g["tol"] or not np.all(np.isfinite(w)):
            return t, w, margin
    return g["max_iter"], w, margin


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if "poly" in g:
        f, start = "f(x) = " + poly_text(zip(g["poly"], ["", "x", "x²", "x³", "x⁴"])), f"x0 = {num(g['w0'])}"
    else:
        f, start = "f(x, y) = " + poly_text(zip(g["quad"], ["x²", "y²", "xy", "x", "y"])), f"(x0, y0) = {vec(g['w0'])}"
    return (f"Minimise {f} by gradient descent from {start} with η = {num(g['lr'])}. Stop after the first iteration whose "
            f"step ‖Δw‖ is below tol = {num(g['tol'])} (at most {g['max_iter']} iterations). For each iteration give the "
            "gradient, the step Δw, the new point, f there and ‖Δw‖; then the number of iterations.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["w_t = w_{t−1} − η ∇f(w_{t−1}); iteration t uses the gradient at the previous point.",
            "Stop after iteration t when ‖Δw_t‖ < tol (|Δw| in 1-D, the Euclidean norm in 2-D)."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Gradient, step, point, value and step size per iteration; then the iteration count."""
    if idle(work, APPLIES, g):
        return
    T = _run(g)[0]
    w, lr, sizes, grads = np.array(g["w0"], dtype=float), g["lr"], [], []
    one = "poly" in g
    for t in range(1, T + 1):
        prev = (f"w.{t - 1}",) if t > 1 else ()
        grad = work.put(f"grad.{t}", f"∇f at w_{t - 1}", _grad(g, w if not one else float(w), work), "∇f(w_{t−1})", depends_on=prev)
        scale = 1.0 if work.mistake("lr-omitted") else lr
        dw = (scale if work.mistake("ascent") else -scale) * np.asarray(grad)
        dw = work.put(f"dw.{t}", f"Δw_{t}", dw, "−η ∇f", depends_on=(f"grad.{t}",))
        w = work.put(f"w.{t}", f"w_{t}", np.asarray(w + dw) if not one else float(w + dw), "w_{t−1} + Δw_t",
                     depends_on=prev + (f"dw.{t}",))
        work.put(f"f.{t}", f"f(w_{t})", _f(g, w), "f(w_t)", depends_on=(f"w.{t}",))
        sizes.append(work.put(f"change.{t}", f"‖Δw_{t}‖", float(np.linalg.norm(dw)), "‖Δw_t‖", depends_on=(f"dw.{t}",)))
        grads.append(float(np.linalg.norm(grad)))
    on_grad = work.mistake("tolerance-on-gradient")
    its = next((t for t, s in enumerate(grads if on_grad else sizes, 1) if s < g["tol"]), None)
    while its is None:  # not stopped by the student's own numbers: keep iterating silently
        if T >= g["max_iter"]:
            its = g["max_iter"]
            break
        T, grad = T + 1, _grad(g, w)
        w = w - lr * grad
        its = T if np.linalg.norm(grad if on_grad else lr * grad) < g["tol"] else None
    work.put("iterations", "Iterations", its, "first t with ‖Δw_t‖ < tol", depends_on=tuple(f"change.{t}" for t in range(1, T + 1)))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent run (tests only): torch autograd + torch.optim.SGD, else numpy.polynomial / matrix form."""
    from problems.types._gradient_descent_crosscheck import cross_check as run
    return run(g)
