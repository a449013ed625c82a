"""The reversal model in PyTorch (``train attention --backend torch``).

nn.Embedding + the same sinusoidal table + nn.MultiheadAttention (batch_first) + nn.Linear,
initialised from the NumPy parameter dict and exported back under the same names:
in_proj_weight = [W_Q | W_K | W_V]ᵀ, out_proj.weight = W_Oᵀ (checked in test_attention.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from numeric.layers.positional import encoding

QKV = ("Q", "K", "V")


class Net(nn.Module):
    """Embedding + PE → multi-head self-attention → linear readout; logits (N·L, V)."""

    def __init__(self, vocab: int, d_model: int, heads: int, length: int):
        super().__init__()
        self.vocab = vocab
        self.emb = nn.Embedding(vocab, d_model)
        self.register_buffer("pe", torch.from_numpy(encoding(length, d_model, dtype=np.float32).copy()))
        self.att = nn.MultiheadAttention(d_model, heads, batch_first=True)
        self.out = nn.Linear(d_model, vocab)

    def forward(self, x: Any) -> Any:
        z = self.emb(x) + self.pe[: x.shape[1]]
        a, _ = self.att(z, z, z, need_weights=False)
        return self.out(a).reshape(-1, self.vocab)


def load(net: Net, params: dict[str, np.ndarray]) -> None:
    """Copy the NumPy parameters into ``net`` (in place)."""
    def t(a: np.ndarray) -> Any:
        return torch.from_numpy(np.ascontiguousarray(a))
    with torch.no_grad():
        net.emb.weight.copy_(t(params["emb.W"]))
        net.att.in_proj_weight.copy_(t(np.concatenate([params[f"att.W_{n}"] for n in QKV], axis=1).T))
        net.att.in_proj_bias.copy_(t(np.concatenate([params[f"att.b_{n}"] for n in QKV])))
        net.att.out_proj.weight.copy_(t(params["att.W_O"].T))
        net.att.out_proj.bias.copy_(t(params["att.b_O"]))
        net.out.weight.copy_(t(params["out.W"].T))
        net.out.bias.copy_(t(params["out.b"]))


def export(net: Net) -> dict[str, np.ndarray]:
    """The parameters of ``net`` as a NumPy dict under the NumPy model's names."""
    def a(p: Any) -> np.ndarray:
        return p.detach().cpu().numpy().astype(np.float32)
    d = net.emb.weight.shape[1]
    w_in, b_in = a(net.att.in_proj_weight).T, a(net.att.in_proj_bias)
    out = {"emb.W": a(net.emb.weight)}
    for j, n in enumerate(QKV):
        out[f"att.W_{n}"], out[f"att.b_{n}"] = w_in[:, j * d:(j + 1) * d], b_in[j * d:(j + 1) * d]
    out.update({"att.W_O": a(net.att.out_proj.weight).T, "att.b_O": a(net.att.out_proj.bias),
                "out.W": a(net.out.weight).T, "out.b": a(net.out.bias)})
    return {k: np.ascontiguousarray(v) for k, v in out.items()}
