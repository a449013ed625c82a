"""Pieces of the ``hpsearch`` type: the hyperparameter names given, and the independent cross-check."""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np

from problems.givens import GivenError


def names(g: dict[str, Any], k: int) -> list[str]:
    """The k names of the hyperparameters (a list, or a comma-separated string; default numbered)."""
    raw = g.get("names")
    if raw is None:
        return [f"hyperparameter {i}" for i in range(1, k + 1)]
    items = [s.strip() for s in (raw.split(",") if isinstance(raw, str) else raw)]
    if len(items) != k or any(not re.fullmatch(r"[A-Za-z][A-Za-z0-9 \-]{0,24}", str(s)) for s in items):
        raise GivenError("names", f"expected {k} names (letters, digits, spaces), one per entry of levels")
    return [str(s) for s in items]


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
