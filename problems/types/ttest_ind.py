"""Two-sample t-test for independent samples: pooled (equal variances) or Welch (SYLLABUS §14).

Equations::

    s₁², s₂²   sample variances (divisor n − 1)
    pooled:    s_p² = ((n₁ − 1)s₁² + (n₂ − 1)s₂²) / (n₁ + n₂ − 2),  SE = √(s_p² (1/n₁ + 1/n₂)),  df = n₁ + n₂ − 2
    Welch:     SE = √(s₁²/n₁ + s₂²/n₂),
               df = (s₁²/n₁ + s₂²/n₂)² / [(s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1)]   (not rounded)
    t = (mean₁ − mean₂) / SE;  critical value, p-value and decision as for every t-test
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import choice, integer, number
from problems.shared import hypothesis_tests as S
from problems.work import noise_floor

NAME = "ttest-ind"
SUMMARY = "Two-sample t-test (pooled or Welch): means, variances, pooled variance, SE, t, df, p and decision"
SECTIONS = ("14",)
VARIANTS = {
    "welch": "unequal variances: Welch's SE and Welch–Satterthwaite df",
    "summary": "pooled, from summary statistics (n, mean, s of each group)",
    "welch-summary": "Welch, from summary statistics",
}
STEPS = [
    StepSpec("mean1", "Mean of sample 1", "number", 2, "mean₁ = Σx₁/n₁"),
    StepSpec("mean2", "Mean of sample 2", "number", 2, "mean₂ = Σx₂/n₂"),
    StepSpec("var1", "Variance of sample 1 (divisor n₁ − 1)", "number", 2, "s₁² = Σ(x − mean₁)²/(n₁ − 1)"),
    StepSpec("var2", "Variance of sample 2 (divisor n₂ − 1)", "number", 2, "s₂² = Σ(x − mean₂)²/(n₂ − 1)"),
    StepSpec("sp2", "Pooled variance (pooled test)", "number", 2, "s_p² = ((n₁ − 1)s₁² + (n₂ − 1)s₂²)/(n₁ + n₂ − 2)"),
    StepSpec("se", "Standard error of mean₁ − mean₂", "number", 3, "pooled √(s_p²(1/n₁ + 1/n₂)); Welch √(s₁²/n₁ + s₂²/n₂)"),
    StepSpec("t", "Test statistic t", "number", 2, "t = (mean₁ − mean₂)/SE"),
    StepSpec("df", "Degrees of freedom (Welch: not rounded)", "number", 2, "pooled n₁ + n₂ − 2; Welch–Satterthwaite"),
    StepSpec("t_crit", "Critical value (positive)", "number", 2, "t⁻¹(1 − α/2; df) two-tailed, t⁻¹(1 − α; df) one-tailed"),
    StepSpec("p", "p-value", "number", 2, "two: 2P(T > |t|); right: P(T > t); left: P(T < t)"),
    StepSpec("decision", "Decision: reject or retain H₀", "choice", None, "reject H₀ when t lies beyond the critical value"),
]
GIVENS = {
    "data1": "sample 1 (a list), with data2; or instead n1, mean1, sd1 and n2, mean2, sd2",
    "data2": "sample 2 (a list)",
    "n1": "size of sample 1", "mean1": "mean of sample 1", "sd1": "standard deviation of sample 1 (divisor n − 1)",
    "n2": "size of sample 2", "mean2": "mean of sample 2", "sd2": "standard deviation of sample 2 (divisor n − 1)",
    "method": "pooled (equal variances, default) or welch",
    "alpha": "significance level α (default 0.05)",
    "tail": "two (H₁: μ₁ ≠ μ₂, default), left (μ₁ < μ₂) or right (μ₁ > μ₂)",
}
MISTAKES = {
    "var-divisor-n": "sample variance with divisor n instead of n − 1",
    "sp-unweighted": "pooled variance as the plain average (s₁² + s₂²)/2 instead of weighting by n − 1",
    "se-no-root": "standard error without the square root",
    "df-n": "degrees of freedom n₁ + n₂ instead of n₁ + n₂ − 2",
    "welch-df-pooled": "Welch test with the pooled degrees of freedom n₁ + n₂ − 2",
    "welch-df-floor": "Welch degrees of freedom rounded down (the exact value is expected here)",
    **S.COMMON_MISTAKES,
}
CHOICES, ALIASES = S.CHOICES, S.aliases(STEPS)


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Two small samples (sizes usually unequal) shifted so that t gives a clear decision."""
    easy, hard = difficulty == "easy", difficulty == "hard"
    base = {"method": "welch" if variant in ("welch", "welch-summary") else "pooled", **S.draw_level_and_tail(rng, easy)}
    centre = float(rng.integers(10, 50))
    boundary = hard and rng.random() < 0.5
    for _ in range(400):
        if variant in ("summary", "welch-summary"):
            g = {"n1": int(rng.integers(8, 25)), "mean1": round(centre + float(rng.normal()), 1), "sd1": round(float(rng.uniform(1, 4)), 1),
                 "n2": int(rng.integers(8, 25)), "mean2": round(centre, 1), "sd2": round(float(rng.uniform(1, 4)), 1), **base}
        else:
            sizes = (5, 5) if easy else (int(rng.integers(5, 9)), int(rng.integers(5, 9)))
            g = {"data1": S.draw_data(rng, sizes[0], centre, 2.0, 0 if easy else 1),
                 "data2": S.draw_data(rng, sizes[1], centre, float(rng.choice([1.5, 2.0, 3.0])), 0 if easy else 1), **base}
        t, se, df = _t(g)
        crit = S.table_critical(base["alpha"], base["tail"], df)
        offset = S.statistic_offset(rng, crit, base["tail"], boundary)
        g = _shift(g, round(t * se - offset * se, 0 if easy else 1))  # move sample 2 so t ≈ offset
        if S.placed(_t(g)[0], crit, base["tail"], boundary, hard):
            break
    return g


