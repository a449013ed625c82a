"""Loss functions and their gradients: MSE, binary cross-entropy, softmax cross-entropy (SYLLABUS §1–2).

Equations::

    MSE   E = ½ Σ_i (t_i − o_i)²  → ∂E/∂o = o − t;   mean form E = (1/n) Σ (t − o)² → 2(o − t)/n
    BCE   ℓ_i = −[t_i ln o_i + (1 − t_i) ln(1 − o_i)],  E = (1/n) Σ ℓ_i
          ∂E/∂o_i = (o_i − t_i) / (n o_i (1 − o_i)),   ∂E/∂z_i = (o_i − t_i)/n   for o = σ(z)
    CE    p = softmax(z) (stable: e^{z − max z}),  E = −Σ_k t_k ln p_k,  ∂E/∂z = p − t
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, vector
from problems.shared.checked_math import ln, log_probability
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.statement_text import vec
from problems.shared.unit_functions import log_softmax

NAME = "loss"
SUMMARY = "Loss values and gradients: MSE ((1/2)Σ or mean), binary cross-entropy, softmax cross-entropy"
SECTIONS = ("1", "2")
VARIANTS = {"mse": "E = (1/2)Σ(t − o)² or (1/n)Σ(t − o)², gradient w.r.t. o",
            "bce": "binary cross-entropy over n samples, gradients w.r.t. o and the logit z",
            "ce": "softmax + categorical cross-entropy for one sample, gradient w.r.t. the logits"}
STEPS = [
    StepSpec("err", "Differences o − t (MSE)", "vector", 2, "o − t"),
    StepSpec("terms", "Per-sample losses (BCE)", "vector", 4, "−[t ln o + (1 − t) ln(1 − o)]"),
    StepSpec("exp", "Shifted exponentials (CE)", "vector", 4, "e^(z − max z)"),
    StepSpec("softmax", "Softmax probabilities p (CE)", "vector", 4, "e_k / Σ_j e_j"),
    StepSpec("E", "Loss value", "number", 4, "(1/2)Σ(t − o)² | mean of terms | −Σ t ln p"),
    StepSpec("grad", "Gradient ∂E/∂o (CE: ∂E/∂z)", "vector", 4, "o − t | 2(o − t)/n | (o − t)/(n o(1 − o)) | p − t"),
    StepSpec("grad_z", "Gradient w.r.t. the logits ∂E/∂z (BCE)", "vector", 4, "(o − t)/n"),
]
GIVENS = {"loss": "mse, bce or ce", "o": "outputs (mse), probabilities in (0, 1) (bce)", "z": "logits (ce)",
          "t": "targets (bce: 0/1; ce: one-hot)", "form": "mse only: half-sum ((1/2)Σ, default) or mean ((1/n)Σ)"}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "sign": "gradient sign flipped: t − o (or t − p) instead of o − t",
    "grad-no-mean": "the 1/n of the mean left out of the gradient",
    "grad-no-2": "the 2 from the square left out: ∂/∂o of (1/n)Σ(t − o)² is 2(o − t)/n",
    "ce-grad-wrt-p": "gave ∂E/∂p = −t/p instead of the gradient w.r.t. the logits, p − t",
    "bce-logit-grad": "gave the logit gradient (o − t)/n as ∂E/∂o; w.r.t. o it is divided by o(1 − o)",
    "no-half": "E without the 1/2: Σ(t − o)² instead of (1/2)Σ(t − o)²",
    "log10": "used log₁₀ instead of the natural logarithm ln",
    "log-loss-sign": "leading minus dropped: the cross-entropy came out negative",
    "softmax-not-normalised": "softmax not normalised: e^z not divided by Σ e^z",
}
APPLIES = {"grad-no-mean": lambda g: g["loss"] == "bce" or g.get("form") == "mean", "grad-no-2": lambda g: g.get("form") == "mean",
           "ce-grad-wrt-p": lambda g: g["loss"] == "ce", "bce-logit-grad": lambda g: g["loss"] == "bce",
           "no-half": lambda g: g.get("form") == "half-sum", "log10": lambda g: g["loss"] != "mse",
           "log-loss-sign": lambda g: g["loss"] != "mse", "softmax-not-normalised": lambda g: g["loss"] == "ce"}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """One-decimal outputs/logits; 2 (easy), 3 (exam) or 4 (hard) samples or classes."""
    loss = variant or pick(rng, list(VARIANTS))
    n = {"easy": 2, "exam": 3, "hard": 4}[difficulty]

    def draw() -> dict[str, Any]:
        if loss == "ce":
            return {"loss": loss, "z": (rng.integers(-20, 21, size=n) / 10).tolist(), "t": np.eye(n)[int(rng.integers(n))].tolist()}
        if loss == "bce":
            return {"loss": loss, "o": (rng.integers(1, 10, size=n) / 10).tolist(), "t": rng.integers(0, 2, size=n).astype(float).tolist()}
        form = {"easy": "half-sum", "exam": pick(rng, ["half-sum", "mean"]), "hard": "mean"}[difficulty]
        return {"loss": loss, "o": (rng.integers(-5, 16, size=n) / 10).tolist(),
                "t": (rng.integers(0, 11, size=n) / 10).tolist(), "form": form}
    return generate_clear(this(__name__), draw)


P_EDGE = 1e-9  # BCE outputs stay this far from 0 and 1


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Loss name, outputs/logits and targets of equal length with the ranges each loss needs."""
    loss = choice(g, "loss", VARIANTS)
    if loss == "ce":
        z = vector(g, "z", (2, 10))
        t = vector(g, "t", (len(z), len(z)))
        if min(t) < 0 or abs(sum(t) - 1) > 1e-9:
            raise GivenError("t", "a probability vector (one-hot) summing to 1")
        return {"loss": loss, "z": z, "t": t}
    o = vector(g, "o", (1, 20))
    t = vector(g, "t", (len(o), len(o)))
    if loss == "bce":
        if not all(0 < v < 1 for v in o) or not all(0 <= v <= 1 for v in t):
            raise GivenError("o", "probabilities strictly between 0 and 1, targets in [0, 1]")
        if not all(P_EDGE <= v <= 1 - P_EDGE for v in o):
            raise GivenError("o", f"probabilities from {P_EDGE:g} to 1 − {P_EDGE:g} (∂E/∂o divides by o(1 − o))")
        return {"loss": loss, "o": o, "t": t}
    return {"loss": loss, "o": o, "t": t, "form": choice(g, "form", ("half-sum", "mean"), default="half-sum")}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if g["loss"] == "ce":
        return f"Logits z = {vec(g['z'])}, one-hot target t = {vec(g['t'])}: compute softmax p, E = −Σ t ln p and ∂E/∂z."
    if g["loss"] == "bce":
        return (f"Predicted probabilities o = {vec(g['o'])} (o = σ(z)) for targets t = {vec(g['t'])}: compute each sample's "
                "binary cross-entropy, their mean E, ∂E/∂o and ∂E/∂z.")
    e = "(1/2)Σ(t − o)²" if g["form"] == "half-sum" else f"(1/{len(g['o'])})Σ(t − o)²"
    return f"Outputs o = {vec(g['o'])}, targets t = {vec(g['t'])}: compute o − t, E = {e} and ∂E/∂o."


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return {"mse": ["E = (1/2)Σ(t − o)², so ∂E/∂o = o − t." if g.get("form") == "half-sum" else
                    "E = (1/n)Σ(t − o)² (mean over the n outputs), so ∂E/∂o = 2(o − t)/n."],
            "bce": ["Natural logarithm; E is the mean over the samples.", "∂E/∂z is for the logit z with o = σ(z)."],
            "ce": ["Natural logarithm; softmax in the stable form e^(z − max z)."]}[g["loss"]]


