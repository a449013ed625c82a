"""``chainrule check derivation``: hand derivations checked line by line (issue 16).

The bundled examples in docs/derivations/ are checked two ways: the checker must pass every
line of each correct one, and an independent path (the project's float evaluator, no SymPy:
central differences of f, SciPy quadrature for the KL integral) must agree with each one's last
line. Each mistaken twin must be caught at the line its header names, with the slip named.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from derive.derivation_check import check_text
from derive.derivation_reader import read_derivation
from derive.errors import UserError
from derive.parse import ParseError, parse_value, read_formula
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "derivations"
CORRECT = sorted(p for p in EXAMPLES.glob("*.txt") if not p.stem.endswith("-mistake"))

# each mistaken twin: (file, the line of the slip, the catalogue's kind of slip)
TWINS = [
    ("backprop-w5-mistake.txt", 13, "function-for-derivative"),
    ("backprop-w1-mistake.txt", 14, "dropped-term"),
    ("sigmoid-prime-mistake.txt", 7, "sign"),
    ("tanh-prime-mistake.txt", 8, "tanh-prime"),
    ("softmax-cross-entropy-mistake.txt", 10, "sign"),
    ("bce-sigmoid-mistake.txt", 7, "sign"),
    ("kl-gaussian-mistake.txt", 13, "half"),
    ("gan-optimal-discriminator-mistake.txt", 6, "sign"),
    ("lstm-forget-gate-mistake.txt", 10, "tanh-prime"),
    ("attention-dv-mistake.txt", 10, "dropped-term"),
]


def test_every_example_has_a_mistaken_twin() -> None:
    names = {p.name for p in EXAMPLES.glob("*.txt")}
    assert len(CORRECT) == 10
    assert {f"{p.stem}-mistake.txt" for p in CORRECT} == {t[0] for t in TWINS} <= names


@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.stem)
def test_correct_examples_pass_every_line(path: Path) -> None:
    report = check_text(path.read_text(encoding="utf-8"), path.name)
    assert report.verdict == "equivalent", [(ln.line, ln.status, ln.reason) for ln in report.lines]
    assert all(ln.status == "equivalent" for ln in report.lines)
    assert report.first_wrong is None and report.exit_status == 0


@pytest.mark.parametrize("name,line,kind", TWINS, ids=[t[0] for t in TWINS])
def test_mistaken_twins_are_caught_at_the_right_line_with_the_right_name(name: str, line: int, kind: str) -> None:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    assert f"(line {line})" in text.splitlines()[0]  # the header says where the slip is
    report = check_text(text, name)
    assert report.verdict == "not-equivalent" and report.exit_status == 1
    assert report.first_wrong == line
    wrong = next(ln for ln in report.lines if ln.line == line)
    assert wrong.slip == kind, (wrong.slip, wrong.diagnosis)
    assert wrong.diagnosis and wrong.counterexample
    assert all(ln.status == "equivalent" for ln in report.lines if ln.line < line)
    # the twin carries its slip on consistently: every later line follows from the one before
    assert all(ln.status == "equivalent" for ln in report.lines if ln.line > line)


# --- the examples' mathematics by an independent path ---------------------------------------

def _numeric_model(text: str) -> tuple[list[tuple[str, str]], str | None, str | None, list[str]]:
    """(definitions in file order, f, wrt, step texts) read with plain string handling."""
    definitions, f, wrt, steps = [], None, None, []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("where:"):
            for part in line[len("where:"):].split(";"):
                name, _, value = part.partition("=")
                definitions.append((name.strip(), value.strip()))
        elif line.startswith("f:"):
            f = line[2:].strip()
        elif line.startswith("wrt:"):
            wrt = line[4:].strip()
        elif line.startswith("="):
            steps.append(line[1:].strip())
    return definitions, f, wrt, steps


def _value(expr: str, definitions: list[tuple[str, str]], point: dict[str, float]) -> float:
    names = dict(point)
    for name, value in definitions:
        names[name] = parse_value(value, names)
    return parse_value(expr, names)


def _base_names(text: str) -> list[str]:
    written = read_derivation(text)
    names = {s.name for s in written.function.free_symbols} if written.function is not None else set()
    for value in written.definitions.values():
        names |= {s.name for s in value.free_symbols}
    return sorted(names - set(written.definitions))


@pytest.mark.parametrize("path", [p for p in CORRECT if p.stem not in ("kl-gaussian", "gan-optimal-discriminator")], ids=lambda p: p.stem)
def test_last_lines_match_central_differences(path: Path) -> None:
    """The closed form on each example's last line is ∂f/∂wrt (float central differences of f)."""
    text = path.read_text(encoding="utf-8")
    definitions, f, wrt, steps = _numeric_model(text)
    names = _base_names(text)
    for k in range(3):
        point = {n: 0.2 + 0.6 * ((7 * i + 3 * k) % 11) / 11 for i, n in enumerate(names)}
        h = 1e-6
        up = _value(f, definitions, {**point, wrt: point[wrt] + h})
        down = _value(f, definitions, {**point, wrt: point[wrt] - h})
        slope = (up - down) / (2 * h)
        assert _value(steps[-1], definitions, point) == pytest.approx(slope, rel=1e-5, abs=1e-8)


