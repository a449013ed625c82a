"""k steps of SGD, momentum (classical and EMA), RMSProp or Adam (SYLLABUS §3).

Equations::

    sgd            w ← w − η g
    momentum       v ← β v − η g,           w ← w + v          (classical)
    momentum-ema   v ← β v + (1 − β) g,     w ← w − η v        (EMA form)
    rmsprop        s ← β s + (1 − β) g²,    w ← w − η g / (√s + ε)
    adam           m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
                   m̂ = m / (1 − β₁^t),  v̂ = v / (1 − β₂^t),  w ← w − η m̂ / (√v̂ + ε)
    adam-nobias    as adam with m̂ = m, v̂ = v

States start at 0; t counts from 1. Gradients are given per step, or come from
f(w) = ½ Σ_i a_i w_i² (g = a ⊙ w at the current point). With ``eps_inside`` the root is √(s + ε).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.shared.checked_math import root
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.types import _optimizer_givens as io

NAME = "optimizer"
SUMMARY = "k steps of SGD, momentum (classical/EMA), RMSProp, Adam (with or without bias correction)"
SECTIONS = ("3",)
VARIANTS = io.VARIANTS
STEPS = [
    StepSpec("g.t", "Gradient at step t (from the quadratic)", "vector", 3, "a ⊙ w_{t−1}"),
    StepSpec("mean.t", "First moment m_t, the running mean of g (Adam)", "vector", 4, "β₁m + (1 − β₁)g"),
    StepSpec("v.t", "Velocity (momentum) or second moment (Adam) v_t", "vector", 4,
             "βv − ηg | βv + (1 − β)g | β₂v + (1 − β₂)g²"),
    StepSpec("sqavg.t", "Running mean of g², s_t (RMSProp)", "vector", 4, "βs + (1 − β)g²"),
    StepSpec("mhat.t", "Bias-corrected m̂_t", "vector", 4, "m / (1 − β₁^t)"),
    StepSpec("vhat.t", "Bias-corrected v̂_t", "vector", 4, "v / (1 − β₂^t)"),
    StepSpec("w.t", "Parameters after step t", "vector", 4, "the optimizer's update"),
]
GIVENS = io.GIVENS
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "ascent": "update sign flipped: moved along +g instead of −g",
    "eps-placement": "ε on the wrong side of the root for the stated convention (√(s + ε) vs √s + ε)",
    "no-root": "square root forgotten: divided by s + ε instead of √s + ε",
    "no-bias-correction": "no bias correction: used m and v instead of m̂ = m/(1 − β₁^t), v̂ = v/(1 − β₂^t)",
    "bias-correction-t1": "bias correction with t = 1 at every step instead of β^t for step t",
    "grad-not-squared": "second moment averaged g instead of g²",
    "current-point-weighted": "EMA weights swapped (\"the current point gets the higher weight\"): (1 − β)·old + β·new",
    "momentum-form": "classical and EMA momentum confused: v ← βv + (1 − β)g, w ← w − ηv vs v ← βv − ηg, w ← w + v",
    "pytorch-momentum": ("PyTorch's momentum convention v ← βv + g, w ← w − ηv (torch.optim.SGD) used, but this exercise "
                         "states the course's form"),
}
_ADAPTIVE = ("rmsprop", "adam", "adam-nobias")
APPLIES = {"eps-placement": lambda g: g["optimizer"] in _ADAPTIVE and g["eps"] > 0,
           "no-root": lambda g: g["optimizer"] in _ADAPTIVE, "grad-not-squared": lambda g: g["optimizer"] in _ADAPTIVE,
           "no-bias-correction": lambda g: g["optimizer"] == "adam",
           "bias-correction-t1": lambda g: g["optimizer"] == "adam" and g["steps"] > 1,
           "current-point-weighted": lambda g: g["optimizer"] not in ("sgd", "momentum"),
           "momentum-form": lambda g: g["optimizer"] in ("momentum", "momentum-ema"),
           "pytorch-momentum": lambda g: g["optimizer"] in ("momentum", "momentum-ema")}
validate, statement, conventions = io.validate, io.statement, io.conventions


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Givens whose mistakes are all diagnosable: one-decimal gradients (or a diagonal quadratic at hard),
    2–3 steps; ε = 0 (easy) or 0, 0.01, 0.1 (see ``_optimizer_givens.drawer``)."""
    return generate_clear(this(__name__), io.drawer(rng, difficulty, variant))


