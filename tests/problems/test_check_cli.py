"""`chainrule check` through the CLI entry point: --answer with an exercise id or givens, TOML
files (with and without the topic on the command line), element marks in the output,
determinism, bad input."""

from __future__ import annotations

import json

import pytest

from problems import engine
from problems.registry import get
from tests.conftest import run_cli


def key(topic, seed):
    """The answer key, computed in this process (the CLI regenerates the same exercise from its id)."""
    return {s.id: s.value for s in engine.make_exercise(get(topic), seed).steps}


def ok(*args, status=0):
    """stdout of ``chainrule ARGS``, which must exit with ``status`` (1: a check found a wrong step)."""
    out = run_cli(*args)
    assert out.returncode == status, out.stderr
    return out.stdout


def statuses(text):
    return {s["id"]: s for s in json.loads(text)["steps"]}


def test_check_an_exercise_id_with_answers():
    key_ = key("ttest", 12)
    args = ["check", "ttest@12", "--answer", f"mean={key_['mean']:.2f}", "--answer", f"t={key_['t'] + 1:.3f}",
            "--answer", f"df={key_['df']}", "--answer", "decision=fail to reject", "--format", "json"]
    out = ok(*args, status=1)
    data = json.loads(out)
    assert data["exercise"] == "ttest@12" and data["first_error"] == "t"
    s = statuses(out)
    assert s["mean"]["status"] in ("correct", "rounded") and s["t"]["status"] == "incorrect"
    assert s["df"]["status"] == "correct" and s["sum"]["status"] == "missing"
    assert s["decision"]["status"] == ("correct" if key_["decision"] == "retain" else "incorrect")
    assert data["score"]["total"] == 10
    assert out == ok(*args, status=1)


def test_check_with_givens_marks_the_wrong_entry_and_names_the_mistake():
    args = ["check", "som", "--given", "weights=[[0.1,0.8,0.9],[0.6,0,0.1],[0.3,0.4,0.6],[0.5,0.2,0.1]]",
            "--given", "x=[[0.7,0.8,0]]", "--given", "lr=0.2", "--answer", "d2.1=[1.17,0.66,0.70,0.41]",
            "--answer", "winner.1=4", "--answer", "weights.1=[[0.1,0.8,0.9],[0.6,0,0.1],[0.3,0.4,0.6],[0.46,0.08,0.12]]"]
    s = statuses(ok(*args, "--format", "json", status=1))
    assert s["d2.1"]["elements"] == ["correct", "correct", "incorrect", "correct"]
    assert s["weights.1"]["diagnosis"].startswith("update sign flipped")
    text = ok(*args, "--format", "text", status=1)
    assert "0.7✗" in text and "Wrong entries are marked ✗." in text
    assert "\\boxed{0.7}" in ok(*args, "--format", "latex", status=1)


def test_toml_files_with_and_without_the_topic_argument(tmp_path):
    path = tmp_path / "mywork.toml"
    ok("practice", "som@3", "--out", str(path))
    k = key("som", 3)
    path.write_text(path.read_text() + f'"d2.1" = "{k["d2.1"]}"\nwinner.1 = {k["winner.1"]}\n'
                    f'weights.1 = "{k["weights.1"]}"\n')
    a = ok("check", str(path), "--format", "json")
    b = ok("check", "som", str(path), "--format", "json")
    assert a == b
    s = statuses(a)
    assert json.loads(a)["exercise"] == "som@3"
    assert [s[k]["status"] for k in ("d2.1", "winner.1", "weights.1")] == ["correct"] * 3
    plain = tmp_path / "plain.toml"
    plain.write_text('topic = "ttest"\n[givens]\ndata = [12, 14, 11, 13, 15]\nmu0 = 12\n[answers]\nt = 1.41\ndf = 4\n'
                     'decision = "retain"\n')
    s = statuses(ok("check", str(plain), "--format", "json"))
    assert s["t"]["status"] == "rounded" and s["df"]["status"] == "correct" and s["decision"]["status"] == "correct"


@pytest.mark.parametrize("args, names", [
    (["check", "ttest@12", "--answer", "t=abc"], "answer 't'"),
    (["check", "ttest@12", "--answer", "tt=1"], "answer 'tt'"),
    (["check", "som@3", "--answer", "d2.9=[1,2]"], "d2.9"),
    (["check", "ttest", "--given", "data=[1,1,1]", "--given", "mu0=2", "--answer", "t=1"], "data"),
    (["check", "ttest", "--given", "data=[1,2,3]", "--given", "mu0=2", "--given", "tail=sideways"], "tail"),
    (["check", "ttest"], "--given"),
    (["check", "ttest@12", "--answer", "t"], "--answer"),
])
def test_bad_input_is_one_line_exit_2(args, names):
    out = run_cli(*args)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert len(out.stderr.strip().splitlines()) == 1 and names in out.stderr and "Traceback" not in out.stderr


def test_no_givens_names_every_given_and_where_the_optional_ones_are_described():
    # the message must not call optional givens (som's radius, ttest's data-or-summary alternatives) needed
    from problems.registry import get
    out = run_cli("check", "som")
    assert out.returncode == 2 and "needs" not in out.stderr
    assert all(key in out.stderr for key in get("som").GIVENS) and "practice som --list-steps" in out.stderr
    listed = run_cli("practice", "som", "--list-steps")
    assert listed.returncode == 0 and "default" in listed.stdout  # the command named does describe the defaults


def test_an_answer_file_named_in_upper_case_is_read_as_a_file(tmp_path):
    lower, upper = tmp_path / "work.toml", tmp_path / "WORK.TOML"
    for path in (lower, upper):
        path.write_text('topic = "ztest"\nexercise = "ztest@3"\n[answers]\nsum = "1"\n')
    a, b = run_cli("check", str(lower), "--format", "json"), run_cli("check", str(upper), "--format", "json")
    assert a.returncode == b.returncode == 1 and a.stdout == b.stdout, b.stderr


def test_an_empty_variant_is_refused():
    for args in (["practice", "som", "--variant", ""], ["check", "som@1", "--variant", " ", "--answer", "winner.1=1"]):
        out = run_cli(*args)
        assert out.returncode == 2 and out.stderr.startswith("chainrule: error: --variant:"), out.stderr


def test_a_broken_toml_file_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("topic = som\n[answers\n")
    out = run_cli("check", str(bad))
    assert out.returncode == 2 and str(bad) in out.stderr and len(out.stderr.strip().splitlines()) == 1
