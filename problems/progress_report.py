"""``chainrule progress``: per problem type, what the progress store says about a student.

Figures, per type (every one a recount of the store's rows):

- ``attempts``: attempts recorded; ``answered``: steps answered (blank steps are not counted:
  they were not tried); ``credited``: answered steps marked correct, rounded or follow-through;
- ``accuracy``: credited ÷ answered (None when nothing was answered);
- ``trend``: accuracy of the later half of the type's attempts minus that of the earlier half
  (the earlier half is the first ⌊n/2⌋ attempts in time order), in percentage points; None
  with fewer than two attempts or a half without answers;
- ``last_seen``: the time of the latest attempt; ``mistakes``: the named mistakes behind wrong
  steps, most frequent first (ties by name), at most :data:`TOP_MISTAKES`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from derive.steps import StudyReport, Table
from problems.progress_store import Attempt

CREDITED = ("correct", "rounded", "follow-through")
TOP_MISTAKES = 3


def counts(attempts: list[Attempt]) -> tuple[int, int]:
    """(steps answered, steps credited) over ``attempts``."""
    answered = sum(s.status != "missing" for a in attempts for s in a.steps)
    credited = sum(s.status in CREDITED for a in attempts for s in a.steps)
    return answered, credited


def accuracy(attempts: list[Attempt]) -> float | None:
    """Credited ÷ answered steps over ``attempts`` (None when none was answered)."""
    answered, credited = counts(attempts)
    return credited / answered if answered else None


def type_figures(attempts: list[Attempt]) -> dict[str, Any]:
    """The figures of one type's attempts (oldest first); see the module docstring."""
    answered, credited = counts(attempts)
    half = len(attempts) // 2
    early, late = accuracy(attempts[:half]), accuracy(attempts[half:])
    trend = None if half == 0 or early is None or late is None else round(100 * (late - early), 1)
    mistakes = Counter(s.mistake for a in attempts for s in a.steps if s.mistake)
    top = sorted(mistakes.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_MISTAKES]
    return {"type": attempts[0].type, "attempts": len(attempts), "answered": answered, "credited": credited,
            "accuracy": None if not answered else round(credited / answered, 4), "trend": trend,
            "last_seen": max(a.at for a in attempts), "mistakes": [{"name": n, "count": c} for n, c in top]}


def figures(attempts: list[Attempt]) -> list[dict[str, Any]]:
    """One figures dict per type, types in alphabetical order."""
    by_type: dict[str, list[Attempt]] = {}
    for a in sorted(attempts, key=lambda a: a.at):
        by_type.setdefault(a.type, []).append(a)
    return [type_figures(by_type[t]) for t in sorted(by_type)]


def report(attempts: list[Attempt], store: Path, notes: list[str]) -> StudyReport:
    """The progress report of ``attempts`` (from the store at ``store``)."""
    rows = figures(attempts)
    table = Table("", ("type", "attempts", "answered", "accuracy", "trend", "last seen", "frequent mistakes"),
                  tuple((r["type"], r["attempts"], r["answered"], _percent(r["accuracy"]), _points(r["trend"]),
                         r["last_seen"][:16].replace("T", " "),
                         ", ".join(f"{m['name']} ×{m['count']}" for m in r["mistakes"])) for r in rows))
    answered, credited = counts(attempts)
    total = {"attempts": len(attempts), "answered": answered, "credited": credited,
             "accuracy": None if not answered else round(credited / answered, 4)}
    lead = (f"{len(attempts)} attempt(s), {answered} step(s) answered, accuracy {_percent(total['accuracy'])}."
            if attempts else "No attempts recorded yet: `chainrule check` and `practice --interactive` record them.")
    return StudyReport(title="chainrule progress", tables=[table] if rows else [], notes=[*notes, lead],
                       data={"store": str(store), "total": total, "types": rows, "notes": notes})


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value:+.0f} pts"


def plot(attempts: list[Attempt], path: Path) -> str:
    """Draw each type's accuracy per day (answered steps of that day) to the PNG ``path``
    (atomically); returns the line saying what was written."""
    from numeric.plotting import check_plot_path, save_figure
    check_plot_path(path)
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4.5))
    by_day: dict[str, dict[str, list[Attempt]]] = {}
    for a in attempts:
        by_day.setdefault(a.type, {}).setdefault(a.at[:10], []).append(a)
    for name, days in sorted(by_day.items()):
        points = [(d, accuracy(days[d])) for d in sorted(days)]
        points = [(d, 100 * acc) for d, acc in points if acc is not None]
        if points:
            ax.plot([d for d, _ in points], [v for _, v in points], marker="o", label=name)
    ax.set(xlabel="day", ylabel="accuracy (% of answered steps)", ylim=(-5, 105), title="chainrule progress")
    if by_day:
        ax.legend(fontsize="small")
    fig.autofmt_xdate()
    try:
        save_figure(fig, path)
    finally:
        plt.close(fig)
    return f"plot written: {path}"


def progress(plot_file: Path | None = None, export_file: Path | None = None, import_file: Path | None = None) -> StudyReport:
    """``chainrule progress``: import ``import_file`` first (if given), then report on the whole
    store, export it to ``export_file`` and plot it to ``plot_file`` (files checked before any work)."""
    from derive.files import check_writable
    from problems import progress_store as store
    from problems import progress_transfer as transfer
    if plot_file is not None:
        from numeric.plotting import check_plot_path
        check_plot_path(plot_file)
    if export_file is not None:
        check_writable(export_file, "--export")
    path, notes = store.store_path(), []
    if import_file is not None:
        incoming = transfer.read(import_file)
        with store.opened(path) as conn:
            assert conn is not None
            new = store.add(conn, incoming)
        notes.append(f"imported {new} new attempt(s) from {import_file} ({len(incoming) - new} already present)")
    with store.opened(path, create=False) as conn:
        attempts = store.attempts(conn)
    if export_file is not None:
        notes.append(transfer.export(attempts, export_file))
    if plot_file is not None:
        notes.append(plot(attempts, plot_file))
    return report(attempts, path, notes)
