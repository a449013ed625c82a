"""The four XOR points: X (4, 2) and targets T (4, 1), t = x1 XOR x2."""

from __future__ import annotations

import numpy as np

from numeric.datasets.logic import gate


def xor(dtype: type = np.float64) -> tuple[np.ndarray, np.ndarray]:
    """X = [[0,0],[0,1],[1,0],[1,1]], T = [[0],[1],[1],[0]]."""
    X, t = gate("xor", dtype)
    return X, t.reshape(-1, 1)
