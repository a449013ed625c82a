"""Autoencoder on scikit-learn's digits: 64 → hidden → code → hidden → 64 (SYLLABUS §9).

Equations::

    h = ReLU(x W_e1 + b_e1),  c = h W_code + b_code,  h' = ReLU(c W_d1 + b_d1),  l = h' W_out + b_out
    x̂ = σ(l);  loss = BCE(x, x̂) summed over the 64 pixels (or ½‖x̂ − x‖² with --set loss=mse),
    averaged over the batch.  x: (N, 64), c: (N, code)

Reported: ``recon_error`` = mean squared error per pixel on the 360 held-out images, and the
same for the trivial baseline that predicts the mean training image. Options: --epochs (60;
0 with --load = evaluate only), --lr, --batch-size, --hidden, --set code=16, --set loss=bce|mse.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import TrainReport
from numeric.layers import activations, losses
from numeric.models import _generative_digits, _generative_training, _mlp
from numeric.optim import Adam
from numeric.training import Progress

NAME = "autoencoder"
SUMMARY = "Autoencoder on load_digits (64→h→code→h→64): reconstruction error vs the mean-image baseline"
OPTIONS = {"epochs": None, "lr": 2e-3, "batch_size": 64, "hidden": 128, "data": "digits", "code": 16, "loss": "bce"}
CHOICES = {"data": ("digits",), "loss": ("bce", "mse")}
EPOCHS = 60
BENCH = {"epochs": 20}
QUALITY = "recon_error"


def layers(hidden: int, code: int, d: int = 64) -> tuple[_mlp.Layer, ...]:
    """Encoder then decoder; the last layer outputs logits l (σ(l) = x̂)."""
    return (("e1", d, hidden, "relu"), ("code", hidden, code, None), ("d1", code, hidden, "relu"), ("out", hidden, d, None))


def forward(params: dict[str, np.ndarray], x: np.ndarray, net: tuple[_mlp.Layer, ...]) -> tuple[np.ndarray, Any]:
    """Logits l: (N, 64) of the reconstruction x̂ = σ(l)."""
    return _mlp.forward(params, x, net)


def loss(params: dict[str, np.ndarray], x: np.ndarray, net: tuple[_mlp.Layer, ...], kind: str = "bce",
         grads: dict[str, np.ndarray] | None = None) -> tuple[float, dict[str, np.ndarray]]:
    """(loss, ∂loss/∂params); BCE from logits: ∂/∂l = (σ(l) − x)/N; MSE: (x̂ − x) ⊙ x̂(1 − x̂)/N."""
    logits, cache = forward(params, x, net)
    if kind == "bce":
        value, dl = losses.bce_with_logits(logits, x)
    else:
        xhat, act = activations.forward(logits, "sigmoid")
        value, dxhat = losses.mse(xhat, x)
        dl = activations.backward(dxhat, act)
    grads = grads if grads is not None else {k: np.empty_like(v) for k, v in params.items()}
    _mlp.backward(dl, cache, grads, need_dx=False)
    return value, grads


def reconstruct(params: dict[str, np.ndarray], x: np.ndarray, net: tuple[_mlp.Layer, ...]) -> np.ndarray:
    """x̂ = σ(l): (N, 64)."""
    return activations.sigmoid(forward(params, x, net)[0])


def _numpy(cfg: dict[str, Any], params: dict[str, np.ndarray], x: np.ndarray, net: tuple, epochs: int,
           rng: np.random.Generator, progress: Progress) -> tuple[dict[str, np.ndarray], list]:
    flat, opt = _mlp.Flat(params), Adam(cfg["lr"])

    def step(idx: np.ndarray) -> float:
        value, _ = loss(flat.params, x[idx], net, cfg["loss"], flat.grads)
        flat.step(opt)
        return value
    history = _generative_training.run_epochs(epochs, len(x), cfg["batch_size"], rng, step, progress)
    return flat.params, history


def _torch(cfg: dict[str, Any], params: dict[str, np.ndarray], x: np.ndarray, net: tuple, epochs: int,
           rng: np.random.Generator, progress: Progress) -> tuple[dict[str, np.ndarray], list]:
    torch, dev, _ = _generative_training.torch_setup(cfg)
    F = torch.nn.functional
    p = _mlp.torch_params(torch, params, dev)
    opt = torch.optim.Adam(p.values(), lr=cfg["lr"])
    X = torch.from_numpy(x).to(dev)

    def step(idx: np.ndarray) -> float:
        xb = X[torch.from_numpy(idx).to(dev)]
        logits = _mlp.torch_forward(torch, p, xb, net)
        if cfg["loss"] == "bce":
            value = F.binary_cross_entropy_with_logits(logits, xb, reduction="sum") / len(idx)
        else:
            value = 0.5 * ((torch.sigmoid(logits) - xb) ** 2).sum() / len(idx)
        opt.zero_grad(set_to_none=True)
        value.backward()
        opt.step()
        return value.item()
    history = _generative_training.run_epochs(epochs, len(x), cfg["batch_size"], rng, step, progress)
    return _generative_training.to_numpy(p), history


@_generative_training.single_thread
def train(config: dict[str, Any], progress: Progress = None) -> TrainReport:
    """Train the autoencoder on the digits training split; report held-out reconstruction error."""
    cfg = _generative_training.settings(config, {**OPTIONS, "epochs": None}, CHOICES)
    x_tr, _, x_te, _ = _generative_digits.load()
    rng = np.random.default_rng(cfg["seed"])
    net = layers(int(cfg["hidden"]), int(cfg["code"]))
    params = _mlp.init(rng, net)
    _generative_training.load_into(cfg, NAME, params)
    run = _numpy if cfg["backend"] == "numpy" else _torch
    params, history = run(cfg, params, x_tr, net, _generative_training.budget(cfg, "epochs", EPOCHS), rng, progress)
    _generative_training.save_from(cfg, NAME, params)
    recon = reconstruct(params, x_te, net)
    error = float(np.mean((recon - x_te) ** 2))
    baseline = float(np.mean((x_tr.mean(axis=0) - x_te) ** 2))
    metrics = {"recon_error": error, "baseline_error": baseline, "improvement": baseline / error,
               "beats_baseline": error < baseline, "epochs": len(history), "code": int(cfg["code"]), "hidden": int(cfg["hidden"])}
    if history:
        metrics["train_loss"] = history[-1]["loss"]
    summary = (f"autoencoder: held-out reconstruction MSE {error:.4f} per pixel vs {baseline:.4f} for the mean image "
               f"({f'{baseline / error:.1f}× better' if error < baseline else f'{error / baseline:.1f}× worse'})")
    notes = ["recon_error = mean over 360 held-out digits and 64 pixels of (x̂ − x)², pixels scaled to [0, 1]",
             "baseline_error = the same error when every image is predicted by the mean training image"]

    def plot(path: Any) -> str:
        from numeric.models._generative_plots import reconstructions
        return reconstructions(path, x_te[:10], recon[:10], history, "Autoencoder")
    return _generative_training.report(NAME, cfg, metrics, history, summary, notes, plot)
