"""Echo state network: the reservoir is fixed, only the readout is trained, by ridge regression
W_out = y Xᵀ (X Xᵀ + λI)⁻¹ on the collected states (SYLLABUS §6).

Equations::

    reservoir (fixed):  x_t = tanh(W_in u_t + W x_(t−1)),  x_0 = 0;  echo states need ρ(W) = max|eig W| < 1
    states X = [x_1 … x_T]  (N × T),  targets y (1 × T)
    A = X Xᵀ + λI,   A⁻¹ = (1/det A)·[[a₂₂, −a₁₂], [−a₂₁, a₁₁]]   (N = 2)
    W_out = y Xᵀ A⁻¹,   ŷ_t = W_out x_t,   MSE = (1/T) Σ_t (ŷ_t − y_t)²
"""

from __future__ import annotations

from typing import Any

import numpy as np

from derive.steps import StepSpec
from problems.givens import GivenError
from problems.givens import choice, matrix, number, vector
from problems.shared.clear_mistakes import generate_clear, this
from problems.shared.mistake_replay import idle
from problems.shared.statement_text import mat, num, vec
from problems.types import _esn_reservoir as E

NAME = "esn"
SUMMARY = "Echo state network: reservoir states, ρ(W), ridge readout W_out = y Xᵀ(X Xᵀ + λI)^(−1), predictions and MSE"
SECTIONS = ("6",)
VARIANTS = {"readout": "states given: ridge regression for the readout of a 2-unit reservoir",
            "reservoir": "run the fixed reservoir first (ρ(W), the states), then the ridge readout"}
STEPS = [
    StepSpec("rho", "Spectral radius ρ(W)", "number", 3, "max |eigenvalue of W|"),
    StepSpec("x.t", "Reservoir state x_t", "vector", 4, "tanh(W_in u_t + W x_(t−1))"),
    StepSpec("XXt", "X Xᵀ", "matrix", 3, "Σ_t x_t x_tᵀ"),
    StepSpec("A", "X Xᵀ + λI", "matrix", 3, "add λ on the diagonal"),
    StepSpec("det", "det(X Xᵀ + λI)", "number", 3, "a11·a22 − a12·a21"),
    StepSpec("inv", "(X Xᵀ + λI)^(−1)", "matrix", 4, "(1/det)·[[a22, −a12], [−a21, a11]]"),
    StepSpec("yXt", "y Xᵀ", "vector", 3, "Σ_t y_t x_tᵀ"),
    StepSpec("Wout", "Readout weights W_out", "vector", 4, "y Xᵀ (X Xᵀ + λI)^(−1)"),
    StepSpec("pred", "Readout outputs ŷ_t", "vector", 3, "W_out x_t"),
    StepSpec("mse", "Training MSE", "number", 4, "(1/T) Σ_t (ŷ_t − y_t)²"),
]
GIVENS = {"variant": "readout or reservoir", "X": "readout: states, one column per time step (2 × T)",
          "y": "targets y_1 … y_T", "lam": "ridge parameter λ > 0",
          "Win, W, u": "reservoir: input weights (2), reservoir matrix (2 × 2), inputs u_1 … u_T"}
MISTAKES = {
    "mse-sum": "sum of squared errors given as the MSE: divide by T",
    "adjugate-no-det": "inverse without dividing by the determinant: that is the adjugate",
    "adjugate-signs": "off-diagonal signs of the 2 × 2 inverse not flipped: [[a22, a12], [a21, a11]]/det",
    "adjugate-no-swap": "diagonal of the 2 × 2 inverse not swapped: [[a11, −a12], [−a21, a22]]/det",
    "det-plus": "determinant written a11·a22 + a12·a21 instead of a11·a22 − a12·a21",
    "lambda-everywhere": "λ added to every entry of X Xᵀ instead of the diagonal (λI)",
    "no-ridge": "λ left out: plain least squares (X Xᵀ)^(−1), not ridge regression",
    "no-tanh": "reservoir states without tanh: W_in u_t + W x_(t−1) is the pre-activation",
    "stale-state": "previous state not carried: x_0 used at every step",
    "rho-singular": "spectral radius taken as the largest singular value ‖W‖₂: ρ is the largest |eigenvalue|",
}
_RES = ("no-tanh", "stale-state", "rho-singular")
APPLIES = {m: (lambda g: g["variant"] == "reservoir") for m in _RES}


def generate(rng: np.random.Generator, difficulty: str = "exam", variant: str | None = None) -> dict[str, Any]:
    """Easy: 3 time steps, λ = 1; exam: 3–4 steps; hard: the reservoir run first (ρ(W) < 1)."""
    v = variant or ("reservoir" if difficulty == "hard" else "readout")
    return generate_clear(this(__name__), lambda: E.draw(rng, v, difficulty), tries=60)


