"""Rosenblatt's perceptron on two-input logic gates (SYLLABUS §1).

Equations (online: the four points in the order 00, 01, 10, 11 every epoch)::

    net = w·x + b,   y = 1 if net ≥ 0 else 0          (step output; net = 0 counts as 1)
    w ← w + η (t − y) x,   b ← b + η (t − y)           (changes only on a mistake)

Training stops after the first epoch without a mistake (converged) or at the epoch cap. The
perceptron convergence theorem guarantees convergence for linearly separable data (AND, OR,
NAND, NOR); XOR and XNOR are not separable, so the rule never stops changing the weights: the
run reports the cap, and when the weights at the end of an epoch repeat an earlier epoch's, that
the rule is caught in a cycle. Initial weights and bias ~ U(−0.5, 0.5) from the seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import Table, TrainReport
from numeric.datasets.logic import GATES, SEPARABLE, gate
from numeric.training import counted, every, option, save_from, tick

NAME = "perceptron"
SUMMARY = "perceptron rule on AND / OR / XOR: converges on AND and OR, fails (cycles) on XOR"
OPTIONS: dict[str, Any] = {"epochs": 100, "lr": 0.1, "data": "all"}
BENCH = {"data": "xor", "epochs": 1000}
QUALITY = "errors"
DATA = ("all", *GATES)


def learn_numpy(X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float, lr: float, epochs: int,
                progress: Any = None) -> tuple[np.ndarray, float, list[int], list[tuple[float, ...]]]:
    """Run the rule; returns final (w, b), mistakes per epoch and the (w, b) after each epoch."""
    w = w.copy()
    mistakes, states, report = [], [], every(epochs)
    for epoch in range(1, epochs + 1):
        errors = 0
        for x, target in zip(X, t):
            y = 1.0 if np.dot(w, x) + b >= 0 else 0.0
            if y != target:
                w += lr * (target - y) * x
                b += lr * (target - y)
                errors += 1
        mistakes.append(errors)
        states.append((*w.tolist(), float(b)))
        if epoch % report == 0 or errors == 0 or epoch == epochs:
            tick(progress, epoch, epochs, mistakes=errors)
        if errors == 0:
            break
    return w, float(b), mistakes, states


def learn_torch(X: np.ndarray, t: np.ndarray, w: np.ndarray, b: float, lr: float, epochs: int,
                progress: Any = None, device: str = "cpu") -> tuple[np.ndarray, float, list[int], list[tuple[float, ...]]]:
    """The same rule on torch tensors (float64; no autograd: the perceptron rule is not a gradient step)."""
    from numeric.torch_util import device as torch_device, require_torch
    torch = require_torch()
    dev = torch_device(device)
    Xt, tt = torch.tensor(X, device=dev), torch.tensor(t, device=dev)
    wt, bt = torch.tensor(w, device=dev), torch.tensor(float(b), dtype=torch.float64, device=dev)
    mistakes, states, report = [], [], every(epochs)
    for epoch in range(1, epochs + 1):
        errors = 0
        for i in range(len(Xt)):
            y = 1.0 if bool(torch.dot(wt, Xt[i]) + bt >= 0) else 0.0
            err = float(tt[i]) - y
            if err != 0:
                wt += lr * err * Xt[i]
                bt += lr * err
                errors += 1
        mistakes.append(errors)
        states.append((*wt.cpu().tolist(), float(bt)))
        if epoch % report == 0 or errors == 0 or epoch == epochs:
            tick(progress, epoch, epochs, mistakes=errors)
        if errors == 0:
            break
    return wt.cpu().numpy(), float(bt), mistakes, states


def _cycle(states: list[tuple[float, ...]]) -> tuple[int, int] | None:
    """(i, j) with the weights after epoch j equal (to 1e-9) to those after an earlier epoch i."""
    seen: dict[tuple[float, ...], int] = {}
    for j, s in enumerate(states, 1):
        key = tuple(round(v, 9) for v in s)
        if key in seen:
            return seen[key], j
        seen[key] = j
    return None


def _loaded(config: dict[str, Any], gates: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Weights from ``--load`` for every requested gate (shapes checked), or {} without --load."""
    if not config.get("load"):
        return {}
    from numeric import persist
    shapes = {k: s for g in gates for k, s in ((f"w_{g}", (2,)), (f"b_{g}", (1,)))}
    return persist.load(config["load"], NAME, shapes, extra_ok=True)[0]


