"""Independent step values for ``activation`` (tests only).

With torch: ``torch.nn.functional`` functions and autograd (elementwise derivatives as the
gradient of the sum, the softmax Jacobian by ``torch.autograd.functional.jacobian``). Without
torch: complex-step differentiation, f′(x) = Im f(x + ih)/h with h = 1e-30, exact to rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.shared.optional_torch import load_torch

_TORCH = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu", "relu6": "relu6", "swish": "silu",
          "hard-swish": "hardswish", "softplus": "softplus"}


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Every step value of the exercise, computed without the solver."""
    torch = load_torch()
    out = _torch(g, torch) if torch is not None else _complex_step(g)
    x = np.array(g["x"], dtype=float)
    if g["function"] == "softmax":
        out["zmax"] = float(x.max())
        out["exp"] = np.exp(x - x.max()).tolist()
    elif g["function"] == "swish":
        out["sig"] = (1 / (1 + np.exp(-x))).tolist()
    elif g["function"] == "hard-swish":
        out["r6"] = np.minimum(np.maximum(x + 3, 0), 6).tolist()
    return out


def _torch(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    F, fn = torch.nn.functional, g["function"]
    x = torch.tensor(g["x"], dtype=torch.float64, requires_grad=True)
    if fn == "softmax":
        s = F.softmax(x, dim=0)
        J = torch.autograd.functional.jacobian(lambda z: F.softmax(z, dim=0), x.detach())
        return {"softmax": s.detach().tolist(), "jacobian": J.tolist()}
    alpha = torch.tensor([g.get("alpha", 0.0)], dtype=torch.float64, requires_grad=True)
    f = {"leaky-relu": lambda v: F.leaky_relu(v, g.get("alpha", 0.0)), "prelu": lambda v: F.prelu(v, alpha),
         "elu": lambda v: F.elu(v, g.get("alpha", 1.0))}.get(fn) or getattr(F, _TORCH[fn])
    y = f(x)
    (dx,) = torch.autograd.grad(y.sum(), x, retain_graph=True)
    out = {"f": y.detach().tolist(), "df": dx.tolist()}
    if fn == "prelu":
        out["df_dalpha"] = [torch.autograd.grad(y[i], alpha, retain_graph=True)[0].item() for i in range(len(y))]
    return out


def _f(fn: str, z: np.ndarray, a: Any) -> np.ndarray:
    """The function on complex input, branches chosen by the real part."""
    r = z.real
    sig = 1 / (1 + np.exp(-z))
    six = np.where(r + 3 < 0, 0, np.where(r + 3 > 6, 6, z + 3))
    return {"sigmoid": lambda: sig, "tanh": lambda: np.tanh(z), "relu": lambda: np.where(r > 0, z, 0),
            "leaky-relu": lambda: np.where(r > 0, z, a * z), "prelu": lambda: np.where(r > 0, z, a * z),
            "elu": lambda: np.where(r > 0, z, a * (np.exp(z) - 1)), "relu6": lambda: np.where((r > 0) & (r < 6), z, np.clip(r, 0, 6)),
            "swish": lambda: z * sig, "hard-swish": lambda: z * six / 6, "softplus": lambda: np.log(1 + np.exp(z))}[fn]()


def _complex_step(g: dict[str, Any], h: float = 1e-30) -> dict[str, Any]:
    fn, x = g["function"], np.array(g["x"], dtype=complex)
    if fn == "softmax":
        soft = lambda z: np.exp(z) / np.exp(z).sum()  # noqa: E731
        J = np.array([soft(x + 1j * h * np.eye(len(x))[j]).imag / h for j in range(len(x))]).T
        return {"softmax": soft(x).real.tolist(), "jacobian": J.tolist()}
    a = g.get("alpha", 0.0)
    out = {"f": _f(fn, x, a).real.tolist(), "df": (_f(fn, x + 1j * h, a).imag / h).tolist()}
    if fn == "prelu":
        out["df_dalpha"] = (_f(fn, x, a + 1j * h).imag / h).tolist()
    return out
