"""``batchnorm`` cross-check (tests only): torch ``F.batch_norm`` and autograd, or NumPy.

Without torch, ∂L/∂x is the explicit Jacobian product ∂L/∂x_j = Σ_i γ dy_i ∂x̂_i/∂x_j with
∂x̂_i/∂x_j = (δ_ij − 1/m)/s − x̂_i x̂_j/(m s), column by column.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.shared.optional_torch import load_torch


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Every step value of the exercise, computed without the solver."""
    x = np.array(g["x"], dtype=float)
    flat = x.ndim == 1
    X = x[:, None] if flat else x  # (m, d)
    d = X.shape[1]
    gamma, beta = np.broadcast_to(np.array(g["gamma"], float), (d,)), np.broadcast_to(np.array(g["beta"], float), (d,))
    dy = None if "dy" not in g else (np.array(g["dy"], float)[:, None] if flat else np.array(g["dy"], float))
    torch = load_torch()
    out = _torch(torch, X, gamma, beta, g["eps"], dy) if torch is not None else _numpy(X, gamma, beta, g["eps"], dy)
    if flat:
        out = {k: (np.ravel(v)[0] if k in ("mu", "var", "std", "dbeta", "dgamma") else np.ravel(v)) for k, v in out.items()}
    return {k: np.asarray(v).tolist() for k, v in out.items()}


def _torch(torch: Any, X: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float, dy: Any) -> dict[str, Any]:
    F, T = torch.nn.functional, (lambda a: torch.tensor(np.array(a), dtype=torch.float64, requires_grad=True))
    x, w, b = T(X), T(gamma), T(beta)
    var, mu = torch.var_mean(x.detach(), dim=0, correction=0)
    xhat = F.batch_norm(x.detach(), None, None, training=True, eps=eps).requires_grad_(True)
    y = F.batch_norm(x, None, None, weight=w, bias=b, training=True, eps=eps)
    out = {"mu": mu.numpy(), "var": var.numpy(), "std": torch.sqrt(var + eps).numpy(),
           "xhat": xhat.detach().numpy(), "y": y.detach().numpy()}
    if dy is not None:
        upstream = torch.tensor(dy, dtype=torch.float64)
        y.backward(upstream)
        (w.detach() * xhat + b.detach()).backward(upstream)
        out.update(dbeta=b.grad.numpy(), dgamma=w.grad.numpy(), dxhat=xhat.grad.numpy(), dx=x.grad.numpy())
    return out


def _numpy(X: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float, dy: Any) -> dict[str, Any]:
    m = len(X)
    mu = np.einsum("id->d", X) / m
    var = np.einsum("id,id->d", X - mu, X - mu) / m
    s = np.sqrt(var + eps)
    xhat = (X - mu) / s
    out = {"mu": mu, "var": var, "std": s, "xhat": xhat, "y": gamma * xhat + beta}
    if dy is not None:
        dx = np.empty_like(X)
        for c in range(X.shape[1]):
            J = (np.eye(m) - 1 / m) / s[c] - np.outer(xhat[:, c], xhat[:, c]) / (m * s[c])  # ∂x̂_i/∂x_j
            dx[:, c] = J.T @ (gamma[c] * dy[:, c])
        out.update(dbeta=dy.sum(0), dgamma=(dy * xhat).sum(0), dxhat=gamma * dy, dx=dx)
    return out
