"""Benchmark: cost of building + deriving a graph grows about linearly with depth and length.

    python bench/derive.py            # MLP depth 1…20 (matrix form), RNN-like chain length 1…50

For each size: the number of steps, the wall time of building the graph and deriving every
step (``derive_graph``), and of also compiling the steps into one NumPy program (``Program``),
best of ``--repeat`` runs. A least-squares line t ≈ a + b·n and its R² summarise the growth;
t(n_max)/t(n_max/2) ≈ 2 means linear. Not a test: nothing is asserted.
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
from derive.verify import Program  # noqa: E402


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in milliseconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
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
        b, a = np.polyfit(sizes, ys, 1)
        fit = a + b * np.array(sizes)
        r2 = 1 - np.sum((np.array(ys) - fit) ** 2) / np.sum((np.array(ys) - np.mean(ys)) ** 2)
        half = min(sizes, key=lambda s: abs(s - sizes[-1] / 2))
        ratio = ys[-1] / ys[sizes.index(half)]
        print(f"  {label}: t ≈ {a:.1f} + {b:.2f}·n ms, R² = {r2:.3f}, t({sizes[-1]})/t({half}) = {ratio:.2f}"
              f" (n ratio {sizes[-1] / half:.2f})")


def main() -> None:
    """Parse the sizes and run both benchmarks."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-depth", type=int, default=20)
    ap.add_argument("--max-length", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    depths = list(range(1, args.max_depth + 1))
    lengths = sorted({1, 2, *range(5, args.max_length + 1, 5)})
    run("MLP, matrix form (sizes 4-3-…-3-2, sigmoid, mse), depth L", depths,
        lambda L: layered_net((4, *([3] * (L - 1)), 2)), args.repeat)
    run("RNN-like chain (hidden 3, input 2, tanh), length T", lengths, lambda T: rnn_chain(T, 3, 2), args.repeat)


if __name__ == "__main__":
    main()
