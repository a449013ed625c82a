"""Scaled dot-product attention and multi-head self-attention (SYLLABUS §8).

Equations (one head; rows are positions, the softmax runs over keys, i.e. along each row)::

    S = Q Kᵀ / √d_k  (+ M)          Q: (T_q, d_k), K: (T_k, d_k), V: (T_k, d_v), S, P: (T_q, T_k)
    P = softmax_row(S)              M_ij = −∞ for j > i under a causal mask, else 0
    A = P V                         A: (T_q, d_v)

    ∂L/∂V = Pᵀ Ḡ,   ∂L/∂P = Ḡ Vᵀ
    ∂L/∂S = P ⊙ (∂L/∂P − rowsum(P ⊙ ∂L/∂P))    (softmax JVP: each row's Jacobian is diag(p) − p pᵀ)
    ∂L/∂Q = ∂L/∂S K / √d_k,   ∂L/∂K = (∂L/∂S)ᵀ Q / √d_k

Multi-head (d_k = d_model / h; X: (N, T, d_model); biases optional, as in nn.MultiheadAttention)::

    Q = X W_Q + b_Q,  K = X W_K + b_K,  V = X W_V + b_V           W_•: (d_model, d_model)
    head_j = Attention(Q_j, K_j, V_j)     Q_j = columns j·d_k … (j+1)·d_k − 1 of Q
    out = Concat(head_1 … head_h) W_O + b_O

The three projections are one matmul with [W_Q | W_K | W_V]; all heads and batch rows are one
batched matmul. Leading axes of Q, K, V in ``sdpa_*`` are batch axes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from numeric.layers._buffers import Workspace, empty

PROJECTIONS = ("Q", "K", "V")


def causal_mask(t_q: int, t_k: int) -> np.ndarray:
    """Boolean (T_q, T_k) mask, True where key j lies after query i (j > i): those scores get −∞."""
    return np.triu(np.ones((t_q, t_k), dtype=bool), k=1)


def sdpa_forward(q: np.ndarray, k: np.ndarray, v: np.ndarray, causal: bool = False) -> tuple[np.ndarray, Any]:
    """A = softmax(QKᵀ/√d_k [+ causal −∞]) V for q: (…, T_q, d_k), k: (…, T_k, d_k), v: (…, T_k, d_v).

    The scores are kept transposed, Sᵀ = K Qᵀ: (…, T_k, T_q), so that the softmax over keys
    reduces along axis −2, which NumPy vectorises across queries (a reduction along a short
    last axis runs row by row and is several times slower). P itself is the view (Sᵀ)ᵀ.
    """
    scale = 1.0 / np.sqrt(q.shape[-1])
    st = k @ np.swapaxes(q, -1, -2)                                      # Sᵀ·√d_k: (…, T_k, T_q)
    st *= scale
    if causal:
        st[..., causal_mask(q.shape[-2], k.shape[-2]).T] = -np.inf
    st -= st.max(axis=-2, keepdims=True)                                 # column max is finite: key 0 is never masked
    pt = np.exp(st, out=st)
    pt /= pt.sum(axis=-2, keepdims=True)                                 # Pᵀ: each column sums to 1
    return np.swapaxes(pt, -1, -2) @ v, (q, k, v, pt, scale)


def sdpa_backward(dout: np.ndarray, cache: Any, out: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dQ, dK, dV) from dout = ∂L/∂A: (…, T_q, d_v), with the softmax Jacobian applied row by row.

    ``out`` (optional) are three arrays, possibly strided views, to write dQ, dK, dV into.
    """
    q, k, v, pt, scale = cache
    dq, dk, dv = out if out is not None else (None, None, None)
    dv = np.matmul(pt, dout, out=dv)                                     # Pᵀ Ḡ
    dst = v @ np.swapaxes(dout, -1, -2)                                  # (∂L/∂P)ᵀ = V Ḡᵀ
    dst -= (dst * pt).sum(axis=-2, keepdims=True)                        # ∂L/∂P − rowsum(P ⊙ ∂L/∂P), transposed
    dst *= pt
    dst *= scale                                                         # (∂L/∂S)ᵀ with 1/√d_k folded in
    return np.matmul(np.swapaxes(dst, -1, -2), k, out=dq), np.matmul(dst, q, out=dk), dv


