"""``--out FILE.xml``: Moodle XML read back with ElementTree against the format's structure
(``<quiz>`` of ``<question type="…">``; a cloze question's ``name/text``, ``questiontext``
with embedded answers ``{1:NUMERICAL:=value:tolerance}``, ``generalfeedback``), the values
round-tripping to the exercise's own steps and each tolerance admitting what ``check`` accepts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import problems
from problems import specs
from problems.registry import get
from tests.conftest import run_cli

BLANK = re.compile(r"\{1:(NUMERICAL|SHORTANSWER):=((?:\\.|[^}])*)\}")


def leaves(value):
    if isinstance(value, list):
        return [x for v in value for x in leaves(v)]
    return [value.tolist() if hasattr(value, "tolist") else value]


def read_quiz(tmp_path, *args):
    path = tmp_path / "quiz.xml"
    out = run_cli("practice", *args, "--out", str(path))
    assert out.returncode == 0, out.stderr
    assert "with an answer key" in out.stdout
    root = ET.parse(path).getroot()
    assert root.tag == "quiz"
    kinds = [q.get("type") for q in root.findall("question")]
    assert kinds[0] == "category" and root.find("question/category/text").text.startswith("$course$/")
    return [q for q in root.findall("question") if q.get("type") == "cloze"]


def blanks(question):
    text = question.find("questiontext/text").text
    assert question.find("questiontext").get("format") == "html"
    out = []
    for kind, body in BLANK.findall(text):
        if kind == "NUMERICAL":
            value, tol = body.split(":")
            out.append((float(value), float(tol)))
        else:
            out.append(re.sub(r"\\(.)", r"\1", body.split("~=")[0]))
    return out


def test_one_cloze_question_per_exercise_named_by_its_id_with_every_value(tmp_path):
    questions = read_quiz(tmp_path, "--topics", "ttest,som,perceptron", "--seed", "4", "--count", "3")
    sheet = problems.practice(topics="ttest,som,perceptron", seed=4, count=3)
    assert len(questions) == len(sheet.exercises) == 3
    for question, exercise in zip(questions, sheet.exercises):
        assert question.find("name/text").text == exercise.id == question.find("idnumber").text
        assert question.find("generalfeedback/text").text.startswith("<ol>")
        expected = [x for s in exercise.steps if s.value is not None for x in leaves(s.value)]
        got = blanks(question)
        assert len(got) == len(expected)
        for blank, value in zip(got, expected):
            if isinstance(value, str):
                assert blank == value
            else:
                assert abs(blank[0] - value) <= 1e-10 * max(1.0, abs(value)), (exercise.id, blank, value)
                assert blank[1] >= 0


def test_each_tolerance_admits_the_answers_check_accepts(tmp_path):
    question = read_quiz(tmp_path, "ttest", "--seed", "12")[0]
    exercise = problems.practice("ttest", seed=12).exercises[0]
    rules = specs.step_rules(get("ttest"), exercise.steps)
    numeric = [s for s in exercise.steps if isinstance(s.value, (int, float))]
    for step, (value, tol) in zip(numeric, [b for b in blanks(question) if isinstance(b, tuple)]):
        assert abs(value - step.value) < 1e-9
        if rules[step.id].spec.kind == "integer":
            assert tol == 0
            continue
        d = rules[step.id].spec.min_decimals or 0
        hand = f"{step.value:.{max(d, 1)}f}"  # a hand answer rounded to the places the step asks for
        assert abs(float(hand) - value) <= tol, (step.id, hand, value, tol)
        mark = next(m for m in problems.check("ttest@12", answers={step.id: hand}).marks if m.id == step.id)
        assert mark.status in ("correct", "rounded"), (step.id, hand, mark.status)
        assert tol >= rules[step.id].atol


def test_a_derivation_cannot_be_a_moodle_quiz(tmp_path):
    out = run_cli("derive", "mlp", "--out", str(tmp_path / "mlp.xml"))
    assert out.returncode == 2 and "Moodle questions are practice exercises" in out.stderr
    assert not (tmp_path / "mlp.xml").exists()
