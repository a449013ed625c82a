"""Pieces every training loop shares: mini-batches, a finite-loss guard, progress reporting."""

from __future__ import annotations

import math
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Callable, Iterator

import numpy as np

from derive.errors import UserError
from derive.printing.values import counted  # noqa: F401 - the models' summaries use it from here

Progress = Callable[[int, int, dict[str, Any]], None] | None


class NonFiniteLoss(UserError):
    """Training produced NaN or inf; the message names the epoch/step so the run can be diagnosed."""


def guard_finite(value: float, where: str) -> float:
    """Return ``value``; raise NonFiniteLoss naming ``where`` (e.g. 'epoch 12, step 3') if NaN/inf."""
    if not math.isfinite(value):
        raise NonFiniteLoss(f"loss became {value} at {where}; lower --lr or check the data", "--lr")
    return value


def minibatches(rng: np.random.Generator, n: int, batch_size: int) -> Iterator[np.ndarray]:
    """Indices of a fresh random permutation of ``range(n)`` in chunks of ``batch_size``."""
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def tick(progress: Progress, done: int, total: int, **metrics: Any) -> None:
    """Call the progress callback when there is one."""
    if progress is not None:
        progress(done, total, metrics)


def every(total: int, ticks: int = 100) -> int:
    """Report progress every this many epochs/steps: about ``ticks`` reports per run, at least 1 apart."""
    return max(1, total // ticks)


def option(config: dict[str, Any], key: str, kind: type, choices: tuple[Any, ...] | None = None,
           low: float | None = None, high: float | None = None) -> Any:
    """``config[key]`` converted to ``kind`` (``--set`` values arrive as text) and validated.

    A value that does not convert, is not among ``choices`` or lies outside [low, high] is a
    UserError naming the option (``--key``), so the CLI exits 2 with one line.
    """
    raw, arg = config.get(key), f"--{key.replace('_', '-')}"
    try:
        if kind is bool and isinstance(raw, str):
            if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(raw)
            value: Any = raw.lower() in ("true", "1", "yes")
        else:
            value = kind(raw)
    except (TypeError, ValueError):
        raise UserError(f"expected {kind.__name__}, got '{raw}'", arg) from None
    if choices is not None and value not in choices:
        raise UserError(f"expected one of {', '.join(map(str, choices))}, got '{raw}'", arg)
    if (low is not None and value < low) or (high is not None and value > high):
        bound = (f"at least {low}" if high is None else f"at most {high}" if low is None else f"a value in [{low}, {high}]")
        raise UserError(f"expected {bound}, got {raw}", arg)
    return value


def load_into(config: dict[str, Any], model: str, params: dict[str, np.ndarray],
              shapes: dict[str, tuple[int, ...]]) -> bool:
    """Replace ``params`` in place by those saved at ``config['load']`` (if given); True when loaded.

    A missing, truncated or mismatched file is a UserError naming ``--load`` (see numeric.persist).
    """
    if not config.get("load"):
        return False
    from numeric import persist
    loaded, _ = persist.load(config["load"], model, shapes, extra_ok=True)
    for name, value in params.items():
        params[name] = loaded[name].astype(value.dtype, copy=False)
    return True


def save_from(config: dict[str, Any], model: str, params: dict[str, np.ndarray]) -> str | None:
    """Save ``params`` to ``config['save']`` (if given) with the run's options in the manifest."""
    if not config.get("save"):
        return None
    from numeric import persist
    keep = {k: v for k, v in config.items() if k not in ("save", "load", "plot") and v is not None}
    persist.save(config["save"], model, params, keep)
    return str(config["save"])


def first_non_finite(losses: np.ndarray) -> int | None:
    """Index of the first NaN/inf among ``losses``, or None when all are finite."""
    bad = np.flatnonzero(~np.isfinite(losses))
    return int(bad[0]) if bad.size else None


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    """threadpoolctl's view of the loaded BLAS libraries (scanning them costs ~10 ms: do it once)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return None
    return ThreadpoolController().select(user_api="blas")


@contextmanager
def blas_threads(n: int | None = 1) -> Iterator[None]:
    """Limit NumPy's BLAS to ``n`` threads inside the block (None, or no threadpoolctl: unchanged).

    The course's models multiply small matrices (a 32×256 batch by a 256×64 weight): splitting
    such a product over threads costs more in synchronisation than it saves, and on a busy
    machine a descheduled helper thread stalls every product (measured here: a CNN epoch took
    1.4 s with 2 BLAS threads under load and 0.08–0.3 s with 1).
    """
    controller = _blas_controller() if n is not None else None
    if controller is None:
        yield
        return
    with controller.limit(limits=n):
        yield


def significant(value: float, digits: int = 6) -> float:
    """``value`` rounded to ``digits`` significant digits (stable, readable numbers in reports)."""
    return float(f"{value:.{digits}g}")


class Rate:
    """Epochs (or steps) per second since the object was made: the speed shown on the progress bar."""

    def __init__(self) -> None:
        import time
        self._clock = time.perf_counter
        self._start = self._clock()

    def __call__(self, done: int) -> float:
        """``done`` divided by the seconds elapsed."""
        return done / max(self._clock() - self._start, 1e-9)
