"""Losses and penalties, derived by SymPy: MSE, binary and categorical cross-entropy, L1/L2 decay.

Each ``*_steps`` function adds its steps to a :class:`Script`. Small explicit cases (three
outputs, three logits) are differentiated by SymPy and then stated in general, with every entry
of the explicit case proved equal to the general formula.

Equations::

    E = ½ Σ_k (t_k − o_k)²                 ∂E/∂o_k = o_k − t_k
    L = −[y log ŷ + (1 − y) log(1 − ŷ)]    ∂L/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ));  ŷ = σ(z) ⇒ ∂L/∂z = ŷ − y
    L = −Σ_k y_k log softmax(z)_k          ∂L/∂z = ŷ − y   (Σ_k y_k = 1)
    J = J₀ + λ Σ|w|                        ∂J/∂w = ∇J₀ + λ sign(w)
    J = J₀ + ½λ‖w‖²                        w ← (1 − ηλ) w − η ∇J₀
    J = J₀ + λ‖w‖²                         w ← (1 − 2ηλ) w − η ∇J₀
"""

from __future__ import annotations

from typing import Any, Callable

import sympy as sp

from derive.analytic.script import Script
from derive.scalar_functions import sigmoid

T = sp.symbols("t1:4", real=True)
O = sp.symbols("o1:4", real=True)
Z = sp.symbols("z1:4", real=True)
Y = sp.symbols("y1:4", nonnegative=True)
S = sp.symbols("s1:4", positive=True)
k, n = sp.symbols("k n", integer=True, positive=True)
E, L, J = sp.symbols("E L J")
y = sp.Symbol("y", real=True)
yhat = sp.Symbol("yhat", positive=True)
z = sp.Symbol("z", real=True)
w, g = sp.symbols("w g", real=True)
eta, lam = sp.symbols("eta lamda", positive=True)
w_new = sp.Symbol("w_new")
J0 = sp.Function("J0")


def _ix(name: str) -> Any:
    """Index notation with plain symbols (``_ix("o")(k)`` is o_k), so that JSON strings parse back."""
    return lambda i: sp.Symbol(f"{name}_{i}", real=True)


def mse_steps(s: Script) -> None:
    """E = ½Σ(t − o)²: SymPy's gradient for three outputs, then ∂E/∂o_k = o_k − t_k in general."""
    t, o = _ix("t"), _ix("o")
    explicit = sum((ti - oi) ** 2 for ti, oi in zip(T, O)) / 2
    s.define("mse.def", "Squared error (the course's E, with the ½)", E, sp.Sum((t(k) - o(k)) ** 2, (k, 1, n)) / 2)
    s.define("mse.n3", "Three outputs", E, explicit)
    s.derive("mse.grad1", "Differentiate by o1 (SymPy)", sp.Derivative(E, O[0]), explicit, O[0])
    s.fact("mse.grad", "Every output (all three checked)", sp.Derivative(E, o(k)), o(k) - t(k),
           "the ½ cancels the 2 from the square", left=sp.Matrix([sp.Derivative(explicit, oi) for oi in O]),
           right=sp.Matrix([oi - ti for oi, ti in zip(O, T)]))
    s.fact("mse.sign", "Written with the error t − o (the other common convention), the sign is opposite", sp.Derivative(E, o(k)), sp.Mul(-1, t(k) - o(k), evaluate=False),
           "with δ = t − o the descent step is w ← w + η δ ∂o/∂w; mixing the two flips the update", left=o(k) - t(k))
    mean = sum((ti - oi) ** 2 for ti, oi in zip(T, O)) / 3
    s.define("mse.mean", "Mean squared error without the ½ (n = 3)", sp.Symbol("MSE"), mean)
    s.derive("mse.mean.grad", "Its gradient", sp.Derivative(sp.Symbol("MSE"), O[0]), mean, O[0])
    s.then("mse.mean.factor", "A factor 2/n instead of 1", sp.Mul(sp.Rational(2, 3), O[0] - T[0], evaluate=False))
    s.result("dE_do_k", o(k) - t(k), "∂E/∂o_k for E = ½Σ(t − o)²")
    s.result("dMSE_do_k", 2 * (o(k) - t(k)) / n, "∂/∂o_k of (1/n)Σ(t − o)²")


