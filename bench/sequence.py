"""Benchmark the sequence models: NumPy vs torch-CPU time on each model's BENCH workload.

    python bench/sequence.py [MODEL …] [--repeat N] [--library-threads]

Runs each workload under both backends in one process, alternating numpy/torch ``--repeat``
times, and prints per model the best wall time and process CPU time of each backend, the
ratio numpy/torch of both, and each backend's final quality figure. The best of several
alternating runs is the figure least disturbed by other work on a shared machine.

By default both backends run these small problems on one thread (numeric.models._sequence.
threads_for, what ``chainrule train`` does; also larger ones when the load average has reached the
core count); ``--library-threads`` leaves OpenBLAS and torch at their own thread counts instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUALITY = {"rnn": "test_mse", "lstm": "test_mse", "gru": "test_mse", "attention": "test_accuracy"}


def run(module, backend: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, quality) of one BENCH run."""
    config = {**module.OPTIONS, **module.BENCH, "backend": backend, "device": "cpu", "seed": 0,
              "plot": None, "save": None, "load": None}
    w0, c0 = time.perf_counter(), time.process_time()
    report = module.train(config, None)
    return time.perf_counter() - w0, time.process_time() - c0, report.metrics[QUALITY[module.NAME]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", default=list(QUALITY))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--library-threads", action="store_true", help="do not run small problems on one thread")
    args = parser.parse_args()
    import torch
    from numeric.models import _sequence
    from numeric.registry import get
    if args.library_threads:
        _sequence.SMALL_WORK = 0
        _sequence.cores_busy = lambda: False
    mode = "library defaults" if args.library_threads else "1 for small problems"
    print(f"torch {torch.__version__}, cores {os.cpu_count()}, threads: {mode} (torch default {torch.get_num_threads()})")
    print(f"{'model':10} {'numpy s':>8} {'torch s':>8} {'ratio':>6} {'np cpu':>7} {'t cpu':>7} {'ratio':>6}  quality numpy / torch")
    for name in args.models:
        module = get(name)
        best = {"numpy": [1e9, 1e9, None], "torch": [1e9, 1e9, None]}
        for _ in range(args.repeat):
            for backend in ("numpy", "torch"):
                wall, cpu, quality = run(module, backend)
                b = best[backend]
                b[0], b[1], b[2] = min(b[0], wall), min(b[1], cpu), quality
        n, t = best["numpy"], best["torch"]
        print(f"{name:10} {n[0]:8.2f} {t[0]:8.2f} {n[0] / t[0]:6.2f} {n[1]:7.2f} {t[1]:7.2f} {n[1] / t[1]:6.2f}"
              f"  {n[2]:.4g} / {t[2]:.4g}", flush=True)


if __name__ == "__main__":
    main()
