"""Pieces of the ``layernorm`` type: which axes each layer reduces, views of the tensor that put
those axes last, generation, texts and the independent cross-check.

Layouts: layer norm takes an (N, D) matrix; instance and group norm an (N, C, H·W) tensor, or
C × (H·W) for one sample (the N axis is then dropped from every value).
"""

from __future__ import annotations

import statistics
from typing import Any

import numpy as np

from problems.givens import GivenError
from problems.givens import matrix
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import pick
from problems.shared.statement_text import mat, num, vec

AXES = {("layer", True): "D", ("batch", True): "N", ("layer", False): "C H W", ("instance", False): "H W", ("group", False): "C H W"}
AXES_HINT = {("layer", True): "each sample over its features", ("batch", True): "each feature over the batch",
             ("layer", False): "each sample over all its channels and positions", ("instance", False): "each sample and channel over its map",
             ("group", False): "each sample and group over its C/G channels and their maps"}
COUNT_HINT = {("layer", True): "D", ("batch", True): "N", ("layer", False): "C·H·W", ("instance", False): "H·W",
              ("group", False): "(C/G)·H·W"}
CHOICES = {"D": ["features", "feature axis", "d axis", "(d)", "last axis"], "N": ["batch", "batch axis", "n axis", "(n)"],
           "C H W": ["chw", "c,h,w", "c, h, w", "(c, h, w)", "(c,h,w)", "c and h and w"],
           "H W": ["hw", "h,w", "h, w", "(h, w)", "(h,w)", "h and w", "spatial"]}
NAMES = {"layer": "layer norm", "instance": "instance norm", "group": "group norm"}


