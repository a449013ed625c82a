"""Gaussian RBF network for XOR: distances, activations, output and class per pattern (SYLLABUS §11).

Equations::

    d²_pj = ‖x_p − c_j‖²                       patterns x_1…x_4 = (0,0), (0,1), (1,0), (1,1)
    h_pj  = exp(−d²_pj / (2σ²))                kernel gauss (σ given)
          = exp(−d²_pj / γ²)                   kernel gamma (γ given)
          = exp(−d²_pj)                        kernel unit
    y_p   = Σ_j w_j h_pj + b                   class_p = 1 if y_p > threshold else 0
    Phi     = [h_pj] (4 × k), with a column of ones when the bias is solved for
    w     = pinv(Phi) t                               least squares (pseudo-inverse), variant solve-weights
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, flag, matrix, number, vector

NAME = "rbf-xor"
SUMMARY = "RBF network for XOR: squared distances, Gaussian activations, output, class; least-squares weights"
SECTIONS = ("11",)
PATTERNS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
CORNERS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
CLASSIC = [[1.0, 1.0], [0.0, 0.0]]
FORMULA = {"gauss": "exp(−d²/(2σ²))", "gamma": "exp(−d²/γ²)", "unit": "exp(−d²)"}
VARIANTS = {"solve-weights": "find the output weights: design matrix Phi and w = pinv(Phi)·t (least squares / pseudo-inverse)"}
STEPS = [
    StepSpec("d2.p", "Squared distances of pattern p to every centre", "vector", 2, "d²_j = ‖x_p − c_j‖²"),
    StepSpec("h.p", "Hidden activations for pattern p", "vector", 2, "h_j = exp(−d²_j/(2σ²)) | exp(−d²_j/γ²) | exp(−d²_j)"),
    StepSpec("Phi", "Design matrix Phi (one row per pattern; last column 1 if the bias is solved for)", "matrix", 2, "Phi_pj = h_j(x_p)"),
    StepSpec("w", "Least-squares output weights (bias last, if solved for)", "vector", 2, "w = pinv(Phi) t = (Phiᵀ Phi)⁻¹ Phiᵀ t"),
    StepSpec("y.p", "Network output for pattern p", "number", 2, "y = Σ_j w_j h_j + b"),
    StepSpec("class.p", "Class of pattern p (0 or 1)", "integer", None, "1 if y > threshold else 0"),
]
GIVENS = {
    "centres": "k×2 matrix of centres (default the four corners; classic: [[1, 1], [0, 0]])",
    "kernel": "gauss = exp(−d²/(2σ²)) (default), gamma = exp(−d²/γ²), unit = exp(−d²)",
    "sigma": "σ for kernel gauss (default 1)",
    "gamma": "γ for kernel gamma (default 1)",
    "w": "output weights, one per centre (not with solve_weights)",
    "bias": "output bias b (default 0)",
    "threshold": "class 1 when y > threshold (default 0.5)",
    "solve_weights": "true: find w by least squares (variant solve-weights)",
    "targets": "XOR targets for solve_weights (default [0, 1, 1, 0])",
    "use_bias": "true: solve for a bias too (a column of ones in Phi)",
}
MISTAKES = {
    "not-squared": "distance not squared: used ‖x − c‖ instead of ‖x − c‖²",
    "e0-zero": "e⁰ taken as 0: a pattern on a centre has activation exp(0) = 1, not 0",
    "wrong-divisor": "wrong divisor in the exponent (the formula given is not the one used: 2σ² vs σ², γ² vs 2γ²)",
    "rounding-flip": "activations rounded to one decimal: too coarse, the small margin y − threshold can flip the class",
    "bias-omitted": "bias b left out of the output",
    "bias-column-omitted": "no column of ones in Phi although the bias is solved for",
}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Corners or the classic two centres, a hand-friendly width, weights that solve XOR.

    ``hard`` looks for weights whose margin |y − threshold| is so small that rounding the
    activations to one decimal flips a class.
    """
    classic = difficulty != "easy" and rng.random() < 0.5
    kernel = str(rng.choice(["gauss", "unit"] if difficulty == "easy" else ["gauss", "gamma", "unit"]))
    g: dict[str, Any] = {"centres": CLASSIC if classic else CORNERS, "kernel": kernel}
    if kernel == "gauss":
        g["sigma"] = float(rng.choice([1.0] if difficulty == "easy" else [0.5, 0.7, 1.0, 1.5, 2.0]))
    elif kernel == "gamma":
        g["gamma"] = float(rng.choice([0.5, 1.0, 1.5, 2.0]))
    g["threshold"] = 0.5
    if variant == "solve-weights":
        return {**g, "solve_weights": True, "targets": [0.0, 1.0, 1.0, 0.0], "use_bias": classic}
    H = _activations(g)
    Phi = np.hstack([H, np.ones((4, 1))]) if classic else H
    exact = np.linalg.pinv(Phi) @ np.array([0.0, 1.0, 1.0, 0.0])
    want_flip = difficulty == "hard" and rng.random() < 0.5
    for _ in range(300):
        wb = np.round(exact + rng.integers(-3, 4, size=exact.shape) / 10 * (difficulty != "easy"), 1)
        w, b = (wb[:-1], wb[-1]) if classic else (wb, 0.0)
        y = H @ w + b
        margin = np.abs(y - 0.5).min()
        if want_flip and ((np.round(H, 1) @ w + b > 0.5) != (y > 0.5)).any():
            break
        if not want_flip and margin >= (0.1 if difficulty != "hard" else 0.02) and ((y > 0.5) == [0, 1, 1, 0]).all():
            break
    return {**g, "w": [float(v) for v in w], "bias": float(b)}


