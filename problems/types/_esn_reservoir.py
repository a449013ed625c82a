"""Pieces of the ``esn`` type: generation, the reservoir run, the 2 × 2 inverse by the adjugate
(with the slips the type replays) and the independent cross-check."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import dec, pick
from problems.shared.tanh_recurrence import rnn_steps


def draw(rng: np.random.Generator, v: str, difficulty: str) -> dict[str, Any]:
    """One-decimal states/targets (readout), or a reservoir with ρ(W) ≤ 0.9 (hard)."""
    T = {"easy": 3, "exam": pick(rng, [3, 4]), "hard": pick(rng, [3, 4])}[difficulty]
    lam = 1.0 if difficulty == "easy" else pick(rng, [0.1, 0.5, 1.0])
    y = dec(rng, T, -1, 1, nonzero=True).tolist()
    if v == "readout":
        while True:
            X = dec(rng, (2, T), -1, 1)
            if abs(np.linalg.det(X @ X.T)) > 0.05:
                return {"variant": v, "X": X.tolist(), "y": y, "lam": lam}
    while True:
        W = dec(rng, (2, 2), -0.6, 0.6, nonzero=True)
        if max(abs(np.linalg.eigvals(W))) <= 0.9:
            break
    signed = lambda n: (rng.choice([-1, 1], size=n) * dec(rng, n, 0.5, 1.0)).tolist()  # noqa: E731  |·| ≥ 0.5: states of a visible size
    return {"variant": v, "Win": signed(2), "W": W.tolist(), "u": signed(T), "y": y, "lam": lam}


def states(g: dict[str, Any], work: Any) -> np.ndarray:
    """ρ(W) and x_1 … x_T (recorded as steps); returns X with one state per column."""
    W, Win = np.array(g["W"], dtype=float), np.array(g["Win"], dtype=float)
    tr, det = W[0, 0] + W[1, 1], W[0, 0] * W[1, 1] - W[0, 1] * W[1, 0]
    disc = tr * tr / 4 - det
    rho = (abs(tr) / 2 + math.sqrt(disc)) if disc >= 0 else math.sqrt(det)  # real pair, or |λ| = √det for a complex pair
    if work.mistake("rho-singular"):
        rho = float(np.linalg.svd(W, compute_uv=False)[0])
    work.put("rho", "ρ(W)", rho, "max |eigenvalue|", because="eigenvalues tr/2 ± √(tr²/4 − det)")
    h, cols = np.zeros(2), []
    for t, u in enumerate(g["u"], 1):
        a = Win * u + W @ (np.zeros(2) if work.mistake("stale-state") else h)
        h = work.put(f"x.{t}", f"x_{t}", a if work.mistake("no-tanh") else np.tanh(a), "tanh(W_in u_t + W x_(t−1))",
                     depends_on=(f"x.{t - 1}",) if t > 1 else ())
        cols.append(h)
    return np.column_stack(cols)


def inverse(A: np.ndarray, det: float, work: Any) -> np.ndarray:
    """(1/det)·adj(A) for a 2 × 2 matrix, or one of the adjugate slips."""
    (a, b), (c, d) = A
    if work.mistake("adjugate-signs"):
        adj = np.array([[d, b], [c, a]])
    elif work.mistake("adjugate-no-swap"):
        adj = np.array([[a, -b], [-c, d]])
    else:
        adj = np.array([[d, -b], [-c, a]])
    return adj if work.mistake("adjugate-no-det") else adj / det


def cross(g: dict[str, Any]) -> dict[str, Any]:
    """sklearn Ridge, numpy.linalg, and torch nn.RNN (or the shared tanh recurrence) for the states."""
    from sklearn.linear_model import Ridge
    out: dict[str, Any] = {}
    if g["variant"] == "reservoir":
        W, Win, u = np.array(g["W"]), np.array(g["Win"]), np.array(g["u"])
        torch = load_torch()
        if torch is not None:
            rnn = torch.nn.RNN(1, 2, nonlinearity="tanh", bias=False).double()
            with torch.no_grad():
                rnn.weight_ih_l0.copy_(torch.tensor(Win[:, None]))
                rnn.weight_hh_l0.copy_(torch.tensor(W))
                X = rnn(torch.tensor(u[:, None, None]))[0][:, 0, :].numpy().T
        else:
            X = np.column_stack(rnn_steps(Win[:, None], W, np.zeros(2), u[:, None], np.zeros(2)))
        out = {"rho": float(max(abs(np.linalg.eigvals(W))))} | {f"x.{t}": X[:, t - 1].tolist() for t in range(1, len(u) + 1)}
    else:
        X = np.array(g["X"], dtype=float)
    y, lam = np.array(g["y"], dtype=float), g["lam"]
    A = X @ X.T + lam * np.eye(2)
    model = Ridge(alpha=lam, fit_intercept=False, solver="svd").fit(X.T, y)
    pred = model.predict(X.T)
    return out | {"XXt": (X @ X.T).tolist(), "A": A.tolist(), "det": float(np.linalg.det(A)), "inv": np.linalg.inv(A).tolist(),
                  "yXt": (X @ y).tolist(), "Wout": model.coef_.tolist(), "pred": pred.tolist(),
                  "mse": float(np.mean((pred - y) ** 2))}
