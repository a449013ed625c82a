"""Random RGB colours in [0, 1]³: the classic self-organizing-map demonstration."""

from __future__ import annotations

import numpy as np


def colors(rng: np.random.Generator, n: int = 500, dtype: type = np.float32) -> np.ndarray:
    """n colours drawn uniformly from the RGB cube: (n, 3), each channel in [0, 1]."""
    return rng.random((n, 3)).astype(dtype)
