"""The hostile-input harness: run command lines under a time and memory bound, judge the outcome.

A case is a command line (``Case.args``) with, optionally, files made before it runs
(``setup(tmp)``), text on stdin, environment variables, and the exit codes it may end with
(0 or 2 unless told: 1 only for a failed write, or for ``check`` of an exercise that may exit 0,
which exits 1 when it finds a wrong step). Most cases run in a long-lived worker process
(``tests/hostile/worker.py``) that calls ``cli.main`` in-process under an address-space limit,
so 300+ cases cost one interpreter start-up; a case that hangs or blows the memory limit ends
its worker, which is restarted for the next case. Cases that need a process of their own
(devices on stdout, encodings, signals) say ``subprocess=True``.

The verdict (``problems``) is what every hostile case must satisfy: an allowed exit code, at
most one line on stderr (and one when the exit code is 2), no traceback, no RuntimeWarning, no
NaN or infinity in the output (JSON parsed strictly), and at most ``max_seconds`` of CPU time.

The bound is on CPU time (the worker's ``time.process_time``, a subprocess's rusage), not wall
time: it checks that chainrule's own limits stop the work, and other jobs on a loaded machine do
not change it (wall time did: at load 13–20 on 2 cores a dozen cases took over 5 s while using
1–2 s of CPU). A case that does not answer within 8× its bound + 10 s of wall time (a hang, or a
sleep) is stopped and reported as hung.
"""

from __future__ import annotations

import json
import math
import os
import re
import resource
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 3 * 1024**3  # bytes of address space for the worker (imports take ~0.9 GB)
TIME_BOUND = 5.0  # CPU seconds
HANG_AFTER = 8    # × the bound (+ 10 s) of wall time without an answer: hung
NONFINITE = re.compile(r"(?<![\w.])(nan|NaN|inf|Infinity|-inf|zoo|oo)(?![\w.(])")


@dataclass
class Case:
    """One hostile command line and what it may do."""

    name: str
    args: list[str]
    setup: Callable[[Path], None] | None = None
    stdin: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    rc: tuple[int, ...] = (0, 2)
    max_seconds: float = TIME_BOUND
    subprocess: bool = False
    stdout_path: str | None = None   # subprocess only: send stdout there (e.g. /dev/full)
    close_stdout: bool = False       # subprocess only: start with stdout closed (as `>&-`)
    interrupt_after: float | None = None  # subprocess only: send SIGINT after this many seconds
    check_output: bool = True        # judge stdout for NaN/∞ (off for outputs that quote the input)
    stderr_match: str | None = None  # a regex stderr must match (re.search), e.g. r"\A\Z" for silence
    stdout_match: str | None = None  # a regex stdout must match (re.search)
    close_reader: bool = False       # subprocess only: the reader of stdout is gone at once (`| true`)

    def expand(self, tmp: Path) -> list[str]:
        """The arguments with ``{tmp}`` replaced by the case's own temporary folder."""
        return [a.replace("{tmp}", str(tmp)) for a in self.args]


@dataclass
class Outcome:
    rc: int | None
    stdout: str
    stderr: str
    seconds: float  # CPU seconds
    note: str = ""
    wall: float = 0.0


def _is_exercise_check(case: Case) -> bool:
    """``chainrule check`` of an exercise (not ``check diff``): it exits 1 when it finds a wrong step."""
    return case.args[:1] == ["check"] and case.args[1:2] != ["diff"]


def allowed_codes(case: Case) -> tuple[int, ...]:
    """The exit codes ``case`` may end with: its own, plus 1 for an exercise check that may exit 0
    (a check that ran exits 1 when an answer is wrong; hostile answers mostly are)."""
    if _is_exercise_check(case) and 0 in case.rc and 1 not in case.rc:
        return (*case.rc, 1)
    return case.rc


