"""--interactive through the CLI entry point with scripted stdin: hints on '?', how the input was
read before the verdict, unreadable input asked again, early stop, and the final report."""

from __future__ import annotations

import pytest

import json

from derive.printing.math import value_text
from problems import engine
from problems.registry import get
from tests.conftest import run_cli


def key(exercise):
    """The answer key, computed in this process (the CLI regenerates the same exercise from its id)."""
    topic, seed, difficulty, variant = engine.parse_exercise_id(exercise)
    return {s.id: s.value for s in engine.make_exercise(get(topic), seed, difficulty, variant).steps}


def test_practice_interactive_reads_hints_and_judges_each_step():
    k = key("som@3")
    script = "\n".join(["?", str(k["d2.1"]), "abc", "1", "q"]) + "\n"
    out = run_cli("practice", "som@3", "--interactive", "--format", "text", input=script)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "Exercise som@3" in text
    assert "formula: d²_j = Σ_i (x_i − w_ji)²" in text
    assert f"read as: {value_text(k['d2.1'])}\n  correct" in text
    assert "could not read that" in text
    assert "Winning unit for sample 1" in text  # the prompt's title gives nothing away
    report = text[text.index("Check: som"):]
    assert k["winner.1"] != 1 and "First error: step winner.1" in report
    assert "weights.1  missing" in report


def test_check_interactive_shows_how_words_were_read_and_follows_through():
    k = key("ttest@12")
    answers = [f"{k['sum']}", f"{k['sumsq']}", f"{k['mean'] + 1}", "", "", "", "", "", "", "", "Fail to reject"]  # Enter after the wrong mean: no retry
    out = run_cli("check", "ttest@12", "-i", "--format", "text", input="\n".join(answers) + "\n")
    assert out.returncode == 1, out.stderr  # the mean is wrong: check exits 1
    text = out.stdout
    assert "[choice: reject / retain]" in text
    expected = "retain" if k["decision"] == "retain" else "reject"
    assert "read as: retain (you wrote: fail to reject)" in text
    assert ("correct" if expected == "retain" else "incorrect") in text.split("you wrote: fail to reject)")[1].splitlines()[1]
    assert "mean" in text and "incorrect" in text


def test_end_of_input_stops_cleanly_with_a_report():
    out = run_cli("practice", "ztest@1", "-i", "--format", "json", input="")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout[out.stdout.index("{"):])
    assert report["exercise"] == "ztest@1" and all(s["status"] == "missing" for s in report["steps"])


def test_a_wrong_step_is_retried_with_hints_from_the_likely_mistake_and_a_reveal():
    k = key("ztest@3")
    sigma = 2  # the type's "se-no-root" mistake: σ instead of σ/√n
    assert abs(k["se"] - sigma / 6 ** 0.5) < 1e-9
    script = [str(k["sum"]), "r", "h", str(sigma), "h", "1", str(k["se"]), "q"]
    out = run_cli("practice", "ztest@3", "-i", "--tries", "3", "--format", "json", input="\n".join(script) + "\n")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert f"expected: {value_text(k['mean'])}" in text  # 'r' at mean
    before, after = text.split(f"read as: {sigma}", 1)
    assert "hint: a common mistake here:" in before  # before any wrong answer: a mistake that changes se
    assert "hint: your number matches a known mistake: standard error without √n" in after  # after σ
    assert after.count("try again") == 2  # σ and 1 were wrong; the third answer is right
    summary = text[text.index("Session summary"):text.index("{")]
    rows = {line.split()[0]: line.split()[1:] for line in summary.splitlines()[3:] if line.strip()}
    assert rows["sum"] == ["correct", "1", "0"] and rows["mean"] == ["missing", "0", "0", "yes"]
    assert rows["se"] == ["correct", "3", "2"]
    report = json.loads(text[text.index("{"):])
    steps = {s["id"]: s for s in report["steps"]}
    assert steps["mean"]["revealed"] is True and steps["mean"]["expected"] == k["mean"]
    assert steps["z"]["revealed"] is False and steps["z"]["expected"] is None


def test_tries_are_bounded_and_one_try_moves_on_after_a_wrong_answer():
    k = key("ztest@3")
    out = run_cli("practice", "ztest@3", "-i", "--tries", "1", "--format", "text", input=f"1\n{k['mean']}\nq\n")
    assert out.returncode == 0 and "try again" not in out.stdout
    assert "mean      correct" in out.stdout[out.stdout.index("Check: ztest"):]
    for bad in ("0", "21"):
        refused = run_cli("practice", "ztest@3", "-i", "--tries", bad)
        assert refused.returncode == 2 and refused.stderr.startswith("chainrule: error: --tries:")


@pytest.mark.parametrize("args", [["practice", "ztest@3"], ["check", "ztest@3", "--answer", "mean=1"], ["review"]])
def test_tries_without_interactive_is_refused_not_ignored(args):
    out = run_cli(*args, "--tries", "2")
    assert out.returncode == 2 and out.stderr.startswith("chainrule: error: --tries:") and "--interactive" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
