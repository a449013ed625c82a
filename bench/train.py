"""Benchmark every trainable model under NumPy and torch (CPU) in one process; print the ratios.

    python bench/train.py                      # every model in numeric/models
    python bench/train.py --models xor,mlp --repeat 5 --json results.json

For each model of ``numeric.registry.all_models()`` the run uses the model's defaults updated by
its optional ``BENCH`` dict (a shorter, same-workload run, e.g. ``{"epochs": 10}``), seed 0 and
``device=cpu``. Both backends do the same work (same data, same batches, same epochs). Each
backend is warmed up once (imports, data caches), then timed ``--repeat`` times, alternating
backends; the fastest repeat counts (noise on a shared machine only ever adds time). Time per epoch is the median of the intervals
between progress ticks (setup excluded, robust to the process being descheduled for a while);
the whole-run ratio is printed too.

torch is timed twice: as the model runs it, and with its default intra-op thread count (for
models that accept the bench-only ``cpu_threads`` config key); the ratio is NumPy's time over
the *faster* torch time, so it never flatters NumPy. On a busy machine (1-minute load average ≥
cores) the default-threads variant is skipped (``--torch-default-threads always`` keeps it): there
every product waits for a descheduled helper thread and a step takes ten times as long (LSTM
H=256 at load 17 on 2 cores: 0.5–6 s per batch on two threads against 0.07 s on one), so it is
never the faster setting and would only stretch the run by many minutes.

Printed per model: time per epoch (or per step) for numpy and torch, the ratio numpy/torch,
the final quality figure of each (``QUALITY`` attribute of the module, else the first known
metric), and for models exposing ``flops_per_epoch(config)`` the achieved GFLOP/s against
NumPy's own float32 matmul peak measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUALITY_KEYS = ("test_accuracy", "accuracy", "token_accuracy", "modes_covered", "elbo", "reconstruction_error",
                "mse", "quantisation_error", "loss")


def matmul_peak(threads: int | None, n: int = 1024, repeat: int = 5) -> float:
    """NumPy float32 GFLOP/s of an n×n by n×n product (best of ``repeat``) on ``threads`` BLAS threads."""
    import numpy as np
    from numeric.training import blas_threads
    a = np.random.default_rng(0).standard_normal((n, n)).astype(np.float32)
    b = a.T.copy()

    def best() -> float:
        a @ b
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            a @ b
            times.append(time.perf_counter() - t)
        return 2 * n ** 3 / min(times) / 1e9
    if threads is None:
        return best()
    with blas_threads(threads):
        return best()


def unit_of(config: dict[str, Any]) -> tuple[str, int]:
    """('epoch', epochs) or ('step', steps): what the run counts."""
    if config.get("epochs"):
        return "epoch", int(config["epochs"])
    if config.get("steps"):
        return "step", int(config["steps"])
    return "run", 1


def quality(module: Any, metrics: dict[str, Any]) -> tuple[str, Any]:
    """The figure that says how well the run did."""
    key = getattr(module, "QUALITY", None)
    if key not in metrics:
        key = next((k for k in QUALITY_KEYS if k in metrics), None)
    return (key or "-"), metrics.get(key) if key else None


def timed(module: Any, config: dict[str, Any]) -> tuple[float, float | None, dict[str, Any]]:
    """(wall seconds of the whole run, median seconds per epoch/step between progress ticks, metrics)."""
    ticks: list[tuple[int, float]] = []
    clock = time.perf_counter

    def progress(done: int, total: int, metrics: dict[str, Any]) -> None:
        ticks.append((done, clock()))
    t = clock()
    report = module.train(dict(config), progress)
    wall = clock() - t
    rates = sorted((t1 - t0) / (d1 - d0) for (d0, t0), (d1, t1) in zip(ticks, ticks[1:]) if d1 > d0)
    return wall, (rates[len(rates) // 2] if len(rates) >= 3 else None), report.metrics


def warm_config(config: dict[str, Any]) -> dict[str, Any]:
    """A very short run of the same model (imports, data and caches loaded)."""
    warm = dict(config)
    if warm.get("epochs"):
        warm["epochs"] = 1
    if warm.get("steps"):
        warm["steps"] = max(1, int(warm["steps"]) // 50)
    return warm


def bench_model(module: Any, repeat: int, torch_ok: bool, overrides: dict[str, Any] | None = None,
                default_threads: bool = True) -> dict[str, Any]:
    """Time one model under both backends; returns a result row."""
    base = {**getattr(module, "OPTIONS", {}), **getattr(module, "BENCH", {}), **(overrides or {}), "seed": 0,
            "device": "cpu", "plot": None, "save": None, "load": None}
    unit, count = unit_of(base)
    variants = {"numpy": {**base, "backend": "numpy"}}
    if torch_ok:
        import torch
        variants["torch"] = {**base, "backend": "torch"}
        if default_threads:
            variants["torch (default threads)"] = {**base, "backend": "torch", "cpu_threads": torch.get_num_threads()}
    best: dict[str, float] = {}
    median: dict[str, list[float]] = {name: [] for name in variants}
    metrics: dict[str, dict[str, Any]] = {}
    for name, cfg in variants.items():
        module.train(warm_config(cfg), None)
    for _ in range(repeat):
        for name, cfg in variants.items():
            seconds, per_unit, m = timed(module, cfg)
            best[name] = min(best.get(name, float("inf")), seconds)
            if per_unit is not None:
                median[name].append(per_unit)
            metrics[name] = m
    row: dict[str, Any] = {"model": module.NAME, "unit": unit, "count": count,
                           "config": {k: v for k, v in getattr(module, "BENCH", {}).items()}}
    for name in variants:
        # steady-state cost: median time per epoch between progress ticks (robust to a busy machine);
        # without enough ticks, the fastest whole run divided by its epochs
        steady = min(median[name]) if median[name] else best[name] / count
        row[f"{name} s/{unit}"] = steady
        row[f"{name} wall s/{unit}"] = best[name] / count
        q_key, q = quality(module, metrics[name])
        row[f"{name} {q_key}"] = q
        row["quality"] = q_key
    if torch_ok:
        torch_names = [name for name in variants if name != "numpy"]
        row["ratio"] = row[f"numpy s/{unit}"] / min(row[f"{name} s/{unit}"] for name in torch_names)
        row["wall ratio"] = best["numpy"] / min(best[name] for name in torch_names)
    flops = getattr(module, "flops_per_epoch", None)
    if flops is not None and unit == "epoch":
        row["gflops"] = flops(base) / row["numpy s/epoch"] / 1e9
    return row


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, measure the matmul peak, benchmark each model and print one line per model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", help="comma-separated model names (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per backend (fastest counts)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a model option for this run (text, as the CLI's --set)")
    parser.add_argument("--torch-default-threads", choices=("auto", "always", "never"), default="auto",
                        help="also time torch on its default thread count (auto: unless the machine is busy)")
    args = parser.parse_args(argv)
    import os
    from numeric.models._sequence import cores_busy
    from numeric.registry import all_models
    from derive.numcheck import torch_available
    models = all_models()
    names = args.models.split(",") if args.models else list(models)
    torch_ok = torch_available()
    default_threads = args.torch_default_threads == "always" or (args.torch_default_threads == "auto" and not cores_busy())
    print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f} on {} cores".format(*os.getloadavg(), os.cpu_count())
          + ("" if default_threads else "; busy: torch's default-threads variant skipped"))
    peak_all, peak_one = matmul_peak(None), matmul_peak(1)
    print(f"NumPy float32 matmul peak (1024×1024): {peak_all:.1f} GFLOP/s all threads, {peak_one:.1f} GFLOP/s one thread")
    rows = []
    for name in names:
        try:
            row = bench_model(models[name], args.repeat, torch_ok, dict(kv.split("=", 1) for kv in args.set),
                              default_threads)
        except Exception as exc:  # report and continue: one broken model must not hide the others
            row = {"model": name, "error": f"{type(exc).__name__}: {exc}"}
        rows.append(row)
        print(format_row(row, peak_all, peak_one), flush=True)
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if args.json:
        args.json.write_text(json.dumps({"peak_gflops": peak_all, "peak_gflops_1thread": peak_one, "models": rows},
                                        indent=2, default=str))
    return 0


def format_row(row: dict[str, Any], peak_all: float, peak_one: float) -> str:
    """One line per model: times, ratio, quality of each backend, GFLOP/s."""
    if "error" in row:
        return f"{row['model']:<12} ERROR {row['error']}"
    u = row["unit"]
    q = row["quality"]
    parts = [f"{row['model']:<12}", f"numpy {row[f'numpy s/{u}'] * 1e3:9.3f} ms/{u}"]
    if "ratio" in row:
        default = row.get(f"torch (default threads) s/{u}")
        parts += [f"torch {row[f'torch s/{u}'] * 1e3:9.3f} ms/{u} (default threads "
                  + (f"{default * 1e3:9.3f})" if default is not None else "skipped)"),
                  f"numpy/torch {row['ratio']:.3f} (whole runs {row['wall ratio']:.3f})"]
    parts.append(f"{q}: numpy {_fmt(row.get(f'numpy {q}'))}" + (f" torch {_fmt(row.get(f'torch {q}'))}" if "ratio" in row else ""))
    if "gflops" in row:
        parts.append(f"{row['gflops']:.1f} GFLOP/s ({row['gflops'] / peak_one:.0%} of 1-thread peak, "
                     f"{row['gflops'] / peak_all:.0%} of all-thread peak)")
    return "  ".join(parts)


def _fmt(v: Any) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


if __name__ == "__main__":
    sys.exit(main())
