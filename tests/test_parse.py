"""The safe parser: reads numbers, arrays and formulas; refuses code and oversized input fast.

Every function of the parser's tables is pinned against an independent oracle (mpmath at 30
digits, or a known value), every limit at its edge (accepted at the limit, refused one past
it), and domain errors must be the project's ParseError, never a raw ValueError.
"""

from __future__ import annotations

import ast
import doctest
import math
import re
import time

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

import derive.parse as P
from derive.parse import ParseError, answer_from_number, parse_answer, parse_expression, parse_value, read_formula

mpmath.mp.dps = 30


def _mp(fn):
    """An oracle: ``fn`` evaluated by mpmath at 30 digits, rounded to a float."""
    return lambda *xs: float(fn(*[mpmath.mpf(repr(x)) for x in xs]))


ORACLES = {  # name: (independent implementation, arguments to try)
    "exp": (_mp(mpmath.exp), [(-2.5,), (0.0,), (3.0,)]),
    "log": (_mp(mpmath.log), [(0.5,), (1.0,), (10.0,)]),
    "ln": (_mp(mpmath.log), [(0.5,), (2.0,)]),
    "sqrt": (_mp(mpmath.sqrt), [(0.0,), (2.0,), (0.25,)]),
    "abs": (_mp(abs), [(-2.0,), (3.5,), (0.0,)]),
    "sin": (_mp(mpmath.sin), [(-1.0,), (0.5,)]),
    "cos": (_mp(mpmath.cos), [(-1.0,), (0.5,)]),
    "tan": (_mp(mpmath.tan), [(-1.0,), (0.5,)]),
    "tanh": (_mp(mpmath.tanh), [(-2.0,), (0.0,), (0.7,), (40.0,)]),
    "sigmoid": (_mp(lambda x: 1 / (1 + mpmath.exp(-x))), [(-1000.0,), (-745.0,), (-30.0,), (-2.0,), (-1e-9,), (0.0,), (2.0,), (30.0,), (1000.0,)]),
    "relu": (_mp(lambda x: max(mpmath.mpf(0), x)), [(-2.0,), (0.0,), (3.0,), (-1e300,)]),
    "softplus": (_mp(lambda x: mpmath.log(1 + mpmath.exp(x))), [(-1000.0,), (-2.0,), (0.0,), (2.0,), (50.0,), (1000.0,)]),
    "log2": (_mp(lambda x: mpmath.log(x, 2)), [(8.0,), (0.5,), (3.0,)]),
    "log10": (_mp(mpmath.log10), [(1000.0,), (0.01,), (3.0,)]),
    "max": (_mp(lambda *a: max(a)), [(1.0, 5.0, 3.0), (-2.0, -7.0), (4.0,)]),
    "min": (_mp(lambda *a: min(a)), [(1.0, 5.0, 3.0), (-2.0, -7.0), (4.0,)]),
    "erf": (_mp(mpmath.erf), [(-0.5,), (0.0,), (0.5,), (3.0,)]),
    "sech": (_mp(mpmath.sech), [(-1.0,), (0.0,), (1.0,), (-1000.0,), (1000.0,)]),
    "cosh": (_mp(mpmath.cosh), [(-1.0,), (0.0,), (2.5,), (700.0,)]),
    "sinh": (_mp(mpmath.sinh), [(-1.0,), (0.0,), (2.5,), (-700.0,)]),
    "atan": (_mp(mpmath.atan), [(-1e300,), (-1.0,), (0.0,), (0.5,), (1e300,)]),
    "arctan": (_mp(mpmath.atan), [(-2.0,), (3.0,)]),
}


# --- the function table ------------------------------------------------------------------------

def test_every_function_in_the_table_has_an_oracle():
    assert set(P.NUMERIC_FUNCTIONS) == set(ORACLES)


@pytest.mark.parametrize("name, args", [(n, a) for n, (_, cases) in ORACLES.items() for a in cases])
def test_numeric_function_matches_its_oracle(name, args):
    oracle = ORACLES[name][0]
    text = f"{name}({', '.join(repr(a) for a in args)})"
    assert parse_value(text) == pytest.approx(oracle(*args), rel=1e-13, abs=1e-300), text


def test_sigmoid_takes_the_stable_branch_for_negative_inputs():
    # x < 0 uses e^x / (1 + e^x): e^(−x) would overflow at x = −1000
    assert parse_value("sigmoid(-1000)") == pytest.approx(math.exp(-1000) / (1 + math.exp(-1000)), abs=1e-320)
    assert parse_value("sigmoid(-2)") == pytest.approx(0.11920292202211755, rel=1e-15)
    assert parse_value("sigmoid(2)") == pytest.approx(0.8807970779778823, rel=1e-15)
    assert parse_value("sigmoid(-2) + sigmoid(2)") == pytest.approx(1.0, rel=1e-15)


def test_relu_is_not_abs():
    assert parse_value("relu(-2)") == 0.0
    assert parse_value("relu(2.5)") == 2.5


