"""Paired t-test: a one-sample t-test on the differences d = x₁ − x₂ (SYLLABUS §14).

Equations::

    d_i    = x₁_i − x₂_i                         (first minus second measurement)
    mean_d = Σd / n,   s_d = √[Σ(d − mean_d)² / (n − 1)]
    SE     = s_d / √n,  t = (mean_d − μ₀) / SE,  df = n − 1
    critical value, p-value and decision as for every t-test
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import integer, number, vector
from problems.shared import hypothesis_tests as S

NAME = "ttest-paired"
SUMMARY = "Paired t-test: differences, their mean and SD, SE, t, df, critical value, p-value and decision"
SECTIONS = ("14",)
VARIANTS = {"summary": "from summary statistics of the differences (n, mean_d, sd_d)"}
STEPS = [
    StepSpec("d", "Differences d = x₁ − x₂, pair by pair", "vector", 1, "d_i = x₁_i − x₂_i"),
    StepSpec("mean_d", "Mean difference", "number", 2, "mean_d = Σd/n"),
    StepSpec("sd_d", "Standard deviation of the differences (divisor n − 1)", "number", 2, "s_d = √[Σ(d − mean_d)²/(n − 1)]"),
    StepSpec("se", "Standard error", "number", 3, "SE = s_d/√n"),
    StepSpec("t", "Test statistic t", "number", 2, "t = (mean_d − μ₀)/SE"),
    StepSpec("df", "Degrees of freedom", "integer", None, "df = n − 1 (n pairs)"),
    StepSpec("t_crit", "Critical value (positive)", "number", 2, "t⁻¹(1 − α/2; df) two-tailed, t⁻¹(1 − α; df) one-tailed"),
    StepSpec("p", "p-value", "number", 2, "two: 2P(T > |t|); right: P(T > t); left: P(T < t)"),
    StepSpec("decision", "Decision: reject or retain H₀", "choice", None, "reject H₀ when t lies beyond the critical value"),
]
GIVENS = {
    "data1": "first measurement of each pair (a list), with data2 of the same length; or instead:",
    "data2": "second measurement of each pair",
    "n": "number of pairs (with mean_d and sd_d)",
    "mean_d": "mean of the differences x₁ − x₂",
    "sd_d": "standard deviation of the differences (divisor n − 1)",
    "mu0": "hypothesised mean difference μ₀ (default 0)",
    "alpha": "significance level α (default 0.05)",
    "tail": "two (H₁: μ_d ≠ μ₀, default), left (μ_d < μ₀) or right (μ_d > μ₀)",
}
MISTAKES = {
    "d-reversed": "differences taken the other way round: x₂ − x₁ instead of x₁ − x₂",
    "sd-divisor": "standard deviation of the differences with divisor n instead of n − 1",
    "unpaired": "treated as two independent samples: SE from the two groups' variances, not from the differences",
    "df-n": "degrees of freedom n instead of n − 1",
    **S.COMMON_MISTAKES,
}
CHOICES, ALIASES = S.CHOICES, S.aliases(STEPS)


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """5–8 pairs (before/after), the second shifted by an effect that gives a clear decision."""
    easy, hard = difficulty == "easy", difficulty == "hard"
    base = {"mu0": 0.0 if not hard or rng.random() < 0.7 else float(rng.choice([0.5, 1.0])), **S.draw_level_and_tail(rng, easy)}
    boundary = hard and rng.random() < 0.5
    for _ in range(400):
        if variant == "summary":
            g = {"n": int(rng.integers(8, 31)), "mean_d": 0.0, "sd_d": round(float(rng.uniform(0.8, 4.0)), 2), **base}
            se, n = g["sd_d"] / math.sqrt(g["n"]), g["n"]
        else:
            n = 5 if easy else int(rng.integers(5, 9))
            x1 = S.draw_data(rng, n, float(rng.integers(20, 80)), 5.0, 0 if easy else 1)
            noise = np.round(rng.normal(0, 1.5, n), 0 if easy else 1)
            g = {"data1": x1, "data2": [round(a - b, 6) for a, b in zip(x1, noise)], **base}
            d = np.array(g["data1"]) - np.array(g["data2"])
            if np.ptp(d) == 0:
                continue
            se = float(d.std(ddof=1)) / math.sqrt(n)
        crit = S.table_critical(base["alpha"], base["tail"], n - 1)
        offset = S.statistic_offset(rng, crit, base["tail"], boundary)
        g = _set_mean(g, base["mu0"] + offset * se, 0 if easy else 1 if not hard else 2)
        mean = g["mean_d"] if "mean_d" in g else float(np.mean(np.array(g["data1"]) - np.array(g["data2"])))
        if S.placed((mean - base["mu0"]) / se, crit, base["tail"], boundary, hard):
            break
    return g


def _set_mean(g: dict[str, Any], mean: float, decimals: int) -> dict[str, Any]:
    """Shift the second measurements (or set mean_d) so the mean difference is about ``mean``."""
    if "mean_d" in g:
        return {**g, "mean_d": round(mean, max(decimals, 1))}
    now = float(np.mean(np.array(g["data1"]) - np.array(g["data2"])))
    shift = round(now - mean, min(decimals, 1))
    return {**g, "data2": [round(v + shift, 6) for v in g["data2"]]}


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Paired data of equal length whose differences vary, or n ≥ 2, mean_d, sd_d > 0; μ₀, α, tail."""
    out: dict[str, Any] = {}
    if givens.get("data1") is not None or givens.get("data2") is not None:
        out["data1"] = vector(givens, "data1", (2, 200))
        out["data2"] = vector(givens, "data2", (len(out["data1"]), len(out["data1"])))
        d = np.array(out["data1"]) - np.array(out["data2"])
        S.varies("data2", d.tolist(), "gives differences that are all equal (zero variance)")
    else:
        out["n"] = integer(givens, "n", 2, 100_000)
        out["mean_d"] = number(givens, "mean_d")
        out["sd_d"] = S.nonzero_sd(givens, "sd_d")
    out["mu0"] = number(givens, "mu0", default=0.0)
    out.update(S.test_givens(givens))
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if "data1" in g:
        text = (f"{len(g['data1'])} subjects are measured twice. First: {S.data_text(g['data1'])}; "
                f"second: {S.data_text(g['data2'])}. With d = first − second, ")
        ask = "the differences, their mean and standard deviation, "
    else:
        text = f"For n = {g['n']} pairs the differences d = first − second have mean {S.fmt(g['mean_d'])} and s_d = {S.fmt(g['sd_d'])}. "
        ask = ""
    return (text + f"test {S.hypotheses(g['tail'], 'μ_d', S.fmt(g['mu0']))} at α = {S.fmt(g['alpha'])} with a paired t-test: "
            f"compute {ask}the standard error, t, the degrees of freedom, the critical value, the p-value and the decision.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["d = first − second for every pair; s_d uses the divisor n − 1; SE = s_d/√n; df = n − 1.",
            *S.decision_conventions(g["tail"])]


