"""The ``chainrule`` program (``cli.console``, also ``python -m cli``) ends without interpreter
teardown: its output is still complete, its exit statuses are ``cli.main``'s, and what it records
is on disk when it has ended."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import CLI_ENV, ROOT, run_cli, run_cli_subprocess


def test_output_is_complete_and_statuses_are_kept():
    fresh = run_cli_subprocess("derive", "lstm", "--steps", "2")
    assert fresh.returncode == 0 and fresh.stdout == run_cli("derive", "lstm", "--steps", "2").stdout
    big = run_cli_subprocess("practice", "som", "--count", "40", "--seed", "1", "--key", "--format", "json")
    assert big.returncode == 0 and len(json.loads(big.stdout)) == 40  # ~100 kB flushed before the end
    bad = run_cli_subprocess("derive", "nosuchtopic")
    assert bad.returncode == 2 and bad.stdout == "" and len(bad.stderr.splitlines()) == 1
    wrong = run_cli_subprocess("check", "som@7", "--answer", "winner.1=4", "--answer", "winner.2=4", "--answer", "winner.3=4")
    right = run_cli("check", "som@7", "--answer", "winner.1=4", "--answer", "winner.2=4", "--answer", "winner.3=4", "--no-record")
    assert wrong.returncode == right.returncode and wrong.stdout == right.stdout


def test_an_attempt_is_recorded_by_the_time_the_program_has_ended(tmp_path):
    env = {**os.environ, **CLI_ENV, "CHAINRULE_HOME": str(tmp_path / "home")}
    for _ in range(2):
        subprocess.run([sys.executable, "-m", "cli", "check", "som@7", "--answer", "winner.1=2"], env=env, cwd=ROOT,
                       capture_output=True, timeout=120)
    out = subprocess.run([sys.executable, "-m", "cli", "progress", "--format", "json"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["total"]["attempts"] == 2


def test_end_process_reports_a_message_code_as_status_1():
    code = "import problems.command_line as cl; print('kept'); cl.end_process('stopped: why')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (out.returncode, out.stdout, out.stderr) == (1, "kept\n", "stopped: why\n")