@pytest.mark.parametrize("name", sorted(set(P.NUMERIC_FUNCTIONS) - {"max", "min"}))
def test_formula_functions_agree_with_the_numeric_table(name):
    """Each function read into a formula has the value the numeric table gives (and the oracle)."""
    x = sp.Symbol("x", real=True)
    args = [a for (a,) in ORACLES[name][1] if abs(a) < 700]
    expr = parse_expression(f"{name}(x)", ["x"])
    for a in args:
        value = float(expr.subs(x, sp.Rational(repr(a))).evalf(30))
        assert value == pytest.approx(ORACLES[name][0](a), rel=1e-12, abs=1e-300), (name, a)


@pytest.mark.parametrize("text, value", [("max(x, 2, 1)", 2.0), ("min(x, 2, 1)", -3.0), ("Heaviside(x)", 0.0),
                                         ("sign(x)", -1.0), ("log2(-x*8/3)", 3.0), ("log10(-x/3*100)", 2.0)])
def test_formula_only_functions_at_x_minus_3(text, value):
    x = sp.Symbol("x", real=True)
    assert float(parse_expression(text, ["x"]).subs(x, -3)) == value


# --- reading numbers and arrays ----------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("0.5", 0.5), ("-3", -3.0), ("1/4", 0.25), ("exp(-0.5)", math.exp(-0.5)), ("2**-2", 0.25),
    ("sqrt(2)/2", math.sqrt(2) / 2), ("[1, 2.5]", [1.0, 2.5]), ("[[1, 0], [0, 1]]", [[1.0, 0.0], [0.0, 1.0]]),
    ("1e-3", 0.001), ("pi", math.pi), ("e", math.e), ("(1, 2)", [1.0, 2.0]), ("+4", 4.0), ("0x1F", 31.0), ("1_000.5", 1000.5),
    ("1e-400", 0.0), ("-0.0", -0.0), ("1e308", 1e308),
])
def test_reads_numbers_and_arrays(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize("text", [
    "__import__('os').system('echo pwned')", "open('/etc/passwd').read()", "(lambda: 1)()",
    "[x for x in range(10)]", "().__class__.__bases__[0].__subclasses__()", "exec('1')", "eval('1')",
    "a.b", "x[0]", "'text'", "b'bytes'", "True", "None", "{1: 2}", "{1, 2}", "1 if 1 else 2", "1 < 2",
    "f'{1}'", "1 and 2", "...", "import os", "x := 1", "exp(x=1)", "sympify('1')", "1j", "2^3", "~1", "not 1",
    "exp(1, 2)", "max()", "1 % 2", "1 // 2", "1 @ 2",
])
def test_refuses_code(text):
    with pytest.raises(ParseError):
        parse_value(text)


@pytest.mark.parametrize("text", [
    "log(-1)", "sqrt(-1)", "log(0)", "ln(-2)", "log2(0)", "log10(-1)", "1/0", "0**-1", "(-8)**(1/3)",
    "exp(1000)", "cosh(1000)", "sinh(-1000)", "tan(pi/2)*1e300", "1e308*10", "-1e308*10", "1e308+1e308", "softplus(1e308)**2",
])
def test_domain_errors_are_parse_errors(text):
    with pytest.raises(ParseError):
        parse_value(text)
    with pytest.raises(ParseError):
        parse_answer(text)


@pytest.mark.parametrize("text", ["log(-1)*x", "sqrt(-1)*x", "x/0", "log(0)*x", "x*1e400", "0**-1*x", "x/(1-1)", "x**(1/(2-2))"])
def test_formula_domain_errors_are_parse_errors(text):
    with pytest.raises(ParseError):
        read_formula(text)


def test_formula_zero_division_and_undefined_values_are_named():
    with pytest.raises(ParseError, match="^division by zero$"):
        read_formula("x/(x-x)")  # the divisor is exactly 0 once built, though it has a variable
    for text in ("log(x-x)+x", "0**(x-x-1)*x", "x*log(0*x)"):  # no part is a plain number: SymPy's zoo is caught
        with pytest.raises(ParseError, match="undefined value"):
            read_formula(text)


def test_ragged_matrix_is_refused():
    with pytest.raises(ParseError, match="equal length"):
        parse_value("[[1, 2], [3]]")
    with pytest.raises(ParseError, match="equal length"):
        parse_value("[[1, 2], 3]")


@pytest.mark.parametrize("text, decimals", [("0.870", 3), ("12", 0), ("1.2e-3", 4), ("-0.25", 2), ("0x1e", 0),
                                            ("[0.5, 0.125]", [1, 3]), ("1/3", None), ("exp(-0.5)", None)])
def test_answer_keeps_decimals_written(text, decimals):
    assert parse_answer(text).decimals == decimals


def test_decimals_are_read_from_each_literal_in_unicode_text():
    """Columns are UTF-8 bytes: the literal after a non-ASCII character is still found exactly."""
    assert P._decimals_tree(ast.parse("[0.50, 0.125]", mode="eval"), P._Source("[0.50, 0.125]")) == [2, 3]
    text = "[1.5,\n 2.25]"
    assert parse_answer(text).decimals == [1, 2]


def test_choice_answers_are_normalised():
    assert parse_answer("  Fail_to   Reject ", "choice").value == "fail to reject"
    with pytest.raises(ParseError):
        parse_answer("x" * 101, "choice")


def test_names_given_by_the_caller_come_first():
    assert parse_value("e * 2", {"e": 3.0}) == 6.0  # a given named e is not Euler's number
    assert parse_value("e") == math.e


# --- limits at their edges ---------------------------------------------------------------------

def _depth(node: ast.AST) -> int:
    """The syntax tree's depth counted in expression nodes (the test's own count)."""
    kids = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
    return 1 + max((_depth(c) for c in kids), default=0)


def test_list_depth_limit():
    assert parse_value("[" * P.MAX_DEPTH + "1" + "]" * P.MAX_DEPTH) == [[[[1.0]]]]
    assert P.MAX_DEPTH == 4
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_value("[" * (P.MAX_DEPTH + 1) + "1" + "]" * (P.MAX_DEPTH + 1))
    with pytest.raises(ParseError, match="nested too deeply"):
        answer_from_number([[[[[1.0]]]]])
    assert answer_from_number([[[[1.0]]]]).value == [[[[1.0]]]]


def test_exponent_limit_both_signs():
    assert P.MAX_EXPONENT == 1000
    assert parse_value("2**20") == 1048576.0
    assert parse_value("2**1000") == 2.0**1000
    assert parse_value("2**-1000") == 2.0**-1000
    for text in ("2**1001", "2**-1001", "1**1001", "1**-1001", "1**(-1000.5)"):
        with pytest.raises(ParseError, match="exponent"):
            parse_value(text)
    x = sp.Symbol("x", real=True)
    assert parse_expression("x**1000") == x**1000 and parse_expression("x**-1000") == x**-1000
    for text in ("x**1001", "x**-1001", "x**(2000/2+1)"):
        with pytest.raises(ParseError, match="exponent"):
            parse_expression(text)


def test_literal_digit_limit():
    assert P.MAX_LITERAL_DIGITS == 40
    assert parse_value("9" * 40) == float("9" * 40)
    assert parse_value("0." + "1" * 39) == pytest.approx(1 / 9)
    for text in ("9" * 41, "0." + "1" * 40, "0x" + "F" * 39, "0x" + "F" * 300):
        with pytest.raises(ParseError, match="too long"):
            parse_value(text)


@pytest.mark.parametrize("text", ["1e400", "-1e400", "[1, 1e400]", "1e309", "2e308"])
def test_literals_beyond_float_range_are_refused(text):
    with pytest.raises(ParseError):
        parse_value(text)
    with pytest.raises(ParseError):
        parse_answer(text)


def test_largest_float_literal_is_accepted():
    assert parse_value("1.7976931348623157e308") == 1.7976931348623157e308
    assert parse_value("(" * 199 + "1" + ")" * 199) == 1.0  # brackets alone add no depth


def test_element_limit():
    ok = ",".join(["1"] * P.MAX_ELEMENTS)
    assert len(parse_value(f"[{ok}]")) == P.MAX_ELEMENTS
    with pytest.raises(ParseError, match="too many elements"):
        parse_value(f"[{ok},1]")
    matrix = "[" + ",".join(["[" + ",".join(["1"] * 99) + "]"] * 100) + "]"  # 100 rows + 9,900 entries
    assert len(parse_value(matrix)) == 100
    with pytest.raises(ParseError, match="too many elements"):
        parse_value(matrix[:-1] + ",[" + ",".join(["1"] * 99) + "]]")
    with pytest.raises(ParseError, match="too many elements"):
        answer_from_number([1.0] * (P.MAX_ELEMENTS + 1))


def test_character_limit():
    assert parse_value(" " * (P.MAX_CHARS - 1) + "1") == 1.0
    with pytest.raises(ParseError, match="too long"):
        parse_value(" " * P.MAX_CHARS + "1")


def _with_nodes(n: int) -> str:
    """A list whose syntax tree has exactly ``n`` nodes (counted by ast.walk)."""
    # '[' … ']' costs 3 nodes (Expression, List, Load); an item '---1' 7, '-1' 3, '1' 1
    rest = n - 3
    items = ["---1"] * (rest // 7) + ["-1"] * (rest % 7 // 3) + ["1"] * (rest % 7 % 3)
    text = "[" + ",".join(items) + "]"
    assert sum(1 for _ in ast.walk(ast.parse(text, mode="eval"))) == n
    return text


def test_node_limit():
    ok = _with_nodes(P.MAX_NODES)
    assert len(ok) <= P.MAX_CHARS
    assert isinstance(parse_value(ok), list)
    with pytest.raises(ParseError, match="too large"):
        parse_value(_with_nodes(P.MAX_NODES + 1))


def test_tree_depth_limit():
    ok, deep = "-" * (P.MAX_NESTING - 1) + "1", "-" * P.MAX_NESTING + "1"
    assert _depth(ast.parse(ok, mode="eval").body) == P.MAX_NESTING
    assert parse_value(ok) == (-1.0 if (P.MAX_NESTING - 1) % 2 else 1.0)
    with pytest.raises(ParseError, match=f"more than {P.MAX_NESTING} levels"):
        parse_value(deep)
    tower = "**".join(["x"] * P.MAX_NESTING)
    assert _depth(ast.parse(tower, mode="eval").body) == P.MAX_NESTING
    parse_expression(tower)
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_expression(tower + "**x")


def test_text_nesting_limit_is_checked_before_parsing():
    ok, deep = "-" * P.MAX_TEXT_NESTING + "1", "-" * (P.MAX_TEXT_NESTING + 1) + "1"
    assert P.text_nesting(ok) == P.MAX_TEXT_NESTING
    with pytest.raises(ParseError, match=f"more than {P.MAX_NESTING} levels"):  # past the text check, refused by depth
        parse_value(ok)
    with pytest.raises(ParseError, match=f"more than {P.MAX_TEXT_NESTING} brackets"):
        parse_value(deep)


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.sampled_from(["1", "x", "-1", "2.5"]),
                    lambda inner: st.one_of(st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
                                            inner.map(lambda s: f"({s})"), inner.map(lambda s: f"-{s}"),
                                            inner.map(lambda s: f"exp({s})"), st.lists(inner, min_size=1, max_size=3).map(lambda xs: f"[{', '.join(xs)}]")),
                    max_leaves=40))
