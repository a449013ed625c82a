"""Mini-batch training of a layer-spec classifier with softmax cross-entropy, in NumPy or torch.

Both backends start from the same parameters and visit the same mini-batches (one permutation
per epoch from the run's ``numpy.random.Generator``), use Adam with the same settings and
evaluate the same test set after every epoch, so their curves can be compared number for number
(in float64, up to rounding) and their speed measured on the same work.

    for each epoch:  for each batch B:  z = net(x_B);  L = CE(z, y_B);  θ ← Adam(θ, ∂L/∂θ)
                     record mean training loss and test accuracy
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from numeric import network, optim
from numeric.layers.losses import softmax_cross_entropy
from numeric.training import Rate, blas_threads, every, first_non_finite, guard_finite, tick

CPU_THREADS = 1   # small matrices: one thread beats two, and does not stall on a busy machine


@dataclass
class Run:
    """What a run needs: the spec, the data, optimiser settings, backend and randomness."""

    layers: list[network.Layer]
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    epochs: int
    batch_size: int
    lr: float
    seed: int
    backend: str = "numpy"
    device: str = "cpu"
    weight_decay: float = 0.0
    threads: int = 1
    optimizer: str = "adam"
    history: list[dict[str, float]] = field(default_factory=list)


def predict(layers: list[network.Layer], params: dict[str, np.ndarray], X: np.ndarray, batch: int = 1024) -> np.ndarray:
    """Class scores (logits) of X in inference mode, in chunks of ``batch`` rows."""
    return np.concatenate([network.forward(layers, params, X[i:i + batch])[0] for i in range(0, len(X), batch)])


def accuracy(logits: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows whose arg-max class equals the label."""
    return float(np.mean(np.argmax(logits, axis=1) == y))


def fit(run: Run, params: dict[str, np.ndarray], progress: Any = None) -> list[dict[str, float]]:
    """Train ``params`` in place for ``run.epochs`` epochs on the chosen backend; returns the history."""
    rng = np.random.default_rng(run.seed + 1)          # batches (the seed itself drew the weights)
    if run.backend == "torch":
        from numeric.torch_util import threads
        with threads(run.threads if run.device == "cpu" else None):
            _fit_torch(run, params, rng, progress)
    else:  # overflow is not an error here: guard_finite names the step where the loss stops being finite
        with blas_threads(run.threads), np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            _fit_numpy(run, params, rng, progress)
    return run.history


OPTIMIZERS = ("adam", "sgd", "momentum", "rmsprop")


def numpy_optimizer(name: str, lr: float, weight_decay: float = 0.0) -> optim.Optimizer:
    """Adam (decoupled decay, i.e. AdamW), SGD, SGD with classical momentum 0.9, or RMSProp (β = 0.9)."""
    if name == "adam":
        return optim.Adam(lr, weight_decay=weight_decay, decoupled=True)
    if name == "rmsprop":
        return optim.RMSProp(lr, beta=0.9, weight_decay=weight_decay)
    return optim.SGD(lr, momentum=0.9 if name == "momentum" else 0.0, weight_decay=weight_decay)


def torch_optimizer(torch: Any, name: str, params: list[Any], lr: float, weight_decay: float = 0.0) -> Any:
    """The torch.optim counterpart of :func:`numpy_optimizer` (same equations, tested in test_optim)."""
    if name == "adam":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-8, weight_decay=weight_decay)
    return torch.optim.SGD(params, lr=lr, momentum=0.9 if name == "momentum" else 0.0, weight_decay=weight_decay)


def _batches(rng: np.random.Generator, n: int, size: int) -> list[np.ndarray]:
    order = rng.permutation(n)
    return [order[i:i + size] for i in range(0, n, size)]


def _fit_numpy(run: Run, params: dict[str, np.ndarray], rng: np.random.Generator, progress: Any) -> None:
    opt = numpy_optimizer(run.optimizer, run.lr, run.weight_decay)
    n, report, rate = len(run.X), every(run.epochs), Rate()
    for epoch in range(1, run.epochs + 1):
        total = 0.0
        for step, idx in enumerate(_batches(rng, n, run.batch_size), 1):
            out, caches = network.forward(run.layers, params, run.X[idx], train=True, rng=rng)
            loss, dout = softmax_cross_entropy(out, run.y[idx])
            guard_finite(loss, f"epoch {epoch}, step {step}")
            opt.step(params, network.backward(run.layers, caches, dout))
            total += loss * len(idx)
        acc = accuracy(predict(run.layers, params, run.X_test), run.y_test)
        run.history.append({"epoch": epoch, "loss": total / n, "test_accuracy": acc})
        if epoch % report == 0 or epoch == run.epochs:
            tick(progress, epoch, run.epochs, loss=total / n, test_acc=acc, **{"epoch/s": rate(epoch)})


def _fit_torch(run: Run, params: dict[str, np.ndarray], rng: np.random.Generator, progress: Any) -> None:
    from numeric.torch_util import device, require_torch, seed_all
    torch = require_torch()
    F = torch.nn.functional
    dev = device(run.device)
    seed_all(run.seed)
    tp = {k: torch.tensor(v, device=dev, requires_grad=True) for k, v in params.items()}
    X, y = torch.tensor(run.X, device=dev), torch.tensor(run.y, device=dev)
    Xte = torch.tensor(run.X_test, device=dev)
    opt = torch_optimizer(torch, run.optimizer, list(tp.values()), run.lr, run.weight_decay)
    n, report, rate = len(run.X), every(run.epochs), Rate()
    for epoch in range(1, run.epochs + 1):
        losses, sizes = [], []
        for idx in _batches(rng, n, run.batch_size):
            i = torch.from_numpy(idx).to(dev)
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(network.torch_forward(run.layers, tp, X[i], train=True), y[i])
            loss.backward()
            opt.step()
            losses.append(loss.detach())
            sizes.append(len(idx))
        values = torch.stack(losses).cpu().numpy()
        bad = first_non_finite(values)
        if bad is not None:
            guard_finite(float(values[bad]), f"epoch {epoch}, step {bad + 1}")
        with torch.no_grad():
            pred = network.torch_forward(run.layers, tp, Xte).argmax(dim=1).cpu().numpy()
        mean_loss = float(np.dot(values.astype(np.float64), sizes) / n)
        acc = float(np.mean(pred == run.y_test))
        run.history.append({"epoch": epoch, "loss": mean_loss, "test_accuracy": acc})
        if epoch % report == 0 or epoch == run.epochs:
            tick(progress, epoch, run.epochs, loss=mean_loss, test_acc=acc, **{"epoch/s": rate(epoch)})
    for k, v in tp.items():
        params[k] = v.detach().cpu().numpy()
