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

Inputs are batch-first x: (N, T, D) → h: (N, T, H). Inside the time loop there is one matmul per
step (forward: all four gates from [h_{t−1}; x_t; 1]; backward: W_h da_t) and a few elementwise
calls; everything that does not depend on the recursion (local derivatives, the weight
gradients Σ_t …) is computed for all t at once, outside the loop.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from numeric.layers._buffers import Workspace, empty, time_major

GATES = ("i", "f", "g", "o")
_BLOCK = 16                  # rows of W_h transposed per copy in _stacked_T (cache-friendly strips)


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


def step(params: dict[str, np.ndarray], x_t: np.ndarray, h_prev: np.ndarray,
         c_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One step (inference, no cache): (h_t, c_t) from x_t: (N, D), h_{t−1}, c_{t−1}: (N, H)."""
    H = h_prev.shape[-1]
    a = x_t @ params["W_x"] + h_prev @ params["W_h"] + params["b"]
    i, f, o = (sigmoid_inplace(a[:, k * H:(k + 1) * H]) for k in (0, 1, 3))
    c = f * c_prev + i * np.tanh(a[:, 2 * H:3 * H])
    return o * np.tanh(c), c


def _internal(a: np.ndarray) -> np.ndarray:
    """Columns of ``a`` (last axis 4H) from the public gate order (i, f, g, o) to the internal one (o, i, f, g).

    The internal order is the public one rotated by one gate, so two slice copies do it (a fancy-index
    gather of the columns costs several times as much).
    """
    H = a.shape[-1] // 4
    return np.concatenate([a[..., 3 * H:], a[..., :3 * H]], axis=-1)


def _transpose_into(dst: np.ndarray, src: np.ndarray) -> None:
    """dst[...] = srcᵀ, copied in strips of _BLOCK rows of src (~3× faster than one strided copy)."""
    for k in range(0, src.shape[0], _BLOCK):
        dst[:, k:k + _BLOCK] = src[k:k + _BLOCK].T


def _stacked_T(params: dict[str, np.ndarray], dtype: Any) -> np.ndarray:
    """−[W_h; W_x; b]ᵀ with rows in the internal order, g's rows doubled: (4H, H+D+1), C order.

    The product then gives exp's argument directly: −a for o, i, f (σ(a) = 1/(1 + e^{−a})) and
    −2a for g (tanh(a) = 2σ(2a) − 1).
    """
    Wh, Wx, b = params["W_h"], params["W_x"], params["b"]
    H, D = Wh.shape[0], Wx.shape[0]
    WT = np.empty((4 * H, H + D + 1), dtype=dtype)
    for rows, cols in ((slice(0, H), slice(3 * H, 4 * H)), (slice(H, 4 * H), slice(0, 3 * H))):
        _transpose_into(WT[rows, :H], Wh[:, cols])
        WT[rows, H:H + D] = Wx[:, cols].T
        WT[rows, H + D] = b[cols]
    WT[:3 * H] *= -1.0
    WT[3 * H:] *= -2.0
    return WT


def forward(params: dict[str, np.ndarray], x: np.ndarray, h0: np.ndarray | None = None,
            c0: np.ndarray | None = None, ws: Workspace | None = None) -> tuple[np.ndarray, Any]:
    """Hidden states h: (N, T, H) for x: (N, T, D) from (h0, c0): (N, H) each (zeros if None).

    Internally this is the course's concatenated form a_t = W [h_{t−1}; x_t; 1] with the batch as
    columns: z[t] = [h_{t−1}; x_t; 1]: (H+D+1, N) and one matmul per step gives all four gates,
    a (4H, N) block in the order (o, i, f, g), each gate a contiguous (H, N) slice. The stacked
    weights are scaled (−1 for o, i, f, −2 for g) so that one exp, one add and one reciprocal
    over the block give σ(a) for o, i, f and σ(2a) for g, and tanh(a_g) = 2σ(2a_g) − 1 is two
    passes over g: exp costs half of tanh in NumPy's float32 loops. ``ws`` reuses scratch arrays
    between calls (numeric/layers/_buffers.py).
    The final cell state c_T is ``cache_state(cache)[1]``.
    """
    N, T, D = x.shape
    H = params["W_h"].shape[0]
    K = H + D + 1
    dtype = np.result_type(x, params["W_x"])
    WT = _stacked_T(params, dtype)                                       # (4H, H+D+1)
    z = empty(ws, "z", (K, T + 1, N), dtype)                             # z[:, t] = [h_{t−1}; x_t; 1], z[:H, T] = h_T
    np.copyto(z[H:H + D, :T], x.transpose(2, 1, 0))                      # time inside: z[:, :T] is one (K, T·N) matrix
    z[K - 1] = 1.0
    z[:H, 0] = 0.0 if h0 is None else h0.T
    gates = empty(ws, "gates", (T, 4 * H, N), dtype)                     # [o, i, f, g] per step
    cs = empty(ws, "cs", (T + 1, H, N), dtype)                           # cs[t+1] = c_tᵀ
    tc = empty(ws, "tc", (T, H, N), dtype)                               # tanh(c_t)ᵀ
    cs[0] = 0.0 if c0 is None else c0.T
    ig = np.empty((H, N), dtype=dtype)
    with np.errstate(over="ignore"):                                     # e^{−a} = inf (a < −88) gives σ = 0
        for t in range(T):
            a = np.matmul(WT, z[:, t], out=gates[t])                     # exp's arguments: −a (o, i, f), −2a (g)
            np.exp(a, out=a)
            a += 1.0
            np.reciprocal(a, out=a)                                      # o, i, f = σ(a); rows of g: σ(2a_g)
            g = a[3 * H:]
            g *= 2.0
            g -= 1.0                                                     # g = 2σ(2a_g) − 1 = tanh(a_g)
            np.multiply(a[2 * H:3 * H], cs[t], out=cs[t + 1])            # f ⊙ c_{t−1}
            cs[t + 1] += np.multiply(a[H:2 * H], g, out=ig)              # + i ⊙ c̃
            np.tanh(cs[t + 1], out=tc[t])
            np.multiply(a[:H], tc[t], out=z[:H, t + 1])                  # h_t = o ⊙ tanh(c_t)
    cache = (x, z, cs, tc, gates, params, h0 is not None, c0 is not None, ws)
    return z[:H, 1:].transpose(2, 1, 0), cache


def cache_state(cache: Any) -> tuple[np.ndarray, np.ndarray]:
    """(h_T, c_T): (N, H) each, the final states of a forward pass, from its cache."""
    H = cache[2].shape[1]
    return cache[1][:H, -1].T.copy(), cache[2][-1].T.copy()


def _local_factors(gates: np.ndarray, cs: np.ndarray, tc: np.ndarray, ws: Workspace | None) -> tuple[np.ndarray, ...]:
    """Everything BPTT multiplies by that does not depend on the recursion, for all t at once.

    partner[:, k] with da_{i,f,g} = dc_t ⊙ partner: c̃ i(1 − i), c_{t−1} f(1 − f), i (1 − c̃²);
    via_c = o (1 − tanh²c) = ∂h/∂c;  via_o = tanh(c) o (1 − o) = ∂h/∂a_o.
    """
    T, H4, N = gates.shape
    H = H4 // 4
    g4 = gates.reshape(T, 4, H, N)
    o, i, f, g = g4[:, 0], g4[:, 1], g4[:, 2], g4[:, 3]
    partner = empty(ws, "partner", (T, 3, H, N), gates.dtype)
    for k, (gate, other) in enumerate(((i, g), (f, cs[:-1]))):
        p = partner[:, k]
        np.subtract(1.0, gate, out=p)
        p *= gate
        p *= other
    p = partner[:, 2]
    np.multiply(g, g, out=p)
    np.subtract(1.0, p, out=p)
    p *= i
    via_c, via_o = empty(ws, "via_c", tc.shape, tc.dtype), empty(ws, "via_o", tc.shape, tc.dtype)
    np.multiply(tc, tc, out=via_c)
    np.subtract(1.0, via_c, out=via_c)
    via_c *= o
    np.subtract(1.0, o, out=via_o)
    via_o *= o
    via_o *= tc
    return partner, via_c, via_o, f


def backward(dh: np.ndarray, cache: Any, need_dx: bool = True) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
    """BPTT from dh = ∂L/∂h: (N, T, H); returns dx: (N, T, D) and grads (+ "h0"/"c0" if given).

    ``need_dx=False`` (the input is data, not a layer's output) skips ∂L/∂x and returns None for it.
    """
    x, z, cs, tc, gates, params, has_h0, has_c0, ws = cache
    N, T, D = x.shape
    H = cs.shape[1]
    dtype = gates.dtype
    partner, via_c, via_o, f = _local_factors(gates, cs, tc, ws)
    dhs = time_major(ws, dh, dtype)                                       # dhs[t] = (∂L/∂h_t)ᵀ: (H, N)
    da = empty(ws, "da", (4 * H, T, N), dtype)                           # [da_o; da_i; da_f; da_g], time inside
    da4 = da.reshape(4, H, T, N)
    dh_next = np.zeros((H, N), dtype=dtype)                              # W_h da_{t+1}
    dc = np.zeros((H, N), dtype=dtype)                                   # dc_{t+1} ⊙ f_{t+1}, then dc_t
    dht, tmp = np.empty((H, N), dtype=dtype), np.empty((H, N), dtype=dtype)
    Wh = _internal(params["W_h"])                                        # (H, 4H), internal order
    for t in range(T - 1, -1, -1):
        np.add(dhs[t], dh_next, out=dht)                                 # dh_t
        dc += np.multiply(dht, via_c[t], out=tmp)                        # dc_t
        np.multiply(partner[t], dc, out=da4[1:, :, t])
        np.multiply(dht, via_o[t], out=da4[0, :, t])
        dc *= f[t]                                                       # carried to step t−1
        np.matmul(Wh, da[:, t], out=dh_next)
    flat = da.reshape(4 * H, T * N)                                      # columns (t, n): no copies needed
    # Σ_t da_t z_tᵀ = ∂L/∂[W_h; W_x; b]ᵀ, rows in the internal order. This orientation of the one large
    # product is 1.2–2× faster in OpenBLAS than Σ_t z_t da_tᵀ (the sum runs over the T·N columns either way).
    dWT = flat @ z[:, :T].reshape(H + D + 1, T * N).T                   # (4H, H+D+1)
    dW = np.empty((H + D + 1, 4 * H), dtype=dtype)                       # public order (i, f, g, o)
    _transpose_into(dW[:, :3 * H], dWT[H:])
    _transpose_into(dW[:, 3 * H:], dWT[:H])
    grads = {"W_x": dW[H:H + D], "W_h": dW[:H], "b": dW[H + D]}
    if has_h0:
        grads["h0"] = dh_next.T.copy()
    if has_c0:
        grads["c0"] = dc.T.copy()
    if not need_dx:
        return None, grads
    dx = (_internal(params["W_x"]) @ flat).reshape(D, T, N).transpose(2, 1, 0)
    return dx, grads
