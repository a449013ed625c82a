"""Independent LSTM step values (tests only): torch autograd and nn.LSTMCell, or NumPy differences.

The torch path unrolls the cell in the split form W^h h + W^x x (not the concatenated form the
solver uses) and takes every backward value from autograd; nn.LSTMCell with copied weights
supplies h_t and c_t, where its formulas coincide with the course's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from problems.shared.array_steps import as_step_value
from problems.shared.gated_cells import NumpyUnits, fd_grads


def _lstm_graph(B: Any, p: dict[str, Any], bump: dict[str, Any]) -> dict[str, Any]:
    """One LSTM step in split form with a backend ``B`` (torch or numpy); ``bump`` adds to each value."""
    H = p["h_prev"].shape[0]
    v: dict[str, Any] = {"h_prev": p["h_prev"] + bump.get("dhprev", 0), "c_prev": p["c_prev"] + bump.get("dcprev", 0)}
    for k, out, act in (("f", "f", B.sigmoid), ("i", "i", B.sigmoid), ("c", "ctilde", B.tanh), ("o", "o", B.sigmoid)):
        W = p[f"W{k}"] + bump.get(f"dW{k}", 0)
        v[f"a{k}"] = W[:, :H] @ v["h_prev"] + W[:, H:] @ p["x"] + p[f"b{k}"] + bump.get(f"da{k}", 0)
        v[out] = act(v[f"a{k}"]) + bump.get(f"d{out}", 0)
    v["c"] = v["f"] * v["c_prev"] + v["i"] * v["ctilde"] + bump.get("dc", 0)
    v["tanhc"] = B.tanh(v["c"])
    v["h"] = v["o"] * v["tanhc"]
    v["L"] = (p["dh"] * v["h"]).sum() + (p["dc_next"] * v["c"]).sum() if "dh" in p else 0.0
    return v


def lstm_cross(g: dict[str, Any], torch: Any) -> dict[str, Any]:
    """Every step value of the lstm exercise by another route: torch autograd, else central differences."""
    p = {k: np.array(v, dtype=float) for k, v in g.items() if k != "variant"}
    fwd = ["af", "f", "ai", "i", "ac", "ctilde", "c", "ao", "o", "tanhc", "h"]
    bwd = ["do", "dc", "df", "di", "dctilde", "dcprev", "daf", "dai", "dac", "dao", "dWf", "dhprev"]
    out = {"hx": as_step_value(np.concatenate([p["h_prev"], p["x"]]))}
    if torch is None:
        v = _lstm_graph(NumpyUnits, p, {})
        out |= {k: as_step_value(v[k]) for k in fwd}
        if g["variant"] == "backward":
            shapes = {k: (p["Wf"].shape if k == "dWf" else p["h_prev"].shape) for k in bwd}
            out |= {k: as_step_value(d) for k, d in fd_grads(lambda b: float(_lstm_graph(NumpyUnits, p, b)["L"]), shapes).items()}
        return out
    t = {k: torch.tensor(a, dtype=torch.float64, requires_grad=True) for k, a in p.items()}
    v = _lstm_graph(torch, t, {})
    for k in fwd:
        v[k].retain_grad()
    if g["variant"] == "backward":
        v["L"].backward()
        grads = {"do": v["o"], "dc": v["c"], "df": v["f"], "di": v["i"], "dctilde": v["ctilde"], "dcprev": t["c_prev"],
                 "daf": v["af"], "dai": v["ai"], "dac": v["ac"], "dao": v["ao"], "dWf": t["Wf"], "dhprev": t["h_prev"]}
        out |= {k: as_step_value(x.grad.numpy()) for k, x in grads.items()}
    out |= {k: as_step_value(v[k].detach().numpy()) for k in fwd}
    H, cell = len(p["h_prev"]), torch.nn.LSTMCell(len(p["x"]), len(p["h_prev"]), dtype=torch.float64)
    with torch.no_grad():  # PyTorch's gate order is i, f, g (= c̃), o
        cell.weight_hh.copy_(torch.tensor(np.vstack([p[f"W{k}"][:, :H] for k in "ifco"])))
        cell.weight_ih.copy_(torch.tensor(np.vstack([p[f"W{k}"][:, H:] for k in "ifco"])))
        cell.bias_ih.copy_(torch.tensor(np.concatenate([p[f"b{k}"] for k in "ifco"]))), cell.bias_hh.zero_()
        h, c = cell(torch.tensor(p["x"])[None], (torch.tensor(p["h_prev"])[None], torch.tensor(p["c_prev"])[None]))
    return out | {"h": as_step_value(h[0].numpy()), "c": as_step_value(c[0].numpy())}
