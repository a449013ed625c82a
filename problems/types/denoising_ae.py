"""Denoising autoencoder: corrupt the input, encode and decode the noisy x̃, and score the
reconstruction against the CLEAN x (noisy in, clean target) (SYLLABUS §9).

Equations::

    masking noise  x̃ = x ⊙ m (m_i = 0 sets input i to 0)      Gaussian noise  x̃ = x + ε
    h = σ(W x̃ + b),   a₂ = W₂ h + c,   x̂ = a₂ (linear) or σ(a₂) (sigmoid output)
    MSE = (1/d) Σ_i (x̂_i − x_i)²      BCE = −(1/d) Σ_i [x_i ln x̂_i + (1 − x_i) ln(1 − x̂_i)]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, matrix, vector
from problems.shared.checked_math import ln
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import dec, pick
from problems.shared.statement_text import mat, vec
from problems.shared.unit_functions import sigmoid

NAME = "denoising-ae"
SUMMARY = "Denoising autoencoder: corrupted x̃, hidden h = σ(W x̃ + b), reconstruction x̂, loss against the clean x"
SECTIONS = ("9",)
VARIANTS = {"masking": "masking noise: the inputs with m_i = 0 are set to 0", "gaussian": "additive noise: x̃ = x + ε for a given ε"}
STEPS = [
    StepSpec("xtilde", "Corrupted input x̃", "vector", 2, "x ⊙ m  or  x + ε"),
    StepSpec("z", "Hidden pre-activation", "vector", 3, "W x̃ + b"),
    StepSpec("h", "Hidden code h", "vector", 4, "σ(W x̃ + b)"),
    StepSpec("a2", "Output pre-activation (sigmoid output)", "vector", 3, "W₂ h + c"),
    StepSpec("xhat", "Reconstruction x̂", "vector", 3, "W₂ h + c  or  σ(W₂ h + c)"),
    StepSpec("err", "Reconstruction error x̂ − x (clean target)", "vector", 3, "x̂ − x"),
    StepSpec("loss", "Loss", "number", 4, "MSE (1/d) Σ (x̂ − x)²  or  BCE"),
]
GIVENS = {"noise": "masking or gaussian", "x": "clean input (d values in [0, 1])", "mask": "masking: 0/1 per input (0 = corrupted)",
          "eps": "gaussian: the noise vector ε", "W, b": "encoder (k × d, k)", "W2, c": "decoder (d × k, d)",
          "output": "linear (MSE loss, default) or sigmoid (BCE loss)"}
MISTAKES = {
    "noisy-target": "reconstruction compared with the noisy x̃: a denoising autoencoder's target is the clean x",
    "loss-sum": "loss summed over the inputs instead of averaged (1/d)",
    "bce-sign": "BCE without its minus sign (a log-likelihood, negative, instead of a loss)",
    "sigmoid-omitted": "σ not applied to the hidden layer: h = σ(W x̃ + b)",
    "clean-input": "clean x fed to the encoder: the input must be the corrupted x̃",
    "mask-inverted": "mask read backwards: zeroed the inputs with m_i = 1 instead of m_i = 0",
    "noise-subtracted": "noise subtracted: x̃ = x + ε",
}
APPLIES = {"mask-inverted": lambda g: g["noise"] == "masking", "noise-subtracted": lambda g: g["noise"] == "gaussian",
           "bce-sign": lambda g: g["output"] == "sigmoid"}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Easy: masking, 3 inputs, linear output; exam: 4 inputs; hard: sigmoid output with BCE."""
    noise = variant or ("masking" if difficulty == "easy" else pick(rng, list(VARIANTS)))
    d, k = (3, 2) if difficulty == "easy" else (4, pick(rng, [2, 3] if difficulty == "hard" else [2]))

    def draw() -> dict[str, Any]:
        g: dict[str, Any] = {"noise": noise, "x": dec(rng, d, 0.1, 1).tolist()}
        if noise == "masking":
            mask = np.ones(d)
            mask[rng.choice(d, size=1 if d == 3 else pick(rng, [1, 2]), replace=False)] = 0
            g["mask"] = mask.tolist()
        else:
            g["eps"] = dec(rng, d, -0.3, 0.3, nonzero=True).tolist()
        return g | {"W": dec(rng, (k, d), -1, 1, nonzero=True).tolist(), "b": dec(rng, k, -0.5, 0.5).tolist(),
                    "W2": dec(rng, (d, k), -1, 1, nonzero=True).tolist(), "c": dec(rng, d, -0.5, 0.5).tolist(),
                    "output": "sigmoid" if difficulty == "hard" else "linear"}
    return generate_clear(this(__name__), draw)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Shapes agree; a 0/1 mask or a noise vector; BCE needs targets in [0, 1]."""
    noise = choice(g, "noise", VARIANTS, default="gaussian" if "eps" in g else "masking")
    x = vector(g, "x", (1, 8))
    W = matrix(g, "W", rows=(1, 6), cols=(len(x), len(x)))
    out: dict[str, Any] = {"noise": noise, "x": x}
    if noise == "masking":
        out["mask"] = vector(g, "mask", (len(x), len(x)))
        if any(m not in (0.0, 1.0) for m in out["mask"]):
            raise GivenError("mask", "expected 0 (corrupted) or 1 (kept) for every input")
    else:
        out["eps"] = vector(g, "eps", (len(x), len(x)))
    out |= {"W": W, "b": vector(g, "b", (len(W), len(W))), "W2": matrix(g, "W2", rows=(len(x), len(x)), cols=(len(W), len(W))),
            "c": vector(g, "c", (len(x), len(x))), "output": choice(g, "output", ("linear", "sigmoid"), default="linear")}
    if out["output"] == "sigmoid" and any(not 0 <= v <= 1 for v in x):
        raise GivenError("x", "BCE needs clean targets between 0 and 1")
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    noise = (f"masking noise with mask m = {vec(g['mask'])} (0 = set to 0)" if g["noise"] == "masking" else
             f"additive noise ε = {vec(g['eps'])}")
    dec_ = "x̂ = σ(W₂ h + c), scored by binary cross-entropy" if g["output"] == "sigmoid" else "x̂ = W₂ h + c, scored by the mean squared error"
    return (f"A denoising autoencoder receives the clean input x = {vec(g['x'])} corrupted by {noise}. It encodes h = σ(W x̃ + b) "
            f"with W = {mat(g['W'])}, b = {vec(g['b'])} and decodes {dec_}, with W₂ = {mat(g['W2'])}, c = {vec(g['c'])}. "
            "Give x̃, W x̃ + b, h" + (", W₂ h + c" if g["output"] == "sigmoid" else "") + ", x̂, the reconstruction error and the loss.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    loss = ("BCE = −(1/d) Σ [x ln x̂ + (1 − x) ln(1 − x̂)], natural logarithms." if g["output"] == "sigmoid" else
            "MSE = (1/d) Σ (x̂ − x)² (the mean over the d inputs).")
    return ["Noisy input, clean target: the loss compares x̂ with the uncorrupted x.", loss]


def solve(g: dict[str, Any], work: Any) -> None:
    """x̃, z, h, (a₂,) x̂, error and loss against the clean input."""
    if idle(work, APPLIES, g):
        return
    x, W, b, W2, c = (np.array(g[k], dtype=float) for k in ("x", "W", "b", "W2", "c"))
    if g["noise"] == "masking":
        m = np.array(g["mask"])
        noisy = x * (1 - m if work.mistake("mask-inverted") else m)
    else:
        noisy = x - np.array(g["eps"]) if work.mistake("noise-subtracted") else x + np.array(g["eps"])
    xt = work.put("xtilde", "x̃", x if work.mistake("clean-input") else noisy, "x ⊙ m" if g["noise"] == "masking" else "x + ε")
    z = work.put("z", "W x̃ + b", W @ xt + b, "W x̃ + b", depends_on=("xtilde",))
    h = work.put("h", "h", z if work.mistake("sigmoid-omitted") else sigmoid(z), "σ(z)", depends_on=("z",))
    if g["output"] == "sigmoid":
        a2 = work.put("a2", "W₂ h + c", W2 @ h + c, "W₂ h + c", depends_on=("h",))
        xhat = work.put("xhat", "x̂", sigmoid(a2), "σ(a₂)", depends_on=("a2",))
    else:
        xhat = work.put("xhat", "x̂", W2 @ h + c, "W₂ h + c", depends_on=("h",))
    target = xt if work.mistake("noisy-target") else x
    err = work.put("err", "x̂ − x", xhat - target, "x̂ − x", depends_on=("xhat", "xtilde") if work.mistake("noisy-target") else ("xhat",))
    d = 1 if work.mistake("loss-sum") else len(x)
    if g["output"] == "sigmoid":
        s = float(np.sum(target * ln(xhat) + (1 - target) * ln(1 - xhat)))
        work.put("loss", "BCE", (s if work.mistake("bce-sign") else -s) / d, "−(1/d) Σ [x ln x̂ + (1 − x) ln(1 − x̂)]", depends_on=("xhat",))
    else:
        work.put("loss", "MSE", float(np.sum(err ** 2)) / d, "(1/d) Σ (x̂ − x)²", depends_on=("err",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch nn.Linear, F.mse_loss / F.binary_cross_entropy
    (mean reduction); NumPy without torch."""
    torch = load_torch()
    x = np.array(g["x"], dtype=float)
    xt = x * np.array(g["mask"]) if g["noise"] == "masking" else x + np.array(g["eps"])
    if torch is None:
        z = np.array(g["W"]) @ xt + np.array(g["b"])
        a2 = np.array(g["W2"]) @ (1 / (1 + np.exp(-z))) + np.array(g["c"])
        xhat = 1 / (1 + np.exp(-a2)) if g["output"] == "sigmoid" else a2
        loss = float(-np.mean(x * np.log(xhat) + (1 - x) * np.log(1 - xhat))) if g["output"] == "sigmoid" else float(np.mean((xhat - x) ** 2))
        h = 1 / (1 + np.exp(-z))
    else:
        F, T = torch.nn.functional, lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
        z = F.linear(T(xt), T(g["W"]), T(g["b"]))
        h = torch.sigmoid(z)
        a2 = F.linear(h, T(g["W2"]), T(g["c"]))
        xhat = torch.sigmoid(a2) if g["output"] == "sigmoid" else a2
        loss = float(F.binary_cross_entropy(xhat, T(x)) if g["output"] == "sigmoid" else F.mse_loss(xhat, T(x)))
        z, h, a2, xhat = (t.numpy() for t in (z, h, a2, xhat))
    out = {"xtilde": xt.tolist(), "z": z.tolist(), "h": h.tolist(), "xhat": xhat.tolist(), "err": (xhat - x).tolist(), "loss": loss}
    return out | ({"a2": a2.tolist()} if g["output"] == "sigmoid" else {})
