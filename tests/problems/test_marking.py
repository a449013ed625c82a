"""The marking stage on hand-made comparisons: every status, message and the upstream bookkeeping.

The comparisons are written out here (not computed by the compare stage), so each test states
one situation and the mark the README's rules give for it: exact match → correct/rounded;
matching the student's own follow-through value → follow-through when an earlier *error* is
upstream, or the student's rounding (incorrect for a decision the rounding flipped); otherwise
incorrect, with a message on shape, precision or the wrong positions.
"""

from __future__ import annotations

from derive.parse import Answer
from derive.steps import Step, StepSpec
from problems.comparisons import Comparison
from problems.marking import element_marks, mark_steps, shape_message, wrong_positions_message
from problems.specs import StepRule


def step(sid, value=1.0, deps=()):
    return Step(sid, f"title {sid}", value=value, depends_on=tuple(deps))


def rule(sid, kind="number", min_decimals=None):
    return StepRule(StepSpec(sid, f"title {sid}", kind, min_decimals), 1e-6, {})


def seen(exact=None, value=0.5, own=None, own_differs=False, right=False, exact_elements=None, own_elements=None):
    return Comparison(Answer(value, 2, repr(value)), exact, exact_elements, own, own_elements, own_differs, right)


WRONG = seen()                                  # matches nothing
OWN = seen(own="correct", own_differs=True)     # matches only the student's own follow-through value


def marks(steps, comparisons, kinds=None, own=None):
    kinds = kinds or {}
    rules = {s.id: rule(s.id, *kinds.get(s.id, ("number",))) for s in steps}
    return {m.id: m for m in mark_steps(steps, rules, comparisons, own or {})}


def test_missing_correct_rounded_and_incorrect():
    steps = [step("a", 0.25), step("b", 0.5), step("c", 0.75), step("d", 2.0)]
    m = marks(steps, [None, seen("correct", 0.5), seen("rounded", 0.8), WRONG])
    assert (m["a"].status, m["a"].expected, m["a"].given) == ("missing", 0.25, None)
    assert (m["b"].status, m["b"].given, m["b"].elements) == ("correct", 0.5, None)
    assert m["c"].status == "rounded" and m["c"].given == 0.8
    assert m["d"].status == "incorrect" and m["d"].expected == 2.0 and m["d"].diagnosis is None


def test_follow_through_from_an_earlier_error():
    steps = [step("a"), step("b", deps=["a"]), step("c", deps=["b"])]
    m = marks(steps, [WRONG, OWN, OWN], own={"b": 7.0, "c": 8.0})
    assert m["a"].status == "incorrect"
    assert m["b"].status == "follow-through" and "error carried forward" in m["b"].message
    assert m["b"].follow_through_value == 7.0
    # b carried a's error, so c (which depends on b only) carries it too
    assert m["c"].status == "follow-through" and "error carried forward" in m["c"].message


def test_follow_through_from_the_students_rounding():
    steps = [step("a"), step("b", deps=["a"])]
    m = marks(steps, [seen("rounded"), OWN])
    assert m["b"].status == "follow-through"
    assert m["b"].message == "correct from your own rounded earlier values"


def test_a_decision_flipped_by_rounding_is_incorrect_but_by_an_error_is_follow_through():
    for kind in ("integer", "choice"):
        steps = [step("a"), step("j", 3, deps=["a"])]
        m = marks(steps, [seen("rounded"), OWN], kinds={"j": (kind,)})
        assert m["j"].status == "incorrect" and "flip this decision" in m["j"].message, kind
        m = marks(steps, [WRONG, OWN], kinds={"j": (kind,)})
        assert m["j"].status == "follow-through", kind
    # a plain number moved by rounding is follow-through, not a flipped decision
    assert marks([step("a"), step("x", deps=["a"])], [seen("rounded"), OWN])["x"].status == "follow-through"


def test_upstream_is_transitive_through_explicit_depends_on():
    # a wrong; b right; c rounded; d depends on c only: a's error is upstream of d through b and c,
    # so d's follow-through carries an error although its nearest ancestor is only rounded
    steps = [step("a"), step("b", deps=["a"]), step("c", deps=["b"]), step("d", deps=["c"])]
    m = marks(steps, [WRONG, seen("correct"), seen("rounded"), OWN])
    assert "error carried forward" in m["d"].message


