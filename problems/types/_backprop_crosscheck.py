"""Independent step values for ``backprop`` (tests only): torch autograd, else a NumPy Jacobian chain.

The torch path builds the same net from ``torch.nn.functional`` losses and reads every δ as
``net.grad``; the NumPy path multiplies explicit Jacobians (diag(f′(net)) computed from net,
the softmax Jacobian diag(s) − s sᵀ) instead of the solver's o − t shortcuts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.shared.optional_torch import load_torch


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Every step value of one backprop step, computed without the solver."""
    torch = load_torch()
    vals = _torch(g, torch) if torch is not None else _numpy(g)
    W1, W2, _, _ = _weights(g)
    out = dict(vals)
    out["W2_new"] = (W2 - g["lr"] * np.array(vals["dE_dW2"])).tolist()
    out["W1_new"] = (W1 - g["lr"] * np.array(vals["dE_dW1"])).tolist()
    if g["update_biases"]:
        for key, b, d in (("b2_new", g["b2"], vals["delta_o"]), ("b1_new", g["b1"], vals["delta_h"])):
            shared = not isinstance(b, list)
            out[key] = float(b - g["lr"] * sum(d)) if shared else [bi - g["lr"] * di for bi, di in zip(b, d)]
    if "w1" in g:
        for name, first in (("1", 1), ("2", 5)):
            for n, (grad, new) in enumerate(zip(np.ravel(out[f"dE_dW{name}"]), np.ravel(out[f"W{name}_new"])), first):
                out[f"dE_dw{n}"], out[f"w{n}_new"] = float(grad), float(new)
    return out


def _weights(g: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(W1, W2, b1, b2) read from the givens here, not through the solver's reader.

    The textbook net names its weights as the statement does: w1, w2 go into h1 and w3, w4 into
    h2 (rows of W1); w5, w6 into o1 and w7, w8 into o2 (rows of W2). A shared bias is a number,
    broadcast over its layer; ``_update`` sums the layer's deltas for it.
    """
    if "W1" in g:
        W1, W2 = np.array(g["W1"], dtype=float), np.array(g["W2"], dtype=float)
    else:
        W1 = np.array([[g["w1"], g["w2"]], [g["w3"], g["w4"]]], dtype=float)
        W2 = np.array([[g["w5"], g["w6"]], [g["w7"], g["w8"]]], dtype=float)
    b1 = np.zeros(W1.shape[0]) + np.array(g["b1"], dtype=float)
    b2 = np.zeros(W2.shape[0]) + np.array(g["b2"], dtype=float)
    return W1, W2, b1, b2


def _torch(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    F = torch.nn.functional
    W1, W2, b1, b2 = _weights(g)
    leaf = lambda a: torch.tensor(np.asarray(a, dtype=float), dtype=torch.float64, requires_grad=True)  # noqa: E731
    W1t, W2t, b1t, b2t = leaf(W1), leaf(W2), leaf(b1), leaf(b2)
    x, t = (torch.tensor(g[k], dtype=torch.float64) for k in ("x", "t"))
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[g["activation"]]
    net_h = W1t @ x + b1t
    out_h = act(net_h)
    net_o = W2t @ out_h + b2t
    for v in (net_h, net_o):
        v.retain_grad()
    if g["loss"] == "ce" and len(t) > 1:
        out_o, E = torch.softmax(net_o, 0), F.cross_entropy(net_o.unsqueeze(0), t.unsqueeze(0))
    elif g["loss"] == "ce":
        out_o, E = torch.sigmoid(net_o), F.binary_cross_entropy_with_logits(net_o, t, reduction="sum")
    else:
        out_o = act(net_o)
        E = 0.5 * F.mse_loss(out_o, t, reduction="sum")
    E.backward()
    return {k: v.detach().numpy().tolist() for k, v in (("net_h", net_h), ("out_h", out_h), ("net_o", net_o),
            ("out_o", out_o), ("E", E), ("delta_o", net_o.grad), ("dE_dW2", W2t.grad), ("delta_h", net_h.grad),
            ("dE_dW1", W1t.grad))}


_DIAG = {"sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
         "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2),
         "relu": (lambda z: np.where(z > 0, z, 0.0), lambda z: np.where(z > 0, 1.0, 0.0))}


def _numpy(g: dict[str, Any]) -> dict[str, Any]:
    W1, W2, b1, b2 = _weights(g)
    x, t = np.array(g["x"]), np.array(g["t"])
    f, df = _DIAG[g["activation"]]
    net_h = np.einsum("hi,i->h", W1, x) + b1
    out_h = f(net_h)
    net_o = np.einsum("kh,h->k", W2, out_h) + b2
    if g["loss"] == "ce" and len(t) > 1:
        e = np.exp(net_o)
        o = e / e.sum()
        E, dE_do, J_o = -np.dot(t, np.log(o)), -t / o, np.diag(o) - np.outer(o, o)
    elif g["loss"] == "ce":
        o = _DIAG["sigmoid"][0](net_o)
        E = -float(t[0] * np.log(o[0]) + (1 - t[0]) * np.log(1 - o[0]))
        dE_do, J_o = -t / o + (1 - t) / (1 - o), np.diag(_DIAG["sigmoid"][1](net_o))
    else:
        o = f(net_o)
        E, dE_do, J_o = 0.5 * np.dot(t - o, t - o), o - t, np.diag(df(net_o))
    delta_o = J_o.T @ dE_do
    delta_h = np.diag(df(net_h)).T @ (W2.T @ delta_o)
    return {"net_h": net_h.tolist(), "out_h": out_h.tolist(), "net_o": net_o.tolist(), "out_o": o.tolist(),
            "E": float(E), "delta_o": delta_o.tolist(), "dE_dW2": np.einsum("k,h->kh", delta_o, out_h).tolist(),
            "delta_h": delta_h.tolist(), "dE_dW1": np.einsum("h,i->hi", delta_h, x).tolist()}
