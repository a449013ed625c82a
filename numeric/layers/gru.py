"""GRU over a whole sequence, in both conventions of SYLLABUS §7 and both reset placements.

Row-vector form, gates side by side in PyTorch's order (r, z, n); n is the candidate h̃::

    r_t = σ(x_t W_xr + h_{t−1} W_hr + b_r)          W_x: (D, 3H) = [W_xr | W_xz | W_xn]
    z_t = σ(x_t W_xz + h_{t−1} W_hz + b_z)          W_h: (H, 3H) = [W_hr | W_hz | W_hn]
    reset="before" (course, Cho et al. 2014):  h̃_t = tanh(x_t W_xn + (r_t ⊙ h_{t−1}) W_hn + b_n)
    reset="after"  (PyTorch/cuDNN):            h̃_t = tanh(x_t W_xn + b_n + r_t ⊙ (h_{t−1} W_hn + b_hn))
    convention="course":   h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t
    convention="pytorch":  h_t = z_t ⊙ h_{t−1} + (1 − z_t) ⊙ h̃_t           (Cho's z)

``b`` is (3H,) = [b_r | b_z | b_n]; "b_hn" (H,) exists only with reset="after". ``nn.GRU`` is
exactly convention="pytorch", reset="after" (b_r, b_z = b_ih + b_hh of torch; b_n = b_in).
The course's formula h̃ = tanh(W_h[r⊙h_{t−1}, x_t] + b_h) is reset="before".

Equations (BPTT; write h_t = (1 − s_t) ⊙ h_{t−1} + s_t ⊙ h̃_t with s = z (course) or 1 − z)::

    dh_t = Ḡ_t + (what flows back from step t+1)
    dh̃ = dh_t ⊙ s_t,     ds = dh_t ⊙ (h̃_t − h_{t−1}),   da_z = ±ds ⊙ z(1 − z)   (+ course, − pytorch)
    da_n = dh̃ ⊙ (1 − h̃²)
    before: d(r⊙h) = da_n W_hnᵀ,  da_r = d(r⊙h) ⊙ h_{t−1} ⊙ r(1 − r)
            dh_{t−1} = dh_t ⊙ (1 − s) + d(r⊙h) ⊙ r + [da_r, da_z] [W_hr, W_hz]ᵀ
    after:  u = h_{t−1} W_hn + b_hn,   da_r = da_n ⊙ u ⊙ r(1 − r),   du = da_n ⊙ r
            dh_{t−1} = dh_t ⊙ (1 − s) + [da_r, da_z, du] W_hᵀ,       ∂L/∂b_hn = Σ du
    ∂L/∂W_x = Σ_t x_tᵀ [da_r, da_z, da_n],   ∂L/∂b = Σ [da_r, da_z, da_n],   ∂L/∂x_t = [da_r, da_z, da_n] W_xᵀ
    ∂L/∂W_h = Σ_t h_{t−1}ᵀ [da_r, da_z, ·] with · = (r ⊙ h_{t−1})ᵀ da_n (before) or h_{t−1}ᵀ du (after)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from numeric.layers._buffers import Workspace, empty, time_major
from numeric.layers.lstm import sigmoid_inplace

CONVENTIONS = ("course", "pytorch")
RESETS = ("before", "after")


def _check(convention: str, reset: str) -> None:
    if convention not in CONVENTIONS:
        raise ValueError(f"GRU convention must be one of {CONVENTIONS}, got {convention!r}")
    if reset not in RESETS:
        raise ValueError(f"GRU reset placement must be one of {RESETS}, got {reset!r}")


def init(rng: np.random.Generator, n_in: int, n_hidden: int, reset: str = "before",
         dtype: Any = np.float64) -> dict[str, np.ndarray]:
    """Uniform(−1/√H, 1/√H) weights (PyTorch's default), zero biases; "b_hn" only for reset="after"."""
    _check("course", reset)
    k = 1.0 / np.sqrt(n_hidden)
    params = {"W_x": rng.uniform(-k, k, (n_in, 3 * n_hidden)).astype(dtype),
              "W_h": rng.uniform(-k, k, (n_hidden, 3 * n_hidden)).astype(dtype),
              "b": np.zeros(3 * n_hidden, dtype=dtype)}
    if reset == "after":
        params["b_hn"] = np.zeros(n_hidden, dtype=dtype)
    return params


def step(params: dict[str, np.ndarray], x_t: np.ndarray, h_prev: np.ndarray, reset: str = "before",
         convention: str = "course") -> np.ndarray:
    """One step h_t from x_t: (N, D) and h_{t−1}: (N, H) (inference, no cache), straight from the equations."""
    _check(convention, reset)
    H = h_prev.shape[-1]
    Wh = params["W_h"]
    ax = x_t @ params["W_x"] + params["b"]
    rz = sigmoid_inplace(ax[:, :2 * H] + h_prev @ Wh[:, :2 * H])
    r, z = rz[:, :H], rz[:, H:]
    if reset == "after":
        n = np.tanh(ax[:, 2 * H:] + r * (h_prev @ Wh[:, 2 * H:] + params["b_hn"]))
    else:
        n = np.tanh(ax[:, 2 * H:] + (r * h_prev) @ Wh[:, 2 * H:])
    return (1 - z) * h_prev + z * n if convention == "course" else z * h_prev + (1 - z) * n


def forward(params: dict[str, np.ndarray], x: np.ndarray, h0: np.ndarray | None = None, reset: str = "before",
            convention: str = "course", ws: Workspace | None = None) -> tuple[np.ndarray, Any]:
    """Hidden states h: (N, T, H) for x: (N, T, D) from h0: (N, H) (zeros if None).

    Internally each step's gates are a (3H, N) block [r; z; h̃] (contiguous (H, N) slices) and the
    ½ of σ(a) = ½ + ½ tanh(a/2) is folded into the r and z columns of the weights. ``ws`` reuses
    scratch arrays between calls (numeric/layers/_buffers.py).
    """
    _check(convention, reset)
    N, T, D = x.shape
    H = params["W_h"].shape[0]
    dtype = np.result_type(x, params["W_x"])
    half = np.ones(3 * H, dtype=dtype)
    half[:2 * H] = 0.5                                                   # r, z: tanh(a/2)
    WhT = (params["W_h"] * half).T                                       # (3H, H)
    WbT = np.ascontiguousarray((np.concatenate([params["W_x"], params["b"][None]]) * half).T, dtype=dtype)
    xa = empty(ws, "xa", (T, D + 1, N), dtype)                           # [x_tᵀ; 1] per step
    np.copyto(xa[:, :D], x.transpose(1, 2, 0))
    xa[:, D] = 1.0
    gates = empty(ws, "gates", (T, 3 * H, N), dtype)                     # becomes [r, z, h̃] per step
    np.matmul(WbT, xa, out=gates)                                        # x_t W_x + b for every t, already time-major
    hs = empty(ws, "hs", (H, T + 1, N), dtype).transpose(1, 0, 2)       # hs[t+1] = h_tᵀ; time inside in memory
    side = empty(ws, "side", (T, H, N), dtype)                           # u_t (after) or r_t ⊙ h_{t−1} (before)
    hs[0] = 0.0 if h0 is None else h0.T
    b_hn = params["b_hn"][:, None] if reset == "after" else None
    rec, tmp = np.empty((3 * H, N), dtype=dtype), np.empty((H, N), dtype=dtype)
    for t in range(T):
        a, h, h_new = gates[t], hs[t], hs[t + 1]
        rz = a[:2 * H]
        if reset == "after":
            np.matmul(WhT, h, out=rec)
            rz += rec[:2 * H]
        else:
            rz += np.matmul(WhT[:2 * H], h, out=rec[:2 * H])
        np.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5                                                        # r, z = σ(a)
        if reset == "after":
            np.add(rec[2 * H:], b_hn, out=side[t])                       # u = W_hnᵀ h + b_hn
            a[2 * H:] += np.multiply(a[:H], side[t], out=tmp)            # + r ⊙ u
        else:
            np.multiply(a[:H], h, out=side[t])                           # r ⊙ h_{t−1}
            a[2 * H:] += np.matmul(WhT[2 * H:], side[t], out=rec[2 * H:])
        n, z = a[2 * H:], a[H:2 * H]
        np.tanh(n, out=n)                                                # h̃
        if convention == "course":
            np.subtract(n, h, out=h_new)
            h_new *= z
            h_new += h                                                   # h + z ⊙ (h̃ − h)
        else:
            np.subtract(h, n, out=h_new)
            h_new *= z
            h_new += n                                                   # h̃ + z ⊙ (h − h̃)
    cache = (x, hs, gates, side, params, reset, convention, h0 is not None, ws)
    return hs[1:].transpose(2, 0, 1), cache


def _local_factors(gates: np.ndarray, hs: np.ndarray, side: np.ndarray, reset: str, convention: str,
                   ws: Workspace | None) -> tuple[np.ndarray, ...]:
    """Factors of BPTT that do not depend on the recursion, for all t: (dz, dn, dr local, keep)."""
    T, H3, N = gates.shape
    H = H3 // 3
    r, z, n, hp = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:], hs[:-1]
    dz, dn, dr, keep = (empty(ws, name, (T, H, N), gates.dtype) for name in ("dz_loc", "dn_loc", "dr_loc", "keep"))
    s = z if convention == "course" else np.subtract(1.0, z, out=keep)  # weight on h̃
    np.multiply(n, n, out=dn)
    np.subtract(1.0, dn, out=dn)
    dn *= s                                                              # s (1 − h̃²)
    np.subtract(n, hp, out=dz) if convention == "course" else np.subtract(hp, n, out=dz)
    dz *= z
    np.subtract(1.0, z, out=dr)
    dz *= dr                                                             # ±(h̃ − h) z (1 − z)
    np.subtract(1.0, z, out=keep) if convention == "course" else np.copyto(keep, z)
    np.subtract(1.0, r, out=dr)
    dr *= r
    dr *= side if reset == "after" else hp                               # r (1 − r) u  or  r (1 − r) h_{t−1}
    return dz, dn, dr, keep


