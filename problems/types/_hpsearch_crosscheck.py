"""Independent step values of the ``hpsearch`` type, by other routes (tests only)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

def cross(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): itertools enumerates the grid, scipy.stats.binom the trials."""
    if g["variant"] == "grid":
        configs = list(itertools.product(*[range(n) for n in g["levels"]]))
        runs = list(itertools.product(configs, range(g["folds"])))
        draws = np.random.default_rng(0).uniform(size=(len(configs), len(g["levels"])))  # a random search, same budget
        return {"grid": len(configs), "fits": len(runs), "hours": len(runs) * g["minutes"] / 60,
                "values-grid": len({c[0] for c in configs}), "values-random": len(set(draws[:, 0].tolist()))}
    from scipy.stats import binom
    n, q, P = g["trials"], g["q"], g["target"]
    need = next(m for m in itertools.count(1) if binom.sf(0, m, q) >= P - 1e-12)
    return {"p-miss": float(binom.pmf(0, n, q)), "p-hit": float(binom.sf(0, n, q)), "expected": float(binom.mean(n, q)),
            "n-needed": need}