def solve(g: dict[str, Any], work: Any) -> None:
    """Per step: gradient (quadratic only), state(s), bias corrections (Adam), new parameters."""
    if idle(work, APPLIES, g):
        return
    opt, lr, w = g["optimizer"], g["lr"], np.array(g["w0"], dtype=float)
    swap = work.mistake("current-point-weighted")
    ema = (lambda old, new, b: (1 - b) * old + b * new) if swap else (lambda old, new, b: b * old + (1 - b) * new)
    sq = (lambda x: x) if work.mistake("grad-not-squared") else np.square
    eps = g.get("eps", 0.0)
    inside = g.get("eps_inside", False) != work.mistake("eps-placement")  # at ε = 1e-8 it shows where v̂ is ~ε
    den = (lambda s: s + eps) if work.mistake("no-root") else (lambda s: root(s + eps) if inside else root(s) + eps)
    m = v = np.zeros_like(w)
    form = {"momentum": "momentum-ema", "momentum-ema": "momentum"}.get(opt, opt) if work.mistake("momentum-form") else opt
    for t in range(1, g["steps"] + 1):
        prev = (f"w.{t - 1}",) if t > 1 else ()
        if "curvature" in g:
            grad = work.put(f"g.{t}", f"Gradient at w_{t - 1}", np.array(g["curvature"]) * w, "a ⊙ w_{t−1}", depends_on=prev)
            gdep: tuple[str, ...] = (f"g.{t}",)
        else:
            grad, gdep = np.array(g["grads"][t - 1]), ()
        state = lambda name: (f"{name}.{t - 1}",) if t > 1 else ()  # noqa: E731
        if opt == "sgd":
            step = -lr * grad
        elif opt in ("momentum", "momentum-ema"):
            b = g["beta"]
            new_v = b * v - lr * grad if form == "momentum" else ema(v, grad, b)
            if work.mistake("pytorch-momentum"):
                new_v, form = b * v + grad, "momentum-ema"  # then w ← w − ηv, as the EMA form steps
            v = work.put(f"v.{t}", f"Velocity v_{t}", new_v, "βv − ηg" if opt == "momentum" else "βv + (1 − β)g",
                         depends_on=state("v") + gdep)
            step = v if form == "momentum" else -lr * v
        elif opt == "rmsprop":
            v = work.put(f"sqavg.{t}", f"s_{t}", ema(v, sq(grad), g["beta"]), "βs + (1 − β)g²", depends_on=state("sqavg") + gdep,
                         tiny=0.0)  # a sum of squares: no cancellation noise, and g = 1e-5 gives a real 1e-11
            step = -lr * grad / den(v)
        else:
            b1, b2 = g["beta1"], g["beta2"]
            m = work.put(f"mean.{t}", f"m_{t}", ema(m, grad, b1), "β₁m + (1 − β₁)g", depends_on=state("mean") + gdep)
            v = work.put(f"v.{t}", f"v_{t}", ema(v, sq(grad), b2), "β₂v + (1 − β₂)g²", depends_on=state("v") + gdep, tiny=0.0)
            mh, vh = m, v
            if opt == "adam":
                k = 1 if work.mistake("bias-correction-t1") else t
                off = work.mistake("no-bias-correction")
                mh = work.put(f"mhat.{t}", f"m̂_{t}", m if off else m / (1 - b1 ** k), f"m / (1 − β₁^{t})", depends_on=(f"mean.{t}",))
                vh = work.put(f"vhat.{t}", f"v̂_{t}", v if off else v / (1 - b2 ** k), f"v / (1 − β₂^{t})", depends_on=(f"v.{t}",),
                              tiny=0.0)
            step = -lr * mh / den(vh)
        deps = {"sgd": gdep, "momentum": (f"v.{t}",), "momentum-ema": (f"v.{t}",), "rmsprop": (f"sqavg.{t}",) + gdep,
                "adam": (f"mhat.{t}", f"vhat.{t}"), "adam-nobias": (f"mean.{t}", f"v.{t}")}[opt]
        w = work.put(f"w.{t}", f"w_{t}", w - step if work.mistake("ascent") else w + step, io.update_text(g), depends_on=prev + deps)


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch.optim where it has the rule, else a NumPy reference."""
    from problems.types._optimizer_crosscheck import cross_check as run
    return run(g)