def test_text_nesting_bounds_the_tree_depth(text):
    assert P.text_nesting(text) + 1 >= _depth(ast.parse(text, mode="eval").body)


def test_formula_number_digit_limit():
    """Exact numbers a formula could produce: at most MAX_NUMBER_DIGITS digits, estimated before computing."""
    assert P.MAX_NUMBER_DIGITS == 1000
    read_formula("x*1e300*1e300*1e300*1e100")  # 300 + 300 + 300 + 100 = 1000 digits: accepted
    with pytest.raises(ParseError, match="number too large"):
        read_formula("x*1e300*1e300*1e300*1e101")
    read_formula("(10*x)**997")  # 997 + log10(997) < 1000
    with pytest.raises(ParseError, match="number too large"):
        read_formula("(10*x)**998")


@pytest.mark.parametrize("text", ["x+((999**999)**999)**999", "x*((2**1000)**1000)**1000", "(x**1000)**1000",
                                  "x*10**300*10**300*10**300*10**300", "exp(exp(exp(exp(5))))*x", "x**exp(exp(exp(exp(5))))",
                                  "max(x, exp(exp(exp(exp(5)))))", "Heaviside(exp(exp(exp(exp(5))))-x)", "abs(x-exp(exp(exp(9))))",
                                  "(2*x)**1000*(2*x)**1000*(2*x)**1000*(2*x)**1000"])