def problems(case: Case, out: Outcome) -> list[str]:
    """Everything wrong with ``out`` as the result of ``case`` (empty: the case passed)."""
    found = []
    if out.note:
        found.append(out.note)
    allowed = allowed_codes(case)
    if out.rc not in allowed:
        found.append(f"exit code {out.rc}, expected one of {allowed}")
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    if len(lines) > 1:
        found.append(f"{len(lines)} lines on stderr")
    if out.rc == 2 and len(lines) != 1:
        found.append("exit 2 without a one-line message")
    if "Traceback" in out.stderr or "Traceback" in out.stdout:
        found.append("a traceback")
    if "Warning" in out.stderr:
        found.append("a warning reached stderr")
    if out.seconds > case.max_seconds:
        found.append(f"used {out.seconds:.1f} s of CPU (bound {case.max_seconds} s)")
    if case.check_output and (out.rc == 0 or (out.rc == 1 and _is_exercise_check(case))):
        found += _nonfinite(out.stdout)
    if case.stderr_match is not None and not re.search(case.stderr_match, out.stderr):
        found.append(f"stderr does not match {case.stderr_match!r}")
    if case.stdout_match is not None and not re.search(case.stdout_match, out.stdout):
        found.append(f"stdout does not match {case.stdout_match!r}")
    return found


def _nonfinite(text: str) -> list[str]:
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            json.loads(stripped, parse_constant=_refuse)
        except ValueError as exc:
            if "non-finite" in str(exc):
                return [f"JSON holds {exc}"]
    m = NONFINITE.search(text)
    return [f"non-finite value {m.group(0)!r} in the output: …{text[max(0, m.start() - 40):m.end() + 20]!r}…"] if m else []


def _refuse(token: str) -> float:
    raise ValueError(f"non-finite {token}")


class Worker:
    """A process running cases in-process (``worker.py``), restarted after a hang or a crash."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100", "PYTHONHASHSEED": "0",
               "CHAINRULE_HOSTILE_MEMORY": str(MEMORY_LIMIT)}
        proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "hostile" / "worker.py")], cwd=ROOT, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        ready = proc.stdout.readline()
        assert ready.strip() == b"ready", ready
        return proc

    def run(self, case: Case, tmp: Path) -> Outcome:
        """Run ``case`` in the worker; a case silent for 8× its bound + 10 s is stopped and reported."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        request = {"args": case.expand(tmp), "stdin": case.stdin, "env": case.env, "cwd": str(tmp)}
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        self.proc.stdin.flush()
        start = time.perf_counter()
        line = _readline(self.proc.stdout, HANG_AFTER * case.max_seconds + 10)
        if line is None or not line.strip():
            self.close()
            elapsed = time.perf_counter() - start
            why = "hung (stopped)" if line is None else "the worker died (memory limit or crash)"
            return Outcome(None, "", "", elapsed, note=why)
        res = json.loads(line)
        return Outcome(res["rc"], res["stdout"], res["stderr"], res["seconds"])

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def _readline(stream, timeout: float) -> bytes | None:
    sel = selectors.DefaultSelector()
    sel.register(stream, selectors.EVENT_READ)
    try:
        if not sel.select(timeout):
            return None
        return stream.readline()
    finally:
        sel.close()


def run_subprocess(case: Case, tmp: Path) -> Outcome:
    """Run ``case`` as ``python -m cli ARGS`` in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100", "PYTHONHASHSEED": "0", **case.env}
    stdout: object = subprocess.PIPE
    reader = -1
    if case.stdout_path:
        stdout = open(case.stdout_path, "wb")  # noqa: SIM115 - closed below
    elif case.close_reader:
        reader, stdout = os.pipe()
        os.close(reader)  # the reader is gone before the first write: every write is a broken pipe
    cmd = [sys.executable, "-m", "cli", *case.expand(tmp)]
    start, used = time.perf_counter(), _children_cpu()
    proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdin=subprocess.PIPE, stdout=None if case.close_stdout else stdout,
                            stderr=subprocess.PIPE, preexec_fn=(lambda: os.close(1)) if case.close_stdout else None)
    if case.close_reader:
        os.close(stdout)  # type: ignore[arg-type]
    try:
        if case.interrupt_after is not None:
            time.sleep(case.interrupt_after)
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(case.stdin.encode() if case.stdin else None, timeout=HANG_AFTER * case.max_seconds + 10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return Outcome(None, "", (err or b"").decode(errors="replace"), _children_cpu() - used, note="hung (killed)",
                       wall=time.perf_counter() - start)
    finally:
        if case.stdout_path:
            stdout.close()  # type: ignore[union-attr]
    return Outcome(proc.returncode, (out or b"").decode(errors="replace"), err.decode(errors="replace"),
                   _children_cpu() - used, wall=time.perf_counter() - start)


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def finite(x: float) -> bool:
    """True for a finite float (helper for case files that build numbers)."""
    return math.isfinite(x)
