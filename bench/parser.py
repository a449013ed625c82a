"""Benchmark: the safe parser is linear in the length of its input.

    python bench/parser.py              # lists of 1k, 10k, 100k numbers; the largest accepted inputs
    python bench/parser.py --clock cpu  # this process's CPU time (steadier on a shared machine)

For each size n, a list of n numbers written like ``-1.2345`` goes through ``parse_value`` and
``parse_answer`` (best of ``--repeat`` runs), with the size limits lifted for the sizes beyond
them (MAX_CHARS, MAX_NODES, MAX_ELEMENTS). Time per number stays flat when parsing is linear:
the ratio t(10n)/t(n) is about 10 (it was about 100 while each literal's text was found with
``ast.get_source_segment``, which splits the whole source again). Then the largest inputs the
documented limits accept: MAX_ELEMENTS numbers, MAX_CHARS characters, MAX_NODES syntax nodes,
and a formula of MAX_FORMULA_CHARS characters. Not a test: nothing is asserted
(tests/test_parse.py holds the generous bounds that are).
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import derive.parse as parse  # noqa: E402

CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}
SIZES = (1_000, 10_000, 100_000)


def numbers(n: int) -> str:
    """A list of n distinct numbers with four decimals, e.g. ``[-2.5, -2.13, …]``."""
    return "[" + ", ".join(f"{(i * 0.3719) % 5 - 2.5:.4f}" for i in range(n)) + "]"


def best_of(repeat: int, fn: Callable[[], object], clock: Callable[[], float]) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best


@contextmanager
def limits_lifted() -> Iterator[None]:
    """Lift the size limits for inputs beyond them (the bench measures growth, not the limits)."""
    saved = parse.MAX_CHARS, parse.MAX_NODES, parse.MAX_ELEMENTS
    parse.MAX_CHARS = parse.MAX_NODES = parse.MAX_ELEMENTS = 10**9
    try:
        yield
    finally:
        parse.MAX_CHARS, parse.MAX_NODES, parse.MAX_ELEMENTS = saved


def scaling(repeat: int, clock: Callable[[], float]) -> None:
    print(f"{'numbers':>8} {'chars':>8} {'function':>13} {'seconds':>9} {'µs/number':>10} {'× previous':>11}")
    previous: dict[str, float] = {}
    with limits_lifted():
        for n in SIZES:
            text = numbers(n)
            for fn in (parse.parse_value, parse.parse_answer):
                t = best_of(repeat, lambda: fn(text), clock)
                ratio = f"{t / previous[fn.__name__]:.1f}" if fn.__name__ in previous else "—"
                previous[fn.__name__] = t
                print(f"{n:>8} {len(text):>8} {fn.__name__:>13} {t:>9.3f} {t / n * 1e6:>10.1f} {ratio:>11}")


def largest(repeat: int, clock: Callable[[], float]) -> None:
    """The largest inputs the limits accept, each parsed for real (limits in force)."""
    per = (parse.MAX_CHARS - 2) // parse.MAX_ELEMENTS - 2  # characters per number that still fit
    widest = "[" + ", ".join("-" + "1." + "2" * (per - 3) for _ in range(parse.MAX_ELEMENTS)) + "]"
    nodes = "[" + ",".join(["-(-(-1))"] * ((parse.MAX_NODES - 3) // 7)) + "]"
    term = "sigmoid(w*x+b)*tanh(x)"
    formula = "+".join([term] * ((parse.MAX_FORMULA_CHARS + 1) // (len(term) + 1)))
    cases = [(f"{parse.MAX_ELEMENTS} numbers, {len(widest)} characters", parse.parse_value, widest),
             ("the same as an answer", parse.parse_answer, widest),
             (f"{len(nodes)} characters, {sum(1 for _ in __import__('ast').walk(__import__('ast').parse(nodes, mode='eval')))} nodes",
              parse.parse_value, nodes),
             (f"a formula of {len(formula)} characters", parse.parse_expression, formula)]
    print(f"\nlargest accepted inputs (limits: {parse.MAX_CHARS} characters, {parse.MAX_ELEMENTS} elements, "
          f"{parse.MAX_NODES} nodes, {parse.MAX_FORMULA_CHARS} formula characters)")
    for what, fn, text in cases:
        print(f"  {what:<44} {fn.__name__:>16} {best_of(repeat, lambda: fn(text), clock):.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--clock", choices=sorted(CLOCK), default="wall")
    args = ap.parse_args()
    clock = CLOCK[args.clock]
    scaling(args.repeat, clock)
    largest(args.repeat, clock)


if __name__ == "__main__":
    main()
