"""The same recurrent network in PyTorch (``--backend torch``): nn.RNN / nn.LSTM / nn.GRU.

Weights are copied in from the NumPy parameter dict (same seed → same starting point) and
exported back under the same names. torch keeps two biases (b_ih, b_hh) where the NumPy layers
keep one; b_hh is held at zero by a gradient mask, except the GRU's b_hn, which is real.
The GRU variants map as follows (checked in tests/numeric/test_gru.py):

    (pytorch, after)  nn.GRU as is
    (course, after)   nn.GRU with the z rows negated: σ(−a) = 1 − σ(a) swaps z and 1 − z
    (*, before)       no torch module computes r ⊙ h_{t−1} before W_hn: a per-step loop below
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from numeric.models._recurrent import Spec

NAMES = {"rnn": ("W_xh", "W_hh", "b_h"), "lstm": ("W_x", "W_h", "b"), "gru": ("W_x", "W_h", "b")}


class GRUResetBefore(nn.Module):
    """GRU with h̃ = tanh(x W_xn + (r ⊙ h) W_hn + b_n), parameters laid out as numeric.layers.gru."""

    def __init__(self, n_in: int, hidden: int, convention: str):
        super().__init__()
        self.W_x = nn.Parameter(torch.zeros(n_in, 3 * hidden))
        self.W_h = nn.Parameter(torch.zeros(hidden, 3 * hidden))
        self.b = nn.Parameter(torch.zeros(3 * hidden))
        self.hidden, self.course = hidden, convention == "course"

    def forward(self, x: Any, state: Any = None) -> tuple[Any, Any]:
        H = self.hidden
        h = x.new_zeros(x.shape[0], H) if state is None else state[0]
        ax = x @ self.W_x + self.b                                       # (N, T, 3H)
        outs = []
        for t in range(x.shape[1]):
            rz = torch.sigmoid(ax[:, t, :2 * H] + h @ self.W_h[:, :2 * H])
            r, z = rz[:, :H], rz[:, H:]
            n = torch.tanh(ax[:, t, 2 * H:] + (r * h) @ self.W_h[:, 2 * H:])
            h = h + z * (n - h) if self.course else n + z * (h - n)
            outs.append(h)
        return torch.stack(outs, 1), h[None]


class Net(nn.Module):
    """[nn.Embedding →] recurrent module → nn.Linear, batch-first."""

    def __init__(self, spec: Spec):
        super().__init__()
        self.spec = spec
        self.emb = nn.Embedding(spec.vocab, spec.n_in) if spec.vocab else None
        if spec.cell == "gru" and spec.reset == "before":
            self.rnn: nn.Module = GRUResetBefore(spec.n_in, spec.hidden, spec.convention)
        else:
            self.rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[spec.cell](spec.n_in, spec.hidden, batch_first=True)
        self.out = nn.Linear(spec.hidden, spec.n_out)

    def forward(self, x: Any, state: Any = None) -> tuple[Any, Any]:
        """(ŷ: (N·T, n_out), final state) for x: (N, T) ids or (N, T, 1) values."""
        e = self.emb(x) if self.emb is not None else x
        h, state = self.rnn(e, state)
        return self.out(h).reshape(-1, self.spec.n_out), state


def _flip(spec: Spec) -> np.ndarray:
    """Column signs mapping the NumPy GRU gates onto nn.GRU's (−1 on z for the course convention)."""
    signs = np.ones(3 * spec.hidden if spec.cell == "gru" else 4 * spec.hidden if spec.cell == "lstm" else spec.hidden)
    if spec.cell == "gru" and spec.convention == "course":
        signs[spec.hidden:2 * spec.hidden] = -1.0
    return signs.astype(np.float32)


def load(net: Net, params: dict[str, np.ndarray]) -> None:
    """Copy a NumPy parameter dict into ``net`` (in place) and mask the redundant b_hh entries."""
    spec, t = net.spec, (lambda a: torch.from_numpy(np.ascontiguousarray(a)))
    wx, wh, b = (params[f"cell.{n}"] for n in NAMES[spec.cell])
    with torch.no_grad():
        if isinstance(net.rnn, GRUResetBefore):
            net.rnn.W_x.copy_(t(wx)), net.rnn.W_h.copy_(t(wh)), net.rnn.b.copy_(t(b))
        else:
            s = _flip(spec)
            net.rnn.weight_ih_l0.copy_(t((wx * s).T)), net.rnn.weight_hh_l0.copy_(t((wh * s).T))
            net.rnn.bias_ih_l0.copy_(t(b * s))
            bhh, mask = np.zeros_like(b), np.zeros_like(b)
            if spec.cell == "gru":
                bhh[2 * spec.hidden:], mask[2 * spec.hidden:] = params["cell.b_hn"], 1.0
            net.rnn.bias_hh_l0.copy_(t(bhh))
            if not hasattr(net, "_bhh_hook"):                            # b_hh duplicates b_ih: keep it at 0
                m = t(mask).to(net.rnn.bias_hh_l0.device)
                net._bhh_hook = net.rnn.bias_hh_l0.register_hook(lambda g: g * m)
        if net.emb is not None:
            net.emb.weight.copy_(t(params["emb.W"]))
        net.out.weight.copy_(t(params["out.W"].T)), net.out.bias.copy_(t(params["out.b"]))


def export(net: Net) -> dict[str, np.ndarray]:
    """The parameters of ``net`` as a NumPy dict under the NumPy model's names (float32)."""
    spec = net.spec

    def a(p: Any) -> np.ndarray:
        return p.detach().cpu().numpy().astype(np.float32)
    nx, nh, nb = (f"cell.{n}" for n in NAMES[spec.cell])
    if isinstance(net.rnn, GRUResetBefore):
        out = {nx: a(net.rnn.W_x), nh: a(net.rnn.W_h), nb: a(net.rnn.b)}
    else:
        s = _flip(spec)
        out = {nx: a(net.rnn.weight_ih_l0).T * s, nh: a(net.rnn.weight_hh_l0).T * s, nb: a(net.rnn.bias_ih_l0) * s}
        if spec.cell == "gru":
            out["cell.b_hn"] = a(net.rnn.bias_hh_l0)[2 * spec.hidden:]
    if net.emb is not None:
        out["emb.W"] = a(net.emb.weight)
    out["out.W"], out["out.b"] = a(net.out.weight).T, a(net.out.bias)
    return {k: np.ascontiguousarray(v) for k, v in out.items()}
