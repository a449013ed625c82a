"""The nets under the givens' ranges (issue 12 item 7): the key of an exercise, a derivation
evaluated at given numbers and the JSON printer never let a RuntimeWarning, NaN or ∞ through."""

from __future__ import annotations

import math
import types
import warnings

import numpy as np
import pytest

from derive.errors import UserError
from derive.given_bounds import MAX_GIVEN, bounded_givens, evaluated
from derive.printing import render
from derive.steps import CheckReport, Mark, Step
from problems import givens as G
from problems.shared.checked_math import ln, log_probability
from problems.work import solve


def fake_type(body):
    """A problem type whose solver is ``body(work)``."""
    return types.SimpleNamespace(NAME="fake", solve=lambda g, work: body(work))


@pytest.mark.parametrize("body,reason", [
    (lambda w: w.put("a", "a", np.exp(np.array([1000.0]))), "overflow encountered in exp"),
    (lambda w: w.put("a", "a", 1.0 / w.put("z", "z", 0.0)), "division by zero"),
    (lambda w: w.put("a", "a", ln(0.0)), "logarithm of a non-positive number"),
    (lambda w: w.put("a", "a", math.exp(800)), "math range error"),
    (lambda w: w.put("a", "a", np.array([1.0, math.inf])), "step 'a' would not be a finite number"),
    (lambda w: w.put("a", "a", float("nan")), "step 'a' would not be a finite number"),
])
def test_the_key_refuses_what_does_not_compute(body, reason):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserError, match="givens too extreme to compute") as exc:
            solve(fake_type(body), {})
    assert reason in str(exc.value)


def test_replays_are_not_refused_only_the_key():
    """The student's values may be absurd: a replay (overrides) runs without the net."""
    steps = solve(fake_type(lambda w: w.put("a", "a", 1.0)), {}, overrides={"a": 2.0})
    assert [s.value for s in steps] == [1.0]


def test_log_probability_uses_the_logits_where_a_probability_underflowed():
    z = np.array([1000.0, 0.0, 1.0])
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    assert p[1] == 0.0  # e^-1000 underflows
    exact = z - z.max() - np.log(np.exp(z - z.max()).sum())
    out = log_probability(p, exact)
    assert out[1] == pytest.approx(-1000.0) and out[2] == pytest.approx(-999.0)
    assert log_probability(np.array([0.0]), np.array([-50.0]), lambda v: ln(v) / math.log(10))[0] == pytest.approx(-50 / math.log(10))


@pytest.mark.parametrize("value,ok", [(1e6, True), (-1e6, True), (1e6 + 1, False), (1e300, False), (-0.0, True)])
def test_given_numbers_are_bounded_at_1e6(value, ok):
    if ok:
        assert G.number({"k": value}, "k") == value and math.copysign(1, G.number({"k": -0.0}, "k")) == 1
        assert G.vector({"k": [value]}, "k") == [value]
    else:
        for read in (G.number, G.vector, G.matrix):
            with pytest.raises(UserError, match="given 'k'"):
                read({"k": [value] if read is not G.number else value}, "k")


def test_derive_givens_bounded_and_narrowed_by_a_topic():
    assert bounded_givens({"w1": MAX_GIVEN, "x": [[1.0, -MAX_GIVEN]], "name": "text"}) is not None
    with pytest.raises(UserError, match="outside ±1e\\+06") as exc:
        bounded_givens({"w1": 1.0, "x": [[1.0, 2e6]]})
    assert exc.value.arg == "--given x"
    with pytest.raises(UserError, match=r"outside \[1e-12, 1\]"):
        bounded_givens({"epsilon": 0.0}, {"epsilon": (1e-12, 1.0)})


def test_derive_evaluation_refuses_warnings_and_non_finite_values():
    with pytest.raises(UserError, match="too extreme to evaluate"):
        evaluated(lambda: np.exp(np.array([1000.0])))
    doc = types.SimpleNamespace(steps=[Step("s", "s", value=np.array([1.0, -math.inf]))], results={}, inputs={})
    with pytest.raises(UserError, match="step s would not be a finite number"):
        evaluated(lambda: doc)


def test_json_printer_refuses_infinity_and_writes_nan_as_null():
    mark = Mark(id="a", title="a", status="missing", expected=math.inf)
    report = CheckReport(topic="fake", givens={}, marks=[mark])
    with pytest.raises(UserError, match=r"steps\[0\].expected is not a finite number") as exc:
        render(report, "json")
    assert exc.value.arg == "--format json"
    nan_report = CheckReport(topic="fake", givens={"g": [1.0, math.nan]}, marks=[])
    assert '"g": [1.0, null]' in render(nan_report, "json")
