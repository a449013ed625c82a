"""Every command of the README's tour runs as written (in a scratch folder) and exits 0 (1 where
the README says "(exit 1)": a check that finds a wrong step).

The README is the contract a new user reads first: if a command there breaks, this fails.
The TOML example of the README is the ``mywork.toml`` the tour checks.
"""

from __future__ import annotations

import re
import shlex
import subprocess

import pytest

from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, flags=re.S)


def _commands() -> list[str]:
    out = []
    for lang, body in BLOCKS:
        if lang != "bash":
            continue
        joined = re.sub(r"\\\n\s*", " ", body)  # shell line continuations
        for line in joined.splitlines():
            if "(exit 1)" in line and line.strip().startswith("#") and out:
                EXIT_ONE.add(out[-1])  # a comment line under a command says what it exits with
            line = line.split("  #")[0].strip()
            if line.startswith("chainrule ") and "|" not in line:
                out.append(line)
    return out


EXIT_ONE: set[str] = set()  # commands the README marks "(exit 1)": a check that finds a wrong step
COMMANDS = _commands()


def test_quick_start_is_two_commands():
    quick = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    lines = [line for line in quick.strip().splitlines() if line.strip()]
    assert len(lines) == 2
    assert "chainrule derive" in lines[0] and "pytest" in lines[1]


def test_the_tour_has_commands():
    assert len(COMMANDS) >= 20


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command, tmp_path):
    toml = next(body for lang, body in BLOCKS if lang == "toml")
    if "--out mywork.toml" not in command:  # the file `check som mywork.toml` reads; `--out mywork.toml` makes it
        (tmp_path / "mywork.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("the chain rule multiplies local derivatives along every path. " * 40)
    args = shlex.split(command)[1:]
    if "train" == args[0] and "--epochs" not in args and args[1] in ("lstm", "gan"):
        args += ["--epochs", "2"] if args[1] == "lstm" else ["--steps", "200"]  # same code path, short run
    out = run_cli(*args, input="q\n", cwd=tmp_path, timeout=600)
    assert out.returncode == (1 if command in EXIT_ONE else 0), (command, out.stderr[-2000:])
    for fragment in _what_it_shows(args):
        assert fragment in out.stdout, (command, fragment, out.stdout[:500])
    for name in _files_written(args):
        assert (tmp_path / name).stat().st_size > 1000, (command, name)
    assert "nan" not in out.stdout.lower().split() and "Traceback" not in out.stdout


def _what_it_shows(args: list[str]) -> list[str]:
    """Text the command's output must hold, from what the command asks for (KeyError: a verb the
    README uses that this table does not know yet, so a new command cannot pass on exit code alone)."""
    verb, subject = args[0], (args[1] if len(args) > 1 else "")
    if verb == "practice" and "--out" in args:
        count = args[args.index("--count") + 1] if "--count" in args else "1"
        return [f"wrote {count} exercise(s)", args[args.index("--out") + 1]]
    if verb == "practice" and "--list-steps" in args:
        return [f"Step ids of {subject}", "id", "title"]
    if verb == "practice" and "--interactive" in args:
        return [f"Exercise {subject}@", "Score: 0/"]  # "q" at the first prompt: nothing answered
    if verb == "practice":  # the exercise only: no key without --key
        return [f"Exercise ({subject}" if "@" in subject else "Exercise (", *(["Answer key"] if "--key" in args else [])]
    if verb == "derive" and "--graph" in args and "--out" not in args:
        return [{"mermaid": "flowchart", "dot": "digraph"}[args[args.index("--graph") + 1]]]
    if verb == "derive" and "--out" in args:
        return [f"wrote derivation to {args[args.index('--out') + 1]}"]
    if verb == "progress":  # the README's commands run in an empty store
        return ["chainrule progress", "No attempts recorded yet"]
    if verb == "review":
        return ["chainrule review", "Nothing to review now"]
    if verb == "check" and subject == "diff":
        return ["Verdict: equivalent", "Derivative:"]
    if verb == "check":
        return [f"Check: {subject.split('@')[0]}", "Score: "]
    from derive.registry import all_topics
    return {"topics": lambda: list(all_topics()),
            "derive": lambda: ["Steps", "1. ["],
            "verify": lambda: [f"Verification: {subject}", "All checks passed."],
            "train": lambda: [f"Training: {subject}"]}[verb]()


def _files_written(args: list[str]) -> list[str]:
    return [args[args.index(flag) + 1] for flag in ("--out", "--plot") if flag in args]


def test_the_readme_check_example_names_the_mistake(tmp_path):
    command = next(c for c in COMMANDS if c.startswith("chainrule check som@7"))
    out = run_cli(*shlex.split(command)[1:], "--format", "json", cwd=tmp_path)
    import json
    report = json.loads(out.stdout)
    assert report["first_error"] == "weights.1"
    marks = {s["id"]: s for s in report["steps"]}
    assert marks["d2.1"]["status"] == "correct" and marks["winner.1"]["status"] == "correct"
    assert "sign flipped" in marks["weights.1"]["diagnosis"]


def test_the_layout_tree_is_the_real_one():
    """Every folder of the repository (but caches and VCS) has its line in README's Layout, and
    every folder named there exists."""
    section = README.split("## Layout", 1)[1].split("```", 2)[1]
    listed = {line.split()[0].rstrip("/") for line in section.splitlines() if line.strip()}
    skip = {"__pycache__", ".git", ".pytest_cache", ".hypothesis", ".benchmarks"}
    real = {str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_dir()
            and not any(part in skip or part.endswith(".egg-info") for part in p.relative_to(ROOT).parts)}
    real = {d for d in real if subprocess.run(["git", "ls-files", d], cwd=ROOT, capture_output=True, text=True).stdout}
    assert {d for d in listed if d != "cli.py"} == real
    assert (ROOT / "cli.py").is_file()


def test_the_readme_study_session_is_what_the_commands_print(tmp_path, monkeypatch):
    """The "real session" of the Study loop replayed at the times it shows (the check at 18:00,
    the typed interactive run at 18:20, a SOM check with the two named mistakes the next day): the
    progress table and the due items of the review are the README's lines, so a change to the
    ratings (a step right only after a retry or a hint is at best Hard) shows up here."""
    session = README.split("A real session", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    typed = re.search(r"typed: '([^']*)'", session).group(1).encode().decode("unicode_escape")
    steps = [("2026-03-02T18:00:00", ["check", "ztest@3", "--answer", "sum=195.4", "--answer", "mean=32.57",
                                      "--answer", "se=2"], None),
             ("2026-03-02T18:20:00", ["practice", "ztest@3", "--interactive"], typed),
             ("2026-03-03T18:00:00", ["check", "som@7", "--answer", "winner.1=1", "--answer", "winner.2=2"], None)]
    for now, args, typed_in in steps:
        monkeypatch.setenv("CHAINRULE_NOW", now)
        assert run_cli(*args, input=typed_in, cwd=tmp_path).returncode in (0, 1)
    monkeypatch.setenv("CHAINRULE_NOW", "2026-03-04T18:00:00")
    progress = run_cli("progress", cwd=tmp_path).stdout
    review = run_cli("review", "--count", "2", cwd=tmp_path).stdout
    shown = session.split("$ chainrule progress", 1)[1]
    table = shown.split("type   attempts", 1)[1].split("\n\n", 1)[0]
    assert "type   attempts" + table in progress
    due = shown.split("Due items (4)\n", 1)[1].split("\n\n", 1)[0]
    assert "Due items (4)\n" + due in review