def _activations(g: dict[str, Any]) -> np.ndarray:
    d2 = ((np.array(PATTERNS)[:, None, :] - np.array(g["centres"])[None, :, :]) ** 2).sum(axis=2)
    return np.exp(-d2 / _divisor(g, False))


def _divisor(g: dict[str, Any], wrong: bool) -> float:
    if g["kernel"] == "gauss":
        return g["sigma"] ** 2 * (1 if wrong else 2)
    if g["kernel"] == "gamma":
        return g["gamma"] ** 2 * (2 if wrong else 1)
    return 2.0 if wrong else 1.0


def validate(givens: dict[str, Any]) -> dict[str, Any]:
    """Check shapes and ranges; return the givens in canonical form."""
    c = matrix(givens, "centres", rows=(1, 8), cols=(2, 2), default=CORNERS)
    g: dict[str, Any] = {"centres": c, "kernel": choice(givens, "kernel", ("gauss", "gamma", "unit"), default="gauss")}
    if g["kernel"] != "unit":
        g[g["kernel"] == "gauss" and "sigma" or "gamma"] = number(givens, "sigma" if g["kernel"] == "gauss" else "gamma", low=0.05, high=100.0, default=1.0)
    g["threshold"] = number(givens, "threshold", low=-100.0, high=100.0, default=0.5)
    if flag(givens, "solve_weights"):
        if "w" in givens:
            raise GivenError("w", "is not given when the weights are to be solved for (solve_weights = true)")
        return {**g, "solve_weights": True, "targets": vector(givens, "targets", (4, 4), default=[0.0, 1.0, 1.0, 0.0]),
                "use_bias": flag(givens, "use_bias")}
    w = vector(givens, "w", (len(c), len(c)))
    return {**g, "w": w, "bias": number(givens, "bias", low=-1000.0, high=1000.0, default=0.0)}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    cs = ", ".join(f"c{j} = ({a:g}, {b:g})" for j, (a, b) in enumerate(g["centres"], 1))
    act = {"gauss": f"h = exp(−‖x − c‖²/(2σ²)) with σ = {g.get('sigma', 1):g}",
           "gamma": f"h = exp(−‖x − c‖²/γ²) with γ = {g.get('gamma', 1):g}", "unit": "h = exp(−‖x − c‖²)"}[g["kernel"]]
    text = f"An RBF network for XOR has {len(g['centres'])} Gaussian hidden units with centres {cs} and activation {act}. "
    pats = "x1 = (0, 0), x2 = (0, 1), x3 = (1, 0), x4 = (1, 1)"
    if g.get("solve_weights"):
        t = ", ".join(f"{v:g}" for v in g["targets"])
        bias = " plus a bias (a last column of ones in Phi)" if g["use_bias"] else " (no bias)"
        return text + (f"For the patterns {pats} compute d² and h, the design matrix Phi, and the least-squares output weights "
                       f"w = pinv(Phi)·t{bias} for the targets t = ({t}); then the output y and the class (1 if y > {g['threshold']:g}) of each pattern.")
    w = ", ".join(f"{v:g}" for v in g["w"])
    return text + (f"The output is y = Σ w_j h_j + b with w = ({w}) and b = {g['bias']:g}; class 1 if y > {g['threshold']:g}, else 0. "
                   f"For each pattern {pats} compute the squared distances to the centres, the activations, y and the class.")


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    out = ["Patterns in the order x1 = (0,0), x2 = (0,1), x3 = (1,0), x4 = (1,1); d2.p and h.p list the centres in order.",
           f"Class 1 when y > {g['threshold']:g} (strictly), else 0."]
    if g.get("solve_weights"):
        out.append("w = pinv(Phi)·t, the least-squares (minimum-norm) solution" + ("; the bias is w's last entry." if g["use_bias"] else "."))
    return out


