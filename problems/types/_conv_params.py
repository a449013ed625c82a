"""conv variant params: conv, dense and batch-norm parameter counts (SYLLABUS §5).

Equations::

    conv K filters F×F on C_in channels:  F·F·C_in·K weights, (F·F·C_in + 1)·K parameters
    dense n_in → n_out: (n_in + 1)·n_out, with n_in = H·W·C after flatten
    batch norm on C channels: 4C in total (γ, β trainable; moving μ, σ² not) = 2C trainable
"""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.givens import integer
from problems.shared.given_readers import ints
from problems.shared.random_givens import pick


def gen_params(rng: np.random.Generator, d: str) -> dict[str, Any]:
    """One conv layer, one dense layer on a flattened map, one batch-norm layer."""
    F = 3 if d == "easy" else pick(rng, [3, 5, 1] if d == "hard" else [3, 5])
    c_in = pick(rng, [1, 3] if d == "easy" else [3, 16, 32, 64])
    c_out = pick(rng, [8, 16, 32] if d == "easy" else [16, 32, 64, 128])
    side = pick(rng, [4, 5, 7] if d != "easy" else [2, 4])
    return {"F": F, "C_in": c_in, "C_out": c_out, "fmap": [side, side, c_out],
            "n_out": pick(rng, [10, 64, 128, 256]), "C_bn": c_out}


def val_params(g: dict[str, Any]) -> dict[str, Any]:
    """Check the givens of the params variant; return them in canonical form."""
    out = {k: integer(g, k, 1, 100_000) for k in ("F", "C_in", "C_out", "n_out", "C_bn")}
    return out | {"fmap": ints(g, "fmap", (3, 3), 1, 100_000)}


def say_params(g: dict[str, Any]) -> str:
    """The exercise text of the params variant."""
    h, w, c = g["fmap"]
    return (f"Count parameters: (a) a conv layer with {g['C_out']} filters of {g['F']}×{g['F']} on a "
            f"{g['C_in']}-channel input (weights, then with biases); (b) a dense layer with {g['n_out']} units "
            f"on a flattened {h}×{w}×{c} feature map (flattened size, then parameters); (c) batch normalisation "
            f"on {g['C_bn']} channels (total and trainable).")


def solve_params(g: dict[str, Any], work: Any) -> None:
    """Every step of the params variant, each known mistake replayed where it happens."""
    F, c_in, c_out = g["F"], g["C_in"], g["C_out"]
    wts = work.put("conv-weights", "Conv weights (no biases)", F * F * (1 if work.mistake("channels-forgotten") else c_in) * c_out, "F·F·C_in·C_out")
    work.put("conv", "Conv parameters with biases", wts + (0 if work.mistake("bias-forgotten") else c_out),
             "(F·F·C_in + 1)·C_out", depends_on=("conv-weights",))
    h, w, c = g["fmap"]
    flat = work.put("flat", "Flattened size", h * w * (1 if work.mistake("flatten-no-channels") else c), "H·W·C")
    work.put("dense", "Dense parameters", (flat + (0 if work.mistake("bias-forgotten") else 1)) * g["n_out"],
             "(n_in + 1)·n_out", depends_on=("flat",))
    work.put("bn", "Batch-norm parameters (total)", (2 if work.mistake("bn-trainable-only") else 4) * g["C_bn"],
             "4C: γ, β, moving μ, moving σ²")
    work.put("bn-trainable", "Batch-norm trainable parameters", 2 * g["C_bn"], "2C: γ and β")


def cross_params(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """Independent values of the params variant (tests only): torch when ``torch`` is given, else NumPy."""
    h, w, c = g["fmap"]
    if torch is not None:
        meta, nn = torch.device("meta"), torch.nn
        conv, bn = nn.Conv2d(g["C_in"], g["C_out"], g["F"], device=meta), nn.BatchNorm2d(g["C_bn"], device=meta)
        dense = nn.Linear(nn.Flatten()(torch.empty(1, c, h, w, device=meta)).shape[1], g["n_out"], device=meta)
        bn_total = sum(b.numel() for n, b in bn.named_buffers() if n.startswith("running")) + sum(p.numel() for p in bn.parameters())
        return {"conv-weights": conv.weight.numel(), "conv": sum(p.numel() for p in conv.parameters()),
                "flat": dense.in_features, "dense": sum(p.numel() for p in dense.parameters()),
                "bn": bn_total, "bn-trainable": sum(p.numel() for p in bn.parameters())}
    wts = np.zeros((g["C_out"], g["C_in"], g["F"], g["F"])).size
    return {"conv-weights": wts, "conv": wts + g["C_out"], "flat": np.zeros((h, w, c)).size,
            "dense": np.zeros((h * w * c + 1, g["n_out"])).size, "bn": np.zeros((4, g["C_bn"])).size,
            "bn-trainable": np.zeros((2, g["C_bn"])).size}
