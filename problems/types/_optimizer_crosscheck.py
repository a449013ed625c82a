"""``optimizer`` cross-check (tests only): torch.optim where it implements the rule, else NumPy.

torch.optim.SGD (plain, and momentum: its buffer b gives the classical velocity v = −η b),
torch.optim.RMSprop (alpha = β, ε outside the root) and torch.optim.Adam (states exp_avg = m,
exp_avg_sq = v). The EMA momentum, Adam without bias correction and ε inside the root have no
torch.optim counterpart and use the NumPy reference below (also the fallback without torch).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.shared.optional_torch import load_torch


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Every step value, computed without the solver."""
    torch = load_torch()
    opt = g["optimizer"]
    if torch is None or opt in ("momentum-ema", "adam-nobias") or g.get("eps_inside"):
        return _numpy(g)
    w = torch.tensor(g["w0"], dtype=torch.float64, requires_grad=True)
    o = {"sgd": lambda: torch.optim.SGD([w], lr=g["lr"]),
         "momentum": lambda: torch.optim.SGD([w], lr=g["lr"], momentum=g.get("beta", 0)),
         "rmsprop": lambda: torch.optim.RMSprop([w], lr=g["lr"], alpha=g.get("beta", 0), eps=g.get("eps", 0)),
         "adam": lambda: torch.optim.Adam([w], lr=g["lr"], betas=(g.get("beta1", 0), g.get("beta2", 0)), eps=g.get("eps", 0))}[opt]()
    out: dict[str, Any] = {}
    for t in range(1, g["steps"] + 1):
        o.zero_grad()
        if "curvature" in g:
            (0.5 * (torch.tensor(g["curvature"], dtype=torch.float64) * w * w).sum()).backward()
            out[f"g.{t}"] = w.grad.tolist()
        else:
            w.grad = torch.tensor(g["grads"][t - 1], dtype=torch.float64)
        o.step()
        st = o.state[w]
        if opt == "momentum":
            out[f"v.{t}"] = (-g["lr"] * st["momentum_buffer"]).tolist()
        elif opt == "rmsprop":
            out[f"sqavg.{t}"] = st["square_avg"].tolist()
        elif opt == "adam":
            m, v = st["exp_avg"].numpy(), st["exp_avg_sq"].numpy()
            out.update({f"mean.{t}": m.tolist(), f"v.{t}": v.tolist(), f"mhat.{t}": (m / (1 - g["beta1"] ** t)).tolist(),
                        f"vhat.{t}": (v / (1 - g["beta2"] ** t)).tolist()})
        out[f"w.{t}"] = w.detach().tolist()
    return out


def _numpy(g: dict[str, Any]) -> dict[str, Any]:
    """Direct recurrences; states kept as running products for the bias corrections."""
    opt, lr, w = g["optimizer"], g["lr"], np.array(g["w0"], dtype=float)
    m, v, p1, p2, out = np.zeros_like(w), np.zeros_like(w), 1.0, 1.0, {}
    for t in range(1, g["steps"] + 1):
        grad = np.array(g["curvature"]) * w if "curvature" in g else np.array(g["grads"][t - 1], dtype=float)
        if "curvature" in g:
            out[f"g.{t}"] = grad.tolist()
        if opt == "sgd":
            w = w - lr * grad
        elif opt == "momentum":
            v = g["beta"] * v - lr * grad
            w, out[f"v.{t}"] = w + v, v.tolist()
        elif opt == "momentum-ema":
            v = g["beta"] * v + (1 - g["beta"]) * grad
            w, out[f"v.{t}"] = w - lr * v, v.tolist()
        else:
            b1, b2 = (g.get("beta1", 0.0), g.get("beta2", g.get("beta")))
            m, v = b1 * m + (1 - b1) * grad, b2 * v + (1 - b2) * grad * grad
            p1, p2 = p1 * b1, p2 * b2
            mh, vh = (m / (1 - p1), v / (1 - p2)) if opt == "adam" else (m, v)
            num = grad if opt == "rmsprop" else mh
            den = np.sqrt(vh + g["eps"]) if g["eps_inside"] else np.sqrt(vh) + g["eps"]
            w = w - lr * num / den
            if opt == "rmsprop":
                out[f"sqavg.{t}"] = v.tolist()
            else:
                out.update({f"mean.{t}": m.tolist(), f"v.{t}": v.tolist()})
                if opt == "adam":
                    out.update({f"mhat.{t}": mh.tolist(), f"vhat.{t}": vh.tolist()})
        out[f"w.{t}"] = w.tolist()
    return out
