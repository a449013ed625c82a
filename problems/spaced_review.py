"""``chainrule review``: the next exercises, by spaced repetition over (type, step) items.

Every step a student has answered is a card of the ``fsrs`` package's scheduler: the item is
the step's documented id (``winner.2`` and ``winner.3`` are one item, ``winner.k``) within its
problem type. The store's attempts are replayed in time order; each attempt rates each item
it touched (the worst rating among the item's steps in that attempt):

    incorrect → Again   follow-through → Hard   rounded → Good   correct → Easy
    blank, key revealed → Again                 blank, not revealed → not rated (not tried)
    right only after a retry or a hint at the prompt → at best Hard

An item is due when the scheduler's due time has come (``problems.study_clock.now()``; set
``CHAINRULE_NOW`` to fix it). Due items are ranked weakest first (lowest retrievability, then
lowest stability, then the longest overdue); the next exercises are one per type in that order, up to ``--count``,
each with a fresh random seed the student has not seen for that type, in the variant and
difficulty of the item's latest attempt. Items not yet due are never scheduled. With
``--topics``, only those types are reviewed, and a type never tried counts as due (new).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from derive.errors import UserError
from derive.steps import Sheet, StudyReport, Table
from problems.progress_store import Attempt

RATINGS = {"incorrect": 1, "follow-through": 2, "rounded": 3, "correct": 4}  # fsrs.Rating values
MAX_COUNT = 50
SHOWN_ITEMS = 20


@dataclass
class Item:
    """One (type, step) card after the replay of the history."""

    type: str
    step: str
    card: Any
    variant: str | None
    difficulty: str
    last_rating: int
    reviews: int = 1
    retrievability: float = 0.0


def scheduler() -> Any:
    """The fsrs scheduler (no fuzzing: the same history gives the same schedule)."""
    import fsrs
    return fsrs.Scheduler(enable_fuzzing=False)


def item_step(type_name: str, step: str) -> str:
    """The documented step id a concrete step belongs to (``winner.3`` → ``winner.k``)."""
    from problems.registry import get
    from problems.specs import spec_for
    try:
        spec = spec_for(get(type_name), step)
    except (UserError, KeyError, ValueError):
        return step
    return spec.id if spec is not None else step


def ratings(attempt: Attempt) -> dict[str, int]:
    """Item step id → the attempt's rating of it (the worst among its steps); blank steps that
    were not revealed rate nothing; a step right only after a retry or a hint rates at best Hard."""
    out: dict[str, int] = {}
    for s in attempt.steps:
        rating = 1 if s.status == "missing" and s.revealed else RATINGS.get(s.status)
        if rating is not None and ((s.tries or 0) > 1 or (s.hints or 0) > 0):
            rating = min(rating, 2)
        if rating is not None:
            key = item_step(attempt.type, s.step)
            out[key] = min(out.get(key, 5), rating)
    return out


def replay(attempts: list[Attempt]) -> dict[tuple[str, str], Item]:
    """Every item's card after replaying ``attempts`` in time order."""
    import fsrs
    from problems.study_clock import parse_iso
    sched, items = scheduler(), {}
    for attempt in sorted(attempts, key=lambda a: a.at):
        at = parse_iso(attempt.at)
        for step, rating in ratings(attempt).items():
            item = items.get((attempt.type, step))
            if item is None:
                item = items[(attempt.type, step)] = Item(attempt.type, step, fsrs.Card(card_id=len(items) + 1, due=at),
                                                          attempt.variant, attempt.difficulty, rating, 0)
            item.card, _ = sched.review_card(item.card, fsrs.Rating(rating), at)
            item.variant, item.difficulty, item.last_rating, item.reviews = attempt.variant, attempt.difficulty, rating, item.reviews + 1
    return items


def due_items(items: dict[tuple[str, str], Item], now: datetime) -> list[Item]:
    """The items due at ``now``, weakest first: lowest retrievability (fsrs counts whole days
    elapsed), then lowest stability, then longest overdue."""
    sched = scheduler()
    due = [i for i in items.values() if i.card.due <= now]
    for i in due:
        i.retrievability = sched.get_card_retrievability(i.card, now)
    return sorted(due, key=lambda i: (round(i.retrievability, 6), i.card.stability or 0.0, i.card.due, i.type, i.step))