def test_huge_exact_numbers_are_refused_before_they_are_computed(text):
    start = time.process_time()
    with pytest.raises(ParseError):
        read_formula(text)
    assert time.process_time() - start < 2.0  # CPU seconds: a hang guard, not a benchmark


def test_formula_character_limit():
    text = "x*(1+x)"
    text = (text + " " * P.MAX_FORMULA_CHARS)[: P.MAX_FORMULA_CHARS]
    read_formula(text)
    with pytest.raises(ParseError, match="too long"):
        read_formula("x" * (P.MAX_FORMULA_CHARS + 1))


def test_name_length_limit_in_formulas():
    read_formula("a" * P.NAME_RE_MAX)
    with pytest.raises(ParseError, match="not allowed"):
        read_formula("a" * (P.NAME_RE_MAX + 1))


# --- refused fast: the examples and oversized input ------------------------------------

@pytest.mark.parametrize("text", [
    "9**9**9", "10**10**10", "2**100000", "(" * 5000 + "1" + ")" * 5000, "[" + "1," * 10_001 + "1]",
    "1" * 100, "x" * 50_000, "[[[[[1]]]]]", "exp(1000)", "1/0", "(-8)**(1/3)", "-" * 1500 + "1",
    "**".join(["1"] * 2000), "+".join(["1"] * 10_000), "~" * 5000 + "1", "not " * 4000 + "1", "x" * 10**7,
    "[" * 3000 + "]" * 3000, "(" * 201 + "1" + ")" * 201, "1" + "\x00", "１２", "٣", "[" + "1e308," * 2000 + "1e309]",
    ".".join(["a"] * 5000), "f" + "(1)" * 5000,
], ids=lambda t: f"{t[:20]!r}…{len(t)}")
def test_refuses_oversized_or_deep_input_quickly(text):
    for parse in (parse_value, parse_answer, parse_expression):
        start = time.process_time()
        with pytest.raises(ParseError):
            parse(text)
        assert time.process_time() - start < 2.0  # CPU seconds: a hang guard far above the ~ms it takes


def test_refuses_giant_expression_quickly():
    start = time.process_time()
    for text in ("x**(9**9**9)", "x**100000", "(" * 150 + "x" + ")" * 150 + "**9**9", "x" * 30_000):
        with pytest.raises(ParseError):
            parse_expression(text)
    assert time.process_time() - start < 4.0  # CPU seconds: a hang guard


def _largest_list() -> str:
    per = (P.MAX_CHARS - 2) // P.MAX_ELEMENTS - 2
    return "[" + ", ".join("-1." + "2" * (per - 3) for _ in range(P.MAX_ELEMENTS)) + "]"


def test_largest_accepted_input_parses_fast():
    text = _largest_list()
    assert len(text) <= P.MAX_CHARS
    for parse in (parse_value, lambda t: parse_answer(t).value):
        start = time.process_time()
        assert len(parse(text)) == P.MAX_ELEMENTS
        assert time.process_time() - start < 4.0  # ~0.1 s here; quadratic parsing took over a minute


