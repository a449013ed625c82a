"""Independent cross-check of the ``minibatch`` type (tests only)."""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.shared.optional_torch import load_torch


def cross(g: dict[str, Any]) -> dict[str, Any]:
    """torch: a DataLoader without shuffling and torch.optim.SGD on F.mse_loss; NumPy: the matrix
    form ∇L = (2/B) Aᵀ(Aθ − y) with A = [x, 1], and Python ranges for the counts."""
    torch, B = load_torch(), g["batch"]
    if g["variant"] == "counts":
        n = g["n"]
        if torch is not None and n <= 100_000:
            sizes = [len(b) for b in torch.utils.data.DataLoader(range(n), batch_size=B, shuffle=False)]
        else:
            sizes = [len(range(n)[i:i + B]) for i in range(0, n, B)]
        return {"updates": len(sizes), "last": sizes[-1], "total": len(sizes) * g["epochs"]}
    x, y = np.array(g["x"], dtype=float), np.array(g["y"], dtype=float)
    out: dict[str, Any] = {"updates": len(range(0, len(x), B))}
    scalar = lambda v: float(v[0]) if np.size(v) == 1 else np.asarray(v).tolist()  # noqa: E731
    if torch is not None:
        w = torch.tensor(g["w0"], dtype=torch.float64, requires_grad=True)
        b = torch.tensor(g["b0"], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([w, b], lr=g["lr"])
        data = torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y))
        for k, (xb, yb) in enumerate(torch.utils.data.DataLoader(data, batch_size=B, shuffle=False), 1):
            opt.zero_grad()
            pred = w * xb + b
            out[f"err.{k}"] = scalar((pred - yb).detach().numpy())
            torch.nn.functional.mse_loss(pred, yb).backward()
            out[f"grad.{k}"] = [float(w.grad), float(b.grad)]
            opt.step()
            out[f"w.{k}"] = [float(w.detach()), float(b.detach())]
        return out
    theta = np.array([g["w0"], g["b0"]])
    for k, lo in enumerate(range(0, len(x), B), 1):
        A = np.column_stack([x[lo:lo + B], np.ones(len(x[lo:lo + B]))])
        r = A @ theta - y[lo:lo + B]
        grad = 2 / len(r) * A.T @ r
        theta = theta - g["lr"] * grad
        out |= {f"err.{k}": scalar(r), f"grad.{k}": grad.tolist(), f"w.{k}": theta.tolist()}
    return out
