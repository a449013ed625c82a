"""Kohonen self-organizing map: winner by squared distance, then update (SYLLABUS §12).

Equations::

    d²_j = Σ_i (x_i − w_ji)²              for every unit j
    J    = argmin_j d²_j                  (1-based unit number; ties go to the lower number)
    r²_j = ‖g_j − g_J‖²                   squared distance on the map grid (g_j: unit j's cell)
    h_j  = [j = J]                        no neighbourhood (radius 0; the default)
         = [r_j ≤ R]                      radius neighbourhood
         = exp(−r²_j / (2σ²))             Gaussian neighbourhood
    η_e  = η · decay^(e−1)                learning rate in epoch e
    w_j ← w_j + η_e h_j (x − w_j)         for every unit j

Presentations are numbered k = 1, 2, … across epochs (2 samples, 2 epochs: k = 1…4).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, integer, matrix, number
from problems.work import Work

NAME = "som"
SUMMARY = "Kohonen SOM: squared distances, winner, neighbourhood and weight update per sample"
SECTIONS = ("12",)
VARIANTS = {
    "neighbourhood": "units on a 1-D or 2-D grid; the winner's neighbours move too (radius or Gaussian h)",
    "epochs": "two epochs over the samples with a decaying learning rate η_e = η·decay^(e−1)",
    "full": "a neighbourhood and a learning-rate schedule together",
}
STEPS = [
    StepSpec("lr.e", "Learning rate in epoch e (e ≥ 2)", "number", 2, "η_e = η·decay^(e−1)"),
    StepSpec("d2.k", "Squared distances of sample k to every unit", "vector", 2, "d²_j = Σ_i (x_i − w_ji)²"),
    StepSpec("winner.k", "Winning unit for sample k (1-based)", "integer", None, "J = argmin_j d²_j"),
    StepSpec("r2.k", "Squared grid distances of every unit to winner k", "vector", None, "r²_j = ‖g_j − g_J‖² (grid cells)"),
    StepSpec("h.k", "Neighbourhood factor of every unit for sample k", "vector", 2, "h_j = exp(−r²_j/(2σ²)), or 1 if r_j ≤ R else 0"),
    StepSpec("weights.k", "Weight matrix after sample k (one row per unit)", "matrix", 2, "w_j ← w_j + η h_j (x − w_j)"),
]
GIVENS = {
    "weights": "initial weight matrix, one row per unit (2–4 units × 3–5 features)",
    "x": "training samples in presentation order, one row each (1–4 × features)",
    "lr": "learning rate η, 0 < η ≤ 1",
    "neighbourhood": "none (default: only the winner moves), radius or gauss",
    "grid": "map shape: [units] (1-D line, the default) or [rows, cols] (2-D, row-major unit numbers)",
    "radius": "R for the radius neighbourhood: units with grid distance r ≤ R move fully (default 1)",
    "sigma": "σ of the Gaussian neighbourhood h = exp(−r²/(2σ²)) (default 1)",
    "epochs": "passes over the samples (default 1)",
    "lr_decay": "η_e = η·lr_decay^(e−1) in epoch e (default 1: constant)",
}
MISTAKES = {
    "not-squared": "distance not squared: used ‖x − w‖ instead of ‖x − w‖²",
    "sign-flipped": "update sign flipped: w − η(x − w) instead of w + η(x − w)",
    "loser-updated": "losers updated too: every unit moved fully, not only the winner (and its neighbourhood)",
    "lr-misapplied": "learning rate misapplied: ηw + (1 − η)x instead of w + η(x − w)",
    "lr-omitted": "learning rate left out: the winner jumped onto the sample (η = 1)",
    "stale-weights": "weights not carried over: distances computed from the initial weights",
    "argmax": "wrong winner: picked the largest distance instead of the smallest",
    "tie-higher": "tie broken towards the higher unit number (the convention is the lower)",
    "neighbours-ignored": "neighbourhood ignored: only the winner moved",
    "h-divisor": "Gaussian divisor wrong: exp(−r²/σ²) instead of exp(−r²/(2σ²))",
    "r-not-squared": "grid distance not squared: exp(−r/(2σ²)) instead of exp(−r²/(2σ²))",
    "lr-not-decayed": "learning-rate schedule ignored: η kept constant over the epochs",
    "lr-decay-early": "schedule off by one: η·decay^e instead of η·decay^(e−1)",
}
DIAGNOSES = {
    "wrong-winner": "wrong winner: the chosen unit does not have the smallest squared distance",
    "copied-differently": "weight matrix copied differently from the previous line",
    "components-miscopied": "components miscopied: two components swapped",
    "winner-not-updated": "the winner's row was not updated",
}
LRS = [0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6]


# --- generation ------------------------------------------------------------------------------

def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """One-decimal weights and samples in [0, 1], η from a hand-friendly set.

    ``hard`` deliberately includes a tie for the winner in about half the seeds.
    """
    if variant is not None:
        return _generate_variant(rng, difficulty, variant)
    sizes = {"easy": ((2, 3), (3, 4), (1, 2)), "exam": ((2, 4), (3, 5), (2, 3)), "hard": ((3, 4), (4, 5), (3, 4))}[difficulty]
    units, feats, samples = (int(rng.integers(lo, hi + 1)) for lo, hi in sizes)
    lr = float(rng.choice(LRS))
    for _ in range(200):
        g = _draw(rng, units, feats, samples, lr)
        if difficulty == "hard" or _clear_winners(np.array(g["weights"]), np.array(g["x"]), lr):
            break
    if difficulty == "hard" and rng.random() < 0.5:
        for _ in range(400):
            d2 = np.sort(((np.array(g["weights"]) - np.array(g["x"][0])) ** 2).sum(axis=1))
            if d2[1] - d2[0] < 1e-9:  # the first sample ties for the winner
                break
            g = _draw(rng, units, feats, samples, lr)
    return g


def _draw(rng: np.random.Generator, units: int, feats: int, samples: int, lr: float) -> dict[str, Any]:
    w = np.round(rng.integers(0, 11, size=(units, feats)) / 10, 1)
    x = np.round(rng.integers(0, 11, size=(samples, feats)) / 10, 1)
    return {"weights": w.tolist(), "x": x.tolist(), "lr": lr}


def _clear_winners(w: np.ndarray, x: np.ndarray, lr: float) -> bool:
    """True when every sample's two smallest squared distances differ by at least 0.05."""
    w = w.copy()
    for xk in x:
        d2 = np.sort(((w - xk) ** 2).sum(axis=1))
        if d2[1] - d2[0] < 0.05:
            return False
        j = int(np.argmin(((w - xk) ** 2).sum(axis=1)))
        w[j] += lr * (xk - w[j])
    return True


