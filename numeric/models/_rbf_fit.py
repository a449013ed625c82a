"""Fitting the RBF network's parameters: k-means centres, pseudo-inverse weights, or Adam (NumPy and torch)."""

from __future__ import annotations

from typing import Any

import numpy as np

from numeric.layers import rbf
from numeric.models import _generative_training
from numeric.optim import Adam
from numeric.training import guard_finite, tick


def kmeans(rng: np.random.Generator, x: np.ndarray, k: int, iters: int = 100) -> np.ndarray:
    """Lloyd's k-means from k distinct random data points: centres (k, D); an empty cluster keeps its centre."""
    C = x[rng.choice(len(x), size=k, replace=False)].astype(np.float64)
    assign = np.full(len(x), -1)
    for _ in range(iters):
        new = rbf.sq_distances(x, C).argmin(axis=1)
        if np.array_equal(new, assign):
            break
        assign = new
        for j in range(k):
            members = x[assign == j]
            if len(members):
                C[j] = members.mean(axis=0)
    return C


def mse_loss(params: dict[str, np.ndarray], x: np.ndarray, t: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
    """L = ½‖y − t‖²/N with y = H w + b; returns (L, ∂L/∂{C, sigma, w, b})."""
    h, cache = rbf.forward(params, x)
    dy = (h @ params["w"] + params["b"][0] - t) / len(x)          # (N,)
    _, g = rbf.backward(np.outer(dy, params["w"]), cache)
    g.update(w=h.T @ dy, b=np.array([dy.sum()]))
    return 0.5 * float(np.sum(dy * dy)) * len(x), g


def numpy_fit(cfg: dict[str, Any], params: dict[str, np.ndarray], x: np.ndarray, t: np.ndarray, epochs: int,
              solve: bool = True, progress: Any = None) -> list[dict[str, float]]:
    """Pseudo-inverse output weights (unless loaded), then ``epochs`` full-batch Adam steps; in place."""
    if solve:
        h, _ = rbf.forward(params, x)
        wb = np.linalg.pinv(np.hstack([h, np.ones((len(x), 1))])) @ t
        params["w"][...], params["b"][...] = wb[:-1], wb[-1:]
    opt, history = Adam(cfg["lr"]), []
    for e in range(1, epochs + 1):
        loss, grads = mse_loss(params, x, t)
        opt.step(params, grads)
        _record(history, e, epochs, loss, progress)
    return history


def _record(history: list, e: int, epochs: int, loss: float, progress: Any) -> None:
    guard_finite(loss, f"epoch {e}")
    history.append({"epoch": e, "loss": loss})
    if e % max(epochs // 50, 1) == 0 or e == epochs:
        tick(progress, e, epochs, loss=loss)


def torch_fit(cfg: dict[str, Any], params: dict[str, np.ndarray], x: np.ndarray, t: np.ndarray, epochs: int,
              solve: bool = True, progress: Any = None) -> list[dict[str, float]]:
    """The same fit in torch (float64): torch.linalg.pinv, autograd and torch.optim.Adam."""
    torch, dev, _ = _generative_training.torch_setup(cfg)
    p = {k: torch.tensor(v, device=dev, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    X, T = torch.tensor(x, device=dev), torch.tensor(t, device=dev)

    def output() -> Any:
        d2 = ((X * X).sum(1)[:, None] - 2 * X @ p["C"].T + (p["C"] * p["C"]).sum(1)[None, :]).clamp_min(0)
        h = torch.exp(-d2 / (2 * p["sigma"] ** 2))
        return h, h @ p["w"] + p["b"][0]
    if solve:
        with torch.no_grad():
            h, _ = output()
            wb = torch.linalg.pinv(torch.cat([h, torch.ones(len(x), 1, device=dev, dtype=h.dtype)], 1)) @ T
            p["w"].copy_(wb[:-1])
            p["b"].copy_(wb[-1:])
    opt, history = torch.optim.Adam(p.values(), lr=cfg["lr"]), []
    for e in range(1, epochs + 1):
        loss = 0.5 * ((output()[1] - T) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        _record(history, e, epochs, loss.item(), progress)
    for k, v in p.items():
        params[k][...] = v.detach().cpu().numpy()
    return history
