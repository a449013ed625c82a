"""Activation functions, each derived by SymPy: value, derivative, the course's output form, range.

One small function per activation adds its steps to a :class:`Script`; ``ACTIVATIONS`` lists
them in the course's order. Kinks follow PyTorch: the derivative at a kink is the one-sided value
SymPy's ``Piecewise`` gives with strict inequalities, so ReLU′(0) = 0 (chainrule's stated
convention), ReLU6′(0) = ReLU6′(6) = 0.

Equations::

    σ(x) = 1/(1 + e^(−x))              σ′ = σ(1 − σ)           range (0, 1)
    tanh(x) = (eˣ − e^(−x))/(eˣ + e^(−x))  tanh′ = 1 − tanh²     range (−1, 1)
    ReLU(x) = max(0, x)                ReLU′ = H(x), H(0) = 0  range [0, ∞)
    LeakyReLU(x) = x (x > 0), 0.01x    PReLU: ∂f/∂α = x for x ≤ 0
    ELU(x) = x (x > 0), α(eˣ − 1)      ELU′ = 1 or ELU(x) + α
    ReLU6 = min(max(0, x), 6)          swish = x σ(x), swish′ = σ + xσ(1 − σ)
    hard-swish = x ReLU6(x + 3)/6      softplus = log(1 + eˣ), softplus′ = σ
    softmax s_i = e^(z_i)/Σ_j e^(z_j)  ∂s_i/∂z_j = s_i(δ_ij − s_j), i.e. diag(s) − s sᵀ
"""

from __future__ import annotations

from typing import Any, Callable

import sympy as sp

from derive.analytic import prepared
from derive.analytic.script import Script
from derive.scalar_functions import relu, sigmoid, sigmoid_prime, softplus

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
alpha = sp.Symbol("alpha", positive=True)
Z = sp.symbols("z1:4", real=True)
SM = sp.symbols("s1:4", positive=True)
H = lambda u: sp.Heaviside(u, 0)  # noqa: E731 - H(0) = 0, the convention stated
ALPHA_BOX = ((alpha, 0.05, 2.0),)


def _named(name: str) -> Any:
    return sp.Function(name)(x)


def _d(f: Any, var: Any = x) -> Any:
    return sp.Derivative(f, var)


def sigmoid_steps(s: Script) -> None:
    """σ: definition, SymPy derivative, σ(1 − σ), the bound σ′ ≤ 1/4, saturation and 0.25ᵏ."""
    s.define("sigmoid.def", "Sigmoid (logistic); range (0, 1)", sigmoid(x), 1 / (1 + sp.exp(-x)))
    s.derive("sigmoid.diff", "Differentiate", _d(sigmoid(x)), 1 / (1 + sp.exp(-x)), x)
    s.then("sigmoid.course", "In terms of σ itself", sigmoid(x) * (1 - sigmoid(x)), "the course's form σ′ = σ(1 − σ)")
    s.then("sigmoid.output", "In terms of the output y = σ(x) kept from the forward pass", y * (1 - y),
           "with y = σ(x)", assume=((y, sigmoid(x)),))
    s.fact("sigmoid.bound", "σ′ is at most 1/4", sp.Rational(1, 4) - sigmoid_prime(x), (sigmoid(x) - sp.Rational(1, 2)) ** 2,
           "a square is ≥ 0, so σ′(x) ≤ 1/4 with equality only at σ = 1/2, i.e. x = 0")
    s.fact("sigmoid.even", "σ′ is even", sigmoid_prime(-x), sigmoid_prime(x), "so σ′(−2) = σ′(2), σ′(−5) = σ′(5), …")
    for at in (0, 2, 5, 10):
        title = "Maximum at x = 0" if at == 0 else f"Saturation at x = ±{at}"
        s.show(f"sigmoid.at{at}", title, sigmoid_prime(sp.Integer(at)), sp.exp(-at) / (1 + sp.exp(-at)) ** 2,
               left=sp.Derivative(1 / (1 + sp.exp(-x)), x), domain=((x, at, at),))
    for k in (2, 5, 10):
        s.show(f"sigmoid.layers{k}", f"Vanishing gradient: bound on the factor through {k} sigmoid layers",
               sp.Pow(sp.Float(0.25), k, evaluate=False), sp.Rational(1, 4 ** k),
               "each layer multiplies the backpropagated gradient by σ′(z) ≤ 1/4 (times its weight)")
    s.result("sigmoid", sigmoid(x), "σ(x)")
    s.result("dsigmoid_dx", sigmoid(x) * (1 - sigmoid(x)), "σ′(x)")


