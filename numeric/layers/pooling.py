"""Max, min and average pooling over k×k windows, vectorised over windows (SYLLABUS §5).

Equations (x: (N, C, H, W), window k, stride S, H_out = ⌊(H − k)/S⌋ + 1)::

    max:  out[n,c,i,j] = max_{u,v} x[n, c, S·i + u, S·j + v]
          ∂L/∂x = Ḡ routed to the (first) arg-max of each window, 0 elsewhere
    min:  the same with min / arg-min
    avg:  out[n,c,i,j] = (1/k²) Σ_{u,v} x[n, c, S·i + u, S·j + v];   ∂L/∂x = Ḡ/k² to every cell
    global pooling: k = H = W (``size=None``), out: (N, C, 1, 1)

Overlapping windows (S < k) add up their gradients (col2im). No padding.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from numeric.layers.conv import fold, patches

MODES = ("max", "min", "avg")


def forward(params: dict[str, np.ndarray], x: np.ndarray, size: int | None = 2, stride: int | None = None,
            mode: str = "max") -> tuple[np.ndarray, Any]:
    """out = pool(x) over size×size windows with ``stride`` (default: size); size None = global."""
    if mode not in MODES:
        raise ValueError(f"unknown pooling mode '{mode}' (known: {', '.join(MODES)})")
    kh, kw = (x.shape[2], x.shape[3]) if size is None else (size, size)
    s = stride or kh
    n, c = x.shape[:2]
    if s == kh == kw and x.shape[2] % kh == 0 and x.shape[3] % kw == 0:
        ho, wo = x.shape[2] // kh, x.shape[3] // kw   # non-overlapping tiles: a reshape, no copy
        win = x.reshape(n, c, ho, kh, wo, kw).transpose(0, 1, 2, 4, 3, 5)
    else:
        win = patches(x, kh, kw, s)                   # (N, C, Ho, Wo, kh, kw) strided view
        ho, wo = win.shape[2:4]
    if mode == "avg":
        return win.mean(axis=(4, 5)), (x.shape, (n, c, ho, wo, kh, kw), s, mode, None)
    flat = win.reshape(n, c, ho, wo, kh * kw)
    idx = flat.argmax(axis=-1) if mode == "max" else flat.argmin(axis=-1)
    out = np.take_along_axis(flat, idx[..., None], axis=-1)[..., 0]
    return out, (x.shape, (n, c, ho, wo, kh, kw), s, mode, idx)


def backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """dx: Ḡ to each window's arg-max/arg-min cell (max/min) or Ḡ/k² to all its cells (avg)."""
    x_shape, wshape, s, mode, idx = cache
    n, c, ho, wo, kh, kw = wshape
    if mode == "avg":
        dwin = np.broadcast_to((dout / (kh * kw))[..., None, None], wshape)
    else:
        flat = np.zeros((n, c, ho, wo, kh * kw), dtype=dout.dtype)
        np.put_along_axis(flat, idx[..., None], dout[..., None], axis=-1)
        dwin = flat.reshape(wshape)
    if s == kh == kw and x_shape[2] == ho * kh and x_shape[3] == wo * kw:
        return np.ascontiguousarray(dwin.transpose(0, 1, 2, 4, 3, 5)).reshape(x_shape), {}
    return fold(dwin, x_shape, s), {}
