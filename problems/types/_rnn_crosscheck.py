"""Independent RNN values (tests only): torch nn.RNN and autograd, or NumPy finite differences."""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.shared.array_steps import as_step_value


def rnn_cross(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """Step values of the forward (and bptt) variant by another route."""
    return _torch(g, torch) if torch is not None else _numpy(g)


def _torch(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """nn.RNN with copied weights for h_t (a_t = atanh h_t); a hand-unrolled autograd graph for BPTT."""
    t64 = {k: torch.tensor(np.array(g[k], dtype=float), dtype=torch.float64) for k in ("Wxh", "Whh", "bh", "Why", "by", "x", "h0")}
    H, D = t64["Whh"].shape[0], t64["Wxh"].shape[1]
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh", dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(t64["Wxh"]), rnn.weight_hh_l0.copy_(t64["Whh"])
        rnn.bias_ih_l0.copy_(t64["bh"]), rnn.bias_hh_l0.zero_()
        hs = rnn(t64["x"][:, None, :], t64["h0"][None, None, :])[0][:, 0, :]
    out: dict[str, Any] = {}
    for t, h in enumerate(hs, 1):
        out[f"a.{t}"], out[f"h.{t}"] = as_step_value(torch.atanh(h).numpy()), as_step_value(h.numpy())
        out[f"y.{t}"] = as_step_value((t64["Why"] @ h + t64["by"]).numpy())
    if g["variant"] != "bptt":
        return out
    W = {k: t64[k].clone().requires_grad_(True) for k in ("Wxh", "Whh", "bh", "Why")}
    h, loss, keep = t64["h0"], 0.0, {}
    for t, x in enumerate(t64["x"], 1):
        a = W["Whh"] @ h + W["Wxh"] @ x + W["bh"]
        h = torch.tanh(a)
        y = W["Why"] @ h + t64["by"]
        for name, v in (("a", a), ("h", h), ("y", y)):
            v.retain_grad()
            keep[f"d{name}.{t}"] = v
        loss = loss + 0.5 * ((y - torch.tensor(g["d"][t - 1], dtype=torch.float64)) ** 2).sum()
    loss.backward()
    out["L"] = float(loss.detach())
    out |= {k: as_step_value(v.grad.numpy()) for k, v in keep.items()}
    return out | {f"d{k}": as_step_value(W[k].grad.numpy()) for k in ("Why", "Whh", "Wxh", "bh")}


def _numpy(g: dict[str, Any]) -> dict[str, Any]:
    """Direct loop; gradients by central differences of L w.r.t. added perturbations and weights."""
    P = {k: np.array(g[k], dtype=float) for k in ("Wxh", "Whh", "bh", "Why", "by", "x", "h0")}
    T, H = len(P["x"]), len(P["h0"])

    def run(p: dict[str, np.ndarray], bump: dict[str, np.ndarray] | None = None) -> tuple[float, dict[str, Any]]:
        bump, h, vals, L = bump or {}, p["h0"], {}, 0.0
        for t in range(1, T + 1):
            a = np.einsum("ij,j->i", p["Whh"], h) + np.einsum("ij,j->i", p["Wxh"], p["x"][t - 1]) + p["bh"] + bump.get(f"a.{t}", 0)
            h = np.tanh(a) + bump.get(f"h.{t}", 0)
            y = np.einsum("ij,j->i", p["Why"], h) + p["by"] + bump.get(f"y.{t}", 0)
            vals |= {f"a.{t}": a, f"h.{t}": h, f"y.{t}": y}
            if "d" in g:
                L += 0.5 * float(((y - np.array(g["d"][t - 1])) ** 2).sum())
        return L, vals

    L, vals = run(P)
    out = {k: as_step_value(v) for k, v in vals.items()}
    if g["variant"] != "bptt":
        return out
    eps, grads = 1e-6, {}
    for key in [f"{n}.{t}" for n in "ahy" for t in range(1, T + 1)] + ["Why", "Whh", "Wxh", "bh"]:
        shape = P[key].shape if key in P else (len(P["by"]) if key[0] == "y" else H,)
        g_ = np.zeros(shape)
        for idx in np.ndindex(*shape):
            e = np.zeros(shape)
            e[idx] = eps
            if key in P:
                g_[idx] = (run(P | {key: P[key] + e})[0] - run(P | {key: P[key] - e})[0]) / (2 * eps)
            else:
                g_[idx] = (run(P, {key: e})[0] - run(P, {key: -e})[0]) / (2 * eps)
        grads["d" + key] = as_step_value(g_)
    return out | {"L": L} | grads
