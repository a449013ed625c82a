"""Shared test helpers: run the CLI as a user would, in this process or in a fresh interpreter.

``run_cli`` calls ``cli.main(argv)`` in this process with the streams a pipe would give (text, no
TTY, UTF-8), ``COLUMNS=200`` and an empty stdin unless ``input`` is given, and returns a
``CompletedProcess`` with the exit code ``cli.main`` raised and what it wrote. Everything a run can
change in the interpreter (streams, argv, cwd, environment, warnings, NumPy error state and
random generators, torch's global flags, open figures) is put back afterwards, so runs cannot see
one another. ``run_cli_subprocess`` starts ``python -m cli`` in a fresh interpreter: for the tests
whose subject *is* the fresh process (what start-up imports, ``python -m cli`` itself).

``CHAINRULE_TEST_SUBPROCESS=1 python -m pytest`` runs every ``run_cli`` in a fresh interpreter
instead, to show that the in-process runs hide nothing.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import tempfile
import traceback
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# One compute thread for torch's and the BLAS's kernels (read when they load, which is after this
# file: pytest imports neither before it). The tests multiply small matrices, where a second
# thread only synchronises; on a loaded 2-core machine a descheduled worker thread stalls every
# kernel (measured: the batchnorm cross-checks took 16 s with 2 torch threads, 0.6 s with 1).
# The course's training loops already limit themselves to one thread; an explicit setting wins.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("CHAINRULE_CACHE", "off")  # the proofs run in every test; tests/derive/test_cache.py turns it on

CLI_ENV = {"PYTHONPATH": str(ROOT), "COLUMNS": "200", "PYTHONHASHSEED": "0", "CHAINRULE_CACHE": "off"}

# No test writes to the user's real progress store: the whole run (and every process it starts)
# records into a scratch folder, and each test into its own (the autouse fixture below).
os.environ["CHAINRULE_HOME"] = tempfile.mkdtemp(prefix="chainrule-test-home-")
os.environ.pop("CHAINRULE_NOW", None)


@pytest.fixture(autouse=True)
def _scratch_progress_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test records attempts into a progress store of its own (``CHAINRULE_HOME``)."""
    monkeypatch.setenv("CHAINRULE_HOME", str(tmp_path_factory.mktemp("home")))
ALWAYS_SUBPROCESS = os.environ.get("CHAINRULE_TEST_SUBPROCESS", "") not in ("", "0")