def solve(g: dict[str, Any], work: Any) -> None:
    """d², h per pattern; (Phi and w when solving for the weights); y and class per pattern."""
    C = np.array(g["centres"], dtype=float)
    H = []
    for p, x in enumerate(np.array(PATTERNS), 1):
        d2 = ((C - x) ** 2).sum(axis=1)
        d2 = work.put(f"d2.{p}", f"Squared distances of x{p} to the centres", np.sqrt(d2) if work.mistake("not-squared") else d2,
                      formula="‖x − c_j‖²")
        h = np.exp(-d2 / _divisor(g, work.mistake("wrong-divisor")))
        if work.mistake("e0-zero"):
            h = np.where(d2 == 0, 0.0, h)
        if work.mistake("rounding-flip"):
            h = np.round(h, 1)
        H.append(work.put(f"h.{p}", f"Activations for x{p}", h, formula=FORMULA[g["kernel"]], depends_on=(f"d2.{p}",)))
    w, b, wdeps = _weights(g, np.array(H), work)
    for p, h in enumerate(H, 1):
        y = float(np.dot(w, h)) + (0.0 if work.mistake("bias-omitted") else b)
        y = work.put(f"y.{p}", f"Output for x{p}", y, formula="Σ_j w_j h_j + b", depends_on=(f"h.{p}",) + wdeps)
        work.put(f"class.{p}", f"Class of x{p}", int(y > g["threshold"]), formula=f"[y > {g['threshold']:g}]",
                 depends_on=(f"y.{p}",))


def _weights(g: dict[str, Any], H: np.ndarray, work: Any) -> tuple[np.ndarray, float, tuple[str, ...]]:
    """The given weights, or Phi and w = pinv(Phi)·t (bias last when solved for)."""
    if not g.get("solve_weights"):
        return np.array(g["w"], dtype=float), g["bias"], ()
    bias = g["use_bias"] and not work.mistake("bias-column-omitted")
    Phi = np.hstack([H, np.ones((len(H), 1))]) if bias else H
    Phi = work.put("Phi", "Design matrix Phi", Phi, formula="[h(x_p)ᵀ" + (", 1]" if bias else "]"),
                   depends_on=tuple(f"h.{p}" for p in range(1, len(H) + 1)))
    w = work.put("w", "Least-squares weights", np.linalg.pinv(Phi) @ np.array(g["targets"]), formula="pinv(Phi) t",
                 depends_on=("Phi",))
    k = H.shape[1]
    return (w[:k], float(w[k]) if len(w) > k else 0.0, ("w",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent route: scipy cdist for d², numpy.linalg.lstsq for the weights."""
    from scipy.spatial.distance import cdist
    D2 = cdist(np.array(PATTERNS), np.array(g["centres"], dtype=float), "sqeuclidean")
    scale = {"gauss": 2 * g.get("sigma", 1.0) ** 2, "gamma": g.get("gamma", 1.0) ** 2, "unit": 1.0}[g["kernel"]]
    H = np.exp(-D2 / scale)
    out: dict[str, Any] = {}
    if g.get("solve_weights"):
        Phi = np.column_stack([H] + ([np.ones(4)] if g["use_bias"] else []))
        sol = np.linalg.lstsq(Phi, np.array(g["targets"], dtype=float), rcond=None)[0]
        w, b = sol[:H.shape[1]], (sol[-1] if g["use_bias"] else 0.0)
        out["Phi"], out["w"] = Phi.tolist(), sol.tolist()
    else:
        w, b = np.array(g["w"]), g["bias"]
    y = H @ w + b
    for p in range(4):
        out[f"d2.{p + 1}"], out[f"h.{p + 1}"] = D2[p].tolist(), H[p].tolist()
        out[f"y.{p + 1}"], out[f"class.{p + 1}"] = float(y[p]), int(y[p] > g["threshold"])
    return out


if __name__ == "__main__":
    from derive.printing import render
    from problems.engine import make_exercise
    print(render(make_exercise(__import__(__name__), 0), "text"))
