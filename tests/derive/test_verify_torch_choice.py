"""``verify --torch/--no-torch``: the torch cross-check runs by default when torch is installed,
is left out (torch not even imported) with ``--no-torch``, and ``--torch`` requires torch."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_cli

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _methods(args):
    out = run_cli("verify", "mlp", "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    return {c["method"] for c in doc["checks"]}, doc


def test_no_torch_leaves_the_cross_check_out_and_says_so():
    methods, doc = _methods(["--no-torch"])
    assert methods and not any("torch" in m for m in methods)
    assert any("--no-torch" in n for n in doc["verification_notes"])
    assert doc["passed"] is True


@pytest.mark.skipif(not HAS_TORCH, reason="torch not installed")
def test_the_default_and_torch_cross_check_against_autograd():
    default, _ = _methods([])
    asked, doc = _methods(["--torch"])
    assert any("torch" in m for m in default) and default == asked
    assert not any("torch" in n for n in doc["verification_notes"])


def test_no_torch_does_not_import_torch():
    probe = ("import sys, cli\ntry:\n    cli.main(['verify', 'mlp', '--no-torch', '--format', 'json'])\n"
             "except SystemExit:\n    pass\nsys.stderr.write(str('torch' in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert out.stderr.strip().splitlines()[-1] == "False"


def test_no_torch_with_the_torch_backend_is_refused():
    out = run_cli("verify", "mlp", "--no-torch", "--backend", "torch")
    assert out.returncode == 2 and out.stderr.startswith("chainrule: error: --no-torch:")


@pytest.mark.skipif(not HAS_TORCH, reason="torch not installed")
@pytest.mark.parametrize("topic", ["mlp", "lstm", "batchnorm", "activations"])
def test_no_torch_does_not_claim_torch_is_missing_and_names_what_ran(topic):
    """With torch installed, ``--no-torch`` said "torch is not installed" beside "left out
    (--no-torch): finite differences only", while the table showed the NumPy engine or SymPy too."""
    out = run_cli("verify", topic, "--no-torch", "--points", "1", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    notes = doc["verification_notes"]
    assert not any("not installed" in n for n in notes)
    (note,) = [n for n in notes if "--no-torch" in n]
    methods = {c["method"] for c in doc["checks"]}
    if any("engine" in m for m in methods):
        assert "engine" in note
    assert "finite differences only" not in note or methods == {m for m in methods if "central difference" in m}
