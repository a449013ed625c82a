"""Sinusoidal positional encoding: the course's formula, element by element."""

from __future__ import annotations

import math

import numpy as np
import pytest

from numeric.layers import positional


@pytest.mark.parametrize("length, dim", [(7, 8), (5, 7), (1, 2)])
def test_table_matches_formula_elementwise(length, dim):
    pe = positional.encoding(length, dim)
    assert pe.shape == (length, dim)
    for pos in range(length):
        for j in range(dim):
            i2 = j - j % 2                                       # 2i for both members of a pair
            angle = pos / 10000 ** (i2 / dim)
            want = math.sin(angle) if j % 2 == 0 else math.cos(angle)
            assert pe[pos, j] == pytest.approx(want, abs=1e-12)


def test_shift_is_a_rotation_of_each_pair():
    """PE(pos + k) is a fixed linear map of PE(pos): what lets attention find relative positions."""
    d, k = 8, 3
    pe = positional.encoding(20, d)
    for i in range(d // 2):
        w = 1.0 / 10000 ** (2 * i / d)
        rot = np.array([[math.cos(k * w), -math.sin(k * w)], [math.sin(k * w), math.cos(k * w)]])
        pairs = pe[:, 2 * i:2 * i + 2]
        np.testing.assert_allclose(pairs[:-k] @ rot, pairs[k:], atol=1e-12)


def test_forward_adds_and_backward_passes_through():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 5, 6)).astype(np.float32)
    out, cache = positional.forward({}, x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out - x, np.broadcast_to(positional.encoding(5, 6), x.shape), atol=1e-6)
    g = rng.standard_normal(x.shape)
    dx, grads = positional.backward(g, cache)
    np.testing.assert_array_equal(dx, g)
    assert grads == {}
