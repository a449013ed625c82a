"""What ``chainrule check`` does with its target, without typer: ``check diff`` (one derivative),
``check derivation FILE`` (a hand derivation line by line) or an exercise (a problem type, an id
TOPIC@SEED or a TOML answer file), each with the options it takes and its exit status.

Exit status: an exercise 0 when every answered step is correct, rounded or follow-through and 1
when any is incorrect; ``diff`` and ``derivation`` 0 equivalent, 1 not, 2 undecided in the time
allowed (its reason on stderr); 2 for bad input everywhere (``problems.command_line.run``).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from problems import command_line as cl

DIFF_OPTIONS = ("f", "wrt", "answer", "fmt")
DERIVATION_OPTIONS = ("file", "fmt")


def run(target: str, given: Mapping[str, str], fmt: Any, *, file: Path | None, f: str | None, wrt: str | None,
        answers: list[str] | None, exercise: Mapping[str, Any]) -> int:
    """Check ``target`` and show the report in ``fmt``; returns the exit status. ``given``: the
    options typed (name → how written), so that an option the target does not take is refused;
    ``exercise``: the keywords of ``problems.check`` for an exercise target."""
    if target == "derivation":
        _only(given, "check derivation", DERIVATION_OPTIONS, " (it takes FILE and --format)")
        import derive
        return cl.show_verdict(derive.check_derivation(file), fmt, "check derivation")
    if target == "diff":
        _only(given, "check diff", DIFF_OPTIONS, " (it takes --f, --wrt, --answer and --format)")
        from derive.check_diff import EXIT_STATUS, check_derivative
        report = check_derivative(*cl.diff_arguments(f, wrt, answers))
        cl.show(report, fmt)
        if EXIT_STATUS[report.verdict] == cl.EXIT_USAGE:
            sys.stderr.write(f"chainrule: error: check diff: undecided: {cl.one_line(report.method)}\n")
        return EXIT_STATUS[report.verdict]
    cl.exclusive({**given, "target": "TARGET"}, "target", ["f", "wrt"], f" '{target}' (--f and --wrt are for check diff)")
    import problems
    report = problems.check(target, toml=file, answers=cl.answer_values(answers), **exercise)
    cl.show(report, fmt)
    return report.exit_status


def _only(given: Mapping[str, str], command: str, allowed: tuple[str, ...], why: str) -> None:
    """Refuse every typed option of ``check`` that ``command`` does not take."""
    cl.exclusive({**given, "target": command}, "target", [k for k in given if k not in ("target", *allowed)], why)
