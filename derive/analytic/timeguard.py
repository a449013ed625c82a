"""A bounded clock for SymPy work that could run long (``simplify`` on a user's formula).

``time_limit(seconds)`` raises :class:`Timeout` when the block overruns. It uses ``SIGALRM``,
which only exists on POSIX and only fires in the main thread; elsewhere ``can_guard()`` is False
and callers must skip the unbounded work themselves (``check diff`` then relies on numbers alone).
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator


class Timeout(Exception):
    """The guarded block ran longer than its limit."""


def can_guard() -> bool:
    """True when a time limit can interrupt Python code here (POSIX, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[bool]:
    """Run the block for at most ``seconds``; yields whether the limit is actually enforced.

    An outer ``time_limit`` already running keeps its own (earlier) deadline.
    """
    if not can_guard():
        yield False
        return
    if signal.getitimer(signal.ITIMER_REAL)[0] > 0:  # an outer limit is active: it guards us
        yield True
        return

    def _raise(signum: int, frame: Any) -> None:
        raise Timeout(f"gave up after {seconds:g} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