def tanh_steps(s: Script) -> None:
    """tanh: definition in exponentials, derivative 1 − tanh², relation to σ, saturation."""
    form = (sp.exp(x) - sp.exp(-x)) / (sp.exp(x) + sp.exp(-x))
    s.define("tanh.def", "Hyperbolic tangent; range (−1, 1)", sp.tanh(x), form)
    s.fact("tanh.sigmoid", "A rescaled sigmoid", sp.tanh(x), 2 * sigmoid(2 * x) - 1, "zero-centred, unlike σ")
    s.derive("tanh.diff", "Differentiate", _d(sp.tanh(x)), form, x)
    s.then("tanh.course", "In terms of tanh itself", 1 - sp.tanh(x) ** 2, "the course's form tanh′ = 1 − tanh²; at most 1, at x = 0")
    s.then("tanh.output", "In terms of the output y = tanh(x)", 1 - y ** 2, "with y = tanh(x)", assume=((y, sp.tanh(x)),))
    for at in (2, 5):
        s.show(f"tanh.at{at}", f"tanh′(±{at}): saturation", None,
               1 - sp.tanh(sp.Integer(at)) ** 2, left=_d(form), domain=((x, at, at),))
    s.result("tanh", sp.tanh(x), "tanh(x)")
    s.result("dtanh_dx", 1 - sp.tanh(x) ** 2, "tanh′(x)")


def relu_steps(s: Script) -> None:
    """ReLU: max(0, x) as cases, derivative H(x) with the convention ReLU′(0) = 0."""
    s.define("relu.def", "Rectified linear unit; range [0, ∞)", relu(x), sp.Max(0, x))
    s.then("relu.cases", "As cases", sp.Piecewise((x, x > 0), (0, True)))
    s.derive("relu.diff", "Differentiate each case", _d(relu(x)), sp.Piecewise((x, x > 0), (0, True)), x)
    s.then("relu.step", "The unit step", H(x), "H(x) = 1 for x > 0, else 0: ReLU′(0) = 0 is chainrule's convention "
           "(any value in [0, 1] is a valid subgradient; PyTorch also uses 0)")
    s.result("relu", relu(x), "ReLU(x)")
    s.result("drelu_dx", H(x), "ReLU′(x), with ReLU′(0) = 0")


def leaky_steps(s: Script) -> None:
    """Leaky ReLU with α = 0.01: a small slope for x ≤ 0 keeps the gradient alive."""
    f = sp.Piecewise((x, x > 0), (x / 100, True))
    s.define("leaky.def", "Leaky ReLU (α = 0.01); range (−∞, ∞)", _named("LeakyReLU"), f)
    s.derive("leaky.diff", "Differentiate each case", _d(_named("LeakyReLU")), f, x)
    s.then("leaky.step", "With the unit step", sp.Rational(1, 100) + sp.Rational(99, 100) * H(x), "0.01 for x ≤ 0: never exactly 0")
    s.result("leaky_relu", f, "LeakyReLU(x)")
    s.result("dleaky_relu_dx", sp.Rational(1, 100) + sp.Rational(99, 100) * H(x), "LeakyReLU′(x)")


def prelu_steps(s: Script) -> None:
    """PReLU: the negative slope α is learned, so the loss also needs ∂f/∂α."""
    f = sp.Piecewise((x, x > 0), (alpha * x, True))
    s.define("prelu.def", "Parametric ReLU (α learned)", _named("PReLU"), f)
    s.derive("prelu.dx", "Differentiate by x", _d(_named("PReLU")), f, x)
    s.then("prelu.dx.step", "With the unit step", alpha + (1 - alpha) * H(x), domain=ALPHA_BOX)
    s.derive("prelu.dalpha", "Differentiate by α (the learned slope)", _d(_named("PReLU"), alpha), f, alpha)
    s.then("prelu.dalpha.min", "That is x for x ≤ 0, else 0", sp.Min(0, x), "∂f/∂α = x for x ≤ 0")
    s.result("prelu", f, "PReLU(x)")
    s.result("dprelu_dx", alpha + (1 - alpha) * H(x), "∂PReLU/∂x")
    s.result("dprelu_dalpha", sp.Min(0, x), "∂PReLU/∂α")


def elu_steps(s: Script) -> None:
    """ELU: smooth negative part α(eˣ − 1); its derivative there is the output plus α."""
    f = sp.Piecewise((x, x > 0), (alpha * (sp.exp(x) - 1), True))
    s.define("elu.def", "Exponential linear unit; range (−α, ∞)", _named("ELU"), f)
    s.derive("elu.diff", "Differentiate each case", _d(_named("ELU")), f, x)
    s.then("elu.output", "In terms of the output y = ELU(x)", sp.Piecewise((1, x > 0), (y + alpha, True)),
           "for x ≤ 0: αeˣ = α(eˣ − 1) + α = y + α", assume=((y, f),), domain=ALPHA_BOX)
    s.result("elu", f, "ELU(x)")
    s.result("delu_dx", sp.Piecewise((1, x > 0), (alpha * sp.exp(x), True)), "ELU′(x)")


