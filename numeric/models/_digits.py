"""scikit-learn's bundled ``load_digits`` (1797 8×8 images) scaled to [0, 1], with a fixed split."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

TEST = 360  # held-out images (20 %); the split is fixed (seed 0), whatever --seed is


@lru_cache(maxsize=1)
def _raw() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits
    d = load_digits()
    return (d.data / 16.0).astype(np.float32), d.target.astype(np.int64)


def load() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train (1437, 64), y_train, x_test (360, 64), y_test): pixels x ∈ [0, 1], float32."""
    x, y = _raw()
    order = np.random.default_rng(0).permutation(len(x))
    tr, te = order[:-TEST], order[-TEST:]
    return x[tr].copy(), y[tr].copy(), x[te].copy(), y[te].copy()
