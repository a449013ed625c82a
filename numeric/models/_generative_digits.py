"""The digits (``numeric.datasets.digits``: fixed stratified 80/20 split, pixels in [0, 1]) as the
float32 arrays the generative models train on: autoencoder, vae and gan with ``--data digits``."""

from __future__ import annotations

import numpy as np

from numeric.datasets import digits


def load() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train (1437, 64), y_train, x_test (360, 64), y_test): pixels x ∈ [0, 1], float32 copies."""
    d = digits.load().astype(np.float32)
    return d.X_train, d.y_train.copy(), d.X_test, d.y_test.copy()
