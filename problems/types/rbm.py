"""Restricted Boltzmann machine: energy, conditionals, one CD-1 update from given samples (§13).

Equations::

    E(v, h) = −aᵀv − bᵀh − vᵀW h
    P(h_j = 1 | v) = σ(b_j + Σ_i v_i W_ij)        P(v_i = 1 | h) = σ(a_i + Σ_j W_ij h_j)
    CD-1 with the sampled states v⁰ → h⁰ → v¹ → h¹:
    ΔW = η(v⁰h⁰ᵀ − v¹h¹ᵀ),  Δa = η(v⁰ − v¹),  Δb = η(h⁰ − h¹),  W ← W + ΔW
Shapes: v (m visible), h (n hidden), W (m × n); no visible–visible or hidden–hidden weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import matrix, number, vector
from problems.shared.clear_mistakes import distinct, this
from problems.shared.given_readers import binary
from problems.shared.random_givens import dec, pick
from problems.shared.statement_text import mat_g, vec_g
from problems.shared.unit_functions import sigmoid

NAME = "rbm"
SUMMARY = "RBM: energy E(v, h), P(h|v), P(v|h), one CD-1 update ΔW = η(v⁰h⁰ᵀ − v¹h¹ᵀ) from given samples"
SECTIONS = ("13",)
VARIANTS: dict[str, str] = {}
STEPS = [
    StepSpec("energy", "Energy E(v⁰, h⁰)", "number", 2, "−aᵀv − bᵀh − vᵀWh"),
    StepSpec("net-h0", "Hidden net input b + Wᵀv⁰", "vector", 2, "b_j + Σ_i v⁰_i W_ij"),
    StepSpec("ph0", "P(h = 1 | v⁰)", "vector", 3, "σ(b + Wᵀv⁰)"),
    StepSpec("net-v1", "Visible net input a + W h⁰", "vector", 2, "a_i + Σ_j W_ij h⁰_j"),
    StepSpec("pv1", "P(v = 1 | h⁰)", "vector", 3, "σ(a + W h⁰)"),
    StepSpec("net-h1", "Hidden net input b + Wᵀv¹", "vector", 2, "b_j + Σ_i v¹_i W_ij"),
    StepSpec("ph1", "P(h = 1 | v¹)", "vector", 3, "σ(b + Wᵀv¹)"),
    StepSpec("pos", "Positive phase v⁰h⁰ᵀ", "matrix", None, "v⁰h⁰ᵀ"),
    StepSpec("neg", "Negative phase v¹h¹ᵀ", "matrix", None, "v¹h¹ᵀ"),
    StepSpec("dW", "Weight update ΔW", "matrix", 2, "η(v⁰h⁰ᵀ − v¹h¹ᵀ)"),
    StepSpec("W-new", "Updated weights", "matrix", 2, "W + ΔW"),
    StepSpec("da", "Visible-bias update Δa", "vector", 2, "η(v⁰ − v¹)"),
    StepSpec("db", "Hidden-bias update Δb", "vector", 2, "η(h⁰ − h¹)"),
]
GIVENS = {"W": "weights, one row per visible unit (m × n)", "a": "visible biases (m)", "b": "hidden biases (n)",
          "v0": "data vector (0/1)", "h0, v1, h1": "the sampled states of the Gibbs chain (0/1)", "lr": "learning rate η"}
MISTAKES = {
    "energy-sign": "energy terms with the wrong sign: +aᵀv + bᵀh + vᵀWh instead of −aᵀv − bᵀh − vᵀWh",
    "bias-omitted": "hidden bias b left out of P(h | v)",
    "sigmoid-omitted": "σ not applied: the net input b + Wᵀv is not a probability",
    "w-not-transposed": "W used instead of Wᵀ for P(h | v): hidden unit j sums v_i W_ij over the visible units i",
    "probabilities-used": "probabilities used in the phases: the update uses the given sampled states",
    "cd-reversed": "CD-1 terms reversed: η(v¹h¹ᵀ − v⁰h⁰ᵀ) instead of η(v⁰h⁰ᵀ − v¹h¹ᵀ)",
    "lr-omitted": "learning rate left out of ΔW",
}

_CLOSE = ("energy-sign", "sigmoid-omitted", "w-not-transposed", "probabilities-used")  # may land near the right value


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """One-decimal parameters; the chain's states are sampled from the model's own conditionals."""
    m, n = {"easy": (3, 2), "exam": pick(rng, [(3, 2), (3, 3), (4, 2)]), "hard": pick(rng, [(4, 3), (3, 3)])}[difficulty]
    while True:
        W, a, b = dec(rng, (m, n), -1, 1, nonzero=True), dec(rng, m, -0.5, 0.5, nonzero=True), dec(rng, n, -0.5, 0.5, nonzero=True)
        v0 = rng.integers(0, 2, m).astype(float)
        h0 = (rng.random(n) < sigmoid(b + W.T @ v0)).astype(float)
        v1 = (rng.random(m) < sigmoid(a + W @ h0)).astype(float)
        h1 = (rng.random(n) < sigmoid(b + W.T @ v1)).astype(float)
        g = {"W": W.tolist(), "a": a.tolist(), "b": b.tolist(), "v0": v0.tolist(), "h0": h0.tolist(), "v1": v1.tolist(),
             "h1": h1.tolist(), "lr": pick(rng, [0.1, 0.2, 0.5])}
        if v0.any() and h0.any() and (np.outer(v0, h0) != np.outer(v1, h1)).any() and distinct(this(__name__), g, _CLOSE):
            return g


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Shapes agree, states are 0/1, 0 < η ≤ 1."""
    W = matrix(givens, "W", rows=(1, 8), cols=(1, 8))
    m, n = len(W), len(W[0])
    lr = number(givens, "lr", 0.0, 1.0, default=0.1)
    if lr == 0:
        raise GivenError("lr", "a learning rate η with 0 < η ≤ 1")
    return {"W": W, "a": vector(givens, "a", (m, m)), "b": vector(givens, "b", (n, n)), "v0": binary(givens, "v0", (m, m)),
            "h0": binary(givens, "h0", (n, n)), "v1": binary(givens, "v1", (m, m)), "h1": binary(givens, "h1", (n, n)), "lr": lr}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    return (f"An RBM with {len(g['a'])} visible and {len(g['b'])} hidden units has W = {mat_g(g['W'])} (row i = visible unit i), "
            f"a = {vec_g(g['a'])}, b = {vec_g(g['b'])}. For the data v⁰ = {vec_g(g['v0'])} one Gibbs step sampled h⁰ = {vec_g(g['h0'])}, "
            f"v¹ = {vec_g(g['v1'])}, h¹ = {vec_g(g['h1'])}. Compute E(v⁰, h⁰), P(h = 1 | v⁰), P(v = 1 | h⁰), P(h = 1 | v¹), "
            f"the positive and negative phases, the CD-1 update with η = {g['lr']:g}, the new W and the bias updates.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["E(v, h) = −aᵀv − bᵀh − vᵀWh with W_ij joining visible i and hidden j (W is m × n).",
            "CD-1 uses the given sampled states (not the probabilities): ΔW = η(v⁰h⁰ᵀ − v¹h¹ᵀ)."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Energy, the three conditionals, the phases and the CD-1 updates."""
    W, a, b = (np.array(g[k], dtype=float) for k in ("W", "a", "b"))
    v0, h0, v1, h1 = (np.array(g[k], dtype=float) for k in ("v0", "h0", "v1", "h1"))
    E = -(a @ v0) - (b @ h0) - v0 @ W @ h0
    work.put("energy", "E(v⁰, h⁰)", -E if work.mistake("energy-sign") else E, "−aᵀv⁰ − bᵀh⁰ − v⁰ᵀWh⁰")
    Wh = W if work.mistake("w-not-transposed") and W.shape[0] == W.shape[1] else W.T
    squash = (lambda x: x) if work.mistake("sigmoid-omitted") else sigmoid
    hb = 0.0 if work.mistake("bias-omitted") else b
    p = {}
    for sid, title, net, f in (("h0", "P(h = 1 | v⁰)", hb + Wh @ v0, "b + Wᵀv⁰"), ("v1", "P(v = 1 | h⁰)", a + W @ h0, "a + W h⁰"),
                               ("h1", "P(h = 1 | v¹)", hb + Wh @ v1, "b + Wᵀv¹")):
        net = work.put(f"net-{sid}", f"Net input {f}", net, f)
        p[f"p{sid}"] = work.put(f"p{sid}", title, squash(np.asarray(net)), f"σ({f})", depends_on=(f"net-{sid}",))
    probs = work.mistake("probabilities-used")
    pos = work.put("pos", "Positive phase v⁰h⁰ᵀ", np.outer(v0, p["ph0"] if probs else h0), "v⁰h⁰ᵀ")
    neg = work.put("neg", "Negative phase v¹h¹ᵀ", np.outer(v1, p["ph1"] if probs else h1), "v¹h¹ᵀ")
    lr = 1.0 if work.mistake("lr-omitted") else g["lr"]
    dW = work.put("dW", "ΔW", lr * (neg - pos if work.mistake("cd-reversed") else pos - neg), "η(v⁰h⁰ᵀ − v¹h¹ᵀ)",
                  depends_on=("pos", "neg"))
    work.put("W-new", "W + ΔW", W + dW, "W + ΔW", depends_on=("dW",))
    work.put("da", "Δa", g["lr"] * (v0 - v1), "η(v⁰ − v¹)")
    work.put("db", "Δb", g["lr"] * (h0 - h1), "η(h⁰ − h¹)")


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): every conditional from energy differences,
    P(h_j = 1 | v) = 1/(1 + exp(E(v, h with h_j = 1) − E(v, h with h_j = 0))), and explicit loops."""
    from problems.types._rbm_crosscheck import rbm_cross
    return rbm_cross(g)


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0), "text"))