def bce_steps(s: Script) -> None:
    """Binary cross-entropy: ∂L/∂ŷ, then through ŷ = σ(z) the chain collapses to ŷ − y."""
    bce = -(y * sp.log(yhat) + (1 - y) * sp.log(1 - yhat))
    s.define("bce.def", "Binary cross-entropy of a prediction ŷ ∈ (0, 1) for a target y", L, bce)
    s.derive("bce.dyhat", "Differentiate by ŷ", sp.Derivative(L, yhat), bce, yhat)
    s.then("bce.dyhat.frac", "One fraction", (yhat - y) / (yhat * (1 - yhat)))
    on_logit = bce.subs(yhat, sigmoid(z))
    s.define("bce.logit", "With ŷ = σ(z) (z the output unit's net input)", L, on_logit)
    s.derive("bce.dz", "Differentiate by z (SymPy applies the chain rule)", sp.Derivative(L, z), on_logit, z)
    s.then("bce.dz.chain", "= ∂L/∂ŷ · ∂ŷ/∂z", sp.Mul((yhat - y) / (yhat * (1 - yhat)), yhat * (1 - yhat), evaluate=False),
           "σ′ = ŷ(1 − ŷ) cancels the denominator", assume=((yhat, sigmoid(z)),))
    s.then("bce.dz.result", "The clean result", yhat - y, assume=((yhat, sigmoid(z)),))
    s.fact("bce.stable", "Stable form on the logit (no log 0, no overflow)", L,
           sp.Max(z, 0) - z * y + sp.log(1 + sp.exp(-sp.Abs(z))), "what BCE-with-logits computes", left=on_logit,
           method="numeric", domain=((y, 0.0, 1.0), (z, -30.0, 30.0)))
    s.result("dL_dyhat", (yhat - y) / (yhat * (1 - yhat)), "∂L/∂ŷ")
    s.result("dL_dz", sigmoid(z) - y, "∂L/∂z with ŷ = σ(z)")


def ce_steps(s: Script) -> None:
    """Softmax + categorical cross-entropy on three logits: ∂L/∂z_k = ŷ_k − y_k once Σy = 1."""
    yk, zk = _ix("y"), _ix("z")
    denom = sum(sp.exp(zi) for zi in Z)
    soft = [sp.exp(zi) / denom for zi in Z]
    back = tuple(zip(S, soft))
    onehot = ((Y[2], 1 - Y[0] - Y[1]),)
    explicit = -sum(yi * sp.log(si) for yi, si in zip(Y, soft))
    s.define("ce.def", "Cross-entropy of ŷ = softmax(z) against targets y (Σ_k y_k = 1)", L,
             -sp.Sum(yk(k) * sp.log(_ix("yhat")(k)), (k, 1, n)))
    s.define("ce.n3", "Three classes, ŷ_k = e^(z_k)/Σ_j e^(z_j)", L, explicit)
    s.then("ce.lse", "log of a ratio: a log-sum-exp", -sum(yi * zi for yi, zi in zip(Y, Z)) + sum(Y) * sp.log(denom),
           "log ŷ_k = z_k − log Σ_j e^(z_j)")
    s.derive("ce.grad1", "Differentiate by z1 (SymPy)", sp.Derivative(L, Z[0]), explicit, Z[0])
    s.then("ce.grad1.s", "In terms of ŷ1 = s1", -Y[0] + sum(Y) * S[0], assume=back)
    s.then("ce.grad1.onehot", "Targets sum to 1", S[0] - Y[0], "y1 + y2 + y3 = 1", assume=back + onehot)
    s.fact("ce.grad", "Every logit (all three checked)", sp.Derivative(L, zk(k)), _ix("yhat")(k) - yk(k),
           "the famous ŷ − y: softmax and cross-entropy together need no σ′ factor",
           left=sp.Matrix([sp.Derivative(explicit, zi) for zi in Z]), right=sp.Matrix([si - yi for si, yi in zip(soft, Y)]),
           assume=onehot)
    s.result("dL_dz_k", _ix("yhat")(k) - yk(k), "∂L/∂z_k for softmax + cross-entropy")


def l1_steps(s: Script) -> None:
    """L1 penalty λΣ|w|: subgradient λ sign(w) (0 at w = 0), and the update it gives."""
    wk = _ix("w")
    s.define("l1.def", "L1-regularised objective", J, J0(w) + lam * sp.Sum(sp.Abs(wk(k)), (k, 1, n)))
    s.derive("l1.grad", "Differentiate the penalty of one weight", sp.Derivative(lam * sp.Abs(w), w), lam * sp.Abs(w), w,
             because="a subgradient; at w = 0 chainrule (and PyTorch) take sign(0) = 0")
    s.define("l1.update", "Gradient descent step (g = ∂J₀/∂w)", w_new, w - eta * (g + lam * sp.sign(w)))
    s.result("dJ_dw_l1", g + lam * sp.sign(w), "∂J/∂w = g + λ sign(w)")
    s.result("w_new_l1", w - eta * (g + lam * sp.sign(w)), "w − η(g + λ sign(w))")


