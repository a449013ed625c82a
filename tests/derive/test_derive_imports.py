"""``chainrule derive TOPIC`` at default options is symbolic: it never imports NumPy, SciPy or torch.

Each test starts a fresh interpreter that puts an import blocker first on ``sys.meta_path``: every
attempt to import ``numpy``, ``scipy`` or ``torch`` (or a submodule) is recorded and refused. The
interpreter then runs ``derive`` for every topic of the registry's index, in one output format, and
prints what each run attempted. A module-level ``import numpy`` anywhere on a derivation's path
(an op, a topic, the proofs, the printers) is an attempt, even if some caller caught the
ImportError. The proof cache is off, so every proof runs as on a first use.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from derive.discovery import index
from tests.conftest import CLI_ENV, ROOT

HEAVY = ("numpy", "scipy", "torch")

HARNESS = r"""
import contextlib, io, json, sys, importlib.abc

HEAVY = {heavy!r}
attempts = []

class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in HEAVY:
            attempts.append(name)
            raise ImportError(f"blocked by the test: {{name}}")
        return None

sys.meta_path.insert(0, Blocker())
import cli

report = {{}}
for argv in {runs!r}:
    before, out = len(attempts), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            cli.main(list(argv))
            code = 0
        except SystemExit as exc:
            code = exc.code
        except Exception as exc:  # a refused import that nothing caught
            code = f"{{type(exc).__name__}}: {{exc}}"
    report[" ".join(argv)] = {{"code": code, "chars": len(out.getvalue()), "attempts": attempts[before:],
                              "loaded": sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)}}
print(json.dumps(report))
"""


def blocked_runs(runs: list[list[str]]) -> dict[str, dict]:
    """Run each argv through ``cli.main`` in one fresh interpreter with NumPy, SciPy and torch
    blocked; per run: exit code, characters printed, heavy imports attempted, heavy modules loaded."""
    code = HARNESS.format(heavy=HEAVY, runs=[list(r) for r in runs])
    env = {**CLI_ENV, "PATH": "/usr/bin:/bin", "CHAINRULE_CACHE": "off"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_derive_at_default_options_imports_no_numpy_scipy_or_torch(fmt):
    topics = list(index("derive.topics"))
    assert {"lstm", "mlp", "attention", "vae", "conv"} <= set(topics)
    report = blocked_runs([["derive", t, "--format", fmt] for t in topics])
    for run, r in report.items():
        assert r["code"] == 0 and r["chars"] > 200, (run, r)
        assert r["attempts"] == [] and r["loaded"] == [], (run, r)


SYMBOLIC_VARIANTS = [
    ["derive", "mlp", "--matrix", "--layers", "3", "--activation", "relu"], ["derive", "mlp", "--loss", "cross-entropy"],
    ["derive", "attention", "--heads", "2", "--mask", "causal"], ["derive", "rnn", "--steps", "5"],
    ["derive", "gru", "--convention", "pytorch", "--form", "split"], ["derive", "conv", "--set", "dims=1"],
    ["derive", "activations", "--which", "swish"], ["derive", "lstm", "--format", "latex"],
    ["derive", "vae", "--format", "markdown"], ["derive", "mlp", "--graph", "dot"],
]


def test_symbolic_variants_import_no_numpy_scipy_or_torch():
    """Other options that stay symbolic (no numbers asked for), and the other printers."""
    for run, r in blocked_runs(SYMBOLIC_VARIANTS).items():
        assert r["code"] == 0 and r["chars"] > 200, (run, r)
        assert r["attempts"] == [] and r["loaded"] == [], (run, r)


def test_the_blocker_sees_a_numeric_derivation():
    """The harness can fail: with numbers (--values) the same derivations do import NumPy."""
    report = blocked_runs([["derive", "lstm", "--values"], ["derive", "vae", "--values"]])
    for run, r in report.items():
        assert "numpy" in r["attempts"], (run, r)
        assert r["code"] != 0, (run, r)  # NumPy refused: no numbers