def _generate_variant(rng: np.random.Generator, difficulty: str, variant: str) -> dict[str, Any]:
    hood, epochs = variant in ("neighbourhood", "full"), variant in ("epochs", "full")
    grid = [[3], [4], [2, 2]][int(rng.integers(0, 3))] if hood else [int(rng.integers(2, 4))]
    feats = int(rng.integers(2, 4))
    samples = 1 if difficulty == "easy" or (hood and epochs) else int(rng.integers(1, 3)) + (difficulty == "hard")
    extra: dict[str, Any] = {}
    if hood:
        extra["neighbourhood"] = str(rng.choice(["radius", "gauss"]))
        extra["grid"] = grid
        extra.update({"radius": 1.0} if extra["neighbourhood"] == "radius" else {"sigma": float(rng.choice([1.0, 2.0]))})
    if epochs:
        extra.update(epochs=2 if difficulty != "hard" else 3, lr_decay=float(rng.choice([0.5, 0.8])))
    lr = float(rng.choice([0.2, 0.4, 0.5, 0.6]))
    for _ in range(200):
        g = {**_draw(rng, int(np.prod(grid)), feats, samples, lr), **extra}
        if difficulty == "hard" or min(_gaps(g)) >= 0.05:
            break
    return g


def _gaps(g: dict[str, Any]) -> list[float]:
    """For each presentation, the gap between the two smallest squared distances."""
    work = Work()
    solve(validate(g), work)
    return [float(np.diff(np.sort(v)[:2])[0]) for k, v in work.values.items() if k.startswith("d2.")]


