"""The vectorised rounding of large arrays gives exactly what the scalar path gives.

The reference is Python's own decimal formatting, ``float(f"{x:.12g}")`` — an independent path
from the NumPy arithmetic that ``problems.work._plain_floats`` uses.
"""
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from problems.work import TINY, plain


def reference(x: float) -> float:
    if not math.isfinite(x) or x == 0.0:
        return x
    return 0.0 if abs(x) < TINY else float(f"{x:.12g}")


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def test_large_random_arrays_round_like_the_formatter():
    rng = np.random.default_rng(20261122)
    a = rng.normal(size=50_000) * 10.0 ** rng.integers(-14, 14, 50_000)
    # decimal ties and near-ties, where a naive round(x·10ᵏ)/10ᵏ can go the other way
    ties = np.round(rng.normal(size=5_000), 13) + 5e-13
    a = np.concatenate([a, ties, [np.inf, -np.inf, np.nan, 0.0, -0.0, 5e-11, 1e30, -3e-200]])
    got = plain(a)
    assert len(got) == a.size
    bad = [(x, g) for x, g in zip(a.tolist(), got) if not same(g, reference(x))]
    assert bad == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=33, max_size=80))
def test_any_float_array_matches_the_scalar_path(xs):
    got = plain(np.array(xs, dtype=np.float64).reshape(-1))
    assert all(same(g, reference(x)) for x, g in zip(xs, got))


def test_matrix_shape_is_kept():
    m = np.arange(60, dtype=float).reshape(6, 10) / 7.0
    got = plain(m)
    assert len(got) == 6 and all(len(r) == 10 for r in got)
    assert got[3][4] == reference(34 / 7.0)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=0, max_size=48),
       st.sampled_from([1, 2, 3]))
def test_small_arrays_of_any_rank_match_the_scalar_path(xs, ndim):
    shape = {1: (-1,), 2: (1, -1), 3: (1, 1, -1)}[ndim]
    got = plain(np.array(xs, dtype=np.float64).reshape(shape))
    flat = got
    for _ in range(ndim - 1):
        assert len(flat) == 1
        flat = flat[0]
    assert len(flat) == len(xs) and all(same(g, reference(x)) for x, g in zip(xs, flat))


def test_a_zero_dimensional_array_is_a_float():
    assert plain(np.array(1 / 3)) == reference(1 / 3)
