"""Upper-tail probabilities and quantiles of the standard normal and Student t distributions,
in plain Python floats (no SciPy: its import alone costs the hypothesis tests 0.2 s of start-up).

Equations::

    normal      P(Z > x) = erfc(x/√2)/2;   quantile from statistics.NormalDist (Wichura's AS 241)
    Student t   P(T > x) = I_z(df/2, 1/2)/2 with z = df/(df + x²), x ≥ 0;   P(T > −x) = 1 − P(T > x)
                I_z(a, b) = z^a (1 − z)^b / (a B(a, b)) · (continued fraction)   (DLMF 8.17.22)
                        or 1 − I_{1−z}(b, a) on the far side of the mean (z ≥ (a + 1)/(a + b + 2))
    quantile    the x ≥ 0 with P(T > x) = q: Newton's method in u = ln x, kept inside a bracket

The continued fraction is evaluated by the modified Lentz method; its prefactor is summed in
logarithms, with ln Γ(a + ½) − ln Γ(a) from Stirling's series for large a (lgamma's own
rounding there would cost digits). tests/problems/test_tail_probabilities.py compares all four
functions with scipy.special (ndtr, ndtri, stdtr, stdtrit) over the range the tests allow.
"""

from __future__ import annotations

import math
from functools import lru_cache

SQRT1_2 = math.sqrt(0.5)
_TINY = 1e-300


def normal_sf(x: float) -> float:
    """P(Z > x) for Z ~ N(0, 1); relative accuracy kept far into the upper tail."""
    return 0.5 * math.erfc(x * SQRT1_2)


def normal_isf(q: float) -> float:
    """The x with P(Z > x) = q, for 0 ≤ q ≤ 1 (±inf at the ends)."""
    if not 0 < q < 1:
        return math.inf if q == 0 else -math.inf if q == 1 else math.nan
    from statistics import NormalDist
    return -NormalDist().inv_cdf(q)


def _log_gamma_ratio_half(a: float) -> float:
    """ln Γ(a + ½) − ln Γ(a) for a > 0, accurate to a few units in the last place also for large a."""
    if a < 20.0:  # Γ itself is exact to a few units in the last place here (lgamma's differences lose more)
        return math.log(math.gamma(a + 0.5) / math.gamma(a))
    # Stirling: ln Γ(x) = (x − ½) ln x − x + ½ ln 2π + Σ B₂ₖ / (2k(2k − 1) x^(2k−1)); the difference
    # (a) ln(a + ½) − (a − ½) ln a − ½ is written as ½ ln a + a ln(1 + 1/(2a)) − ½.
    b = a + 0.5

    def series(x: float) -> float:
        x2 = x * x
        return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * x2)) / x2) / x2) / x2) / x

    return 0.5 * math.log(a) + (a * math.log1p(0.5 / a) - 0.5) + (series(b) - series(a))


def _beta_fraction(a: float, b: float, w: float) -> float:
    """The continued fraction of I_z(a, b) at z = 1 − w (modified Lentz), in 34-digit decimals.

    Near the mean with large a (large df) the fraction loses about log₁₀(a) digits, and z itself
    must not be rounded to a float first (z = 1 − w with w ~ x²/df): both would cost up to 10⁻¹¹
    at df ~ 10⁵. Converges fast for z < (a + 1)/(a + b + 2).
    """
    from decimal import Decimal, localcontext
    with localcontext() as ctx:
        ctx.prec = 34
        one, tiny, eps = Decimal(1), Decimal("1e-300"), Decimal("1e-30")
        A, B, W = Decimal(a), Decimal(b), Decimal(w)
        z = one - W
        qab, qap, qam = A + B, A + one, A - one
        c = one
        d = ((one - B) + qab * W) / qap  # 1 − (a + b) z/(a + 1), without the cancellation
        d = one / (d if abs(d) > tiny else tiny)
        h = d
        for m in range(1, 100_000):
            M = Decimal(m)
            m2 = M + M
            aa = M * (B - M) * z / ((qam + m2) * (A + m2))
            d = one + aa * d
            d = one / (d if abs(d) > tiny else tiny)
            c = one + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
            aa = -(A + M) * (qab + M) * z / ((A + m2) * (qap + m2))
            d = one + aa * d
            d = one / (d if abs(d) > tiny else tiny)
            c = one + aa / c
            c = c if abs(c) > tiny else tiny
            step = d * c
            h *= step
            if abs(step - one) < eps:
                break
        return float(h)


