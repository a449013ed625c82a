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


@pytest.mark.parametrize("args, valid", [
    (["derive", "conv", "--set", "x=1"], {"dims": "2", "stride": "2", "loss": "sum"}),
    (["derive", "mlp", "--set", "x=1"], {"preset": "mazur", "hidden": "3"}),
    (["train", "som", "--set", "x=1", "--steps", "5"], {"rows": "3", "sigma_final": "0.5", "lr": "0.2"}),
])
def test_an_unknown_option_lists_the_options_as_they_are_given(args, valid):
    """"its options: --dims, …" sent the user to ``--dims 2``, which the command refuses (conv's
    dims is given with ``--set dims=2``): every option the message spells ``--name`` is one, and
    every option it lists after "with --set" works with ``--set``."""
    out = run_cli(*args)
    assert out.returncode == 2
    listed = out.stderr.split("(its options: ", 1)[1].rsplit(")", 1)[0]
    named, _, with_set = listed.partition("; with --set: ")
    flags = [n.strip() for n in named.split(",") if n.strip()]
    keys = [k.strip() for k in with_set.split(",") if k.strip()]
    base = [a for a in args if a not in ("--set", "x=1")]
    for key, value in valid.items():
        flag = f"--{key.replace('_', '-')}"
        assert flag in flags or key in keys, (key, listed)
        run = run_cli(*base, flag, value) if flag in flags else run_cli(*base, "--set", f"{key}={value}")
        assert run.returncode == 0, (key, run.stderr)
        if flag not in flags:
            assert run_cli(*base, flag, value).returncode == 2  # not a named option of this command


def test_set_keys_take_the_command_line_spelling_and_suggest_the_right_form():
    """``--set sigma-final=0.5`` answered "not an option; did you mean --sigma-final?"."""
    assert run_cli("train", "som", "--steps", "5", "--set", "sigma-final=0.5").returncode == 0
    out = run_cli("derive", "conv", "--set", "dimz=2")
    assert out.returncode == 2 and "did you mean --set dims=" in out.stderr


@pytest.mark.parametrize("args", [["derive", "mlp", "--set", "hidden=3", "--hidden", "4"],
                                  ["train", "xor", "--set", "epochs=3", "--epochs", "4"],
                                  ["verify", "mlp", "--hidden", "2", "--set", "hidden=2"]])
def test_an_option_given_both_named_and_with_set_is_refused(args):
    """One of the two would be dropped without a word; even equal values are refused (give it once)."""
    out = run_cli(*args)
    assert out.returncode == 2 and out.stderr.startswith("chainrule: error: --set:") and "give it once" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