def solve(g: dict[str, Any], work: Any) -> None:
    """The loss's intermediate values, its value and its gradient(s)."""
    if idle(work, APPLIES, g):
        return
    log = (lambda v: ln(v) / math.log(10)) if work.mistake("log10") else ln
    minus = 1.0 if work.mistake("log-loss-sign") else -1.0
    t = np.array(g["t"])
    if g["loss"] == "ce":
        z = np.array(g["z"])
        e = work.put("exp", "e^(z − max z)", np.exp(z - z.max()), "e^(z_k − max z)")
        p = work.put("softmax", "Softmax", e if work.mistake("softmax-not-normalised") else e / e.sum(), "e_k / Σ e_j",
                     because=f"Σ e = {e.sum():.6g}", depends_on=("exp",))
        log_p = log_probability(np.where(t > 0, p, 1.0), np.where(t > 0, log_softmax(z), 0.0), log)  # finite where p_k underflows
        work.put("E", "Cross-entropy", float(minus * (t * log_p).sum()), "−Σ t_k ln p_k", depends_on=("softmax",))
        grad = (t - p) if work.mistake("sign") else -t / p if work.mistake("ce-grad-wrt-p") else p - t
        work.put("grad", "∂E/∂z", grad, "p − t", depends_on=("softmax",))
        return
    o, n = np.array(g["o"]), len(g["o"])
    diff = (t - o) if work.mistake("sign") else (o - t)
    mean = 1.0 if work.mistake("grad-no-mean") else 1.0 / n
    if g["loss"] == "bce":
        terms = work.put("terms", "Per-sample BCE", minus * (t * log(o) + (1 - t) * log(1 - o)), "−[t ln o + (1 − t) ln(1 − o)]")
        work.put("E", "Mean BCE", float(np.mean(terms)), "(1/n) Σ ℓ_i", depends_on=("terms",))
        logit_grad = work.mistake("bce-logit-grad")
        work.put("grad", "∂E/∂o", diff * mean if logit_grad else diff * mean / (o * (1 - o)), "(o − t)/(n o(1 − o))")
        work.put("grad_z", "∂E/∂z", diff * mean, "(o − t)/n")
        return
    err = work.put("err", "o − t", o - t, "o − t")
    if g["form"] == "half-sum":
        half = 1.0 if work.mistake("no-half") else 0.5
        work.put("E", "Error", float((err ** 2).sum() * half), "(1/2) Σ (t − o)²", depends_on=("err",))
        work.put("grad", "∂E/∂o", -err if work.mistake("sign") else err, "o − t", depends_on=("err",))
    else:
        work.put("E", "Mean squared error", float((err ** 2).mean()), "(1/n) Σ (t − o)²", depends_on=("err",))
        two = 1.0 if work.mistake("grad-no-2") else 2.0
        work.put("grad", "∂E/∂o", (-err if work.mistake("sign") else err) * two * mean, "2(o − t)/n", depends_on=("err",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch.nn.functional losses + autograd, else sklearn + complex step."""
    from problems.types._loss_crosscheck import cross_check as run
    return run(g)
