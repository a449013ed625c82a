"""One-sample t-test from data or from summary statistics (SYLLABUS §14).

Equations::

    Σx, Σx²                                    from the data
    mean = Σx / n
    s    = √[(Σx² − (Σx)²/n) / (n − 1)]        sd_divisor n-1 (default);  SE = s / √n
    s    = √[(Σx² − (Σx)²/n) / n]              sd_divisor n;              SE = s / √(n − 1)
    t    = (mean − μ₀) / SE,   df = n − 1
    t_crit = t_{df}⁻¹(1 − α/2) (two-tailed) or t_{df}⁻¹(1 − α) (one-tailed)
    p    = 2·P(T > |t|) | P(T > t) | P(T < t);  reject H₀ when t lies beyond ±t_crit
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import choice, integer, number
from problems.shared import hypothesis_tests as S
from problems.work import noise_floor
from problems.compare import ATOL

NAME = "ttest"
SUMMARY = "One-sample t-test: sums, mean, s, SE, t, df, critical value, p-value and decision"
SECTIONS = ("14",)
VARIANTS = {"summary": "from summary statistics (n, mean, s) instead of raw data"}
STEPS = [
    StepSpec("sum", "Sum of the data Σx", "number", None, "Σx"),
    StepSpec("sumsq", "Sum of squares Σx²", "number", None, "Σx²"),
    StepSpec("mean", "Sample mean", "number", 2, "mean = Σx / n"),
    StepSpec("sd", "Sample standard deviation s (divisor as the givens say)", "number", 2, "s = √[(Σx² − (Σx)²/n)/(n − 1)]  (or /n)"),
    StepSpec("se", "Standard error of the mean", "number", 3, "SE = s/√n  (s with divisor n: s/√(n − 1))"),
    StepSpec("t", "Test statistic t", "number", 2, "t = (mean − μ₀)/SE"),
    StepSpec("df", "Degrees of freedom", "integer", None, "df = n − 1"),
    StepSpec("t_crit", "Critical value (positive)", "number", 2, "t_crit = t⁻¹(1 − α/2; df) two-tailed, t⁻¹(1 − α; df) one-tailed"),
    StepSpec("p", "p-value", "number", 2, "two: 2P(T > |t|); right: P(T > t); left: P(T < t)"),
    StepSpec("decision", "Decision: reject or retain H₀", "choice", None, "reject H₀ when t lies beyond the critical value"),
]
GIVENS = {
    "data": "the sample (a list of numbers), or instead:",
    "n": "sample size (with mean and sd)",
    "mean": "sample mean (with n and sd)",
    "sd": "sample standard deviation (with n and mean), computed with the divisor sd_divisor",
    "mu0": "hypothesised mean μ₀",
    "alpha": "significance level α (default 0.05)",
    "tail": "two (H₁: μ ≠ μ₀, default), left (μ < μ₀) or right (μ > μ₀)",
    "sd_divisor": "n-1 (default: s = √(SS/(n − 1)), SE = s/√n) or n (s = √(SS/n), SE = s/√(n − 1))",
}
MISTAKES = {
    "sumsq-of-sum": "Σx² confused with (Σx)²",
    "sd-divisor": "standard deviation computed with the other divisor (n instead of n − 1, or n − 1 instead of n)",
    "se-root": "standard error mixes the conventions: the n − 1 SD goes with √n, the divisor-n SD with √(n − 1)",
    "df-n": "degrees of freedom n instead of n − 1",
    **S.COMMON_MISTAKES,
}
CHOICES, ALIASES = S.CHOICES, S.aliases(STEPS)


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Hand-friendly data (integers when easy, one decimal otherwise) and a μ₀ that gives a clear
    decision; ``hard`` puts t within 0.03 of the critical value in about half the seeds."""
    easy, hard = difficulty == "easy", difficulty == "hard"
    base = {**S.draw_level_and_tail(rng, easy), "sd_divisor": "n-1" if easy or rng.random() < 0.6 else "n"}
    n = 5 if easy else int(rng.integers(6, 11) if not hard else rng.integers(8, 13))
    centre, spread = float(rng.integers(10, 60)), float(rng.choice([2.0, 3.0] if easy else [1.0, 1.5, 2.0, 3.0]))
    boundary = hard and rng.random() < 0.5
    for _ in range(400):
        if variant == "summary":
            g = {"n": int(rng.integers(10, 31)), "mean": round(centre + float(rng.normal()), 2),
                 "sd": round(spread * float(rng.uniform(0.6, 1.4)), 2), **base}
        else:
            g = {"data": S.draw_data(rng, n, centre, spread, 0 if easy else 1), **base}
        crit = S.table_critical(base["alpha"], base["tail"], _n(g) - 1)
        offset = S.statistic_offset(rng, crit, base["tail"], boundary)
        mean, se = _mean_se(g)
        g["mu0"] = round(mean - offset * se, 2 if hard else 1)
        if S.placed((mean - g["mu0"]) / se, crit, base["tail"], boundary, hard):
            break
    return g


def _n(g: dict[str, Any]) -> int:
    return len(g["data"]) if "data" in g else g["n"]


