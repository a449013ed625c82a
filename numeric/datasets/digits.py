"""scikit-learn's bundled handwritten digits (8×8 images, 1797 samples, 10 classes): no download.

The split is fixed, whatever the training seed: stratified 80/20 with ``random_state=0``
(1437 training and 360 test images, every digit in the same proportion in both), so results of
different seeds and backends are measured on the same test images. Pixels are scaled from
0…16 to 0…1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SPLIT_SEED = 0
TEST_FRACTION = 0.2


@dataclass(frozen=True)
class Digits:
    """Train/test arrays: X (N, 64) in [0, 1] (or (N, 1, 8, 8) as images), y (N,) integer labels 0…9."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray

    def as_images(self) -> "Digits":
        """The same data shaped (N, 1, 8, 8) for convolutional networks."""
        return Digits(self.X_train.reshape(-1, 1, 8, 8), self.y_train, self.X_test.reshape(-1, 1, 8, 8), self.y_test)

    def astype(self, dtype: type) -> "Digits":
        """The same data with pixels of ``dtype`` (labels stay int64)."""
        return Digits(self.X_train.astype(dtype), self.y_train, self.X_test.astype(dtype), self.y_test)


@lru_cache(maxsize=1)
def _raw() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits
    data = load_digits()
    return data.data / 16.0, data.target.astype(np.int64)


@lru_cache(maxsize=4)
def load(test_fraction: float = TEST_FRACTION, split_seed: int = SPLIT_SEED) -> Digits:
    """The fixed stratified split of the 1797 digits (float64 pixels in [0, 1])."""
    from sklearn.model_selection import train_test_split
    X, y = _raw()
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=test_fraction, random_state=split_seed, stratify=y)
    for a in (Xtr, Xte, ytr, yte):
        a.setflags(write=False)
    return Digits(Xtr, ytr, Xte, yte)
