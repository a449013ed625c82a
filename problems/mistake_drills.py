"""``practice --focus mistakes``: exercises where the student's most frequent named mistakes occur.

The named mistakes of every recorded attempt are counted per (type, variant); the sheet cycles
through the (type, variant) pairs with the most mistakes (most first, ties by name), at most
:data:`MAX_PAIRS` of them, with fresh random seeds the student has not met. ``TOPIC`` or
``--topics`` narrow the count to those types.
"""

from __future__ import annotations

import secrets
from collections import Counter

from derive.errors import UserError
from derive.steps import Sheet, exercise_id
from problems.progress_store import Attempt

FOCUSES = ("mistakes",)
MAX_PAIRS = 5


def frequent(attempts: list[Attempt], types: set[str] | None) -> list[tuple[tuple[str, str | None], int, Counter[str]]]:
    """((type, variant), mistakes counted, Counter of mistake names), most mistakes first."""
    by_pair: dict[tuple[str, str | None], Counter[str]] = {}
    for a in attempts:
        if types is None or a.type in types:
            for s in a.steps:
                if s.mistake:
                    by_pair.setdefault((a.type, a.variant), Counter())[s.mistake] += 1
    ranked = sorted(by_pair.items(), key=lambda kv: (-sum(kv[1].values()), kv[0][0], kv[0][1] or ""))
    return [(pair, sum(c.values()), c) for pair, c in ranked[:MAX_PAIRS]]


def drill_sheet(focus: str, count: int, topic: str | None, topics: str | None, difficulty: str | None,
                solutions: bool) -> Sheet:
    """A sheet of ``count`` exercises of the types/variants with the most named mistakes, among
    ``topic`` and ``topics`` (comma-separated) when given; keys shown when ``solutions``."""
    from problems import engine
    from problems import progress_store as store
    from problems.registry import get, practicable
    from problems.targets import find
    if focus not in FOCUSES:
        raise UserError(f"expected one of {', '.join(FOCUSES)}, got '{focus[:40]}'", "--focus")
    if not 1 <= count <= engine.MAX_COUNT:
        raise UserError(f"expected 1 to {engine.MAX_COUNT}, got {count}", "--count")
    names = [n.strip() for n in [topic or "", *(topics or "").split(",")] if n.strip()]
    types = [find(get, n, "TOPIC").NAME for n in names] or None
    with store.opened(create=False) as conn:
        attempts = store.attempts(conn)
    pairs = frequent([a for a in attempts if practicable(a.type, a.variant)], None if types is None else set(types))
    if not pairs:
        raise UserError("no named mistakes recorded yet" + (" for these types" if types else "")
                        + ": check some exercises first (`chainrule check`)", "--focus")
    seen = {a.exercise for a in attempts}
    exercises = []
    for n in range(count):
        (type_name, variant), _, _ = pairs[n % len(pairs)]
        level = difficulty or "exam"
        seed = secrets.randbelow(2**32)
        while exercise_id(type_name, seed, level, variant) in seen:
            seed = secrets.randbelow(2**32)
        seen.add(exercise_id(type_name, seed, level, variant))
        exercises.append(engine.make_exercise(get(type_name), seed, level, variant))
    what = "; ".join(f"{t}{'+' + v if v else ''}: " + ", ".join(f"{m} ×{k}" for m, k in c.most_common(2))
                     for (t, v), _, c in pairs)
    return Sheet(title=f"chainrule practice: mistake drill ({what})", exercises=exercises, show_solutions=solutions,
                 single=count == 1)
