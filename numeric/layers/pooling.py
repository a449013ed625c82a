"""Max, min and average pooling over k×k windows, vectorised over windows (SYLLABUS §5).

Equations (x: (N, C, H, W), window k, stride S, H_out = ⌊(H − k)/S⌋ + 1)::

    max:  out[n,c,i,j] = max_{u,v} x[n, c, S·i + u, S·j + v]
          ∂L/∂x = Ḡ routed to the (first) arg-max of each window, 0 elsewhere
    min:  the same with min / arg-min
    avg:  out[n,c,i,j] = (1/k²) Σ_{u,v} x[n, c, S·i + u, S·j + v];   ∂L/∂x = Ḡ/k² to every cell
    global pooling: k = H = W (``size=None``), out: (N, C, 1, 1)

The loops run over the k² offsets (u, v) of a window, each step handling all windows at once —
never over pixels. For tiling windows (S = k dividing H and W, the usual 2×2 pooling) the input
is first copied into k² contiguous slabs (one per offset), so every comparison runs on
contiguous memory (strided views are ~30× slower per element here). Overlapping windows (S < k)
use strided views and add up their gradients. No padding.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MODES = ("max", "min", "avg")


def _view(x: np.ndarray, u: int, v: int, s: int, ho: int, wo: int) -> np.ndarray:
    """x[n, c, S·i + u, S·j + v] for all windows (i, j): a strided view (N, C, H_out, W_out)."""
    return x[:, :, u:u + s * (ho - 1) + 1:s, v:v + s * (wo - 1) + 1:s]


def _slabs(x: np.ndarray, k: int) -> np.ndarray:
    """Tiles of x (N, C, k·H_out, k·W_out) as k² contiguous slabs: out[u·k + v] = x[:, :, u::k, v::k]."""
    n, c, h, w = x.shape
    sn, sc, sh, sw = x.strides
    view = np.lib.stride_tricks.as_strided(x, (k, k, n, c, h // k, w // k), (sh, sw, sn, sc, k * sh, k * sw),
                                           writeable=False)
    return np.ascontiguousarray(view).reshape(k * k, n, c, h // k, w // k)


def _unslab(dslabs: np.ndarray, k: int) -> np.ndarray:
    """Inverse of :func:`_slabs`: (k², N, C, H_out, W_out) → (N, C, k·H_out, k·W_out)."""
    _, n, c, ho, wo = dslabs.shape
    return np.ascontiguousarray(dslabs.reshape(k, k, n, c, ho, wo).transpose(2, 3, 4, 0, 5, 1)).reshape(n, c, ho * k, wo * k)


def _running_extreme(cands: list[np.ndarray], mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Elementwise max (or min) over ``cands`` and the index of the first candidate attaining it.

    Branch-free on purpose: a masked copy (``copyto(where=…)``) with a random mask costs ~25 ns
    per element here through branch mispredictions; max and integer arithmetic stay vectorised.
    """
    pick, compare = (np.maximum, np.greater) if mode == "max" else (np.minimum, np.less)
    out = np.array(cands[0], copy=True)
    idx = np.zeros(out.shape, dtype=np.int16)
    better = np.empty(out.shape, dtype=bool)
    for j, cand in enumerate(cands[1:], 1):
        compare(cand, out, out=better)             # strict: ties keep the first offset, as argmax does
        idx += better * (np.int16(j) - idx)        # idx ← j where better
        pick(out, cand, out=out)
    return out, idx


def _tiled_forward(x: np.ndarray, k: int, mode: str) -> tuple[np.ndarray, Any]:
    slabs = _slabs(x, k)
    if mode == "avg":
        return slabs.mean(axis=0), (x.shape, k, mode, None)
    out, idx = _running_extreme([slabs[j] for j in range(k * k)], mode)
    return out, (x.shape, k, mode, idx)


def _tiled_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    x_shape, k, mode, idx = cache
    if mode == "avg":
        dslabs = np.broadcast_to(dout * (1.0 / (k * k)), (k * k, *dout.shape))
    else:
        dslabs = np.empty((k * k, *dout.shape), dtype=dout.dtype)
        for j in range(k * k):
            np.multiply(dout, idx == j, out=dslabs[j])
    return _unslab(np.asarray(dslabs), k)


def forward(params: dict[str, np.ndarray], x: np.ndarray, size: int | None = 2, stride: int | None = None,
            mode: str = "max") -> tuple[np.ndarray, Any]:
    """out = pool(x) over size×size windows with ``stride`` (default: size); size None = global."""
    if mode not in MODES:
        raise ValueError(f"unknown pooling mode '{mode}' (known: {', '.join(MODES)})")
    kh, kw = (x.shape[2], x.shape[3]) if size is None else (size, size)
    s = stride or kh
    if s == kh == kw and x.shape[2] % kh == 0 and x.shape[3] % kw == 0:
        out, cache = _tiled_forward(x, kh, mode)
        return out, ("tiled", cache)
    ho, wo = (x.shape[2] - kh) // s + 1, (x.shape[3] - kw) // s + 1
    offsets = [(u, v) for u in range(kh) for v in range(kw)]
    out = _view(x, 0, 0, s, ho, wo).copy()
    if mode == "avg":
        for u, v in offsets[1:]:
            out += _view(x, u, v, s, ho, wo)
        out *= 1.0 / (kh * kw)
        return out, ("strided", (x.shape, x.dtype, s, ho, wo, offsets, mode, None))
    out, idx = _running_extreme([_view(x, u, v, s, ho, wo) for u, v in offsets], mode)
    return out, ("strided", (x.shape, x.dtype, s, ho, wo, offsets, mode, idx))


def backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """dx: Ḡ to each window's arg-max/arg-min cell (max/min) or Ḡ/k² to all its cells (avg)."""
    kind, cache = cache
    if kind == "tiled":
        return _tiled_backward(dout, cache), {}
    x_shape, dtype, s, ho, wo, offsets, mode, idx = cache
    dx = np.zeros(x_shape, dtype=np.result_type(dout.dtype, dtype))
    if mode == "avg":
        share = dout * (1.0 / len(offsets))
        for u, v in offsets:
            _view(dx, u, v, s, ho, wo)[...] += share
        return dx, {}
    for k, (u, v) in enumerate(offsets):
        _view(dx, u, v, s, ho, wo)[...] += dout * (idx == k)
    return dx, {}
