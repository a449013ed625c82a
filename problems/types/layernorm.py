"""Layer, instance and group normalisation: which axes, the statistics, x̂ and y (SYLLABUS §4).

Equations::

    μ = (1/m) Σ x,  σ² = (1/m) Σ (x − μ)²  over the reduced axes (m elements),  s = √(σ² + ε)
    x̂ = (x − μ)/s,  y = γ x̂ + β
    layer    (N, D):        per sample, over D            γ, β per feature
    instance (N, C, H, W):  per sample and channel, over H, W          γ, β per channel
    group    (N, C, H, W):  per sample and group of C/G channels, over (C/G)·H·W   γ, β per channel
    (batch norm, for contrast: per feature or channel, over N (and H, W))
A single sample (N = 1) of a conv tensor is written C × (H·W): each row is one channel's map.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, integer, number, vector
from problems.shared.checked_math import root
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.types import _layernorm_axes as Nm
from problems.work import noise_floor

NAME = "layernorm"
SUMMARY = "Layer, instance and group norm: reduced axes, elements per statistic, μ, σ², x̂, y = γx̂ + β"
SECTIONS = ("4",)
VARIANTS = {"layer": "layer norm of an N × D batch: statistics per sample over the D features",
            "instance": "instance norm of an (N, C, H, W) tensor: per sample and channel over H, W",
            "group": "group norm of an (N, C, H, W) tensor: per sample and group of C/G channels"}
STEPS = [
    StepSpec("axes", "Axes the statistics are taken over", "choice", None, "layer: D; instance: H W; group: C H W within a group"),
    StepSpec("count", "Elements per statistic m", "integer", None, "D | H·W | (C/G)·H·W"),
    StepSpec("mu", "Means μ (one per statistic)", "vector", 3, "(1/m) Σ x"),
    StepSpec("var", "Variances σ² (divisor m)", "vector", 4, "(1/m) Σ (x − μ)²"),
    StepSpec("std", "√(σ² + ε)", "vector", 4, "√(σ² + ε)"),
    StepSpec("xhat", "Normalised x̂ (laid out as x; N samples: N·C rows)", "matrix", 3, "(x − μ)/√(σ² + ε)"),
    StepSpec("y", "Output y = γ x̂ + β", "matrix", 3, "γ x̂ + β"),
]
CHOICES = Nm.CHOICES
GIVENS = {"variant": "layer, instance or group",
          "x": "layer: N × D matrix; instance/group: C × (H·W) for one sample, or N × C × (H·W)",
          "hw": "instance/group: [H, W] of each channel's map", "groups": "group: number of groups G (divides C)",
          "gamma": "scale γ, one per feature (layer) or channel", "beta": "shift β, one per feature or channel",
          "eps": "ε (default 1e-5)"}
MISTAKES = {
    "batch-axes": "statistics over the batch axis N (per feature, as batch norm does): layer norm normalises each sample over its features",
    "layer-axes": "statistics over C, H and W together (that is layer norm): instance norm takes each channel separately",
    "instance-axes": "statistics per channel (that is instance norm): group norm pools the C/G channels of each group",
    "gamma-beta-swapped": "γ and β swapped: y = β x̂ + γ",
    "no-root": "divided by σ² + ε instead of √(σ² + ε)",
    "eps-forgotten": "ε forgotten: divided by √σ² instead of √(σ² + ε)",
    "n-minus-1": "variance with divisor m − 1; the normalisation layers use 1/m",
}
APPLIES = {"batch-axes": lambda g: g["variant"] == "layer", "layer-axes": lambda g: g["variant"] == "instance",
           "instance-axes": lambda g: g["variant"] == "group", "eps-forgotten": lambda g: g["eps"] >= 1e-3}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Easy: integers; exam: halves; one sample for conv tensors except at hard (N = 2); ε up to 0.1 at hard."""
    v = variant or pick(rng, list(VARIANTS))
    step = 1.0 if difficulty == "easy" else 0.5
    return generate_clear(this(__name__), lambda: Nm.draw(rng, v, difficulty, step))