def plan(attempts: list[Attempt], now: datetime, count: int, topics: list[str] | None) -> tuple[list[Item], list[Any], datetime | None]:
    """(due items, the exercises to do next, the next due time of the items not yet due)."""
    from problems import engine
    from problems.registry import get, practicable
    if not 1 <= count <= MAX_COUNT:
        raise UserError(f"expected 1 to {MAX_COUNT}, got {count}", "--count")
    items = {k: v for k, v in replay(attempts).items() if topics is None or k[0] in topics}
    due = due_items(items, now)
    later = [i.card.due for i in items.values() if i.card.due > now]
    order = [o for o in dict.fromkeys((i.type, i.variant, i.difficulty) for i in due) if practicable(o[0], o[1])]
    studied = {k[0] for k in items}
    order += [(t, None, "exam") for t in topics or [] if t not in studied]
    seen = {(a.type, a.exercise) for a in attempts}
    exercises = []
    for n in range(count if order else 0):
        type_name, variant, difficulty = order[n % len(order)]
        seed = _fresh_seed(type_name, difficulty, variant, seen)
        exercises.append(engine.make_exercise(get(type_name), seed, difficulty, variant))
    return due, exercises, min(later) if later else None


def _fresh_seed(type_name: str, difficulty: str, variant: str | None, seen: set[tuple[str, str | None]]) -> int:
    """A random seed whose exercise id the student has not met (and is not picked twice)."""
    from derive.steps import exercise_id
    while True:
        seed = secrets.randbelow(2**32)
        key = (type_name, exercise_id(type_name, seed, difficulty, variant))
        if key not in seen:
            seen.add(key)
            return seed


def review(count: int = 3, topics: str | None = None, ask: Any = None, say: Any = None, tries: int = 3,
           record: bool = True) -> StudyReport:
    """``chainrule review``: the due items and the next exercises (solved at the prompt with
    ``ask``, each attempt recorded unless not ``record``)."""
    from problems import progress_store as store
    from problems.study_clock import iso, now
    names = _topics(topics)
    with store.opened(create=False) as conn:
        attempts = store.attempts(conn)
    moment = now()
    due, exercises, next_due = plan(attempts, moment, count, names)
    rows = tuple((i.type, i.step, i.reviews, ("Again", "Hard", "Good", "Easy")[i.last_rating - 1],
                  f"{100 * i.retrievability:.0f}%", iso(i.card.due)[:16].replace("T", " ")) for i in due[:SHOWN_ITEMS])
    table = Table(f"Due items ({len(due)})", ("type", "step", "reviews", "last rating", "recall", "due since"), rows)
    notes = [f"{len(due)} item(s) due at {iso(moment)[:16].replace('T', ' ')} UTC."]
    if not exercises:
        notes.append("Nothing to review now" + (f"; the next item is due at {iso(next_due)[:16].replace('T', ' ')} UTC." if next_due else
                                                  ": check some exercises first (or name --topics)."))
    data = {"now": iso(moment), "due": [{"type": i.type, "step": i.step, "reviews": i.reviews, "last_rating": i.last_rating,
                                         "retrievability": round(i.retrievability, 4), "due": iso(i.card.due)} for i in due],
            "next_due": iso(next_due) if next_due else None}
    if ask is not None:
        return _interactive(exercises, data, notes, ask, say, tries, record)
    sheet = Sheet(title="chainrule review", exercises=exercises, show_solutions=False)
    return StudyReport(title="chainrule review", tables=[table] if due else [], notes=notes, data=data, sheet=sheet)


def _topics(topics: str | None) -> list[str] | None:
    if topics is None:
        return None
    from problems.registry import get
    from problems.targets import find
    names = [t.strip() for t in topics.split(",") if t.strip()]
    if not names:
        raise UserError("expected problem types, comma-separated", "--topics")
    return [find(get, n, "--topics").NAME for n in names]


def _interactive(exercises: list[Any], data: dict[str, Any], notes: list[str], ask: Any, say: Any, tries: int,
                 record: bool) -> StudyReport:
    """Solve each exercise at the prompt, record it (source ``review``), and sum up."""
    from problems.interactive import STOP, session
    from problems.progress_store import record_check
    from problems.registry import get
    results, stopped = [], []

    def asking(prompt: str) -> str:
        try:
            text = ask(prompt)
        except EOFError:
            stopped.append(True)
            raise
        if text.strip() in STOP:
            stopped.append(True)
        return text

    for exercise in exercises:
        if stopped:
            break
        logs: dict[str, Any] = {}
        report = session(get(exercise.topic), exercise, {}, exercise.id, ask=asking, say=say, tries=tries, logs=logs)
        if record:
            record_check(report, exercise, "review", logs)
        score = report.score
        results.append((exercise.id, report.answered, len(report.marks), f"{score['correct']}/{score['total']}"))
    data["results"] = [dict(zip(("exercise", "answered", "steps", "score"), r)) for r in results]
    table = Table("Review session", ("exercise", "answered", "steps", "score"), tuple(results))
    return StudyReport(title="chainrule review", tables=[table], notes=notes, data=data)