# --- givens ----------------------------------------------------------------------------------

def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Check shapes and ranges; return the givens in canonical form (defaults left out)."""
    w = matrix(givens, "weights", rows=(1, 20), cols=(1, 20))
    x = matrix(givens, "x", rows=(1, 20), cols=(len(w[0]), len(w[0])))
    lr = number(givens, "lr", low=0.0, high=1.0)
    if lr == 0:
        raise GivenError("lr", "a learning rate η with 0 < η ≤ 1")
    out: dict[str, Any] = {"weights": w, "x": x, "lr": lr}
    hood = choice(givens, "neighbourhood", ("none", "radius", "gauss"), default="none")
    if hood != "none":
        out["neighbourhood"], out["grid"] = hood, _grid(givens, len(w))
        if hood == "radius":
            out["radius"] = number(givens, "radius", low=0.0, high=20.0, default=1.0)
        else:
            out["sigma"] = number(givens, "sigma", low=0.05, high=20.0, default=1.0)
    epochs = integer(givens, "epochs", 1, 10, default=1)
    if epochs > 1:
        out["epochs"] = epochs
        out["lr_decay"] = number(givens, "lr_decay", low=0.01, high=1.0, default=1.0)
    if len(x) * epochs > 40:
        raise GivenError("epochs", "at most 40 presentations (samples × epochs) in one exercise")
    return out


def _grid(givens: dict[str, Any], units: int) -> list[int]:
    raw = givens.get("grid", [units])
    grid = [raw] if isinstance(raw, (int, float)) else raw
    if isinstance(grid, str) or not 1 <= len(grid) <= 2 or not all(float(v).is_integer() and v >= 1 for v in grid):
        raise GivenError("grid", f"expected [units] or [rows, cols] of whole numbers, got {raw!r}")
    grid = [int(v) for v in grid]
    if int(np.prod(grid)) != units:
        raise GivenError("grid", f"a grid of {'×'.join(map(str, grid))} cells does not hold {units} units")
    return grid


# --- text ------------------------------------------------------------------------------------

def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    units, n = len(g["weights"]), len(g["x"])
    rows = "; ".join(f"w{j} = {_vec(w)}" for j, w in enumerate(g["weights"], 1))
    xs = "; ".join(f"x{k} = {_vec(x)}" for k, x in enumerate(g["x"], 1))
    text = (f"A Kohonen SOM has {units} units with weight vectors {rows}. The learning rate is "
            f"η = {g['lr']:g}. Present the sample{'s' if n > 1 else ''} {xs} in order")
    if g.get("epochs", 1) > 1:
        text += f", for {g['epochs']} epochs, with η multiplied by {g['lr_decay']:g} after each epoch"
    text += ". For each sample compute the squared Euclidean distance to every unit, the winning unit, "
    if "neighbourhood" in g:
        grid = g["grid"]
        where = f"on a line (1-D grid of {grid[0]})" if len(grid) == 1 else f"on a {grid[0]}×{grid[1]} grid (numbered row by row)"
        how = (f"all units within grid distance R = {g['radius']:g} of the winner move fully" if g["neighbourhood"] == "radius"
               else f"every unit moves with h = exp(−r²/(2σ²)), σ = {g['sigma']:g}")
        return text + f"the neighbourhood factors and the updated weight matrix. The units lie {where}; {how}."
    return text + "and the weight matrix after updating the winner only."


def _vec(v: list[float]) -> str:
    return "(" + ", ".join(f"{a:g}" for a in v) + ")"


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    out = ["Winner J = argmin_j ‖x − w_j‖² (squared Euclidean distance); ties go to the lower unit number."]
    if g.get("neighbourhood") == "radius":
        out.append("r_j is the Euclidean distance between the grid cells of unit j and the winner; h_j = 1 if r_j ≤ R, else 0.")
    elif g.get("neighbourhood") == "gauss":
        out.append("r_j is the Euclidean distance between the grid cells of unit j and the winner; h_j = exp(−r_j²/(2σ²)).")
    if "neighbourhood" in g:
        out.append("Every unit is updated: w_j ← w_j + η h_j (x − w_j); r2.k and h.k are vectors over the units.")
    else:
        out.append("Only the winner is updated: w_J ← w_J + η(x − w_J) (neighbourhood radius 0).")
    if g.get("epochs", 1) > 1:
        out.append("Samples are numbered k = 1, 2, … over all epochs; lr.e is η in epoch e = 2, 3, ….")
    out.append("Units are numbered from 1; weights.k is the whole matrix after sample k.")
    return out


# --- solving ---------------------------------------------------------------------------------

def _coords(g: dict[str, Any]) -> np.ndarray:
    """Grid cell of every unit, row-major: (units, 1) for a line, (units, 2) for a grid."""
    grid = g.get("grid", [len(g["weights"])])
    return np.array(np.unravel_index(np.arange(int(np.prod(grid))), grid), dtype=float).T


def _learning_rate(g: dict[str, Any], e: int, work: Any) -> float:
    decay = g.get("lr_decay", 1.0)
    power = 0 if work.mistake("lr-not-decayed") else e if work.mistake("lr-decay-early") else e - 1
    lr = g["lr"] * decay ** power
    if e == 1:
        return lr
    return work.put(f"lr.{e}", f"Learning rate in epoch {e}", lr, formula="η·decay^(e−1)",
                    because=f"η_{e} = {g['lr']:g}·{decay:g}^{e - 1}")


def _neighbourhood(g: dict[str, Any], k: int, J: int, work: Any) -> np.ndarray:
    """h over the units for winner J (1-based): one-hot, radius or Gaussian."""
    units = len(g["weights"])
    if "neighbourhood" not in g or work.mistake("neighbours-ignored"):
        return np.eye(units)[J - 1] if not work.mistake("loser-updated") else np.ones(units)
    c = _coords(g)
    r2 = work.put(f"r2.{k}", f"Squared grid distances to winner {J}", ((c - c[J - 1]) ** 2).sum(axis=1),
                  formula="‖g_j − g_J‖²", depends_on=(f"winner.{k}",))
    if g["neighbourhood"] == "radius":
        h = (np.sqrt(r2) <= g["radius"] + 1e-9).astype(float)
    else:
        r = np.sqrt(r2) if work.mistake("r-not-squared") else r2
        h = np.exp(-r / (g["sigma"] ** 2 if work.mistake("h-divisor") else 2 * g["sigma"] ** 2))
    if work.mistake("loser-updated"):
        h = np.ones(units)
    return work.put(f"h.{k}", f"Neighbourhood factors for sample {k}", h,
                    formula="[r ≤ R]" if g["neighbourhood"] == "radius" else "exp(−r²/(2σ²))", depends_on=(f"r2.{k}",))


def _update(W: np.ndarray, x: np.ndarray, lr: float, h: np.ndarray, work: Any) -> np.ndarray:
    W = W.copy()
    for j in np.flatnonzero(h > 0):
        a = lr * h[j]
        if work.mistake("sign-flipped"):
            W[j] = W[j] - a * (x - W[j])
        elif work.mistake("lr-misapplied"):
            W[j] = a * W[j] + (1 - a) * x
        elif work.mistake("lr-omitted"):
            W[j] = W[j] + h[j] * (x - W[j])
        else:
            W[j] = W[j] + a * (x - W[j])
    return W


def solve(g: dict[str, Any], work: Any) -> None:
    """Distances, winner, neighbourhood and updated weights for every presentation, in order."""
    W = np.array(g["weights"], dtype=float)
    W0, X, k = W.copy(), np.array(g["x"], dtype=float), 0
    for e in range(1, g.get("epochs", 1) + 1):
        lr = _learning_rate(g, e, work)
        for i, x in enumerate(X, 1):
            k += 1
            prev = f"weights.{k - 1}" if k > 1 else "weights"
            base = W0 if work.mistake("stale-weights") else W
            d2 = ((base - x) ** 2).sum(axis=1)
            d2 = work.put(f"d2.{k}", f"Squared distances of x{i} to each unit", np.sqrt(d2) if work.mistake("not-squared") else d2,
                          formula="Σ_i (x_i − w_ji)²", depends_on=(prev,) if k > 1 else ())
            J = _winner(d2, work) + 1
            J = work.put(f"winner.{k}", f"Winner for x{i}", J, formula="argmin_j d²_j", depends_on=(f"d2.{k}",))
            if not 1 <= J <= len(W):
                raise ValueError("winner out of range")
            h = _neighbourhood(g, k, J, work)
            moved = f"unit {J} moved" if "neighbourhood" not in g else f"winner {J} and its neighbourhood moved"
            W = work.put(f"weights.{k}", f"Weights after x{i} ({moved})", _update(W, x, lr, h, work),
                         formula="w_j + η h_j (x − w_j)" if "neighbourhood" in g else "w_J + η(x − w_J)",
                         depends_on=(f"winner.{k}",) + ((f"h.{k}",) if "neighbourhood" in g else ()) + ((prev,) if k > 1 else ())
                         + ((f"lr.{e}",) if e > 1 else ()),
                         because=f"η = {lr:.6g}; rows with h_j = 0 unchanged")


def _winner(d2: np.ndarray, work: Any) -> int:
    """0-based winner; distances within 1e-9 of the smallest tie (floating noise is no winner)."""
    if work.mistake("argmax"):
        return int(np.argmax(d2))
    tied = np.flatnonzero(d2 <= d2.min() + 1e-9)
    return int(tied[-1] if work.mistake("tie-higher") else tied[0])


# --- diagnosis beyond the replayed mistakes --------------------------------------------------

def diagnose(g: dict[str, Any], ctx: Any) -> str | None:
    """Wrong winner, a row copied from another line, swapped components, winner not moved."""
    kind, _, k = ctx.step_id.partition(".")
    if kind == "winner":
        d2 = np.asarray(ctx.student.get(f"d2.{k}", ctx.own.get(f"d2.{k}")), dtype=float)
        J = ctx.given
        if isinstance(J, (int, float)) and float(J).is_integer() and 1 <= J <= len(d2) and d2[int(J) - 1] > d2.min():
            best = int(np.argmin(d2)) + 1
            return f"{DIAGNOSES['wrong-winner']} (unit {int(J)}: d² = {d2[int(J) - 1]:.4g}; unit {best}: d² = {d2.min():.4g})"
    if kind == "d2":
        return _diagnose_distances(g, ctx, int(k))
    if kind == "weights":
        return _diagnose_weights(g, ctx, int(k))
    return None


def _line(ctx: Any, g: dict[str, Any], k: int) -> np.ndarray:
    """The weight matrix the student should carry into presentation k."""
    key = f"weights.{k - 1}"
    return np.asarray(ctx.student.get(key, ctx.expected.get(key, g["weights"])), dtype=float)


def _sample(g: dict[str, Any], k: int) -> np.ndarray:
    X = np.asarray(g["x"], dtype=float)
    return X[(k - 1) % len(X)]


def _diagnose_distances(g: dict[str, Any], ctx: Any, k: int) -> str | None:
    if not isinstance(ctx.given, list):
        return None
    W, x = _line(ctx, g, k), _sample(g, k)
    base = ((W - x) ** 2).sum(axis=1)
    lines = [np.asarray(g["weights"], dtype=float)]
    for i in range(1, k - 1):
        lines += [np.asarray(d[f"weights.{i}"], dtype=float) for d in (ctx.expected, ctx.student) if f"weights.{i}" in d]
    found: list[str] = []
    for j in range(len(W)):
        if _element_ok(ctx, base, j):
            continue
        label = _explain_row(ctx, base, j, W[j], x, lines)
        if label is None:
            return None
        found.append(label)
    return "; ".join(found) if found else None


def _element_ok(ctx: Any, cand: np.ndarray, j: int) -> bool:
    marks = ctx.elements(cand.tolist())
    return isinstance(marks, list) and marks[j] is not None


def _explain_row(ctx: Any, base: np.ndarray, j: int, w: np.ndarray, x: np.ndarray, lines: list[np.ndarray]) -> str | None:
    for n, L in enumerate(lines):
        cand = base.copy()
        cand[j] = ((L[j] - x) ** 2).sum()
        if not np.allclose(L[j], w) and _element_ok(ctx, cand, j):
            source = "the initial weights" if n == 0 else f"weights.{n}"
            return f"{DIAGNOSES['copied-differently']} (unit {j + 1}'s row taken from {source})"
    for a in range(len(x)):
        for b in range(a + 1, len(x)):
            for name, (ww, xx) in (("w", (_swap(w, a, b), x)), ("x", (w, _swap(x, a, b)))):
                cand = base.copy()
                cand[j] = ((ww - xx) ** 2).sum()
                if cand[j] != base[j] and _element_ok(ctx, cand, j):
                    return f"{DIAGNOSES['components-miscopied']} (unit {j + 1}: components {a + 1} and {b + 1} of {name} swapped)"
    return None


def _swap(v: np.ndarray, a: int, b: int) -> np.ndarray:
    v = v.copy()
    v[[a, b]] = v[[b, a]]
    return v


def _diagnose_weights(g: dict[str, Any], ctx: Any, k: int) -> str | None:
    given, own, prev = ctx.given, ctx.own.get(f"weights.{k}"), _line(ctx, g, k)
    if own is None or np.shape(given) != np.shape(own):
        return None
    given, own = np.asarray(given, dtype=float), np.asarray(own, dtype=float)
    moving = ~np.isclose(own, prev).all(axis=1)
    statuses = ctx.elements(own.tolist())
    bad = [j for j in range(len(own)) if isinstance(statuses, list) and any(e is None for e in statuses[j])]
    frozen = [j + 1 for j in bad if moving[j] and np.allclose(given[j], prev[j], atol=1e-9)]
    stayed = [j + 1 for j in bad if not moving[j]]
    if frozen:
        return f"{DIAGNOSES['winner-not-updated']} (unit{'s' if len(frozen) > 1 else ''} {', '.join(map(str, frozen))} left as on the previous line)"
    if stayed:
        return f"{DIAGNOSES['copied-differently']} (unit{'s' if len(stayed) > 1 else ''} {', '.join(map(str, stayed))} should not change)"
    return None


# --- independent check (tests only) ----------------------------------------------------------

def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent NumPy computation: all step values by a different route (einsum, outer)."""
    W = np.array(g["weights"], dtype=float)
    grid = g.get("grid", [len(W)])
    cells = np.indices(grid).reshape(len(grid), -1).T.astype(float)
    out: dict[str, Any] = {}
    k = 0
    for e in range(g.get("epochs", 1)):
        eta = g["lr"] * g.get("lr_decay", 1.0) ** e
        if e:
            out[f"lr.{e + 1}"] = eta
        for x in np.array(g["x"], dtype=float):
            k += 1
            diffs = np.einsum("jf,jf->j", W - x, W - x)
            J = int(np.flatnonzero(diffs - diffs.min() < 1e-9)[0])  # exact ties (one-decimal data) → lower unit
            r2 = np.einsum("jd,jd->j", cells - cells[J], cells - cells[J])
            hood = g.get("neighbourhood")
            h = np.eye(len(W))[J] if hood is None else (r2 <= g["radius"] ** 2 + 1e-9) * 1.0 if hood == "radius" else np.exp(-r2 / (2 * g["sigma"] ** 2))
            W = W + eta * h[:, None] * (x[None, :] - W)
            out[f"d2.{k}"], out[f"winner.{k}"], out[f"weights.{k}"] = diffs.tolist(), J + 1, W.tolist()
            if hood is not None:
                out[f"r2.{k}"], out[f"h.{k}"] = r2.tolist(), h.tolist()
    return out


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0, variant="full"), "text"))
