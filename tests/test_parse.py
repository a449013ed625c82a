"""The safe parser: reads numbers, arrays and formulas; refuses code and oversized input fast."""

from __future__ import annotations

import math
import time

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from derive.parse import ParseError, parse_answer, parse_expression, parse_value


@pytest.mark.parametrize("text, value", [
    ("0.5", 0.5), ("-3", -3.0), ("1/4", 0.25), ("exp(-0.5)", math.exp(-0.5)), ("2**-2", 0.25),
    ("sqrt(2)/2", math.sqrt(2) / 2), ("[1, 2.5]", [1.0, 2.5]), ("[[1, 0], [0, 1]]", [[1.0, 0.0], [0.0, 1.0]]),
    ("sigmoid(0)", 0.5), ("1e-3", 0.001), ("pi", math.pi), ("(1, 2)", [1.0, 2.0]), ("tanh(0)", 0.0),
])
def test_reads_numbers_and_arrays(text, value):
    import numpy as np
    np.testing.assert_allclose(parse_value(text), value)


@pytest.mark.parametrize("text", [
    "__import__('os').system('echo pwned')", "open('/etc/passwd').read()", "(lambda: 1)()",
    "[x for x in range(10)]", "().__class__.__bases__[0].__subclasses__()", "exec('1')", "eval('1')",
    "a.b", "x[0]", "'text'", "b'bytes'", "True", "None", "{1: 2}", "{1, 2}", "1 if 1 else 2", "1 < 2",
    "f'{1}'", "1 and 2", "...", "import os", "x := 1", "exp(x=1)", "sympify('1')",
])
def test_refuses_code(text):
    with pytest.raises(ParseError):
        parse_value(text)


@pytest.mark.parametrize("text", [
    "9**9**9", "10**10**10", "2**100000", "(" * 5000 + "1" + ")" * 5000, "[" + "1," * 10_001 + "1]",
    "1" * 100, "x" * 50_000, "[[[[[1]]]]]", "exp(1000)", "1/0", "(-8)**(1/3)",
    "[" + ",".join(["[" + ",".join(["1"] * 200) + "]"] * 60) + "]",
])
def test_refuses_oversized_input_quickly(text):
    start = time.perf_counter()
    with pytest.raises(ParseError):
        parse_value(text)
    assert time.perf_counter() - start < 0.5  # a sanity bound, far above the ~ms it takes


def test_refuses_giant_expression_quickly():
    start = time.perf_counter()
    for text in ("x**(9**9**9)", "x**100000", "(" * 150 + "x" + ")" * 150 + "**9**9", "x" * 30_000):
        with pytest.raises(ParseError):
            parse_expression(text)
    assert time.perf_counter() - start < 1.0


def test_ragged_matrix_is_refused():
    with pytest.raises(ParseError, match="equal length"):
        parse_value("[[1, 2], [3]]")


@pytest.mark.parametrize("text, decimals", [("0.870", 3), ("12", 0), ("1.2e-3", 4), ("-0.25", 2),
                                            ("[0.5, 0.125]", [1, 3]), ("1/3", None), ("exp(-0.5)", None)])
def test_answer_keeps_decimals_written(text, decimals):
    assert parse_answer(text).decimals == decimals


def test_choice_answers_are_normalised():
    assert parse_answer("  Fail_to   Reject ", "choice").value == "fail to reject"


def test_expression_is_built_without_sympify():
    w, x, b = sp.symbols("w x b", real=True)
    expr = parse_expression("(1-tanh(w*x+b)**2)*x", ["w", "x", "b"])
    assert sp.simplify(expr - (1 - sp.tanh(w * x + b) ** 2) * x) == 0


def test_expression_rejects_unknown_names():
    with pytest.raises(ParseError, match="unknown variable"):
        parse_expression("w*y", ["w", "x"])


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_never_crashes_on_arbitrary_text(text):
    try:
        parse_value(text)
    except ParseError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=20))
def test_round_trips_vectors(values):
    assert parse_value(repr(values)) == pytest.approx(values)