def test_an_unrelated_error_does_not_explain_a_rounding_follow_through():
    # x wrong, but y depends on r (rounded), not on x: y's follow-through is the rounding's
    steps = [step("x"), step("r"), step("y", deps=["r"])]
    m = marks(steps, [WRONG, seen("rounded"), OWN])
    assert m["y"].message == "correct from your own rounded earlier values"
    # nothing inexact upstream (depends_on incomplete): any earlier error is assumed to explain it
    steps = [step("x"), step("r"), step("y", deps=["r"])]
    m = marks(steps, [WRONG, seen("correct"), OWN])
    assert "error carried forward" in m["y"].message


def test_without_depends_on_every_earlier_step_is_upstream():
    steps = [step("a"), step("b"), step("c")]
    m = marks(steps, [WRONG, seen("rounded"), OWN])
    assert "error carried forward" in m["c"].message
    m = marks(steps, [seen("correct"), seen("rounded"), OWN])
    assert m["c"].message == "correct from your own rounded earlier values"


def test_a_follow_through_that_carried_an_error_passes_it_on_but_a_rounding_one_does_not():
    # r rounded → s follow-through of a rounding → t (depends on s) is a rounding follow-through too
    steps = [step("r"), step("s", deps=["r"]), step("t", deps=["s"])]
    m = marks(steps, [seen("rounded"), OWN, OWN], kinds={"t": ("integer",)})
    assert m["s"].status == "follow-through" and m["t"].status == "incorrect"  # t's decision: only rounding moved it


def test_incorrect_messages_shape_precision_positions():
    steps = [step("v", [1.0, 2.0, 3.0]), step("p", 0.123456), step("w", [1.0, 2.0, 3.0])]
    shape = seen(value=[1.0, 2.0])
    precise = seen(value=0.12, right=True)
    partly = seen(value=[1.0, 9.0, 3.0], exact_elements=["correct", None, "correct"])
    m = marks(steps, [shape, precise, partly], kinds={"p": ("number", 3)})
    assert m["v"].status == "incorrect" and m["v"].message == "expected shape (3,), got (2,)"
    assert m["p"].status == "incorrect" and "at least 3 decimal places" in m["p"].message
    assert m["w"].message == "wrong entry: 2" and m["w"].elements == ["correct", "incorrect", "correct"]


def test_element_marks():
    assert element_marks(None, None) is None
    assert element_marks(["correct", None], None) == ["correct", "incorrect"]
    assert element_marks([["rounded", None], [None, None]], [[None, "correct"], [None, None]]) == \
        [["rounded", "follow-through"], ["incorrect", "incorrect"]]
    steps = [step("a"), step("m", [[1.0, 2.0]], deps=["a"])]
    m = marks(steps, [WRONG, seen(value=[[1.0, 5.0]], exact_elements=[["correct", None]], own="correct",
                                  own_elements=[["correct", "correct"]], own_differs=True)])
    assert m["m"].status == "follow-through" and m["m"].elements == [["correct", "follow-through"]]
    exact = seen("correct", value=[1.0], exact_elements=["correct"])
    assert marks([step("e", [1.0])], [exact])["e"].elements == ["correct"]


def test_shape_and_position_messages():
    assert shape_message([1, 2], [1, 2, 3]) == "expected shape (3,), got (2,)"
    assert shape_message(1.0, [1.0]) == "expected shape (1,), got ()"
    assert shape_message([[1, 2]], [[1, 2]]) == "" and shape_message(1.0, 2.0) == ""
    assert wrong_positions_message(["correct", "incorrect", "incorrect"]) == "wrong entries: 2, 3"
    assert wrong_positions_message([["correct", "incorrect"], ["incorrect", "correct"]]) == "wrong entries: (1, 2), (2, 1)"
    assert wrong_positions_message(["incorrect", "incorrect"]) == ""  # all wrong: nothing to point at
    assert wrong_positions_message(["correct"]) == ""