def backward(dh: np.ndarray, cache: Any, need_dx: bool = True) -> tuple[np.ndarray | None, dict[str, np.ndarray]]:
    """BPTT from dh = ∂L/∂h: (N, T, H); returns dx: (N, T, D) and grads (+ "h0" if h0 was given).

    ``need_dx=False`` (the input is data, not a layer's output) skips ∂L/∂x and returns None for it.
    """
    x, hs, gates, side, params, reset, convention, has_h0, ws = cache
    N, T, D = x.shape
    H = hs.shape[1]
    dtype = gates.dtype
    Wh = params["W_h"]
    dz_loc, dn_loc, dr_loc, keep = _local_factors(gates, hs, side, reset, convention, ws)
    r = gates[:, :H]
    dhs = time_major(ws, dh, dtype)                                       # dhs[t] = (∂L/∂h_t)ᵀ: (H, N)
    dax = empty(ws, "dax", (3 * H, T, N), dtype)                         # [da_r; da_z; da_n], time inside
    dah = empty(ws, "dah", (3 * H, T, N), dtype) if reset == "after" else None   # [da_r; da_z; du]
    carry, dht = np.zeros((H, N), dtype=dtype), np.empty((H, N), dtype=dtype)
    tmp, drh = np.empty((H, N), dtype=dtype), np.empty((H, N), dtype=dtype)
    for t in range(T - 1, -1, -1):
        np.add(dhs[t], carry, out=dht)
        dan = np.multiply(dht, dn_loc[t], out=dax[2 * H:, t])
        if reset == "after":
            np.multiply(dht, dz_loc[t], out=dah[H:2 * H, t])
            np.multiply(dan, dr_loc[t], out=dah[:H, t])
            np.multiply(dan, r[t], out=dah[2 * H:, t])
            np.matmul(Wh, dah[:, t], out=carry)                          # W_h [da_r; da_z; du]
        else:
            np.multiply(dht, dz_loc[t], out=dax[H:2 * H, t])
            np.matmul(Wh[:, 2 * H:], dan, out=drh)                       # d(r ⊙ h_{t−1})
            np.multiply(drh, dr_loc[t], out=dax[:H, t])
            np.matmul(Wh[:, :2 * H], dax[:2 * H, t], out=carry)
            carry += np.multiply(drh, r[t], out=tmp)
        carry += np.multiply(dht, keep[t], out=tmp)
    if reset == "after":
        dax[:2 * H] = dah[:2 * H]
    flat = dax.reshape(3 * H, T * N)                                     # columns (t, n): no copy
    h_prev = hs[:-1].transpose(1, 0, 2).reshape(H, T * N)                # columns (t, n): a view, no copy
    # The large products as Σ_t da_t z_tᵀ (then transposed): 1.2–2× faster in OpenBLAS than Σ_t z_t da_tᵀ.
    if reset == "after":
        dWh = (dah.reshape(3 * H, T * N) @ h_prev.T).T
    else:
        rh = empty(ws, "rh", (H, T, N), dtype)
        np.copyto(rh, side.transpose(1, 0, 2))
        dWh = np.concatenate([(flat[:2 * H] @ h_prev.T).T, (flat[2 * H:] @ rh.reshape(H, T * N).T).T], axis=1)
    xs = x.transpose(2, 1, 0).reshape(D, T * N)                          # columns (t, n)
    grads = {"W_x": np.ascontiguousarray((flat @ xs.T).T), "W_h": np.ascontiguousarray(dWh), "b": dax.sum(axis=(1, 2))}
    if reset == "after":
        grads["b_hn"] = dah[2 * H:].sum(axis=(1, 2))
    if has_h0:
        grads["h0"] = carry.T.copy()
    if not need_dx:
        return None, grads
    dx = (params["W_x"] @ flat).reshape(D, T, N).transpose(2, 1, 0)
    return dx, grads
