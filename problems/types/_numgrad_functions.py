"""Pieces of the ``numgrad`` type: the outer and inner functions, the sigmoid-chain solver and
the independent cross-checks (torch autograd; complex-step derivatives without torch)."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from derive.numcheck import numerical_gradient
from problems.shared.optional_torch import load_torch
from problems.shared.statement_text import num
from problems.shared.unit_functions import sigmoid

OUTER = {"sigmoid": "σ(u) = 1/(1 + e^(−u))", "tanh": "tanh(u)", "exp": "e^u", "softplus": "ln(1 + e^u)", "square": "u²"}


def phi(name: str) -> Callable[[float], float]:
    """φ as a real function."""
    return {"sigmoid": sigmoid, "tanh": math.tanh, "exp": math.exp,
            "softplus": lambda u: math.log1p(math.exp(u)), "square": lambda u: u * u}[name]


def dphi(name: str, work: Any) -> Callable[[float], float]:
    """φ′ (or the slip being replayed: the value for the derivative, 1 − tanh without the square)."""
    if work.mistake("value-as-derivative"):
        return phi(name)
    if work.mistake("tanh-not-squared"):
        return lambda u: 1 - math.tanh(u)
    return {"sigmoid": lambda u: sigmoid(u) * (1 - sigmoid(u)), "tanh": lambda u: 1 - math.tanh(u) ** 2, "exp": math.exp,
            "softplus": sigmoid, "square": lambda u: 2 * u}[name]


def inner(g: dict[str, Any], x: float) -> float:
    """g(x) = a·x + b or a·x² + b."""
    return g["a"] * (x * x if g["inner"] == "square" else x) + g["b"]


def dinner(g: dict[str, Any], x: float, work: Any) -> float:
    """g′(x) = a or 2a·x (a·x when the power rule's factor is dropped)."""
    if g["inner"] == "affine":
        return g["a"]
    return g["a"] * x if work.mistake("power-rule") else 2 * g["a"] * x


def inner_text(g: dict[str, Any]) -> str:
    """``2x² − 0.5`` as the statement writes g."""
    a, b = g["a"], g["b"]
    lead = {1.0: "", -1.0: "−"}.get(a, num(a))
    return f"{lead}x{'²' if g['inner'] == 'square' else ''}" + (f" {'−' if b < 0 else '+'} {num(abs(b))}" if b else "")


def solve_chain(g: dict[str, Any], work: Any) -> None:
    """z_l, a_l for every neuron; local derivatives w_l a_l(1 − a_l); their product; 0.25ᵏ and the bound."""
    a, outs = g["x"], []
    for l, (w, b) in enumerate(zip(g["w"], g["b"]), 1):
        z = work.put(f"z.{l}", f"z_{l}", w * a + b, "w_l a_(l−1) + b_l", depends_on=(f"a.{l - 1}",) if l > 1 else ())
        a = work.put(f"a.{l}", f"a_{l}", sigmoid(z), "σ(z_l)", depends_on=(f"z.{l}",))
        outs.append(a)
    locals_ = []
    for l, (w, a) in enumerate(zip(g["w"], outs), 1):
        d = w * a if work.mistake("value-as-derivative") else a * (1 - a) if work.mistake("weight-dropped") else w * a * (1 - a)
        locals_.append(work.put(f"local.{l}", f"∂a_{l}/∂a_{l - 1}", d, "w_l a_l(1 − a_l)", depends_on=(f"a.{l}",)))
    grad = sum(locals_) if work.mistake("sum-not-product") else math.prod(locals_)
    work.put("grad", "∂a_k/∂x", grad, "Π_l w_l a_l(1 − a_l)", depends_on=tuple(f"local.{l}" for l in range(1, len(outs) + 1)))
    k = len(outs)
    vanish = work.put("vanish", "0.25ᵏ", (0.5 if work.mistake("max-derivative-half") else 0.25) ** k, "0.25ᵏ",
                      because=f"σ′(z) ≤ σ′(0) = 1/4, k = {k}")
    work.put("bound", "Bound on |∂a_k/∂x|", vanish * math.prod(abs(w) for w in g["w"]), "0.25ᵏ Π_l |w_l|", depends_on=("vanish",))


# --- independent cross-checks (tests only) --------------------------------------------------

def _phi_lib(name: str, u: Any, lib: Any) -> Any:
    """φ(u) written with one library's functions (torch or NumPy, real or complex)."""
    if name == "sigmoid":
        return 1 / (1 + lib.exp(-u))
    if name == "softplus":
        return lib.log(1 + lib.exp(u))
    return {"tanh": lib.tanh, "exp": lib.exp, "square": lambda v: v * v}[name](u)


def _derivative(fn: Callable[[Any], Any], x: float, torch: Any) -> float:
    """dfn/dx by torch autograd, or by the complex step Im fn(x + i·1e−30)/1e−30."""
    if torch is None:
        return float(np.imag(fn(complex(x, 1e-30))) / 1e-30)
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    return float(torch.autograd.grad(fn(t), t)[0])


def cross(g: dict[str, Any]) -> dict[str, Any]:
    """Composite: autograd (or complex-step) derivatives; differences from math-module values."""
    torch = load_torch()
    lib = torch if torch is not None else np
    x, h, name = g["x"], g["h"], g["outer"]
    gx = lambda v: g["a"] * v ** 2 + g["b"] if g["inner"] == "square" else g["a"] * v + g["b"]  # noqa: E731
    f = lambda v: _phi_lib(name, gx(v), lib)  # noqa: E731
    real = lambda v: float(np.real(_phi_lib(name, np.float64(gx(v)), np)))  # noqa: E731
    grad, u = _derivative(f, x, torch), gx(x)
    point = np.array([x], dtype=float)
    central = float(numerical_gradient(lambda: real(point[0]), point, h)[0])
    forward = (real(x + h) - real(x)) / h
    return {"u": u, "f": real(x), "dg": _derivative(gx, x, torch), "dphi": _derivative(lambda v: _phi_lib(name, v, lib), u, torch),
            "grad": grad, "fplus": real(x + h), "fminus": real(x - h), "central": central, "forward": forward,
            "err-central": abs(central - grad), "err-forward": abs(forward - grad)}


def cross_chain(g: dict[str, Any]) -> dict[str, Any]:
    """Chain: each neuron's local derivative and ∂a_k/∂x by autograd (or the complex step)."""
    torch = load_torch()
    lib = torch if torch is not None else np
    out: dict[str, Any] = {}
    a = g["x"]
    for l, (w, b) in enumerate(zip(g["w"], g["b"]), 1):
        neuron = lambda v, w=w, b=b: 1 / (1 + lib.exp(-(w * v + b)))  # noqa: E731
        out[f"z.{l}"], out[f"local.{l}"] = w * a + b, _derivative(neuron, a, torch)
        a = out[f"a.{l}"] = 1 / (1 + math.exp(-(w * a + b)))

    def whole(v: Any) -> Any:
        for w, b in zip(g["w"], g["b"]):
            v = 1 / (1 + lib.exp(-(w * v + b)))
        return v
    k = len(g["w"])
    return out | {"grad": _derivative(whole, g["x"], torch), "vanish": 4.0 ** -k, "bound": math.prod(abs(w) / 4 for w in g["w"])}
