"""Benchmark: cost of building + deriving a graph grows about linearly with depth and length.

    python bench/derive.py            # MLP depth 1…20 (matrix form), RNN-like chain length 1…50,
                                      # then the rnn and lstm topics over BPTT length T = 1…50
    python bench/derive.py --only recurrent

For each size: the number of steps, the wall time of building the graph and deriving every
step (``derive_graph``), and of also compiling the steps into one NumPy program (``Program``),
best of ``--repeat`` runs. For the recurrent topics: ``chainrule derive rnn|lstm --steps T``
in-process, symbols only and with numbers (every step evaluated: ``--seed 0``). A least-squares
line t ≈ a + b·n and its R² summarise the growth; t(n_max)/t(n_max/2) ≈ 2 means linear.
``--clock cpu`` measures this process's CPU time instead of wall time (steadier when the
machine is shared). Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from derive.backprop import derive_graph  # noqa: E402
from derive.graph import Graph  # noqa: E402
from derive.models.chain import rnn_chain  # noqa: E402
from derive.models.mlp import layered_net  # noqa: E402
from derive.verification import Program  # noqa: E402


CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCK["wall"]


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in milliseconds (wall or CPU time, ``--clock``)."""
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return 1000 * min(times)


def run(title: str, sizes: list[int], build: Callable[[int], Graph], repeat: int) -> None:
    """Time derive and derive+compile for each size; print a table and the linear fit."""
    print(f"\n{title}")
    print(f"{'n':>4} {'steps':>6} {'derive ms':>10} {'+program ms':>12} {'ms per n':>9}")
    derive_ms, total_ms = [], []
    for n in sizes:
        steps = len(derive_graph(build(n)).steps)
        d = best_of(repeat, lambda: derive_graph(build(n)))
        p = best_of(repeat, lambda: Program(derive_graph(build(n)).steps))
        derive_ms.append(d)
        total_ms.append(p)
        print(f"{n:>4} {steps:>6} {d:>10.1f} {p:>12.1f} {p / n:>9.2f}")
    for label, ys in (("derive", derive_ms), ("derive+program", total_ms)):
        fit_line(label, sizes, ys)


def run_topic(title: str, sizes: list[int], derive: Callable[..., object], repeat: int) -> None:
    """Time a topic's ``derive`` for each T: symbols only, and with every step evaluated."""
    print(f"\n{title}")
    print(f"{'T':>4} {'steps':>6} {'symbols ms':>11} {'numbers ms':>11} {'ms per T':>9}")
    sym_ms, num_ms = [], []
    for T in sizes:
        steps = len(derive({"steps": T}, {}, 0).steps)  # type: ignore[attr-defined]
        s = best_of(repeat, lambda: derive({"steps": T}))
        v = best_of(repeat, lambda: derive({"steps": T}, {}, 0))
        sym_ms.append(s)
        num_ms.append(v)
        print(f"{T:>4} {steps:>6} {s:>11.1f} {v:>11.1f} {v / T:>9.2f}")
    for label, ys in (("symbols", sym_ms), ("numbers", num_ms)):
        fit_line(label, sizes, ys)


def fit_line(label: str, sizes: list[int], ys: list[float]) -> None:
    """Print the least-squares line t ≈ a + b·n, its R² and t(n_max)/t(n_max/2)."""
    b, a = np.polyfit(sizes, ys, 1)
    fit = a + b * np.array(sizes)
    r2 = 1 - np.sum((np.array(ys) - fit) ** 2) / np.sum((np.array(ys) - np.mean(ys)) ** 2)
    half = min(sizes, key=lambda s: abs(s - sizes[-1] / 2))
    ratio = ys[-1] / ys[sizes.index(half)]
    print(f"  {label}: t ≈ {a:.1f} + {b:.2f}·n ms, R² = {r2:.3f}, t({sizes[-1]})/t({half}) = {ratio:.2f}"
          f" (n ratio {sizes[-1] / half:.2f})")


def recurrent(lengths: list[int], repeat: int) -> None:
    """The lstm graph alone, then the rnn and lstm topics (analysis steps included) over T."""
    from derive.models.lstm import lstm
    from derive.topics import lstm as lstm_topic
    from derive.topics import rnn as rnn_topic
    run("LSTM graph (hidden 2, input 2, concat form), length T", lengths, lambda T: lstm(T, 2, 2), repeat)
    run_topic("topic rnn (hidden 2, input 2, tanh): derive rnn --steps T", lengths, rnn_topic.derive, repeat)
    run_topic("topic lstm (hidden 2, input 2, concat): derive lstm --steps T", lengths, lstm_topic.derive, repeat)


def main() -> None:
    """Parse the sizes and run both benchmarks."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-depth", type=int, default=20)
    ap.add_argument("--max-length", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=("engine", "recurrent"), default=None, help="run one part only")
    ap.add_argument("--clock", choices=tuple(CLOCK), default="wall",
                    help="wall time (default) or this process's CPU time (steadier on a shared machine)")
    args = ap.parse_args()
    global clock
    clock = CLOCK[args.clock]
    print(f"times: {args.clock} clock, best of {args.repeat}")
    depths = list(range(1, args.max_depth + 1))
    lengths = sorted({1, 2, *range(5, args.max_length + 1, 5)})
    if args.only != "recurrent":
        run("MLP, matrix form (sizes 4-3-…-3-2, sigmoid, mse), depth L", depths,
            lambda L: layered_net((4, *([3] * (L - 1)), 2)), args.repeat)
        run("RNN-like chain (hidden 3, input 2, tanh), length T", lengths, lambda T: rnn_chain(T, 3, 2), args.repeat)
    if args.only != "engine":
        recurrent(lengths, args.repeat)


if __name__ == "__main__":
    main()