def test_parsing_is_linear():
    """Four times the numbers take about four times as long (quadratic parsing: sixteen)."""
    def best(n: int) -> float:
        text = "[" + ", ".join(f"{i * 0.37 % 5:.4f}" for i in range(n)) + "]"
        times = []
        for _ in range(3):
            start = time.process_time()
            parse_answer(text)
            times.append(time.process_time() - start)
        return min(times)
    small, large = best(2000), best(8000)
    assert large / small < 8, (small, large)


def test_literal_text_is_not_found_by_resplitting_the_source(monkeypatch):
    def slow(*args, **kwargs):
        raise AssertionError("ast.get_source_segment splits the whole source for every literal")
    monkeypatch.setattr(ast, "get_source_segment", slow)
    assert parse_answer("[0.10, 0.2]").decimals == [2, 1]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["1.5", "-0.25", "1e-3", "é", "x", "(", ")", ",", "\n", "\r\n", " ", "exp(", "[", "]", "+", "**", "0x1f", "2_0.5", "'ß'"]),
                min_size=1, max_size=30).map("".join))
def test_source_segments_match_the_standard_library(text):
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError):
        return
    source = P._Source(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.expr):
            assert source.segment(node) == ast.get_source_segment(text, node)


# --- formulas ----------------------------------------------------------------------------------

def test_expression_is_built_without_sympify():
    w, x, b = sp.symbols("w x b", real=True)
    expr = parse_expression("(1-tanh(w*x+b)**2)*x", ["w", "x", "b"])
    assert expr == (1 - sp.tanh(w * x + b) ** 2) * x


def test_expression_rejects_unknown_names():
    with pytest.raises(ParseError, match="unknown variable"):
        parse_expression("w*y", ["w", "x"])


@pytest.mark.parametrize("text", ["__class__ + x", "x + __x", "_x", "x*__import__", "__builtins__"])
def test_underscore_names_are_refused_in_formulas(text):
    with pytest.raises(ParseError, match="not allowed"):
        parse_expression(text)
    with pytest.raises(ParseError):
        parse_expression(text, ["x", "_x", "__x", "__class__", "__import__", "__builtins__"])


def test_declared_e_is_a_variable_not_eulers_number():
    e, x = sp.Symbol("e", real=True), sp.Symbol("x", real=True)
    assert parse_expression("e*x", ["e", "x"]) == e * x
    assert parse_expression("e*x", ["x"]) == sp.E * x
    assert parse_expression("e*x") == sp.E * x


def test_caret_is_read_as_power_and_said_so():
    x = sp.Symbol("x", real=True)
    f = read_formula("x^2+1", ["x"])
    assert f.expr == x**2 + 1  # binds like **, not like Python's ^ (which would give x^(2+1))
    assert any("'^' read as '**'" in n for n in f.notes)
    assert read_formula("x**2", ["x"]).notes == ()


def test_implicit_product_of_a_declared_variable():
    x, w = sp.Symbol("x", real=True), sp.Symbol("w", real=True)
    f = read_formula("x(1-x)")
    assert f.expr == x * (1 - x) and any("x*(1-x)" in n for n in f.notes)
    assert read_formula("x(1-x)^2").expr == x * (1 - x) ** 2  # x·(1−x)², as written by hand
    assert read_formula("w(x+1)", variables=["w"]).expr == w * (x + 1)
    assert read_formula("w(x+1)", ["w", "x"]).expr == w * (x + 1)
    with pytest.raises(ParseError, match="for a product write w"):
        read_formula("w(x+1)")  # w is declared nowhere: a function name, which is unknown
    with pytest.raises(ParseError, match="not allowed"):
        read_formula("sigmod(x)")


@pytest.mark.parametrize("name", ["nan", "inf", "Infinity", "oo", "zoo", "NaN"])
def test_names_that_read_as_infinity_are_not_variables(name):
    with pytest.raises(ParseError, match="finite"):
        read_formula(f"{name}*x")
    with pytest.raises(ParseError):
        parse_value(name)


def test_function_names_are_not_variables():
    with pytest.raises(ParseError, match="is a function"):
        read_formula("exp + x")


def test_new_functions_in_formulas():
    x = sp.Symbol("x", real=True)
    assert parse_expression("erf(x)") == sp.erf(x)
    assert parse_expression("sech(x)") == sp.sech(x)


# --- typed values (TOML) -----------------------------------------------------------------------

@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), [1.0, float("nan")], True, "1", [1, "a"],
                                   10**400, [[1.0], [2.0, 3.0]], None, {"a": 1}])
def test_typed_values_outside_the_bounds_are_refused(value):
    with pytest.raises(ParseError):
        answer_from_number(value)


def test_typed_values_keep_their_decimals():
    assert answer_from_number(0.25).decimals == 2
    assert answer_from_number([[1, 0.5], [2, 0.125]]).decimals == [[0, 1], [0, 3]]


# --- docstring examples and fuzzing ------------------------------------------------------------

def test_docstring_examples_run():
    result = doctest.testmod(P)
    assert result.attempted >= 8 and result.failed == 0


def _finite(value) -> bool:
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return isinstance(value, float) and math.isfinite(value)


