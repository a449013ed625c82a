"""One backpropagation training step of a small fully connected network (SYLLABUS §1).

Equations::

    net_h = W1 x + b1,  out_h = f(net_h)             W1: (H, I), x: (I,), b1 scalar or (H,)
    net_o = W2 out_h + b2,  out_o = f(net_o)        W2: (K, H); ce: softmax (K = 1: sigmoid)
    E = ½ Σ_k (t_k − o_k)²        ce: −Σ_k t_k ln o_k  (K = 1: −[t ln o + (1 − t) ln(1 − o)])
    δ_o = (o − t) ⊙ f′(net_o)     ce: δ_o = o − t
    ∂E/∂W2 = δ_o out_hᵀ,  δ_h = (W2ᵀ δ_o) ⊙ f′(net_h),  ∂E/∂W1 = δ_h xᵀ
    W ← W − η ∂E/∂W;  b ← b − η Σ_j δ_j (shared scalar bias) or b − η δ (vector bias)

The textbook 2-2-2 net names its weights w1…w8 (w1, w2 into h1; w3, w4 into h2; w5, w6 into o1;
w7, w8 into o2); then every entry also gets its own step ``dE_dw5``…, ``w5_new``… (the engine
has no per-entry aliases, so the matrix steps are assembled from the scalar steps).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.shared.checked_math import log_probability
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.step_labels import Label
from problems.shared.unit_functions import DERIV_FROM_OUT, DERIV_TEXT, FORWARD, log_softmax, sigmoid, softmax
from problems.types import _backprop_givens as io

NAME = "backprop"
SUMMARY = "One backprop step of a small MLP: forward pass, E, deltas, gradients, updated weights"
SECTIONS = ("1",)
VARIANTS = io.VARIANTS
_ENTRY = [StepSpec(f"dE_dw{n}", f"∂E/∂w{n} (textbook givens)", "number", 4, "δ · input of the weight") for n in range(1, 9)]
_NEW = [StepSpec(f"w{n}_new", f"Updated w{n} (textbook givens)", "number", 4, "w − η ∂E/∂w") for n in range(1, 9)]
STEPS = [
    StepSpec("net_h", "Hidden net inputs", "vector", 3, "net_h = W1 x + b1"),
    StepSpec("out_h", "Hidden outputs", "vector", 4, "out_h = f(net_h)"),
    StepSpec("net_o", "Output net inputs", "vector", 3, "net_o = W2 out_h + b2"),
    StepSpec("out_o", "Network outputs", "vector", 4, "out_o = f(net_o); ce: softmax(net_o)"),
    StepSpec("E", "Error", "number", 4, "(1/2)Σ(t − o)²; ce: −Σ t ln o"),
    StepSpec("delta_o", "Output deltas ∂E/∂net_o", "vector", 4, "(o − t) ⊙ f′(net_o); ce: o − t"),
    StepSpec("dE_dW2", "Gradient for W2", "matrix", 4, "δ_o out_hᵀ"),
    StepSpec("delta_h", "Hidden deltas ∂E/∂net_h", "vector", 4, "(W2ᵀ δ_o) ⊙ f′(net_h)"),
    StepSpec("dE_dW1", "Gradient for W1", "matrix", 4, "δ_h xᵀ"),
    StepSpec("W2_new", "Updated W2", "matrix", 4, "W2 − η ∂E/∂W2"),
    StepSpec("W1_new", "Updated W1", "matrix", 4, "W1 − η ∂E/∂W1"),
    StepSpec("b2_new", "Updated output bias (when biases are updated)", "vector", 4, "b2 − η Σ δ_o (shared) or b2 − η δ_o"),
    StepSpec("b1_new", "Updated hidden bias (when biases are updated)", "vector", 4, "b1 − η Σ δ_h (shared) or b1 − η δ_h"),
    *_ENTRY, *_NEW,
]
GIVENS = io.GIVENS
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "update-sign": "update sign flipped: w + η ∂E/∂w instead of w − η ∂E/∂w",
    "new-weights-mixed": "hidden delta computed with the already updated W2 (old and new weights mixed)",
    "no-sum-over-outputs": "hidden delta forgot the sum over outputs: used only output 1's δ·w",
    "dE-dout-as-derivative": "∂E/∂out_h written as out_h(1 − out_h) (that is ∂out_h/∂net_h) instead of Σ_k δ_k w_kh",
    "no-half": "error without the 1/2: E = Σ(t − o)² instead of (1/2)Σ(t − o)²",
    "ce-times-derivative": "multiplied o − t by the sigmoid derivative although softmax/sigmoid + cross-entropy gives δ_o = o − t",
    "value-for-derivative": "used the unit's output f(net) instead of its derivative f′(net) (o instead of o(1 − o))",
    "sign-t-minus-o": "error sign: used (t − o) where ∂E/∂o = o − t",
    "hidden-derivative-in-output": ("derivative factor of the wrong node: the hidden unit's out_h(1 − out_h) used in an output "
                                    "weight's gradient instead of the output's o(1 − o)"),
    "other-output-derivative": "derivative factor of the wrong node: the other output's o(1 − o) used in δ_o",
}
APPLIES = {"ce-times-derivative": lambda g: g["loss"] == "ce", "no-half": lambda g: g["loss"] == "mse",
           "no-sum-over-outputs": lambda g: len(g["t"]) > 1,
           "hidden-derivative-in-output": lambda g: g["loss"] == "mse",
           "other-output-derivative": lambda g: g["loss"] == "mse" and len(g["t"]) == 2}
validate, statement, conventions = io.validate, io.statement, io.conventions
_L = {k: Label(k, v) for k, v in {"net_h": r"\mathrm{net_h}", "out_h": r"\mathrm{out_h}", "net_o": r"\mathrm{net_o}",
                                   "out_o": r"\mathrm{out_o}", "E": "E", "delta_o": r"\delta_o", "delta_h": r"\delta_h",
                                   "dE_dW2": r"\partial E/\partial W_2", "dE_dW1": r"\partial E/\partial W_1"}.items()}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Hand-sized nets: weights in multiples of 0.1 (easy) or 0.05; variant picked when not given."""
    variant = variant or pick(rng, io.ORDER[difficulty])
    return generate_clear(this(__name__), lambda: io.draw(rng, difficulty, variant))


