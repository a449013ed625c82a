"""Hypothesis tests (ttest, ztest, ttest-ind, ttest-paired): hand-computed examples, printed-table
critical values, scipy.stats over many seeds, zero variance refused, words, named mistakes and
decisions that rounding flips at hard."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from problems import engine
from problems.givens import GivenError
from problems.registry import get

T1, Z, T2, TP = get("ttest"), get("ztest"), get("ttest-ind"), get("ttest-paired")
ALT = {"two": "two-sided", "left": "less", "right": "greater"}


def values(module, givens):
    return {s.id: s.value for s in engine.make_exercise(module, 0, givens=givens).steps}


def test_one_sample_by_hand_in_both_sd_conventions():
    # Σx = 65, Σx² = 855, SS = 855 − 65²/5 = 10; s = √(10/4), SE = s/√5 = √(1/2); t = 1/√(1/2) = √2
    g = {"data": [12, 14, 11, 13, 15], "mu0": 12, "alpha": 0.05, "tail": "two"}
    v = values(T1, g)
    assert (v["sum"], v["sumsq"], v["mean"], v["df"]) == (65, 855, 13, 4)
    assert v["sd"] == pytest.approx(math.sqrt(2.5)) and v["se"] == pytest.approx(math.sqrt(0.5))
    assert v["t"] == pytest.approx(math.sqrt(2)) and v["t_crit"] == pytest.approx(2.776, abs=5e-4)
    assert v["decision"] == "retain"
    n = values(T1, {**g, "sd_divisor": "n"})  # s = √(10/5) = √2, SE = √2/√4: the same SE and t
    assert n["sd"] == pytest.approx(math.sqrt(2)) and n["se"] == pytest.approx(v["se"]) and n["t"] == pytest.approx(v["t"])


@pytest.mark.parametrize("df, alpha, tail, table", [
    (9, 0.05, "two", 2.262), (9, 0.05, "right", 1.833), (4, 0.05, "two", 2.776), (20, 0.01, "two", 2.845),
    (15, 0.10, "left", 1.341), (29, 0.05, "two", 2.045)])
def test_critical_values_match_printed_t_tables(df, alpha, tail, table):
    v = values(T1, {"n": df + 1, "mean": 1.0, "sd": 1.0, "mu0": 0, "alpha": alpha, "tail": tail})
    assert v["t_crit"] == pytest.approx(table, abs=5e-4)


@pytest.mark.parametrize("alpha, tail, table", [(0.05, "two", 1.960), (0.05, "right", 1.645), (0.01, "two", 2.576), (0.10, "left", 1.282)])
def test_z_critical_values_match_the_normal_table(alpha, tail, table):
    v = values(Z, {"n": 25, "mean": 10.4, "sigma": 2, "mu0": 10, "alpha": alpha, "tail": tail})
    assert v["se"] == 0.4 and v["z"] == pytest.approx(1.0) and v["z_crit"] == pytest.approx(table, abs=5e-4)


def test_pooled_and_welch_by_hand():
    # sample 1: mean 4, SS 8 (n 5); sample 2: mean 7, SS 6 (n 4) → s₁² = 2, s₂² = 2, s_p² = 14/7 = 2
    g = {"data1": [2, 4, 4, 4, 6], "data2": [5, 7, 8, 8], "alpha": 0.05, "tail": "two"}
    v = values(T2, g)
    assert (v["mean1"], v["mean2"], v["var1"], v["var2"], v["sp2"], v["df"]) == (4, 7, 2, 2, 2, 7)
    assert v["se"] == pytest.approx(math.sqrt(2 * (1 / 5 + 1 / 4)))
    w = values(T2, {**g, "method": "welch"})
    a, b = 2 / 5, 2 / 4
    assert w["df"] == pytest.approx((a + b) ** 2 / (a * a / 4 + b * b / 3)) and "sp2" not in w


def test_paired_by_hand():
    v = values(TP, {"data1": [10, 12, 9, 11], "data2": [8, 11, 9, 8], "tail": "right"})
    assert v["d"] == [2, 1, 0, 3] and v["mean_d"] == 1.5 and v["df"] == 3
    assert v["sd_d"] == pytest.approx(math.sqrt(5 / 3)) and v["t"] == pytest.approx(1.5 / (math.sqrt(5 / 3) / 2))


def _scipy(module, g):
    """t (or z) and p straight from scipy.stats on the givens."""
    alt = ALT[g["tail"]]
    if module is T1:
        r = stats.ttest_1samp(g["data"], g["mu0"], alternative=alt)
    elif module is T2:
        r = stats.ttest_ind(g["data1"], g["data2"], equal_var=g["method"] == "pooled", alternative=alt)
    elif module is TP:
        r = stats.ttest_rel(np.array(g["data1"]) - g["mu0"], g["data2"], alternative=alt)
    else:
        z = (np.mean(g["data"]) - g["mu0"]) / (g["sigma"] / math.sqrt(len(g["data"])))
        return z, {"two": 2 * stats.norm.sf(abs(z)), "right": stats.norm.sf(z), "left": stats.norm.cdf(z)}[g["tail"]]
    return r.statistic, r.pvalue


@pytest.mark.parametrize("module, variant", [(T1, None), (Z, None), (T2, None), (T2, "welch"), (TP, None)], ids=["ttest", "ztest", "pooled", "welch", "paired"])
def test_statistic_and_p_value_agree_with_scipy_over_many_seeds(module, variant):
    for difficulty in ("exam", "hard"):
        for seed in range(50):
            ex = engine.make_exercise(module, seed, difficulty, variant)
            v = {s.id: s.value for s in ex.steps}
            stat, p = _scipy(module, ex.givens)
            name = "z" if module is Z else "t"
            assert v[name] == pytest.approx(stat, rel=1e-9), (seed, difficulty)
            assert v["p"] == pytest.approx(p, rel=1e-7, abs=1e-12), (seed, difficulty)
            assert v["decision"] == ("reject" if p < ex.givens["alpha"] else "retain")


@pytest.mark.parametrize("module, givens, key", [
    (T1, {"data": [3, 3, 3, 3], "mu0": 2}, "data"),
    (T1, {"n": 10, "mean": 5, "sd": 0, "mu0": 4}, "sd"),
    (T1, {"data": [1, 2, 3], "mu0": 2, "tail": "sideways"}, "tail"),
    (T1, {"data": [1, 2, 3], "mu0": 2, "alpha": 0.9}, "alpha"),
    (T1, {"data": [1, 2, 3], "mu0": 2, "sd_divisor": "n-2"}, "sd_divisor"),
    (Z, {"n": 16, "mean": 5, "sigma": 0, "mu0": 4}, "sigma"),
    (T2, {"data1": [1, 2, 3], "data2": [4, 4, 4]}, "data2"),
    (T2, {"n1": 5, "mean1": 1, "sd1": 0, "n2": 5, "mean2": 2, "sd2": 1}, "sd1"),
    (TP, {"data1": [5, 6, 7], "data2": [4, 5, 6]}, "data2"),  # differences all 1: zero variance
    (TP, {"data1": [5, 6, 7], "data2": [4, 5]}, "data2"),
])
def test_degenerate_and_bad_givens_are_refused_naming_the_key(module, givens, key):
    with pytest.raises(GivenError) as err:
        module.validate(givens)
    assert err.value.key == key


G = {"data": [12, 14, 11, 13, 15], "mu0": 12, "alpha": 0.05, "tail": "two"}


def mark(module, givens, answers, step):
    return next(m for m in engine.check(module, givens, answers).marks if m.id == step)


@pytest.mark.parametrize("word, status", [("retain", "correct"), ("Fail to reject", "correct"), ("fail_to_reject H0", "correct"),
                                          ("accept", "correct"), ("reject", "incorrect"), ("Reject H0", "incorrect")])
def test_decision_words(word, status):
    assert mark(T1, G, {"decision": word}, "decision").status == status


def test_mistakes_by_hand_are_named():
    assert mark(T1, G, {"df": "5"}, "df").diagnosis.startswith("degrees of freedom n instead of n − 1")
    # s (n − 1) = 1.5811 divided by √(n − 1) = 2: 0.7906 instead of 0.7071
    assert mark(T1, G, {"se": "0.791"}, "se").diagnosis.startswith("standard error mixes the conventions")
    assert mark(T1, G, {"t": "-1.41"}, "t").diagnosis.startswith("sign of the statistic flipped")
    assert mark(T1, G, {"t_crit": "2.132"}, "t_crit").diagnosis.startswith("critical value for the wrong number of tails")
    assert mark(T1, G, {"decision": "reject"}, "decision").diagnosis.startswith("decision reversed")
    assert mark(T1, G, {"sumsq": "4225"}, "sumsq").diagnosis.startswith("Σx² confused with (Σx)²")
    p_one = stats.t.sf(math.sqrt(2), 4)
    assert mark(T1, G, {"p": f"{p_one:.4f}"}, "p").diagnosis.startswith("p-value tails wrong")


def test_paired_differences_rounded_to_whole_numbers_lose_information():
    # data at one decimal give differences exact at one decimal: 6.5 written as 7 is not a rounding credit
    g = {"data1": [36.1, 31.2, 31.7, 32.9, 23.9], "data2": [34.9, 31.0, 25.2, 31.1, 22.9], "tail": "two"}
    d = np.round(np.array(g["data1"]) - np.array(g["data2"]), 9)               # 1.2, 0.2, 6.5, 1.8, 1.0
    exact = "[" + ", ".join(f"{v:g}" for v in d) + "]"
    assert mark(TP, g, {"d": exact}, "d").status == "correct"
    whole = "[" + ", ".join(f"{v:.1f}" if v != 6.5 else "7" for v in d) + "]"
    wrong = mark(TP, g, {"d": whole}, "d")
    assert wrong.status == "incorrect" and "at least 1 decimal place " in (wrong.message + (wrong.diagnosis or ""))
    assert mark(TP, {**g, "data1": [10, 12, 9, 11, 7], "data2": [8, 11, 9, 8, 6]}, {"d": "[2, 1, 0, 3, 1]"}, "d").status == "correct"


def test_sd_of_data_with_a_large_mean_and_a_small_spread_is_exact():
    # Σx² ≈ 3·10¹⁰ and SS ≈ 0.047: Σx² − (Σx)²/n cancels to the rounding of Σx²; s comes from Σ(x − x̄)²
    g = {"data": [100000, 100000.1, 100000.3], "mu0": 0, "alpha": 0.05, "tail": "two"}
    exact = float(np.std(g["data"], ddof=1))
    assert values(T1, g)["sd"] == pytest.approx(exact, rel=1e-9)
    assert mark(T1, g, {"sd": f"{exact:.6g}"}, "sd").status == "correct"
    t = stats.ttest_1samp(g["data"], 0).statistic
    assert values(T1, g)["t"] == pytest.approx(t, rel=1e-9)
    # a wrong Σx² is still carried forward into s (follow-through), not replaced by the exact SS
    wrong = engine.check(T1, G, {"sumsq": "860", "sd": f"{math.sqrt((860 - 65 ** 2 / 5) / 4):.4f}"}).marks
    assert {m.id: m.status for m in wrong}["sd"] == "follow-through"


def test_a_wrong_t_carries_forward_into_p_and_decision():
    out = {m.id: m for m in engine.check(T1, G, {"t": "3.0", "p": f"{2 * stats.t.sf(3.0, 4):.4f}", "decision": "reject"}).marks}
    assert out["t"].status == "incorrect"
    assert out["p"].status == "follow-through" and out["decision"].status == "follow-through"


def test_hard_boundary_cases_exist_and_rounding_both_sides_can_flip_the_decision():
    near, flipped = 0, 0
    for seed in range(40):
        ex = engine.make_exercise(T1, seed, "hard")
        v = {s.id: s.value for s in ex.steps}
        stat = abs(v["t"]) if ex.givens["tail"] == "two" else v["t"] * (1 if ex.givens["tail"] == "right" else -1)
        if abs(stat - v["t_crit"]) < 0.03:
            near += 1
            # a student who keeps two decimals for t and t_crit, then decides on those numbers
            t2, c2 = round(v["t"], 2), round(v["t_crit"], 2)
            s2 = abs(t2) if ex.givens["tail"] == "two" else t2 * (1 if ex.givens["tail"] == "right" else -1)
            theirs = "reject" if s2 > c2 else "retain"
            if theirs != v["decision"]:
                m = mark(T1, ex.givens, {"t": f"{t2:.2f}", "t_crit": f"{c2:.2f}", "decision": theirs}, "decision")
                assert m.status == "incorrect" and "flip" in m.message
                flipped += 1
    assert near >= 10, near
    assert flipped >= 1


def test_welch_df_is_fractional_and_flooring_it_is_named():
    for seed in range(20):
        ex = engine.make_exercise(T2, seed, "exam", "welch")
        v = {s.id: s.value for s in ex.steps}
        if v["df"] != int(v["df"]):
            m = mark(T2, ex.givens, {"df": str(math.floor(v["df"]))}, "df")
            assert m.diagnosis.startswith("Welch degrees of freedom rounded down")
            return
    pytest.fail("no fractional Welch df")
