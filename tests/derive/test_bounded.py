"""derive.analytic.bounded: work in a forked child, ended at its deadline or its memory cap."""

from __future__ import annotations

import os
import time

import pytest

from tests.cpu_time import cpu_seconds

from derive.analytic.bounded import TooComplex, bounded


def test_returns_the_value_of_the_work():
    import sympy as sp
    x = sp.Symbol("x")
    assert bounded(lambda: sp.expand((x + 1) ** 3), 5.0) == x**3 + 3 * x**2 + 3 * x + 1


def test_runs_in_another_process():
    assert bounded(os.getpid, 5.0) != os.getpid()


def _sleeper(folder, seconds: float):
    """Work that records its pid, sleeps, then leaves a mark that it finished."""
    def work():
        (folder / "pid").write_text(str(os.getpid()))
        time.sleep(seconds)
        (folder / "finished").write_text("yes")
    return work


def ended(folder) -> bool:
    """The sleeper's process is gone and never reached its end: it was stopped, not waited for."""
    pid = int((folder / "pid").read_text())
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return not (folder / "finished").exists()
    return False


def test_work_past_its_deadline_is_ended(tmp_path):
    with pytest.raises(TooComplex, match="too complex to decide in 0.5 s"):
        bounded(_sleeper(tmp_path, 30), 0.5)
    assert ended(tmp_path)


def test_one_long_integer_operation_is_ended_too():
    """A signal timer cannot interrupt 10**(10**9); killing the child can."""
    start = cpu_seconds()
    with pytest.raises(TooComplex):
        bounded(lambda: 10 ** (10**9), 0.5)
    assert cpu_seconds() - start < 5  # the power alone needs minutes of CPU; the child got about 0.5 s


def test_memory_beyond_the_cap_is_refused():
    with pytest.raises(TooComplex, match="memory"):
        bounded(lambda: bytearray(4 * 1024**3), 10.0, memory=256 * 1024**2)


def test_exceptions_of_the_work_are_raised_again():
    with pytest.raises(ZeroDivisionError):
        bounded(lambda: 1 / 0, 5.0)


def test_nothing_the_child_prints_reaches_the_terminal(capfd):
    bounded(lambda: print("from the child") or os.write(2, b"child stderr\n"), 5.0)
    out, err = capfd.readouterr()
    assert "child" not in out + err


def test_no_time_left_is_too_complex_at_once():
    with pytest.raises(TooComplex):
        bounded(lambda: 1, 0.0)