def test_gan_discriminator_is_stationary_at_p_over_p_plus_q() -> None:
    definitions, f, _, _ = _numeric_model((EXAMPLES / "gan-optimal-discriminator.txt").read_text(encoding="utf-8"))
    for p, q in ((0.3, 0.9), (1.2, 0.4)):
        d = p / (p + q)
        values = [_value(f, definitions, {"p": p, "q": q, "D": d + s}) for s in (-1e-3, 0.0, 1e-3)]
        assert values[1] > values[0] and values[1] > values[2]  # a maximum


def test_kl_closed_form_matches_the_integral() -> None:
    from scipy import integrate, stats
    definitions, f, _, steps = _numeric_model((EXAMPLES / "kl-gaussian.txt").read_text(encoding="utf-8"))
    for mu, s in ((0.3, 0.7), (-1.1, 1.8)):
        q, p = stats.norm(mu, s), stats.norm(0, 1)
        kl, _ = integrate.quad(lambda x: q.pdf(x) * (q.logpdf(x) - p.logpdf(x)), -30, 30)
        assert _value(steps[-1], [], {"mu": mu, "s": s}) == pytest.approx(kl, rel=1e-7)
        # the file's integrand, log q − log p from its definitions, is the one integrated above
        for x in (-0.4, 1.3):
            integrand = _value("log_q - log_p", definitions, {"mu": mu, "s": s, "x": x})
            assert integrand == pytest.approx(q.logpdf(x) - p.logpdf(x), rel=1e-9)


# --- the parser's derivative operator -------------------------------------------------------

def test_derivative_operator_binds_one_term() -> None:
    import sympy as sp
    x, y = sp.symbols("x y", real=True)
    assert read_formula("d/dx x**2 * y", derivatives=True).expr == y * sp.Derivative(x**2, x)
    assert read_formula("d/dx (x*y) + ∂/∂y y", derivatives=True).expr == sp.Derivative(x * y, x) + sp.Derivative(y, y)
    assert read_formula("-d/dx d/dx x**3", derivatives=True).expr == -sp.Derivative(x**3, x, x)


@pytest.mark.parametrize("text", ["d/dx x", "~x", "x ~ y"])
def test_derivative_operator_is_opt_in_and_tilde_is_refused(text: str) -> None:
    with pytest.raises(ParseError):
        read_formula(text) if "d/d" in text else read_formula(text, derivatives=True)


def test_derivative_by_an_unknown_variable_is_refused() -> None:
    with pytest.raises(ParseError, match="unknown variable 'q'"):
        read_formula("d/dq x", ["x"], derivatives=True)


# --- reading --------------------------------------------------------------------------------

