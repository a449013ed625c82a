"""Pieces of the ``resnet`` type: generation, the parameter count and the independent cross-check."""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.numcheck import numerical_gradient
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import dec, pick
from problems.shared.unit_functions import relu


def draw(rng: np.random.Generator, v: str, difficulty: str) -> dict[str, Any]:
    """One-decimal weights; at exam and hard the ReLU of the branch clips something, and no
    pre-activation is within 0.05 of 0 (where ReLU′ would be ambiguous)."""
    while True:
        if v == "identity":
            d_in = d_out = {"easy": 2, "exam": pick(rng, [2, 3]), "hard": 3}[difficulty]
        else:
            d_in, d_out = pick(rng, [(2, 3), (3, 2)])
        d_mid = d_in if difficulty == "easy" else pick(rng, [2, 3])
        g = {"variant": v, "x": dec(rng, d_in, -1, 1, nonzero=True), "W1": dec(rng, (d_mid, d_in), -1, 1, nonzero=True),
             "b1": dec(rng, d_mid, -0.5, 0.5), "W2": dec(rng, (d_out, d_mid), -1, 1, nonzero=True), "b2": dec(rng, d_out, -0.5, 0.5)}
        if v == "projection":
            g["Ws"] = dec(rng, (d_out, d_in), -1, 1, nonzero=True)
        if difficulty == "hard":
            g["dy"] = dec(rng, d_out, -1, 1, nonzero=True)
        z1 = g["W1"] @ g["x"] + g["b1"]
        H = g["W2"] @ relu(z1) + g["b2"] + (g["Ws"] @ g["x"] if v == "projection" else g["x"])
        clips = difficulty == "easy" or (z1.min() < 0 < z1.max())
        if clips and np.abs(z1).min() >= 0.05 and np.abs(H).min() >= 0.05:
            return {k: val.tolist() if isinstance(val, np.ndarray) else val for k, val in g.items()}


def params(g: dict[str, Any], work: Any) -> int:
    """|W₁| + |b₁| + |W₂| + |b₂| (+ |W_s|), with the counting slips being replayed."""
    d_in, d_mid, d_out = len(g["x"]), len(g["W1"]), len(g["W2"])
    n = d_mid * (d_in + 1) + d_out * (d_mid + 1)
    if g["variant"] == "projection":
        n += d_out * d_in + (d_out if work.mistake("projection-bias") else 0)
    elif work.mistake("identity-params"):
        n += d_in * d_in
    return n


def params_text(g: dict[str, Any]) -> str:
    """``2(2 + 1) + 2(2 + 1)`` with the block's sizes."""
    d_in, d_mid, d_out = len(g["x"]), len(g["W1"]), len(g["W2"])
    text = f"{d_mid}({d_in} + 1) + {d_out}({d_mid} + 1)"
    return text + (f" + {d_out}·{d_in}" if g["variant"] == "projection" else " + 0 (identity)")


def _ramp(z: Any) -> np.ndarray:
    """ReLU written as a selection (z where z > 0, else 0), not the solver's ``relu``."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.0)


def cross(g: dict[str, Any]) -> dict[str, Any]:
    """torch modules with the given weights and autograd; central differences without torch."""
    torch = load_torch()
    x, W1, b1, W2, b2 = (np.array(g[k], dtype=float) for k in ("x", "W1", "b1", "W2", "b2"))
    Ws = np.array(g["Ws"]) if g["variant"] == "projection" else None
    out: dict[str, Any] = {}
    if torch is not None:
        lin1, lin2 = torch.nn.Linear(len(x), len(W1)).double(), torch.nn.Linear(len(W1), len(W2)).double()
        mods = [lin1, lin2] + ([torch.nn.Linear(len(x), len(W2), bias=False).double()] if Ws is not None else [])
        with torch.no_grad():
            for mod, (W, b) in zip(mods, [(W1, b1), (W2, b2), (Ws, None)]):
                mod.weight.copy_(torch.tensor(W))
                if b is not None:
                    mod.bias.copy_(torch.tensor(b))
        xt = torch.tensor(x, requires_grad=True)
        z1 = lin1(xt)
        a1 = torch.relu(z1)
        F = lin2(a1)
        s = mods[2](xt) if Ws is not None else xt
        H = F + s
        for t in (z1, a1, H):
            t.retain_grad()
        y = torch.relu(H)
        out = {"z1": z1.tolist(), "a1": a1.tolist(), "F": F.tolist(), "H": H.tolist(), "size": H.shape[0], "y": y.tolist(),
               "params": sum(p.numel() for m in mods for p in m.parameters())}
        if Ws is not None:
            out["shortcut"] = s.tolist()
        if "dy" in g:
            (y * torch.tensor(g["dy"], dtype=torch.float64)).sum().backward()
            out |= {"dH": H.grad.tolist(), "da1": a1.grad.tolist(), "dz1": z1.grad.tolist(), "dx": xt.grad.tolist()}
        return out
    S = Ws if Ws is not None else np.eye(len(x))
    branch = lambda xx: W2 @ _ramp(W1 @ xx + b1) + b2  # noqa: E731
    z1 = W1 @ x + b1
    H = branch(x) + S @ x
    out = {"z1": z1.tolist(), "a1": _ramp(z1).tolist(), "F": branch(x).tolist(), "H": H.tolist(), "size": H.size,
           "y": _ramp(H).tolist(), "params": sum(a.size for a in (W1, b1, W2, b2)) + (Ws.size if Ws is not None else 0)}
    if Ws is not None:
        out["shortcut"] = (Ws @ x).tolist()
    if "dy" in g:
        dy = np.array(g["dy"])
        loss = lambda v, f: float(dy @ _ramp(f(v)))  # noqa: E731  L as a function of one intermediate value
        for key, point, f in (("dH", H, lambda h: h), ("da1", _ramp(z1), lambda a: W2 @ a + b2 + S @ x),
                              ("dz1", z1, lambda z: W2 @ _ramp(z) + b2 + S @ x), ("dx", x, lambda xx: branch(xx) + S @ xx)):
            p = point.astype(float).copy()
            # piecewise linear (ReLU): a step of 1e-5 is exact away from the kinks and keeps rounding ≪ 1e-9
            out[key] = numerical_gradient(lambda: loss(p, f), p, 1e-5).tolist()
    return out
