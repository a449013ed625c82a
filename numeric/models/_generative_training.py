"""Shared plumbing of the generative/unsupervised models: settings, epoch loop, persistence, report.

Private to ``numeric/models`` (the leading underscore keeps it out of the model registry).
"""

from __future__ import annotations

import math
from functools import wraps
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from derive.errors import UserError
from derive.steps import Table, TrainReport
from numeric import persist
from numeric.torch_util import threads as torch_threads
from numeric.training import Progress, blas_threads, guard_finite, minibatches, tick

RUN_KEYS = ("backend", "device", "seed", "plot", "save", "load")


def settings(config: dict[str, Any], defaults: dict[str, Any], choices: dict[str, Iterable[str]] | None = None) -> dict[str, Any]:
    """``defaults`` overridden by every non-None entry of ``config``; ``--set`` text is coerced to the default's type."""
    cfg = {"backend": "numpy", "device": "cpu", "seed": 0, "plot": None, "save": None, "load": None, **defaults}
    for key, value in config.items():
        if value is None:
            continue
        default = defaults.get(key)
        if isinstance(value, str) and isinstance(default, (int, float)) and not isinstance(default, bool):
            value = _number(key, value, type(default))
        cfg[key] = value
    for key, allowed in (choices or {}).items():
        if cfg[key] not in tuple(allowed):
            raise UserError(f"expected one of {', '.join(allowed)}, got '{cfg[key]}'", _arg(key))
    for key, value in cfg.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key != "seed" and value < 0:
            raise UserError(f"must not be negative, got {value}", _arg(key))
    return cfg


def _arg(key: str) -> str:
    named = {"epochs", "steps", "lr", "batch_size", "hidden", "data"}
    return f"--{key.replace('_', '-')}" if key in named else f"--set {key}"


def _number(key: str, text: str, kind: type) -> int | float:
    try:
        value = kind(text)
    except ValueError:
        raise UserError(f"expected {'an integer' if kind is int else 'a number'}, got '{text[:30]}'", _arg(key)) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise UserError(f"expected a finite number, got '{text[:30]}'", _arg(key))
    return value


def budget(cfg: dict[str, Any], key: str, default: int) -> int:
    """Epochs/steps to run: the value given, else ``default`` — or 0 (evaluate only) with ``--load``."""
    if cfg.get(key) is not None:
        return int(cfg[key])
    return 0 if cfg.get("load") else default


def run_epochs(epochs: int, n: int, batch_size: int, rng: np.random.Generator, step: Callable[[np.ndarray], float],
               progress: Progress, metric: Callable[[], dict[str, float]] | None = None) -> list[dict[str, float]]:
    """Train ``epochs`` passes of mini-batch steps; ``step(indices) -> loss``; NaN/inf stops with the step named."""
    history = []
    # overflow is not an error here (nor a RuntimeWarning on stderr): guard_finite names the step
    # where the loss stops being finite (train vae --lr 10 overflowed exp(log σ²) first)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(1, epochs + 1):
            total = 0.0
            for s, idx in enumerate(minibatches(rng, n, batch_size), start=1):
                total += guard_finite(step(idx), f"epoch {epoch}, step {s}") * len(idx)
            row = {"epoch": epoch, "loss": total / n, **(metric() if metric else {})}
            history.append(row)
            tick(progress, epoch, epochs, **{k: v for k, v in row.items() if k != "epoch"})
    return history


def sig(x: float, digits: int = 6) -> float:
    """``x`` rounded to ``digits`` significant digits (stable, readable JSON)."""
    x = float(x)
    return x if x == 0 or not math.isfinite(x) else float(f"{x:.{digits}g}")


def rounded(metrics: dict[str, Any]) -> dict[str, Any]:
    """Every float of ``metrics`` to 6 significant digits; other values unchanged."""
    return {k: sig(v) if isinstance(v, float) else v for k, v in metrics.items()}


def history_table(history: list[dict[str, float]], title: str, rows: int = 10) -> Table | None:
    """At most ``rows`` evenly spaced rows of the training history (always the last)."""
    if not history:
        return None
    pick = sorted({round(i * (len(history) - 1) / max(rows - 1, 1)) for i in range(rows)})
    columns = tuple(history[0])
    body = tuple(tuple(_cell(history[i][c]) for c in columns) for i in pick)
    return Table(title, columns, body)


def _cell(v: Any) -> Any:
    return f"{v:.4g}" if isinstance(v, float) else v


def load_into(cfg: dict[str, Any], name: str, params: dict[str, np.ndarray]) -> bool:
    """Overwrite ``params`` (in place, same dtype) from ``--load``; False when no file was given."""
    if not cfg.get("load"):
        return False
    saved, _ = persist.load(cfg["load"], name, {k: v.shape for k, v in params.items()})
    extra = sorted(set(saved) - set(params))
    if extra:
        raise UserError(f"'{cfg['load']}': unexpected parameters {', '.join(extra)} for '{name}'", "--load")
    for key, value in params.items():
        value[...] = saved[key]
    return True


def save_from(cfg: dict[str, Any], name: str, params: dict[str, np.ndarray]) -> None:
    """Write ``params`` to ``--save`` (when given) with the run's settings in the manifest."""
    if cfg.get("save"):
        public = {k: v for k, v in cfg.items() if k not in ("plot", "save", "load")}
        persist.save(cfg["save"], name, params, public)


def report(name: str, cfg: dict[str, Any], metrics: dict[str, Any], history: list[dict[str, float]],
           summary: str, notes: list[str], plot: Callable[[Path], str] | None = None,
           table: Table | None = None) -> TrainReport:
    """The TrainReport: rounded metrics, ``table`` (default: the history), the plot written (if ``--plot``)."""
    plots = [plot(Path(cfg["plot"]))] if cfg.get("plot") and plot is not None else []
    return TrainReport(model=name, backend=cfg["backend"], device=cfg["device"], seed=cfg["seed"],
                       metrics=rounded(metrics), table=table or history_table(history, "Training history"),
                       history=history, plots=plots, summary=summary, notes=notes)


def torch_setup(cfg: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(torch, device, generator on that device) with every torch RNG seeded from ``--seed``."""
    from numeric.torch_util import device, require_torch, seed_all
    torch = require_torch()
    dev = device(cfg["device"])
    seed_all(cfg["seed"])
    return torch, dev, torch.Generator(device=dev).manual_seed(cfg["seed"])


def to_numpy(tensors: dict[str, Any]) -> dict[str, np.ndarray]:
    """Detached float32 NumPy copies of torch tensors (from any device)."""
    return {k: t.detach().cpu().numpy().astype(np.float32) for k, t in tensors.items()}


def single_thread(train: Callable[..., TrainReport]) -> Callable[..., TrainReport]:
    """Run a model's whole ``train`` with NumPy's BLAS — and torch's CPU kernels — on one thread.

    The models here multiply matrices of a few hundred rows at most: threads cost more than they
    save, and on a shared machine they make a run 10–40× slower (docs/numeric-generative.md).
    Both backends are limited the same way, so their timings compare like with like. The
    bench-only config key ``cpu_threads`` sets torch's CPU thread count instead (bench/train.py
    times torch with its default threads too).
    """
    @wraps(train)
    def wrapper(config: dict[str, Any], progress: Progress = None) -> TrainReport:
        torch_cpu = config.get("backend") == "torch" and config.get("device", "cpu") == "cpu"
        with blas_threads(1), torch_threads(int(config.get("cpu_threads") or 1) if torch_cpu else None):
            return train(config, progress)
    return wrapper