def _output(g: dict[str, Any], net_o: np.ndarray) -> np.ndarray:
    if g["loss"] == "ce":
        return softmax(net_o) if len(net_o) > 1 else sigmoid(net_o)
    return FORWARD[g["activation"]](net_o)


def _error(g: dict[str, Any], o: np.ndarray, t: np.ndarray, net_o: np.ndarray, work: Any) -> float:
    """The error of outputs ``o``; cross-entropy takes ln o (and ln(1 − o)) from the logits ``net_o``
    where an output saturated to 0 or 1 (log-softmax, ln σ(z) = −softplus(−z))."""
    if g["loss"] == "ce":
        if len(o) > 1:
            return float(-(t * log_probability(o, log_softmax(net_o))).sum())
        return float(-(t * log_probability(o, -np.logaddexp(0.0, -net_o))
                       + (1 - t) * log_probability(1 - o, -np.logaddexp(0.0, net_o))).sum())
    return float(((t - o) ** 2).sum() * (1.0 if work.mistake("no-half") else 0.5))


def _delta_o(g: dict[str, Any], o: np.ndarray, t: np.ndarray, work: Any) -> np.ndarray:
    err = (t - o) if work.mistake("sign-t-minus-o") else (o - t)
    if g["loss"] == "ce":
        return err * o * (1 - o) if work.mistake("ce-times-derivative") else err
    factor = o if work.mistake("value-for-derivative") else DERIV_FROM_OUT[g["activation"]](o)
    return err * (factor[::-1] if work.mistake("other-output-derivative") else factor)


def _entries(work: Any, step: str, value: np.ndarray, first: int, title: str, deps: tuple[str, ...], text: str) -> np.ndarray:
    """Textbook givens: one scalar step per entry (w{first}… row by row), then the matrix."""
    out = value.copy()
    for n, (i, j) in enumerate(np.ndindex(*value.shape), first):
        sid = f"dE_dw{n}" if step.startswith("dE") else f"w{n}_new"
        out[i, j] = work.put(sid, title.format(n=n), value[i, j], formula=text.format(n=n, i=i + 1, j=j + 1), depends_on=deps)
    return out


