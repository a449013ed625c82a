"""Perceptron learning on a two-input truth table, epoch by epoch (SYLLABUS §1).

Equations::

    net = w·x + b,   y = 1 if net ≥ 0 else 0
    w ← w + η (t − y) x,   b ← b + η (t − y)
    stop after the first epoch without errors, or after max_epochs (XOR never stops)

Presentations are numbered p = 1, 2, … across epochs; the number of recorded epochs is fixed
by the givens (the correct run), so a student's slip changes values, never the step list.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.printing.values import counted
from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, integer, number, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.random_givens import pick
from problems.shared.statement_text import num, vec

NAME = "perceptron"
SUMMARY = "Perceptron rule on AND/OR/NAND/NOR/XOR: net, output, error, weights per presentation"
SECTIONS = ("1",)
INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))
GATES = {"and": (0, 0, 0, 1), "or": (0, 1, 1, 1), "nand": (1, 1, 1, 0), "nor": (1, 0, 0, 0), "xor": (0, 1, 1, 0),
         "xnor": (1, 0, 0, 1)}
VARIANTS = {g: f"learn the {g.upper()} truth table" for g in GATES}
STEPS = [
    StepSpec("net.p", "Net input at presentation p", "number", 1, "net = w·x + b"),
    StepSpec("y.p", "Output at presentation p (0 or 1)", "integer", None, "y = 1 if net ≥ 0 else 0"),
    StepSpec("err.p", "Error t − y at presentation p", "integer", None, "t − y"),
    StepSpec("w.p", "Weights after presentation p", "vector", 1, "w + η(t − y)x"),
    StepSpec("b.p", "Bias after presentation p", "number", 1, "b + η(t − y)"),
    StepSpec("errors.e", "Misclassified presentations in epoch e", "integer", None, "#{p in epoch e: t ≠ y}"),
    StepSpec("epochs", "Epochs trained", "integer", None, "first epoch without errors, else max_epochs"),
    StepSpec("converged", "Did training converge? (yes/no)", "choice", None, "an epoch without errors"),
]
GIVENS = {"gate": "and, or, nand, nor, xor or xnor (XNOR = NOT XOR)", "w": "initial weights (w1, w2)", "b": "initial bias",
          "lr": "learning rate η", "max_epochs": "epoch cap (1–8)"}
CHOICES = {"yes": ("y", "true", "converged"), "no": ("n", "false", "not converged")}
MISTAKES = {  # later steps first: an earlier-listed mistake wins a tie in the diagnosis
    "bias-not-updated": "bias left unchanged: b must also move by η(t − y)",
    "input-forgotten": "input left out of the update: w + η(t − y) instead of w + η(t − y)x",
    "error-sign": "error sign flipped: y − t instead of t − y",
    "net-greater": "output convention: y = 1 only if net > 0, but here y = 1 if net ≥ 0",
}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Easy: zero start, η = 1; exam: one-decimal start; hard: any gate including XOR."""
    gate = variant or pick(rng, {"easy": ["and", "or"], "exam": ["and", "or", "nand", "nor"], "hard": list(GATES)}[difficulty])
    cap = 4

    def draw() -> dict[str, Any]:
        for _ in range(30):  # prefer runs that converge before the cap (XOR and XNOR never do)
            if difficulty == "easy":
                wb, lr = rng.integers(-1, 2, size=3) * 1.0, 1.0
            else:
                wb, lr = np.round(rng.integers(-5, 6, size=3) * 0.1, 1), pick(rng, [0.1, 0.2, 0.5, 1.0])
            g = {"gate": gate, "w": wb[:2].tolist(), "b": float(wb[2]), "lr": lr, "max_epochs": cap}
            if gate in ("xor", "xnor") or _epochs(g) < cap:
                break
        return g
    return generate_clear(this(__name__), draw)


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """Gate name, two initial weights, bias, η > 0 and an epoch cap."""
    lr = number(g, "lr", 0.0, 10.0)
    if lr == 0:
        raise GivenError("lr", "a learning rate η > 0")
    return {"gate": choice(g, "gate", GATES), "w": vector(g, "w", (2, 2)), "b": number(g, "b", -100, 100), "lr": lr,
            "max_epochs": integer(g, "max_epochs", 1, 8, default=4)}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    return (f"Train a perceptron with a step output on the {g['gate'].upper()} truth table, presenting (0,0), (0,1), "
            f"(1,0), (1,1) in this order every epoch. Start from w = {vec(g['w'])}, b = {num(g['b'])} with η = {num(g['lr'])}; "
            f"stop after an epoch without errors or after {counted(g['max_epochs'], 'epoch')}. For every presentation give net, y, "
            "the error t − y and the new w and b; then the errors per epoch, the number of epochs and whether it converged.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["Step output: y = 1 if net ≥ 0, else 0.", "Update after every presentation: w ← w + η(t − y)x, b ← b + η(t − y).",
            "Presentations are numbered p = 1, 2, … across epochs (4 per epoch)."]