def run_cli_subprocess(*args: str, input: str | None = None, timeout: float = 300,
                       cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``chainrule ARGS`` in a fresh interpreter (``python -m cli``), text mode, no TTY."""
    env = {**os.environ, **CLI_ENV}
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, input=input,
                          timeout=timeout, cwd=cwd or ROOT, env=env)


def run_cli(*args: str, input: str | None = None, timeout: float = 300,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``chainrule ARGS`` through ``cli.main`` in this process, as ``run_cli_subprocess`` would see it.

    ``timeout`` is honoured only by the subprocess path (an alarm here would change how the
    derivation time guard behaves).
    """
    if ALWAYS_SUBPROCESS:
        return run_cli_subprocess(*args, input=input, timeout=timeout, cwd=cwd)
    import cli
    with _interpreter_state_restored(cwd or ROOT):
        out, err = _pipe(), _pipe()
        sys.stdin, sys.stdout, sys.stderr = io.StringIO(input or ""), out, err
        sys.argv = ["chainrule", *args]
        try:
            cli.main(list(args))
            code = 0
        except SystemExit as exc:
            code = _exit_status(exc.code, err)
        except BaseException:  # an uncaught error: what the interpreter would print, exit 1
            traceback.print_exc(file=err)
            code = 1
        return subprocess.CompletedProcess(["chainrule", *args], code, _text(out), _text(err))


def _pipe() -> io.TextIOWrapper:
    """A text stream like a pipe's: UTF-8, not a TTY, with a ``.buffer``."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="\n", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    """What ``subprocess.run(text=True)`` would have read from the pipe (universal newlines)."""
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _exit_status(code: object, err: io.TextIOWrapper) -> int:
    """The process exit status ``sys.exit(code)`` gives (a message goes to stderr with status 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    err.write(f"{code}\n")
    return 1


class _interpreter_state_restored:
    """Context: cwd, environment (with ``CLI_ENV``), fresh-interpreter warnings; all restored on exit."""

    def __init__(self, cwd: Path):
        self.cwd = cwd

    def __enter__(self) -> None:
        import numpy as np
        self.np = np
        self.saved_cwd = os.getcwd()
        self.saved_env = dict(os.environ)
        self.saved_streams = sys.stdin, sys.stdout, sys.stderr
        self.saved_argv = list(sys.argv)
        self.saved_path = list(sys.path)
        self.saved_np_err = np.geterr()
        self.saved_np_random = np.random.get_state()
        self.saved_random = random.getstate()
        self.saved_torch = _torch_state()
        self.warnings = warnings.catch_warnings()
        self.warnings.__enter__()
        _fresh_interpreter_warnings()
        os.environ.update(CLI_ENV)
        os.chdir(self.cwd)

    def __exit__(self, *exc: object) -> None:
        np = self.np
        sys.stdin, sys.stdout, sys.stderr = self.saved_streams
        sys.argv[:] = self.saved_argv
        sys.path[:] = self.saved_path
        os.chdir(self.saved_cwd)
        os.environ.clear()
        os.environ.update(self.saved_env)
        self.warnings.__exit__(*exc)
        np.seterr(**self.saved_np_err)
        np.random.set_state(self.saved_np_random)
        random.setstate(self.saved_random)
        _restore_torch_state(self.saved_torch)
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")


def _fresh_interpreter_warnings() -> None:
    """The warning filters and printer of ``python -m cli``: pytest's recorder and filters set aside."""
    warnings.resetwarnings()
    for category in (ResourceWarning, ImportWarning, PendingDeprecationWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
    warnings.showwarning = warnings._showwarning_orig  # type: ignore[attr-defined]


def _torch_state() -> dict | None:
    """torch's process-wide settings a run may change (None when torch is not imported yet)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    return {"threads": torch.get_num_threads(), "rng": torch.get_rng_state(),
            "deterministic": torch.are_deterministic_algorithms_enabled(),
            "warn_only": torch.is_deterministic_algorithms_warn_only_enabled()}


def _restore_torch_state(saved: dict | None) -> None:
    """Put torch's settings back; a torch first imported by the run gets a fresh interpreter's flags."""
    torch = sys.modules.get("torch")
    if torch is None:
        return
    if saved is None:
        torch.use_deterministic_algorithms(False)
        return
    torch.set_num_threads(saved["threads"])
    torch.set_rng_state(saved["rng"])
    torch.use_deterministic_algorithms(saved["deterministic"], warn_only=saved["warn_only"])


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


# --- torch: say whether its cross-checks ran ----------------------------------------------------

def _torch_installed() -> bool:
    """True when torch can be found (without importing it: the header comes before any test)."""
    import importlib.util
    if "torch" in sys.modules:
        return sys.modules["torch"] is not None
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def pytest_report_header(config):
    """One header line on torch: its cross-checks run, or are skipped (counted at the end)."""
    if _torch_installed():
        return "torch: installed, the torch cross-checks run"
    return "torch: not installed, the torch cross-checks are skipped (counted at the end of the run)"


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    return str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)


@pytest.hookimpl(trylast=True)  # after the durations table, just above the final counts
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """``torch cross-checks skipped: N`` whenever torch is absent or a test skipped for want of it,
    so a run without torch cannot pass for a full one (shown with -q too)."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "torch" in _skip_reason(r).lower()]
    if skipped or not _torch_installed():
        terminalreporter.write_line(f"torch cross-checks skipped: {len(skipped)}")
