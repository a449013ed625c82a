"""Keys on request: `practice` prints exercises, `--key` adds the keys, `--out` sheets keep them in a
section after all exercises or move them to `--key-out`; `check` hides blank steps' keys unless
`--reveal`, shows the expected value of wrong steps and says "answered k of n"."""

from __future__ import annotations

import json

from derive.printing.math import value_text
from problems import engine
from problems.registry import get
from tests.conftest import run_cli


def ok(*args, status=0):
    out = run_cli(*args)
    assert out.returncode == status, out.stderr
    return out.stdout


def key(exercise):
    topic, seed, difficulty, variant = engine.parse_exercise_id(exercise)
    return {s.id: s.value for s in engine.make_exercise(get(topic), seed, difficulty, variant).steps}


def test_practice_prints_exercises_only_and_key_adds_the_worked_keys():
    k = key("ztest@3")
    plain = ok("practice", "ztest@3", "--format", "text")
    assert "ztest@3" in plain and "Answer key" not in plain and value_text(k["z"]) not in plain
    keyed = ok("practice", "ztest@3", "--key", "--format", "text")
    assert "Answer key" in keyed and value_text(k["z"]) in keyed
    hidden = json.loads(ok("practice", "ztest@3", "--format", "json"))["steps"]
    assert [s["id"] for s in hidden] == list(k) and all(s["value"] is None for s in hidden)  # DESIGN's fields, no key
    assert {s["id"]: s["value"] for s in json.loads(ok("practice", "ztest@3", "--key", "--format", "json"))["steps"]} == k
    assert ok("practice", "ztest@3", "--no-solutions", "--format", "text") == plain  # still accepted


def test_key_with_no_solutions_is_refused():
    out = run_cli("practice", "ztest@3", "--key", "--no-solutions")
    assert out.returncode == 2 and out.stderr.startswith("chainrule: error: --no-solutions: cannot be combined with --key") and out.stdout == ""


def test_an_out_sheet_keeps_its_keys_after_all_exercises(tmp_path):
    sheet = tmp_path / "sheet.md"
    assert "with an answer key" in ok("practice", "som", "--seed", "4", "--count", "3", "--out", str(sheet))
    text = sheet.read_text()
    assert text.index("Answer key") > max(text.index(f"som@{s}") for s in (4, 5, 6))
    assert "no answer key" in ok("practice", "som", "--seed", "4", "--count", "3", "--no-solutions", "--out", str(sheet))
    assert "Answer key" not in sheet.read_text()


def test_key_out_moves_the_key_to_a_second_file(tmp_path):
    sheet, keyfile = tmp_path / "sheet.md", tmp_path / "key.json"
    said = ok("practice", "ttest", "--seed", "2", "--count", "2", "--out", str(sheet), "--key-out", str(keyfile))
    assert "no answer key" in said and f"answer key of 2 exercise(s) to {keyfile}" in said
    assert "Answer key" not in sheet.read_text()
    data = json.loads(keyfile.read_text())
    assert [d["id"] for d in data] == ["ttest@2", "ttest@3"]
    assert {s["id"]: s["value"] for s in data[1]["steps"]} == key("ttest@3")
    # without --out: the exercises on stdout, the note on stderr
    out = run_cli("practice", "ttest@2", "--key-out", str(tmp_path / "k.txt"), "--format", "text")
    assert out.returncode == 0 and "Answer key" not in out.stdout and "k.txt" in out.stderr
    assert "Answer key" in (tmp_path / "k.txt").read_text()
    bad = run_cli("practice", "ttest@2", "--out", str(sheet), "--key-out", str(sheet))
    assert bad.returncode == 2 and "--key-out" in bad.stderr
    bad = run_cli("practice", "ttest@2", "--key-out", str(tmp_path / "k.toml"))
    assert bad.returncode == 2 and "--key-out" in bad.stderr


def test_check_hides_blank_steps_keys_unless_reveal():
    k = key("som@7")
    wrong = "1" if k["winner.1"] != 1 else "2"
    args = ["check", "som@7", "--answer", f"winner.1={wrong}"]
    text = ok(*args, "--format", "text", status=1)  # an incorrect step: check exits 1
    row = next(line for line in text.splitlines() if line.startswith("winner.1"))
    assert "incorrect" in row and row.split()[3] == str(k["winner.1"])  # a wrong step shows its expected value
    assert text.count("(hidden)") == 8 and value_text(k["d2.1"]) not in text
    assert "answered 1 of 9" in text and "--reveal" in text
    data = json.loads(ok(*args, "--format", "json", status=1))
    steps = {s["id"]: s for s in data["steps"]}
    assert set(steps["d2.1"]) >= {"id", "status", "expected", "given", "diagnosis", "message", "revealed"}
    assert steps["d2.1"]["expected"] is None and steps["d2.1"]["revealed"] is False
    assert steps["winner.1"]["expected"] == k["winner.1"] and steps["winner.1"]["revealed"] is True
    assert data["answered"] == 1 and data["score"] == {"correct": 0, "total": 9} and data["first_error"] == "winner.1"
    shown = json.loads(ok(*args, "--reveal", "--format", "json", status=1))
    assert all(s["revealed"] for s in shown["steps"]) and {s["id"]: s["expected"] for s in shown["steps"]} == k
    assert "(hidden)" not in ok(*args, "--reveal", "--format", "text", status=1)
