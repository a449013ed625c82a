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


def _cell(ax: np.ndarray, h: np.ndarray, params: dict[str, np.ndarray], reset: str,
          convention: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One step from the input projection ax = x_t W_x + b: (N, 3H), in place; returns (h_t, u, rh).

    After the call ax holds [r, z, h̃]; u = h W_hn + b_hn (after) and rh = r ⊙ h (before) are what
    backward needs (the other one is None).
    """
    H = h.shape[-1]
    Wh = params["W_h"]
    u = rh = None
    if reset == "after":
        ah = h @ Wh                                                      # (N, 3H)
        ax[:, :2 * H] += ah[:, :2 * H]
        sigmoid_inplace(ax[:, :2 * H])
        u = ah[:, 2 * H:]
        u += params["b_hn"]
        ax[:, 2 * H:] += ax[:, :H] * u
    else:
        ax[:, :2 * H] += h @ Wh[:, :2 * H]
        sigmoid_inplace(ax[:, :2 * H])
        rh = ax[:, :H] * h
        ax[:, 2 * H:] += rh @ Wh[:, 2 * H:]
    n = ax[:, 2 * H:]
    np.tanh(n, out=n)
    z = ax[:, H:2 * H]
    if convention == "course":
        h_new = h + z * (n - h)                                          # (1 − z) h + z h̃
    else:
        h_new = n + z * (h - n)                                          # z h + (1 − z) h̃
    return h_new, u, rh


def step(params: dict[str, np.ndarray], x_t: np.ndarray, h_prev: np.ndarray, reset: str = "before",
         convention: str = "course") -> np.ndarray:
    """One step h_t from x_t: (N, D) and h_{t−1}: (N, H) (inference, no cache)."""
    _check(convention, reset)
    return _cell(x_t @ params["W_x"] + params["b"], h_prev, params, reset, convention)[0]


def forward(params: dict[str, np.ndarray], x: np.ndarray, h0: np.ndarray | None = None,
            reset: str = "before", convention: str = "course") -> tuple[np.ndarray, Any]:
    """Hidden states h: (N, T, H) for x: (N, T, D) from h0: (N, H) (zeros if None)."""
    _check(convention, reset)
    Wx = params["W_x"]
    N, T, D = x.shape
    H = params["W_h"].shape[0]
    xs = np.ascontiguousarray(x.transpose(1, 0, 2))                      # (T, N, D)
    gates = (xs.reshape(T * N, D) @ Wx).reshape(T, N, 3 * H)             # becomes [r, z, h̃] per t
    gates += params["b"]
    hs = np.empty((T + 1, N, H), dtype=gates.dtype)
    hs[0] = 0.0 if h0 is None else h0
    side = np.empty((T, N, H), dtype=gates.dtype)                        # u_t (after) or r_t ⊙ h_{t−1}
    for t in range(T):
        hs[t + 1], u, rh = _cell(gates[t], hs[t], params, reset, convention)
        side[t] = u if reset == "after" else rh
    cache = (xs, hs, gates, side, params, reset, convention, h0 is not None)
    return hs[1:].transpose(1, 0, 2), cache


def backward(dh: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """BPTT from dh = ∂L/∂h: (N, T, H); returns dx: (N, T, D) and grads (+ "h0" if h0 was given)."""
    xs, hs, gates, side, params, reset, convention, has_h0 = cache
    T, N, D = xs.shape
    H = hs.shape[-1]
    Wx, Wh = params["W_x"], params["W_h"]
    r, z, n = gates[..., :H], gates[..., H:2 * H], gates[..., 2 * H:]
    hp = hs[:-1]                                                         # h_{t−1} for all t
    s = z if convention == "course" else 1.0 - z                         # weight on h̃
    keep = 1.0 - s                                                       # weight on h_{t−1}
    sign = 1.0 if convention == "course" else -1.0
    dz_local = sign * (n - hp) * z * (1.0 - z)                           # ∂h_t/∂a_z ÷ dh_t
    dn_local = s * (1.0 - n * n)                                         # ∂h_t/∂a_n ÷ dh_t
    dr_local = r * (1.0 - r) * (side if reset == "after" else hp)        # ⊙ (da_n or d(r⊙h))
    dhs = dh.transpose(1, 0, 2)
    dax = np.empty((T, N, 3 * H), dtype=gates.dtype)                     # [da_r, da_z, da_n]
    dah = np.empty((T, N, 3 * H), dtype=gates.dtype)                     # after: [da_r, da_z, du]
    carry = np.zeros((N, H), dtype=gates.dtype)
    WhT, WhT_rz, WhnT = Wh.T, Wh[:, :2 * H].T, Wh[:, 2 * H:].T
    for t in range(T - 1, -1, -1):
        dht = dhs[t] + carry
        dan = np.multiply(dht, dn_local[t], out=dax[t, :, 2 * H:])
        if reset == "after":
            np.multiply(dht, dz_local[t], out=dah[t, :, H:2 * H])
            np.multiply(dan, dr_local[t], out=dah[t, :, :H])
            np.multiply(dan, r[t], out=dah[t, :, 2 * H:])
            carry = dah[t] @ WhT
        else:
            np.multiply(dht, dz_local[t], out=dax[t, :, H:2 * H])
            drh = dan @ WhnT                                             # d(r ⊙ h_{t−1})
            np.multiply(drh, dr_local[t], out=dax[t, :, :H])
            carry = dax[t, :, :2 * H] @ WhT_rz
            carry += drh * r[t]
        carry += dht * keep[t]
    hp_flat = hp.reshape(T * N, H)
    if reset == "after":
        dax[..., :2 * H] = dah[..., :2 * H]
        dWh = hp_flat.T @ dah.reshape(T * N, 3 * H)
    else:
        dWh = np.empty_like(Wh)
        dWh[:, :2 * H] = hp_flat.T @ dax.reshape(T * N, 3 * H)[:, :2 * H]
        dWh[:, 2 * H:] = side.reshape(T * N, H).T @ dax.reshape(T * N, 3 * H)[:, 2 * H:]
    flat = dax.reshape(T * N, 3 * H)
    grads = {"W_x": xs.reshape(T * N, D).T @ flat, "W_h": dWh, "b": flat.sum(axis=0)}
    if reset == "after":
        grads["b_hn"] = dah[..., 2 * H:].sum(axis=(0, 1))
    if has_h0:
        grads["h0"] = carry
    dx = (flat @ Wx.T).reshape(T, N, D).transpose(1, 0, 2)
    return dx, grads