EXTREMES = st.sampled_from([1e300, -1e300, 0.0, -0.0, 1e-300, -1e-300, 5e-324, 1.7976931348623157e308, -2.2250738585072014e-308])
NUMBERS = st.one_of(EXTREMES, st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**39, 10**39))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80) | st.text(alphabet="0123456789.e+-*/()[], ^_xpi\x00é١", max_size=80))
def test_never_crashes_on_arbitrary_text(text):
    """Arbitrary text: a finite value or the project's input error, never anything else."""
    for parse in (parse_value, lambda t: parse_answer(t).value):
        try:
            value = parse(text)
        except ParseError:
            continue
        assert _finite(value), (text, value)
    try:
        expr = read_formula(text).expr
    except ParseError:
        return
    assert not expr.has(sp.zoo, sp.oo, sp.nan, -sp.oo), text


@settings(max_examples=200, deadline=None)
@given(st.recursive(NUMBERS, lambda inner: st.lists(inner, max_size=6), max_leaves=60))
def test_round_trips_extreme_values_and_structures(value):
    """repr of nested lists of extreme numbers: read back exactly, or refused as too deep/ragged."""
    text = repr(value)
    try:
        got = parse_value(text)
    except ParseError:
        return
    assert _finite(got)
    assert got == _as_floats(value)
    assert parse_answer(text).value == got


def _as_floats(v):
    return [_as_floats(x) for x in v] if isinstance(v, list) else float(v)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 400), st.sampled_from(["[", "(", "-", "+", "exp(", "-(", "1**"]))
def test_deep_structures_are_refused_or_read(depth, opener):
    closer = {"[": "]", "(": ")", "exp(": ")", "-(": ")"}.get(opener, "")
    text = opener * depth + "1" + closer * depth
    for parse in (parse_value, lambda t: parse_answer(t).value, lambda t: float(parse_expression(t))):
        try:
            value = parse(text)
        except ParseError:
            continue
        assert _finite(value) or isinstance(value, list)


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.one_of(NUMBERS, st.sampled_from([float("inf"), float("nan"), True, "x", None])),
                    lambda inner: st.lists(inner, max_size=5), max_leaves=40))
def test_typed_values_never_crash(value):
    try:
        answer = answer_from_number(value)
    except ParseError:
        return
    assert _finite(answer.value) or answer.value == []


# --- the limits are the documented ones ---------------------------------------------------------

def _documented_parser_limits() -> dict[str, int]:
    """``{MAX_NAME: number}`` from the Parser table of docs/limits.md (the contract the tests above
    exercise at the module's own constants: this pins the constants to the documented values)."""
    from tests.conftest import ROOT
    text = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8").split("## Parser", 1)[1].split("\n## ", 1)[0]
    found = {}
    for row in text.splitlines():
        cells = row.split(" | ")
        m = re.search(r"`(MAX_\w+)", row)
        if m and len(cells) >= 3:
            found[m.group(1)] = int(re.search(r"\d[\d,]*", cells[1]).group().replace(",", ""))
    return found


def test_the_parser_limits_are_the_documented_ones():
    documented = _documented_parser_limits()
    assert set(documented) == {n for n in dir(P) if n.startswith("MAX_")}
    assert {n: getattr(P, n) for n in documented} == documented
    assert P.NAME_RE_MAX == 40  # "variable names in formulas: at most 40 characters"


def test_choice_answers_up_to_100_characters():
    assert parse_answer("x" * 100, "choice").value == "x" * 100
    with pytest.raises(ParseError, match="at most 100 characters"):
        parse_answer("x" * 101, "choice")


@pytest.mark.parametrize("call", [lambda: parse_value(3), lambda: parse_answer(None), lambda: parse_answer(2, "choice"),
                                  lambda: read_formula(["x"])])
def test_only_text_is_read(call):
    with pytest.raises(ParseError, match="expected text"):
        call()


def test_max_and_min_take_up_to_eight_numbers_and_four_formula_arguments():
    assert parse_value("max(1, 2, 3, 4, 5, 6, 7, 8)") == 8.0 and parse_value("min(8, 7, 6, 5, 4, 3, 2, 1)") == 1.0
    for name in ("max", "min"):
        with pytest.raises(ParseError, match="one or a few numbers"):
            parse_value(f"{name}(1, 2, 3, 4, 5, 6, 7, 8, 9)")
        assert read_formula(f"{name}(x, 1, 2, 3)").expr is not None
        with pytest.raises(ParseError, match="one to 4 arguments"):
            read_formula(f"{name}(x, 1, 2, 3, 4)")
    with pytest.raises(ParseError, match="one number"):
        parse_value("exp(1, 2)")
    x = sp.Symbol("x", real=True)
    assert read_formula("Heaviside(x, 1)", ["x"]).expr.subs(x, 0) == 1   # H(0) given as the 2nd argument
    with pytest.raises(ParseError, match="one to 2 arguments"):
        read_formula("Heaviside(x, 1, 2)")
    with pytest.raises(ParseError, match="one argument"):
        read_formula("exp(x, 1)")


