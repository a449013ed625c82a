"""`chainrule practice` through the CLI entry point: exercise ids, --count, --no-solutions,
--list-steps, --difficulty, variants, --out .md/.tex/.toml, determinism, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib

import pytest

from tests.conftest import run_cli
from tests.problems.test_conformance import latex_problems


def ok(*args):
    out = run_cli(*args)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_an_exercise_id_regenerates_the_same_exercise_byte_for_byte():
    a = ok("practice", "ttest@12", "--key", "--format", "json")
    assert a == ok("practice", "ttest", "--seed", "12", "--key", "--format", "json") == ok("practice", "ttest@12", "--key", "--format", "json")
    data = json.loads(a)
    assert data["id"] == "ttest@12" and data["seed"] == 12 and data["topic"] == "ttest"
    assert [s["id"] for s in data["steps"]] == ["sum", "sumsq", "mean", "sd", "se", "t", "df", "t_crit", "p", "decision"]
    assert data["steps"][-1]["value"] in ("reject", "retain")


def test_count_difficulty_and_ids_are_printed_with_every_exercise():
    text = ok("practice", "som", "--seed", "5", "--count", "3", "--difficulty", "hard", "--key", "--format", "text")
    for seed in (5, 6, 7):
        assert f"som@{seed}:hard" in text
    assert "Answer key" in text
    data = json.loads(ok("practice", "som", "--seed", "5", "--count", "3", "--difficulty", "hard", "--format", "json"))
    assert [d["id"] for d in data] == ["som@5:hard", "som@6:hard", "som@7:hard"]


def test_no_solutions_hides_the_answer_key():
    text = ok("practice", "ztest@3", "--no-solutions", "--format", "text")
    assert "ztest@3" in text and "Answer key" not in text and "because" not in text
    data = json.loads(ok("practice", "ztest@3", "--no-solutions", "--format", "json"))
    assert data["steps"] and all(s["value"] is None for s in data["steps"])


def test_list_steps_documents_ids_precision_variants_and_mistakes():
    text = ok("practice", "som", "--list-steps", "--format", "text")
    for needle in ("d2.k", "winner.k", "weights.k", "r2.k", "h.k", "lr.e", "--variant neighbourhood", "sign-flipped",
                   "components-miscopied", "min decimals"):
        assert needle in text, needle
    data = json.loads(ok("practice", "ttest", "--list-steps", "--format", "json"))
    assert {s["id"]: s["min_decimals"] for s in data["steps"]}["t"] == 2


def test_variants_by_option_flag_and_id():
    by_flag = json.loads(ok("practice", "rbf-xor@4", "--solve-weights", "--format", "json"))
    by_option = json.loads(ok("practice", "rbf-xor@4", "--variant", "solve-weights", "--format", "json"))
    by_id = json.loads(ok("practice", "rbf-xor@4+solve-weights", "--format", "json"))
    assert by_flag == by_option == by_id
    assert by_id["id"] == "rbf-xor@4+solve-weights" and {"Phi", "w"} <= {s["id"] for s in by_id["steps"]}


def test_mixed_topics_in_one_sheet():
    data = json.loads(ok("practice", "--topics", "ttest,ttest-paired", "--seed", "1", "--count", "4", "--format", "json"))
    assert [d["topic"] for d in data] == ["ttest", "ttest-paired", "ttest", "ttest-paired"]


def test_markdown_and_latex_sheets_are_written_whole(tmp_path):
    md, tex = tmp_path / "sheet.md", tmp_path / "sheet.tex"
    assert "wrote 5 exercise(s) with an answer key" in ok("practice", "ttest-ind", "--seed", "2", "--count", "5", "--out", str(md))
    ok("practice", "rbf-xor", "--seed", "2", "--count", "3", "--out", str(tex))
    text = md.read_text()
    assert text.count("## Exercise") == 5 and text.count("## Answer") == 5 and "$" in text
    latex = tex.read_text()
    assert latex_problems(latex) == []
    assert latex.count("\\subsection*{Exercise") == 3 and "Answer key" in latex
    if shutil.which("pdflatex"):
        run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout[-2000:]
        assert (tmp_path / "sheet.pdf").exists()


def test_a_toml_answer_file_is_written_for_one_exercise(tmp_path):
    path = tmp_path / "mywork.toml"
    ok("practice", "som@3", "--out", str(path))
    doc = tomllib.loads(path.read_text())
    assert doc["topic"] == "som" and doc["exercise"] == "som@3" and doc["answers"] == {}
    assert "# \"winner.1\" = \"\"" in path.read_text()


def test_an_answer_file_with_answers_is_never_overwritten(tmp_path):
    path = tmp_path / "mywork.toml"
    ok("practice", "som@3", "--out", str(path))
    ok("practice", "som@3", "--out", str(path))  # still blank: written again
    filled = path.read_text().replace('# "winner.1" = ""', '"winner.1" = 2')
    path.write_text(filled)
    assert tomllib.loads(filled)["answers"] == {"winner.1": 2}  # the student's answer is in the file
    out = run_cli("practice", "som@4", "--out", str(path))
    assert out.returncode == 2 and out.stderr.startswith("chainrule: error: --out:") and len(out.stderr.splitlines()) == 1
    assert path.read_text() == filled


def test_another_programs_toml_is_never_overwritten(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "mine"\n')
    out = run_cli("practice", "som@3", "--out", str(path))
    assert out.returncode == 2 and out.stderr.startswith("chainrule: error: --out:")
    assert path.read_text() == '[project]\nname = "mine"\n'


@pytest.mark.parametrize("args, names", [
    (["practice", "ttest@x"], "TOPIC"),
    (["practice", "som", "--variant", "nope"], "--variant"),
    (["practice", "som", "--count", "2", "--out", "x.toml"], "--out"),
    (["practice", "som", "--difficulty", "insane"], "--difficulty"),
])
def test_bad_input_is_one_line_exit_2(args, names):
    out = run_cli(*args)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and names in out.stderr
    assert "Traceback" not in out.stderr