def init(rng: np.random.Generator, d_model: int, bias: bool = True, dtype: Any = np.float64) -> dict[str, np.ndarray]:
    """Glorot-uniform W_Q, W_K, W_V, W_O: (d_model, d_model); zero biases when ``bias``."""
    k = np.sqrt(6.0 / (2 * d_model))
    params = {f"W_{n}": rng.uniform(-k, k, (d_model, d_model)).astype(dtype) for n in (*PROJECTIONS, "O")}
    if bias:
        params.update({f"b_{n}": np.zeros(d_model, dtype=dtype) for n in (*PROJECTIONS, "O")})
    return params


def forward(params: dict[str, np.ndarray], x: np.ndarray, heads: int = 1, causal: bool = False,
            ws: Workspace | None = None) -> tuple[np.ndarray, Any]:
    """Multi-head self-attention out: (N, T, d_model) for x: (N, T, d_model); ``ws`` reuses scratch arrays."""
    N, T, d = x.shape
    if d % heads:
        raise ValueError(f"d_model = {d} is not divisible by heads = {heads}")
    dk = d // heads
    bias = "b_Q" in params
    w_qkv = np.concatenate([params[f"W_{n}"] for n in PROJECTIONS], axis=1)   # (d, 3d)
    xf = x.reshape(N * T, d)
    qkv = np.matmul(xf, w_qkv, out=empty(ws, "qkv", (N * T, 3 * d), np.result_type(xf, w_qkv)))  # (N·T, 3d)
    if bias:
        qkv += np.concatenate([params[f"b_{n}"] for n in PROJECTIONS])
    qkv = qkv.reshape(N, T, 3, heads, dk).transpose(2, 0, 3, 1, 4)       # (3, N, h, T, d_k)
    a, sd_cache = sdpa_forward(qkv[0], qkv[1], qkv[2], causal)           # (N, h, T, d_k)
    concat = a.transpose(0, 2, 1, 3).reshape(N * T, d)                   # Concat(head_1 … head_h)
    out = concat @ params["W_O"]
    if bias:
        out += params["b_O"]
    return out.reshape(N, T, d), (xf, w_qkv, concat, params["W_O"], sd_cache, (N, T, d, heads), bias, ws)


def weights(cache: Any) -> np.ndarray:
    """The attention weights P: (N, h, T, T) of a multi-head forward pass (rows sum to 1)."""
    return np.swapaxes(cache[4][3], -1, -2)


def backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """dx: (N, T, d_model) and the gradients of W_Q, W_K, W_V, W_O (and biases) from dout: (N, T, d_model)."""
    xf, w_qkv, concat, W_O, sd_cache, (N, T, d, heads), bias, ws = cache
    dk = d // heads
    g = dout.reshape(N * T, d)
    grads = {"W_O": concat.T @ g}
    da = (g @ W_O.T).reshape(N, T, heads, dk).transpose(0, 2, 1, 3)      # (N, h, T, d_k)
    dqkv = empty(ws, "dqkv", (N, T, 3, heads, dk), g.dtype)              # written in place by sdpa_backward
    sdpa_backward(da, sd_cache, tuple(dqkv.transpose(2, 0, 3, 1, 4)))
    dqkv = dqkv.reshape(N * T, 3 * d)
    dw = xf.T @ dqkv                                                     # (d, 3d)
    for j, n in enumerate(PROJECTIONS):
        grads[f"W_{n}"] = dw[:, j * d:(j + 1) * d]
    if bias:
        db = dqkv.sum(axis=0)
        for j, n in enumerate(PROJECTIONS):
            grads[f"b_{n}"] = db[j * d:(j + 1) * d]
        grads["b_O"] = g.sum(axis=0)
    return (dqkv @ w_qkv.T).reshape(N, T, d), grads
