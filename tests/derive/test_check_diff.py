"""``chainrule check diff``: equivalent forms accepted, wrong ones refuted with a real counterexample,
honest "unknown", known slips diagnosed, hostile input refused, CLI exit codes, determinism."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.cpu_time import cpu_seconds
from hypothesis import HealthCheck, given, settings, strategies as st

from derive.check_diff import check_derivative
from derive.errors import UserError
from tests.conftest import ROOT, run_cli

SAFE = {"exp": math.exp, "log": math.log, "sqrt": math.sqrt, "tanh": math.tanh, "sin": math.sin, "cos": math.cos,
        "sigmoid": lambda v: 1 / (1 + math.exp(-v)), "relu": lambda v: max(v, 0.0), "Heaviside": lambda v: float(v > 0),
        "erf": math.erf, "sech": lambda v: 1 / math.cosh(v), "cosh": math.cosh, "sinh": math.sinh, "atan": math.atan, "arctan": math.atan, "pi": math.pi, "sign": lambda v: float(v > 0) - float(v < 0),
        "abs": abs, "max": max}


def _num(text: str, point: dict[str, float]) -> float:
    """Evaluate a test's own formula text with plain Python math (the test's independent path)."""
    return float(eval(text, {"__builtins__": {}}, {**SAFE, **point}))  # noqa: S307 - test-authored text only


def _fd(text: str, wrt: str, point: dict[str, float], h: float = 1e-6) -> float:
    up, down = dict(point), dict(point)
    up[wrt] += h
    down[wrt] -= h
    return (_num(text, up) - _num(text, down)) / (2 * h)


@pytest.mark.parametrize("f, wrt, answer", [
    ("tanh(w*x+b)", "w", "(1-tanh(w*x+b)**2)*x"),
    ("tanh(w*x+b)", "w", "x*(1-tanh(w*x+b))*(1+tanh(w*x+b))"),
    ("tanh(w*x+b)", "w", "4*x*exp(2*(w*x+b))/(exp(2*(w*x+b))+1)**2"),
    ("sigmoid(w*x)", "w", "x*sigmoid(w*x)*(1-sigmoid(w*x))"),
    ("sigmoid(w*x)", "w", "x*exp(-w*x)/(1+exp(-w*x))**2"),
    ("(t-o)**2/2", "o", "o-t"),
    ("log(x**2+1)", "x", "2*x/(x**2+1)"),
    ("relu(w*x)", "w", "x*Heaviside(w*x)"),
    ("tanh(w*x+b)", "w", "x/cosh(w*x+b)**2"),  # tanh′ = 1/cosh², as many courses write it
    ("sigmoid(w*x)", "w", "x/(4*cosh(w*x/2)**2)"),
    ("log(cosh(w*x))", "w", "x*sinh(w*x)/cosh(w*x)"),
    ("atan(w*x)", "w", "x/(1+(w*x)**2)"),
    ("arctan(x**2)", "x", "2*x/(1+x**4)"),
])
def test_equivalent_forms_are_accepted(f, wrt, answer):
    report = check_derivative(f, wrt, answer)
    assert report.verdict == "equivalent", report.method
    point = {"w": 0.37, "x": -1.21, "b": 0.4, "t": 0.9, "o": 0.2}
    import sympy as sp
    expected = float(report.expected.subs({sp.Symbol(k, real=True): v for k, v in point.items()}))
    assert expected == pytest.approx(_fd(f, wrt, point), abs=1e-6)  # SymPy's derivative vs central differences


@pytest.mark.parametrize("f, wrt, answer, slip", [
    ("tanh(w*x+b)", "w", "1-tanh(w*x+b)**2", "chain factor"),
    ("sigmoid(w*x)", "w", "sigmoid(w*x)*x", "instead of its derivative"),
    ("tanh(w*x)", "w", "(1-tanh(w*x))*x", "1 − tanh²"),
    ("(t-o)**2/2", "o", "t-o", "sign"),
    ("(t-o)**2", "o", "o-t", "half the derivative"),
    ("(t-o)**2/2", "o", "2*(o-t)", "twice the derivative"),
    ("w*x**2", "w", "2*w*x", "with respect to x"),
    ("exp(3*w)", "w", "exp(3*w)", "chain factor"),
    ("w**3*x", "w", "3*w*x", None),
])
def test_wrong_answers_get_a_true_counterexample_and_a_diagnosis(f, wrt, answer, slip):
    report = check_derivative(f, wrt, answer)
    assert report.verdict == "not-equivalent"
    point = dict(report.counterexample)
    assert abs(_num(answer, point) - _fd(f, wrt, point)) > 1e-4  # independently: they really differ there
    if slip:
        assert slip in report.diagnosis
    else:
        assert report.diagnosis is None


def test_unknown_when_no_sampled_point_is_in_the_domain():
    report = check_derivative("sqrt(-x**2-1)", "x", "x")
    assert report.verdict == "unknown"
    assert "[-3, 3], then [0.1, 3]" in report.domain


def test_log_domain_falls_back_to_positive_points():
    report = check_derivative("log(log(x))", "x", "1/(x*log(x))+0.001")
    assert report.verdict == "not-equivalent"
    assert all(v > 0 for v in report.counterexample.values())


@pytest.mark.parametrize("args, arg", [
    (("__import__('os').system('echo hacked')", "x", "1"), "--f"),
    (("x.__class__", "x", "1"), "--f"),
    (("(lambda: 1)()", "x", "1"), "--f"),
    (("x**9**9", "x", "1"), "--f"),
    (("x" + "+x" * 400, "x", "1"), "--f"),
    (("open('/etc/passwd')", "x", "1"), "--f"),
    (("tanh(w*x)", "w", "exec('1')"), "--answer"),
    (("tanh(w*x)", "w", "q*x"), "--answer"),
    (("tanh(w*x)", "q", "x"), "--wrt"),
    (("tanh(w*x)", "__class__", "x"), "--wrt"),
    (("tanh(w*x)", "w x", "x"), "--wrt"),
    (("tanh(w*x", "w", "x"), "--f"),
])
def test_bad_or_hostile_input_is_a_user_error(args, arg):
    with pytest.raises(UserError) as info:
        check_derivative(*args)
    assert info.value.arg == arg


def test_user_text_reaches_only_the_safe_parser():
    import ast
    banned = {"sympify", "parse_expr", "eval", "exec", "S", "compile", "__import__"}
    for path in ("derive/check_diff.py", "derive/analytic/slips.py"):
        for node in ast.walk(ast.parse((ROOT / path).read_text())):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                assert name not in banned, (path, name)


def test_heavy_input_finishes_with_a_verdict():
    report = check_derivative("(x+y+z)**60", "x", "60*(x+y+z)**59")
    assert report.verdict == "equivalent"


def test_deterministic():
    from derive.printing import render
    a = render(check_derivative("tanh(w*x+b)", "w", "1-tanh(w*x+b)**2"), "text")
    b = render(check_derivative("tanh(w*x+b)", "w", "1-tanh(w*x+b)**2"), "text")
    assert a == b


def test_cli_verdicts_and_exit_codes():
    ok = run_cli("check", "diff", "--f", "tanh(w*x+b)", "--wrt", "w", "--answer", "(1-tanh(w*x+b)**2)*x", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["verdict"] == "equivalent"
    wrong = run_cli("check", "diff", "-f", "tanh(w*x+b)", "--wrt", "w", "--answer", "1-tanh(w*x+b)**2")
    assert wrong.returncode == 1 and "not-equivalent" in wrong.stdout and "Differs at" in wrong.stdout
    assert wrong.stderr == ""
    unknown = run_cli("check", "diff", "-f", "sqrt(-x**2-1)", "--answer", "x")
    assert unknown.returncode == 2 and "Verdict: unknown" in unknown.stdout
    assert unknown.stderr.strip().splitlines() == [unknown.stderr.strip()] and "undecided" in unknown.stderr
    for args in (["--f", "__import__('os')", "--wrt", "x", "--answer", "1"], ["--f", "x", "--wrt", "y", "--answer", "1"],
                 ["--f", "x", "--wrt", "x"], ["--f", "x*y", "--answer", "1"], ["--f", "x/0", "--answer", "1"]):
        bad = run_cli("check", "diff", *args)
        assert bad.returncode == 2, bad.stdout
        assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    assert not Path(ROOT / "hacked").exists()


def test_help_documents_the_exit_status_and_short_f():
    out = run_cli("check", "--help")
    text = " ".join(out.stdout.split())
    assert "check diff exits 0 when the derivative is equivalent, 1 when it is not, 2 for bad input" in text
    assert "-f" in text and "--format" in text


def test_short_f_is_the_function_not_the_format():
    out = run_cli("check", "diff", "-f", "tanh(w*x)", "--wrt", "w", "--answer", "x*(1-tanh(w*x)**2)", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["function"] == "tanh(w*x)"
    old = run_cli("derive", "mlp", "-f", "json")  # --format has no short form any more
    assert old.returncode == 2 and "-f" in old.stderr


# --- issue 11: ways of writing that must be accepted -------------------------------------------

@pytest.mark.parametrize("f, wrt, answer", [
    ("x*(1+erf(x/sqrt(2)))/2", "x", "(1+erf(x/sqrt(2)))/2 + x*exp(-x**2/2)/sqrt(2*pi)"),  # exact GELU
    ("tanh(w*x)", "w", "x*sech(w*x)**2"),
    ("tanh(w*x)", "w", "x*sech(w*x)^2"),
    ("x^3", "x", "3x^2".replace("3x", "3*x")),
    ("x(1-x)", None, "1-2*x"),
    ("sigmoid(x)", None, "sigmoid(x)(1-sigmoid(x))".replace(")(", ")*(")),
    ("w(x+1)", "w", "x+1"),
])
def test_new_notations_are_accepted(f, wrt, answer):
    report = check_derivative(f, wrt, answer)
    assert report.verdict == "equivalent", report.method
    var = wrt or "x"
    point = {"w": 0.37, "x": -1.21}
    import sympy as sp
    expected = float(report.expected.subs({sp.Symbol(k, real=True): v for k, v in point.items()}))
    text = f.replace("^", "**").replace("x(1-x)", "x*(1-x)").replace("w(x+1)", "w*(x+1)")
    assert expected == pytest.approx(_fd(text, var, point), abs=1e-6)


def test_how_the_input_was_read_is_shown():
    report = check_derivative("x^2", None, "2x".replace("2x", "2*x"))
    reading = [s for s in report.steps if s.id == "reading"]
    assert reading and "'^' read as '**'" in reading[0].because and reading[0].because.startswith("--f:")
    report = check_derivative("x*(1-x)", "x", "(1-x) - x(1)")
    assert "--answer: 'x(1)' read as x*(1)" in [s for s in report.steps if s.id == "reading"][0].because
    plain = check_derivative("x**2", "x", "2*x")
    assert not [s for s in plain.steps if s.id == "reading"]


def test_wrt_is_optional_with_one_variable():
    assert check_derivative("tanh(x)", None, "1-tanh(x)**2").wrt == "x"
    with pytest.raises(UserError) as info:
        check_derivative("tanh(w*x)", None, "x")
    assert info.value.arg == "--wrt" and "w, x" in str(info.value)
    with pytest.raises(UserError) as info:  # the function became a constant: --f is what to look at
        check_derivative("2+3", None, "0")
    assert info.value.arg == "--f" and "constant 5" in str(info.value) and "--wrt" in str(info.value)
    with pytest.raises(UserError) as info:
        check_derivative("exp(x)*exp(-x)", None, "0")  # SymPy reduces it to 1
    assert info.value.arg == "--f" and "constant 1" in str(info.value)
    for constant in ("pi", "e"):
        with pytest.raises(UserError) as info:
            check_derivative("pi*e", constant, "1")
        assert info.value.arg == "--wrt" and "constant" in str(info.value)


def test_a_constant_has_derivative_zero_with_respect_to_any_variable():
    # d/dx of a constant is 0 whatever x is; with variables present, an absent --wrt stays an error (a typo is likelier)
    assert check_derivative("5", "x", "0").verdict == "equivalent"
    assert check_derivative("2*pi+exp(1)", "w", "0").verdict == "equivalent"
    wrong = check_derivative("5", "x", "1")
    assert wrong.verdict == "not-equivalent" and wrong.domain.startswith("no variables")
    assert "constants differ" in wrong.method and wrong.steps[-1].because.endswith("(both are constants)")
    done = run_cli("check", "diff", "-f", "5", "--wrt", "x", "--answer", "0", "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout)["verdict"] == "equivalent", done.stderr


# --- issue 12 class 9: the functions it documents ------------------------------------------------

@pytest.mark.parametrize("f, answer", [("Heaviside(x)*x", "Heaviside(x)"), ("sign(x)*x", "sign(x)"), ("abs(x)", "sign(x)"),
                                       ("relu(x)*x", "2*relu(x)"), ("max(x, 0)", "Heaviside(x)")])
def test_step_functions_are_differentiated_away_from_the_jump(f, answer):
    report = check_derivative(f, "x", answer)
    assert report.verdict == "equivalent", report.method
    for x in (0.73, -1.4):
        assert float(report.expected.subs(report.expected.free_symbols.pop(), x)) == pytest.approx(_fd(f, "x", {"x": x}), abs=1e-6)


def test_dropped_diracdelta_is_said():
    report = check_derivative("Heaviside(x)*x", "x", "Heaviside(x)")
    derivative = next(s for s in report.steps if s.id == "derivative")
    assert "DiracDelta" in derivative.because


def test_step_function_wrong_answer_is_refuted():
    report = check_derivative("sign(x)*x", "x", "x")
    assert report.verdict == "not-equivalent"
    assert abs(report.counterexample["x"]) > 0


@pytest.mark.parametrize("f", ["x/0", "x*1e400", "log(0)*x", "x**(1/0)", "0**-1*x", "x + 0*log(0)"])
def test_undefined_functions_are_input_errors(f):
    with pytest.raises(UserError) as info:
        check_derivative(f, "x", "1")
    assert info.value.arg == "--f"


def test_undefined_derivative_is_an_input_error():
    with pytest.raises(UserError) as info:
        check_derivative("0**x", "x", "1")
    assert info.value.arg == "--f" and "undefined" in str(info.value)


# --- issue 12 class 2: bounded symbolic work ---------------------------------------------------

@pytest.mark.parametrize("levels", [16, 50, 100])
def test_towers_end_quickly(levels):
    start = cpu_seconds()
    try:
        report = check_derivative("**".join(["x"] * levels), "x", "1")
        assert report.verdict == "not-equivalent"
    except UserError as exc:
        assert exc.arg in ("--f", "check diff")
    assert cpu_seconds() - start < 5.0  # CPU seconds, this process and its children


@pytest.mark.parametrize("f", ["x+((999**999)**999)**999", "x*((2**1000)**1000)**1000", "exp(exp(exp(exp(5))))*x"])
def test_huge_numbers_are_refused_at_once(f):
    import time
    start = time.process_time()
    with pytest.raises(UserError) as info:
        check_derivative(f, "x", "1")
    assert info.value.arg == "--f" and time.process_time() - start < 2.0  # CPU seconds: a hang guard


def test_confirmation_that_cannot_finish_is_too_complex():
    """mpmath would need a 10⁸-bit exponent here; the child is killed at the deadline."""
    from derive import check_diff
    start = cpu_seconds()
    with pytest.raises(UserError, match="too complex to decide in 3 s"):
        check_derivative("x", "x", "2 + exp(-exp(exp(exp(x**2+3))))")
    assert cpu_seconds() - start < check_diff.SECONDS + 1.5  # CPU seconds: the child was stopped at its deadline


def test_exact_rewrites_out_of_time_leave_the_numeric_verdict(monkeypatch, tmp_path):
    from derive.analytic import proof
    from tests.derive.test_bounded import _sleeper, ended
    sleep = _sleeper(tmp_path, 60)
    monkeypatch.setattr(proof, "zero_by", lambda *a, **k: sleep())  # the forked child inherits this
    report = check_derivative("tanh(w*x+b)", "w", "x*(1-tanh(w*x+b))*(1+tanh(w*x+b))")
    assert report.verdict == "equivalent" and report.method.startswith("numeric")
    assert ended(tmp_path)  # the rewrites' child was stopped at its deadline, not waited for


def test_tree_size_counts_shared_parts_each_time():
    import sympy as sp
    from derive.check_diff import tree_size
    x = sp.Symbol("x")
    e = x + 1
    for _ in range(40):
        e = sp.Mul(e, e + 2, evaluate=False)
    assert tree_size(x + 1) == 3
    assert tree_size(e) > 2**40  # shared 40 times over: counted as written out, computed at once


FUNCTIONS = ["exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "softplus", "erf", "sech", "log2",
             "Heaviside", "sign"]
FORMULAS = st.recursive(
    st.sampled_from(["x", "w", "2", "0.5", "-1", "pi", "e", "1e300", "1e-300", "0"]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**", "^"]), inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
        st.tuples(st.sampled_from(FUNCTIONS), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["max", "min"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        inner.map(lambda s: f"x({s})")),
    max_leaves=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMULAS, FORMULAS, st.sampled_from(["x", None]))
def test_fuzzed_formulas_give_a_verdict_or_an_input_error(f, answer, wrt):
    """Random formulas from the function table: a verdict with its exit status, or a UserError; in time."""
    from derive.check_diff import EXIT_STATUS
    start = cpu_seconds()
    try:
        report = check_derivative(f, wrt, answer)
    except UserError as exc:
        assert exc.arg in ("--f", "--answer", "--wrt", "check diff"), exc
    else:
        assert report.verdict in EXIT_STATUS
        if report.counterexample:
            assert all(math.isfinite(v) for v in report.counterexample.values())
    assert cpu_seconds() - start < 6.0  # CPU seconds, this process and its children
