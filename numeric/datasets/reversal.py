"""Sequence reversal: random token sequences and the same sequences reversed (seeded).

Equations::

    x = (x_0, …, x_{L−1}),  x_i ~ U{0 … V−1}        target y_i = x_{L−1−i}

Solving it needs position-based attention: output position i must look at input position
L−1−i, which content alone cannot tell. ``split`` keeps held-out sequences out of training.
"""

from __future__ import annotations

import numpy as np


def sequences(rng: np.random.Generator, count: int, length: int, vocab: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, y), each (count, length) int64: random tokens and their reversal."""
    x = rng.integers(0, vocab, (count, length))
    return x, x[:, ::-1].copy()


def split(rng: np.random.Generator, n_train: int, n_test: int, length: int,
          vocab: int) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Train and test sets; test sequences that also occur in the training set are dropped."""
    train = sequences(rng, n_train, length, vocab)
    x, _ = sequences(rng, n_test, length, vocab)
    seen = {row.tobytes() for row in train[0]}
    x = x[[row.tobytes() not in seen for row in x]]
    return train, (x, x[:, ::-1].copy())