@pytest.mark.parametrize("text,message", [
    ("", "no steps"),
    ("# only a comment\n", "no steps"),
    ("f: x**2\nwrt: x\n", "no steps"),
    ("x**2\n", "nothing to compare"),
    ("wrt: x\n= 2*x\n", "needs 'f:'"),
    ("f: x**2\nwrt: y\n= 2*x\n", "does not appear"),
    ("f: x**2\nwrt: x\n= 2*x\nwhere: a = 1\n", "before the first step"),
    ("f: x**2\nwrt: x\n2*x\n", "starts with '='"),
    ("where: a = b; b = a\nf: a\nwrt: a\n= 1\n", "in terms of itself"),
    ("where: a = 1; a = 2\nf: a*x\n= x\n", "defined twice"),
    ("where: exp = 2\nf: x\n= x\n", "is a function"),
    ("where: pi = 2\nf: x\n= x\n", "constant"),
    ("f: x**2\nwrt: x\n= d/dz x**2\n", "unknown variable 'z'"),
    ("= x\n= d/dz x\n", "not a variable of this derivation"),
    ("f: x\n= x + y\n", "unknown variable 'y'"),
    ("f: x**2\nwrt: x\n= 2*x\nat: x = 1\n", "followed by a step"),
    ("f: x\n= __import__('os')\n", "not allowed"),
])
def test_bad_derivations_are_refused_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(UserError, match=re.escape(message)):
        check_text(text)


def test_definitions_give_textbook_partial_derivatives() -> None:
    text = "where: out = sigmoid(net); net = w*x + b\nf: 0.5*(t - out)**2\nwrt: w\n" \
           "= (out - t) * d/dnet out * d/dw net\n= (out - t) * out*(1 - out) * x\n"
    report = check_text(text)
    assert [ln.status for ln in report.lines] == ["equivalent", "equivalent"]


def test_expectation_under_a_normal_uses_its_moments() -> None:
    from derive.derivation_algebra import normal_moment
    import sympy as sp
    m, s = sp.Rational(3, 10), sp.Rational(7, 10)
    for k, expected in ((1, m), (2, m**2 + s**2), (3, m**3 + 3 * m * s**2), (4, m**4 + 6 * m**2 * s**2 + 3 * s**4)):
        assert normal_moment(k, m, s) == expected
    report = check_text("expect: x ~ normal(mu, s)\nf: E(x**3)\n= mu**3 + 3*mu*s**2\n= mu**3 + 3*mu*s\n")
    assert [ln.status for ln in report.lines] == ["equivalent", "not-equivalent"]
    with pytest.raises(UserError, match="not a polynomial in x"):
        check_text("expect: x ~ normal(mu, s)\nf: E(exp(x))\n= exp(mu + s**2/2)\n")
    undecided = check_text("expect: x ~ normal(mu, s)\nexp(mu + s**2/2)\n= E(exp(x))\n")
    assert undecided.lines[1].status == "undecided" and "not a polynomial" in undecided.lines[1].reason


def test_a_chain_without_f_starts_at_its_first_line() -> None:
    report = check_text("(a + b)**2\n= a**2 + 2*a*b + b**2\n= a**2 + b**2\n")
    assert [ln.status for ln in report.lines] == ["start", "equivalent", "not-equivalent"]
    assert report.lines[2].difference and "2·a·b" in report.lines[2].difference.replace("*", "·")


def test_an_undecidable_line_is_undecided_not_a_verdict() -> None:
    report = check_text("f: sqrt(-1 - x**2)\n= 2*sqrt(-1 - x**2)\n")  # defined nowhere on the reals
    assert report.lines[0].status == "undecided" and report.exit_status == 2


