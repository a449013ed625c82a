"""Independent step values of the ``rbm`` type, by other routes (tests only)."""

from __future__ import annotations

from typing import Any

import numpy as np


def rbm_cross(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): every conditional from energy differences,
    P(h_j = 1 | v) = 1/(1 + exp(E(v, h with h_j = 1) − E(v, h with h_j = 0))), and explicit loops."""
    W, a, b = (np.array(g[k], dtype=float) for k in ("W", "a", "b"))
    v0, h0, v1, h1 = (np.array(g[k], dtype=float) for k in ("v0", "h0", "v1", "h1"))
    m, n = W.shape

    def energy(v: np.ndarray, h: np.ndarray) -> float:
        return -sum(a[i] * v[i] for i in range(m)) - sum(b[j] * h[j] for j in range(n)) - sum(
            v[i] * W[i, j] * h[j] for i in range(m) for j in range(n))

    def cond(fixed: np.ndarray, hidden: bool) -> list[float]:
        out = []
        for k in range(n if hidden else m):
            on, off = np.zeros(n if hidden else m), np.zeros(n if hidden else m)
            on[k] = 1
            e1, e0 = (energy(fixed, on), energy(fixed, off)) if hidden else (energy(on, fixed), energy(off, fixed))
            out.append(1 / (1 + np.exp(e1 - e0)))
        return out

    outer = lambda v, h: [[v[i] * h[j] for j in range(n)] for i in range(m)]  # noqa: E731
    dW = [[g["lr"] * (p - q) for p, q in zip(r0, r1)] for r0, r1 in zip(outer(v0, h0), outer(v1, h1))]
    nets = {"net-h0": np.einsum("i,ij->j", v0, W) + b, "net-v1": np.einsum("ij,j->i", W, h0) + a,
            "net-h1": np.einsum("i,ij->j", v1, W) + b}
    return {k: v.tolist() for k, v in nets.items()} | {"energy": energy(v0, h0), "ph0": cond(v0, True), "pv1": cond(h0, False), "ph1": cond(v1, True),
            "pos": outer(v0, h0), "neg": outer(v1, h1), "dW": dW, "W-new": (W + np.array(dW)).tolist(),
            "da": [g["lr"] * (p - q) for p, q in zip(v0, v1)], "db": [g["lr"] * (p - q) for p, q in zip(h0, h1)]}
