"""Without torch, a test run says how many torch cross-checks it skipped (tests/conftest.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

RUN_WITHOUT_TORCH = ("import sys; sys.modules['torch'] = None; import pytest; "
                     "sys.exit(pytest.main(sys.argv[1:]))")


def test_a_run_without_torch_counts_the_skipped_cross_checks(tmp_path):
    (tmp_path / "test_two.py").write_text(
        "import pytest\n"
        "def test_a():\n    pytest.importorskip('torch')\n"
        "def test_b():\n    pytest.importorskip('torch')\n"
        "def test_c():\n    pytest.skip('no GPU here')\n"
        "def test_d():\n    assert True\n")
    out = subprocess.run([sys.executable, "-c", RUN_WITHOUT_TORCH, str(tmp_path), "-p", "tests.conftest", "-v",
                          "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-o", "addopts="],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "torch: not installed" in out.stdout, out.stdout
    assert "torch cross-checks skipped: 2" in out.stdout, out.stdout  # the GPU skip is not torch's
    assert "1 passed, 3 skipped" in out.stdout
