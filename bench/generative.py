"""Time the generative/unsupervised models under NumPy and torch-CPU in one process run.

Usage: python bench/generative.py [MODEL ...] [--repeat R] [--full]

Each model runs its ``BENCH`` workload (``--full``: its default workload) under both backends,
alternating numpy and torch R times; prints the best wall time of each, the ratio numpy/torch
(wall, and process CPU time — steadier on a shared machine when both run one thread) and the
final quality figure of each backend. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MODELS = ("autoencoder", "vae", "gan", "som", "rbf")
QUALITY = {"autoencoder": "recon_error", "vae": "elbo", "gan": "modes_covered", "som": "quantization_error_final",
           "rbf": "accuracy"}


def run(module, backend: str, overrides: dict) -> tuple[float, float, dict]:
    """(wall seconds, process CPU seconds, metrics) of one training run of ``module`` on ``backend``."""
    config = {**module.OPTIONS, **overrides, "backend": backend, "device": "cpu", "seed": 0,
              "plot": None, "save": None, "load": None}
    start, cpu = time.perf_counter(), time.process_time()
    report = module.train(config, None)
    return time.perf_counter() - start, time.process_time() - cpu, report.metrics


def main() -> None:
    """Parse the arguments, time every model under both backends, print one line per model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", default=list(MODELS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="default workloads instead of BENCH")
    args = parser.parse_args()
    import torch
    from numeric.registry import get
    print(f"torch {torch.__version__}; each train() runs NumPy's BLAS and torch on one thread")
    print(f"{'model':12} {'workload':34} {'numpy s':>8} {'torch s':>8} {'ratio':>6} {'cpu ratio':>9}  quality (numpy / torch)")
    for name in args.models:
        module = get(name)
        overrides = {} if args.full else dict(module.BENCH)
        run(module, "torch", overrides)  # warm up torch kernels and imports
        best = {b: float("inf") for b in ("numpy", "torch")}
        cpu = dict(best)
        metrics = {}
        for _ in range(args.repeat):
            for backend in ("numpy", "torch"):
                seconds, used, metrics[backend] = run(module, backend, overrides)
                best[backend], cpu[backend] = min(best[backend], seconds), min(cpu[backend], used)
        key = QUALITY[name]
        work = "defaults" if args.full else ", ".join(f"{k}={v}" for k, v in overrides.items())
        print(f"{name:12} {work:34} {best['numpy']:8.3f} {best['torch']:8.3f} {best['numpy'] / best['torch']:6.2f} "
              f"{cpu['numpy'] / cpu['torch']:9.2f}  "
              f"{key} {metrics['numpy'].get(key)} / {metrics['torch'].get(key)}")


if __name__ == "__main__":
    main()
