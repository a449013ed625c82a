"""Pieces shared by the sequence models (rnn, lstm, gru, attention): options, trainers, the loop.

A *trainer* hides the backend: ``step(x, y) -> loss`` does one Adam update on a mini-batch,
``predict(x)`` returns outputs as a NumPy array, ``params()`` the parameters as a NumPy dict
under the NumPy model's names. The NumPy trainer runs hand-written forward/backward functions;
the torch trainer an ``nn.Module`` initialised from the same NumPy parameters.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Generator

import numpy as np

from derive.errors import UserError
from numeric import persist
from numeric.optim import Adam
from numeric.torch_util import threads as torch_threads
from numeric.training import Progress, blas_threads, guard_finite, tick

Params = dict[str, np.ndarray]
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def settings(config: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """``config`` with ``--set`` strings turned into the type of each option's default.

    A default of None accepts an int, a float or text (whichever the string reads as).
    """
    out = dict(config)
    for key, default in options.items():
        value = out.get(key, default)
        if not isinstance(value, str) or isinstance(default, str):
            continue
        try:
            if isinstance(default, bool):
                if value.lower() not in _TRUE + _FALSE:
                    raise ValueError(value)
                out[key] = value.lower() in _TRUE
            elif isinstance(default, int):
                out[key] = int(value)
            elif isinstance(default, float):
                out[key] = float(value)
            else:
                out[key] = _number(value)
        except ValueError:
            kind = type(default).__name__ if default is not None else "number"
            raise UserError(f"expected {'an' if kind == 'int' else 'a'} {kind}, got '{value[:30]}'", f"--set {key}") from None
    return out


def _number(text: str) -> int | float | str:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def positive(cfg: dict[str, Any], *names: str, allow_zero: tuple[str, ...] = ()) -> None:
    """UserError unless each named setting is a number > 0 (or ≥ 0 for ``allow_zero``)."""
    for name in names:
        value = cfg[name]
        low_ok = name in allow_zero and value == 0
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (value <= 0 and not low_ok):
            raise UserError(f"must be a number {'≥' if name in allow_zero else '>'} 0, got {value!r}",
                            f"--{name.replace('_', '-')}")


SMALL_WORK = 1 << 18      # multiply-adds per step below which one thread beats two (LSTM N=16: H ≤ 32; measured quiet, 2026-12-07)


def cores_busy() -> bool:
    """True when the 1-minute load average has reached the number of cores (others are using
    them): the benchmarks' busy mode. Training itself never looks at it (see ``threads_for``)."""
    try:
        return os.getloadavg()[0] >= (os.cpu_count() or 1)
    except (AttributeError, OSError):     # no load average on this platform
        return False


@contextmanager
def threads_for(work: int, backend: str, threads: int | None = None) -> Generator[None, None, None]:
    """Run small problems on one BLAS / torch thread, larger ones on the libraries' own counts.

    A recurrent step multiplies (N, H) by (H, kH): tens of microseconds of work, less than the
    cost of waking a second thread, so problems under SMALL_WORK multiply-adds per step run on
    one thread. The choice depends on the problem's size alone, never on how busy the machine
    is: on some CPUs the thread count changes the last bits of float32 products (OpenBLAS
    0.3.31 on AMD EPYC sums (32×128)·(128×512) differently on one and two threads), and the same
    ``--seed`` must print the same numbers on a quiet and on a busy machine. (An earlier version
    dropped to one thread when the load average reached the core count, which is 5–20× faster
    under heavy load; ``bench/train.py`` still does that for its own measurements.)
    ``threads`` (torch only, the bench's ``cpu_threads``) forces torch's intra-op thread count.
    """
    if backend == "torch" and threads:
        with torch_threads(int(threads)):
            yield
        return
    if work >= SMALL_WORK:
        yield
        return
    if backend == "torch":
        with torch_threads(1):
            yield
        return
    with blas_threads(1):
        yield


def check_outputs(cfg: dict[str, Any]) -> None:
    """Refuse a bad ``--plot`` / ``--save`` path before training rather than after it."""
    plot, save = cfg.get("plot"), cfg.get("save")
    if plot is not None:
        p = Path(plot)
        if p.suffix.lower() != ".png":
            raise UserError(f"'{plot}': expected a .png file name", "--plot")
        if not p.parent.exists():
            raise UserError(f"'{p.parent}': no such folder", "--plot")
    if save is not None and not Path(save).parent.exists():
        raise UserError(f"'{Path(save).parent}': no such folder", "--save")


