"""Dropout on one layer: mask, scaling at training or at test time, expected active units (SYLLABUS §4).

Equations::

    p = drop probability, keep probability 1 − p, mask m_i ∈ {0, 1} (1 = kept)
    inverted (default):  train  y = a ⊙ m / (1 − p),   test  y = a
    standard:            train  y = a ⊙ m,             test  y = (1 − p) a
    E[#kept] = n (1 − p)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, number, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.optional_torch import load_torch
from problems.shared.random_givens import pick
from problems.shared.statement_text import num, vec

NAME = "dropout"
SUMMARY = "Dropout: apply a mask, inverted (1/(1 − p)) or standard scaling, test-time output, expected units"
SECTIONS = ("4",)
VARIANTS = {"inverted": "inverted dropout: scale by 1/(1 − p) while training",
            "standard": "original dropout: scale by (1 − p) at test time"}
STEPS = [
    StepSpec("kept", "Number of kept units", "integer", None, "Σ m_i"),
    StepSpec("masked", "Masked activations a ⊙ m", "vector", 2, "a ⊙ m"),
    StepSpec("scale", "Scale factor (inverted: training; standard: test)", "number", 4, "1/(1 − p) | 1 − p"),
    StepSpec("out", "Output while training", "vector", 3, "a ⊙ m / (1 − p) | a ⊙ m"),
    StepSpec("test_out", "Output at test time", "vector", 3, "a | (1 − p) a"),
    StepSpec("expected", "Expected number of kept units", "number", 2, "n (1 − p)"),
]
GIVENS = {"a": "activations of the layer", "mask": "dropout mask, 1 = kept, 0 = dropped", "p": "drop probability p (0 ≤ p < 1)",
          "mode": "inverted (default) or standard"}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "expected-uses-p": "expected kept units computed as n·p: p is the drop probability, so it is n(1 − p)",
    "test-mode-confused": "test-time output of the other convention (inverted dropout needs no scaling at test time; "
                          "standard needs (1 − p))",
    "no-scaling": "inverted dropout without the 1/(1 − p) scaling while training",
    "scale-by-p": "scaled with p instead of 1 − p (p taken as the keep probability)",
    "mask-inverted": "mask read backwards: kept the units with m = 0",
}
APPLIES = {"no-scaling": lambda g: g["mode"] == "inverted", "scale-by-p": lambda g: g["p"] != 0.5,
           "expected-uses-p": lambda g: g["p"] != 0.5}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """One-decimal activations, a random mask with at least one kept and one dropped unit."""
    mode = variant or ("standard" if difficulty == "hard" and rng.integers(2) else "inverted")
    n = {"easy": 4, "exam": 6, "hard": 8}[difficulty]

    def draw() -> dict[str, Any]:
        mask = np.zeros(n)
        while mask.sum() in (0, n):
            mask = rng.integers(0, 2, size=n).astype(float)
        return {"a": (rng.integers(1, 31, size=n) / 10).tolist(), "mask": mask.tolist(),
                "p": pick(rng, [0.2, 0.25, 0.4, 0.5]), "mode": mode}
    return generate_clear(this(__name__), draw)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Activations and a 0/1 mask of equal length, 0 ≤ p < 1, the mode."""
    a = vector(g, "a", (1, 64))
    mask = vector(g, "mask", (len(a), len(a)))
    if any(m not in (0.0, 1.0) for m in mask):
        raise GivenError("mask", "entries 0 (dropped) or 1 (kept)")
    p = number(g, "p", 0.0, 0.99)
    return {"a": a, "mask": mask, "p": p, "mode": choice(g, "mode", VARIANTS, default="inverted")}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    how = "inverted dropout (scaling while training)" if g["mode"] == "inverted" else "standard dropout (scaling at test time)"
    return (f"A layer outputs a = {vec(g['a'])}. With {how}, drop probability p = {num(g['p'])} and the sampled mask "
            f"m = {vec(g['mask'])} (1 = kept), give the number of kept units, a ⊙ m, the scale factor, the training "
            f"output, the test-time output and the expected number of kept units for {len(g['a'])} units.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    rule = ("Inverted dropout: y = a ⊙ m/(1 − p) while training, y = a at test time." if g["mode"] == "inverted" else
            "Standard dropout: y = a ⊙ m while training, y = (1 − p)·a at test time.")
    return ["p is the probability of dropping a unit; a unit is kept with probability 1 − p.", rule]


def solve(g: dict[str, Any], work: Any) -> None:
    """Kept count, masked activations, scale, training output, test output, expectation."""
    if idle(work, APPLIES, g):
        return
    a, p, inverted = np.array(g["a"]), g["p"], g["mode"] == "inverted"
    m = 1 - np.array(g["mask"]) if work.mistake("mask-inverted") else np.array(g["mask"])
    work.put("kept", "Kept units", int(m.sum()), "Σ m_i")
    masked = work.put("masked", "a ⊙ m", a * m, "a ⊙ m")
    keep = p if work.mistake("scale-by-p") else 1 - p
    scale = work.put("scale", "Scale factor", 1 / keep if inverted else keep, "1/(1 − p)" if inverted else "1 − p")
    train = masked * scale if inverted and not work.mistake("no-scaling") else masked
    work.put("out", "Training output", train, "a ⊙ m / (1 − p)" if inverted else "a ⊙ m",
             depends_on=("masked", "scale") if inverted else ("masked",))
    test_scaled = inverted == work.mistake("test-mode-confused")
    work.put("test_out", "Test-time output", a * scale if test_scaled and not inverted else a * (1 - p) if test_scaled else a,
             "a" if inverted else "(1 − p) a", depends_on=() if inverted else ("scale",))
    work.put("expected", "Expected kept units", len(a) * (p if work.mistake("expected-uses-p") else 1 - p), "n (1 − p)")


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): torch F.dropout's own scale, scipy's binomial mean."""
    from scipy.stats import binom
    a, m, p = np.array(g["a"]), np.array(g["mask"]), g["p"]
    torch, out = load_torch(), {"kept": int(np.count_nonzero(m)), "masked": np.where(m > 0, a, 0.0).tolist(),
                                "expected": float(binom(len(a), 1 - p).mean())}
    if g["mode"] == "standard":
        return {**out, "scale": 1 - p, "out": out["masked"], "test_out": (a * (1 - p)).tolist()}
    if torch is None:
        scale, test = 1 / (1 - p), a
    else:
        with torch.random.fork_rng():
            torch.manual_seed(0)
            dropped = torch.nn.functional.dropout(torch.ones(4096, dtype=torch.float64), p, training=True)
        scale = float(dropped.max()) if p > 0 else 1.0
        test = torch.nn.functional.dropout(torch.tensor(g["a"], dtype=torch.float64), p, training=False).numpy()
    return {**out, "scale": scale, "out": (np.where(m > 0, a, 0.0) * scale).tolist(), "test_out": np.asarray(test).tolist()}
