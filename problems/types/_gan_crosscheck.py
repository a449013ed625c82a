"""Independent step values of the ``gan`` type, by other routes (tests only)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from problems.shared.optional_torch import load_torch


def gan_cross(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch BCE and autograd, scipy's jensenshannon and a numerical
    maximisation of p log D + q log(1 − D) for D*; NumPy log1p without torch."""
    if g["variant"] == "optimal":
        from scipy.optimize import minimize_scalar
        from scipy.spatial.distance import jensenshannon
        p, q = np.array(g["p_data"]), np.array(g["p_g"])
        D = [minimize_scalar(lambda d, a=a, b=b: -(a * math.log(d) + b * math.log(1 - d)), bounds=(1e-9, 1 - 1e-9),
                             method="bounded", options={"xatol": 1e-12}).x for a, b in zip(p, q)]
        js = float(jensenshannon(p, q) ** 2)
        return {"Dstar": D[0] if len(D) == 1 else D, "Vstar": -math.log(4) + 2 * js, "JSD": js,
                "V-equal": -math.log(4) + 2 * float(jensenshannon(p, p) ** 2)}
    torch = load_torch()
    r, f = np.array(g["D_real"]), np.array(g["D_fake"])
    if torch is None:
        V = float(np.mean(np.log(r)) + np.mean(np.log1p(-f)))
        out = {"LG-sat": float(np.mean(np.log1p(-f))), "LG-ns": float(-np.mean(np.log(f))), "grad-sat": (-1 / (1 - f)).tolist(),
               "grad-ns": (-1 / f).tolist()}
    else:
        bce, t = torch.nn.functional.binary_cross_entropy, torch.tensor(f, requires_grad=True)
        tr = torch.tensor(r)
        V = -float((bce(tr, torch.ones_like(tr)) + bce(t, torch.zeros_like(t))).detach())
        gs = torch.autograd.grad(torch.log(1 - t).sum(), t)[0].numpy()
        gn = torch.autograd.grad(-torch.log(t).sum(), t)[0].numpy()
        out = {"LG-sat": -float(bce(t, torch.zeros_like(t)).detach()), "LG-ns": float(bce(t, torch.ones_like(t)).detach()),
               "grad-sat": gs.tolist(), "grad-ns": gn.tolist()}
    out = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in out.items()}
    return out | {"V": V, "LD": -V}
