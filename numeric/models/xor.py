"""XOR with a 2-8-1 MLP: the smallest problem a single perceptron cannot solve (SYLLABUS §1).

Equations (full batch of the four points, float64)::

    h = tanh(X W1 + b1)          X: (4, 2), W1: (2, H), h: (4, H)
    z = h W2 + b2,  y = σ(z)     W2: (H, 1), y: (4, 1)
    L = (1/4) Σ BCE(z, t)        (stable, from the logits; --set loss=mse: ½ mean (y − t)²)
    Adam, η = 0.1, Glorot-uniform weights, zero biases

Defaults (H = 8, 300 epochs) solve XOR for every seed tested: 0–999 with this module (final
loss ≤ 1e-3), 0–4999 in a vectorised replica (all four points right within 40 epochs).
``--backend torch`` runs the same network (same initial weights, same Adam) in PyTorch, so both
backends give the same numbers to about 1e-12.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import Table, TrainReport
from numeric import network, optim
from numeric.datasets.xor import xor
from numeric.layers import losses
from numeric.layers.activations import sigmoid
from numeric.training import Rate, counted, every, guard_finite, load_into, option, save_from, significant, tick

NAME = "xor"
SUMMARY = "2-H-1 MLP learns XOR (NumPy or torch); reports the four outputs and whether XOR is solved"
OPTIONS: dict[str, Any] = {"epochs": 300, "lr": 0.1, "hidden": 8, "activation": "tanh", "loss": "bce", "optimizer": "adam"}
BENCH = {"epochs": 2000}
QUALITY = "loss"
ACTIVATIONS = ("tanh", "sigmoid", "relu", "leaky_relu", "elu", "swish", "softplus")


def settings(config: dict[str, Any]) -> dict[str, Any]:
    """The validated options of a run (CLI values, ``--set`` text converted)."""
    return {"epochs": option(config, "epochs", int, low=1), "lr": option(config, "lr", float, low=0.0),
            "hidden": option(config, "hidden", int, low=1, high=4096),
            "activation": option(config, "activation", str, ACTIVATIONS),
            "loss": option(config, "loss", str, ("bce", "mse")),
            "optimizer": option(config, "optimizer", str, ("adam", "sgd", "momentum")),
            "seed": int(config.get("seed", 0)), "backend": config.get("backend", "numpy"),
            "device": config.get("device", "cpu")}


def layers(hidden: int, activation: str) -> list[network.Layer]:
    """2 → hidden (activation) → 1 logit."""
    return [network.dense("1", 2, hidden), network.act(activation), network.dense("2", hidden, 1)]


def _loss(z: np.ndarray, t: np.ndarray, kind: str) -> tuple[float, np.ndarray]:
    """Loss of logits z against t and ∂L/∂z: BCE from logits, or ½ mean (σ(z) − t)² chained through σ."""
    if kind == "bce":
        return losses.bce_with_logits(z, t)
    y = sigmoid(z)
    value, dy = losses.mse(y, t)
    return value, dy * y * (1 - y)


def _train_numpy(s: dict[str, Any], spec: list[network.Layer], params: dict[str, np.ndarray],
                 X: np.ndarray, T: np.ndarray, progress: Any) -> list[float]:
    opt = {"adam": lambda: optim.Adam(s["lr"]), "sgd": lambda: optim.SGD(s["lr"]),
           "momentum": lambda: optim.SGD(s["lr"], momentum=0.9)}[s["optimizer"]]()
    history, n, report, rate = [], s["epochs"], every(s["epochs"]), Rate()
    for epoch in range(1, n + 1):
        z, caches = network.forward(spec, params, X)
        loss, dz = _loss(z, T, s["loss"])
        history.append(guard_finite(loss, f"epoch {epoch}"))
        opt.step(params, network.backward(spec, caches, dz))
        if epoch % report == 0 or epoch == n:
            tick(progress, epoch, n, loss=loss, **{"epoch/s": rate(epoch)})
    return history


def _train_torch(s: dict[str, Any], spec: list[network.Layer], params: dict[str, np.ndarray],
                 X: np.ndarray, T: np.ndarray, progress: Any) -> list[float]:
    from numeric.torch_util import device, require_torch, seed_all
    torch = require_torch()
    F = torch.nn.functional
    dev = device(s["device"])
    seed_all(s["seed"])
    tp = {k: torch.tensor(v, device=dev, requires_grad=True) for k, v in params.items()}
    Xt, Tt = torch.tensor(X, device=dev), torch.tensor(T, device=dev)
    opt = {"adam": lambda p: torch.optim.Adam(p, s["lr"]), "sgd": lambda p: torch.optim.SGD(p, s["lr"]),
           "momentum": lambda p: torch.optim.SGD(p, s["lr"], momentum=0.9)}[s["optimizer"]](list(tp.values()))
    history, n, report, rate = [], s["epochs"], every(s["epochs"]), Rate()
    for epoch in range(1, n + 1):
        opt.zero_grad(set_to_none=True)
        z = network.torch_forward(spec, tp, Xt)
        if s["loss"] == "bce":
            loss = F.binary_cross_entropy_with_logits(z, Tt)
        else:
            loss = 0.5 * ((torch.sigmoid(z) - Tt) ** 2).sum() / Xt.shape[0]
        loss.backward()
        opt.step()
        history.append(loss.detach())
        if epoch % report == 0 or epoch == n:
            tick(progress, epoch, n, loss=guard_finite(float(history[-1]), f"epoch {epoch}"), **{"epoch/s": rate(epoch)})
    values = torch.stack(history).cpu().numpy().tolist()
    for epoch, value in enumerate(values, 1):
        guard_finite(value, f"epoch {epoch}")
    for k, v in tp.items():
        params[k] = v.detach().cpu().numpy()
    return values


def train(config: dict[str, Any], progress: Any = None) -> TrainReport:
    """Train the 2-H-1 network on the four XOR points; report outputs, loss and whether XOR is solved."""
    s = settings(config)
    X, T = xor()
    spec = layers(s["hidden"], s["activation"])
    params = network.init_params(spec, np.random.default_rng(s["seed"]))
    loaded = load_into(config, NAME, params, network.shapes(spec))
    if s["backend"] == "torch":
        from numeric.torch_util import threads
        with threads(int(config.get("cpu_threads") or 1) if s["device"] == "cpu" else None):
            history = _train_torch(s, spec, params, X, T, progress)
    else:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            history = _train_numpy(s, spec, params, X, T, progress)
    z, _ = network.forward(spec, params, X)
    y = sigmoid(z)[:, 0]
    final = guard_finite(_loss(z, T, s["loss"])[0], "the end of training")
    correct = (y >= 0.5) == (T[:, 0] == 1)
    solved = bool(correct.all())
    metrics = {"solved": solved, "loss": significant(final), "outputs": [significant(float(v)) for v in y],
               "epochs": s["epochs"], "accuracy": float(correct.mean())}
    table = Table("XOR: inputs, network output y = σ(z), target", ("x1", "x2", "output", "target", "class", "correct"),
                  tuple((int(a), int(b), f"{o:.4f}", int(t), int(o >= 0.5), "yes" if c else "no")
                        for (a, b), o, t, c in zip(X, y, T[:, 0], correct)))
    notes = [f"network 2-{s['hidden']}-1, {s['activation']} hidden layer, sigmoid output, "
             f"{'binary cross-entropy' if s['loss'] == 'bce' else 'squared error ½(y − t)²'} loss, "
             f"{s['optimizer']} (η = {s['lr']}), Glorot-uniform initial weights from seed {s['seed']}",
             "a point counts as classified correctly when the output is on the target's side of 0.5"]
    if loaded:
        notes.append(f"started from the parameters in {config['load']}")
    plots = _plots(config, history, spec, params, X, T)
    saved = save_from(config, NAME, params)
    if saved:
        notes.append(f"parameters saved to {saved}")
    verdict = "XOR solved: all four points classified correctly" if solved else \
        f"XOR not solved: {int(correct.sum())} of 4 points correct (try more --epochs or another --seed)"
    return TrainReport(NAME, s["backend"], s["device"], s["seed"], metrics, table,
                       [{"epoch": i + 1, "loss": v} for i, v in enumerate(history)], plots,
                       f"{verdict}; final loss {final:.4g} after {counted(s['epochs'], 'epoch')}.", notes)


def _plots(config: dict[str, Any], history: list[float], spec: list[network.Layer],
           params: dict[str, np.ndarray], X: np.ndarray, T: np.ndarray) -> list[str]:
    if not config.get("plot"):
        return []
    from numeric.plotting import decision_boundary, loss_curve, pyplot, save_figure
    plt = pyplot()
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    loss_curve(a, history, "training loss")
    decision_boundary(b, lambda P: sigmoid(network.forward(spec, params, P)[0])[:, 0], X, T[:, 0], (-0.5, 1.5),
                      title="XOR decision boundary (σ(z) = 0.5)")
    return [save_figure(fig, config["plot"])]
