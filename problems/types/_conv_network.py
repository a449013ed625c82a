"""conv variants on whole layers: parameter counts and a network's shape/parameter table (§5).

Equations::

    conv  K filters F×F on C_in channels:  (F·F·C_in + 1)·K parameters, out ⌊(N − F + 2P)/S⌋ + 1
    dense n_in → n_out:                    (n_in + 1)·n_out
    batch norm on C channels:              4C in total (γ, β trainable; moving μ, σ² not) = 2C trainable
    flatten H×W×C → H·W·C;  pooling and flatten have no parameters
Layers are written ``conv 6@5x5 s1 p0``, ``maxpool 2x2 s2``, ``avgpool 2x2 s2``, ``flatten``,
``dense 84``, ``bn``, ``gap`` (global average pooling); ``same`` padding means P = (F − 1)/2.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from problems.givens import GivenError
from problems.shared.given_readers import ints
from problems.shared.random_givens import pick
from problems.types._conv_output_size import out_size

LENET5 = ([32, 32, 1], ["conv 6@5x5 s1 p0", "avgpool 2x2 s2", "conv 16@5x5 s1 p0", "avgpool 2x2 s2",
                        "conv 120@5x5 s1 p0", "flatten", "dense 84", "dense 10"])
_VGG = [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]
VGG16 = ([224, 224, 3], [x for k, n in _VGG for x in [f"conv {k}@3x3 s1 p1"] * n + ["maxpool 2x2 s2"]]
         + ["flatten", "dense 4096", "dense 4096", "dense 1000"])
_LAYER = re.compile(r"(conv)\s*(\d+)\s*@\s*(\d+)(?:x\d+)?(?:\s+s(\d+))?(?:\s+(?:p(\d+)|(same)))?"
                    r"|(maxpool|avgpool)\s*(\d+)(?:x\d+)?(?:\s+s(\d+))?|(flatten|bn|gap)|(dense)\s*(\d+)")


def parse_layer(text: str) -> tuple[Any, ...]:
    """``"conv 6@5x5 s1 p0"`` → ("conv", 6, 5, 1, 0); ValueError when unreadable."""
    m = _LAYER.fullmatch(" ".join(str(text).lower().split()))
    if not m:
        raise ValueError(f"cannot read layer {text!r}")
    g = m.groups()
    if g[0]:
        F, S = int(g[2]), int(g[3] or 1)
        return ("conv", int(g[1]), F, S, (F - 1) // 2 if g[5] else int(g[4] or 0))
    if g[6]:
        return (g[6], int(g[7]), int(g[8] or g[7]))
    return (g[9],) if g[9] else ("dense", int(g[11]))


def layer_text(layer: tuple[Any, ...]) -> str:
    """The canonical spelling of a parsed layer."""
    kind = layer[0]
    if kind == "conv":
        return f"conv {layer[1]}@{layer[2]}x{layer[2]} s{layer[3]} p{layer[4]}"
    if kind in ("maxpool", "avgpool"):
        return f"{kind} {layer[1]}x{layer[1]} s{layer[2]}"
    return kind if kind != "dense" else f"dense {layer[1]}"


def forward(layer: tuple[Any, ...], shape: list[Any], work: Any) -> tuple[list[Any], Any]:
    """Output shape and parameter count of one layer on an input of ``shape``."""
    kind, bias = layer[0], 0 if work.mistake("bias-forgotten") else 1
    if kind in ("conv", "maxpool", "avgpool") and len(shape) != 3:
        raise ValueError(f"{kind} needs an H×W×C input")
    if kind == "conv":
        _, K, F, S, P = layer
        return [out_size(shape[0], F, P, S, work), out_size(shape[1], F, P, S, work), K], (F * F * shape[2] + bias) * K
    if kind in ("maxpool", "avgpool"):
        S = 1 if work.mistake("pool-stride-one") else layer[2]
        return [out_size(shape[0], layer[1], 0, S, work), out_size(shape[1], layer[1], 0, S, work), shape[2]], 0
    if kind == "flatten":
        return [int(np.prod(shape[:2] if work.mistake("flatten-no-channels") else shape))], 0
    if kind == "gap":
        return [shape[-1]], 0
    if kind == "bn":
        return list(shape), (2 if work.mistake("bn-trainable-only") else 4) * shape[-1]
    if len(shape) != 1:
        raise ValueError("dense needs a flat input (flatten first)")
    return [layer[1]], (shape[0] + bias) * layer[1]


def explain(layer: tuple[Any, ...], shape: list[Any]) -> tuple[str, str]:
    """The arithmetic of one layer's shape and parameter count, for ``because``."""
    kind = layer[0]
    if kind == "conv":
        return f"⌊({shape[0]} − {layer[2]} + 2·{layer[4]})/{layer[3]}⌋ + 1", f"({layer[2]}·{layer[2]}·{shape[-1]} + 1)·{layer[1]}"
    if kind in ("maxpool", "avgpool"):
        return f"⌊({shape[0]} − {layer[1]})/{layer[2]}⌋ + 1, channels kept", "pooling has no parameters"
    if kind == "dense":
        return f"{layer[1]} units", f"({shape[0]} + 1)·{layer[1]}"
    return {"flatten": ("·".join(map(str, shape)), "0"), "gap": ("one value per channel", "0"),
            "bn": ("shape unchanged", f"4·{shape[-1]} (2·{shape[-1]} trainable)")}[kind]


