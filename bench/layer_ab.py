"""Same-process, interleaved A/B of one bench epoch's recurrent-layer work between versions of a layer file.

    python bench/layer_ab.py --hidden 128 --threads 2 --samples 30 VERSION [VERSION …]

A VERSION is a path to a layer module (``numeric/layers/lstm.py``, a copy in /tmp, …) or
``REV:PATH`` for the file as committed in git revision REV (``main:numeric/layers/lstm.py``).
The work timed is what ``bench/train.py --models lstm`` (or gru) asks of the layer in one
epoch: 16 training batches forward + backward (N = 32, T = 40, D = 1, ∂L/∂x not needed) and the
forward pass over the 256 test sequences, all with a workspace, the same weights and the
same data for every version. Versions run alternately (the order reversed every other sample),
so a burst of load from other processes hits all of them alike; on one thread the clock is
the process time, on more the wall time. Printed: the 1-minute load average at start and end,
and per version the fastest and the median epoch and their ratios to the first version, plus
the largest difference of its outputs and weight gradients from the first version's.

This is the measurement behind the layer figures in docs/performance.md: on a shared machine
the whole bench moves by ±15 % from one minute to the next, while this A/B resolves a few
per cent. It compares NumPy code only; torch is not involved.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N, T, D, BATCHES, TEST = 32, 40, 1, 16, 256


def load_version(spec: str, index: int, tmp: Path) -> Any:
    """The layer module named by ``spec`` (a path, or REV:PATH read with ``git show``)."""
    path = Path(spec)
    if not path.exists() and ":" in spec:
        text = subprocess.run(["git", "show", spec], cwd=ROOT, check=True, capture_output=True, text=True).stdout
        path = tmp / f"version{index}.py"
        path.write_text(text)
    module_spec = importlib.util.spec_from_file_location(f"_layer_version{index}", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def workload(module: Any, hidden: int, seed: int = 0) -> tuple[dict[str, np.ndarray], list, np.ndarray]:
    """Float32 weights, the training batches (x, ∂L/∂h as the readout hands it over) and the test inputs."""
    rng = np.random.default_rng(seed)
    params = {k: v.astype(np.float32) for k, v in module.init(rng, D, hidden).items()}
    batches = []
    for _ in range(BATCHES):
        x = rng.standard_normal((N, T, D)).astype(np.float32)
        dhT = (rng.standard_normal((hidden, T * N)) * 0.01).astype(np.float32)       # (H, T·N), columns (t, n)
        batches.append((x, dhT.reshape(hidden, T, N).transpose(2, 1, 0)))
    return params, batches, rng.standard_normal((TEST, T, D)).astype(np.float32)


def epoch(module: Any, params: dict[str, np.ndarray], batches: list, test: np.ndarray, ws: Any) -> None:
    """One epoch's layer work: every batch forward + backward, then the test forward."""
    for x, dh in batches:
        _, cache = module.forward(params, x, ws=ws)
        module.backward(dh, cache, need_dx=False)
    module.forward(params, test, ws=ws)


def differences(modules: list[Any], params: dict[str, np.ndarray], batches: list) -> list[float]:
    """Largest |difference| of h and of the relative weight gradients from the first version's."""
    from numeric.layers._buffers import Workspace
    out = []
    for module in modules:
        x, dh = batches[0]
        h, cache = module.forward(params, x, ws=Workspace())
        _, grads = module.backward(dh, cache, need_dx=False)
        out.append((h.copy(), {k: v.copy() for k, v in grads.items()}))
    h0, g0 = out[0]
    return [max(float(np.max(np.abs(h - h0))),
                max(float(np.max(np.abs(g[k] - g0[k])) / (np.max(np.abs(g0[k])) or 1.0)) for k in g0))
            for h, g in out]


def main() -> None:
    """Time the given versions of the layer file interleaved and print each one's medians against the first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("versions", nargs="+")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (1: process time; more: wall time)")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--control", action="store_true", help="also time a second copy of the first version")
    args = parser.parse_args()
    if args.control:
        args.versions.append(args.versions[0])
    from threadpoolctl import threadpool_limits
    from numeric.layers._buffers import Workspace
    with tempfile.TemporaryDirectory() as tmp:
        modules = [load_version(v, i, Path(tmp)) for i, v in enumerate(args.versions)]
    params, batches, test = workload(modules[0], args.hidden)
    diffs = differences(modules, params, batches)
    clock = time.process_time if args.threads == 1 else time.perf_counter
    workspaces = [Workspace() for _ in modules]
    times: list[list[float]] = [[] for _ in modules]
    with threadpool_limits(args.threads, "blas"):
        for module, ws in zip(modules, workspaces):
            epoch(module, params, batches, test, ws)                                # warm-up
        load0 = os.getloadavg()[0]
        for s in range(args.samples):
            order = range(len(modules)) if s % 2 == 0 else reversed(range(len(modules)))
            for i in order:
                t0 = clock()
                epoch(modules[i], params, batches, test, workspaces[i])
                times[i].append((clock() - t0) * 1e3)
    load1 = os.getloadavg()[0]
    kind = "process time" if args.threads == 1 else "wall time"
    print(f"H={args.hidden}, {args.threads} BLAS thread(s), {kind}, {args.samples} samples each; "
          f"load {load0:.2f} → {load1:.2f}")
    best0, median0 = min(times[0]), float(np.median(times[0]))
    for k, (spec, t, diff) in enumerate(zip(args.versions, times, diffs)):
        best, median = min(t), float(np.median(t))
        label = spec + (" (control)" if args.control and k == len(times) - 1 else "")
        print(f"  {label:40} best {best:8.1f} ms  median {median:8.1f} ms  "
              f"ratio {best / best0:.3f} ({median / median0:.3f})  max diff {diff:.1e}")


if __name__ == "__main__":
    main()