MAX_CONDITION = 1e8  # of X Xᵀ + λI: its determinant a·d − b·c keeps 8 significant digits


def validate(g: dict[str, Any]) -> dict[str, Any]:
    """A 2-unit reservoir, 2–8 time steps, λ > 0 (so X Xᵀ + λI is invertible)."""
    v = choice(g, "variant", VARIANTS, default="reservoir" if "W" in g else "readout")
    lam = number(g, "lam", 1e-6, 1000)
    if v == "readout":
        X = matrix(g, "X", rows=(2, 2), cols=(2, 8))
        A = np.array(X) @ np.array(X).T + lam * np.eye(2)
        if np.linalg.cond(A) > MAX_CONDITION:
            raise GivenError("X", f"makes X Xᵀ + λI nearly singular (condition number above {MAX_CONDITION:g}): "
                             "its determinant by hand would be rounding noise; use smaller states or a larger λ")
        return {"variant": v, "X": X, "y": vector(g, "y", (len(X[0]), len(X[0]))), "lam": lam}
    u = vector(g, "u", (2, 8))
    W = matrix(g, "W", rows=(2, 2), cols=(2, 2))
    if max(abs(np.linalg.eigvals(np.array(W)))) >= 1:
        raise GivenError("W", "ρ(W) ≥ 1: the reservoir would not have echo states; scale W down")
    return {"variant": v, "Win": vector(g, "Win", (2, 2)), "W": W, "u": u, "y": vector(g, "y", (len(u), len(u))), "lam": lam}


def statement(g: dict[str, Any]) -> str:
    """The exercise text."""
    tail = (f"With targets y = {vec(g['y'])} and λ = {num(g['lam'])}, train the readout by ridge regression: give X Xᵀ, "
            "X Xᵀ + λI, its determinant and inverse, y Xᵀ, W_out, the readout outputs and the training MSE.")
    if g["variant"] == "readout":
        return (f"An echo state network's fixed 2-unit reservoir produced the states X = {mat(g['X'])} (column t is x_t). " + tail)
    return (f"An echo state network has a fixed 2-unit reservoir x_t = tanh(W_in u_t + W x_(t−1)), x_0 = 0, with W_in = "
            f"{vec(g['Win'])} and W = {mat(g['W'])}. Give ρ(W), then the states for the inputs u = {vec(g['u'])}. " + tail)


def conventions(g: dict[str, Any]) -> list[str]:
    """Conventions stated with every exercise and check."""
    return ["Only W_out is trained; W_in and W stay fixed.", "No bias in the readout; X holds one state per column.",
            "MSE = (1/T) Σ_t (ŷ_t − y_t)²."]


def solve(g: dict[str, Any], work: Any) -> None:
    """(Reservoir: ρ(W) and the states,) then the ridge readout step by step."""
    if idle(work, APPLIES, g):
        return
    X = E.states(g, work) if g["variant"] == "reservoir" else np.array(g["X"], dtype=float)
    y, lam, T = np.array(g["y"], dtype=float), g["lam"], len(g["y"])
    xs = tuple(f"x.{t}" for t in range(1, T + 1)) if g["variant"] == "reservoir" else ()
    XXt = work.put("XXt", "X Xᵀ", X @ X.T, "Σ_t x_t x_tᵀ", depends_on=xs)
    ridge = 0.0 if work.mistake("no-ridge") else lam * (np.ones((2, 2)) if work.mistake("lambda-everywhere") else np.eye(2))
    A = work.put("A", "X Xᵀ + λI", XXt + ridge, "X Xᵀ + λI", depends_on=("XXt",))
    d = A[0, 0] * A[1, 1] + (1 if work.mistake("det-plus") else -1) * A[0, 1] * A[1, 0]
    det = work.put("det", "det A", d, "a11·a22 − a12·a21", depends_on=("A",))
    inv = work.put("inv", "A^(−1)", E.inverse(A, det, work), "(1/det)·[[a22, −a12], [−a21, a11]]", depends_on=("A", "det"))
    yXt = work.put("yXt", "y Xᵀ", X @ y, "Σ_t y_t x_t", depends_on=xs)
    Wout = work.put("Wout", "W_out", yXt @ inv, "y Xᵀ A^(−1)", depends_on=("yXt", "inv"))
    pred = work.put("pred", "ŷ", Wout @ X, "W_out x_t", depends_on=("Wout",) + xs)
    sq = float(((pred - y) ** 2).sum())
    work.put("mse", "MSE", sq if work.mistake("mse-sum") else sq / T, "(1/T) Σ_t (ŷ_t − y_t)²", depends_on=("pred",))


def cross_check(g: dict[str, Any]) -> dict[str, Any]:
    """Independent values (tests only): sklearn Ridge (no intercept) for W_out and the predictions,
    numpy.linalg for det and inverse, torch nn.RNN (tanh, no bias) for the reservoir states."""
    return E.cross(g)
