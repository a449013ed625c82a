"""Throughput of the problem bank: generate + solve + check, per registered problem type.

Usage::

    python bench/problems.py                       # every type, ~1 s each, difficulty exam
    python bench/problems.py --types backprop,som --seconds 2 --difficulty hard

One exercise = ``engine.make_exercise`` (generate, validate, solve) followed by
``engine.check`` of the solution's own values with the first step perturbed, so the checker
runs its follow-through replay and one replay per known mistake, as for a real student.
Each type runs ``--repeat`` rounds and the best one is reported (the usual way to time on a
busy machine). Types are discovered through ``problems.registry.all_types()``, so every engineer's types are
measured. Prints exercises per second; the target for numeric types is ≥ 200/s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 200.0


def _perturb(value):
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, list):
        return [_perturb(value[0])] + value[1:]
    return value + 1


def run_type(module, seconds: float, difficulty: str) -> tuple[int, float, float]:
    """(exercises, CPU seconds, mean steps per exercise) for one problem type.

    CPU time of this process (``time.process_time``), so other jobs on a shared machine do not
    distort the figure.
    """
    from problems import engine
    engine.make_exercise(module, 0, difficulty)  # warm caches and imports outside the timing
    count, steps, start = 0, 0, time.process_time()
    while True:
        ex = engine.make_exercise(module, count, difficulty)
        answers = {s.id: s.value for s in ex.steps}
        first = ex.steps[0]
        answers[first.id] = _perturb(first.value)
        engine.check(module, ex.givens, answers)
        count, steps = count + 1, steps + len(ex.steps)
        elapsed = time.process_time() - start
        if elapsed >= seconds and count >= 5:
            return count, elapsed, steps / count


def main(argv: list[str] | None = None) -> int:
    """Measure every (or the chosen) problem type and print a table of exercises per second."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time budget per type")
    parser.add_argument("--types", default="", help="comma-separated type names (default: all)")
    parser.add_argument("--difficulty", default="exam", choices=("easy", "exam", "hard"))
    parser.add_argument("--repeat", type=int, default=3, help="rounds per type; the best round is reported")
    args = parser.parse_args(argv)
    from problems.registry import all_types
    types = all_types()
    names = [n.strip() for n in args.types.split(",") if n.strip()] or list(types)
    print(f"{'type':<18} {'exercises':>9} {'cpu s':>8} {'ex/s':>8} {'steps/ex':>9}  target {TARGET:.0f}/s")
    slow = []
    for name in names:
        n, elapsed, steps = max((run_type(types[name], args.seconds, args.difficulty) for _ in range(args.repeat)),
                                key=lambda r: r[0] / r[1])
        rate = n / elapsed
        slow += [name] if rate < TARGET else []
        print(f"{name:<18} {n:>9} {elapsed:>8.2f} {rate:>8.0f} {steps:>9.1f}  {'ok' if rate >= TARGET else 'below'}")
    below = f"; below: {', '.join(slow)}" if slow else ""
    print(f"{len(names) - len(slow)}/{len(names)} types at or above {TARGET:.0f} exercises/s{below}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
