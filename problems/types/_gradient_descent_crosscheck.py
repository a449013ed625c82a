"""``gradient-descent`` cross-check (tests only): torch autograd + torch.optim.SGD, or NumPy.

Without torch the 1-D gradient comes from ``numpy.polynomial.Polynomial.deriv`` and the 2-D one
from the matrix form ∇f = A w + (d, e) with A = [[2a, c], [c, 2b]].
"""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.shared.optional_torch import load_torch


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Every step value of the descent, computed without the solver."""
    torch, out, one = load_torch(), {}, "poly" in g
    A = None if one else np.array([[2 * g["quad"][0], g["quad"][2]], [g["quad"][2], 2 * g["quad"][1]]])
    w = torch.tensor(np.atleast_1d(g["w0"]), dtype=torch.float64, requires_grad=True) if torch else np.atleast_1d(np.array(g["w0"], float))
    opt = torch.optim.SGD([w], lr=g["lr"]) if torch else None
    for t in range(1, g["max_iter"] + 1):
        before = w.detach().numpy().copy() if torch else w.copy()
        if torch:
            opt.zero_grad()
            (_tf(g, w)).backward()
            grad = w.grad.numpy().copy()
            opt.step()
            now = w.detach().numpy().copy()
        else:
            grad = np.polynomial.Polynomial(g["poly"]).deriv()(w) if one else A @ w + np.array(g["quad"][3:])
            now = w = w - g["lr"] * grad
        out[f"grad.{t}"], out[f"w.{t}"], out[f"dw.{t}"] = _plain(grad, one), _plain(now, one), _plain(now - before, one)
        lin = None if one else np.array(g["quad"][3:])
        out[f"f.{t}"] = float(np.polynomial.Polynomial(g["poly"])(now[0])) if one else float(0.5 * now @ A @ now + lin @ now)
        out[f"change.{t}"] = float(np.sqrt(np.sum((now - before) ** 2)))
        if out[f"change.{t}"] < g["tol"]:
            break
    out["iterations"] = t
    return out


def _tf(g: dict[str, Any], w: Any) -> Any:
    if "poly" in g:
        return sum(c * w[0] ** k for k, c in enumerate(g["poly"]))
    a, b, c, d, e = g["quad"]
    return a * w[0] ** 2 + b * w[1] ** 2 + c * w[0] * w[1] + d * w[0] + e * w[1]


def _plain(v: np.ndarray, one: bool) -> Any:
    return float(v[0]) if one else v.tolist()
