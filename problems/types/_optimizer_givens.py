"""Givens of the ``optimizer`` type: drawing, validation, statement and conventions."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from problems.givens import GivenError
from problems.givens import choice, flag, integer, matrix, number, vector
from problems.shared.random_givens import pick
from problems.shared.statement_text import num, vec

VARIANTS = {
    "sgd": "plain SGD: w ← w − ηg",
    "momentum": "classical momentum: v ← βv − ηg, w ← w + v",
    "momentum-ema": "EMA momentum: v ← βv + (1 − β)g, w ← w − ηv",
    "rmsprop": "RMSProp: s ← βs + (1 − β)g², w ← w − ηg/(√s + ε)",
    "adam": "Adam with bias correction",
    "adam-nobias": "Adam without bias correction (m, v used directly)",
}
UPDATE = {"sgd": "w − η g", "momentum": "w + v", "momentum-ema": "w − η v", "rmsprop": "w − η g / (√s + ε)",
          "adam": "w − η m̂ / (√v̂ + ε)", "adam-nobias": "w − η m / (√v + ε)"}
GIVENS = {
    "optimizer": ", ".join(VARIANTS), "w0": "initial parameters (1–4 numbers)",
    "grads": "gradients, one row per step (or give curvature)", "curvature": "a in f(w) = (1/2) Σ a_i w_i² (g = a ⊙ w)",
    "steps": "number of steps (default: the number of gradient rows)", "lr": "learning rate η",
    "beta": "momentum / RMSProp decay β (default 0.9)", "beta1": "Adam β₁ (default 0.9)", "beta2": "Adam β₂ (default 0.999)",
    "eps": "ε (default 1e-8)", "eps_inside": "true: √(s + ε) instead of √s + ε (default false)",
}
_ADAPTIVE = ("rmsprop", "adam", "adam-nobias")


def drawer(rng: np.random.Generator, difficulty: str, variant: str | None) -> Callable[[], dict[str, Any]]:
    """Draws givens for one optimizer (``variant``, else picked) and step count: one-decimal
    gradients (or a diagonal quadratic at hard), 2–3 steps; ε = 0 (easy) or 0, 0.01, 0.1.

    ε = 1e−8 changes the parameters by about 1e−9: invisible by hand, and it makes a
    short-decimal answer (0.9) differ from the exact value (0.900000002) below any rounding.
    """
    opt = variant or pick(rng, list(VARIANTS))
    n, steps = {"easy": (1, 2), "exam": (2, pick(rng, [2, 3])), "hard": (2, 3)}[difficulty]

    def nonzero(shape: Any) -> list[Any]:
        v = rng.integers(1, 21, size=shape) / 10 * rng.choice([-1, 1], size=shape)
        return v.tolist()

    def draw() -> dict[str, Any]:
        g: dict[str, Any] = {"optimizer": opt, "w0": (rng.integers(-10, 11, size=n) / 10).tolist()}
        if difficulty == "hard" and opt not in ("sgd", "rmsprop") and rng.integers(2):
            g.update(curvature=[pick(rng, [0.5, 1.0, 2.0]) for _ in range(n)], steps=steps)
            g["w0"] = nonzero(n)
        else:
            g["grads"] = nonzero((steps, n))
        g["lr"] = pick(rng, [0.01, 0.1] if opt in _ADAPTIVE else [0.1, 0.5])
        if opt in ("momentum", "momentum-ema", "rmsprop"):
            g["beta"] = pick(rng, [0.9, 0.8])
        if opt in ("adam", "adam-nobias"):
            g.update(beta1=0.9, beta2=pick(rng, [0.999, 0.99]))
        if opt in _ADAPTIVE:
            g["eps"] = 0.0 if difficulty == "easy" else pick(rng, [0.0, 0.01, 0.1])
            g["eps_inside"] = difficulty == "hard" and bool(rng.integers(2))
        return g
    return draw


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Optimizer, parameters, gradients per step (or curvature and steps) and its hyperparameters."""
    opt = choice(g, "optimizer", VARIANTS)
    w0 = vector(g, "w0", (1, 4))
    out: dict[str, Any] = {"optimizer": opt, "w0": w0}
    if "curvature" in g:
        out.update(curvature=vector(g, "curvature", (len(w0), len(w0))), steps=integer(g, "steps", 1, 6, default=3))
    else:
        grads = matrix(g, "grads", rows=(1, 6), cols=(len(w0), len(w0)))
        out.update(grads=grads, steps=integer(g, "steps", 1, len(grads), default=len(grads)))
    out["lr"] = number(g, "lr", 0.0, 10.0)
    if out["lr"] == 0:
        raise GivenError("lr", "a learning rate η > 0")
    if opt in ("momentum", "momentum-ema", "rmsprop"):
        out["beta"] = number(g, "beta", 0.0, 0.9999, default=0.9)
    if opt in ("adam", "adam-nobias"):
        out.update(beta1=number(g, "beta1", 0.0, 0.9999, default=0.9), beta2=number(g, "beta2", 0.0, 0.9999, default=0.999))
    if opt in _ADAPTIVE:
        out.update(eps=number(g, "eps", 0.0, 1.0, default=1e-8), eps_inside=flag(g, "eps_inside", False))
        first = np.array(out["grads"][0]) if "grads" in out else np.array(out["curvature"]) * np.array(w0)
        if out["eps"] < MIN_EPS and np.min(np.abs(first)) < MIN_GRAD_WITHOUT_EPS:
            key = "grads" if "grads" in out else "curvature"
            raise GivenError(key, f"with ε below {MIN_EPS:g} every first gradient entry must be at least {MIN_GRAD_WITHOUT_EPS:g} "
                             "in size (the step divides by √s, s the running mean of g²): give ε > 0")
    return out


