"""Keys on request in a check: the expected value of every answered step is shown; a step left
blank keeps its key hidden unless ``--reveal`` (or ``r`` at the interactive prompt) reveals it.
(Where a practice sheet's keys go is ``problems.practice_command``.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any


def hide_blank_steps(report: Any, reveal: bool, revealed: Iterable[str] = ()) -> Any:
    """``report`` with the expected value of each blank (``missing``) step marked not revealed,
    unless ``reveal`` or its id is in ``revealed`` (steps revealed at the prompt)."""
    shown = set(revealed)
    marks = [m if reveal or m.status != "missing" or m.id in shown else dataclasses.replace(m, revealed=False)
             for m in report.marks]
    return dataclasses.replace(report, marks=marks)