MIN_VAR_EPS = 1e-12  # σ² + ε: √(σ² + ε) ≥ 1e-6 stays a number the key can show and divide by


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Shapes agree, G divides C, every statistic has spread (or ε > 0); γ, β per feature/channel."""
    v = choice(g, "variant", VARIANTS, default="group" if "groups" in g else "layer")
    x = Nm.tensor(g, v)
    C = x.shape[1] if x.ndim == 3 else (x.shape[0] if v != "layer" else x.shape[1])
    out: dict[str, Any] = {"variant": v, "x": x.tolist()}
    if v != "layer":
        hw = [int(h) for h in vector(g, "hw", (2, 2), default=[1, x.shape[-1]])]
        if hw[0] * hw[1] != x.shape[-1] or min(hw) < 1:
            raise GivenError("hw", f"H·W must equal the {x.shape[-1]} values of each channel's map")
        out["hw"] = hw
    if v == "group":
        G = integer(g, "groups", 1, C)
        if C % G:
            raise GivenError("groups", f"G must divide the {C} channels")
        out["groups"] = G
    out |= {"gamma": vector(g, "gamma", (C, C), default=[1.0] * C), "beta": vector(g, "beta", (C, C), default=[0.0] * C),
            "eps": number(g, "eps", 0.0, 1.0, default=1e-5)}
    variances = Nm.stats(np.array(out["x"]), v, out.get("groups", 1))[1]
    if out["eps"] == 0 and np.any(variances == 0):
        raise GivenError("x", "a group of equal values has zero variance: give ε > 0")
    if np.min(variances) + out["eps"] < MIN_VAR_EPS:
        raise GivenError("eps", f"σ² + ε must be at least {MIN_VAR_EPS:g} (√(σ² + ε) divides every x̂): give a larger ε "
                         "or values that vary more")
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    return Nm.statement(g)


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return Nm.conventions(g)


def solve(g: dict[str, Any], work: Any) -> None:
    """Axes and count, then μ, σ², √(σ² + ε), x̂ and y over those axes."""
    if idle(work, APPLIES, g):
        return
    mode = {"batch-axes": "batch", "layer-axes": "layer", "instance-axes": "instance"}.get(work.active_mistake or "", g["variant"])
    x, G, conv = np.array(g["x"], dtype=float), g.get("groups", 1), g["variant"] != "layer"
    X, axes, keep = Nm.view(x, mode, G, conv)
    work.put("axes", "Reduced axes", Nm.AXES[(mode, not conv)], Nm.AXES_HINT[(mode, not conv)])
    m = work.put("count", "Elements per statistic", int(np.prod([X.shape[a] for a in axes])), Nm.COUNT_HINT[(mode, not conv)])
    mu = work.put("mu", "μ", Nm.squeeze(X.mean(axis=axes), x, conv), "(1/m) Σ x", tiny=noise_floor(x))
    mu_k = np.reshape(mu, keep)
    div = m - 1 if work.mistake("n-minus-1") else m
    var = work.put("var", "σ²", Nm.squeeze(((X - mu_k) ** 2).sum(axis=axes) / div, x, conv), "(1/m) Σ (x − μ)²", depends_on=("mu",),
                   tiny=noise_floor(x, 2))
    e = 0.0 if work.mistake("eps-forgotten") else g["eps"]
    std = work.put("std", "√(σ² + ε)", var + e if work.mistake("no-root") else root(var + e), "√(σ² + ε)", depends_on=("var",))
    rows = (-1, x.shape[-1])  # a 3-D tensor is written as N·C rows: values stay matrices
    xhat = work.put("xhat", "x̂", ((X - mu_k) / np.reshape(std, keep)).reshape(rows), "(x − μ)/√(σ² + ε)", depends_on=("mu", "std"))
    gamma, beta = Nm.affine(g, x)
    a, b = (beta, gamma) if work.mistake("gamma-beta-swapped") else (gamma, beta)
    work.put("y", "y = γ x̂ + β", (a * np.reshape(xhat, x.shape) + b).reshape(rows), "γ x̂ + β", depends_on=("xhat",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch F.layer_norm / F.instance_norm / F.group_norm and
    torch.var_mean; a NumPy loop over the groups without torch."""
    return Nm.cross(g)
