"""LSTM over a whole sequence, the four gates computed by one fused matmul (SYLLABUS §7).

Row-vector form; the course's W_f[h_{t−1}, x_t] is split as x_t W_x + h_{t−1} W_h, and the four
gates sit side by side in the columns, in PyTorch's order (i, f, g, o), g being the candidate c̃::

    a_t = x_t W_x + h_{t−1} W_h + b              W_x: (D, 4H), W_h: (H, 4H), b: (4H,)
    i_t = σ(a_t[:, 0:H])     f_t = σ(a_t[:, H:2H])     c̃_t = g_t = tanh(a_t[:, 2H:3H])
    o_t = σ(a_t[:, 3H:4H])
    c_t = f_t ⊙ c_{t−1} + i_t ⊙ c̃_t
    h_t = o_t ⊙ tanh(c_t)                         x_t: (N, D), h_t, c_t: (N, H)

Equations (BPTT; Ḡ_t = ∂L/∂h_t from above; dh, dc include what flows back from step t+1)::

    dh_t = Ḡ_t + da_{t+1} W_hᵀ
    dc_t = dc_{t+1} ⊙ f_{t+1} + dh_t ⊙ o_t ⊙ (1 − tanh²(c_t))      (∂c_t/∂c_{t−1} = diag(f_t))
    da_i = dc_t ⊙ c̃_t ⊙ i_t(1 − i_t)         da_f = dc_t ⊙ c_{t−1} ⊙ f_t(1 − f_t)
    da_g = dc_t ⊙ i_t ⊙ (1 − c̃_t²)           da_o = dh_t ⊙ tanh(c_t) ⊙ o_t(1 − o_t)
    ∂L/∂W_x = Σ_t x_tᵀ da_t,   ∂L/∂W_h = Σ_t h_{t−1}ᵀ da_t,   ∂L/∂b = Σ_t Σ_n da_t,   ∂L/∂x_t = da_t W_xᵀ

Inputs are batch-first x: (N, T, D) → h: (N, T, H). The input projections of all steps are one
matmul; inside the time loop only h_{t−1} W_h and elementwise work remain. Everything that does
not depend on the recursion (local derivatives) is computed for all t at once in ``backward``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

GATES = ("i", "f", "g", "o")


def sigmoid_inplace(a: np.ndarray) -> np.ndarray:
    """σ(a) = ½ tanh(a/2) + ½ written into ``a`` (stable for any finite a, no exp overflow)."""
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


def init(rng: np.random.Generator, n_in: int, n_hidden: int, forget_bias: float = 0.0,
         dtype: Any = np.float64) -> dict[str, np.ndarray]:
    """Uniform(−1/√H, 1/√H) weights (PyTorch's default); bias zero except ``forget_bias`` on f."""
    k = 1.0 / np.sqrt(n_hidden)
    b = np.zeros(4 * n_hidden)
    b[n_hidden:2 * n_hidden] = forget_bias
    return {"W_x": rng.uniform(-k, k, (n_in, 4 * n_hidden)).astype(dtype),
            "W_h": rng.uniform(-k, k, (n_hidden, 4 * n_hidden)).astype(dtype),
            "b": b.astype(dtype)}


def _activate(a: np.ndarray, H: int) -> np.ndarray:
    """σ on the i, f, o columns and tanh on the g columns of a: (…, 4H), in place."""
    sigmoid_inplace(a[..., : 2 * H])
    np.tanh(a[..., 2 * H: 3 * H], out=a[..., 2 * H: 3 * H])
    sigmoid_inplace(a[..., 3 * H:])
    return a


def step(params: dict[str, np.ndarray], x_t: np.ndarray, h_prev: np.ndarray,
         c_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One step (inference, no cache): (h_t, c_t) from x_t: (N, D), h_{t−1}, c_{t−1}: (N, H)."""
    H = h_prev.shape[-1]
    a = _activate(x_t @ params["W_x"] + h_prev @ params["W_h"] + params["b"], H)
    c = a[:, H:2 * H] * c_prev + a[:, :H] * a[:, 2 * H:3 * H]
    return a[:, 3 * H:] * np.tanh(c), c


def forward(params: dict[str, np.ndarray], x: np.ndarray, h0: np.ndarray | None = None,
            c0: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
    """Hidden states h: (N, T, H) for x: (N, T, D) from (h0, c0): (N, H) each (zeros if None).

    The final cell state c_T is ``cache_state(cache)[1]``.
    """
    Wx, Wh = params["W_x"], params["W_h"]
    N, T, D = x.shape
    H = Wh.shape[0]
    dtype = np.result_type(x, Wx)
    xs = np.ascontiguousarray(x.transpose(1, 0, 2))                      # (T, N, D)
    gates = (xs.reshape(T * N, D) @ Wx).reshape(T, N, 4 * H)             # x_t W_x for every t
    gates += params["b"]
    hs = np.empty((T + 1, N, H), dtype=dtype)                            # hs[t+1] = h_t
    cs = np.empty((T + 1, N, H), dtype=dtype)                            # cs[t+1] = c_t
    tc = np.empty((T, N, H), dtype=dtype)                                # tanh(c_t)
    hs[0] = 0.0 if h0 is None else h0
    cs[0] = 0.0 if c0 is None else c0
    ig = np.empty((N, H), dtype=dtype)
    for t in range(T):
        a = gates[t]
        a += hs[t] @ Wh                                                  # a_t (N, 4H)
        _activate(a, H)
        np.multiply(a[:, H:2 * H], cs[t], out=cs[t + 1])                 # f ⊙ c_{t−1}
        np.multiply(a[:, :H], a[:, 2 * H:3 * H], out=ig)                 # i ⊙ c̃
        cs[t + 1] += ig
        np.tanh(cs[t + 1], out=tc[t])
        np.multiply(a[:, 3 * H:], tc[t], out=hs[t + 1])                  # h_t = o ⊙ tanh(c_t)
    cache = (xs, hs, cs, tc, gates, Wx, Wh, h0 is not None, c0 is not None)
    return hs[1:].transpose(1, 0, 2), cache


def cache_state(cache: Any) -> tuple[np.ndarray, np.ndarray]:
    """(h_T, c_T), the final states of a forward pass, from its cache."""
    return cache[1][-1], cache[2][-1]


def backward(dh: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """BPTT from dh = ∂L/∂h: (N, T, H); returns dx: (N, T, D) and grads (+ "h0"/"c0" if given)."""
    xs, hs, cs, tc, gates, Wx, Wh, has_h0, has_c0 = cache
    T, N, D = xs.shape
    H = Wh.shape[0]
    g4 = gates.reshape(T, N, 4, H)                                       # [i, f, g, o] per step
    i, f, g, o = g4[:, :, 0], g4[:, :, 1], g4[:, :, 2], g4[:, :, 3]
    # local factors that do not depend on the recursion, for all t at once
    partner = np.empty((T, N, 3, H), dtype=gates.dtype)                  # da_{i,f,g} = dc ⊙ partner
    partner[:, :, 0] = g * i * (1.0 - i)
    partner[:, :, 1] = cs[:-1] * f * (1.0 - f)
    partner[:, :, 2] = i * (1.0 - g * g)
    via_c = o * (1.0 - tc * tc)                                          # ∂h_t/∂c_t
    via_o = tc * o * (1.0 - o)                                           # ∂h_t/∂a_o
    dhs = dh.transpose(1, 0, 2)
    da = np.empty((T, N, 4, H), dtype=gates.dtype)
    dh_next = np.zeros((N, H), dtype=gates.dtype)                        # da_{t+1} W_hᵀ
    dc = np.zeros((N, H), dtype=gates.dtype)                             # dc_{t+1} ⊙ f_{t+1}, then dc_t
    WhT = Wh.T
    for t in range(T - 1, -1, -1):
        dht = dhs[t] + dh_next                                           # dh_t
        dc += dht * via_c[t]                                             # dc_t
        np.multiply(partner[t], dc[:, None, :], out=da[t, :, :3])
        np.multiply(dht, via_o[t], out=da[t, :, 3])
        dc *= f[t]                                                       # carried to step t−1
        dh_next = da[t].reshape(N, 4 * H) @ WhT
    flat = da.reshape(T * N, 4 * H)
    grads = {"W_x": xs.reshape(T * N, D).T @ flat,
             "W_h": hs[:-1].reshape(T * N, H).T @ flat,
             "b": flat.sum(axis=0)}
    if has_h0:
        grads["h0"] = dh_next
    if has_c0:
        grads["c0"] = dc
    dx = (flat @ Wx.T).reshape(T, N, D).transpose(1, 0, 2)
    return dx, grads
