"""Hypothesis tests, shared by ttest, ztest, ttest-ind, ttest-paired and test-choice (SYLLABUS §14).

Equations::

    critical value   c = F⁻¹(1 − α/2) (two-tailed) or F⁻¹(1 − α) (one-tailed), always positive
    p-value          two: 2·(1 − F(|t|)); right: 1 − F(t); left: F(t)
    decision         reject H₀ when |t| > c (two), t > c (right), t < −c (left); else retain

F is the t distribution with df degrees of freedom, or the standard normal
(problems/shared/tail_probabilities.py: plain floats, checked against scipy.special's
stdtr/stdtrit/ndtr/ndtri; SciPy's import alone would cost every exercise 0.2 s).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from problems.givens import GivenError
from problems.givens import choice, number
from problems.shared.tail_probabilities import normal_isf, normal_sf, t_isf, t_sf

TAILS = ("two", "left", "right")
CHOICES = {
    "reject": ["reject h0", "reject the null", "reject null", "reject the null hypothesis", "rejected", "significant"],
    "retain": ["fail to reject", "fail to reject h0", "fail to reject the null", "do not reject", "don't reject",
               "not reject", "accept", "accept h0", "retain h0", "retained", "not significant"],
}
ALIASES = {"xbar": "mean", "x_bar": "mean", "s": "sd", "sum_x": "sum", "sum_x2": "sumsq", "tcrit": "t_crit",
           "t_critical": "t_crit", "p_value": "p", "pvalue": "p", "SE": "se", "zcrit": "z_crit", "z_critical": "z_crit"}
COMMON_MISTAKES = {
    "crit-tails": "critical value for the wrong number of tails: α instead of α/2 for a two-tailed test (or α/2 for a one-tailed one)",
    "t-sign": "sign of the statistic flipped: the difference taken the other way round (μ₀ − mean, or mean₂ − mean₁)",
    "p-tails": "p-value tails wrong: a two-tailed p not doubled (or a one-tailed p doubled)",
    "decision-reversed": "decision reversed: rejected H₀ although the statistic is inside the critical value (or the other way round)",
}
SYMBOL = {"two": "≠", "left": "<", "right": ">"}


def aliases(steps: list[Any]) -> dict[str, str]:
    """The common answer aliases (xbar → mean, tcrit → t_crit, …) that name a step of ``steps``."""
    ids = {s.id for s in steps}
    return {a: t for a, t in ALIASES.items() if t in ids}


def isf(q: float, df: float | None) -> float:
    """Upper-tail quantile: the x with P(X > x) = q, X ~ t(df) or N(0, 1) (df None)."""
    return normal_isf(q) if df is None else t_isf(q, float(df))


def sf(x: float, df: float | None) -> float:
    """Upper-tail probability P(X > x), X ~ t(df) or N(0, 1) (df None); accurate far in the tail."""
    return normal_sf(x) if df is None else t_sf(x, float(df))


def critical(alpha: float, tail: str, df: float | None, work: Any) -> float:
    """Positive critical value; ``crit-tails`` uses the other number of tails."""
    two = (tail == "two") != work.mistake("crit-tails")
    return isf(alpha / 2 if two else alpha, df)


def p_value(stat: float, tail: str, df: float | None, work: Any) -> float:
    """p-value of the statistic for the tail; ``p-tails`` drops (or adds) the doubling."""
    one = sf(abs(stat), df) if tail == "two" else sf(stat, df) if tail == "right" else sf(-stat, df)
    doubled = (tail == "two") != work.mistake("p-tails")
    return min(1.0, 2 * one) if doubled else one


def decide(stat: float, crit: float, tail: str, work: Any) -> str:
    """``reject`` when the statistic lies beyond the critical value on the tested side, else ``retain``."""
    beyond = abs(stat) > crit if tail == "two" else stat > crit if tail == "right" else stat < -crit
    return "reject" if beyond != work.mistake("decision-reversed") else "retain"


def finish(g: dict[str, Any], stat: float, df: float | None, work: Any, name: str = "t") -> None:
    """The last three steps of every test: ``{name}_crit``, ``p`` and ``decision``.

    ``df`` None means the standard normal (z-test).
    """
    q = "t⁻¹" if df is not None else "N⁻¹"
    arg = "; df)" if df is not None else ")"
    crit = work.put(f"{name}_crit", "Critical value", critical(g["alpha"], g["tail"], df, work),
                    formula=f"{q}(1 − α/2{arg}" if g["tail"] == "two" else f"{q}(1 − α{arg}",
                    depends_on=("df",) if df is not None else ())
    P = name.upper()
    work.put("p", "p-value", p_value(stat, g["tail"], df, work),
             formula={"two": f"2P({P} > |{name}|)", "right": f"P({P} > {name})", "left": f"P({P} < {name})"}[g["tail"]],
             depends_on=(name,) + (("df",) if df is not None else ()))
    decision = decide(stat, crit, g["tail"], work)
    work.put("decision", "Decision", decision, because=decision_because(stat, crit, g["tail"], decision, name),
             depends_on=(name, f"{name}_crit"))


def decision_conventions(tail: str, stat: str = "t", tail_from_h1: bool = False) -> list[str]:
    """The conventions every test states about its critical value and decision (and, with
    ``tail_from_h1``, where a one-sample test's tail comes from)."""
    out = [f"{stat}_crit is positive; " + decision_rule(tail, stat) + " (equivalently p < α)."]
    if tail_from_h1:
        out.append("The tail comes from H₁ as stated, never from the sign of the sample mean minus μ₀.")
    return out + ["decision is 'reject' or 'retain' ('fail to reject' counts as retain)."]


def decision_rule(tail: str, stat: str = "t") -> str:
    """The rule in words, e.g. ``reject H₀ if |t| > t_crit``."""
    return {"two": f"reject H₀ if |{stat}| > {stat}_crit", "right": f"reject H₀ if {stat} > {stat}_crit",
            "left": f"reject H₀ if {stat} < −{stat}_crit"}[tail]


def decision_because(stat: float, crit: float, tail: str, decision: str, name: str = "t") -> str:
    """``|t| = 0.414 ≤ t_crit = 2.571, so retain H₀`` — the comparison behind a decision."""
    shown = {"two": f"|{name}| = {abs(stat):.4g}", "right": f"{name} = {stat:.4g}", "left": f"{name} = {stat:.4g}"}[tail]
    edge = f"−{name}_crit = {-crit:.4g}" if tail == "left" else f"{name}_crit = {crit:.4g}"
    beyond = abs(stat) > crit if tail == "two" else stat > crit if tail == "right" else stat < -crit
    rel = (">" if beyond else "≤") if tail != "left" else ("<" if beyond else "≥")
    return f"{shown} {rel} {edge}, so {decision} H₀"


MIN_ALPHA = 1e-6  # below it the critical value leaves the tables (and, far below, the floats)
MIN_SD = 1e-6     # a standard deviation (given or of the data) at least this: SE and t stay finite floats
MIN_SPREAD = 1e-6  # data vary by at least this fraction of their largest |value| (Σx² − (Σx)²/n keeps 4+ digits)


def test_givens(givens: dict[str, Any]) -> dict[str, Any]:
    """``alpha`` in [10⁻⁶, 0.5] and ``tail`` (two, left, right)."""
    alpha = number(givens, "alpha", low=0.0, high=0.5, default=0.05)
    if alpha < MIN_ALPHA:
        raise GivenError("alpha", f"a significance level with {MIN_ALPHA:g} ≤ α ≤ 0.5, got {alpha:g}")
    return {"alpha": alpha, "tail": choice(givens, "tail", TAILS, default="two")}


def nonzero_sd(givens: dict[str, Any], key: str,
               zero: str = "is zero: with no variance the test statistic is undefined") -> float:
    """A standard deviation (s or σ) given as a number ≥ 10⁻⁶; GivenError ``zero`` for 0."""
    value = number(givens, key, low=0.0)
    if value == 0:
        raise GivenError(key, zero)
    if value < MIN_SD:
        raise GivenError(key, f"{value:g} is too small: a standard deviation is at least {MIN_SD:g} "
                         "(rescale the data, e.g. to other units)")
    return value


def varies(key: str, data: Any, what: str = "has zero variance (all values equal)") -> None:
    """GivenError unless ``data`` vary by at least 10⁻⁶, absolutely and relative to their largest
    |value| (less leaves no significant digits in Σx² − (Σx)²/n, or an SE that is not a float)."""
    spread, size = float(max(data) - min(data)), float(max(abs(x) for x in data))
    if spread == 0:
        raise GivenError(key, f"{what}: the test statistic is undefined")
    if spread < MIN_SD or spread < MIN_SPREAD * size:
        raise GivenError(key, f"varies too little (by {spread:g} at a size of {size:g}; at least {MIN_SD:g} and "
                         f"{MIN_SPREAD:g} of the largest value): rescale or centre the data")


def sample(givens: dict[str, Any], key: str, low: int = 2) -> list[float]:
    """A data list of at least ``low`` finite numbers that vary (``varies``)."""
    from problems.givens import vector
    data = vector(givens, key, (low, 200))
    varies(key, data)
    return data


def hypotheses(tail: str, param: str = "μ", null: str = "μ₀") -> str:
    """``H₀: μ = μ₀ against H₁: μ ≠ μ₀`` for the tail."""
    return f"H₀: {param} = {null} against H₁: {param} {SYMBOL[tail]} {null}"


def fmt(x: float) -> str:
    """A given number as written in an exercise (no trailing zeros)."""
    return f"{x:g}"


def data_text(data: list[float]) -> str:
    """``12.1, 11.4, 13.0`` — a list as written in an exercise."""
    return ", ".join(f"{v:g}" for v in data)


def draw_data(rng: np.random.Generator, n: int, centre: float, spread: float, decimals: int) -> list[float]:
    """n hand-friendly values around ``centre`` (``decimals`` places), never all equal."""
    while True:
        data = np.round(centre + spread * rng.standard_normal(n), decimals)
        if np.ptp(data) > 0:
            return [float(v) for v in data]


def draw_level_and_tail(rng: np.random.Generator, easy: bool) -> dict[str, Any]:
    """α (0.05 when easy, else 0.01, 0.05 or 0.1) and the tail (two when easy, else drawn)."""
    return {"alpha": 0.05 if easy else float(rng.choice([0.01, 0.05, 0.1])), "tail": "two" if easy else str(rng.choice(TAILS))}


def table_critical(alpha: float, tail: str, df: float | None) -> float:
    """The positive critical value of the test as stated (generation only; the solver replays slips)."""
    return isf(alpha / (2 if tail == "two" else 1), df)


def statistic_offset(rng: np.random.Generator, crit: float, tail: str, boundary: bool, high: float = 4.0) -> float:
    """Where generation puts the statistic, in standard errors from the null, signed for the tail:
    crit ± 0.02 when ``boundary`` (a decision on the edge), else 0.4 … ``high``; a two-tailed
    test's side is drawn."""
    target = crit + rng.uniform(-0.02, 0.02) if boundary else rng.uniform(0.4, high)
    sign = -1.0 if tail == "left" or (tail == "two" and rng.random() < 0.5) else 1.0
    return sign * target


def placed(stat: float, crit: float, tail: str, boundary: bool, hard: bool) -> bool:
    """The rounded givens put the statistic where generation wanted it: within 0.03 of the critical
    value exactly when ``boundary``, and (except at hard) not within 0.15 of it by chance."""
    return near_boundary(stat, crit, tail, 0.03) == boundary and (hard or not near_boundary(stat, crit, tail, 0.15))


def near_boundary(stat: float, crit: float, tail: str, width: float = 0.03) -> bool:
    """True when the statistic lies within ``width`` of the critical value on the tested side."""
    edge = -crit if tail == "left" else crit
    return abs((abs(stat) if tail == "two" else stat) - edge) < width and math.isfinite(stat)


def synthetic_sample(n: int, mean: float, sd: float, ddof: int = 1) -> np.ndarray:
    """n numbers with exactly this mean and SD (tests only: lets scipy's data-based tests check
    summary-statistics exercises)."""
    z = np.linspace(-1.0, 1.0, n)
    z = (z - z.mean()) / z.std(ddof=ddof)
    return mean + sd * z


SCIPY_ALTERNATIVE = {"two": "two-sided", "left": "less", "right": "greater"}  # scipy.stats' name of each tail


def scipy_verdict(res: Any, alpha: float, tail: str, df: float) -> dict[str, Any]:
    """t, p, df, the critical value (scipy.stats.t) and the decision of a scipy.stats t-test result
    (cross-checks only: the decision from p < α, the solver's from the critical value)."""
    from scipy import stats
    return {"t": float(res.statistic), "p": float(res.pvalue), "df": df,
            "t_crit": float(stats.t.isf(alpha / (2 if tail == "two" else 1), df)),
            "decision": "reject" if res.pvalue < alpha else "retain"}
