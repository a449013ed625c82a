"""Sparse autoencoder penalty: mean activations ρ̂_j, KL(ρ‖ρ̂_j) per hidden unit, β Σ_j KL and
its derivative, the term added to the hidden deltas (SYLLABUS §9).

Equations::

    a_ij = σ(W x_i + b)_j   (hard: computed; otherwise given),   ρ̂_j = (1/m) Σ_i a_ij
    KL(ρ‖ρ̂_j) = ρ ln(ρ/ρ̂_j) + (1 − ρ) ln((1 − ρ)/(1 − ρ̂_j))
    penalty = β Σ_j KL(ρ‖ρ̂_j),   J = J₀ + penalty
    ∂penalty/∂ρ̂_j = β(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import matrix, number, vector
from problems.shared.checked_math import ln
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import dec, pick
from problems.shared.statement_text import mat, num, vec
from problems.shared.unit_functions import sigmoid

NAME = "sparse-ae"
SUMMARY = "Sparse autoencoder: mean activations ρ̂, KL(ρ‖ρ̂_j) per unit, penalty β Σ KL, total cost, ∂penalty/∂ρ̂"
SECTIONS = ("9",)
STEPS = [
    StepSpec("z", "Hidden pre-activations, one row per sample", "matrix", 2, "X Wᵀ + b"),
    StepSpec("A", "Hidden activations, one row per sample", "matrix", 3, "σ(z)"),
    StepSpec("rhohat", "Mean activation ρ̂_j of every hidden unit", "vector", 3, "(1/m) Σ_i a_ij"),
    StepSpec("kl", "KL(ρ‖ρ̂_j) of every hidden unit", "vector", 4, "ρ ln(ρ/ρ̂_j) + (1 − ρ) ln((1 − ρ)/(1 − ρ̂_j))"),
    StepSpec("penalty", "Sparsity penalty", "number", 4, "β Σ_j KL(ρ‖ρ̂_j)"),
    StepSpec("total", "Total cost J", "number", 4, "J₀ + penalty"),
    StepSpec("grad", "∂penalty/∂ρ̂_j", "vector", 3, "β(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j))"),
]
GIVENS = {"A": "hidden activations, one row per sample, values in (0, 1); or instead:",
          "X, W, b": "inputs (m × d), encoder weights (k × d) and biases (k): a = σ(W x + b)",
          "rho": "target sparsity ρ (0 < ρ < 1)", "beta": "weight β of the penalty", "J0": "reconstruction cost J₀ (optional)"}
MISTAKES = {
    "grad-sign": "derivative with the wrong sign: β(ρ/ρ̂ − (1 − ρ)/(1 − ρ̂))",
    "beta-omitted": "β left out of the penalty",
    "kl-reversed": "KL reversed: KL(ρ̂‖ρ) = ρ̂ ln(ρ̂/ρ) + … instead of KL(ρ‖ρ̂) = ρ ln(ρ/ρ̂) + …",
    "second-term-dropped": "second term dropped: KL(ρ‖ρ̂) also has (1 − ρ) ln((1 − ρ)/(1 − ρ̂))",
    "log10": "common logarithm used: the KL divergence uses natural logarithms (ln)",
    "rhohat-sum": "ρ̂_j summed over the samples instead of averaged",
    "sigmoid-omitted": "σ not applied: the activations are σ(W x + b), not the pre-activations",
}
APPLIES = {"sigmoid-omitted": lambda g: "X" in g}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Easy: 3 samples × 2 units; exam: 4 × 3 with J₀; hard: the activations computed from X, W, b."""

    def draw() -> dict[str, Any]:
        g: dict[str, Any] = {"rho": pick(rng, [0.05, 0.1, 0.2]), "beta": pick(rng, [0.5, 1.0, 2.0, 3.0])}
        if difficulty == "hard":
            g |= {"X": dec(rng, (3, 2), 0, 1).tolist(), "W": dec(rng, (2, 2), -2, 2, nonzero=True).tolist(),
                  "b": dec(rng, 2, -1, 1).tolist()}
        else:
            m, k = (3, 2) if difficulty == "easy" else (4, 3)
            g["A"] = (dec(rng, (m, k), 0.05, 0.95, places=2) if difficulty == "exam" else dec(rng, (m, k), 0.1, 0.9)).tolist()
        if difficulty != "easy":
            g["J0"] = float(dec(rng, (), 0.1, 2.0))
        return g
    return generate_clear(this(__name__), draw)


