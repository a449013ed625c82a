"""Shared by the digit classifiers (``mlp``, ``cnn``): options, the run, its report and plots."""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import Table, TrainReport
from numeric import classify, network
from numeric.datasets import digits
from numeric.training import counted, load_into, option, save_from, significant

DTYPES = {"float32": np.float32, "float64": np.float64}


def settings(config: dict[str, Any]) -> dict[str, Any]:
    """Validated options common to the digit classifiers."""
    return {"epochs": option(config, "epochs", int, low=1), "lr": option(config, "lr", float, low=0.0),
            "batch_size": option(config, "batch_size", int, low=1, high=100_000),
            "hidden": option(config, "hidden", int, low=1, high=4096),
            "weight_decay": option(config, "weight_decay", float, low=0.0),
            "dtype": option(config, "dtype", str, tuple(DTYPES)),
            "optimizer": option(config, "optimizer", str, classify.OPTIMIZERS),
            "seed": int(config.get("seed", 0)), "backend": config.get("backend", "numpy"),
            "device": config.get("device", "cpu")}


def train_digits(name: str, layers: list[network.Layer], s: dict[str, Any], config: dict[str, Any],
                 progress: Any, images: bool, describe: str) -> TrainReport:
    """Train ``layers`` on the fixed digits split; report test accuracy, per-digit table and plots."""
    dtype = DTYPES[s["dtype"]]
    params = network.init_params(layers, np.random.default_rng(s["seed"]), dtype)
    loaded = load_into(config, name, params, network.shapes(layers))     # a bad file fails before any work
    data = digits.load().astype(dtype)
    data = data.as_images() if images else data
    metrics: dict[str, Any] = {}
    if loaded:
        metrics["loaded_test_accuracy"] = round(classify.accuracy(classify.predict(layers, params, data.X_test), data.y_test), 6)
    run = classify.Run(layers, data.X_train, data.y_train, data.X_test, data.y_test, s["epochs"], s["batch_size"],
                       s["lr"], s["seed"], s["backend"], s["device"], s["weight_decay"],
                       int(config.get("cpu_threads") or classify.CPU_THREADS), s["optimizer"])
    history = classify.fit(run, params, progress)
    test_pred = np.argmax(classify.predict(layers, params, data.X_test), axis=1)
    train_acc = classify.accuracy(classify.predict(layers, params, data.X_train), data.y_train)
    test_acc = float(np.mean(test_pred == data.y_test))
    metrics.update(test_accuracy=round(test_acc, 6), train_accuracy=round(train_acc, 6),
                   loss=significant(history[-1]["loss"]), epochs=s["epochs"],
                   parameters=int(sum(p.size for p in params.values())))
    notes = [describe, f"data: {len(data.y_train)} training / {len(data.y_test)} test images, fixed stratified "
             f"80/20 split (random_state=0); pixels scaled to [0, 1]",
             f"{s['optimizer']} η = {s['lr']}, batch {s['batch_size']}, {counted(s['epochs'], 'epoch')}, {s['dtype']}, seed {s['seed']}"]
    if loaded:
        notes.append(f"started from {config['load']} (test accuracy before training: {metrics['loaded_test_accuracy']:.4f})")
    plots = _plots(config, name, history, data, test_pred)
    saved = save_from(config, name, params)
    if saved:
        notes.append(f"parameters saved to {saved}")
    summary = f"{name}: test accuracy {test_acc:.2%} on {len(data.y_test)} held-out digits after {counted(s['epochs'], 'epoch')}."
    return TrainReport(name, s["backend"], s["device"], s["seed"], metrics, _per_digit(test_pred, data.y_test),
                       history, plots, summary, notes)


def flops_per_epoch(layers: list[network.Layer], images: bool) -> float:
    """Multiply-add FLOPs of one epoch: forward + backward on the training set, forward on the test set."""
    data = digits.load()
    shape = (1, 8, 8) if images else (64,)
    fwd, first = network.flops(layers, shape)
    n_train, n_test = len(data.y_train), len(data.y_test)
    return n_train * (3 * fwd - first) + n_test * fwd


def _per_digit(pred: np.ndarray, y: np.ndarray) -> Table:
    rows = []
    for d in range(10):
        mask = y == d
        wrong = np.bincount(pred[mask & (pred != d)], minlength=10)
        confused = f"{int(np.argmax(wrong))} ({int(wrong.max())}×)" if wrong.max() else "-"
        rows.append((d, int(mask.sum()), int((pred[mask] == d).sum()), f"{np.mean(pred[mask] == d):.3f}", confused))
    return Table("Test accuracy per digit", ("digit", "test images", "correct", "accuracy", "most confused with"),
                 tuple(rows))


def _plots(config: dict[str, Any], name: str, history: list[dict[str, float]], data: digits.Digits,
           pred: np.ndarray) -> list[str]:
    if not config.get("plot"):
        return []
    from numeric.plotting import loss_curve, pyplot, save_figure
    plt = pyplot()
    fig = plt.figure(figsize=(13, 4))
    grid = fig.add_gridspec(4, 14, wspace=0.8, hspace=0.6)
    a, b = fig.add_subplot(grid[:, 0:4]), fig.add_subplot(grid[:, 5:9])
    loss_curve(a, [h["loss"] for h in history], "training loss")
    loss_curve(b, [h["test_accuracy"] for h in history], "test accuracy", log=False)
    wrong = np.flatnonzero(pred != data.y_test)[:16]
    for k, i in enumerate(wrong):
        ax = fig.add_subplot(grid[k // 4, 10 + k % 4])
        ax.imshow(data.X_test[i].reshape(8, 8), cmap="gray_r")
        ax.set_title(f"{data.y_test[i]}→{pred[i]}", fontsize=8)
        ax.axis("off")
    fig.suptitle(f"{name}: loss, test accuracy and misclassified test digits (true→predicted)")
    return [save_figure(fig, config["plot"])]
