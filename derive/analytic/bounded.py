"""SymPy work that may blow up, run in a forked child under a wall-clock and a memory limit.

``bounded(work, seconds)`` returns ``work()`` or raises :class:`TooComplex`. On POSIX the work
runs in a child made with ``fork`` (no new interpreter: a few milliseconds, the parent's
imports and expressions are already there) whose address space is capped at what the parent
uses plus ``memory`` bytes; the parent waits at most ``seconds`` and then kills it. A signal
timer alone (``timeguard``) cannot interrupt one long big-integer or mpmath operation, and
cannot stop a rewrite from taking gigabytes; a process can be killed whatever it is doing.

Without ``fork`` (Windows) the work runs here under ``timeguard.time_limit`` when that can be
enforced, and otherwise is not run at all (:class:`TooComplex`).
"""

from __future__ import annotations

import os
import pickle
import selectors
import signal
import sys
import time
from typing import Any, Callable, TypeVar

from derive.analytic.timeguard import Timeout, can_guard, time_limit

T = TypeVar("T")
MEMORY = 1024**3  # bytes of address space the child may add to the parent's


class TooComplex(Exception):
    """The work ran out of time or memory; ``seconds`` is the limit it was given."""

    def __init__(self, seconds: float, why: str = "time"):
        super().__init__(f"too complex to decide in {seconds:g} s" + ("" if why == "time" else f" ({why})"))
        self.seconds, self.why = seconds, why


def bounded(work: Callable[[], T], seconds: float, memory: int = MEMORY) -> T:
    """``work()`` within ``seconds`` of wall clock and ``memory`` more bytes of address space.

    An exception raised by ``work`` is raised again here (as RuntimeError when it cannot be
    pickled); running out of time or memory raises :class:`TooComplex`.
    """
    if seconds <= 0:
        raise TooComplex(0.0)
    if not hasattr(os, "fork"):
        return _in_process(work, seconds)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(work, write_end, memory)
    os.close(write_end)
    data = None
    try:
        data = _read_all(read_end, time.monotonic() + seconds)
    finally:
        os.close(read_end)
        if data is None:  # out of time (or interrupted): the child may still be running
            _kill(pid)
        os.waitpid(pid, 0)
    if data is None:
        raise TooComplex(seconds)
    try:
        kind, value = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a child cut short (killed by the memory limit or a signal)
        raise TooComplex(seconds, "memory") from None
    if kind == "ok":
        return value
    if kind == "memory":
        raise TooComplex(seconds, "memory")
    raise value


def _child(work: Callable[[], Any], fd: int, memory: int) -> None:
    """Run ``work`` in the forked child, write (kind, value) pickled to ``fd``, and exit at once."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)  # nothing the work prints reaches the user's terminal,
        sys.stdout = sys.stderr = open(devnull, "w", closefd=False)  # nor the parent's unwritten output
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _cap_memory(memory)
        try:
            result: tuple[str, Any] = ("ok", work())
        except (MemoryError, RecursionError):
            result = ("memory", None)
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
            result = ("raised", exc)
        try:
            data = pickle.dumps(result)
        except Exception:  # noqa: BLE001 - an unpicklable value or exception
            data = pickle.dumps(("raised", RuntimeError(repr(result[1])[:200])))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os._exit(0)


def _cap_memory(memory: int) -> None:
    """Lower this process's address-space limit to its current size plus ``memory`` (Linux)."""
    try:
        import resource
        with open("/proc/self/status") as fh:
            size = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + memory
        if soft != resource.RLIM_INFINITY:
            limit = min(limit, soft)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, StopIteration, ImportError):
        pass  # no /proc (macOS): the wall clock still bounds the work


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything written to ``fd`` until it closes, or None at ``deadline``."""
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def _kill(pid: int) -> None:
    """End the child ``pid`` (ours, forked above) if it still runs."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _in_process(work: Callable[[], T], seconds: float) -> T:
    if not can_guard():
        raise TooComplex(seconds, "no way to bound it here")
    try:
        with time_limit(seconds):
            return work()
    except (Timeout, RecursionError):
        raise TooComplex(seconds) from None
    except MemoryError:
        raise TooComplex(seconds, "memory") from None
