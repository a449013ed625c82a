"""``chainrule check diff``: equivalent forms accepted, wrong ones refuted with a real counterexample,
honest "unknown", known slips diagnosed, hostile input refused, CLI exit codes, determinism."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from derive.check_diff import check_derivative
from derive.errors import UserError
from tests.conftest import ROOT, run_cli

SAFE = {"exp": math.exp, "log": math.log, "sqrt": math.sqrt, "tanh": math.tanh, "sin": math.sin, "cos": math.cos,
        "sigmoid": lambda v: 1 / (1 + math.exp(-v)), "relu": lambda v: max(v, 0.0), "Heaviside": lambda v: float(v > 0)}


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
    wrong = run_cli("check", "diff", "--f", "tanh(w*x+b)", "--wrt", "w", "--answer", "1-tanh(w*x+b)**2")
    assert wrong.returncode == 0 and "not-equivalent" in wrong.stdout and "Differs at" in wrong.stdout
    for args in (["--f", "__import__('os')", "--wrt", "x", "--answer", "1"], ["--f", "x", "--wrt", "y", "--answer", "1"],
                 ["--f", "x", "--wrt", "x"]):
        bad = run_cli("check", "diff", *args)
        assert bad.returncode == 2, bad.stdout
        assert len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    assert not Path(ROOT / "hacked").exists()
