"""Vanilla (Elman) RNN over a whole sequence, with backpropagation through time (SYLLABUS §6).

Row-vector form (a batch of N rows; ``W_xh`` here is the course's W_xh transposed)::

    a_t = x_t W_xh + h_{t−1} W_hh + b_h          x_t: (N, D), h_t: (N, H)
    h_t = tanh(a_t)                              W_xh: (D, H), W_hh: (H, H), b_h: (H,)

Equations (BPTT; Ḡ_t = ∂L/∂h_t from the layers above, δ_t = ∂L/∂a_t)::

    δ_T = Ḡ_T ⊙ (1 − h_T²)
    δ_t = (Ḡ_t + δ_{t+1} W_hhᵀ) ⊙ (1 − h_t²)
    ∂L/∂W_xh = Σ_t x_tᵀ δ_t,   ∂L/∂W_hh = Σ_t h_{t−1}ᵀ δ_t,   ∂L/∂b_h = Σ_t Σ_n δ_t
    ∂L/∂x_t = δ_t W_xhᵀ,       ∂L/∂h_0 = δ_1 W_hhᵀ

Unrolled, δ_k carries Π_{j=k+1..t} diag(1 − h_j²) W_hhᵀ: the product that vanishes or explodes.
Sequences are batch-first, x: (N, T, D) → h: (N, T, H); internally time-major with the batch
as columns, so that each step reads contiguous memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from numeric.layers._buffers import Workspace, empty, time_major


def init(rng: np.random.Generator, n_in: int, n_hidden: int, dtype: Any = np.float64) -> dict[str, np.ndarray]:
    """Uniform(−1/√H, 1/√H) weights (PyTorch's default), zero bias."""
    k = 1.0 / np.sqrt(n_hidden)
    return {"W_xh": rng.uniform(-k, k, (n_in, n_hidden)).astype(dtype),
            "W_hh": rng.uniform(-k, k, (n_hidden, n_hidden)).astype(dtype),
            "b_h": np.zeros(n_hidden, dtype=dtype)}


def step(params: dict[str, np.ndarray], x_t: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
    """One step h_t = tanh(x_t W_xh + h_{t−1} W_hh + b_h) (inference, no cache): (N, D), (N, H) → (N, H)."""
    return np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])


def forward(params: dict[str, np.ndarray], x: np.ndarray, h0: np.ndarray | None = None,
            ws: Workspace | None = None) -> tuple[np.ndarray, Any]:
    """All hidden states h: (N, T, H) for x: (N, T, D) and an initial state h0: (N, H) (zeros if None).

    Internally this is the course's column form with the batch as columns and the weights
    stacked: z[t] = [h_{t−1}; x_t; 1]: (H+D+1, N) and h_t = tanh([W_hh; W_xh; b_h]ᵀ z[t]), one
    matmul and one tanh per step. ``ws`` reuses scratch arrays between calls.
    """
    N, T, D = x.shape
    H = params["W_hh"].shape[0]
    K = H + D + 1
    dtype = np.result_type(x, params["W_xh"])
    WT = np.ascontiguousarray(np.concatenate([params["W_hh"], params["W_xh"], params["b_h"][None, :]]).T,
                              dtype=dtype)                               # (H, H+D+1)
    z = empty(ws, "z", (T + 1, K, N), dtype)                             # z[t] = [h_{t−1}; x_t; 1], z[T, :H] = h_T
    np.copyto(z[:T, H:H + D], x.transpose(1, 2, 0))
    z[:, K - 1] = 1.0
    z[0, :H] = 0.0 if h0 is None else h0.T
    for t in range(T):
        h = np.matmul(WT, z[t], out=z[t + 1, :H])                        # a_t = W_hhᵀ h_{t−1} + W_xhᵀ x_t + b_h
        np.tanh(h, out=h)
    return z[1:, :H].transpose(2, 0, 1), (x, z, params, h0 is not None, ws)


def backward(dh: np.ndarray, cache: Any, need_dx: bool = True) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
    """BPTT from dh = ∂L/∂h: (N, T, H); returns dx: (N, T, D) and grads (plus "h0" if h0 was given).

    ``need_dx=False`` (the input is data, not a layer's output) skips ∂L/∂x and returns None for it.
    """
    x, z, params, has_h0, ws = cache
    N, T, D = x.shape
    Wh = params["W_hh"]
    H = Wh.shape[0]
    delta = empty(ws, "delta", (T, H, N), z.dtype)
    hs = z[1:, :H]
    np.multiply(hs, hs, out=delta)
    np.subtract(1.0, delta, out=delta)                                   # tanh′(a_t) = 1 − h_t², all t
    dhs = time_major(ws, dh, z.dtype)                                       # dhs[t] = (∂L/∂h_t)ᵀ: (H, N)
    carry = np.zeros((H, N), dtype=z.dtype)                              # W_hh δ_{t+1}
    for t in range(T - 1, -1, -1):
        d = delta[t]
        carry += dhs[t]
        d *= carry                                                       # δ_t
        np.matmul(Wh, d, out=carry)
    flat = empty(ws, "flat", (T, N, H), z.dtype)                         # δ with rows (t, n)
    np.copyto(flat, delta.transpose(0, 2, 1))
    flat = flat.reshape(T * N, H)
    zt = empty(ws, "zt", (H + D + 1, T, N), z.dtype)
    np.copyto(zt, z[:T].transpose(1, 0, 2))
    dW = zt.reshape(H + D + 1, T * N) @ flat                             # Σ_t z_t δ_tᵀ = ∂L/∂[W_hh; W_xh; b_h]
    grads = {"W_xh": dW[H:H + D], "W_hh": dW[:H], "b_h": dW[H + D]}
    if has_h0:
        grads["h0"] = carry.T.copy()
    if not need_dx:
        return None, grads
    dx = (flat @ params["W_xh"].T).reshape(T, N, D).transpose(1, 0, 2)
    return dx, grads
