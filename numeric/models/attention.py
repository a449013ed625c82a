"""`chainrule train attention`: a one-layer attention model learns to reverse token sequences.

Equations (X: (N, L) token ids; d = d_model; h heads)::

    Z = W_emb[X] + PE                    (N, L, d)   embedding + sinusoidal positions
    A = MultiHead(Z)                     (N, L, d)   self-attention, no mask, d_k = d/h
    logits = A W_out + b_out             (N, L, V)   y_i = x_{L−1−i}, softmax cross-entropy

Output position i has to find input position L−1−i: the positional encoding carries it, since
PE(L−1−i) is a fixed linear map (a reflection per sin/cos pair) of PE(i), which W_Q W_Kᵀ can
learn. ``--plot`` shows the learnt attention weights: an anti-diagonal. ``--backend torch`` runs
nn.Embedding + nn.MultiheadAttention + nn.Linear from the same starting weights.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.errors import UserError
from derive.steps import Table, TrainReport
from numeric.datasets import reversal
from numeric.layers import attention as att
from numeric.layers import dense, embedding, losses, positional
from numeric.layers._buffers import Workspace
from numeric.models._sequence import (NumpyTrainer, TorchTrainer, check_outputs, fit, history_table, load_params, loss_axes,
                                      positive, save_params, settings, threads_for)
from numeric.training import minibatches

NAME = "attention"
SUMMARY = "embedding + positional encoding + multi-head attention reversing token sequences (≥ 99 % held-out)"
OPTIONS: dict[str, Any] = {"epochs": 8, "steps": None, "lr": 0.01, "batch_size": 64, "hidden": 32, "heads": 2,
                           "length": 16, "vocab": 16, "train_size": 4096, "test_size": 1024, "clip": 1.0}
BENCH: dict[str, Any] = {"epochs": 4}
SPEC_KEYS = ("hidden", "heads", "length", "vocab")


def init(rng: np.random.Generator, cfg: dict[str, Any]) -> dict[str, np.ndarray]:
    """Seeded float32 parameters: N(0, 1) embedding, Glorot attention and readout, zero biases."""
    d, v = cfg["hidden"], cfg["vocab"]
    params = {"emb.W": embedding.init(rng, v, d)["W"]}
    params.update({f"att.{k}": w for k, w in att.init(rng, d).items()})
    k = math.sqrt(6.0 / (d + v))
    params.update({"out.W": rng.uniform(-k, k, (d, v)), "out.b": np.zeros(v)})
    return {k: w.astype(np.float32) for k, w in params.items()}


def _sub(params: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    return {k[len(prefix) + 1:]: v for k, v in params.items() if k.startswith(prefix + ".")}


def forward(params: dict[str, np.ndarray], x: np.ndarray, heads: int, ws: Workspace | None = None) -> tuple[np.ndarray, Any]:
    """Logits (N·L, V) for token ids x: (N, L)."""
    e, c_emb = embedding.forward(_sub(params, "emb"), x)
    z, _ = positional.forward({}, e)
    a, c_att = att.forward(_sub(params, "att"), z, heads, ws=ws)
    N, L, d = a.shape
    out, c_out = dense.forward(_sub(params, "out"), a.reshape(N * L, d))
    return out, (c_emb, c_att, c_out, (N, L, d))


def backward(dout: np.ndarray, cache: Any) -> dict[str, np.ndarray]:
    """Gradients of every parameter from dout = ∂L/∂logits: (N·L, V)."""
    c_emb, c_att, c_out, (N, L, d) = cache
    da, g_out = dense.backward(dout, c_out)
    dz, g_att = att.backward(da.reshape(N, L, d), c_att)
    _, g_emb = embedding.backward(dz, c_emb)                           # ∂(e + PE)/∂e = I
    return {**{f"out.{k}": v for k, v in g_out.items()}, **{f"att.{k}": v for k, v in g_att.items()},
            "emb.W": g_emb["W"]}


def attention_weights(params: dict[str, np.ndarray], x: np.ndarray, heads: int) -> np.ndarray:
    """The attention weights P: (N, h, L, L) of the model on x."""
    return att.weights(forward(params, x, heads)[1][1])


def _resolve(config: dict[str, Any]) -> dict[str, Any]:
    cfg = settings(config, OPTIONS)
    for key in ("epochs", "batch_size", "hidden", "heads", "length", "vocab", "train_size", "test_size"):
        if not isinstance(cfg[key], int) or isinstance(cfg[key], bool):
            raise UserError(f"expected a whole number, got {cfg[key]!r}", f"--{key.replace('_', '-')}")
    positive(cfg, "lr", "batch_size", "hidden", "heads", "length", "train_size", "test_size", "epochs", "clip",
             allow_zero=("epochs", "clip"))
    if cfg["vocab"] < 2 or cfg["length"] < 2:
        raise UserError("need at least 2 tokens and sequences of length ≥ 2", "--set vocab/length")
    if cfg["hidden"] % cfg["heads"]:
        raise UserError(f"hidden (d_model) = {cfg['hidden']} must be divisible by heads = {cfg['heads']}", "--set heads")
    if cfg["hidden"] > 2048 or cfg["length"] > 512:
        raise UserError("hidden ≤ 2048 and length ≤ 512, please", "--hidden")
    check_outputs(cfg)
    return cfg


def _trainer(params: dict[str, np.ndarray], cfg: dict[str, Any]) -> Any:
    if cfg["backend"] != "torch":
        ws = Workspace()
        return NumpyTrainer(params, lambda p, x: forward(p, x, cfg["heads"], ws), backward,
                            lambda out, y: losses.softmax_cross_entropy(out, y.reshape(-1)), cfg["lr"], cfg["clip"])
    from numeric import torch_util
    from numeric.models import _attention_torch as at
    torch_util.seed_all(cfg["seed"])
    device = torch_util.device(cfg["device"])
    net = at.Net(cfg["vocab"], cfg["hidden"], cfg["heads"], cfg["length"]).to(device)
    at.load(net, params)
    import torch.nn.functional as F
    return TorchTrainer(net, at.export, lambda out, y: F.cross_entropy(out, y.reshape(-1)), cfg["lr"], cfg["clip"], device)


def train(config: dict[str, Any], progress: Any = None) -> TrainReport:
    """Train the reversal model; report held-out token and sequence accuracy."""
    cfg = _resolve(config)
    init_rng, data_rng, batch_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(cfg["seed"]).spawn(3))
    (x, y), (xt, yt) = reversal.split(data_rng, cfg["train_size"], cfg["test_size"], cfg["length"], cfg["vocab"])
    params = init(init_rng, cfg)
    if cfg.get("load"):
        params = load_params(cfg["load"], NAME, params, cfg, SPEC_KEYS)
    per_epoch = math.ceil(len(x) / cfg["batch_size"])
    total = cfg["steps"] if cfg.get("steps") is not None else cfg["epochs"] * per_epoch
    epochs = (((x[i], y[i]) for i in minibatches(batch_rng, len(x), cfg["batch_size"])) for _ in range(math.ceil(total / per_epoch)))
    with threads_for(cfg["batch_size"] * cfg["length"] * cfg["hidden"] ** 2, cfg["backend"]):
        trainer = _trainer(params, cfg)
        history = fit(trainer, epochs, total, progress, lambda e: {"test_accuracy": _accuracy(trainer, xt, yt)[0]},
                      per_epoch=per_epoch)
        acc, seq_acc, test_loss = _accuracy(trainer, xt, yt)
        final = trainer.params()
    metrics = {"test_accuracy": acc, "sequence_accuracy": seq_acc, "test_loss": test_loss,
               **({"train_loss": history[-1]["loss"]} if history else {}), "test_sequences": int(len(xt)),
               "epochs": len(history), "steps": total}
    plots = [_plot(cfg, history, final, xt)] if cfg.get("plot") else []
    if cfg.get("save"):
        save_params(cfg["save"], NAME, final, {k: cfg[k] for k in SPEC_KEYS})
    cols, rows = history_table(history)
    notes = [f"data: {len(x)} training and {len(xt)} held-out random sequences of {cfg['length']} tokens "
             f"from {cfg['vocab']}; target = the sequence reversed",
             f"network: embedding {cfg['hidden']} + sinusoidal PE → multi-head self-attention (h={cfg['heads']}, "
             f"d_k={cfg['hidden'] // cfg['heads']}) → dense {cfg['vocab']}; batch {cfg['batch_size']}, "
             f"Adam lr {cfg['lr']:g}, clip ‖g‖ ≤ {cfg['clip']:g}",
             "test_accuracy: share of held-out tokens predicted right; sequence_accuracy: whole sequences right"]
    return TrainReport(model=NAME, backend=cfg["backend"], device=cfg["device"], seed=cfg["seed"], metrics=metrics,
                       table=Table("Training history", cols, rows), history=history, plots=plots, notes=notes,
                       summary=f"Held-out token accuracy {100 * acc:.2f} % ({100 * seq_acc:.1f} % of sequences reversed exactly).")


def _accuracy(trainer: Any, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """(token accuracy, sequence accuracy, cross-entropy) on (x, y)."""
    logits = trainer.predict(x).astype(np.float64)
    right = (logits.argmax(axis=1) == y.reshape(-1)).reshape(y.shape)
    loss, _ = losses.softmax_cross_entropy(logits, y.reshape(-1))
    return float(right.mean()), float(right.all(axis=1).mean()), loss


def _plot(cfg: dict[str, Any], history: list[dict[str, float]], params: dict[str, np.ndarray], xt: np.ndarray) -> str:
    from numeric.plotting import pyplot, save_figure
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    loss_axes(left, history)
    p = attention_weights(params, xt[:1], cfg["heads"])[0].mean(axis=0)    # (L, L), mean over heads
    im = right.imshow(p, cmap="viridis", vmin=0.0, vmax=1.0)
    tokens = [str(t) for t in xt[0]]
    right.set_xticks(range(len(tokens)), tokens)
    right.set_yticks(range(len(tokens)), [str(t) for t in xt[0][::-1]])
    right.set_xlabel("input position (key): token")
    right.set_ylabel("output position (query): target")
    right.set_title("attention weights, mean over heads (test sequence 0)")
    fig.colorbar(im, ax=right)
    return save_figure(fig, cfg["plot"])