def test_formula_number_digits_of_decimal_literals():
    """0.1 is exactly 1/10: one digit, so 0.1**1000 could need 1003 > 1000 digits; 0.1**990 fits."""
    read_formula("x*0.1**990", ["x"])
    with pytest.raises(ParseError, match="exact numbers of at most 1000 digits"):
        read_formula("x*0.1**1000", ["x"])
    assert read_formula("x*0.125", ["x"]).expr == sp.Rational(1, 8) * sp.Symbol("x", real=True)
    assert isinstance(read_formula("x*1e-3", ["x"]).expr.args[0], sp.Float)  # written with an exponent: a float


def test_formula_operators_and_calls_outside_the_table_are_refused():
    with pytest.raises(ParseError, match="operator Mod is not allowed in a formula"):
        read_formula("x % 2", ["x"])
    with pytest.raises(ParseError, match="only named functions can be called"):
        read_formula("(x + 1)(2)", ["x"])


def test_heaviside_at_zero_is_one_half_in_the_numbers_check():
    # the float check of a part without variables uses H(0) = 1/2, as SymPy does: so this is a
    # division by zero found before SymPy is asked
    with pytest.raises(ParseError, match="^division by zero$"):
        read_formula("x + 1/(Heaviside(0) - 1/2)", ["x"])


def test_a_failure_inside_sympy_is_a_parse_error(monkeypatch):
    table = P._sympy_functions()

    def broken(*args):
        raise TypeError("SymPy could not build this")
    monkeypatch.setattr(P, "_sympy_functions", lambda: {**table, "exp": broken})
    with pytest.raises(ParseError, match="cannot build 'exp\\(x\\)' as a formula"):
        read_formula("exp(x)", ["x"])


@pytest.mark.parametrize("text, what", [("[x, 1]", "List"), ("not x", "Not"), ("~x", "Invert"), ("x if x else 1", "IfExp")])
def test_formula_nodes_outside_the_whitelist_are_named(text, what):
    with pytest.raises(ParseError, match=f"{what}"):
        read_formula(text, ["x"])


def test_derivative_operator_edges():
    x = sp.Symbol("x", real=True)
    long = "a" * (P.NAME_RE_MAX + 1)
    with pytest.raises(ParseError, match="is not allowed"):
        read_formula(f"d/d{long} {long}", derivatives=True)
    # an unreadable derivation line is reported in the words the user typed, not with the internal '~'
    with pytest.raises(ParseError, match=r"cannot read 'd/dx \(x'") as caught:
        read_formula("d/dx (x", ["x"], derivatives=True)
    assert "~" not in str(caught.value)
    assert read_formula("∂/∂x x**3", ["x"], derivatives=True).expr == sp.Derivative(x**3, x)


@pytest.mark.parametrize("text, depth", [
    ("[1, -2]", 2), ("-(-(1))", 4), ("1+1+1", 2), ("-exp(1)+1", 3), ("(1+1)", 2), ("((1))", 2),
    ("[1, [2, [3]]]", 3), ("1, 2+3", 1), ("(1+2+3, 4)", 3), ("[[1,2],[3,-4]]", 3), ("]1+1", 1),
    ("(((1", 3), ("((1+1", 3), ("(1", 1), ("1+(2", 2), ("-[1", 2),   # brackets left open still count
])
def test_text_nesting_by_hand(text, depth):
    """Worked by the rule in its docstring: a chain of k operators is k above its deepest operand,
    a bracket one above its contents, a comma ends a chain (a stray closer is ignored)."""
    assert P.text_nesting(text) == depth


def test_answers_and_formulas_are_immutable():
    import dataclasses
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_answer("0.5").value = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        read_formula("x").expr = None


_SIGN_AND_STEP = [("sign(2)", 1), ("sign(0.5)", 1), ("sign(0)", 0), ("sign(-0.5)", -1), ("sign(-2)", -1),
                  ("Heaviside(2)", 1), ("Heaviside(0.5)", 1), ("Heaviside(0)", 0.5), ("Heaviside(-0.5)", 0),
                  ("Heaviside(-2)", 0), ("Heaviside(0, 1)", 1), ("Heaviside(0, 0)", 0)]


@pytest.mark.parametrize("text, value", _SIGN_AND_STEP)
def test_sign_and_step_values_in_the_float_check(text, value):
    """A part without variables is evaluated in floats first; exp(a·v) overflows exactly when
    a·v > 709.78, so four factors read v back: v ≥ 1, v ≥ 1/2, v ≤ −1/2, v ≤ −1."""
    for factor, overflows in ((710, value >= 1), (1420, value >= 0.5), (-1420, value <= -0.5), (-710, value <= -1)):
        formula = f"x*exp({factor}*{text})"
        if overflows:
            with pytest.raises(ParseError, match="too large"):
                read_formula(formula, ["x"])
        else:
            read_formula(formula, ["x"])


def test_empty_input_is_named():
    for text in ("", "   ", "\n\t"):
        with pytest.raises(ParseError, match="^empty input$"):
            parse_value(text)


def test_unreadable_text_is_quoted_up_to_40_characters():
    whole = "(" + "1" * 39                      # 40 characters, a bracket left open
    with pytest.raises(ParseError) as caught:
        parse_value(whole)
    assert f"cannot read {whole!r}" in str(caught.value)
    longer = "(" + "1" * 40                     # 41: the first 37 and '...'
    with pytest.raises(ParseError) as caught:
        parse_value(longer)
    assert f"cannot read {longer[:37] + '...'!r}" in str(caught.value)


