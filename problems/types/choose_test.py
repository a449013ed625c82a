"""Choosing the test: the tail from the wording of H₁ (never from the side the sample mean fell
on), z or t by the course's rule (σ known, or n > 30), then SE, the statistic, the critical
value and the decision (SYLLABUS §14).

Equations::

    tail: 'greater than μ₀' → right,  'less than μ₀' → left,  'differs from μ₀' → two
    test: z if σ is known or n > 30 (s stands in for σ), else t with df = n − 1
    SE = sd/√n,  stat = (mean − μ₀)/SE,  c = F⁻¹(1 − α) (one tail) or F⁻¹(1 − α/2) (two)
    reject H₀ when stat > c (right), stat < −c (left), |stat| > c (two)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import choice, flag, integer, number
from problems.shared import hypothesis_tests as S
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.statement_text import num

NAME = "test-choice"
SUMMARY = "Which test: tail from the wording of H₁, z or t (σ known or n > 30), then SE, statistic, critical value, decision"
SECTIONS = ("14",)
STEPS = [
    StepSpec("tail", "Tail of the test (right, left or two)", "choice", None, "from H₁: > right, < left, ≠ two"),
    StepSpec("test", "Test statistic to use (z or t)", "choice", None, "z if σ known or n > 30, else t"),
    StepSpec("se", "Standard error", "number", 3, "sd/√n"),
    StepSpec("stat", "Test statistic", "number", 2, "(mean − μ₀)/SE"),
    StepSpec("df", "Degrees of freedom (t-test)", "integer", None, "n − 1"),
    StepSpec("crit", "Critical value (positive)", "number", 2, "z or t quantile at 1 − α (one tail) or 1 − α/2 (two tails)"),
    StepSpec("decision", "Decision: reject or retain H₀", "choice", None, "reject when the statistic lies beyond ±c on the tested side"),
]
CHOICES = {**S.CHOICES, "right": ["right tailed", "upper", "upper tail", "one tailed right", "greater", ">"],
           "left": ["left tailed", "lower", "lower tail", "one tailed left", "less", "<"],
           "two": ["two tailed", "two sided", "both", "both tails", "two tails"],
           "z": ["z test", "normal", "gauss"], "t": ["t test", "student", "student t"]}
GIVENS = {"claim": "greater, less or different: what H₁ states about the mean", "sigma_known": "true when sd is the population σ",
          "n": "sample size", "mean": "sample mean", "sd": "σ (if known) or the sample SD s", "mu0": "μ₀",
          "alpha": "significance level α", "quantity": "what is measured (text, optional)"}
MISTAKES = {  # a wrong decision is named as reversed first: any other slip that flips it is followed through
    "decision-reversed": S.COMMON_MISTAKES["decision-reversed"],
    "tail-from-data": "tail chosen from the side the sample mean fell on: the tail comes from H₁, fixed before seeing the data",
    "z-small-sample": "z-test with σ unknown and n ≤ 30: use t with n − 1 degrees of freedom",
    "t-sigma-known": "t-test although σ is known: with σ known the statistic is standard normal (z)",
    "t-large-n": "t-test for n > 30 with σ unknown: the course's rule of thumb takes z (s stands in for σ)",
    "se-no-root": "standard error divided by n instead of √n",
    "df-n": "degrees of freedom n instead of n − 1",
    "crit-tails": S.COMMON_MISTAKES["crit-tails"],
}
TAIL = {"greater": "right", "less": "left", "different": "two"}
RULE = {"right": "reject H₀ if stat > c", "left": "reject H₀ if stat < −c", "two": "reject H₀ if |stat| > c"}
WORDS = {"greater": "is greater than", "less": "is less than", "different": "differs from"}
QUANTITIES = ["fill volume in ml", "battery life in hours", "reaction time in ms", "exam score", "delivery time in minutes"]
APPLIES = {"z-small-sample": lambda g: not g["sigma_known"] and g["n"] <= 30, "t-sigma-known": lambda g: g["sigma_known"],
           "t-large-n": lambda g: not g["sigma_known"] and g["n"] > 30}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """σ known, σ unknown with n ≤ 30 (t) or n > 30 (z by the rule of thumb); one-tailed claims whose
    sample mean sits on the other side in about a third of the seeds; hard includes n = 30 and 31."""
    case = pick(rng, ["known", "small", "large"])
    alpha = 0.05 if difficulty == "easy" else pick(rng, [0.01, 0.05, 0.1])

    def draw() -> dict[str, Any]:
        while True:
            claim = pick(rng, list(TAIL))
            n = {"known": pick(rng, [9, 16, 25, 36, 49]), "small": pick(rng, [30] if difficulty == "hard" else [8, 10, 12, 15, 20, 25]),
                 "large": pick(rng, [31] if difficulty == "hard" else [36, 49, 64, 100])}[case]
            sd, mu0 = round(float(rng.integers(10, 61)) / 10, 1), int(rng.integers(20, 90))
            side = {"greater": 1, "less": -1, "different": pick(rng, [1, -1])}[claim] * (-1 if rng.random() < 0.33 else 1)
            stat = side * float(rng.uniform(0.3, 3.5))
            g = {"claim": claim, "sigma_known": case == "known", "n": n, "mean": round(mu0 + stat * sd / math.sqrt(n), 1),
                 "sd": sd, "mu0": mu0, "alpha": alpha, "quantity": pick(rng, QUANTITIES)}
            if difficulty == "hard" or _clear(g):
                return g
    return generate_clear(this(__name__), draw)


def _clear(g: dict[str, Any]) -> bool:
    """The statistic is at least 0.15 away from ±c (a decision that rounding cannot flip)."""
    df = None if g["sigma_known"] or g["n"] > 30 else g["n"] - 1
    c = S.table_critical(g["alpha"], TAIL[g["claim"]], df)
    stat = (g["mean"] - g["mu0"]) / (g["sd"] / math.sqrt(g["n"]))
    return min(abs(stat - c), abs(stat + c)) >= 0.15 and g["mean"] != g["mu0"]


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """n ≥ 2, sd > 0, 0 < α < 1, a claim; the quantity is free text."""
    q = str(g.get("quantity") or "value").strip()[:40]
    return {"claim": choice(g, "claim", TAIL), "sigma_known": flag(g, "sigma_known"), "n": integer(g, "n", 2, 10**6),
            "mean": number(g, "mean"), "sd": number(g, "sd", S.MIN_SD), "mu0": number(g, "mu0"), "alpha": number(g, "alpha", 1e-6, 0.5),
            "quantity": "".join(ch for ch in q if ch.isascii() and (ch.isalnum() or ch in " -")) or "value"}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    sd = f"the population standard deviation is known, σ = {num(g['sd'])}" if g["sigma_known"] else \
        f"the sample standard deviation is s = {num(g['sd'])} (σ unknown)"
    return (f"We want to test whether the mean {g['quantity']} {WORDS[g['claim']]} μ₀ = {num(g['mu0'])}. A sample of n = {g['n']} "
            f"gives a mean of {num(g['mean'])}; {sd}. At α = {num(g['alpha'])}: which tail and which test (z or t)? Give the "
            "standard error, the statistic, its degrees of freedom if it is a t, the critical value and the decision.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["The tail comes from the wording of H₁, decided before looking at the sample mean.",
            "Course rule of thumb: z when σ is known, or when n > 30 (s stands in for σ); otherwise t with df = n − 1.",
            "The critical value is positive; reject H₀ when the statistic lies beyond it on the tested side."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Tail, test, SE, statistic, (df,) critical value and decision."""
    if idle(work, APPLIES, g):
        return
    tail = ("right" if g["mean"] > g["mu0"] else "left") if work.mistake("tail-from-data") else TAIL[g["claim"]]
    tail = work.put("tail", "Tail", tail, "H₁: > right, < left, ≠ two", because=f"H₁: the mean {WORDS[g['claim']]} μ₀")
    if tail not in RULE:
        raise ValueError(f"unknown tail {tail!r}")  # a student's word that names no tail ends the replay
    z = g["sigma_known"] or g["n"] > 30
    if work.mistake("z-small-sample") or work.mistake("t-large-n") or work.mistake("t-sigma-known"):
        z = not z
    test = work.put("test", "Test", "z" if z else "t", "z if σ known or n > 30, else t")
    if test not in ("z", "t"):
        raise ValueError(f"unknown test {test!r}")
    se = work.put("se", "SE", g["sd"] / (g["n"] if work.mistake("se-no-root") else math.sqrt(g["n"])), "sd/√n")
    stat = work.put("stat", "Statistic", (g["mean"] - g["mu0"]) / se, "(mean − μ₀)/SE", depends_on=("se",))
    df = None
    if test == "t":
        df = work.put("df", "df", g["n"] if work.mistake("df-n") else g["n"] - 1, "n − 1", depends_on=("test",))
    crit = work.put("crit", "Critical value", S.critical(g["alpha"], tail, df, work),
                    "quantile at 1 − α/2" if tail == "two" else "quantile at 1 − α", depends_on=("tail", "test") + (("df",) if df is not None else ()))
    work.put("decision", "Decision", S.decide(stat, crit, tail, work), RULE[tail],
             depends_on=("stat", "crit", "tail"))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): scipy.stats.norm / t quantiles, and the decision from the
    p-value (reject when p < α), which is equivalent to the critical-value rule."""
    from scipy import stats
    tail, z = TAIL[g["claim"]], g["sigma_known"] or g["n"] > 30
    dist = stats.norm() if z else stats.t(g["n"] - 1)
    se = g["sd"] / np.sqrt(g["n"])
    stat = (g["mean"] - g["mu0"]) / se
    p = {"right": dist.sf(stat), "left": dist.cdf(stat), "two": 2 * dist.sf(abs(stat))}[tail]
    out = {"tail": tail, "test": "z" if z else "t", "se": float(se), "stat": float(stat),
           "crit": float(dist.ppf(1 - g["alpha"] / (2 if tail == "two" else 1))), "decision": "reject" if p < g["alpha"] else "retain"}
    return out | ({} if z else {"df": int(dist.args[0])})