class _Plain:
    @staticmethod
    def mistake(name: str) -> bool:
        return False


def gen_network(rng: np.random.Generator, d: str) -> dict[str, Any]:
    """LeNet-5 or VGG-16 sometimes; otherwise a small Keras-style model."""
    if d != "easy" and rng.random() < (0.25 if d == "exam" else 0.2):
        inp, layers = LENET5 if d == "exam" else VGG16
        return {"input": list(inp), "layers": list(layers)}
    inp = pick(rng, [[28, 28, 1], [32, 32, 3], [64, 64, 3]] if d != "easy" else [[28, 28, 1], [32, 32, 3]])
    k1, k2 = pick(rng, [4, 6, 8, 16]), pick(rng, [16, 32, 64])
    f = pick(rng, [3, 5]) if d != "easy" else 3
    if d == "easy":
        layers = [f"conv {k1}@3x3 s1 p0", "maxpool 2x2 s2", "flatten", "dense 10"]
    elif d == "exam":
        layers = [f"conv {k1}@{f}x{f} s1 p{pick(rng, [0, (f - 1) // 2])}", "maxpool 2x2 s2",
                  f"conv {k2}@3x3 s1 p0", "maxpool 2x2 s2", "flatten", f"dense {pick(rng, [32, 64, 128])}", "dense 10"]
    else:
        layers = [f"conv {k1}@{f}x{f} s2 p{pick(rng, [0, 1])}", "bn", f"conv {k2}@3x3 s1 p1", "maxpool 3x3 s2",
                  pick(rng, ["flatten", "gap"]), f"dense {pick(rng, [10, 32, 64])}"]
    return {"input": inp, "layers": layers}


def val_network(g: dict[str, Any]) -> dict[str, Any]:
    """Check the givens of the network variant; return them in canonical form."""
    raw = g.get("layers")
    items = re.split(r"[;\n]+", raw) if isinstance(raw, str) else raw
    if not isinstance(items, list) or not 1 <= len(items) <= 40:
        raise GivenError("layers", "expected 1–40 layers such as ['conv 6@5x5 s1 p0', 'maxpool 2x2 s2', 'flatten', 'dense 10']")
    shape: list[Any] = ints(g, "input", (3, 3), 1, 4096)
    try:
        layers = [parse_layer(t) for t in items if str(t).strip()]
        for layer in layers:
            shape = forward(layer, shape, _Plain)[0]
            if min(shape) < 1:
                raise ValueError(f"layer '{layer_text(layer)}' leaves nothing (shape {shape})")
    except ValueError as exc:
        raise GivenError("layers", str(exc)) from None
    return {"input": ints(g, "input", (3, 3), 1, 4096), "layers": [layer_text(t) for t in layers]}


