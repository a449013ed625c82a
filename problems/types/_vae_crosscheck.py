"""Independent step values of the ``vae`` type, by other routes (tests only)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from problems.shared.optional_torch import load_torch


def vae_cross(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch.distributions KL and torch losses, or NumPy with
    the KL in its other closed form log(1/σ) + (σ² + μ²)/2 − 1/2."""
    torch = load_torch()
    mu, eps = np.array(g["mu"]), np.array(g["eps"])
    s = np.array(g["sigma"]) if g["variant"] == "sigma" else np.sqrt(np.exp(np.array(g["logvar"])))
    x, xh = np.array(g["x"]), np.array(g["x_hat"])
    if torch is not None:
        N, F = torch.distributions.Normal, torch.nn.functional
        terms = torch.distributions.kl_divergence(N(torch.tensor(mu), torch.tensor(s)), N(0.0, 1.0)).numpy()
        loss_fn = F.binary_cross_entropy if g["recon"] == "bce" else F.mse_loss
        r = float(loss_fn(torch.tensor(xh), torch.tensor(x), reduction="sum"))
    else:
        terms = np.log(1 / s) + (s * s + mu * mu) / 2 - 0.5
        r = float(-(x * np.log(xh) + (1 - x) * np.log(1 - xh)).sum()) if g["recon"] == "bce" else float(np.square(x - xh).sum())
    out = {"var": np.square(s).tolist(), "kl-terms": terms.tolist(), "kl": float(terms.sum()), "z": (mu + s * eps).tolist(),
           "recon": r, "loss": r + float(terms.sum()), "elbo": -(r + float(terms.sum()))}
    out |= {"sigma": s.tolist()} if g["variant"] == "logvar" else {"logvar": [2 * math.log(v) for v in s]}
    return {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in out.items()}
