"""Independent step values of the ``word2vec`` type, by other routes (tests only)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from problems.shared.optional_torch import load_torch


def word2vec_cross(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): pairs enumerated explicitly; torch EmbeddingBag(mean),
    Linear and cross_entropy for CBOW (NumPy without torch)."""
    stop = set(g["stopwords"])
    sentences = re.split(r"[.!?;]", g["corpus"].lower()) if g.get("windows") == "sentence" else [g["corpus"].lower()]
    tagged = [(w, s) for s, part in enumerate(sentences) for w in re.split(r"[^a-z']+", part) if w and w not in stop]
    toks = [w for w, _ in tagged]
    vocab = sorted(set(toks), key=toks.index)

    def near(i: int, j: int) -> bool:
        return 0 < abs(i - j) <= g["window"] and tagged[i][1] == tagged[j][1]
    pairs = [(toks[i], toks[j]) for i in range(len(toks)) for j in range(len(toks)) if near(i, j)]
    ctx = {f"context.{i + 1}": " ".join(toks[j] for j in range(len(toks)) if near(i, j)) for i in range(len(toks))}
    t = toks.index(g["target"])
    ids = [vocab.index(w) for w in ctx[f"context.{t + 1}"].split()]
    W, Wo, tgt = np.array(g["W"], dtype=float), np.array(g["W_out"], dtype=float), vocab.index(g["target"])
    torch = load_torch()
    if torch is not None:
        bag = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(W), mode="mean")
        lin = torch.nn.Linear(W.shape[1], len(vocab), bias=False, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(Wo.T))
            h = bag(torch.tensor([ids]))[0]
            u = lin(h)
            y, loss = torch.softmax(u, 0).numpy(), float(torch.nn.functional.cross_entropy(u[None], torch.tensor([tgt])))
        h, u = h.numpy(), u.numpy()
    else:
        h = W[ids].mean(axis=0)
        u = np.einsum("nv,n->v", Wo, h)
        y = np.exp(u) / np.exp(u).sum()
        loss = float(np.log(np.exp(u).sum()) - u[tgt])
    return ctx | {"tokens": " ".join(toks), "vocab": " ".join(vocab), "V": len(vocab), "onehot": np.eye(len(vocab))[tgt].tolist(),
                  "pairs": len(pairs), "h": h.tolist(), "u": u.tolist(), "yhat": y.tolist(), "pred": vocab[int(np.argmax(y))],
                  "loss": loss}