RHOHAT_EDGE = 1e-6  # mean activations stay this far from 0 and 1


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Activations strictly inside (0, 1) (or X, W, b of matching shapes); 0 < ρ < 1; β > 0."""
    out: dict[str, Any] = {"rho": number(g, "rho", 1e-4, 0.9999), "beta": number(g, "beta", 1e-6, 1e6)}
    if g.get("X") is not None:
        X = matrix(g, "X", rows=(1, 10), cols=(1, 6))
        W = matrix(g, "W", rows=(1, 6), cols=(len(X[0]), len(X[0])))
        out |= {"X": X, "W": W, "b": vector(g, "b", (len(W), len(W)))}
    else:
        A = matrix(g, "A", rows=(1, 10), cols=(1, 6))
        if any(not 0 < a < 1 for row in A for a in row):
            raise GivenError("A", "sigmoid activations lie strictly between 0 and 1")
        out["A"] = A
    A = out["A"] if "A" in out else sigmoid(np.array(out["X"]) @ np.array(out["W"]).T + np.array(out["b"]))
    rhohat = np.mean(A, axis=0)
    if np.any(rhohat < RHOHAT_EDGE) or np.any(rhohat > 1 - RHOHAT_EDGE):
        raise GivenError("A" if "A" in out else "X", f"give mean activations ρ̂ from {RHOHAT_EDGE:g} to 1 − {RHOHAT_EDGE:g} "
                         "(the KL penalty takes ln ρ̂ and ln(1 − ρ̂)); these saturate")
    if g.get("J0") is not None:
        out["J0"] = number(g, "J0", 0, 1e6)
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    src = (f"The encoder computes a = σ(W x + b) with W = {mat(g['W'])}, b = {vec(g['b'])} for the inputs X = {mat(g['X'])} "
           "(one row per sample); give the pre-activations and activations, then" if "X" in g else
           f"Over a batch the hidden activations are A = {mat(g['A'])} (one row per sample, one column per hidden unit). Give")
    j0 = f", the total cost with reconstruction cost J₀ = {num(g['J0'])}" if "J0" in g else ""
    return (f"A sparse autoencoder has target sparsity ρ = {num(g['rho'])} and penalty weight β = {num(g['beta'])}. {src} "
            f"the mean activation ρ̂_j of each hidden unit, KL(ρ‖ρ̂_j) for each, the penalty β Σ_j KL(ρ‖ρ̂_j){j0} and "
            "∂penalty/∂ρ̂_j.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["Natural logarithms.", "ρ̂_j is the mean over the m samples of unit j's activation."]


def solve(g: dict[str, Any], work: Any) -> None:
    """(Activations,) ρ̂, KL per unit, penalty, total, derivative."""
    if idle(work, APPLIES, g):
        return
    if "X" in g:
        z = work.put("z", "z = X Wᵀ + b", np.array(g["X"]) @ np.array(g["W"]).T + np.array(g["b"]), "X Wᵀ + b")
        A = work.put("A", "A = σ(z)", z if work.mistake("sigmoid-omitted") else sigmoid(z), "σ(z)", depends_on=("z",))
    else:
        A = np.array(g["A"], dtype=float)
    rho, beta = g["rho"], g["beta"]
    r = work.put("rhohat", "ρ̂", A.sum(axis=0) if work.mistake("rhohat-sum") else A.mean(axis=0), "(1/m) Σ_i a_ij",
                 depends_on=("A",) if "X" in g else ())
    log = (lambda v: ln(v) / np.log(10)) if work.mistake("log10") else ln
    p, q = (r, rho) if work.mistake("kl-reversed") else (rho, r)
    kl = p * log(p / q) + (0.0 if work.mistake("second-term-dropped") else (1 - p) * log((1 - p) / (1 - q)))
    kl = work.put("kl", "KL(ρ‖ρ̂_j)", kl, "ρ ln(ρ/ρ̂) + (1 − ρ) ln((1 − ρ)/(1 − ρ̂))", depends_on=("rhohat",))
    pen = work.put("penalty", "β Σ_j KL", (1.0 if work.mistake("beta-omitted") else beta) * float(np.sum(kl)), "β Σ_j KL(ρ‖ρ̂_j)",
                   depends_on=("kl",))
    if "J0" in g:
        work.put("total", "J = J₀ + penalty", g["J0"] + pen, "J₀ + β Σ_j KL", depends_on=("penalty",))
    grad = beta * (-rho / r + (1 - rho) / (1 - r))
    work.put("grad", "∂penalty/∂ρ̂_j", -grad if work.mistake("grad-sign") else grad, "β(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j))",
             depends_on=("rhohat",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch Bernoulli KL (kl_divergence) and autograd; without
    torch, scipy.special.rel_entr and a complex-step derivative."""
    torch, out = load_torch(), {}
    if "X" in g:
        z = np.array(g["X"]) @ np.array(g["W"]).T + np.array(g["b"])
        out = {"z": z.tolist(), "A": (1 / (1 + np.exp(-z))).tolist()}
        A = np.array(out["A"])
    else:
        A = np.array(g["A"])
    rho, beta, rhohat = g["rho"], g["beta"], A.mean(axis=0)
    if torch is not None:
        D = torch.distributions
        r = torch.tensor(rhohat, dtype=torch.float64, requires_grad=True)
        kl = D.kl_divergence(D.Bernoulli(probs=torch.full_like(r, rho)), D.Bernoulli(probs=r))
        pen = beta * kl.sum()
        pen.backward()
        kl_v, pen_v, grad = kl.detach().numpy(), float(pen.detach()), r.grad.numpy()
    else:
        from scipy.special import rel_entr
        f = lambda v: rho * np.log(rho / v) + (1 - rho) * np.log((1 - rho) / (1 - v))  # noqa: E731
        kl_v = rel_entr(rho, rhohat) + rel_entr(1 - rho, 1 - rhohat)
        pen_v, grad = beta * float(kl_v.sum()), beta * np.imag(f(rhohat + 1e-30j)) / 1e-30
    out |= {"rhohat": rhohat.tolist(), "kl": kl_v.tolist(), "penalty": pen_v, "grad": grad.tolist()}
    return out | ({"total": g["J0"] + pen_v} if "J0" in g else {})
