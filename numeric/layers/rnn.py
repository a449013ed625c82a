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
Sequences are batch-first, x: (N, T, D) → h: (N, T, H); internally time-major so that each
step reads contiguous memory, and the input projections of all T steps are one matmul.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def init(rng: np.random.Generator, n_in: int, n_hidden: int, dtype: Any = np.float64) -> dict[str, np.ndarray]:
    """Uniform(−1/√H, 1/√H) weights (PyTorch's default), zero bias."""
    k = 1.0 / np.sqrt(n_hidden)
    return {"W_xh": rng.uniform(-k, k, (n_in, n_hidden)).astype(dtype),
            "W_hh": rng.uniform(-k, k, (n_hidden, n_hidden)).astype(dtype),
            "b_h": np.zeros(n_hidden, dtype=dtype)}


def step(params: dict[str, np.ndarray], x_t: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
    """One step h_t = tanh(x_t W_xh + h_{t−1} W_hh + b_h) (inference, no cache): (N, D), (N, H) → (N, H)."""
    return np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])


def forward(params: dict[str, np.ndarray], x: np.ndarray, h0: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
    """All hidden states h: (N, T, H) for x: (N, T, D) and an initial state h0: (N, H) (zeros if None)."""
    Wx, Wh = params["W_xh"], params["W_hh"]
    N, T, D = x.shape
    H = Wh.shape[0]
    xs = np.ascontiguousarray(x.transpose(1, 0, 2))                      # (T, N, D)
    hs = np.empty((T + 1, N, H), dtype=np.result_type(x, Wx))            # hs[t+1] = h_t
    hs[0] = 0.0 if h0 is None else h0
    np.matmul(xs.reshape(T * N, D), Wx, out=hs[1:].reshape(T * N, H))   # x_t W_xh for every t at once
    hs[1:] += params["b_h"]
    for t in range(T):
        a = hs[t + 1]
        a += hs[t] @ Wh                                                  # a_t = … + h_{t−1} W_hh
        np.tanh(a, out=a)
    return hs[1:].transpose(1, 0, 2), (xs, hs, Wx, Wh, h0 is not None)


def backward(dh: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """BPTT from dh = ∂L/∂h: (N, T, H); returns dx: (N, T, D) and grads (plus "h0" if h0 was given)."""
    xs, hs, Wx, Wh, has_h0 = cache
    T, N, D = xs.shape
    H = Wh.shape[0]
    dhs = dh.transpose(1, 0, 2)                                          # (T, N, H) view
    delta = 1.0 - hs[1:] * hs[1:]                                        # tanh′(a_t) = 1 − h_t², all t
    WhT = Wh.T
    carry = np.zeros((N, H), dtype=delta.dtype)                          # δ_{t+1} W_hhᵀ
    for t in range(T - 1, -1, -1):
        d = delta[t]
        d *= dhs[t] + carry                                              # δ_t
        carry = d @ WhT
    flat = delta.reshape(T * N, H)
    grads = {"W_xh": xs.reshape(T * N, D).T @ flat,
             "W_hh": hs[:-1].reshape(T * N, H).T @ flat,
             "b_h": flat.sum(axis=0)}
    if has_h0:
        grads["h0"] = carry
    dx = (flat @ Wx.T).reshape(T, N, D).transpose(1, 0, 2)
    return dx, grads
