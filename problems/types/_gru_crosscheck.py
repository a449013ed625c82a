"""Independent GRU step values (tests only): torch autograd (+ nn.GRUCell for one unit), or NumPy differences.

The torch path unrolls the cell in the split form W^h h + W^x x (not the concatenated form the
solver uses) and takes every backward value from autograd; nn.GRUCell with copied weights
supplies h_t for one unit in the PyTorch convention, where its formula coincides with the course's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.shared.array_steps import as_step_value
from problems.shared.gated_cells import NumpyUnits, fd_grads


def _gru_graph(B: Any, p: dict[str, Any], bump: dict[str, Any], course: bool) -> dict[str, Any]:
    """One GRU step in split form (r ⊙ h_{t−1} inside the candidate's product)."""
    H = p["h_prev"].shape[0]
    v: dict[str, Any] = {"h_prev": p["h_prev"] + bump.get("dhprev", 0)}
    for k in "zr":
        W = p[f"W{k}"] + bump.get(f"dW{k}", 0)
        v[f"a{k}"] = W[:, :H] @ v["h_prev"] + W[:, H:] @ p["x"] + p[f"b{k}"] + bump.get(f"da{k}", 0)
        v[k] = B.sigmoid(v[f"a{k}"]) + bump.get(f"d{k}", 0)
    v["rh"] = v["r"] * v["h_prev"] + bump.get("drh", 0)
    v["ah"] = p["Wh"][:, :H] @ v["rh"] + p["Wh"][:, H:] @ p["x"] + p["bh"] + bump.get("dah", 0)
    v["htilde"] = B.tanh(v["ah"]) + bump.get("dhtilde", 0)
    keep, new = (1 - v["z"], v["z"]) if course else (v["z"], 1 - v["z"])
    v["h"] = keep * v["h_prev"] + new * v["htilde"]
    v["L"] = (p["dh"] * v["h"]).sum() if "dh" in p else 0.0
    return v


def gru_cross(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """Every step value of the gru exercise by another route: torch autograd, else central differences."""
    p = {k: np.array(v, dtype=float) for k, v in g.items() if k not in ("variant", "convention")}
    course = g["convention"] == "course"
    fwd = ["az", "z", "ar", "r", "rh", "ah", "htilde", "h"]
    bwd = ["dhtilde", "dz", "dah", "drh", "dr", "daz", "dar", "dWz", "dhprev"]
    out = {"hx": as_step_value(np.concatenate([p["h_prev"], p["x"]]))}
    if torch is None:
        v = _gru_graph(NumpyUnits, p, {}, course)
        out |= {k: as_step_value(v[k]) for k in fwd}
        if g["variant"] == "backward":
            shapes = {k: (p["Wz"].shape if k == "dWz" else p["h_prev"].shape) for k in bwd}
            out |= {k: as_step_value(d) for k, d in fd_grads(lambda b: float(_gru_graph(NumpyUnits, p, b, course)["L"]), shapes).items()}
        return out
    t = {k: torch.tensor(a, dtype=torch.float64, requires_grad=True) for k, a in p.items()}
    v = _gru_graph(torch, t, {}, course)
    for k in fwd:
        v[k].retain_grad()
    if g["variant"] == "backward":
        v["L"].backward()
        grads = {"dhtilde": v["htilde"], "dz": v["z"], "dah": v["ah"], "drh": v["rh"], "dr": v["r"], "daz": v["az"],
                 "dar": v["ar"], "dWz": t["Wz"], "dhprev": t["h_prev"]}
        out |= {k: as_step_value(x.grad.numpy()) for k, x in grads.items()}
    out |= {k: as_step_value(v[k].detach().numpy()) for k in fwd}
    H = len(p["h_prev"])
    if H == 1 and not course:  # nn.GRUCell applies r after its product: the same for one unit
        cell = torch.nn.GRUCell(len(p["x"]), H, dtype=torch.float64)
        with torch.no_grad():  # PyTorch's gate order is r, z, n (= h̃)
            cell.weight_hh.copy_(torch.tensor(np.vstack([p[f"W{k}"][:, :H] for k in "rzh"])))
            cell.weight_ih.copy_(torch.tensor(np.vstack([p[f"W{k}"][:, H:] for k in "rzh"])))
            cell.bias_ih.copy_(torch.tensor(np.concatenate([p[f"b{k}"] for k in "rzh"]))), cell.bias_hh.zero_()
            out["h"] = as_step_value(cell(torch.tensor(p["x"])[None], torch.tensor(p["h_prev"])[None])[0].numpy())
    return out
