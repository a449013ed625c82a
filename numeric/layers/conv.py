"""2-D convolution (cross-correlation, as every framework computes it) by im2col (SYLLABUS §5).

Equations (x: (N, C, H, W), W: (F, C, k_h, k_w), b: (F,), stride S, zero padding P)::

    H_out = ⌊(H − k_h + 2P)/S⌋ + 1,   W_out = ⌊(W − k_w + 2P)/S⌋ + 1
    out[n, f, i, j] = b_f + Σ_{c,u,v} W[f, c, u, v] · x_pad[n, c, S·i + u, S·j + v]

With the patches laid out as rows, cols: (N·H_out·W_out, C·k_h·k_w), this is one matrix product
``out = cols Wᵀ + b``, so the gradients are those of a dense layer::

    ∂L/∂W = Ḡᵀ cols,   ∂L/∂b = Σ Ḡ,   ∂L/∂cols = Ḡ W   → scattered back onto x (col2im)

The patches are a strided view of the padded input (no Python loop over pixels); col2im loops
only over the k_h·k_w kernel offsets.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided


def output_size(n: int, k: int, stride: int = 1, pad: int = 0) -> int:
    """⌊(n − k + 2P)/S⌋ + 1 (the floor is easy to forget)."""
    if stride < 1:
        raise ValueError(f"stride must be ≥ 1, got {stride}")
    return (n - k + 2 * pad) // stride + 1


def patches(x: np.ndarray, kh: int, kw: int, stride: int = 1) -> np.ndarray:
    """Strided view of every k_h×k_w window: x (N, C, H, W) → (N, C, H_out, W_out, k_h, k_w), no copy.

    Element [n, c, i, j, u, v] is x[n, c, S·i + u, S·j + v]: the same memory, read with the
    strides (s_N, s_C, S·s_H, S·s_W, s_H, s_W).
    """
    n, c, h, w = x.shape
    ho, wo = (h - kh) // stride + 1, (w - kw) // stride + 1
    sn, sc, sh, sw = x.strides
    return as_strided(x, (n, c, ho, wo, kh, kw), (sn, sc, stride * sh, stride * sw, sh, sw), writeable=False)


def fold(dwin: np.ndarray, shape: tuple[int, ...], stride: int = 1) -> np.ndarray:
    """col2im: add window gradients dwin (N, C, H_out, W_out, k_h, k_w) back onto an array of ``shape``."""
    _, _, ho, wo, kh, kw = dwin.shape
    dx = np.zeros(shape, dtype=dwin.dtype)
    for u in range(kh):
        for v in range(kw):
            dx[:, :, u:u + stride * (ho - 1) + 1:stride, v:v + stride * (wo - 1) + 1:stride] += dwin[:, :, :, :, u, v]
    return dx


def _pad(x: np.ndarray, pad: int) -> np.ndarray:
    """x with ``pad`` zeros on each side of H and W."""
    if not pad:
        return x
    n, c, h, w = x.shape
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=x.dtype)
    xp[:, :, pad:pad + h, pad:pad + w] = x
    return xp


def forward(params: dict[str, np.ndarray], x: np.ndarray, stride: int = 1, pad: int = 0,
            w: str = "W", b: str = "b", need_dx: bool = True) -> tuple[np.ndarray, Any]:
    """out = conv2d(x, W) + b: x (N, C, H, W) → (N, F, H_out, W_out).

    ``need_dx=False`` (a first layer) lets the backward pass skip ∂L/∂x and return None for it.
    """
    W, bias = params[w], params[b]
    f, c, kh, kw = W.shape
    if x.ndim != 4 or x.shape[1] != c:
        raise ValueError(f"conv expects x of shape (N, {c}, H, W), got {x.shape}")
    xp = _pad(x, pad)
    win = patches(xp, kh, kw, stride)                                   # (N, C, Ho, Wo, kh, kw)
    n, _, ho, wo = win.shape[:4]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * kh * kw)  # im2col copy
    out = cols @ W.reshape(f, -1).T                                     # (N·Ho·Wo, F)
    out += bias
    out = out.reshape(n, ho, wo, f).transpose(0, 3, 1, 2)               # (N, F, Ho, Wo) view
    return out, (cols, W, xp.shape, x.shape, stride, pad, w, b, need_dx)


def backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
    """dW = Ḡᵀ cols, db = Σ Ḡ, dx = col2im(Ḡ W) (None when the forward pass said ``need_dx=False``)."""
    cols, W, xp_shape, x_shape, stride, pad, w, b, need_dx = cache
    f, c, kh, kw = W.shape
    n, _, ho, wo = dout.shape
    g = dout.transpose(0, 2, 3, 1).reshape(n * ho * wo, f)               # (N·Ho·Wo, F)
    grads = {w: (g.T @ cols).reshape(W.shape), b: g.sum(axis=0)}
    if not need_dx:
        return None, grads
    dcols = (g @ W.reshape(f, -1)).reshape(n, ho, wo, c, kh, kw).transpose(0, 3, 1, 2, 4, 5)
    dxp = fold(dcols, xp_shape, stride)
    if pad:
        dxp = dxp[:, :, pad:pad + x_shape[2], pad:pad + x_shape[3]]
    return dxp, grads