def solve(g: dict[str, Any], work: Any) -> None:
    """Forward pass, error, deltas, gradients and updates, in the order a hand solution writes them."""
    if idle(work, APPLIES, g):
        return
    x, t, lr, act, tb = np.array(g["x"]), np.array(g["t"]), g["lr"], g["activation"], "w1" in g
    W1, W2, b1, b2 = io.params(g)
    df = DERIV_FROM_OUT[act]
    net_h = work.put("net_h", "Hidden net inputs", W1 @ x + b1, "W1·x + b1", lhs=_L["net_h"])
    out_h = work.put("out_h", "Hidden outputs", FORWARD[act](net_h), f"{act}(net_h)", depends_on=("net_h",), lhs=_L["out_h"])
    net_o = work.put("net_o", "Output net inputs", W2 @ out_h + b2, "W2·out_h + b2", depends_on=("out_h",), lhs=_L["net_o"])
    out_o = work.put("out_o", "Network outputs", _output(g, net_o), io.out_text(g), depends_on=("net_o",), lhs=_L["out_o"])
    work.put("E", "Error", _error(g, out_o, t, net_o, work), io.error_text(g), depends_on=("out_o",), lhs=_L["E"])
    d_o = work.put("delta_o", "Output deltas ∂E/∂net_o", _delta_o(g, out_o, t, work),
                   "o − t" if g["loss"] == "ce" else f"(o − t) ⊙ {DERIV_TEXT[act]}", depends_on=("out_o",), lhs=_L["delta_o"])
    dW2 = np.outer(d_o, out_h)
    if work.mistake("hidden-derivative-in-output"):  # ∂E/∂w_kj = (o_k − t_k)·out_hj(1 − out_hj)·out_hj
        dW2 = np.outer(out_o - t, df(out_h) * out_h)
    if tb:
        dW2 = _entries(work, "dE", dW2, 5, "∂E/∂w{n}", ("delta_o", "out_h"), "δ_o{i} · out_h{j}")
    dW2 = work.put("dE_dW2", "Gradient for W2", dW2, "δ_o · out_hᵀ", lhs=_L["dE_dW2"],
                   depends_on=tuple(f"dE_dw{n}" for n in range(5, 9)) if tb else ("delta_o", "out_h"))
    W2_used = W2 - lr * dW2 if work.mistake("new-weights-mixed") else W2
    back = W2_used[0] * d_o[0] if work.mistake("no-sum-over-outputs") else W2_used.T @ d_o
    back = df(out_h) if work.mistake("dE-dout-as-derivative") else back
    local = out_h if work.mistake("value-for-derivative") else df(out_h)
    d_h = work.put("delta_h", "Hidden deltas ∂E/∂net_h", back * local, f"(W2ᵀ δ_o) ⊙ {DERIV_TEXT[act]}",
                   depends_on=("delta_o", "out_h"), lhs=_L["delta_h"])
    dW1 = np.outer(d_h, x)
    if tb:
        dW1 = _entries(work, "dE", dW1, 1, "∂E/∂w{n}", ("delta_h",), "δ_h{i} · i{j}")
    dW1 = work.put("dE_dW1", "Gradient for W1", dW1, "δ_h · xᵀ", lhs=_L["dE_dW1"],
                   depends_on=tuple(f"dE_dw{n}" for n in range(1, 5)) if tb else ("delta_h",))
    step = lr if work.mistake("update-sign") else -lr
    for name, W, dW, first in (("W2_new", W2, dW2, 5), ("W1_new", W1, dW1, 1)):
        new = W + step * dW
        if tb:
            new = _entries(work, "new", new, first, "Updated w{n}", (f"dE_dW{name[1]}",), "w{n} − η · ∂E/∂w{n}")
        work.put(name, f"Updated {name[:2]}", new, f"{name[:2]} − η · ∂E/∂{name[:2]}", depends_on=(f"dE_dW{name[1]}",))
    if g["update_biases"]:
        for name, b, d in (("b2_new", b2, d_o), ("b1_new", b1, d_h)):
            grad = d.sum() if np.ndim(b) == 0 else d
            work.put(name, f"Updated {name[:2]}", b + step * grad, f"{name[:2]} − η · " + ("Σ δ" if np.ndim(b) == 0 else "δ"),
                     depends_on=("delta_o" if name == "b2_new" else "delta_h",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch autograd, or a NumPy Jacobian chain without torch."""
    from problems.types._backprop_crosscheck import cross_check as run
    return run(g)
