"""What a typer/rich tool is expected to have: --version, shell completion, 'did you mean',
case-insensitive names, and a start-here panel when run with no arguments (issue 14.7)."""

from __future__ import annotations

import tomllib

import pytest

from tests.conftest import ROOT, run_cli, run_cli_subprocess


def test_version_is_the_projects():
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    out = run_cli("--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"chainrule {expected}"


def test_no_arguments_shows_three_commands_to_try_and_exits_0():
    out = run_cli_subprocess()
    assert out.returncode == 0, out.stderr
    assert "Start here" in out.stdout
    lines = [line for line in out.stdout.splitlines() if line.startswith("  chainrule ")]
    commands = [line.split("   ")[0].strip() for line in lines]
    assert len(commands) == 3
    for command, line in zip(commands[:2], lines):  # the derivation and the exercise (training is tested with its model)
        run = run_cli(*command.split()[1:], "--format", "text")
        assert run.returncode == 0, (command, run.stderr)
        if "worked solution" in line:  # what the line promises is in the output
            assert "Answer key" in run.stdout, command


def test_shell_completion_is_offered():
    help_text = run_cli("--help").stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    out = run_cli_subprocess("--show-completion", "bash")
    assert out.returncode == 0, out.stderr
    assert "complete" in out.stdout and "chainrule" in out.stdout


@pytest.mark.parametrize("args, suggestion", [
    (["drive", "mlp"], "'derive'"),
    (["derive", "mpl"], "did you mean 'mlp'?"),
    (["train", "lsmt"], "did you mean 'lstm'?"),
    (["practice", "smo"], "did you mean 'som'?"),
    (["check", "som", "--seed", "1", "--given", "wieghts=[[0.1,0.2]]"], "did you mean 'weights'?"),
    (["check", "som", "--seed", "1", "--answer", "winer.1=1"], "did you mean 'winner.1'?"),
    (["derive", "mlp", "--given", "W5=0.4"], "did you mean 'w5'?"),
    (["practice", "ztést"], "did you mean 'ztest'?"),           # accents taken off before matching
    (["check", "ztést@3", "--answer", "t=1"], "did you mean 'ztest'?"),
    (["derive", "LSTÑ"], "did you mean 'lstm'?"),
])
def test_typos_get_a_suggestion_on_one_line(args, suggestion):
    out = run_cli(*args)
    assert out.returncode == 2, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and suggestion.lower() in lines[0].lower(), out.stderr


def test_a_far_miss_gets_no_suggestion():
    out = run_cli("derive", "zzzzzz")
    assert out.returncode == 2 and "did you mean" not in out.stderr


@pytest.mark.parametrize("args", [["derive", "MLP"], ["practice", "SOM", "--seed", "1"]])
def test_topic_and_type_names_ignore_case(args):
    upper = run_cli(*args, "--format", "json")
    lower = run_cli(*[a.lower() if a.isupper() else a for a in args], "--format", "json")
    assert upper.returncode == 0, upper.stderr
    assert upper.stdout == lower.stdout


@pytest.mark.parametrize("words, cword, expected", [("chainrule der", "1", "derive"),
                                                    ("chainrule derive --gr", "2", "--graph")])
def test_completion_completes_commands_and_options(words, cword, expected):
    import os
    import subprocess
    import sys
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COMP_WORDS": words, "COMP_CWORD": cword,
           "_CHAINRULE_COMPLETE": "complete_bash"}
    out = subprocess.run([sys.executable, "-m", "cli"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert expected in out.stdout.split()