def train(config: dict[str, Any], progress: Any = None) -> TrainReport:
    """Run the perceptron rule on each requested gate; report convergence, weights and outputs."""
    epochs, lr = option(config, "epochs", int, low=1), option(config, "lr", float, low=0.0)
    data = option(config, "data", str, DATA)
    seed, backend = int(config.get("seed", 0)), config.get("backend", "numpy")
    gates = ("and", "or", "xor") if data == "all" else (data,)
    results: dict[str, dict[str, Any]] = {}
    history: list[dict[str, float]] = []
    rows, notes, params = [], [], {}
    start = _loaded(config, gates)
    for name in gates:
        X, t = gate(name)
        rng = np.random.default_rng(seed)
        w0, b0 = rng.uniform(-0.5, 0.5, 2), float(rng.uniform(-0.5, 0.5))
        if start:
            w0, b0 = start[f"w_{name}"], float(start[f"b_{name}"][0])
        if backend == "torch":
            w, b, mistakes, states = learn_torch(X, t, w0, b0, lr, epochs, progress, config.get("device", "cpu"))
        else:
            w, b, mistakes, states = learn_numpy(X, t, w0, b0, lr, epochs, progress)
        y = (X @ w + b >= 0).astype(int)
        params[f"w_{name}"], params[f"b_{name}"] = np.asarray(w, dtype=np.float64), np.array([b])
        converged = mistakes[-1] == 0
        results[name] = {"converged": converged, "epochs": len(mistakes), "errors": int(np.sum(y != t)),
                         "weights": [round(float(v), 10) for v in w], "bias": round(b, 10), "outputs": y.tolist()}
        history += [{"gate": name, "epoch": e, "mistakes": m} for e, m in enumerate(mistakes, 1)]
        cyc = None if converged else _cycle(states)
        status = f"converged in {counted(len(mistakes), 'epoch')}" if converged else f"did not converge in {counted(epochs, 'epoch')}"
        rows.append((name.upper(), "yes" if SEPARABLE[name] else "no", status, f"[{w[0]:.4g}, {w[1]:.4g}]",
                     f"{b:.4g}", " ".join(map(str, y)), " ".join(str(int(v)) for v in t)))
        if cyc:
            notes.append(f"{name.upper()}: the weights after epoch {cyc[1]} equal those after epoch {cyc[0]} — the "
                         "rule is in a cycle and will never converge (the data are not linearly separable)")
    if start:
        notes.append(f"started from the weights in {config['load']}")
    saved = save_from(config, NAME, params)
    if saved:
        notes.append(f"weights saved to {saved}")
    notes.insert(0, f"perceptron rule w ← w + η(t − y)x, b ← b + η(t − y), η = {lr}; step output y = 1 if net ≥ 0; "
                    f"inputs presented in the order 00, 01, 10, 11; initial w, b ~ U(−0.5, 0.5) from seed {seed}")
    metrics: dict[str, Any] = {"converged": {g: r["converged"] for g, r in results.items()},
                               "epochs": {g: r["epochs"] for g, r in results.items()},
                               "errors": sum(r["errors"] for r in results.values()), "epoch_cap": epochs,
                               "results": results}
    table = Table("Perceptron on logic gates (outputs and targets for inputs 00, 01, 10, 11)",
                  ("gate", "separable", "result", "w", "b", "outputs", "targets"), tuple(rows))
    summary = "; ".join(f"{g.upper()} {'converged' if r['converged'] else 'did not converge'}" for g, r in results.items())
    plots = _plot(config, results, history) if config.get("plot") else []
    return TrainReport(NAME, backend, config.get("device", "cpu"), seed, metrics, table, history, plots,
                       summary + ".", notes)


def _plot(config: dict[str, Any], results: dict[str, dict[str, Any]], history: list[dict[str, float]]) -> list[str]:
    from numeric.plotting import pyplot, save_figure
    plt = pyplot()
    fig, axes = plt.subplots(1, len(results) + 1, figsize=(4 * (len(results) + 1), 3.6))
    axes = np.atleast_1d(axes)
    for ax, (name, r) in zip(axes, results.items()):
        X, t = gate(name)
        ax.scatter(X[:, 0], X[:, 1], c=t, cmap="RdBu_r", edgecolors="k", s=90, vmin=0, vmax=1)
        (w1, w2), b = r["weights"], r["bias"]
        xs = np.linspace(-0.5, 1.5, 2)
        if abs(w2) > 1e-12:
            ax.plot(xs, -(w1 * xs + b) / w2, "k-", label="w·x + b = 0")
        elif abs(w1) > 1e-12:
            ax.axvline(-b / w1, color="k")
        ax.set_xlim(-0.5, 1.5)
        ax.set_ylim(-0.5, 1.5)
        ax.set_title(f"{name.upper()}: {'converged' if r['converged'] else 'not converged'}")
    for name in results:
        ax = axes[-1]
        ax.plot([h["epoch"] for h in history if h["gate"] == name],
                [h["mistakes"] for h in history if h["gate"] == name], label=name.upper())
    axes[-1].set_xlabel("epoch")
    axes[-1].set_ylabel("mistakes in the epoch")
    axes[-1].legend()
    return [save_figure(fig, config["plot"])]