def _l2(s: Script, tag: str, penalty: Any, factor: Any, label: str) -> Any:
    s.define(f"{tag}.def", f"Objective with the penalty {label}", J, J0(w) + penalty)
    s.derive(f"{tag}.grad", "Differentiate (one weight)", sp.Derivative(J, w), J0(w) + penalty, w)
    s.then(f"{tag}.grad.g", "Write g = ∂J₀/∂w", g + factor * lam * w, assume=((g, sp.Derivative(J0(w), w)),))
    s.define(f"{tag}.step", "Gradient descent step", w_new, w - eta * (g + factor * lam * w))
    update = (1 - factor * eta * lam) * w - eta * g
    shrink = "(1 − 2ηλ)" if factor == 2 else "(1 − ηλ)"
    s.then(f"{tag}.update", "Weight decay form: shrink w, then step", update, f"each step first multiplies w by {shrink}")
    return update


def l2_steps(s: Script) -> None:
    """L2: ½λ‖w‖² gives w ← (1 − ηλ)w − η∇J₀; λ‖w‖² gives (1 − 2ηλ)w − η∇J₀ (a common mix-up)."""
    half = _l2(s, "l2half", lam * w ** 2 / 2, 1, "½λ‖w‖²")
    full = _l2(s, "l2", lam * w ** 2, 2, "λ‖w‖²")
    notes = (1 - eta * lam) * w - eta * g
    s.fact("l2.mistake", "Applying (1 − ηλ)w with the penalty λ‖w‖² (a common mix-up) is off by", full - notes, -eta * lam * w,
           "(1 − ηλ) belongs to ½λ‖w‖²: with λ‖w‖² it decays w half as fast as the penalty says")
    at = ((eta, 0.1, 0.1), (lam, 0.5, 0.5), (w, 1.0, 1.0), (g, 0.0, 0.0))
    s.show("l2.correct.at", "At η = 0.1, λ = 0.5, w = 1, g = 0 with λ‖w‖²: correct step", w_new, sp.Rational(9, 10),
           "(1 − 2ηλ)w", left=full, domain=at)
    s.show("l2.notes.at", "The (1 − ηλ)w step at the same numbers", w_new, sp.Rational(19, 20),
           "(1 − ηλ)w: w decays half as fast as the penalty λ‖w‖² asks", left=notes, domain=at)
    s.result("w_new_l2half", half, "update for J₀ + ½λ‖w‖²")
    s.result("w_new_l2", full, "update for J₀ + λ‖w‖²")


LOSSES: dict[str, Callable[[Script], None]] = {
    "mse": mse_steps, "bce": bce_steps, "softmax-ce": ce_steps, "l1": l1_steps, "l2": l2_steps,
}
ALIASES = {"cross-entropy": "softmax-ce", "ce": "softmax-ce", "categorical": "softmax-ce", "binary": "bce",
           "weight-decay": "l2", "squared": "mse"}


def script(names: list[str]) -> Script:
    """The script for the named losses, with the legend of the symbols they use."""
    s = Script(check_functions=((J0, sp.Lambda(w, (w - sp.Rational(3, 10)) ** 2 + sp.sin(w))),),  # any smooth J₀
               domain=((yhat, 0.01, 0.99), (y, 0.0, 1.0)))
    for name in names:
        LOSSES[name](s)
    legend = {
        "mse": [("t, t_k", "targets", ("n",)), ("o, o_k", "outputs", ("n",))],
        "bce": [("y", "binary target in [0, 1]", ()), ("yhat", "ŷ = σ(z), predicted probability", ()),
                ("z", "net input (logit) of the output unit", ())],
        "softmax-ce": [("z_k", "logits", ("n",)), ("y_k", "targets, Σ_k y_k = 1 (one-hot or soft)", ("n",)),
                       ("yhat_k, s_k", "ŷ = softmax(z)", ("n",))],
        "l1": [("w", "one weight", ()), ("g", "∂J₀/∂w, gradient of the data loss", ()), ("eta", "η, learning rate", ()),
               ("lamda", "λ, regularisation strength", ())],
    }
    legend["l2"] = legend["l1"]
    for name in names:
        for sym, meaning, shape in legend[name]:
            s.symbol(sym, meaning, shape)
    s.notes.append("E = ½Σ(t − o)² so that ∂E/∂o = o − t; a loss without the ½ doubles every gradient.")
    return s