class NumpyTrainer:
    """Adam (with gradient-norm clipping) over hand-written forward/backward functions."""

    def __init__(self, params: Params, forward: Callable[..., Any], backward: Callable[..., Params],
                 loss: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]], lr: float, clip: float):
        self._params, self._forward, self._backward, self._loss = params, forward, backward, loss
        self.opt = Adam(lr, clip_norm=clip if clip > 0 else None)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        """One update on the batch (x, y); returns the batch loss before the update."""
        out, cache = self._forward(self._params, x)
        value, dout = self._loss(out, y)
        self.opt.step(self._params, self._backward(dout, cache))
        return value

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Model outputs for x (no update)."""
        return self._forward(self._params, x)[0]

    def params(self) -> Params:
        """The current parameters (the live dict)."""
        return self._params


class TorchTrainer:
    """torch.optim.Adam (with clip_grad_norm_) over an nn.Module; NumPy in, NumPy out."""

    def __init__(self, net: Any, export: Callable[[Any], Params], loss: Callable[[Any, Any], Any],
                 lr: float, clip: float, device: Any):
        import torch
        self.torch, self.net, self._export, self._loss, self.device, self.clip = torch, net, export, loss, device, clip
        self.trainable = [p for p in net.parameters() if p.requires_grad]
        self.opt = torch.optim.Adam(self.trainable, lr=lr)

    def tensor(self, a: np.ndarray) -> Any:
        """``a`` as a tensor on the trainer's device."""
        return self.torch.from_numpy(np.ascontiguousarray(a)).to(self.device)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        """One update on the batch (x, y); returns the batch loss before the update."""
        out = self.net(self.tensor(x))
        out = out[0] if isinstance(out, tuple) else out
        value = self._loss(out, self.tensor(y))
        self.opt.zero_grad(set_to_none=True)
        value.backward()
        if self.clip > 0:
            self.torch.nn.utils.clip_grad_norm_(self.trainable, self.clip)
        self.opt.step()
        return float(value.detach())

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Model outputs for x as NumPy (no update)."""
        with self.torch.no_grad():
            out = self.net(self.tensor(x))
        out = out[0] if isinstance(out, tuple) else out
        return out.cpu().numpy()

    def params(self) -> Params:
        """The current parameters as a NumPy dict under the NumPy model's names."""
        return self._export(self.net)


def fit(trainer: Any, epochs: Iterable[Iterator[tuple[np.ndarray, np.ndarray]]], total: int, progress: Progress,
        after_epoch: Callable[[int], dict[str, float]] | None = None, unit: str = "epoch",
        per_epoch: int = 1) -> list[dict[str, float]]:
    """Run ``total`` updates over the batches each epoch yields; returns one history row per epoch.

    Progress is reported per epoch (``unit="epoch"``, out of ⌈total / per_epoch⌉) or about a
    hundred times per run (``unit="step"``). A NaN/inf loss stops training with a UserError
    naming the epoch and step.
    """
    n_epochs = -(-total // max(1, per_epoch))
    history: list[dict[str, float]] = []
    done, start = 0, time.perf_counter()
    for e, batches in enumerate(epochs, start=1):
        losses = []
        for k, (x, y) in enumerate(batches, start=1):
            losses.append(guard_finite(trainer.step(x, y), f"epoch {e}, step {k}"))
            done += 1
            if unit == "step" and (done % max(1, total // 100) == 0 or done == total):
                tick(progress, done, total, loss=losses[-1], **{"steps/s": done / (time.perf_counter() - start)})
            if done >= total:
                break
        row = {"epoch": float(e), "loss": float(np.mean(losses)), **(after_epoch(e) if after_epoch else {})}
        history.append(row)
        if unit == "epoch":
            tick(progress, e, n_epochs, **{k: v for k, v in row.items() if k != "epoch"},
                 **{"epochs/s": e / (time.perf_counter() - start)})
        if done >= total:
            break
    return history


def load_params(path: str | Path, model: str, expected: Params, config: dict[str, Any],
                must_match: Iterable[str]) -> Params:
    """Parameters from a file saved by :func:`save_params`, checked against the expected shapes and settings."""
    params, manifest = persist.load(path, model, {k: v.shape for k, v in expected.items()})
    saved = manifest.get("config", {})
    for key in must_match:
        if key in saved and saved[key] != config.get(key):
            raise UserError(f"'{path}' was trained with {key}={saved[key]!r}, not {config.get(key)!r}", "--load")
    extra = sorted(set(params) - set(expected))
    if extra:
        raise UserError(f"'{path}': unexpected parameter(s) {', '.join(extra)}", "--load")
    return {k: v.astype(expected[k].dtype) for k, v in params.items()}


def manifest_config(path: str | Path, model: str) -> dict[str, Any]:
    """The ``config`` a parameter file was saved with (its shapes are checked later)."""
    return persist.manifest(path, model).get("config", {})


def save_params(path: str | Path, model: str, params: Params, config: dict[str, Any]) -> None:
    """Write the parameters and the settings needed to rebuild the model."""
    persist.save(path, model, params, config)


def loss_axes(ax: Any, history: list[dict[str, float]], label: str = "epoch") -> None:
    """Training loss (and any validation column) against epochs, log scale."""
    xs = [h["epoch"] for h in history]
    ax.plot(xs, [h["loss"] for h in history], label="train loss")
    for key in history[0] if history else ():
        if key not in ("epoch", "loss"):
            ax.plot(xs, [h[key] for h in history], label=key.replace("_", " "))
    ax.set_yscale("log")
    ax.set_xlabel(label)
    ax.set_title("loss")
    ax.legend()


def history_table(history: list[dict[str, float]], rows: int = 8) -> tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]:
    """(columns, rows) of about ``rows`` evenly spaced history entries, always with the last one."""
    if not history:
        return ("epoch", "loss"), ()
    picks = sorted({round(i * (len(history) - 1) / max(1, rows - 1)) for i in range(rows)})
    cols = tuple(history[0])
    return cols, tuple(tuple(int(history[i][c]) if c == "epoch" else round(history[i][c], 6) for c in cols) for i in picks)