@pytest.mark.parametrize("text, decimals", [
    ("1.5E-10", 11), ("1.5e-10", 11), ("0.12_5", 3), ("1e-3", 3), ("1E-3", 3), ("5e2", 0), ("1.5e3", 0),
    ("1.25e1", 1), ("-2.50e0", 2), ("[1e-2, 2.5E1]", [2, 0]),
])
def test_decimals_written_with_exponents_and_underscores(text, decimals):
    """The places a number was written to, counted by hand: 1.5E-10 = 0.00000000015 (11 places)."""
    assert parse_answer(text).decimals == decimals


def test_typed_numbers_count_places_from_their_shortest_form():
    assert answer_from_number(0.00001).decimals == 5       # repr '1e-05'
    assert answer_from_number(1.5e20).decimals == 0        # repr '1.5e+20'
    assert answer_from_number(-0.125).decimals == 3


@pytest.mark.parametrize("text, message", [
    ("foo + 1", "unknown name 'foo'"), ("[1] + 1", "a list cannot be used inside arithmetic"),
    ("2 ^ 3", r"'\^' is not a power here; write \*\*"), ("1e200 ** 2", r"number too large \(at most ±1.8e308\)"),
    ("foo(1)", "function 'foo' is not allowed"), ("[[[1, 2], [3]], [[1, 2], [3, 4]]]", "equal length"),
])
def test_numbers_refused_with_their_reason(text, message):
    with pytest.raises(ParseError, match=message):
        parse_value(text)
    with pytest.raises(ParseError, match=message):
        parse_answer(text)


def test_typed_values_at_their_bounds():
    assert len(answer_from_number([0.5] * P.MAX_ELEMENTS).value) == 10_000
    with pytest.raises(ParseError, match="too many elements"):
        answer_from_number([0.5] * (P.MAX_ELEMENTS + 1))
    assert answer_from_number([[[[1.0]]]]).value == [[[[1.0]]]]           # 4 levels
    with pytest.raises(ParseError, match="nested too deeply"):
        answer_from_number([[[[[1.0]]]]])
    with pytest.raises(ParseError, match="equal length"):
        answer_from_number([[1.0, 2.0], [3.0]])


def test_each_sum_adds_log10_2_to_the_digit_estimate():
    """D((11x)^957) = 957·log10(11) + log10(957) ≈ 999.59; each + adds log10 2 ≈ 0.30 (a sum of two
    numbers of D digits has at most D + log10 2): one sum fits under 1000, two do not."""
    read_formula("(11*x)**957 + 1", ["x"])
    with pytest.raises(ParseError, match="exact numbers of at most 1000 digits"):
        read_formula("(11*x)**957 + 1 + 1", ["x"])


def test_typed_integers_up_to_40_digits():
    assert answer_from_number(10**40 - 1).value == float(10**40 - 1)
    assert answer_from_number(-(10**40 - 1)).value == -float(10**40 - 1)
    with pytest.raises(ParseError, match="number too long"):
        answer_from_number(10**40)


def test_digit_estimate_of_products_powers_calls_and_zero():
    """D((11x)^957) ≈ 999.59 (see above): a product adds the factors' digits (·2 fits, ·10 does not;
    0 has none), a power of 1 adds log10 1 = 0, max() has its largest argument's digits."""
    read_formula("(11*x)**957 * 2", ["x"])
    read_formula("(11*x)**957 * 0", ["x"])
    read_formula("((11*x)**957 + 1)**1", ["x"])
    for text in ("(11*x)**957 * 10", "max((11*x)**957 + 1, 1) + 1"):
        with pytest.raises(ParseError, match="exact numbers of at most 1000 digits"):
            read_formula(text, ["x"])


def test_notes_and_tilde():
    assert read_formula("x(1-x)**2", ["x"]).notes == ("'x(1-x)' read as x*(1-x)",)
    with pytest.raises(ParseError, match="'~' is not allowed"):
        read_formula("~x", ["x"], derivatives=True)


def test_more_nesting_and_derivative_names_by_hand():
    assert P.text_nesting("[-(1), 2]") == 3      # the chain -(1) (one operator over a group) ends at the comma
    name = "a" * P.NAME_RE_MAX                    # 40 characters: allowed after d/d too
    x = sp.Symbol(name, real=True)
    assert read_formula(f"d/d{name} {name}**2", derivatives=True).expr == sp.Derivative(x**2, x)
    y = sp.Symbol("x", real=True)
    # d/dx binds one term, and the literal after it is read from the right place of the text: 1/2
    assert read_formula("d/dx 0.5*x**2", ["x"], derivatives=True).expr == y**2 * sp.Derivative(sp.Rational(1, 2), y)


def test_digit_estimate_of_a_power_with_a_variable_exponent():
    """With a variable exponent the estimate is D(base) + D(exponent): 999.89 + 1 (the 10) > 1000."""
    read_formula("((11*x)**957)**y", ["x", "y"])
    with pytest.raises(ParseError, match="exact numbers of at most 1000 digits"):
        read_formula("((11*x)**957 + 1)**(10*y)", ["x", "y"])
