"""The recurrent network behind ``train rnn|lstm|gru``, in NumPy: [embedding →] cell → dense readout.

Equations (per time step; the cell is one of numeric.layers.{rnn, lstm, gru})::

    e_t = W_emb[x_t]              (text: token ids → vectors; sine: e_t = x_t, a scalar)
    h_t = cell(e_t, h_{t−1})
    ŷ_t = h_t W_out + b_out        (sine: next value; text: logits of the next character)

Parameters are one flat dict with prefixed names ("emb.W", "cell.W_x", "out.W", …), float32.
The same names are used by the torch backend and in saved files, so either backend can load
what the other saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from numeric.layers import embedding, gru, lstm, rnn
from numeric.layers._buffers import Workspace

CELLS = {"rnn": rnn, "lstm": lstm, "gru": gru}


@dataclass(frozen=True)
class Spec:
    """Shape of the network: cell kind, sizes, and the GRU variant."""

    cell: str
    n_in: int                      # input features (sine: 1; text: embedding size)
    hidden: int
    n_out: int                     # sine: 1; text: vocabulary size
    vocab: int = 0                 # > 0: integer inputs through an embedding
    convention: str = "pytorch"
    reset: str = "after"

    def cell_kwargs(self) -> dict[str, str]:
        """Keyword options of the cell's forward (only the GRU has any)."""
        return {"convention": self.convention, "reset": self.reset} if self.cell == "gru" else {}


def _sub(params: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    return {k[len(prefix) + 1:]: v for k, v in params.items() if k.startswith(prefix + ".")}


def _prefixed(prefix: str, grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {f"{prefix}.{k}": v for k, v in grads.items() if k not in ("h0", "c0")}


def init(rng: np.random.Generator, spec: Spec) -> dict[str, np.ndarray]:
    """Seeded float32 parameters: PyTorch-style uniform cell weights, Glorot readout, N(0, 1) embedding."""
    cell = CELLS[spec.cell]
    kw = {"reset": spec.reset} if spec.cell == "gru" else {}
    params = {f"cell.{k}": v for k, v in cell.init(rng, spec.n_in, spec.hidden, dtype=np.float32, **kw).items()}
    if spec.vocab:
        params["emb.W"] = embedding.init(rng, spec.vocab, spec.n_in, dtype=np.float32)["W"]
    k = np.sqrt(6.0 / (spec.hidden + spec.n_out))
    params["out.W"] = rng.uniform(-k, k, (spec.hidden, spec.n_out)).astype(np.float32)
    params["out.b"] = np.zeros(spec.n_out, dtype=np.float32)
    return params


def forward(params: dict[str, np.ndarray], x: np.ndarray, spec: Spec,
            ws: Workspace | None = None) -> tuple[np.ndarray, Any]:
    """Outputs ŷ: (N·T, n_out), rows in (n, t) order, for x: (N, T) ids or (N, T, 1) values.

    ``ws`` (optional) lets the cell reuse its scratch arrays from the previous call. The readout
    works on the cell's time-inside layout (h as (H, T·N), columns (t, n)): ŷᵀ = W_outᵀ hᵀ + b_out,
    so the (N, T, H) view of h is never copied into rows; only ŷ, n_out values a row, is reordered.
    """
    caches: dict[str, Any] = {}
    if spec.vocab:
        x, caches["emb"] = embedding.forward(_sub(params, "emb"), x)
    h, caches["cell"] = CELLS[spec.cell].forward(_sub(params, "cell"), x, ws=ws, **spec.cell_kwargs())
    N, T, H = h.shape
    hT = h.transpose(2, 1, 0).reshape(H, T * N)                          # a view for the LSTM, a copy otherwise
    W, b = params["out.W"], params["out.b"]
    outT = W.T @ hT                                                      # (n_out, T·N), columns (t, n)
    outT += b[:, None]
    out = np.ascontiguousarray(outT.reshape(-1, T, N).transpose(2, 1, 0)).reshape(N * T, -1)
    return out, (caches, hT, W, (N, T, H))


def backward(dout: np.ndarray, cache: Any, spec: Spec) -> dict[str, np.ndarray]:
    """Gradients of every parameter from dout = ∂L/∂ŷ: (N·T, n_out)."""
    caches, hT, W, (N, T, H) = cache
    n_out = dout.shape[1]
    doutT = np.ascontiguousarray(dout.reshape(N, T, n_out).transpose(2, 1, 0)).reshape(n_out, T * N)
    grads = {"out.W": hT @ doutT.T, "out.b": dout.sum(axis=0)}          # Σ h ḡᵀ, Σ ḡ
    dhT = W * doutT if n_out == 1 else W @ doutT                         # ∂L/∂h = W_out ḡ (one output: an outer
    dh = dhT.reshape(H, T, N).transpose(2, 1, 0)                         # product, 4× faster than a K=1 GEMM)
    dx, g_cell = CELLS[spec.cell].backward(dh, caches["cell"], need_dx=bool(spec.vocab))
    grads.update(_prefixed("cell", g_cell))
    if spec.vocab:
        grads.update(_prefixed("emb", embedding.backward(dx, caches["emb"])[1]))
    return grads


def step(params: dict[str, np.ndarray], token: np.ndarray, state: tuple[np.ndarray, ...] | None,
         spec: Spec) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """One time step for sampling: (ŷ_t: (N, n_out), new state) from token ids (N,) and a state."""
    e = params["emb.W"][token] if spec.vocab else token
    p = _sub(params, "cell")
    if state is None:
        zeros = np.zeros((e.shape[0], spec.hidden), dtype=e.dtype)
        state = (zeros, zeros) if spec.cell == "lstm" else (zeros,)
    if spec.cell == "lstm":
        state = lstm.step(p, e, *state)
    elif spec.cell == "gru":
        state = (gru.step(p, e, state[0], **spec.cell_kwargs()),)
    else:
        state = (rnn.step(p, e, state[0]),)
    return state[0] @ params["out.W"] + params["out.b"], state