def test_a_line_out_of_time_is_undecided(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import derive.derivation_check as dc
    monkeypatch.setattr(dc, "SECONDS_PER_LINE", 0.0)
    start = time.process_time()
    with pytest.raises(UserError, match="too complex"):  # even f cannot be differentiated in no time
        check_text("f: x**2\nwrt: x\n= 2*x\n")
    report = check_text("x**2\n= x*x\n= x**2\n")
    assert {ln.status for ln in report.lines} == {"undecided"} and report.exit_status == 2
    assert time.process_time() - start < 30  # a hang guard, not a speed test


# --- the command ----------------------------------------------------------------------------

def test_cli_exit_status_and_json_one_entry_per_line() -> None:
    ok = run_cli("check", "derivation", str(EXAMPLES / "bce-sigmoid.txt"), "--format", "json")
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert data["verdict"] == "equivalent" and data["first_wrong"] is None
    assert [e["line"] for e in data["lines"]] == [5, 6, 7, 8]
    assert all({"status", "reason", "diagnosis"} <= set(e) for e in data["lines"])
    bad = run_cli("check", "derivation", str(EXAMPLES / "bce-sigmoid-mistake.txt"), "--format", "json")
    assert bad.returncode == 1 and bad.stderr == ""
    data = json.loads(bad.stdout)
    assert data["first_wrong"] == 7
    entry = next(e for e in data["lines"] if e["line"] == 7)
    assert entry["status"] == "not-equivalent" and entry["slip"] == "sign" and entry["diagnosis"]


def test_cli_reads_stdin_and_refuses_other_options() -> None:
    text = (EXAMPLES / "kl-gaussian.txt").read_text(encoding="utf-8")
    assert run_cli("check", "derivation", "-", "--format", "text", input=text).returncode == 0
    refused = run_cli("check", "derivation", "-", "--f", "x", input=text)
    assert refused.returncode == 2 and refused.stderr.startswith("chainrule: error: --f:")
    missing = run_cli("check", "derivation")
    assert missing.returncode == 2 and "derivation file" in missing.stderr


def test_cli_undecided_gives_exit_2_and_one_line() -> None:
    result = run_cli("check", "derivation", "-", input="f: sqrt(-1 - x**2)\n= 2*sqrt(-1 - x**2)\n")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "undecided: line 2" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex", "rich"])
def test_every_format_shows_each_line_and_the_slip(fmt: str) -> None:
    result = run_cli("check", "derivation", str(EXAMPLES / "tanh-prime-mistake.txt"), "--format", fmt)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "line 8" in out and "tanh-prime" in out and "first wrong line: 8" in out
    for n in (5, 6, 7):
        assert f"line {n}" in out
    if fmt == "latex":
        assert out.startswith("\\documentclass") and "\\checkmark" in out
    else:
        assert "✓" in out and "✗" in out


def test_output_is_deterministic() -> None:
    args = ("check", "derivation", str(EXAMPLES / "softmax-cross-entropy-mistake.txt"), "--format", "json")
    assert run_cli(*args).stdout == run_cli(*args).stdout


def test_values_in_reasons_are_finite() -> None:
    out = run_cli("check", "derivation", str(EXAMPLES / "attention-dv-mistake.txt"), "--format", "json").stdout
    assert not re.search(r"\b(nan|inf)\b", out, re.IGNORECASE)
    assert all(math.isfinite(v) for e in json.loads(out)["lines"] for v in (e["counterexample"] or {}).values())


def test_readme_shows_real_output() -> None:
    """The README's check derivation examples are what the command prints (exit status as noted)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```text\n\$ chainrule (check derivation \S+ --format text)\s+# exit (\d)\n(.*?)```", readme, flags=re.S)
    assert len(blocks) == 2
    for command, status, shown in blocks:
        result = run_cli(*command.split())
        assert result.returncode == int(status)
        assert result.stdout.strip() == shown.strip()


def test_greek_textbook_names() -> None:
    text = "where: out = sigmoid(net); net = w*x + b; δ = (out - t)*out*(1 - out)\nf: 0.5*(t - out)**2\nwrt: w\n= δ * x\n= δ * d/dw net\n"
    assert [ln.status for ln in check_text(text).lines] == ["equivalent", "equivalent"]


def test_python_api_matches_the_cli_and_displays_in_notebooks() -> None:
    import derive
    path = EXAMPLES / "sigmoid-prime-mistake.txt"
    report = derive.check_derivation(str(path))
    assert report.exit_status == 1 and report.first_wrong == 7
    assert json.loads(report.to_json()) == json.loads(run_cli("check", "derivation", str(path), "--format", "json").stdout)
    html = report._repr_html_()
    if html is not None:  # latex2mathml installed
        assert "<math" in html and "&lt;math" not in html
    with pytest.raises(UserError, match="derivation file"):
        derive.check_derivation(None)


@pytest.mark.parametrize("text,line,kind", [
    # the first step against ∂f/∂wrt
    ("f: sigmoid(w*x + b)\nwrt: w\n= sigmoid(w*x + b)*(1 - sigmoid(w*x + b))\n", 3, "chain-factor"),
    ("f: (w*x - t)**3\nwrt: w\n= 3*(w*x - t)**3*x\n", 3, "wrong-power"),
    ("f: 0.5*(t - w*x)**2\nwrt: w\n= 2*(w*x - t)*x\n", 3, "half"),
    ("f: sigmoid(w*x)\nwrt: w\n= sigmoid(w*x)*(1 + sigmoid(w*x))*x\n", 3, "derivative-form"),
    ("f: w*x**2\nwrt: w\n= 2*w*x\n", 3, "wrong-variable"),
    ("f: tanh(w*x)\nwrt: w\n= (1 - tanh(w*x))*x\n", 3, "tanh-prime"),
    # a later step against the line before
    ("f: 0.5*(t - o)**2\nwrt: o\n= (t - o) * d/do (t - o)\n= (t - o)\n", 4, "sign"),
    ("f: exp(w*x)\nwrt: w\n= d/dw exp(w*x)\n= exp(w*x)\n", 4, "chain-factor"),
    ("where: u = w*x\nf: u**4\nwrt: w\n= d/du u**4 * d/dw u\n= 4*u**4*x\n", 5, "wrong-power"),
    ("f: x**2*y\nwrt: x\n= 2*x*y\n= 2*x\n", 4, "dropped-factor"),
    ("f: x**2 + x\nwrt: x\n= 2*x + 1\n= 2*x\n", 4, "dropped-term"),
    ("f: x**4\nwrt: x\n= 4*x**3\n= 4*x**2\n", 4, "wrong-power"),
    ("where: s = sigmoid(z)\nf: s\nwrt: z\n= s*(1 - s)\n= s\n", 5, "function-for-derivative"),
])
def test_each_catalogued_slip_is_named(text: str, line: int, kind: str) -> None:
    report = check_text(text)
    assert report.first_wrong == line
    wrong = next(ln for ln in report.lines if ln.line == line)
    assert wrong.slip == kind, (wrong.slip, wrong.diagnosis)


SIGMOID_UNIT = "f: 0.5*(t - out)**2\nwrt: w\nwhere: out = sigmoid(net); net = w*x + b\n"


def test_textbook_labels_before_a_step_are_read_as_the_step() -> None:
    labelled = check_text(SIGMOID_UNIT + "∂E/∂w = (out - t) * d/dw out\n      = (out - t) * out*(1 - out) * x\n")
    plain = check_text(SIGMOID_UNIT + "= (out - t) * d/dw out\n= (out - t) * out*(1 - out) * x\n")
    assert [ln.status for ln in labelled.lines] == [ln.status for ln in plain.lines]
    assert labelled.exit_status == 0 and all(ln.status == "equivalent" for ln in labelled.lines)
    wrong = check_text(SIGMOID_UNIT + "dE/dw = (out - t) * out * x\n")  # σ for σ′: still caught under a label
    assert wrong.exit_status == 1 and wrong.lines[0].status == "not-equivalent"
    chain = check_text("where: out = sigmoid(net); net = w*x + b\ndE/dw = (out - t)*out*(1 - out)*x\n"
                       "dE/dw = (out - t)*out*x\n")  # no f: the first labelled line starts the chain
    assert [ln.status for ln in chain.lines] == ["start", "not-equivalent"]


def test_a_label_by_another_variable_than_wrt_is_refused() -> None:
    with pytest.raises(UserError, match=r"the label ∂E/∂b differentiates by 'b', but 'wrt:' is 'w'") as exc:
        check_text(SIGMOID_UNIT + "∂E/∂b = (out - t) * out*(1 - out)\n")
    assert exc.value.arg == "FILE:4"  # the line is named
