"""Hyperparameter search: how many trials a grid costs, and what random search buys (SYLLABUS §3).

Equations::

    grid:    configurations G = Π_i L_i  (L_i values of hyperparameter i),  fits = G·k (k-fold CV)
             time = fits · minutes / 60 hours;  values of hyperparameter 1 tried: L_1
             random search with the same budget G: G distinct values of every hyperparameter
    random:  P(no trial in the best fraction q) = (1 − q)ⁿ,   P(at least one) = 1 − (1 − q)ⁿ
             expected hits n·q,   trials for probability P:  n = ⌈ln(1 − P)/ln(1 − q)⌉
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, integer, number, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.statement_text import num

NAME = "hpsearch"
SUMMARY = "Hyperparameter search: grid size, CV fits and time; random search hit probability and trials needed"
SECTIONS = ("3",)
VARIANTS = {"grid": "grid search: configurations Π L_i, fits with k-fold CV, hours, values tried",
            "random": "random search: P(a trial lands in the best fraction q), trials needed for a probability P"}
STEPS = [
    StepSpec("grid", "Configurations in the grid", "integer", None, "Π_i L_i"),
    StepSpec("fits", "Training runs (with k-fold cross-validation)", "integer", None, "Π_i L_i · k"),
    StepSpec("hours", "Total training time in hours", "number", 2, "fits · minutes / 60"),
    StepSpec("values-grid", "Distinct values of the first hyperparameter the grid tries", "integer", None, "L_1"),
    StepSpec("values-random", "Distinct values of it a random search with the same budget tries", "integer", None,
             "number of trials (values drawn from a continuous range)"),
    StepSpec("p-miss", "Probability that no trial lands in the best fraction q", "number", 4, "(1 − q)ⁿ"),
    StepSpec("p-hit", "Probability that at least one trial does", "number", 4, "1 − (1 − q)ⁿ"),
    StepSpec("expected", "Expected number of trials in the best fraction", "number", 2, "n·q"),
    StepSpec("n-needed", "Trials needed for probability P", "integer", None, "⌈ln(1 − P)/ln(1 − q)⌉"),
]
GIVENS = {"variant": "grid or random",
          "levels": "grid: number of values L_i of each hyperparameter (2–5 hyperparameters)",
          "names": "grid: names of the hyperparameters (optional)", "folds": "grid: k of k-fold CV (1: no CV)",
          "minutes": "grid: minutes per training run", "trials": "random: number of trials n",
          "q": "random: fraction of the search space that counts as good (0 < q < 1)",
          "target": "random: wanted probability P of at least one good trial"}
MISTAKES = {
    "sum-not-product": "grid size as the sum Σ L_i: the grid holds every combination, Π L_i",
    "folds-forgotten": "cross-validation folds forgotten: each configuration is trained k times",
    "configs-as-values": "the grid's configurations counted as values: it tries only the L_1 listed values of each hyperparameter",
    "random-like-grid": "random search credited with only L_1 values: each of its trials draws a new value of every hyperparameter",
    "miss-q-power": "probability of missing written qⁿ: each trial misses with probability 1 − q, so (1 − q)ⁿ",
    "union-bound": "P(at least one) taken as n·q (the expected count; it can exceed 1) instead of 1 − (1 − q)ⁿ",
    "complement-forgotten": "gave the probability of missing, (1 − q)ⁿ, as the probability of a hit",
    "floor-not-ceil": "trials needed rounded down: n must be at least ln(1 − P)/ln(1 − q), so round up",
    "log-ratio-inverted": "logarithms inverted: ln(1 − q)/ln(1 − P) instead of ln(1 − P)/ln(1 − q)",
}
_GRID, _RANDOM = set(list(MISTAKES)[:4]), set(list(MISTAKES)[4:])
APPLIES = {**{m: (lambda g: g["variant"] == "grid") for m in _GRID}, **{m: (lambda g: g["variant"] == "random") for m in _RANDOM},
           "folds-forgotten": lambda g: g.get("folds", 1) > 1}
POOL = ["learning rate", "batch size", "depth", "width", "dropout", "weight decay"]


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Easy: two hyperparameters, no CV; exam: 3 with 3- or 5-fold CV; hard: 4 of them, q down to 1 %."""
    v = variant or pick(rng, {"easy": ["grid", "grid", "random"], "exam": ["grid", "random"], "hard": ["grid", "random"]}[difficulty])

    def draw() -> dict[str, Any]:
        if v == "grid":
            k = {"easy": 2, "exam": 3, "hard": 4}[difficulty]
            names = [POOL[i] for i in sorted(rng.choice(len(POOL), size=k, replace=False))]
            return {"variant": v, "levels": [int(rng.integers(2, 6)) for _ in range(k)], "names": names,
                    "folds": 1 if difficulty == "easy" else pick(rng, [3, 5, 10] if difficulty == "hard" else [3, 5]),
                    "minutes": pick(rng, [2, 5, 10, 15, 20, 30])}
        return {"variant": v, "trials": pick(rng, {"easy": [10, 20, 30], "exam": [10, 20, 30, 40, 50, 60], "hard": [25, 50, 75, 100]}[difficulty]),
                "q": pick(rng, [0.05, 0.1] if difficulty == "easy" else [0.02, 0.05, 0.1] if difficulty == "exam" else [0.01, 0.02, 0.05]),
                "target": pick(rng, [0.9, 0.95] if difficulty != "hard" else [0.95, 0.99])}
    return generate_clear(this(__name__), draw)


