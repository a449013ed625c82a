"""problems/shared/tail_probabilities.py against two independent paths: scipy.special (stdtr,
stdtrit, ndtr, ndtri — what the hypothesis tests used before) over the range the givens allow,
and mpmath at 50 digits where scipy itself is less accurate than 10⁻¹² (tiny |t| at df 1).

The range: α from 10⁻⁶ to 0.5, so quantiles at q = α/2 … 0.5; df from 1 (n = 2) to 10⁷
(ztest's n ≤ 10⁷ replays the ``t-table`` slip at df = n − 1, ttest's n ≤ 100,000); Welch df
fractional; statistics anywhere, down to p-values near the smallest normal float.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from problems.shared.tail_probabilities import normal_isf, normal_sf, t_isf, t_sf

special = pytest.importorskip("scipy.special")
mpmath = pytest.importorskip("mpmath")

RTOL = 1e-12
_RNG = np.random.default_rng(20261207)
DFS = ([1.0, 2.0, 3.0, 4.0, 5.0, 9.0, 29.0, 30.0, 99.0, 100.0, 999.0, 99_999.0, 199_998.0, 9_999_999.0]
       + [float(v) for v in np.exp(_RNG.uniform(0.0, math.log(1e7), 60))])
XS = ([1e-3, 0.1, 0.5, 1.0, 1.5, 1.7, 1.74, 1.75, 1.8, 2.0, 2.5, 3.0, 5.0, 10.0, 40.0, 1e3, 1e6]
      + [float(v) for v in np.exp(_RNG.uniform(math.log(1e-3), math.log(1e5), 40))])
QS = ([5e-7, 1e-6, 5e-6, 0.0005, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.45]
      + [float(v) for v in np.exp(_RNG.uniform(math.log(5e-7), math.log(0.45), 25))])  # q near ½: mpmath below


def _close(value: float, reference: float, rtol: float = RTOL) -> bool:
    return abs(value - reference) <= rtol * abs(reference)


@pytest.mark.parametrize("df", DFS)
def test_t_tail_matches_scipy_stdtr(df):
    bad = []
    for x in XS:
        for s in (1.0, -1.0):
            ref = float(special.stdtr(df, -s * x))
            if ref < 1e-300:  # below the normal floats scipy and we both round to subnormals or 0
                continue
            # a t with 10⁻¹⁶ relative rounding moves P by up to (x²+…)·10⁻¹⁶ for large df: the conditioning
            tol = RTOL * max(1.0, x * x / 1e3)
            if not _close(t_sf(s * x, df), ref, tol):
                bad.append((s * x, t_sf(s * x, df), ref))
    assert bad == []


@pytest.mark.parametrize("df", DFS)
def test_t_quantile_matches_scipy_stdtrit(df):
    bad = [(q, t_isf(q, df), -float(special.stdtrit(df, q))) for q in QS
           if not _close(t_isf(q, df), -float(special.stdtrit(df, q)))]
    assert bad == []


@pytest.mark.parametrize("df", DFS)
def test_t_quantile_inverts_the_tail(df):
    for q in QS + [0.4999, 0.5]:
        x = t_isf(q, df)
        assert x >= 0 and _close(t_sf(x, df), q, 1e-12 * max(1.0, x * x / 1e3) + 1e-13)
    assert t_isf(0.5, df) == 0.0 and t_isf(0.95, df) == -t_isf(0.050000000000000044, df)


def test_normal_tail_and_quantile_match_scipy():
    xs = np.concatenate([np.linspace(-37.0, 37.0, 7401), np.exp(np.linspace(-25.0, 3.6, 500))])
    for x in xs:
        ref = float(special.ndtr(-x))
        # the same conditioning: a relative rounding of x moves the far tail by x²·10⁻¹⁶
        assert _close(normal_sf(float(x)), ref, RTOL * max(1.0, x * x / 1e3)), x
    for q in np.exp(np.linspace(math.log(1e-300), math.log(0.999999), 3000)):
        assert _close(normal_isf(float(q)), -float(special.ndtri(q))), q
    assert normal_isf(0.5) == 0.0


@settings(max_examples=300, deadline=None)
@given(df=st.floats(1.0, 1e7), x=st.floats(-60.0, 60.0), q=st.floats(5e-7, 0.45))
def test_random_points_match_scipy(df, x, q):
    ref = float(special.stdtr(df, -x))
    if ref > 1e-300 and abs(x) >= 1e-3:
        assert _close(t_sf(x, df), ref, RTOL * max(1.0, x * x / 1e3))
    assert _close(t_isf(q, df), -float(special.stdtrit(df, q)))


def _mp_t_sf(x: float, df: float) -> float:
    """P(T > x) at 50 digits: I_z(df/2, ½)/2 from mpmath's incomplete beta (its own series)."""
    with mpmath.workdps(50):
        X, D = mpmath.mpf(x), mpmath.mpf(df)
        half_tail = mpmath.betainc(D / 2, mpmath.mpf(0.5), 0, D / (D + X * X), regularized=True) / 2
        return float(half_tail if X > 0 else 1 - half_tail)


