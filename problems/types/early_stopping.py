"""Early stopping with patience on a validation curve (SYLLABUS §4).

Equations::

    epoch e improves when val_e < best − min_delta; then best = val_e and wait_e = 0,
    otherwise wait_e = wait_{e−1} + 1
    training stops after the first epoch with wait_e ≥ patience (or after the last epoch)
    best epoch = the last improving epoch up to the stop; its parameters are restored

Waits are recorded up to the correct stopping epoch; ``stop``, ``best`` and ``restored`` are
recomputed from the student's own waits.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import integer, number, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.random_givens import pick
from problems.shared.statement_text import num

NAME = "early-stopping"
SUMMARY = "Early stopping with patience: epochs without improvement, stop epoch, best epoch, restored parameters"
SECTIONS = ("4",)
VARIANTS = {"plain": "improvement means a new lowest loss (min_delta = 0)",
            "min-delta": "improvement must beat the best by more than min_delta"}
STEPS = [
    StepSpec("wait.e", "Epochs without improvement after epoch e", "integer", None, "0 if improved else wait + 1"),
    StepSpec("stop", "Epoch after which training stops", "integer", None, "first e with wait_e ≥ patience"),
    StepSpec("best", "Best epoch (last improvement up to the stop)", "integer", None, "last e ≤ stop with wait_e = 0"),
    StepSpec("best_loss", "Validation loss of the best epoch", "number", 2, "val_best"),
    StepSpec("restored", "Epoch whose parameters are restored", "integer", None, "the best epoch"),
]
GIVENS = {"val": "validation loss per epoch (epoch 1 first)", "patience": "patience (epochs without improvement)",
          "min_delta": "minimum improvement (default 0)"}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "restore-last": "restored the parameters of the last epoch instead of the best one",
    "argmin-best": "best epoch taken over the whole curve, including epochs after training had stopped",
    "stop-late": "patience off by one: stopped when wait > patience (one epoch too late)",
    "stop-early": "patience off by one: stopped when wait = patience − 1 (one epoch too early)",
    "min-delta-ignored": "min_delta ignored: any decrease counted as an improvement",
    "wait-not-reset": "counter not reset on improvement: counted all non-improving epochs so far",
    "reversed-rule": "rule reversed: saved (reset the counter) whenever the validation loss rose, instead of when it fell",
}
APPLIES = {"min-delta-ignored": lambda g: g["min_delta"] > 0}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """A falling, then noisy and rising curve (two decimals); sometimes a late dip below the best."""
    n, patience = {"easy": (8, 2), "exam": (10, pick(rng, [2, 3])), "hard": (12, pick(rng, [3, 4]))}[difficulty]
    min_delta = (variant == "min-delta" or (variant is None and difficulty == "hard")) and pick(rng, [0.01, 0.02]) or 0.0

    def draw() -> dict[str, Any]:
        fall = int(rng.integers(3, n - patience))
        steps = np.concatenate([-rng.integers(1, 16, size=fall), rng.integers(-3, 6, size=n - fall - 1)]) / 100
        val = np.round(rng.integers(80, 121) / 100 + np.concatenate([[0.0], np.cumsum(steps)]), 2)
        if rng.integers(3) == 0:
            val[-1] = round(float(val.min()) - 0.01 * float(rng.integers(1, 4)), 2)
        return {"val": val.tolist(), "patience": patience, "min_delta": float(min_delta)}
    return generate_clear(this(__name__), draw)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """A curve of 2–30 epochs, patience ≥ 1, min_delta ≥ 0."""
    val = vector(g, "val", (2, 30))
    patience = integer(g, "patience", 1, 30)
    if patience >= len(val) + 1:
        raise GivenError("patience", "a patience shorter than the curve")
    return {"val": val, "patience": patience, "min_delta": number(g, "min_delta", 0.0, 1e6, default=0.0)}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    curve = ", ".join(f"{e}: {num(v)}" for e, v in enumerate(g["val"], 1))
    delta = f" and min_delta = {num(g['min_delta'])}" if g["min_delta"] else ""
    return (f"The validation loss per epoch is {curve}. Early stopping monitors it with patience {g['patience']}{delta} and "
            "restores the best parameters. Give the number of epochs without improvement after each epoch until training "
            "stops, the stopping epoch, the best epoch, its loss and the epoch whose parameters are restored.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["Epochs are numbered from 1; epoch 1 always improves (wait_1 = 0).",
            f"Improvement: val < best − {num(g['min_delta'])}; training stops after the first epoch with wait ≥ patience.",
            "The restored parameters are those of the best (last improving) epoch."]


def _improved(g: dict[str, Any], work: Any) -> list[bool]:
    delta, best, out = (0.0 if work and work.mistake("min-delta-ignored") else g["min_delta"]), np.inf, []
    rises = bool(work and work.mistake("reversed-rule"))
    best = -np.inf if rises else np.inf
    for v in g["val"]:
        out.append(v > best + delta + 1e-12 if rises else v < best - delta - 1e-12)
        best = v if out[-1] else best
    return out


def _stop(waits: list[int], improved: list[bool], g: dict[str, Any], work: Any) -> int:
    """First epoch with wait ≥ patience; continues past the recorded waits from the last one."""
    p = g["patience"] + (1 if work and work.mistake("stop-late") else 0) - (1 if work and work.mistake("stop-early") else 0)
    w = -1
    for e, imp in enumerate(improved, 1):
        w = waits[e - 1] if e <= len(waits) else (0 if imp else w + 1)
        if w >= p:
            return e
    return len(improved)


def solve(g: dict[str, Any], work: Any) -> None:
    """Waits per epoch up to the stop, then stop, best epoch, its loss and the restored epoch."""
    if idle(work, APPLIES, g):
        return
    clean = _improved(g, None)
    T = _stop([], clean, g, None)
    improved, waits, w = _improved(g, work), [], 0
    for e in range(1, T + 1):
        w = 0 if improved[e - 1] else (e - 1 if work.mistake("wait-not-reset") else w + 1) if e > 1 else 0
        w = work.put(f"wait.{e}", f"Wait after epoch {e} (val = {num(g['val'][e - 1])})", w, "0 if improved else wait + 1",
                     depends_on=(f"wait.{e - 1}",) if e > 1 else ())
        waits.append(w)
    stop = work.put("stop", "Stopping epoch", _stop(waits, improved, g, work), "first e with wait_e ≥ patience",
                    depends_on=tuple(f"wait.{e}" for e in range(1, T + 1)))
    if work.mistake("argmin-best"):
        best = int(np.argmin(g["val"])) + 1
    else:
        zeros = [e for e in range(1, min(stop, T) + 1) if waits[e - 1] == 0] + [e for e in range(T + 1, stop + 1) if improved[e - 1]]
        best = max(zeros) if zeros else 1
    best = work.put("best", "Best epoch", best, "last improving epoch ≤ stop", depends_on=("stop",))
    if not 1 <= best <= len(g["val"]):
        raise IndexError("epoch out of range")
    work.put("best_loss", "Best validation loss", g["val"][best - 1], "val_best", depends_on=("best",))
    work.put("restored", "Restored parameters from epoch", stop if work.mistake("restore-last") else best, "the best epoch",
             depends_on=("stop",) if work.mistake("restore-last") else ("best",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent NumPy pass (tests only): wait = epoch − last improving epoch."""
    val, out, best_val, last = np.asarray(g["val"], dtype=float), {}, np.inf, 0
    for e in range(1, len(val) + 1):
        if val[e - 1] < best_val - g["min_delta"] - 1e-12:
            best_val, last = val[e - 1], e
        out[f"wait.{e}"] = e - last
        if e - last >= g["patience"]:
            break
    out.update(stop=e, best=last, best_loss=float(val[last - 1]), restored=last)
    return out
