"""Time ``chainrule verify`` at the largest configurations its bounds accept (issue 12 item 12).

For each configuration: ask for ``--points 100``; when the work bound refuses it, run again with
the largest count the error message allows. Prints wall and CPU seconds of the child process and
the load average (the bound is on CPU time: a shared machine stretches the wall time).

    python bench/verify_maxima.py            # every configuration below
    python bench/verify_maxima.py lstm gru   # those whose topic is named
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGURATIONS = [
    "mlp --matrix --layers 50",
    "mlp --matrix --layers 50 --hidden 16 --inputs 16 --outputs 16",
    "mlp --matrix --layers 4 --hidden 16 --inputs 16 --outputs 16",
    "mlp --hidden 8 --inputs 8 --outputs 8",
    "lstm --steps 50",
    "lstm --steps 1 --hidden 16 --inputs 16",
    "gru --steps 50",
    "gru --steps 1 --hidden 16 --inputs 16",
    "rnn --steps 50",
    "rnn --steps 50 --hidden 16 --inputs 16 --outputs 16",
    "attention --heads 8 --set d_model=16 --set n=8",
    "attention --set n=8 --set d_k=16 --set d_v=16",
    "conv --set dims=1 --set n=16 --set f=16",
    "conv --set n=8 --set f=3",
    "batchnorm --set m=16 --set features=8",
    "activations",
    "losses",
    "gan",
    "vae",
]


def run(args: list[str]) -> tuple[int, str, float, float]:
    """(exit code, last stderr line, wall seconds, CPU seconds) of ``chainrule verify ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "cli", "verify", *args], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return out.returncode, (out.stderr.strip().splitlines() or [""])[-1], wall, cpu


def main(topics: list[str]) -> None:
    """Print one line per configuration."""
    for line in CONFIGURATIONS:
        if topics and line.split()[0] not in topics:
            continue
        args = line.split()
        rc, err, wall, cpu = run([*args, "--points", "100"])
        points = 100
        fits = re.search(r"use --points (\d+)", err)
        if fits:
            points = int(fits.group(1))
            rc, err, wall, cpu = run([*args, "--points", str(points)])
        load = os.getloadavg()[0]
        verdict = "refused at any --points" if "smaller configuration" in err else f"exit {rc}"
        print(f"verify {line} --points {points}: {verdict}, {cpu:.2f} s CPU, {wall:.2f} s wall, load {load:.1f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