@pytest.mark.parametrize("df,x", [(1.0, 1.3227119011245745e-06), (1.0, 1e-9), (2.5, 1e-7), (30.0, 1e-5),
                                  (1.0, 0.3), (4.0, 1.2), (16.0, 1.44), (2.36, 0.9176), (1.0, 1e6), (3.0, 2e3),
                                  (99_999.0, 1.9), (126_425.2, 3.0), (5_000.0, 8.0), (7.5, 25.0)])
def test_t_tail_matches_mpmath_where_scipy_is_coarser(df, x):
    """scipy.special.stdtr(1, −1.3·10⁻⁶) is off by 3·10⁻¹¹; 50-digit mpmath decides."""
    for s in (1.0, -1.0):
        assert _close(t_sf(s * x, df), _mp_t_sf(s * x, df), 1e-14 * max(1.0, x * x / 1e3))


@pytest.mark.parametrize("df", [1.0, 4.0, 100.0, 3.5e5])
@pytest.mark.parametrize("q", [0.4999, 0.49999999, 0.47])
def test_t_quantile_near_one_half_matches_mpmath(df, q):
    """Near q = ½ scipy.special.stdtrit is coarser (10⁻⁹ at df 4, q 0.4999); mpmath's root decides.
    The float q itself fixes x only to about 10⁻¹⁶/(½ − q) relative."""
    with mpmath.workdps(50):
        root = mpmath.findroot(lambda t: mpmath.mpf(_mp_t_sf_mp(t, df)) - mpmath.mpf(q), mpmath.mpf(t_isf(q, df)))
    assert _close(t_isf(q, df), float(root), 1e-15 / (0.5 - q))


def _mp_t_sf_mp(x, df):
    X, D = mpmath.mpf(x), mpmath.mpf(df)
    return mpmath.betainc(D / 2, mpmath.mpf(0.5), 0, D / (D + X * X), regularized=True) / 2


def test_ends_and_symmetry():
    assert t_sf(0.0, 5.0) == 0.5 and t_isf(0.5, 5.0) == 0.0
    assert t_sf(math.inf, 3.0) == 0.0 and t_sf(-math.inf, 3.0) == 1.0
    assert t_isf(0.0, 3.0) == math.inf and t_isf(1.0, 3.0) == -math.inf
    assert math.isnan(t_sf(math.nan, 3.0)) and math.isnan(t_isf(0.05, 0.0))  # df 0 (n = 1): scipy's nan too
    assert math.isnan(float(special.stdtrit(0.0, 0.05)))
    # df 1 is the Cauchy distribution: P(T > x) = ½ − atan(x)/π, quantile 1/tan(πq)
    for x in (1e-4, 0.5, 3.0, 1e3, 1e200):  # past 10¹⁵⁴ (x² overflows) the tail is exp(−ln x + …): 10⁻¹³
        assert _close(t_sf(x, 1.0), 0.5 - math.atan(x) / math.pi if x < 1 else math.atan(1 / x) / math.pi, 1e-13)
    for q in (5e-7, 0.01, 0.3):
        assert _close(t_isf(q, 1.0), 1 / math.tan(math.pi * q), 1e-14)
    for df in (1.0, 7.0, 1e5):
        for x in (0.2, 2.0, 9.0):
            assert abs(t_sf(x, df) + t_sf(-x, df) - 1.0) < 1e-15
