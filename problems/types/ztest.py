"""One-sample z-test: the population σ is known (SYLLABUS §14).

Equations::

    mean = Σx / n                      (from data; or given)
    SE   = σ / √n
    z    = (mean − μ₀) / SE
    z_crit = N⁻¹(1 − α/2) (two-tailed) or N⁻¹(1 − α) (one-tailed), N the standard normal
    p    = 2·P(Z > |z|) | P(Z > z) | P(Z < z);  reject H₀ when z lies beyond ±z_crit
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import integer, number
from problems.shared import hypothesis_tests as S

NAME = "ztest"
SUMMARY = "One-sample z-test (σ known): mean, standard error, z, critical value, p-value and decision"
SECTIONS = ("14",)
VARIANTS = {"summary": "from summary statistics (n, mean) instead of raw data"}
STEPS = [
    StepSpec("sum", "Sum of the data Σx", "number", None, "Σx"),
    StepSpec("mean", "Sample mean", "number", 2, "mean = Σx / n"),
    StepSpec("se", "Standard error σ/√n", "number", 3, "SE = σ/√n"),
    StepSpec("z", "Test statistic z", "number", 2, "z = (mean − μ₀)/SE"),
    StepSpec("z_crit", "Critical value (positive)", "number", 2, "z_crit = N⁻¹(1 − α/2) two-tailed, N⁻¹(1 − α) one-tailed"),
    StepSpec("p", "p-value", "number", 3, "two: 2P(Z > |z|); right: P(Z > z); left: P(Z < z)"),
    StepSpec("decision", "Decision: reject or retain H₀", "choice", None, "reject H₀ when z lies beyond the critical value"),
]
GIVENS = {
    "data": "the sample (a list of numbers), or instead:",
    "n": "sample size (with mean)",
    "mean": "sample mean (with n)",
    "sigma": "the known population standard deviation σ",
    "mu0": "hypothesised mean μ₀",
    "alpha": "significance level α (default 0.05)",
    "tail": "two (H₁: μ ≠ μ₀, default), left (μ < μ₀) or right (μ > μ₀)",
}
MISTAKES = {
    "se-no-root": "standard error without √n: used σ instead of σ/√n",
    "se-n": "divided σ by n instead of √n",
    "t-table": "critical value from the t table (df = n − 1) instead of the normal table",
    **S.COMMON_MISTAKES,
}
CHOICES, ALIASES = S.CHOICES, S.aliases(STEPS)
SQUARES = [16, 25, 36, 49, 64, 81, 100, 144]


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Data of 6–10 values with σ given, or (summary) n a perfect square over 15 so √n is exact."""
    easy, hard = difficulty == "easy", difficulty == "hard"
    base = S.draw_level_and_tail(rng, easy)
    sigma = float(rng.choice([2.0, 3.0, 4.0, 5.0] if easy else [1.5, 2.0, 2.5, 3.0, 4.0, 6.0]))
    centre = float(rng.integers(20, 80))
    boundary = hard and rng.random() < 0.5
    crit = S.table_critical(base["alpha"], base["tail"], None)
    for _ in range(400):
        if variant == "summary":
            g = {"n": int(rng.choice(SQUARES)), "mean": round(centre + float(rng.normal()), 1), **base}
        else:
            g = {"data": S.draw_data(rng, int(rng.integers(6, 11)) if not easy else 5, centre, sigma, 0 if easy else 1), **base}
        n = len(g["data"]) if "data" in g else g["n"]
        mean = float(np.mean(g["data"])) if "data" in g else g["mean"]
        se = sigma / math.sqrt(n)
        mu0 = round(mean - S.statistic_offset(rng, crit, base["tail"], boundary, high=3.5) * se, 2 if hard else 1)
        if S.placed((mean - mu0) / se, crit, base["tail"], boundary, hard):
            break
    return {**g, "sigma": sigma, "mu0": mu0}


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Data (not all equal) or n ≥ 1 and a mean; σ > 0; μ₀, α, tail."""
    out: dict[str, Any] = {}
    if givens.get("data") is not None:
        out["data"] = S.sample(givens, "data")
    else:
        out["n"] = integer(givens, "n", 1, 10_000_000)
        out["mean"] = number(givens, "mean")
    out["sigma"] = S.nonzero_sd(givens, "sigma")
    out["mu0"] = number(givens, "mu0")
    out.update(S.test_givens(givens))
    return out


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if "data" in g:
        sample = f"A sample of n = {len(g['data'])} gives {S.data_text(g['data'])}."
        ask = "Σx, the mean, "
    else:
        sample = f"A sample of n = {g['n']} has mean {S.fmt(g['mean'])}."
        ask = ""
    return (f"{sample} The population standard deviation is known: σ = {S.fmt(g['sigma'])}. Test "
            f"{S.hypotheses(g['tail'], null=S.fmt(g['mu0']))} at α = {S.fmt(g['alpha'])} with a z-test: compute {ask}"
            "the standard error, z, the critical value, the p-value and the decision.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["σ is known, so SE = σ/√n and the statistic is standard normal (a z-test, not a t-test).",
            *S.decision_conventions(g["tail"], "z", tail_from_h1=True)]


def solve(g: dict[str, Any], work: Any) -> None:
    """(Σx and the mean,) SE, z, critical value, p-value and decision."""
    if "data" in g:
        n = len(g["data"])
        s1 = work.put("sum", "Σx", float(np.sum(g["data"])), formula="Σx")
        mean = work.put("mean", "Sample mean", s1 / n, formula="Σx/n", depends_on=("sum",))
    else:
        n, mean = g["n"], g["mean"]
    root = 1.0 if work.mistake("se-no-root") else n if work.mistake("se-n") else math.sqrt(n)
    se = work.put("se", "Standard error", g["sigma"] / root, formula="σ/√n")
    sign = -1.0 if work.mistake("t-sign") else 1.0
    z = work.put("z", "z statistic", sign * (mean - g["mu0"]) / se, formula="(mean − μ₀)/SE",
                 depends_on=("se",) + (("mean",) if "data" in g else ()))
    S.finish(g, z, n - 1 if work.mistake("t-table") else None, work, "z")


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """scipy.stats.norm directly on the sampling distribution of the mean, N(μ₀, σ²/n)."""
    from scipy import stats
    x = np.array(g.get("data", []), dtype=float)
    n = len(x) if "data" in g else g["n"]
    mean = float(x.mean()) if "data" in g else g["mean"]
    null = stats.norm(loc=g["mu0"], scale=g["sigma"] / np.sqrt(n))
    p = {"two": 2 * min(null.cdf(mean), null.sf(mean)), "left": null.cdf(mean), "right": null.sf(mean)}[g["tail"]]
    out = {"se": float(null.std()), "z": float((mean - null.mean()) / null.std()), "p": float(p),
           "z_crit": float(stats.norm.ppf(1 - g["alpha"] / (2 if g["tail"] == "two" else 1))),
           "decision": "reject" if p < g["alpha"] else "retain"}
    if "data" in g:
        out.update(sum=float(np.sum(x)), mean=mean)
    return out


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0), "text"))