def _epochs(g: dict[str, Any]) -> int:
    """Epochs of the correct run (fixes the step list)."""
    (w1, w2), b, lr = g["w"], g["b"], g["lr"]
    for e in range(1, g["max_epochs"] + 1):
        errors = 0
        for (x1, x2), t in zip(INPUTS, GATES[g["gate"]]):
            err = t - (1 if round(w1 * x1 + w2 * x2 + b, 9) >= 0 else 0)
            w1, w2, b, errors = w1 + lr * err * x1, w2 + lr * err * x2, b + lr * err, errors + (err != 0)
        if errors == 0:
            return e
    return g["max_epochs"]


def solve(g: dict[str, Any], work: Any) -> None:
    """Every presentation's net, output, error and update; errors per epoch; epochs; converged."""
    (w1, w2), b, lr, p, counts = g["w"], g["b"], g["lr"], 0, []
    for e in range(1, _epochs(g) + 1):
        errors = 0
        for (x1, x2), t in zip(INPUTS, GATES[g["gate"]]):
            p += 1
            prev = (f"w.{p - 1}", f"b.{p - 1}") if p > 1 else ()
            net = work.put(f"net.{p}", f"net, epoch {e}, x = ({x1}, {x2})", round(w1 * x1 + w2 * x2 + b, 9), "w·x + b", depends_on=prev)
            y = int(net > 0 if work.mistake("net-greater") else net >= 0)
            y = work.put(f"y.{p}", f"y, epoch {e}, x = ({x1}, {x2})", y, "1 if net ≥ 0 else 0", depends_on=(f"net.{p}",))
            err = work.put(f"err.{p}", f"t − y with t = {t}", (y - t) if work.mistake("error-sign") else (t - y), "t − y",
                           depends_on=(f"y.{p}",))
            u1, u2 = (1, 1) if work.mistake("input-forgotten") else (x1, x2)
            w1, w2 = work.put(f"w.{p}", f"w after presentation {p}", [round(w1 + lr * err * u1, 9), round(w2 + lr * err * u2, 9)],
                              "w + η(t − y)x", depends_on=(f"err.{p}",) + prev[:1]).tolist()
            b = work.put(f"b.{p}", f"b after presentation {p}", b if work.mistake("bias-not-updated") else round(b + lr * err, 9),
                         "b + η(t − y)", depends_on=(f"err.{p}",) + prev[1:])
            errors += err != 0
        counts.append(work.put(f"errors.{e}", f"Errors in epoch {e}", errors, "#{t ≠ y}",
                               depends_on=tuple(f"err.{q}" for q in range(p - 3, p + 1))))
    epochs = next((e for e, c in enumerate(counts, 1) if c == 0), len(counts))
    work.put("epochs", "Epochs trained", epochs, "first epoch without errors",
             depends_on=tuple(f"errors.{e}" for e in range(1, len(counts) + 1)))
    work.put("converged", "Converged?", "yes" if 0 in counts else "no", "an epoch without errors?", depends_on=("epochs",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent NumPy run (tests only): Heaviside output H(net) with H(0) = 1, batch of 4 per epoch."""
    X, T = np.array(INPUTS, dtype=float), np.array(GATES[g["gate"]], dtype=float)
    w, b, out, p = np.array(g["w"], dtype=float), float(g["b"]), {}, 0
    for e in range(1, g["max_epochs"] + 1):
        miss = 0
        for x, t in zip(X, T):
            p += 1
            net = np.dot(x, w) + b
            y = np.heaviside(np.round(net, 9), 1.0)
            w, b = w + g["lr"] * (t - y) * x, b + g["lr"] * (t - y)
            miss += int(y != t)
            out.update({f"net.{p}": net, f"y.{p}": int(y), f"err.{p}": int(t - y), f"w.{p}": w.tolist(), f"b.{p}": b})
        out[f"errors.{e}"] = miss
        if miss == 0:
            break
    out["epochs"], out["converged"] = e, "yes" if miss == 0 else "no"
    return out
