"""Independent shapes and parameter counts of a conv network (tests only): torch or NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np


def cross_network(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """torch modules on the meta device (shapes and counts, no memory), else NumPy sizes."""
    out: dict[str, Any] = {}
    shape = list(g["input"])
    for l, text in enumerate(g["layers"], 1):
        kind, *a = read_layer(text)
        if torch is None:
            new, count = _numpy_layer(kind, a, shape)
        else:
            new, count = _torch_layer(torch, kind, a, shape)
        out[f"shape.{l}"], out[f"params.{l}"], shape = new, count, new
    out["total"] = sum(v for k, v in out.items() if k.startswith("params."))
    return out


def read_layer(text: str) -> tuple[Any, ...]:
    """A layer's canonical text read word by word, without the solver's reader.

    ``conv 6@5x5 s1 p0`` → ("conv", 6, 5, 1, 0); ``maxpool 2x2 s2`` → ("maxpool", 2, 2);
    ``dense 84`` → ("dense", 84); ``flatten``, ``bn``, ``gap`` → (kind,).
    """
    kind, *rest = text.split()
    number = lambda word, lead: int(word.removeprefix(lead))  # noqa: E731
    if kind == "conv":
        filters, size = rest[0].split("@")
        return ("conv", int(filters), int(size.split("x")[0]), number(rest[1], "s"), number(rest[2], "p"))
    if kind in ("maxpool", "avgpool"):
        return (kind, int(rest[0].split("x")[0]), number(rest[1], "s"))
    if kind == "dense":
        return ("dense", int(rest[0]))
    return (kind,)


def _numpy_layer(kind: str, a: list[int], shape: list[int]) -> tuple[list[int], int]:
    def size(n: int, F: int, S: int, P: int) -> int:
        return len(range(0, n + 2 * P - F + 1, S))
    if kind == "conv":
        return [size(shape[0], a[1], a[2], a[3]), size(shape[1], a[1], a[2], a[3]), a[0]], a[0] * (shape[2] * a[1] ** 2 + 1)
    if kind in ("maxpool", "avgpool"):
        return [size(shape[0], a[0], a[1], 0), size(shape[1], a[0], a[1], 0), shape[2]], 0
    if kind == "dense":
        return [a[0]], np.zeros((shape[0] + 1, a[0])).size
    return {"flatten": [int(np.prod(shape))], "gap": [shape[-1]], "bn": shape}[kind], np.zeros((4, shape[-1])).size * (kind == "bn")


def _torch_layer(torch: Any, kind: str, a: list[int], shape: list[int]) -> tuple[list[int], int]:
    nn, meta = torch.nn, torch.device("meta")
    x = torch.empty(1, shape[2], shape[0], shape[1], device=meta) if len(shape) == 3 else torch.empty(1, shape[0], device=meta)
    mod = {"conv": lambda: nn.Conv2d(shape[-1], a[0], a[1], a[2], a[3], device=meta),
           "maxpool": lambda: nn.MaxPool2d(a[0], a[1]), "avgpool": lambda: nn.AvgPool2d(a[0], a[1]),
           "flatten": lambda: nn.Flatten(), "gap": lambda: nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()),
           "bn": lambda: (nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d)(shape[-1], device=meta),
           "dense": lambda: nn.Linear(shape[0], a[0], device=meta)}[kind]()
    y = mod(x)
    count = sum(p.numel() for p in mod.parameters()) + sum(b.numel() for n, b in mod.named_buffers() if n.startswith("running"))
    return (list(y.shape[2:]) + [y.shape[1]] if y.dim() == 4 else [y.shape[1]]), count