def _mean_se(g: dict[str, Any]) -> tuple[float, float]:
    """Mean and standard error of the givens (generation only; the solver is the reference)."""
    if "data" not in g:
        return g["mean"], g["sd"] / math.sqrt(g["n"] - (g["sd_divisor"] == "n"))
    x = np.array(g["data"])
    return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Data (non-zero variance) or n ≥ 2, mean, sd > 0; μ₀, α, tail, sd_divisor."""
    out: dict[str, Any] = {}
    if givens.get("data") is not None:
        out["data"] = S.sample(givens, "data")
    else:
        out["n"] = integer(givens, "n", 2, 100_000)
        out["mean"] = number(givens, "mean")
        out["sd"] = S.nonzero_sd(givens, "sd")
    out["mu0"] = number(givens, "mu0")
    out.update(S.test_givens(givens))
    out["sd_divisor"] = choice(givens, "sd_divisor", ("n-1", "n"), default="n-1")
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    div = "n − 1" if g["sd_divisor"] == "n-1" else "n"
    if "data" in g:
        sample = f"A sample of n = {len(g['data'])} gives {S.data_text(g['data'])}."
        ask = "Σx, Σx², the mean, s (divisor " + div + "), the standard error, "
    else:
        sample = f"A sample of n = {g['n']} has mean {S.fmt(g['mean'])} and standard deviation s = {S.fmt(g['sd'])} (divisor {div})."
        ask = "the standard error, "
    return (f"{sample} Test {S.hypotheses(g['tail'], null=S.fmt(g['mu0']))} at α = {S.fmt(g['alpha'])} with a one-sample t-test: "
            f"compute {ask}t, the degrees of freedom, the critical value, the p-value and the decision.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    se = "SE = s/√n with s the n − 1 SD" if g["sd_divisor"] == "n-1" else "SE = s/√(n − 1) with s the divisor-n SD"
    return [f"{se}; t = (mean − μ₀)/SE; df = n − 1."] + S.decision_conventions(g["tail"], tail_from_h1=True)


def solve(g: dict[str, Any], work: Any) -> None:
    """Sums, mean and s (from data), SE, t, df, critical value, p-value, decision."""
    n, by_n = _n(g), g["sd_divisor"] == "n"
    if "data" in g:
        x = np.array(g["data"], dtype=float)
        s1 = work.put("sum", "Σx", float(x.sum()), formula="Σx", tiny=noise_floor(x))
        s2 = work.put("sumsq", "Σx²", float(s1 ** 2 if work.mistake("sumsq-of-sum") else (x ** 2).sum()), formula="Σx²",
                      tiny=noise_floor(x, 2))
        mean = work.put("mean", "Sample mean", s1 / n, formula="Σx/n", depends_on=("sum",), tiny=noise_floor(x))
        divisor = (n if by_n != work.mistake("sd-divisor") else n - 1)
        sd = work.put("sd", f"s (divisor {'n' if divisor == n else 'n − 1'})", math.sqrt(_sum_of_squares(x, s1, s2) / divisor),
                      formula="√[(Σx² − (Σx)²/n)/" + ("n]" if divisor == n else "(n − 1)]"), depends_on=("sum", "sumsq"))
        deps: tuple[str, ...] = ("sd",)
    else:
        mean, sd, deps = g["mean"], g["sd"], ()
    root = (n - 1 if by_n != work.mistake("se-root") else n)
    se = work.put("se", "Standard error", sd / math.sqrt(root), formula="s/√n" if root == n else "s/√(n − 1)", depends_on=deps)
    sign = -1.0 if work.mistake("t-sign") else 1.0
    t = work.put("t", "t statistic", sign * (mean - g["mu0"]) / se, formula="(mean − μ₀)/SE",
                 depends_on=("se",) + (("mean",) if "data" in g else ()))
    df = work.put("df", "Degrees of freedom", n if work.mistake("df-n") else n - 1, formula="n − 1")
    S.finish(g, t, df, work)


def _sum_of_squares(x: np.ndarray, s1: float, s2: float) -> float:
    """SS = Σx² − (Σx)²/n from the sums the work goes on with (the student's, carried forward).

    When both sums are the data's own (equal within the checker's "correct" tolerance), SS is
    computed as Σ(x − x̄)² instead: the same number without the cancellation of two nearly equal
    terms, which for data such as 100000, 100000.1, 100000.3 (Σx² ≈ 3·10¹⁰, SS ≈ 0.047) leaves
    only the rounding of Σx² (s would come out 0.152738 instead of 0.152753).
    """
    n = len(x)
    if all(math.isclose(given, exact, rel_tol=1e-9, abs_tol=ATOL) for given, exact in ((s1, float(x.sum())), (s2, float(x @ x)))):
        return float(((x - x.mean()) ** 2).sum())
    return max(s2 - s1 ** 2 / n, 0.0)


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """scipy.stats.ttest_1samp on the data (or on a synthetic sample with the given n, mean, s)."""
    from scipy import stats
    by_n = g["sd_divisor"] == "n"
    x = np.array(g["data"], dtype=float) if "data" in g else S.synthetic_sample(g["n"], g["mean"], g["sd"], ddof=0 if by_n else 1)
    res = stats.ttest_1samp(x, g["mu0"], alternative=S.SCIPY_ALTERNATIVE[g["tail"]])
    out = {"se": float(np.std(x, ddof=1) / np.sqrt(len(x)))} | S.scipy_verdict(res, g["alpha"], g["tail"], int(res.df))
    if "data" in g:
        out.update(sum=float(np.sum(x)), sumsq=float(np.dot(x, x)), mean=float(np.mean(x)), sd=float(np.std(x, ddof=0 if by_n else 1)))
    return out


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0), "text"))