def _central_series(a: float, w: float) -> float:
    """₂F₁(a + ½, 1; 3/2; w) = Σ (a + ½)ₙ/(3/2)ₙ wⁿ, positive terms (the series of I_w(½, a))."""
    total, term, n = 1.0, 1.0, 0
    while n < 100_000:  # w ≤ 3/4 here: a few hundred terms at most
        term *= (a + 0.5 + n) / (1.5 + n) * w
        n += 1
        total += term
        if term < 1e-17 * total:
            break
    return total


@lru_cache(maxsize=4096)  # a check replays the solver once per known mistake, mostly with the same t and df
def t_sf(x: float, df: float) -> float:
    """P(T > x) for T ~ t(df), df > 0; relative accuracy kept far into the upper tail."""
    if math.isnan(x) or not df > 0:
        return math.nan
    if x == 0:
        return 0.5
    if math.isinf(x):
        return 0.0 if x > 0 else 1.0
    ax = abs(x)
    a = 0.5 * df
    x2 = ax * ax
    if math.isinf(x2):  # |x| beyond 1e154: the tail is df·ln|x| down, which underflows for any df ≥ 3
        tail = 0.0 if df >= 3 else _t_tail_log_form(ax, df)
    else:
        w = x2 / (df + x2) if x2 < df else 1.0 / (df / x2 + 1.0)  # 1 − z, z = df/(df + x²)
        log_lgr = _log_gamma_ratio_half(a) - 0.5 * math.log(math.pi)
        log_za = -a * math.log1p(x2 / df)  # ln z^a
        if x2 * (df + 2) > 3 * df:  # z < (a + 1)/(a + 5/2): I_z(a, ½) = z^a (1 − z)^½ / (a B(a, ½)) · fraction
            tail = 0.5 * math.exp(log_za + 0.5 * math.log(w) - math.log(a) + log_lgr) * _beta_fraction(a, 0.5, w)
        else:  # |x| < √3: 1 − I_w(½, a) = 1 − w^½ (1 − w)^a / (½ B(½, a)) · series; the tail is ≥ 0.04
            tail = 0.5 * (1.0 - math.exp(0.5 * math.log(w) + log_za + math.log(2.0) + log_lgr) * _central_series(a, w))
    return tail if x > 0 else 1.0 - tail


def _t_tail_log_form(ax: float, df: float) -> float:
    """P(T > ax) for |x|² beyond the floats (df < 3): the leading term of the tail in logarithms."""
    a = 0.5 * df
    log_pre = (-df * math.log(ax) + a * math.log(df) - math.log(a) - 0.5 * math.log(math.pi)
               + _log_gamma_ratio_half(a))
    return 0.5 * math.exp(log_pre)


def t_pdf(x: float, df: float) -> float:
    """The density of t(df) at x."""
    a = 0.5 * df
    return math.exp(_log_gamma_ratio_half(a) - 0.5 * math.log(df * math.pi) - (a + 0.5) * math.log1p(x * x / df))


@lru_cache(maxsize=1024)  # α/2 or α at the few df of an exercise, asked again on every replay
def t_isf(q: float, df: float) -> float:
    """The x with P(T > x) = q, T ~ t(df), for 0 ≤ q ≤ 1 (±inf at the ends) and df > 0."""
    if not 0 < q < 1 or not df > 0:
        return math.inf if q == 0 and df > 0 else -math.inf if q == 1 and df > 0 else math.nan
    if q > 0.5:
        return -t_isf(1.0 - q, df)
    if q == 0.5:
        return -0.0  # the sign of −stdtrit(df, ½) and of normal_isf(½), as the keys always printed it
    # a start from the normal quantile with the first Cornish–Fisher terms, then Newton's method on
    # ln P(T > eᵘ) = ln q, which is nearly linear in u in the heavy tail; the bracket [lo, hi]
    # (P(T > lo) > q > P(T > hi)) catches any step that leaves it.
    z = normal_isf(q)
    x = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df)
    if not math.isfinite(x) or x <= 0:
        x = max(z, 1e-3)
    lo, hi = 0.0, math.inf
    log_q = math.log(q)
    for _ in range(200):
        p = t_sf(x, df)
        if p > q:
            lo = x
        elif p < q:
            hi = x
        else:
            return x
        density = t_pdf(x, df)
        if p > 0 and density > 0:
            new = x * math.exp((math.log(p) - log_q) * p / (density * x))
        else:
            new = math.nan
        if abs(new - x) <= 1e-12 * x:  # quadratic convergence: the new x is exact to rounding
            return new
        if not (lo < new < hi):
            new = 2 * lo + 1.0 if math.isinf(hi) else (0.5 * (lo + hi) if lo == 0 else math.sqrt(lo * hi))
        x = new
    return x