def view(x: np.ndarray, mode: str, G: int, conv: bool) -> tuple[np.ndarray, tuple[int, ...], tuple[int, ...]]:
    """(the tensor reshaped so a statistic's elements share the axes, those axes, the kept shape)."""
    if not conv:
        N, D = x.shape
        return (x, (0,), (1, D)) if mode == "batch" else (x, (1,), (N, 1))
    X = x[None] if x.ndim == 2 else x  # (N, C, L)
    N, C, L = X.shape
    if mode == "layer":
        return X, (1, 2), (N, 1, 1)
    if mode == "instance":
        return X, (2,), (N, C, 1)
    return X.reshape(N, G, C // G, L), (2, 3), (N, G, 1, 1)


def squeeze(stat: np.ndarray, x: np.ndarray, conv: bool) -> Any:
    """A statistic as written: the N axis dropped for one conv sample; a single value as a number."""
    out = stat[0] if conv and x.ndim == 2 else stat
    return float(out) if np.ndim(out) == 0 else out


def stats(x: np.ndarray, variant: str, G: int) -> tuple[np.ndarray, np.ndarray]:
    """(μ, σ²) of every statistic of ``variant`` (for validation)."""
    X, axes, _ = view(x, variant, G, variant != "layer")
    return X.mean(axis=axes), X.var(axis=axes)


def affine(g: dict[str, Any], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """γ, β shaped to broadcast: over the last axis (features) or per channel (rows of a C × L map)."""
    gamma, beta = np.array(g["gamma"]), np.array(g["beta"])
    return (gamma, beta) if g["variant"] == "layer" else (gamma[:, None], beta[:, None])


def tensor(g: dict[str, Any], v: str) -> np.ndarray:
    """x as an array: N × D (layer), C × L or N × C × L (instance, group)."""
    raw = g.get("x")
    if v != "layer" and isinstance(raw, list) and raw and isinstance(raw[0], list) and raw[0] and isinstance(raw[0][0], list):
        rows = [matrix({"x": s}, "x", rows=(1, 8), cols=(1, 16)) for s in raw]
        if len(rows) > 4 or len({(len(r), len(r[0])) for r in rows}) != 1:
            raise GivenError("x", "expected 1–4 samples, each a C × (H·W) matrix of the same shape")
        return np.array(rows)
    return np.array(matrix(g, "x", rows=(1 if v != "layer" else 2, 8), cols=(2, 16)))


def draw(rng: np.random.Generator, v: str, difficulty: str, step: float) -> dict[str, Any]:
    """Random givens for one variant (see ``layernorm.generate``)."""
    hard = difficulty == "hard"
    if v == "layer":
        N, D = pick(rng, {"easy": [(2, 4)], "exam": [(2, 3), (2, 4), (3, 4)], "hard": [(3, 4), (3, 5)]}[difficulty])
        shape, C, extra = (N, D), D, {}
    else:
        C, G, hw = (pick(rng, [2, 3]), 1, pick(rng, [[2, 2], [1, 3]] if hard else [[2, 2]])) if v == "instance" else \
            (pick(rng, [4, 6]) if hard else 4, 0, [1, 2])
        G = G or pick(rng, [g for g in (2, 3) if C % g == 0])
        shape, extra = ((2, C, hw[0] * hw[1]) if hard else (C, hw[0] * hw[1])), {"hw": hw} | ({"groups": G} if v == "group" else {})
    while True:
        x = rng.integers(0, 10, size=shape) * step
        if np.all(stats(x, v, extra.get("groups", 1))[1] > 0):
            break
    pair = [[1.0], [0.0]] if difficulty == "easy" else [[1.0, 0.5, 2.0, 1.5], [0.0, 0.5, -0.5, 1.0]]
    return {"variant": v, "x": x.tolist(), **extra, "gamma": [pick(rng, pair[0]) for _ in range(C)],
            "beta": [pick(rng, pair[1]) for _ in range(C)],
            "eps": pick(rng, {"easy": [1e-5], "exam": [1e-5, 0.01], "hard": [0.01, 0.1]}[difficulty])}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    x, v = np.array(g["x"]), g["variant"]
    tail = f"with γ = {vec(g['gamma'])}, β = {vec(g['beta'])} and ε = {num(g['eps'])}"
    if v == "layer":
        what = f"the batch x = {mat(x)} (N = {x.shape[0]} samples × D = {x.shape[1]} features)"
    else:
        N, (H, W) = (1 if x.ndim == 2 else x.shape[0]), g["hw"]
        C = x.shape[-2]
        maps = mat(x) if x.ndim == 2 else "; ".join(f"sample {n + 1}: {mat(s)}" for n, s in enumerate(x))
        what = (f"an (N, C, H, W) = ({N}, {C}, {H}, {W}) tensor, each row one channel's {H}×{W} map read row by row: {maps}"
                + (f", in G = {g['groups']} groups of {C // g['groups']} channels" if v == "group" else ""))
    return (f"Apply {NAMES[v]} to {what}, {tail}. Name the axes each mean and variance is taken over, the number of "
            "elements per statistic, μ, σ², √(σ² + ε), x̂ and y.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    per = "feature" if g["variant"] == "layer" else "channel"
    one = [] if g["variant"] == "layer" or np.ndim(g["x"]) == 3 else ["One sample: values are written without the N axis."]
    return ["Variance with divisor m (the number of elements per statistic), not m − 1.",
            f"γ and β have one entry per {per}; x̂ and y are laid out as x (several samples: one row per sample and channel).",
            "Axes are written as letters separated by spaces: D, N, H W, C H W."] + one


def cross(g: dict[str, Any]) -> dict[str, Any]:
    """torch's own normalisation functions and var_mean; without torch, Python's statistics module per group."""
    torch, x, v = load_torch(), np.array(g["x"], dtype=float), g["variant"]
    G = g.get("groups", 1)
    if v == "layer":
        X4, groups = x, [[list(row)] for row in x]
    else:
        X3 = x[None] if x.ndim == 2 else x
        N, C, L = X3.shape
        X4 = X3.reshape(N, C, *g["hw"])
        per = C // G if v == "group" else 1
        groups = [[X3[n, c:c + per].ravel().tolist()] for n in range(N) for c in range(0, C, per)]
    if torch is None:
        mu = np.array([statistics.fmean(s[0]) for s in groups])
        var = np.array([statistics.pvariance(s[0]) for s in groups])
        count, xhat = len(groups[0][0]), None
    else:
        t = torch.tensor(X4, dtype=torch.float64)
        F = torch.nn.functional
        flat = t if v == "layer" else t.reshape(t.shape[0], G if v == "group" else t.shape[1], -1)
        var_t, mu_t = torch.var_mean(flat, dim=-1, correction=0)
        mu, var, count = mu_t.numpy().ravel(), var_t.numpy().ravel(), flat.shape[-1]
        norm = {"layer": lambda w, b: F.layer_norm(t, (t.shape[1],), w, b, g["eps"]),
                "instance": lambda w, b: F.instance_norm(t, weight=w, bias=b, eps=g["eps"]),
                "group": lambda w, b: F.group_norm(t, G, w, b, g["eps"])}[v]
        xhat = norm(None, None).numpy().reshape(x.shape)
        y = norm(torch.tensor(g["gamma"], dtype=torch.float64), torch.tensor(g["beta"], dtype=torch.float64)).numpy().reshape(x.shape)
    if xhat is None:
        xhat = _numpy_xhat(x, groups, mu, var, g)
        gam, bet = np.array(g["gamma"]), np.array(g["beta"])
        y = gam * xhat + bet if v == "layer" else gam[:, None] * xhat + bet[:, None]  # broadcasts over N too
    shape = (-1,) if v == "layer" or x.ndim == 2 else (x.shape[0], -1)
    return {"count": count, "mu": mu.reshape(shape).tolist(), "var": var.reshape(shape).tolist(),
            "std": np.sqrt(var + g["eps"]).reshape(shape).tolist(), "xhat": xhat.reshape(-1, x.shape[-1]).tolist(),
            "y": y.reshape(-1, x.shape[-1]).tolist()}


def _numpy_xhat(x: np.ndarray, groups: list[Any], mu: np.ndarray, var: np.ndarray, g: dict[str, Any]) -> np.ndarray:
    """x̂ entry by entry: each value normalised by the statistics of the group it sits in."""
    flat = np.concatenate([np.array(s[0]) for s in groups])
    per = len(groups[0][0])
    idx = np.repeat(np.arange(len(groups)), per)
    return ((flat - mu[idx]) / np.sqrt(var[idx] + g["eps"])).reshape(x.shape)