def relu6_steps(s: Script) -> None:
    """ReLU6 = min(max(0, x), 6): slope 1 on (0, 6), 0 outside (0 at both kinks)."""
    cases = sp.Piecewise((0, x <= 0), (x, x < 6), (6, True))
    s.define("relu6.def", "ReLU6; range [0, 6]", _named("ReLU6"), sp.Min(sp.Max(0, x), 6))
    s.then("relu6.cases", "As cases", cases)
    s.derive("relu6.diff", "Differentiate each case", _d(_named("ReLU6")), cases, x)
    s.then("relu6.step", "With unit steps", H(x) * H(6 - x), "0 at both kinks x = 0 and x = 6 (as in PyTorch)")
    s.result("relu6", sp.Min(sp.Max(0, x), 6), "ReLU6(x)")
    s.result("drelu6_dx", H(x) * H(6 - x), "ReLU6′(x)")


def swish_steps(s: Script) -> None:
    """Swish x σ(x): derivative σ + xσ(1 − σ), in terms of the output y + σ(1 − y); its minimum."""
    form = x / (1 + sp.exp(-x))
    s.define("swish.def", "Swish (SiLU)", _named("swish"), x * sigmoid(x))
    s.derive("swish.diff", "Differentiate", _d(_named("swish")), form, x)
    course = sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))
    s.then("swish.course", "Product rule form", course, "the course's form σ + xσ(1 − σ)")
    s.then("swish.output", "In terms of the output y = xσ(x)", y + sigmoid(x) * (1 - y), assume=((y, x * sigmoid(x)),))
    slope, start = sp.diff(form, x), sp.Float(-1.3)
    x_min = prepared.computed("nsolve30", (slope, x, start), lambda: sp.nsolve(slope, x, start, prec=30))
    pin = ((x, x_min, x_min),)
    s.show("swish.slope0", "Its slope vanishes at x = " + f"{float(x_min):.6f} (SymPy nsolve)", _d(_named("swish")), sp.Integer(0),
           left=sp.diff(form, x), domain=pin)
    s.show("swish.min", "Its minimum there: the range is [−0.278…, ∞)", _named("swish").subs(x, x_min), x_min * sigmoid(x_min),
           left=form, domain=pin)
    s.result("swish", x * sigmoid(x), "swish(x)")
    s.result("dswish_dx", course, "swish′(x)")


def hardswish_steps(s: Script) -> None:
    """Hard-swish x ReLU6(x + 3)/6: a piecewise quadratic stand-in for swish."""
    f = x * sp.Min(sp.Max(0, x + 3), 6) / 6
    cases = sp.Piecewise((0, x <= -3), (x * (x + 3) / 6, x < 3), (x, True))
    s.define("hardswish.def", "Hard-swish", _named("hardswish"), f)
    s.then("hardswish.cases", "As cases", cases)
    s.derive("hardswish.diff", "Differentiate each case", _d(_named("hardswish")), cases, x)
    at = sp.Rational(-3, 2)
    s.show("hardswish.min", "Its minimum at x = −3/2: the range is [−3/8, ∞)", _named("hardswish").subs(x, at),
           sp.Rational(-3, 8), "where (2x + 3)/6 = 0", left=cases, domain=((x, at, at),))
    s.result("hardswish", f, "hard-swish(x)")
    s.result("dhardswish_dx", sp.Piecewise((0, x <= -3), ((2 * x + 3) / 6, x < 3), (1, True)), "hard-swish′(x)")


def softplus_steps(s: Script) -> None:
    """Softplus log(1 + eˣ): a smooth ReLU whose derivative is σ; the overflow-free form."""
    s.define("softplus.def", "Softplus; range (0, ∞)", softplus(x), sp.log(1 + sp.exp(x)))
    s.derive("softplus.diff", "Differentiate", _d(softplus(x)), sp.log(1 + sp.exp(x)), x)
    s.then("softplus.sigmoid", "That is the sigmoid", sigmoid(x))
    s.fact("softplus.stable", "Numerically stable form (no overflow for large x)", softplus(x),
           sp.Max(x, 0) + sp.log(1 + sp.exp(-sp.Abs(x))), "log-sum-exp trick", left=sp.log(1 + sp.exp(x)), method="numeric",
           domain=((x, -30.0, 30.0),))
    s.result("softplus", softplus(x), "softplus(x)")
    s.result("dsoftplus_dx", sigmoid(x), "softplus′(x)")


