"""--interactive through the CLI entry point with scripted stdin: hints on '?', how the input was
read before the verdict, unreadable input asked again, early stop, and the final report."""

from __future__ import annotations

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
    assert "hint: d²_j = Σ_i (x_i − w_ji)²" in text
    assert f"read as: {value_text(k['d2.1'])}\n  correct" in text
    assert "could not read that" in text
    assert "Winning unit for sample 1" in text  # the prompt's title gives nothing away
    report = text[text.index("Check: som"):]
    assert k["winner.1"] != 1 and "First error: step winner.1" in report
    assert "weights.1  missing" in report


def test_check_interactive_shows_how_words_were_read_and_follows_through():
    k = key("ttest@12")
    answers = [f"{k['sum']}", f"{k['sumsq']}", f"{k['mean'] + 1}", "", "", "", "", "", "", "Fail to reject"]
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
