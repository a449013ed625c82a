"""The torch worker process of ``chainrule verify`` (started by ``derive.torch_remote``).

It imports torch at once (3–4 s on the course's 2-core machine, while the parent imports SymPy and
derives), then answers jobs read from stdin until stdin closes: each job is a pickled
``(job_id, loss, points, names)`` — ``loss`` a picklable loss of ``derive.torch_losses`` — and each
answer a pickled ``(job_id, True, gradients)`` (``torch_losses.gradients``) or ``(job_id, False,
"what failed")``. Nothing but answers is written to the answer stream: file descriptor 1 is
pointed at stderr (the parent discards it) so that a stray print cannot corrupt the protocol.

The worker ignores Ctrl-C (the parent, which gets it too, kills the worker and reports) and asks
Linux to end it with its parent (``PR_SET_PDEATHSIG``), so it outlives no parent, even a killed one.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import Any, BinaryIO


def _die_with_parent(parent: int) -> None:
    """SIGKILL this process when the parent exits (Linux); exit now if it already has."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):  # not Linux: the worker still ends when stdin closes
        pass
    if os.getppid() != parent:
        os._exit(0)


def serve(jobs: BinaryIO, answers: BinaryIO) -> None:
    """Import torch, then answer every job from ``jobs`` on ``answers`` until ``jobs`` ends."""
    failure = None
    try:
        import torch
        torch.set_num_threads(1)  # verify's tensors are tiny (numcheck.single_torch_thread)
        from derive.torch_losses import gradients
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which falls back to its own import
        failure = f"torch could not be imported here ({type(exc).__name__}: {exc})"
    while True:
        try:
            job_id, loss, points, names = pickle.load(jobs)
        except EOFError:
            return
        if failure is not None:
            answer: tuple[Any, ...] = (job_id, False, failure)
        else:
            try:
                answer = (job_id, True, gradients(loss, points, names))
            except Exception as exc:  # noqa: BLE001 - the parent recomputes the job in-process
                answer = (job_id, False, f"{type(exc).__name__}: {exc}")
        pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


def main(parent: int) -> None:
    """The worker's entry point: ``parent`` is the pid of the process that started it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        serve(sys.stdin.buffer, answers)
    except (BrokenPipeError, OSError, pickle.UnpicklingError):
        pass  # the parent has gone or closed the pipes: nothing is left to answer
    os._exit(0)
