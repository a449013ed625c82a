"""Shared test helpers: run the CLI in a subprocess exactly as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run_cli(*args: str, input: str | None = None, timeout: float = 300, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``chainrule ARGS`` in a fresh interpreter (``python -m cli``), text mode, no TTY."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, input=input,
                          timeout=timeout, cwd=cwd or ROOT, env=env)


@pytest.fixture
def cli():
    """The ``run_cli`` helper as a fixture."""
    return run_cli


def has_torch() -> bool:
    """True when torch can be imported."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True