def say_network(g: dict[str, Any]) -> str:
    """The exercise text of the network variant."""
    rows = "; ".join(f"{i}. {t}" for i, t in enumerate(g["layers"], 1))
    h, w, c = g["input"]
    return (f"A network takes {h}×{w}×{c} inputs (H×W×C). Its layers: {rows}. For every layer give the output "
            "shape ([H, W, C], or [n] once flat) and the number of parameters, then the total.")


_SHAPE = {"conv": "⌊(N − F + 2P)/S⌋ + 1", "maxpool": "⌊(N − F)/S⌋ + 1", "avgpool": "⌊(N − F)/S⌋ + 1",
          "flatten": "H·W·C", "gap": "C", "bn": "unchanged", "dense": "n_out"}
_COUNT = {"conv": "(F·F·C_in + 1)·K", "maxpool": "0", "avgpool": "0", "flatten": "0", "gap": "0", "bn": "4C",
          "dense": "(n_in + 1)·n_out"}


def solve_network(g: dict[str, Any], work: Any) -> None:
    """Every step of the network variant, each known mistake replayed where it happens."""
    shape: list[Any] = list(g["input"])
    counts, unpooled = [], None  # the input of a pooling layer just passed (a slip flattens it instead)
    for l, text in enumerate(g["layers"], 1):
        prev = (f"shape.{l - 1}",) if l > 1 else ()
        layer = parse_layer(text)
        skip_pool = layer[0] == "flatten" and unpooled is not None and work.mistake("flatten-unpooled")
        new, count = forward(layer, unpooled if skip_pool else shape, work)
        unpooled = list(shape) if layer[0] in ("maxpool", "avgpool") else None
        why = explain(layer, shape)
        out = work.put(f"shape.{l}", f"Output shape of layer {l} ({text})", new, _SHAPE[layer[0]], why[0], prev)
        counts.append(work.put(f"params.{l}", f"Parameters of layer {l} ({text})", count, _COUNT[layer[0]], why[1], prev))
        shape = [int(x) if float(x).is_integer() else x for x in out.tolist()]
    total = work.put("total", "Total parameters", sum(counts), "Σ_l params_l",
                     depends_on=tuple(f"params.{l}" for l in range(1, len(counts) + 1)))
    if [g["input"], g["layers"]] == [LENET5[0], LENET5[1]]:
        published = work.put("lenet.published", "LeNet-5 as published: trainable parameters", lenet5_published(),
                             "C1 + S2 + C3 + S4 + C5 + F6", PUBLISHED_WHY)
        work.put("lenet.difference", "Modern simplification minus LeNet-5 as published", total - published,
                 "total − published", DIFFERENCE_WHY, ("total", "lenet.published"))


# LeNet-5 as published (LeCun, Bottou, Bengio, Haffner 1998): C3's 16 maps read 3, 4 or all 6 of S2's maps
# (Table I: six read 3 contiguous maps, six 4 contiguous, three 4 discontinuous, one all 6); each
# subsampling map has a trainable coefficient and bias; the output is 10 RBF units whose 84-entry
# parameter vectors were set by hand and kept fixed.
C3_INPUTS = [3] * 6 + [4] * 6 + [4] * 3 + [6]
PUBLISHED_WHY = ("C1 6·(25 + 1) = 156; S2 6·2 = 12 (a coefficient and a bias per map); C3 25·60 + 16 = 1516 "
                 "(60 map connections in the partial table); S4 16·2 = 32; C5 120·(400 + 1) = 48120; F6 84·(120 + 1) "
                 "= 10164; the RBF output's 10·84 = 840 parameters are fixed, not trained")
DIFFERENCE_WHY = ("the modern simplification connects C3 fully (+900: 25·96 weights instead of 25·60), gives pooling "
                  "no parameters (−44) and replaces the fixed RBF output by a trained dense 10 (+850)")


def lenet5_published() -> int:
    """Trainable parameters of LeNet-5 as published: 60 000."""
    c1, s2 = 6 * (5 * 5 + 1), 6 * 2
    c3 = 5 * 5 * sum(C3_INPUTS) + 16
    s4, c5, f6 = 16 * 2, 120 * (5 * 5 * 16 + 1), 84 * (120 + 1)
    return c1 + s2 + c3 + s4 + c5 + f6
