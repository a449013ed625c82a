"""test-choice: the tail from H₁'s wording, z or t by the course's rule, worked against printed
tables (z 1.645, t₁₅ 2.131), follow-through, named mistakes, scipy agreement."""

from __future__ import annotations

import pytest

from problems import engine
from problems.givens import GivenError
from problems.registry import get

M = get("test-choice")
Z_KNOWN = {"claim": "greater", "sigma_known": True, "n": 25, "mean": 104, "sd": 10, "mu0": 100, "alpha": 0.05}
T_SMALL = {"claim": "different", "sigma_known": False, "n": 16, "mean": 52, "sd": 4, "mu0": 50, "alpha": 0.05}
Z_LARGE = {"claim": "less", "sigma_known": False, "n": 36, "mean": 48, "sd": 6, "mu0": 50, "alpha": 0.05}


def values(g):
    return {s.id: s.value for s in engine.make_exercise(M, 0, givens=g).steps}


def marks(g, answers):
    return {m.id: m for m in engine.check(M, g, answers).marks}


def test_three_cases_against_printed_tables():
    v = values(Z_KNOWN)  # σ known: z; SE = 10/5 = 2, z = 2 > 1.645
    assert (v["tail"], v["test"], v["se"], v["stat"], v["decision"]) == ("right", "z", 2, 2, "reject")
    assert v["crit"] == pytest.approx(1.645, abs=5e-4) and "df" not in v
    v = values(T_SMALL)  # σ unknown, n = 16 ≤ 30: t with 15 df; |t| = 2 < 2.131
    assert (v["tail"], v["test"], v["df"], v["stat"], v["decision"]) == ("two", "t", 15, 2, "retain")
    assert v["crit"] == pytest.approx(2.131, abs=5e-4)
    v = values(Z_LARGE)  # σ unknown but n = 36 > 30: z by the rule of thumb; z = −2 < −1.645
    assert (v["tail"], v["test"], v["stat"], v["decision"]) == ("left", "z", -2, "reject")


def test_the_rule_of_thumb_edge():
    assert values({**Z_LARGE, "n": 30})["test"] == "t" and values({**Z_LARGE, "n": 31})["test"] == "z"


def test_tail_comes_from_the_claim_not_the_data():
    g = {**Z_KNOWN, "mean": 98}  # H₁ says "greater", the sample fell below μ₀
    v = values(g)
    assert v["tail"] == "right" and v["decision"] == "retain"
    m = marks(g, {"tail": "left", "crit": 1.645, "decision": "retain"})
    assert m["tail"].diagnosis == M.MISTAKES["tail-from-data"] and m["decision"].status in ("correct", "follow-through")


def test_follow_through_and_named_mistakes():
    m = marks(Z_KNOWN, {"tail": "two", "crit": 1.96})  # a two-tailed critical value carried from the wrong tail
    assert m["tail"].status == "incorrect" and m["crit"].status == "follow-through"
    assert marks(T_SMALL, {"test": "z"})["test"].diagnosis == M.MISTAKES["z-small-sample"]
    assert marks(Z_LARGE, {"test": "t"})["test"].diagnosis == M.MISTAKES["t-large-n"]
    assert marks(Z_KNOWN, {"test": "t-test"})["test"].diagnosis == M.MISTAKES["t-sigma-known"]
    assert marks(T_SMALL, {"df": 16})["df"].diagnosis == M.MISTAKES["df-n"]
    assert marks(Z_KNOWN, {"se": 0.4})["se"].diagnosis == M.MISTAKES["se-no-root"]
    assert marks(Z_KNOWN, {"tail": "upper", "test": "Z test", "decision": "reject H0"})["tail"].status == "correct"


def test_agrees_with_scipy_over_many_seeds():
    for seed in range(40):
        ex = engine.make_exercise(M, seed, ("easy", "exam", "hard")[seed % 3])
        ours = {s.id: s.value for s in ex.steps}
        for key, value in M.cross_check(ex.givens).items():
            assert ours[key] == (value if isinstance(value, str) else pytest.approx(value, rel=1e-9)), (seed, key)


def test_bad_givens_are_refused():
    with pytest.raises(GivenError):
        M.validate({**Z_KNOWN, "claim": "bigger"})
    with pytest.raises(GivenError):
        M.validate({**Z_KNOWN, "sd": 0})
