"""What a printed check report must show: asserted against the report object, not a copied output.

``assert_report_printed(report, text, fmt)`` fails unless ``text`` (the report rendered as
``fmt``) holds a row for every step with its id and status, the score ``credited/total`` counted
from the marks, and the first error's step id; for ``json`` the parsed data must carry the same
ids, statuses, score and first error.
"""

from __future__ import annotations

import json
from typing import Any

# The statuses that earn the step (README "Checking answers"): kept here, not imported, so a change
# to the product's list shows up as a failing test.
CREDITED = {"correct", "rounded", "follow-through"}


def _escaped(text: str, fmt: str) -> str:
    return text.replace("_", r"\_") if fmt == "latex" else text


def assert_report_printed(report: Any, text: str, fmt: str) -> None:
    """``text`` is ``report`` printed as ``fmt`` (text, markdown, latex or json), every step in it."""
    correct = sum(m.status in CREDITED for m in report.marks)
    if fmt == "json":
        data = json.loads(text)
        assert [(s["id"], s["status"]) for s in data["steps"]] == [(m.id, m.status) for m in report.marks]
        assert data["score"] == {"correct": correct, "total": len(report.marks)}
        assert data["first_error"] == report.first_error
        return
    lines = text.splitlines()
    for mark in report.marks:
        row = _escaped(mark.id, fmt)
        assert any(row in line and mark.status in line for line in lines), (fmt, mark.id, mark.status)
    assert f"Score: {correct}/{len(report.marks)}" in text, fmt
    if report.first_error:
        assert f"First error: step {_escaped(report.first_error, fmt)}" in text, fmt
