"""The Python API the CLI calls (derive.derive/verify, numeric.train, problems.practice/check):
each returns the document the CLI prints, bad input raises UserError (never SystemExit) with the
CLI's one-line message, nothing prints, and importing the packages loads no heavy library."""

from __future__ import annotations

import subprocess
import sys

import pytest

import derive
import numeric
import problems
from derive.errors import UserError
from derive.printing import render
from tests.conftest import ROOT, run_cli


def printed(*args: str, status: int = 0) -> str:
    """stdout of ``chainrule ARGS``, which exits with ``status`` (1: a check found a wrong step)."""
    out = run_cli(*args)
    assert out.returncode == status, out.stderr
    return out.stdout


def error_line(exc: UserError) -> str:
    """The line the CLI prints for ``exc``."""
    return f"chainrule: error: {exc.arg}: {exc}" if exc.arg else f"chainrule: error: {exc}"


@pytest.mark.parametrize("call, args, fmt", [
    (lambda: derive.derive("mlp"), ["derive", "mlp"], "text"),
    (lambda: derive.derive("lstm", steps=2), ["derive", "lstm", "--steps", "2"], "json"),
    (lambda: derive.derive("mlp", {"sizes": "3,2,1"}, seed=1), ["derive", "mlp", "--set", "sizes=3,2,1", "--seed", "1"], "json"),
    (lambda: derive.derive("mlp", given={"w1": 0.5}), ["derive", "mlp", "--given", "w1=0.5"], "text"),
    (lambda: derive.verify("mlp", hidden=1, points=2), ["verify", "mlp", "--hidden", "1", "--points", "2"], "json"),
    (lambda: numeric.train("xor", epochs=50), ["train", "xor", "--epochs", "50"], "json"),
    (lambda: problems.practice("som", seed=3), ["practice", "som", "--seed", "3"], "text"),
    (lambda: problems.practice(topics=["som", "ttest"], seed=2, count=2, solutions=False),
     ["practice", "--topics", "som,ttest", "--seed", "2", "--count", "2", "--no-solutions"], "json"),
    (lambda: problems.practice("ttest@4", steps=True), ["practice", "ttest@4", "--list-steps"], "text"),
    (lambda: problems.check("ttest@12", answers={"mean": "12.5", "df": 9}),
     ["check", "ttest@12", "--answer", "mean=12.5", "--answer", "df=9"], "json"),
    (lambda: problems.check(problems_type("ttest"), givens={"data": [12, 14, 11, 13, 15], "mu0": 12}, answers={"t": "1.41"}),
     ["check", "ttest", "--given", "data=[12,14,11,13,15]", "--given", "mu0=12", "--answer", "t=1.41"], "text"),
], ids=["derive", "derive-options", "derive-set-seed", "derive-given", "verify", "train", "practice", "practice-topics",
        "practice-steps", "check-id", "check-module-givens"])
def test_the_api_returns_the_document_the_cli_prints(call, args, fmt, capsys):
    doc = call()
    assert capsys.readouterr().out == ""  # pillar code never prints
    assert render(doc, fmt) == printed(*args, "--format", fmt, status=getattr(doc, "exit_status", 0))


def problems_type(name):
    from problems.registry import get
    return get(name)


def test_check_reads_a_toml_answer_file_like_the_cli(tmp_path):
    path = tmp_path / "mywork.toml"
    printed("practice", "som@3", "--out", str(path))
    path.write_text(path.read_text() + 'winner.1 = 2\n')
    report = problems.check("som", toml=path)
    status = int(any(m.status == "incorrect" for m in report.marks))
    assert report.exit_status == status
    assert render(report, "json") == printed("check", "som", str(path), "--format", "json", status=status)
    assert render(problems.check(str(path)), "json") == printed("check", str(path), "--format", "json", status=status)


def test_an_interactive_session_asks_and_says_what_the_cli_shows():
    script = ["?", "0.1", "abc", "1", "q"]
    typed, transcript = iter(script), []

    def ask(prompt: str) -> str:
        transcript.append(prompt)  # input() writes its prompt to stdout, without a newline
        return next(typed)

    report = problems.practice("som@3", ask=ask, say=lambda text: transcript.append(f"{text}\n"))
    cli = run_cli("practice", "som@3", "--interactive", "--format", "text", input="\n".join(script) + "\n")
    assert cli.returncode == 0, cli.stderr
    assert "".join(transcript) + render(report, "text") == cli.stdout


def test_end_of_input_ends_an_interactive_check():
    def ask(prompt: str) -> str:
        raise EOFError

    report = problems.check("ztest@1", ask=ask, say=lambda text: None)
    assert all(m.status == "missing" for m in report.marks)


@pytest.mark.parametrize("call, args", [
    (lambda: derive.derive("nosuch"), ["derive", "nosuch"]),
    (lambda: derive.derive("mlp", steps=3), ["derive", "mlp", "--steps", "3"]),
    (lambda: derive.derive("mlp", {"seed": "1"}), ["derive", "mlp", "--set", "seed=1"]),
    (lambda: derive.verify("mlp", {"backend": "torch"}), ["verify", "mlp", "--set", "backend=torch"]),
    (lambda: numeric.train("xor", device="gpu"), ["train", "xor", "--device", "gpu"]),
    (lambda: numeric.train("nosuch"), ["train", "nosuch"]),
    (lambda: problems.practice("som@x"), ["practice", "som@x"]),
    (lambda: problems.practice("ttest", variant="nope"), ["practice", "ttest", "--variant", "nope"]),
    (lambda: problems.practice(), ["practice"]),
    (lambda: problems.check("som@3", answers={"nosuchstep": "1"}), ["check", "som@3", "--answer", "nosuchstep=1"]),
    (lambda: problems.check("/nonexistent.toml"), ["check", "/nonexistent.toml"]),
    (lambda: problems.check("som"), ["check", "som"]),
], ids=["topic", "option", "set-clash", "verify-set", "device", "model", "exercise-id", "variant", "no-topic", "step",
        "file", "givens"])
def test_bad_input_raises_user_error_with_the_cli_message(call, args):
    with pytest.raises(UserError) as caught:
        call()
    out = run_cli(*args)
    assert out.returncode == 2
    assert error_line(caught.value) == out.stderr.strip()


def test_api_only_checks_name_the_argument():
    with pytest.raises(UserError, match="expected one of numpy, torch, got 'jax'"):
        derive.verify("mlp", backend="jax")
    with pytest.raises(UserError) as caught:
        numeric.train("xor", device="cuda")
    assert caught.value.arg == "--device" and "needs --backend torch" in str(caught.value)


def test_importing_the_packages_loads_no_heavy_library():
    code = ("import sys, derive, numeric, problems, problems.command_line, derive.options\n"
            "print([m for m in ('sympy', 'numpy', 'torch', 'scipy', 'sklearn') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stderr