def softmax_steps(s: Script) -> None:
    """Softmax: SymPy differentiates three logits; all nine entries proved equal to s_i(δ_ij − s_j)."""
    i, j, n = sp.symbols("i j n", integer=True, positive=True)
    si = lambda q: sp.Symbol(f"s_{q}", positive=True)  # noqa: E731 - index notation, s_i
    zi = lambda q: sp.Symbol(f"z_{q}", real=True)  # noqa: E731
    explicit = softmax_explicit()
    back = tuple(zip(SM, explicit))
    s.define("softmax.def", "Softmax: entries in (0, 1) that sum to 1", si(i), sp.exp(zi(i)) / sp.Sum(sp.exp(zi(j)), (j, 1, n)))
    s.define("softmax.n3", "Three logits z1, z2, z3", SM[0], explicit[0], "likewise s2, s3")
    s.derive("softmax.d11", "Differentiate s1 by its own logit", sp.Derivative(SM[0], Z[0]), explicit[0], Z[0])
    s.then("softmax.d11.s", "In terms of the outputs", SM[0] * (1 - SM[0]), assume=back)
    s.derive("softmax.d12", "Differentiate s1 by another logit", sp.Derivative(SM[0], Z[1]), explicit[0], Z[1])
    s.then("softmax.d12.s", "In terms of the outputs", -SM[0] * SM[1], assume=back)
    general = si(i) * (sp.KroneckerDelta(i, j) - si(j))
    s.fact("softmax.jacobian", "Every entry of the Jacobian (all nine checked for n = 3)", sp.Derivative(si(i), zi(j)), general,
           "in matrix form ∂s/∂z = diag(s) − s sᵀ (symmetric)", left=sp.Matrix(3, 3, lambda a, b: sp.Derivative(explicit[a], Z[b])),
           right=softmax_jacobian())
    c = sp.Symbol("c", real=True)
    s.fact("softmax.shift", "Stable form: subtract c = max_j z_j first (no overflow)", SM[0],
           sp.exp(Z[0] - c) / sum(sp.exp(z - c) for z in Z), "the factor e^(−c) cancels", left=explicit[0])
    s.result("softmax_i", sp.exp(zi(i)) / sp.Sum(sp.exp(zi(j)), (j, 1, n)), "s_i = softmax(z)_i")
    s.result("dsoftmax_i_dz_j", general, "∂s_i/∂z_j = s_i(δ_ij − s_j), i.e. diag(s) − s sᵀ")


def softmax_explicit() -> Any:
    """(s1, s2, s3) as a 3×1 Matrix of the logits z1, z2, z3."""
    denom = sum(sp.exp(z) for z in Z)
    return sp.Matrix([sp.exp(z) / denom for z in Z])


def softmax_jacobian() -> Any:
    """diag(s) − s sᵀ for three logits, written in z1, z2, z3 (what verify lambdifies)."""
    s = softmax_explicit()
    return sp.diag(*s) - s * s.T


ACTIVATIONS: dict[str, Callable[[Script], None]] = {
    "sigmoid": sigmoid_steps, "tanh": tanh_steps, "relu": relu_steps, "leaky-relu": leaky_steps,
    "prelu": prelu_steps, "elu": elu_steps, "relu6": relu6_steps, "swish": swish_steps,
    "hard-swish": hardswish_steps, "softplus": softplus_steps, "softmax": softmax_steps,
}
ALIASES = {"leaky": "leaky-relu", "leakyrelu": "leaky-relu", "hardswish": "hard-swish", "silu": "swish",
           "logistic": "sigmoid", "leaky-relu": "leaky-relu"}


def script(names: list[str]) -> Script:
    """The script for the named activations, in the course's order, with the legend."""
    s = Script()
    for name in names:
        ACTIVATIONS[name](s)
    s.symbol("x", "pre-activation (net input) of a unit")
    s.symbol("y", "the unit's output f(x), kept from the forward pass")
    if {"prelu", "elu"} & set(names):
        s.symbol("alpha", "slope/scale of the negative part (learned in PReLU; ELU often 1)")
    if "softmax" in names:
        s.symbol("z", "logits (z1, z2, z3 in the explicit case; z_j in general)", ("n",))
        s.symbol("s", "softmax output s_i (s1, s2, s3 in the explicit case)", ("n",))
        s.symbol("i, j", "indices 1…n; δ_ij is the Kronecker delta", ())
    s.notes.append("Derivatives at kinks: the one-sided value chainrule (and PyTorch) uses, e.g. ReLU′(0) = 0.")
    s.notes.append("H(x) is the unit step with H(0) = 0.")
    return s
