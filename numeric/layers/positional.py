"""Sinusoidal positional encoding (SYLLABUS §8), added to token embeddings.

Equations::

    PE(pos, 2i)   = sin(pos / 10000^{2i/d})
    PE(pos, 2i+1) = cos(pos / 10000^{2i/d})          pos = 0 … T−1, i = 0 … ⌈d/2⌉−1
    out = x + PE[:T]                                  x: (N, T, d), PE: (T, d)
    ∂L/∂x = Ḡ                                         (PE is fixed: no parameters)

For odd d the last column is a sine (its cosine partner would be column d).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np


@lru_cache(maxsize=64)
def encoding(length: int, dim: int, base: float = 10000.0, dtype: Any = np.float64) -> np.ndarray:
    """The (T, d) table PE[pos, 2i] = sin(pos/base^{2i/d}), PE[pos, 2i+1] = cos(pos/base^{2i/d}).

    Computed once per (T, d, base, dtype) and shared: the array is read-only.
    """
    pos = np.arange(length, dtype=np.float64)[:, None]             # (T, 1)
    two_i = np.arange(0, dim, 2, dtype=np.float64)[None, :]        # (1, ⌈d/2⌉)
    angle = pos / base ** (two_i / dim)                            # (T, ⌈d/2⌉)
    pe = np.empty((length, dim), dtype=np.float64)
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : dim // 2])
    pe = pe.astype(dtype)
    pe.flags.writeable = False
    return pe


def forward(params: dict[str, np.ndarray], x: np.ndarray, base: float = 10000.0) -> tuple[np.ndarray, Any]:
    """out = x + PE[:T] for x: (..., T, d); ``params`` is empty (the encoding is not learned)."""
    length, dim = x.shape[-2:]
    return x + encoding(length, dim, base, np.dtype(x.dtype)), None


def backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """dx = dout (adding a constant passes the gradient through unchanged); no parameter gradients."""
    return dout, {}
