"""scikit-learn's bundled ``load_digits`` (1797 8×8 images) scaled to [0, 1], float32, fixed split.

The split is the one ``numeric/datasets/digits.py`` uses on main (stratified 80/20,
``random_state=0``: 1437 training and 360 test images, whatever --seed is), so this helper can be
replaced by ``numeric.datasets.digits.load().astype(np.float32)`` without changing a result.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

TEST_FRACTION, SPLIT_SEED = 0.2, 0


@lru_cache(maxsize=1)
def _split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    d = load_digits()
    return tuple(train_test_split(d.data / 16.0, d.target.astype(np.int64), test_size=TEST_FRACTION,
                                  random_state=SPLIT_SEED, stratify=d.target))


def load() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train (1437, 64), y_train, x_test (360, 64), y_test): pixels x ∈ [0, 1], float32 copies."""
    x_tr, x_te, y_tr, y_te = _split()
    return x_tr.astype(np.float32), y_tr.copy(), x_te.astype(np.float32), y_te.copy()
