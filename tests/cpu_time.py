"""CPU seconds for the tests' hang guards: the tests assert no wall time (other jobs on a shared
machine stretch it), only how much work a bounded operation was allowed to do."""

from __future__ import annotations

import resource
import time


def cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by this process and by its finished children
    (work that ``derive.analytic.bounded`` and ``check diff`` run in forked children counts)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