MIN_EPS = 1e-12              # an ε this small does not keep √s + ε away from 0
MIN_GRAD_WITHOUT_EPS = 0.01  # then the first gradients keep s ≥ (1 − β)·1e-4 ≥ 1e-8


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    opt = g["optimizer"]
    hyper = ", ".join(f"{k} = {num(g[k])}" for k in ("lr", "beta", "beta1", "beta2", "eps") if k in g)
    hyper = hyper.replace("lr", "η").replace("beta1", "β₁").replace("beta2", "β₂").replace("beta", "β").replace("eps", "ε")
    if "curvature" in g:
        source = f"minimising f(w) = (1/2) Σ a_i w_i² with a = {vec(g['curvature'])} (so g = a ⊙ w at the current w)"
    else:
        source = "with the gradients " + "; ".join(f"g{t} = {vec(r)}" for t, r in enumerate(g["grads"][:g["steps"]], 1))
    return (f"Apply {g['steps']} steps of {VARIANTS[opt]} starting from w0 = {vec(g['w0'])}, {source}. "
            f"Use {hyper}. Give every state and the parameters after each step.")


def update_text(g: dict[str, Any]) -> str:
    """The update rule as written for this exercise (ε inside or outside the root)."""
    text = UPDATE[g["optimizer"]]
    if g.get("eps_inside"):
        text = text.replace("√s + ε", "√(s + ε)").replace("√v̂ + ε", "√(v̂ + ε)").replace("√v + ε", "√(v + ε)")
    return text


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    out = ["All states start at 0; t counts steps from 1.", f"Update: w ← {update_text(g)}."]
    if g["optimizer"] in _ADAPTIVE:
        out.append("ε is added inside the square root: √(s + ε)." if g["eps_inside"] else
                   "ε is added outside the square root: √s + ε.")
    if g["optimizer"] == "momentum":
        out.append("Classical momentum (v ← βv − ηg, w ← w + v), not the EMA form.")
    if g["optimizer"] == "momentum-ema":
        out.append("EMA momentum (v ← βv + (1 − β)g, w ← w − ηv), not the classical form.")
    return out

