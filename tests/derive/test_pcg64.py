"""derive.pcg64.DefaultRng draws the same uniform floats as NumPy's default_rng, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from derive.pcg64 import DefaultRng

SEEDS = [0, 1, 2, 11, 12, 42, 2**31 - 1, 2**32 - 1, 2**32, 2**40 + 7, 2**64 + 5, 2**70 + 3,
         [0, 4], [3, 16], [11, 256], [1, 2, 3, 4, 5, 6], [2**33, 5], [0]]


@pytest.mark.parametrize("seed", SEEDS, ids=str)
def test_uniform_draws_equal_numpy(seed):
    ours, theirs = DefaultRng(seed), np.random.default_rng(seed)
    for low, high in [(0.0, 1.0), (-1.0, 1.0), (0.25, 3.0), (-2.0, 2.0), (-3.5, 2.25), (1e-3, 7.0), (5, 5)]:
        for _ in range(40):
            assert ours.uniform(low, high) == float(theirs.uniform(low, high))


def test_raw_outputs_and_random_equal_numpy():
    ours, theirs = DefaultRng(7), np.random.default_rng(7)
    assert [ours.next_uint64() for _ in range(100)] == [int(v) for v in theirs.bit_generator.random_raw(100)]
    assert [ours.random() for _ in range(100)] == theirs.random(100).tolist()


@pytest.mark.parametrize("bad", [-1, 1.5, "3", [1, -2]])
def test_refuses_seeds_numpy_refuses(bad):
    with pytest.raises((TypeError, ValueError)):
        np.random.default_rng(bad)
    with pytest.raises((TypeError, ValueError)):
        DefaultRng(bad)
