"""The CLI contract: light start-up, one-line errors with exit 2, every command reachable.

Start-up and ``python -m cli`` itself are tested in fresh interpreters (what a start-up imports
can only be seen there); the rest goes through ``cli.main`` in this process.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli, run_cli_subprocess


def test_help_imports_no_heavy_library():
    code = ("import sys, runpy; sys.argv=['chainrule','--help']\n"
            "try:\n    import cli; cli.main()\nexcept SystemExit: pass\n"
            "print('HEAVY', [m for m in ('sympy','numpy','torch','scipy','sklearn') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert "Usage" in out.stdout
    assert "HEAVY []" in out.stdout


@pytest.mark.parametrize("command", ["topics", "derive", "verify", "train", "practice", "check", "progress", "review"])
def test_every_command_has_help(command):
    out = run_cli_subprocess(command, "--help")  # `python -m cli` in a fresh interpreter, as installed
    assert out.returncode == 0, out.stderr
    assert "--format" in out.stdout


def test_every_command_is_listed_and_every_option_explained():
    """``chainrule --help`` lists every command, and every option of every command says what it is
    for (``train --batch-size`` showed only its range)."""
    import typer.main

    import cli
    group = typer.main.get_command(cli.app)
    listed = run_cli("--help").stdout.split("Commands:", 1)[1]
    unexplained = []
    for name, command in group.commands.items():
        assert f"  {name} " in listed
        unexplained += [(name, p.opts[0]) for p in command.params if not (getattr(p, "help", None) or "").strip()]
    assert unexplained == []


@pytest.mark.parametrize("args, names", [
    (["practice", "nosuch"], "TOPIC"),
    (["practice", "som", "--count", "0"], "--count"),
    (["practice", "som", "--count", "x"], "--count"),
    (["practice", "som", "--format", "pdf"], "--format"),
    (["practice", "som", "--difficulty", "insane"], "--difficulty"),
    (["practice", "som", "--out", "sheet.docx"], "--out"),
    (["check", "som", "--given", "weights"], "--given"),
    (["check", "som", "--seed", "1", "--answer", "d9.1=3"], "d9.1"),
    (["check", "som", "--seed", "1", "--answer", "d2.1=__import__('os')"], "d2.1"),
    (["check", "som", "--given", "weights=[[1,2],[3]]", "--given", "x=[[1,2]]", "--given", "lr=0.5"], "weights"),
    (["check", "som", "--given", "weights=[[0.1,0.2]]", "--given", "x=[[1,2]]", "--given", "lr=7"], "lr"),
    (["check", "missing-file.toml"], "missing-file.toml"),
    (["check", "som"], "--given"),
    (["derive", "nosuchtopic"], "TOPIC"),
    (["train", "nosuchmodel"], "MODEL"),
    (["nosuchcommand"], "nosuchcommand"),
])
def test_bad_input_is_one_line_exit_2(args, names):
    out = run_cli(*args)
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert names in lines[0]


def test_topics_lists_every_pillar():
    out = run_cli("topics", "--format", "json")
    assert out.returncode == 0, out.stderr
    import json
    data = json.loads(out.stdout)
    keys = " ".join(data)
    for pillar in ("derive", "train", "practice"):
        assert pillar in keys
    practice = next(v for k, v in data.items() if k.startswith("practice"))
    assert "som" in {item["name"] for item in practice}


def test_layering_is_respected():
    """derive ← numeric ← problems ← cli: lower layers never import higher ones; typer only in cli."""
    import ast
    rules = {"derive": {"numeric", "problems", "cli", "typer"}, "numeric": {"problems", "cli", "typer"},
             "problems": {"cli", "typer"}}
    for package, forbidden in rules.items():
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                for name in names:
                    assert name.split(".")[0] not in forbidden, f"{path.relative_to(ROOT)} imports {name}"


@pytest.mark.parametrize("args", [["practice", "ztest@1", "--format", "text"], ["check", "som", "--given", "weights"]],
                         ids=["output", "error"])
def test_in_process_runs_match_a_fresh_interpreter(args):
    """The tests' in-process ``run_cli`` sees what a user's shell sees: same exit code, same bytes."""
    inside, fresh = run_cli(*args), run_cli_subprocess(*args)
    assert (inside.returncode, inside.stdout, inside.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)


def test_epochs_help_names_the_models_that_refuse_zero():
    """``train --epochs``'s help says which models need at least one epoch; each of them refuses 0
    (exit 2 naming --epochs) and a model it does not name accepts 0 (evaluates untrained)."""
    import re
    helped = run_cli("train", "--help")
    text = " ".join(helped.stdout.split())
    named = re.search(r"\(([a-z, ]+) and ([a-z]+) need at least 1\)", text)
    assert named, text
    refusing = [m.strip() for m in named.group(1).split(",")] + [named.group(2)]
    assert refusing and all(refusing)
    for model in refusing:
        r = run_cli("train", model, "--epochs", "0")
        assert r.returncode == 2 and r.stderr.strip().endswith("--epochs: expected at least 1, got 0"), (model, r.stderr)
    r = run_cli("train", "rnn", "--epochs", "0", "--format", "json")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("command", [("train", "lstm"), ("derive", "lstm")])
def test_unknown_set_key_suggests_the_closest_option(command):
    """A misspelt ``--set`` key is refused on one line naming it, with the closest declared option
    suggested; a key close to none gets no suggestion."""
    r = run_cli(*command, "--set", "hiden=3")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "--hiden: not an option of 'lstm'; did you mean --hidden?" in r.stderr
    r = run_cli(*command, "--set", "zzzz=3")
    assert r.returncode == 2 and "did you mean" not in r.stderr and "--zzzz: not an option" in r.stderr


@pytest.mark.parametrize("option, topics", [("--activation", ["mlp", "rnn"]),
                                            ("--loss", ["mlp", "rnn", "lstm", "gru", "attention", "batchnorm", "conv"]),
                                            ("--convention", ["gru"]), ("--form", ["lstm", "gru"]),
                                            ("--mask", ["attention"])])
def test_derive_help_names_every_choice_a_topic_accepts(option, topics):
    """``--convention``'s help named course and pytorch but not cho, ``--loss`` ended in "…" where
    rnn's sum/last and conv's upstream were: each value a topic accepts (as its error lists them)
    is in the help of the option."""
    helped = " ".join(run_cli("derive", "--help").stdout.split())
    text = helped.split(option + " ", 1)[1].split(" --", 1)[0]
    for topic in topics:
        out = run_cli("derive", topic, option, "no-such-value")
        assert out.returncode == 2
        accepted = out.stderr.split("expected one of ", 1)[1].split(", got", 1)[0].split(", ")
        for value in accepted:
            assert value in text, (option, topic, value, text)