def _names(g: dict[str, Any], k: int) -> list[str]:
    """The k names of the hyperparameters (a list, or a comma-separated string; default numbered)."""
    raw = g.get("names")
    if raw is None:
        return [f"hyperparameter {i}" for i in range(1, k + 1)]
    items = [str(s).strip() for s in (raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, list) else [raw])]
    if len(items) != k or any(not re.fullmatch(r"[A-Za-z][A-Za-z0-9 \-]{0,24}", str(s)) for s in items):
        raise GivenError("names", f"expected {k} names (letters, digits, spaces), one per entry of levels")
    return [str(s) for s in items]


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Grid: 1–6 hyperparameters with 1–20 values each; random: 1–10000 trials, 0 < q, P < 1."""
    v = choice(g, "variant", VARIANTS, default="random" if "trials" in g else "grid")
    if v == "grid":
        levels = vector(g, "levels", (1, 6))
        if any(x != int(x) or not 1 <= x <= 20 for x in levels):
            raise GivenError("levels", "expected whole numbers from 1 to 20 (values per hyperparameter)")
        return {"variant": v, "levels": [int(x) for x in levels], "names": _names(g, len(levels)),
                "folds": integer(g, "folds", 1, 20, default=1), "minutes": number(g, "minutes", 0.01, 10_000)}
    return {"variant": v, "trials": integer(g, "trials", 1, 10_000), "q": number(g, "q", 1e-6, 0.999),
            "target": number(g, "target", 0.01, 0.999999)}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    if g["variant"] == "grid":
        parts = ", ".join(f"{n} values of {name}" for n, name in zip(g["levels"], g["names"]))
        cv = f" with {g['folds']}-fold cross-validation" if g["folds"] > 1 else " (no cross-validation)"
        return (f"A grid search tries {parts}{cv}; one training run takes {num(g['minutes'])} minutes. How many "
                "configurations and training runs are there, how many hours does it take, and how many distinct "
                f"values of {g['names'][0]} do the grid and a random search with the same number of trials try?")
    return (f"A random search draws n = {g['trials']} configurations independently and uniformly. Call a trial good when it "
            f"lands in the best q = {num(g['q'])} of the search space. Give the probability that no trial is good, that at "
            f"least one is, the expected number of good trials, and the trials needed for P(at least one) ≥ {num(g['target'])}.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    if g["variant"] == "grid":
        return ["k-fold cross-validation trains every configuration k times (a final refit is not counted).",
                "Random search draws every hyperparameter from a continuous range: all its values differ."]
    return ["Trials are independent; each is good with probability q.", "Natural logarithms; trials needed rounded up."]


def solve(g: dict[str, Any], work: Any) -> None:
    """Grid: configurations, fits, hours, values tried; random: miss/hit probabilities, trials needed."""
    if idle(work, APPLIES, g):
        return
    if g["variant"] == "grid":
        levels = g["levels"]
        grid = work.put("grid", "Configurations", sum(levels) if work.mistake("sum-not-product") else math.prod(levels),
                        "Π_i L_i", because=" × ".join(map(str, levels)))
        fits = work.put("fits", "Training runs", grid if work.mistake("folds-forgotten") else grid * g["folds"],
                        "Π_i L_i · k", depends_on=("grid",))
        work.put("hours", "Hours", fits * g["minutes"] / 60, "fits · minutes / 60", depends_on=("fits",))
        work.put("values-grid", f"Values of {g['names'][0]} (grid)", grid if work.mistake("configs-as-values") else levels[0],
                 "L_1", depends_on=("grid",) if work.mistake("configs-as-values") else ())
        work.put("values-random", f"Values of {g['names'][0]} (random search)",
                 levels[0] if work.mistake("random-like-grid") else grid, "trials = Π_i L_i", depends_on=("grid",))
        return
    n, q, P = g["trials"], g["q"], g["target"]
    miss = work.put("p-miss", "P(no good trial)", q ** n if work.mistake("miss-q-power") else (1 - q) ** n, "(1 − q)ⁿ")
    hit = n * q if work.mistake("union-bound") else miss if work.mistake("complement-forgotten") else 1 - miss
    work.put("p-hit", "P(at least one good trial)", hit, "1 − (1 − q)ⁿ", depends_on=("p-miss",))
    work.put("expected", "Expected good trials", n * q, "n·q")
    ratio = math.log(1 - q) / math.log(1 - P) if work.mistake("log-ratio-inverted") else math.log(1 - P) / math.log(1 - q)
    need = math.floor(ratio + 1e-9) if work.mistake("floor-not-ceil") else math.ceil(ratio - 1e-9)
    work.put("n-needed", "Trials needed", max(need, 1), "⌈ln(1 − P)/ln(1 − q)⌉", because=f"ln(1 − P)/ln(1 − q) = {ratio:.6g}")


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): itertools enumerates the grid and its CV runs, a seeded
    random search counts its distinct values, scipy.stats.binom gives the trial probabilities."""
    from problems.types._hpsearch_crosscheck import cross
    return cross(g)
