"""Weight initialisation: fan-in/fan-out, target variance, normal std or uniform bound (SYLLABUS §1).

Equations::

    dense: fan_in = n_in, fan_out = n_out;   conv k×k: fan_in = k² C_in, fan_out = k² C_out
    Glorot/Xavier  Var = 2/(fan_in + fan_out)      He/Kaiming  Var = 2/fan_in      LeCun  Var = 1/fan_in
    normal: σ = √Var;   uniform U(−a, a): Var = a²/3, so a = √(3 Var)  (Glorot: a = √(6/(fan_in + fan_out)))
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import choice, integer
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick

NAME = "init"
SUMMARY = "Glorot/He/LeCun initialisation: fans, variance, normal σ or uniform bound (dense or conv)"
SECTIONS = ("1",)
VAR = {"glorot": "2/(fan_in + fan_out)", "he": "2/fan_in", "lecun": "1/fan_in"}
VARIANTS = {"glorot-uniform": "Glorot/Xavier uniform", "glorot-normal": "Glorot/Xavier normal", "he-uniform": "He/Kaiming uniform",
            "he-normal": "He/Kaiming normal", "lecun-normal": "LeCun normal"}
STEPS = [
    StepSpec("fanin", "fan_in", "integer", None, "n_in | k²·C_in"),
    StepSpec("fanout", "fan_out", "integer", None, "n_out | k²·C_out"),
    StepSpec("var", "Target variance", "number", 4, "2/(fan_in + fan_out) | 2/fan_in | 1/fan_in"),
    StepSpec("std", "Standard deviation of the normal", "number", 4, "√Var"),
    StepSpec("bound", "Bound a of U(−a, a)", "number", 4, "√(3 Var)"),
]
GIVENS = {"scheme": ", ".join(VARIANTS), "layer": "dense (n_in, n_out) or conv (kernel, c_in, c_out)",
          "n_in": "inputs of a dense layer", "n_out": "outputs of a dense layer", "kernel": "conv kernel size k (k × k)",
          "c_in": "conv input channels", "c_out": "conv output channels"}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "bound-no-3": "uniform bound taken as √Var (the σ of a normal); U(−a, a) has Var = a²/3, so a = √(3 Var)",
    "std-as-var": "σ written as the variance: the square root is missing",
    "glorot-fan-in-only": "Glorot with fan_in only: 2/fan_in instead of 2/(fan_in + fan_out)",
    "he-with-fan-out": "He with both fans: 2/(fan_in + fan_out) instead of 2/fan_in",
    "fans-swapped": "fan_in and fan_out swapped",
    "conv-fan-no-kernel": "conv fans without the kernel area: C_in instead of k²·C_in",
}
APPLIES = {"bound-no-3": lambda g: g["scheme"].endswith("uniform"), "std-as-var": lambda g: g["scheme"].endswith("normal"),
           "glorot-fan-in-only": lambda g: g["scheme"].startswith("glorot"), "he-with-fan-out": lambda g: g["scheme"].startswith("he"),
           "conv-fan-no-kernel": lambda g: g["layer"] == "conv"}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Dense layers at easy/exam (sizes from 2 to 256), conv layers at hard."""
    scheme = variant or pick(rng, ["glorot-uniform", "he-normal"] if difficulty == "easy" else list(VARIANTS))

    def draw() -> dict[str, Any]:
        if difficulty == "hard":
            return {"scheme": scheme, "layer": "conv", "kernel": pick(rng, [3, 5, 7]), "c_in": pick(rng, [1, 3, 6, 16, 32]),
                    "c_out": pick(rng, [6, 8, 16, 32, 64])}
        sizes = [2, 3, 4, 5, 8, 10, 16, 20, 32, 50, 64, 100, 128, 256]
        n_in = pick(rng, sizes)
        return {"scheme": scheme, "layer": "dense", "n_in": n_in, "n_out": pick(rng, [s for s in sizes if s != n_in])}
    return generate_clear(this(__name__), draw)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Scheme and a dense (n_in, n_out) or conv (kernel, c_in, c_out) layer."""
    out: dict[str, Any] = {"scheme": choice(g, "scheme", VARIANTS), "layer": choice(g, "layer", ("dense", "conv"), default="dense")}
    keys = ("n_in", "n_out") if out["layer"] == "dense" else ("kernel", "c_in", "c_out")
    return {**out, **{k: integer(g, k, 1, 100_000) for k in keys}}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    layer = (f"a dense layer with {g['n_in']} inputs and {g['n_out']} outputs" if g["layer"] == "dense" else
             f"a {g['kernel']}×{g['kernel']} convolution from {g['c_in']} to {g['c_out']} channels")
    what = "the bound a of U(−a, a)" if g["scheme"].endswith("uniform") else "the standard deviation of the normal"
    return f"Initialise {layer} with {VARIANTS[g['scheme']]} initialisation: give fan_in, fan_out, the target variance and {what}."


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    family = g["scheme"].split("-")[0]
    out = [f"{VARIANTS[g['scheme']].split()[0]}: Var = {VAR[family]}."]
    if g["layer"] == "conv":
        out.append("Conv fans: fan_in = k²·C_in, fan_out = k²·C_out.")
    return out + (["U(−a, a) has variance a²/3, so a = √(3·Var)."] if g["scheme"].endswith("uniform") else [])


def solve(g: dict[str, Any], work: Any) -> None:
    """Fans, variance, then σ (normal) or the bound (uniform)."""
    if idle(work, APPLIES, g):
        return
    if g["layer"] == "dense":
        fi, fo = g["n_in"], g["n_out"]
    else:
        area = 1 if work.mistake("conv-fan-no-kernel") else g["kernel"] ** 2
        fi, fo = area * g["c_in"], area * g["c_out"]
    fi, fo = (fo, fi) if work.mistake("fans-swapped") else (fi, fo)
    fi = work.put("fanin", "fan_in", fi, "n_in" if g["layer"] == "dense" else "k²·C_in")
    fo = work.put("fanout", "fan_out", fo, "n_out" if g["layer"] == "dense" else "k²·C_out")
    family = g["scheme"].split("-")[0]
    if family == "glorot":
        var = 2 / fi if work.mistake("glorot-fan-in-only") else 2 / (fi + fo)
    else:
        var = 2 / (fi + fo) if work.mistake("he-with-fan-out") and family == "he" else (2 if family == "he" else 1) / fi
    var = work.put("var", "Target variance", var, VAR[family], depends_on=("fanin", "fanout") if family == "glorot" else ("fanin",))
    if g["scheme"].endswith("normal"):
        work.put("std", "σ of the normal", var if work.mistake("std-as-var") else math.sqrt(var), "√Var", depends_on=("var",))
    else:
        work.put("bound", "Bound a", math.sqrt(var if work.mistake("bound-no-3") else 3 * var), "√(3 Var)", depends_on=("var",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch.nn.init's fan computation and gains, scipy's uniform variance."""
    from scipy.stats import uniform

    from problems.shared.optional_torch import load_torch
    torch, family = load_torch(), g["scheme"].split("-")[0]
    shape = (g["n_out"], g["n_in"]) if g["layer"] == "dense" else (g["c_out"], g["c_in"], g["kernel"], g["kernel"])
    if torch is not None:
        fi, fo = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
        gain = torch.nn.init.calculate_gain("relu" if family == "he" else "linear")
    else:
        area = int(np.prod(shape[2:])) if len(shape) > 2 else 1
        fi, fo, gain = shape[1] * area, shape[0] * area, math.sqrt(2) if family == "he" else 1.0
    std = gain * math.sqrt(2 / (fi + fo)) if family == "glorot" else gain / math.sqrt(fi)  # xavier_normal_ / kaiming_normal_
    out: dict[str, Any] = {"fanin": fi, "fanout": fo}
    if g["scheme"].endswith("normal"):
        return {**out, "var": std ** 2, "std": std}
    bound = math.sqrt(3.0) * std  # xavier_uniform_ / kaiming_uniform_ bound
    return {**out, "var": float(uniform(-bound, 2 * bound).var()), "bound": bound}
