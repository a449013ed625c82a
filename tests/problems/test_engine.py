"""The engine on a toy problem type built here, so every rule is tested apart from real types.

Toy: given x and k, a = 2x, b = a + 1, c = [a, b, ab], idx = k, pick = c[idx], labels = big/small
per entry of c, decision = reject if b > 5 else retain.
"""

from __future__ import annotations

import types

import numpy as np
import pytest

from derive.errors import UserError
from derive.steps import StepSpec
from problems import engine
from problems.givens import integer, number


def _toy() -> types.ModuleType:
    m = types.ModuleType("toy")
    m.NAME, m.SUMMARY, m.SECTIONS = "toy", "a toy", ("1",)
    m.STEPS = [StepSpec("a", "a = 2x", "number", 2, "2x"), StepSpec("b", "b = a + 1", "number", None, "a + 1"),
               StepSpec("c", "c = [a, b, ab]", "vector", 2, ""), StepSpec("idx", "index", "integer"),
               StepSpec("pick", "c[idx]", "number"), StepSpec("labels", "labels", "choice"),
               StepSpec("decision", "decision", "choice", None, "reject if b > 5"),
               StepSpec("extra.k", "Extra step k", "number")]
    m.GIVENS = {"x": "a number", "k": "1, 2 or 3"}
    m.MISTAKES = {"plus-two": "added 2 instead of 1", "same": "a mistake that changes nothing here",
                  "double-a": "doubled a again (4x)"}
    m.CHOICES = {"retain": ["fail to reject", "accept"]}
    m.ALIASES = {"A": "a"}
    m.TOLERANCES = {"pick": 0.05}
    m.VARIANTS = {"big": "larger numbers"}
    m.generate = lambda rng, difficulty="exam", variant=None: {"x": float(rng.integers(1, 9)) / 2, "k": int(rng.integers(1, 4))}
    m.validate = lambda g: {"x": number(g, "x"), "k": integer(g, "k", 1, 3)}
    m.statement = lambda g: f"x = {g['x']}"
    m.conventions = lambda g: ["toy convention"]
    m.cross_check = lambda g: {}

    def solve(g, work):
        a = work.put("a", "a", 2 * g["x"] * (2 if work.mistake("double-a") else 1))
        b = work.put("b", "b", a + (2 if work.mistake("plus-two") else 1), depends_on=("a",))
        c = work.put("c", "c", np.array([a, b, a * b]), depends_on=("a", "b"))
        idx = work.put("idx", "idx", g["k"])
        work.put("pick", "pick", float(c[idx - 1]), depends_on=("c", "idx"))  # IndexError for a wild idx
        work.put("labels", "labels", ["big" if v > 3 else "small" for v in c], depends_on=("c",))
        work.put("decision", "decision", "reject" if b > 5 else "retain", depends_on=("b",))

    def diagnose(g, ctx):
        if ctx.step_id == "a" and ctx.matches(g["x"]):
            return "hook: wrote x instead of 2x"
        if ctx.step_id == "b":
            raise RuntimeError("a broken hook must not break checking")
        return None

    m.solve, m.diagnose = solve, diagnose
    return m


TOY = _toy()
G = {"x": 1.5, "k": 2}  # a = 3, b = 4, c = [3, 4, 12], pick = 4, labels = [small, big, big], retain


def marks(answers, givens=G):
    return {m.id: m for m in engine.check(TOY, givens, answers).marks}


def test_exact_answers_are_correct_and_words_use_synonyms():
    out = marks({"A": "3", "b": "4", "c": "[3, 4, 12]", "idx": "2", "pick": "4", "labels": "[Small, BIG, big]",
                 "decision": "fail to reject"})
    assert {k: m.status for k, m in out.items()} == {k: "correct" for k in out}


def test_follow_through_and_its_message_for_an_error_and_for_rounding():
    out = marks({"a": "3.5", "b": "4.5", "c": "[3.5, 4.5, 15.75]"})
    assert out["a"].status == "incorrect"
    assert out["b"].status == out["c"].status == "follow-through"
    assert "error carried forward" in out["b"].message
    out = marks({"a": "3.03", "b": "4.030"}, {"x": 1.5125, "k": 2})  # a = 3.025 rounded; b from the rounded a
    assert out["a"].status == "rounded" and out["b"].status == "follow-through"
    assert "rounded earlier values" in out["b"].message


def test_a_decision_flipped_only_by_rounding_is_incorrect():
    # x = 2.0012: a = 4.0024, b = 5.0024 > 5 → reject; a student who rounds b to 5.00 decides "retain"
    out = marks({"b": "5.00", "decision": "retain"}, {"x": 2.0012, "k": 1})
    assert out["b"].status == "rounded"
    assert out["decision"].status == "incorrect" and "rounded earlier values flip" in out["decision"].message


def test_element_marks_point_at_the_wrong_entry():
    m = marks({"c": "[3, 5, 12]"})["c"]
    assert m.status == "incorrect" and m.elements == ["correct", "incorrect", "correct"]
    assert "wrong entry: 2" in m.message
    m = marks({"labels": "[small, small, big]"})["labels"]
    assert m.elements == ["correct", "incorrect", "correct"]


