"""Pieces every training loop shares: mini-batches, a finite-loss guard, progress reporting."""

from __future__ import annotations

import math
from typing import Any, Callable, Iterator

import numpy as np

from derive.errors import UserError

Progress = Callable[[int, int, dict[str, Any]], None] | None


class NonFiniteLoss(UserError):
    """Training produced NaN or inf; the message names the epoch/step so the run can be diagnosed."""


def guard_finite(value: float, where: str) -> float:
    """Return ``value``; raise NonFiniteLoss naming ``where`` (e.g. 'epoch 12, step 3') if NaN/inf."""
    if not math.isfinite(value):
        raise NonFiniteLoss(f"loss became {value} at {where}; lower --lr or check the data")
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