def solve(g: dict[str, Any], work: Any) -> None:
    """Differences, their mean and SD (from data), SE, t, df, then the decision."""
    if "data1" in g:
        x1, x2 = np.array(g["data1"], dtype=float), np.array(g["data2"], dtype=float)
        d = work.put("d", "Differences", x2 - x1 if work.mistake("d-reversed") else x1 - x2, formula="x₁ − x₂")
        n = len(d)
        mean = work.put("mean_d", "Mean difference", float(np.sum(d)) / n, formula="Σd/n", depends_on=("d",))
        sd = math.sqrt(float(((np.asarray(d) - mean) ** 2).sum()) / (n if work.mistake("sd-divisor") else n - 1))
        sd = work.put("sd_d", "SD of the differences", sd, formula="√[Σ(d − mean_d)²/(n − 1)]", depends_on=("d", "mean_d"))
        se = math.sqrt((x1.var(ddof=1) + x2.var(ddof=1)) / n) if work.mistake("unpaired") else sd / math.sqrt(n)
        deps: tuple[str, ...] = ("sd_d",)
    else:
        n, mean, sd, deps = g["n"], g["mean_d"], g["sd_d"], ()
        se = sd / math.sqrt(n)
    se = work.put("se", "Standard error", se, formula="s_d/√n", depends_on=deps)
    sign = -1.0 if work.mistake("t-sign") else 1.0
    t = work.put("t", "t statistic", sign * (mean - g["mu0"]) / se, formula="(mean_d − μ₀)/SE",
                 depends_on=("se",) + (("mean_d",) if "data1" in g else ()))
    df = work.put("df", "Degrees of freedom", n if work.mistake("df-n") else n - 1, formula="n − 1")
    S.finish(g, t, df, work)


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """scipy.stats.ttest_rel on the pairs (μ₀ subtracted from the first), or ttest_1samp on a
    synthetic sample with the given mean and SD of the differences."""
    from scipy import stats
    alt = S.SCIPY_ALTERNATIVE[g["tail"]]
    out: dict[str, Any] = {}
    if "data1" in g:
        a, b = np.array(g["data1"]), np.array(g["data2"])
        res = stats.ttest_rel(a - g["mu0"], b, alternative=alt)
        diffs = np.subtract(a, b)
        out.update(d=diffs.tolist(), mean_d=float(diffs.mean()), sd_d=float(diffs.std(ddof=1)))
        mean = float(diffs.mean())
    else:
        res = stats.ttest_1samp(S.synthetic_sample(g["n"], g["mean_d"], g["sd_d"]), g["mu0"], alternative=alt)
        mean = g["mean_d"]
    return out | {"se": float((mean - g["mu0"]) / res.statistic)} | S.scipy_verdict(res, g["alpha"], g["tail"], int(res.df))


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0), "text"))
