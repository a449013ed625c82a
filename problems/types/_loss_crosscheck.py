"""``loss`` cross-check (tests only): torch.nn.functional losses and autograd; without torch,
sklearn.metrics values and complex-step gradients.

∂E/∂v_i = Im E(v + ih e_i)/h with h = 1e-30 is exact to rounding for these analytic losses.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from problems.shared.optional_torch import load_torch


def _grad(E: Callable[[np.ndarray], Any], v: np.ndarray, h: float = 1e-30) -> list[float]:
    eye = np.eye(len(v))
    return [float(np.imag(E(v + 1j * h * eye[i])) / h) for i in range(len(v))]


def without_torch(g: dict[str, Any]) -> dict[str, Any]:
    """Every step value of a ``loss`` exercise from sklearn.metrics and complex-step derivatives."""
    from sklearn.metrics import log_loss, mean_squared_error
    t = np.array(g["t"], dtype=float)
    if g["loss"] == "ce":
        z = np.array(g["z"], dtype=float)
        E = lambda v: -np.sum(t * (v - np.log(np.sum(np.exp(v)))))  # noqa: E731
        p = np.exp(z) / np.exp(z).sum()
        return {"softmax": p.tolist(), "E": float(log_loss([int(np.argmax(t))], [p], labels=list(range(len(z))))),
                "grad": _grad(E, z.astype(complex)), "exp": np.exp(z - z.max()).tolist()}
    o = np.array(g["o"], dtype=float)
    if g["loss"] == "bce":
        E = lambda v: -np.mean(t * np.log(v) + (1 - t) * np.log(1 - v))  # noqa: E731
        Ez = lambda z: E(1 / (1 + np.exp(-z)))  # noqa: E731
        z = np.log(o / (1 - o))
        terms = [log_loss([ti], [oi], labels=[0, 1]) for ti, oi in zip(t, o)]
        return {"terms": terms, "E": float(log_loss(t, o, labels=[0, 1])), "grad": _grad(E, o.astype(complex)),
                "grad_z": _grad(Ez, z.astype(complex))}
    mse = float(mean_squared_error(t, o))
    E = (lambda v: np.mean((t - v) ** 2)) if g["form"] == "mean" else (lambda v: 0.5 * np.sum((t - v) ** 2))  # noqa: E731
    return {"err": (o - t).tolist(), "E": mse if g["form"] == "mean" else mse * len(o) / 2, "grad": _grad(E, o.astype(complex))}


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Every step value of a ``loss`` exercise: torch.nn.functional + autograd, else ``without_torch``."""
    torch = load_torch()
    t = np.array(g["t"])
    if torch is None:
        return without_torch(g)
    F, tt = torch.nn.functional, torch.tensor(g["t"], dtype=torch.float64)
    if g["loss"] == "ce":
        z = torch.tensor(g["z"], dtype=torch.float64, requires_grad=True)
        E = F.cross_entropy(z.unsqueeze(0), tt.unsqueeze(0))
        E.backward()
        return {"softmax": F.softmax(z, 0).tolist(), "E": E.item(), "grad": z.grad.tolist(),
                "exp": np.exp(np.array(g["z"]) - max(g["z"])).tolist()}
    o = torch.tensor(g["o"], dtype=torch.float64, requires_grad=True)
    if g["loss"] == "bce":
        z = torch.logit(o.detach()).requires_grad_(True)
        E = F.binary_cross_entropy(o, tt)
        F.binary_cross_entropy_with_logits(z, tt).backward()
        E.backward()
        return {"terms": F.binary_cross_entropy(o, tt, reduction="none").tolist(), "E": E.item(), "grad": o.grad.tolist(),
                "grad_z": z.grad.tolist()}
    E = F.mse_loss(o, tt) if g["form"] == "mean" else 0.5 * F.mse_loss(o, tt, reduction="sum")
    E.backward()
    return {"err": (np.array(g["o"]) - t).tolist(), "E": E.item(), "grad": o.grad.tolist()}
