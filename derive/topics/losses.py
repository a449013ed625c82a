"""Topic ``losses``: MSE, binary cross-entropy, softmax + cross-entropy, L1/L2 penalties and weight decay.

``chainrule derive losses [--which mse|bce|softmax-ce|l1|l2]`` shows the steps of
:mod:`derive.analytic.losses`; ``chainrule verify losses`` compares each derived gradient with
central differences and with torch's own losses (``F.binary_cross_entropy_with_logits``,
``F.cross_entropy`` with probability targets, …), and checks the weight-decay updates through the
gradient they imply, (w − w_new)/η, against differences of J₀ + penalty.
"""

from __future__ import annotations

from typing import Any

NAME = "losses"
SUMMARY = "MSE, binary and softmax cross-entropy (∂L/∂z = ŷ − y), L1/L2 penalties and the weight-decay update"
OPTIONS: dict[str, Any] = {"which": None}


def _inputs(names: list[str]) -> list[Any]:
    from derive.analytic import losses as A
    from derive.analytic.inputs import Input
    out = []
    if "mse" in names:
        out += [Input("t", A.T, "targets t1, t2, t3", 0.0, 1.0, shape=(3,)), Input("o", A.O, "outputs o1, o2, o3", 0.0, 1.0, shape=(3,))]
    if "bce" in names:
        out += [Input("y", (A.y,), "binary target in [0, 1]", 0.0, 1.0, allowed=(0.0, 1.0)),
                Input("z", (A.z,), "logit of the output unit (ŷ = σ(z))", -3.0, 3.0)]
    if "softmax-ce" in names:
        out += [Input("logits", A.Z, "logits z1, z2, z3", -2.0, 2.0, shape=(3,)),
                Input("target", A.Y, "targets y1, y2, y3 summing to 1", 0.0, 1.0, shape=(3,), allowed=(0.0, 1.0), post=_one_hot)]
    if {"l1", "l2"} & set(names):
        out += [Input("w", (A.w,), "a weight", -2.0, 2.0), Input("g", (A.g,), "∂J₀/∂w at w", -1.0, 1.0),
                Input("eta", (A.eta,), "learning rate η > 0", 0.01, 0.5, allowed=(1e-12, 1e6)),
                Input("lambda", (A.lam,), "regularisation strength λ > 0", 0.001, 0.1, allowed=(1e-12, 1e6))]
    return out


def _one_hot(v: list[float]) -> list[float]:
    return [1.0 if i == max(range(len(v)), key=v.__getitem__) else 0.0 for i in range(len(v))]


def _derived_values(names: list[str], subs: dict[Any, Any]) -> dict[Any, Any]:
    """ŷ = σ(z) and s = softmax(z) follow from the inputs; a user's targets must sum to 1."""
    import sympy as sp

    from derive.analytic import losses as A
    from derive.errors import UserError
    extra: dict[Any, Any] = {}
    if "bce" in names:
        extra[A.yhat] = (1 / (1 + sp.exp(-subs[A.z]))).evalf(30)
    if "softmax-ce" in names:
        if abs(sum(subs[y] for y in A.Y) - 1) > 1e-9:
            raise UserError("target: the targets must sum to 1 (e.g. one-hot [0, 1, 0])", "--given")
        denom = sum(sp.exp(subs[zi]) for zi in A.Z)
        extra.update({si: (sp.exp(subs[zi]) / denom).evalf(30) for si, zi in zip(A.S, A.Z)})
    return extra


def derive(options: dict[str, Any], given: dict[str, Any] | None, seed: int | None) -> Any:
    """The derivation of the selected losses (all, or ``--which NAME``)."""
    from derive.analytic import losses as A
    from derive.analytic.topic import numbers, pick
    names = pick(options.get("which"), A.LOSSES, A.ALIASES)
    named, subs = numbers(_inputs(names), given, seed)
    if subs is not None:
        subs.update(_derived_values(names, subs))
    title = f"Loss: {names[0]}" if len(names) == 1 else "Losses and penalties: gradients and the weight-decay update"
    return A.script(names).derivation(NAME, options, title, subs, named)


def verify(options: dict[str, Any], seed: int, backend: str, points: int) -> Any:
    """Every derived gradient vs central differences and torch; every step re-proved."""
    from derive.analytic import losses as A
    from derive.analytic import losscheck as C
    from derive.analytic.topic import pick, verification
    names = pick(options.get("which"), A.LOSSES, A.ALIASES)
    script = A.script(names)
    checks = [c for name in names for c in C.CHECKS[name](seed, points)]
    notes = ["MSE on 3 outputs; BCE on 4 logits with targets in [0, 1]; softmax-CE on 3 logits with soft targets",
             "L1/L2: J₀(w) = ½‖Aw − b‖² on 4 weights; the update is checked through (w − w_new)/η = ∂J/∂w"]
    return verification(script, NAME, options, "Losses and penalties", checks, notes, seed)