def _shift(g: dict[str, Any], d: float) -> dict[str, Any]:
    if "data2" in g:
        return {**g, "data2": [round(v + d, 6) for v in g["data2"]]}
    return {**g, "mean2": round(g["mean2"] + d, 6)}


def _summary(g: dict[str, Any]) -> tuple[int, float, float, int, float, float]:
    if "data1" in g:
        a, b = np.array(g["data1"]), np.array(g["data2"])
        return len(a), float(a.mean()), float(a.var(ddof=1)), len(b), float(b.mean()), float(b.var(ddof=1))
    return g["n1"], g["mean1"], g["sd1"] ** 2, g["n2"], g["mean2"], g["sd2"] ** 2


def _t(g: dict[str, Any]) -> tuple[float, float, float]:
    """t, SE and df (generation only; the solver is the reference)."""
    n1, m1, v1, n2, m2, v2 = _summary(g)
    if g["method"] == "pooled":
        se = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2) * (1 / n1 + 1 / n2))
        return (m1 - m2) / se, se, n1 + n2 - 2
    a, b = v1 / n1, v2 / n2
    return (m1 - m2) / math.sqrt(a + b), math.sqrt(a + b), (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Two samples (each with non-zero variance) or their summaries; method, α, tail."""
    out: dict[str, Any] = {}
    if givens.get("data1") is not None or givens.get("data2") is not None:
        out["data1"], out["data2"] = S.sample(givens, "data1"), S.sample(givens, "data2")
    else:
        for i in ("1", "2"):
            out["n" + i] = integer(givens, "n" + i, 2, 100_000)
            out["mean" + i] = number(givens, "mean" + i)
            out["sd" + i] = S.nonzero_sd(givens, "sd" + i, "is zero: the test needs variation in each group")
    out["method"] = choice(givens, "method", ("pooled", "welch"), default="pooled")
    out.update(S.test_givens(givens))
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if "data1" in g:
        text = (f"Two independent samples: sample 1 (n₁ = {len(g['data1'])}): {S.data_text(g['data1'])}; "
                f"sample 2 (n₂ = {len(g['data2'])}): {S.data_text(g['data2'])}. ")
        ask = "the means, the variances, "
    else:
        text = (f"Two independent samples: n₁ = {g['n1']}, mean₁ = {S.fmt(g['mean1'])}, s₁ = {S.fmt(g['sd1'])}; "
                f"n₂ = {g['n2']}, mean₂ = {S.fmt(g['mean2'])}, s₂ = {S.fmt(g['sd2'])} (SDs with divisor n − 1). ")
        ask = "the variances, "
    how = "a pooled two-sample t-test (equal variances assumed)" if g["method"] == "pooled" else "Welch's t-test (unequal variances)"
    pooled = "the pooled variance, " if g["method"] == "pooled" else ""
    return (text + f"Test {S.hypotheses(g['tail'], 'μ₁', 'μ₂')} at α = {S.fmt(g['alpha'])} with {how}: compute {ask}{pooled}"
            "the standard error, t, the degrees of freedom, the critical value, the p-value and the decision.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    out = ["Variances use the divisor n − 1; t = (mean₁ − mean₂)/SE."]
    if g["method"] == "welch":
        out.append("Welch: SE = √(s₁²/n₁ + s₂²/n₂); df by Welch–Satterthwaite, not rounded; t_crit at that df.")
    else:
        out.append("Pooled: SE = √(s_p²(1/n₁ + 1/n₂)) and df = n₁ + n₂ − 2.")
    return out + S.decision_conventions(g["tail"])


def solve(g: dict[str, Any], work: Any) -> None:
    """Means and variances (from data), pooled variance or Welch terms, SE, t, df, then the decision."""
    n1, m1, v1, n2, m2, v2 = _summary(g)
    data = "data1" in g
    if data:
        m1 = work.put("mean1", "Mean of sample 1", m1, formula="Σx₁/n₁", tiny=noise_floor(g["data1"]))
        m2 = work.put("mean2", "Mean of sample 2", m2, formula="Σx₂/n₂", tiny=noise_floor(g["data2"]))
    v1, v2 = _variance(g, 1, m1, work), _variance(g, 2, m2, work)
    welch = g["method"] == "welch"
    if welch:
        se2, se_deps = v1 / n1 + v2 / n2, ("var1", "var2")
    else:
        sp2 = (v1 + v2) / 2 if work.mistake("sp-unweighted") else ((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2)
        sp2 = work.put("sp2", "Pooled variance", sp2, formula="((n₁ − 1)s₁² + (n₂ − 1)s₂²)/(n₁ + n₂ − 2)", depends_on=("var1", "var2"),
                       tiny=0.0)  # a weighted sum of the variances: no cancellation
        se2, se_deps = sp2 * (1 / n1 + 1 / n2), ("sp2",)
    se = work.put("se", "Standard error", se2 if work.mistake("se-no-root") else math.sqrt(se2),
                  formula="√(s₁²/n₁ + s₂²/n₂)" if welch else "√(s_p²(1/n₁ + 1/n₂))", depends_on=se_deps)
    sign = -1.0 if work.mistake("t-sign") else 1.0
    t = work.put("t", "t statistic", sign * (m1 - m2) / se, formula="(mean₁ − mean₂)/SE",
                 depends_on=("se",) + (("mean1", "mean2") if data else ()))
    df = work.put("df", "Degrees of freedom", _df(n1, v1, n2, v2, welch, work),
                  formula="Welch–Satterthwaite" if welch else "n₁ + n₂ − 2", depends_on=("var1", "var2") if welch else ())
    S.finish(g, t, df, work)


def _variance(g: dict[str, Any], i: int, mean: float, work: Any) -> float:
    """s_i² from the data around the (student's) mean, or the given s_i squared."""
    if f"data{i}" in g:
        x = np.array(g[f"data{i}"], dtype=float)
        v = float(((x - mean) ** 2).sum() / (len(x) - (0 if work.mistake("var-divisor-n") else 1)))
        return work.put(f"var{i}", f"Variance of sample {i}", v, formula="Σ(x − mean)²/(n − 1)", depends_on=(f"mean{i}",),
                        tiny=noise_floor(x, 2))
    return work.put(f"var{i}", f"Variance of sample {i}", g[f"sd{i}"] ** 2, formula="s²", tiny=0.0)  # s ≥ 1e-6: s² is real


def _df(n1: int, v1: float, n2: int, v2: float, welch: bool, work: Any) -> float:
    if not welch or work.mistake("welch-df-pooled"):
        return n1 + n2 - (0 if work.mistake("df-n") else 2)
    a, b = v1 / n1, v2 / n2
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
    return float(math.floor(df)) if work.mistake("welch-df-floor") else df


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """scipy.stats.ttest_ind (data) or ttest_ind_from_stats (summaries), equal_var by the method."""
    from scipy import stats
    pooled = g["method"] == "pooled"
    alt = S.SCIPY_ALTERNATIVE[g["tail"]]
    out: dict[str, Any] = {}
    if "data1" in g:
        a, b = np.array(g["data1"]), np.array(g["data2"])
        res = stats.ttest_ind(a, b, equal_var=pooled, alternative=alt)
        df = float(res.df)
        out.update(mean1=float(np.mean(a)), mean2=float(np.mean(b)), var1=float(np.var(a, ddof=1)), var2=float(np.var(b, ddof=1)))
        if pooled:
            out["sp2"] = float((((a - a.mean()) ** 2).sum() + ((b - b.mean()) ** 2).sum()) / (len(a) + len(b) - 2))
        diff = a.mean() - b.mean()
    else:
        res = stats.ttest_ind_from_stats(g["mean1"], g["sd1"], g["n1"], g["mean2"], g["sd2"], g["n2"], equal_var=pooled, alternative=alt)
        out.update(var1=g["sd1"] ** 2, var2=g["sd2"] ** 2)
        v = np.array([g["sd1"] ** 2 / g["n1"], g["sd2"] ** 2 / g["n2"]])
        df = float(g["n1"] + g["n2"] - 2) if pooled else float(v.sum() ** 2 / (v ** 2 / (np.array([g["n1"], g["n2"]]) - 1)).sum())
        diff = g["mean1"] - g["mean2"]
    return out | {"se": float(diff / res.statistic)} | S.scipy_verdict(res, g["alpha"], g["tail"], df)


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0), "text"))