def test_a_student_value_that_crashes_the_solver_only_ends_the_replay():
    out = marks({"idx": "9", "pick": "4", "labels": "[small, big, big]"})
    assert out["idx"].status == "incorrect"
    assert out["pick"].status == "correct"  # still right against the exact value
    assert out["labels"].status == "correct"


def test_non_integral_or_wrong_shape_values_are_not_carried_forward():
    out = marks({"idx": "2.5", "pick": "4"})
    assert out["idx"].status == "incorrect" and out["pick"].status == "correct"
    out = marks({"c": "[3, 4]", "labels": "[small, big, big]"})
    assert out["c"].status == "incorrect" and "shape" in out["c"].message
    assert out["labels"].status == "correct"


def test_mistakes_are_named_from_scratch_and_on_the_students_own_values():
    assert marks({"b": "5"})["b"].diagnosis == "added 2 instead of 1"
    # with the student's own wrong a = 3.5, the same slip gives 5.5
    assert marks({"a": "3.5", "b": "5.5"})["b"].diagnosis == "added 2 instead of 1"


def test_a_mistake_that_coincides_with_the_answer_is_never_reported():
    out = marks({"a": "3", "b": "4"})
    assert out["a"].diagnosis is None and out["b"].status == "correct"
    assert all(m.diagnosis != "a mistake that changes nothing here" for m in marks({"a": "7", "b": "9"}).values())


def test_the_types_hook_names_other_mistakes_and_a_broken_hook_is_harmless():
    assert marks({"a": "1.5"})["a"].diagnosis == "hook: wrote x instead of 2x"
    assert marks({"b": "11"})["b"].status == "incorrect"  # hook raised; the check did not


def test_tolerances_per_step_replace_the_floor():
    assert marks({"pick": "4.04"})["pick"].status == "correct"
    assert marks({"pick": "4.2"})["pick"].status == "incorrect"


def test_minimum_precision_message():
    m = marks({"a": "3.1"}, {"x": 1.53, "k": 1})["a"]  # a = 3.06: right to 1 decimal, 2 required
    assert m.status == "incorrect" and "at least 2 decimal places" in m.message


def test_answers_are_read_by_kind_and_refused_when_unknown():
    with pytest.raises(engine.AnswerError, match="no such step"):
        engine.check(TOY, G, {"zz": "1"})
    with pytest.raises(engine.AnswerError, match="this exercise has no step extra.1"):
        engine.check(TOY, G, {"extra.1": "1"})
    with pytest.raises(engine.AnswerError, match="answer 'a'"):
        engine.check(TOY, G, {"a": "__import__('os')"})
    with pytest.raises(engine.AnswerError):
        engine.check(TOY, G, {"a": True})
    assert marks({"a": "  ", "b": "4"})["a"].status == "missing"  # a blank line of an answer file
    # TOML reads an unquoted dotted key d2.1 = … as a nested table: joined back
    assert set(engine.read_answers(TOY, {"extra": {"1": 2.0}})) == {"extra.1"}


def test_describe_and_step_title():
    ans = engine.read_answers(TOY, {"decision": "Fail to reject"})["decision"]
    assert engine.describe(TOY, "decision", ans) == "retain (you wrote: fail to reject)"
    assert engine.step_title(TOY, "extra.3") == "Extra step 3"


def test_score_and_first_error():
    report = engine.check(TOY, G, {"a": "3", "b": "5", "c": "[3, 5, 15]"})
    assert report.first_error == "b"
    assert report.score == {"correct": 2, "total": 7}


@pytest.mark.parametrize("text, parsed", [
    ("ttest@12", ("ttest", 12, "exam", None)),
    ("rbf-xor@3:hard+solve-weights", ("rbf-xor", 3, "hard", "solve-weights")),
    ("som", ("som", None, "exam", None)),
    ("SOM@4:easy", ("som", 4, "easy", None)),
])
def test_exercise_ids_parse(text, parsed):
    assert engine.parse_exercise_id(text) == parsed


@pytest.mark.parametrize("text", ["ttest@", "ttest@x", "ttest@1:insane", "@3", "ttest@99999999999", "a b"])
def test_bad_exercise_ids_are_refused(text):
    with pytest.raises(ValueError):
        engine.parse_exercise_id(text)


def test_exercises_and_sheets():
    ex = engine.make_exercise(TOY, 3, "hard", "big")
    assert ex.id == "toy@3:hard+big"
    with pytest.raises(UserError, match="variant"):
        engine.make_exercise(TOY, 3, "exam", "nope")
    with pytest.raises(UserError, match="difficulty|expected one of"):
        engine.make_exercise(TOY, 3, "insane")
    sheet = engine.make_sheet([TOY], 0, 5)
    assert len({(e.givens["x"], e.givens["k"]) for e in sheet.exercises}) == 5
    with pytest.raises(UserError):
        engine.make_sheet([TOY], 0, 0)


def test_every_syllabus_section_is_covered_by_a_problem_type():
    """Issue 6 is done only when `chainrule topics` shows every SYLLABUS section covered."""
    from problems.syllabus import SECTIONS, coverage
    table = coverage()
    assert len(table.rows) == len(SECTIONS) == 15
    uncovered = [row[0] for row in table.rows if row[2] == "—"]
    assert not uncovered, f"sections without a problem type: {uncovered}"
