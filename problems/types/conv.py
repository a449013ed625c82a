"""Convolutional networks: sizes, cross-correlation, pooling, parameter counts, shape tables (§5).

Equations::

    out = ⌊(N − F + 2P)/S⌋ + 1   (S ≥ 1)        same padding P = (F − 1)/2 at S = 1; causal F − 1
    Y = X ⋆ K + b  (cross-correlation: the kernel is not flipped), then ReLU
    conv (F·F·C_in + 1)·C_out, dense (n_in + 1)·n_out, batch norm 4C (2C trainable), flatten H·W·C
Variants (``--variant``): output-size, correlate, pool, params, network (LeNet-5, VGG-16, small
Keras-style models). Without one, a variant is drawn from the seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import choice
from problems.shared.mistake_replay import other_mistake
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import variant_of
from problems.types import _conv_maps as maps
from problems.types import _conv_network as net
from problems.types import _conv_network_crosscheck as xnet
from problems.types import _conv_output_size as size
from problems.types import _conv_params as par

NAME = "conv"
SUMMARY = "CNN: output size, cross-correlation, pooling, flatten, parameter counts, LeNet/VGG shape tables"
SECTIONS = ("5",)
VARIANTS = {
    "output-size": "⌊(N − F + 2P)/S⌋ + 1, same and causal padding",
    "correlate": "feature map of a small image under a kernel (+ bias, ReLU)",
    "pool": "max/avg/min/global pooling and the flattened size",
    "params": "parameters of conv, dense and batch-norm layers",
    "network": "shape and parameter table of a whole network (LeNet-5, VGG-16, Keras-style)",
}
_IMPL = {"output-size": (size.gen_size, size.val_size, size.say_size, size.solve_size, size.cross_size),
         "correlate": (maps.gen_correlate, maps.val_correlate, maps.say_correlate, maps.solve_correlate, maps.cross_correlate),
         "pool": (maps.gen_pool, maps.val_pool, maps.say_pool, maps.solve_pool, maps.cross_pool),
         "params": (par.gen_params, par.val_params, par.say_params, par.solve_params, par.cross_params),
         "network": (net.gen_network, net.val_network, net.say_network, net.solve_network, xnet.cross_network)}
_KEYS = (("layers", "network"), ("K", "correlate"), ("X", "pool"), ("C_in", "params"), ("N", "output-size"))
_DRAW = {d: list(VARIANTS) for d in ("easy", "exam", "hard")}
STEPS = [
    StepSpec("span", "N − F + 2P", "integer", None, "N − F + 2P"),
    StepSpec("out", "Output side", "integer", None, "⌊(N − F + 2P)/S⌋ + 1"),
    StepSpec("p-same", "'Same' padding at stride 1", "integer", None, "(F − 1)/2 per side"),
    StepSpec("p-causal", "Causal padding (left only)", "integer", None, "F − 1"),
    StepSpec("size", "Output side of the map", "integer", None, "⌊(N − F + 2P)/S⌋ + 1"),
    StepSpec("Y", "Feature map (cross-correlation + bias)", "matrix", 2, "Y_ij = Σ_uv X_(iS+u)(jS+v) K_uv + b"),
    StepSpec("A", "Feature map after ReLU", "matrix", 2, "max(0, Y)"),
    StepSpec("max", "Max-pooled map", "matrix", 2, "max over each window"),
    StepSpec("avg", "Average-pooled map", "matrix", 2, "(1/F²) Σ window"),
    StepSpec("min", "Min-pooled map", "matrix", 2, "min over each window"),
    StepSpec("gap", "Global average pooling", "number", 2, "(1/N²) Σ X"),
    StepSpec("gmp", "Global max pooling", "number", 2, "max X"),
    StepSpec("flat", "Flattened size", "integer", None, "H·W·C"),
    StepSpec("conv-weights", "Conv weights without biases", "integer", None, "F·F·C_in·C_out"),
    StepSpec("conv", "Conv parameters", "integer", None, "(F·F·C_in + 1)·C_out"),
    StepSpec("dense", "Dense parameters", "integer", None, "(n_in + 1)·n_out"),
    StepSpec("bn", "Batch-norm parameters (total)", "integer", None, "4C"),
    StepSpec("bn-trainable", "Batch-norm trainable parameters", "integer", None, "2C"),
    StepSpec("shape.l", "Output shape of layer l ([H, W, C] or [n])", "vector", None, "⌊(N − F + 2P)/S⌋ + 1, H·W·C"),
    StepSpec("params.l", "Parameters of layer l", "integer", None, "(F·F·C_in + 1)·K, (n_in + 1)·n_out, 4C, 0"),
    StepSpec("total", "Total parameters of the network", "integer", None, "Σ_l params_l"),
    StepSpec("lenet.published", "LeNet-5 as published (LeCun et al. 1998): trainable parameters", "integer", None,
             "C1 156 + S2 12 + C3 1516 (partial table) + S4 32 + C5 48120 + F6 10164; RBF output fixed"),
    StepSpec("lenet.difference", "Modern simplification minus LeNet-5 as published", "integer", None,
             "+900 full C3, −44 parameter-free pooling, +850 dense output instead of the fixed RBF"),
]
GIVENS = {
    "variant": "output-size, correlate, pool, params or network",
    "N, F, P, S": "output-size: input side, kernel side, padding, stride (S ≥ 1)",
    "X, K, b, P, S": "correlate: square input, square kernel, bias, padding, stride",
    "X, F, S, C": "pool: one channel (square), window side, stride, number of channels",
    "F, C_in, C_out, fmap, n_out, C_bn": "params: conv kernel/channels, [H, W, C] map before the dense layer, dense units, BN channels",
    "input, layers": "network: [H, W, C] and layers like 'conv 6@5x5 s1 p0', 'maxpool 2x2 s2', 'flatten', 'dense 84', 'bn', 'gap'",
}
MISTAKES = {
    "floor-omitted": "floor omitted: (N − F + 2P)/S + 1 left as a fraction",
    "padding-once": "padding counted once: N − F + P instead of N − F + 2P",
    "plus-one-omitted": "the + 1 left out: ⌊(N − F + 2P)/S⌋ instead of ⌊(N − F + 2P)/S⌋ + 1",
    "same-total": "'same' padding given as F − 1 (the total of both sides) instead of (F − 1)/2 per side",
    "causal-halved": "causal padding taken as (F − 1)/2: a causal convolution pads F − 1 on the left",
    "flipped": "kernel flipped (true convolution): CNN layers cross-correlate, without flipping K",
    "map-bias-omitted": "bias b not added to the feature map",
    "pool-stride-one": "pooling windows slid with stride 1 instead of the pool stride",
    "avg-divisor": "average pooling divided by F instead of F·F",
    "flatten-no-channels": "flattened size H·W: the channels were left out (H·W·C)",
    "bias-forgotten": "bias forgotten in the parameter count: F·F·C_in·C_out or n_in·n_out",
    "channels-forgotten": "input channels forgotten: F·F·C_out instead of F·F·C_in·C_out",
    "bn-trainable-only": "batch norm counted as 2C: the moving mean and variance (2C more) are parameters too",
    "flatten-unpooled": "flattened size computed without the pooling layer: the map before pooling was flattened",
}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Hand-sized numbers for the variant (drawn from the seed when not given)."""
    v = variant_of(rng, variant, VARIANTS, _DRAW, difficulty)
    return {"variant": v} | _IMPL[v][0](rng, difficulty)


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Check the givens of the variant; return them in canonical form."""
    guess = next((v for key, v in _KEYS if key in givens), None)
    v = choice(givens, "variant", VARIANTS, default=guess if "variant" not in givens else ...)
    return {"variant": v} | _IMPL[v][1](givens)


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    return _IMPL[g["variant"]][2](g)


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    out = ["CNN layers compute cross-correlation: the kernel is slid over the input without flipping it.",
           "Sizes use the floor: out = ⌊(N − F + 2P)/S⌋ + 1; P pixels of zero padding on each side; stride S ≥ 1."]
    if g["variant"] in ("params", "network"):
        out.append("Each conv filter and each dense unit has one bias; batch norm has 4C parameters (γ, β trainable; "
                   "moving mean and variance not) and the total counts all of them (Keras 'Total params').")
    if g["variant"] == "network":
        out.append("Shapes are [H, W, C] (channels last), [n] once flat; pooling, flatten and gap have no parameters; "
                   "LeNet-5 is taken with full C3 connectivity and parameter-free pooling (the modern simplification; "
                   "lenet.published counts it as published).")
    return out


_SIZE = ("floor-omitted", "padding-once", "plus-one-omitted")
_OWN = {"output-size": _SIZE + ("same-total", "causal-halved"), "correlate": _SIZE + ("flipped", "map-bias-omitted"),
        "pool": _SIZE + ("pool-stride-one", "avg-divisor", "flatten-no-channels", "flatten-unpooled"),
        "params": ("bias-forgotten", "channels-forgotten", "flatten-no-channels", "bn-trainable-only"),
        "network": _SIZE + ("pool-stride-one", "flatten-no-channels", "bias-forgotten", "bn-trainable-only", "flatten-unpooled")}


def solve(g: dict[str, Any], work: Any) -> None:
    """Every value a hand solution writes down, for the variant in ``g``."""
    if not other_mistake(work, MISTAKES, _OWN[g["variant"]]):
        _IMPL[g["variant"]][3](g, work)


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch conv2d/pooling/modules on 'meta', or NumPy windows."""
    return _IMPL[g["variant"]][4](g, load_torch())


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0), "text"))
